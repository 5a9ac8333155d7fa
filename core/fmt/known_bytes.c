/* What people read in a strings.Builder or bytes.Buffer (the bytes
 * written, buf, and for a Buffer those not yet read, buf[off:]) and in a
 * math/big.Int (its decimal value, as its String and Format methods
 * print it; at most GL_KNOWN_MAX_WORDS words are converted). */
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"

/* The array and length of the slice field name of struct value b. */
static bool slice_field(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, const char *name,
			uint64_t *array, uint64_t *len, uint64_t *elem_size)
{
	const struct gl_field *f = gl_known_field(t, name, GL_K_SLICE);
	unsigned ps = gl_known_ptr_size(c);
	if (!f || !f->type->elem || f->type->size < 2 * ps)
		return false;
	*array = gl_get_uint(b + f->offset, ps);
	*len = gl_get_uint(b + f->offset + ps, ps);
	*elem_size = f->type->elem->size;
	return true;
}

bool gl_known_builder(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	uint64_t p, n, es;
	if (!slice_field(c, t, b, "buf", &p, &n, &es) || es != 1)
		return false;
	gl_format_string(c, p, n, sb);
	return true;
}

bool gl_known_buffer(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	uint64_t p, n, es;
	int64_t off;
	if (!slice_field(c, t, b, "buf", &p, &n, &es) || es != 1 || !gl_known_int(t, b, "off", &off) || off < 0 ||
	    (uint64_t)off > n)
		return false;
	gl_format_string(c, p + (uint64_t)off, n - (uint64_t)off, sb);
	return true;
}

/* Divide the little-endian words w[0..n) by 10^19 in place; the remainder. */
static uint64_t divmod(uint64_t *w, size_t n, unsigned ws)
{
	const uint64_t d = 10000000000000000000ull;
	unsigned __int128 r = 0;
	for (size_t i = n; i-- > 0;) {
		unsigned __int128 cur = (r << (8 * ws)) | w[i];
		w[i] = (uint64_t)(cur / d);
		r = cur % d;
	}
	return (uint64_t)r;
}

bool gl_known_bigint(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	const struct gl_field *neg = gl_known_field(t, "neg", GL_K_BOOL);
	uint64_t p, n, ws;
	if (!neg || !slice_field(c, t, b, "abs", &p, &n, &ws) || (ws != 4 && ws != 8))
		return false;
	if (n > GL_KNOWN_MAX_WORDS) {
		sb_addf(sb, "<%llu-word number>", (unsigned long long)n);
		return true;
	}
	unsigned char raw[GL_KNOWN_MAX_WORDS * 8];
	uint64_t w[GL_KNOWN_MAX_WORDS];
	if (n && !gl_known_read(c, p, raw, n * ws))
		return false;
	for (uint64_t i = 0; i < n; i++)
		w[i] = gl_get_uint(raw + i * ws, ws);
	while (n && !w[n - 1]) /* (a normalized nat has none; be lenient) */
		n--;
	if (!n) {
		sb_addc(sb, '0');
		return true;
	}
	/* 19-digit chunks, least significant first; at most 20 per 64 bits */
	uint64_t chunks[GL_KNOWN_MAX_WORDS * 8 / 7 + 2];
	size_t nc = 0;
	while (n && nc < sizeof(chunks) / sizeof(chunks[0])) {
		chunks[nc++] = divmod(w, n, (unsigned)ws);
		while (n && !w[n - 1])
			n--;
	}
	if (b[neg->offset])
		sb_addc(sb, '-');
	sb_addf(sb, "%llu", (unsigned long long)chunks[nc - 1]);
	for (size_t i = nc - 1; i-- > 0;)
		sb_addf(sb, "%019llu", (unsigned long long)chunks[i]);
	return true;
}

/* The types whose String (or Format) method takes a pointer: fmt prints a
 * *T as the method does, a T as its fields. */
static const struct {
	const char *type;
	gl_known_fn *fn;
} pointer_methods[] = {
	{"strings.Builder", gl_known_builder},
	{"bytes.Buffer", gl_known_buffer},
	{"math/big.Int", gl_known_bigint},
};

gl_known_fn *gl_known_pointer_method(const char *type)
{
	for (size_t i = 0; i < sizeof(pointer_methods) / sizeof(pointer_methods[0]); i++)
		if (!strcmp(type, pointer_methods[i].type))
			return pointer_methods[i].fn;
	return NULL;
}
