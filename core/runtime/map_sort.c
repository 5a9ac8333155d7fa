/* fmt's key order for maps (internal/fmtsort), on the raw bytes of the
 * collected entries, so that %v and --json list entries as Go prints them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "base/le.h"
#include "gotypes/rtype.h"

/* ---- fmt's key order (internal/fmtsort) ------------------------------------ */

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_f(double a, double b)
{
	if (isnan(a) || isnan(b)) /* NaN sorts first */
		return isnan(a) && !isnan(b) ? -1 : !isnan(a) && isnan(b) ? 1 : 0;
	return a < b ? -1 : a > b;
}

static double get_f(const struct gl_type *t, const unsigned char *b)
{
	if (t->size == 4) {
		float f;
		memcpy(&f, b, 4);
		return f;
	}
	double d;
	memcpy(&d, b, 8);
	return d;
}

/* Word i of a string header or interface value: the target's pointer size. */
static uint64_t word(const struct gl_ctx *c, const unsigned char *p, unsigned i)
{
	return gl_get_uint(p + (uint64_t)i * (unsigned)c->t->ptr_size, (unsigned)c->t->ptr_size);
}

static int cmp_strings(struct gl_ctx *c, const unsigned char *a, const unsigned char *b)
{
	uint64_t pa = word(c, a, 0), la = word(c, a, 1);
	uint64_t pb = word(c, b, 0), lb = word(c, b, 1);
	unsigned char ba[256], bb[256];
	for (uint64_t off = 0; off < la && off < lb; off += sizeof(ba)) {
		uint64_t n = la - off < lb - off ? la - off : lb - off;
		if (n > sizeof(ba))
			n = sizeof(ba);
		struct gl_error *e1 = gl_mem_read(c->mem, pa + off, ba, n);
		struct gl_error *e2 = e1 ? NULL : gl_mem_read(c->mem, pb + off, bb, n);
		bool bad = e1 || e2;
		gl_error_destroy(e1);
		gl_error_destroy(e2);
		if (bad)
			return cmp_u(pa, pb);
		int r = memcmp(ba, bb, n);
		if (r)
			return r < 0 ? -1 : 1;
	}
	return cmp_u(la, lb);
}

/* fmtsort.compare on raw bytes: numbers by value, strings by bytes,
 * pointers and channels by address, arrays and structs element by
 * element, interfaces by dynamic type, then value. */
static int cmp_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
		     const unsigned char *b, int depth)
{
	if (depth > 16)
		return 0;
	switch (t->kind) {
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64: {
		int64_t x = gl_get_int(a, t->size), y = gl_get_int(b, t->size);
		return x < y ? -1 : x > y;
	}
	case GL_K_FLOAT32: case GL_K_FLOAT64:
		return cmp_f(get_f(t, a), get_f(t, b));
	case GL_K_COMPLEX64: case GL_K_COMPLEX128: {
		struct gl_type half = {.kind = GL_K_FLOAT64, .size = t->size / 2};
		int r = cmp_f(get_f(&half, a), get_f(&half, b));
		return r ? r : cmp_f(get_f(&half, a + half.size), get_f(&half, b + half.size));
	}
	case GL_K_STRING:
		return cmp_strings(c, a, b);
	case GL_K_ARRAY:
		for (uint64_t i = 0; t->elem && i < t->count; i++) {
			int r = cmp_value(c, t->elem, a + i * t->elem->size, b + i * t->elem->size, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields; i++) {
			const struct gl_field *f = &t->fields[i];
			int r = cmp_value(c, f->type, a + f->offset, b + f->offset, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_INTERFACE: {
		uint64_t ta, tb;
		struct gl_type *da = gl_iface_dynamic_type(c, t, a, &ta);
		struct gl_type *db = gl_iface_dynamic_type(c, t, b, &tb);
		if (ta != tb || !da || !db)
			return cmp_u(ta, tb);
		unsigned char va[64], vb[64];
		uint64_t w = (unsigned)c->t->ptr_size; /* the data word follows the type word */
		if (gl_type_is_direct_iface(da))
			return cmp_value(c, da, a + w, b + w, depth + 1);
		if (da->size > sizeof(va))
			return cmp_u(word(c, a, 1), word(c, b, 1));
		struct gl_error *e1 = gl_mem_read(c->mem, word(c, a, 1), va, da->size);
		struct gl_error *e2 = e1 ? NULL : gl_mem_read(c->mem, word(c, b, 1), vb, da->size);
		bool bad = e1 || e2;
		gl_error_destroy(e1);
		gl_error_destroy(e2);
		return bad ? 0 : cmp_value(c, da, va, vb, depth + 1);
	}
	default: /* bool, unsigned, pointers, chans, unsafe.Pointer */
		return cmp_u(gl_get_uint(a, t->size), gl_get_uint(b, t->size));
	}
}

struct sort_ctx {
	struct gl_ctx *c;
	const struct gl_type *kt;
	const struct gl_map_entry *e;
	char **text;     /* string keys read once up front, or NULL */
	uint64_t *len;
	uint32_t calls;  /* comparisons since the last look for a Ctrl-C */
	bool stop;       /* Ctrl-C: every pair compares equal, qsort ends soon */
};

static int cmp_entries(const void *x, const void *y, void *arg)
{
	struct sort_ctx *s = arg;
	/* sorting a million entries takes a second: it can be stopped too */
	if (++s->calls == 1u << 14) {
		s->calls = 0;
		s->stop = gl_interrupted(s->c);
	}
	if (s->stop)
		return 0;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int r;
	if (s->text) {
		uint64_t n = s->len[i] < s->len[j] ? s->len[i] : s->len[j];
		r = memcmp(s->text[i], s->text[j], n);
		r = r ? (r < 0 ? -1 : 1) : cmp_u(s->len[i], s->len[j]);
	} else {
		r = cmp_value(s->c, s->kt, s->e[i].key, s->e[j].key, 0);
	}
	return r ? r : (i < j ? -1 : i > j);
}

/* String keys: read every key's bytes once, so that sorting a million
 * entries compares memory, not reads through the cache. False when a key
 * cannot be read (the slow path then compares what it can). */
static bool preload_strings(struct gl_ctx *c, struct sort_ctx *s, size_t n)
{
	s->text = calloc(n, sizeof(*s->text));
	s->len = calloc(n, sizeof(*s->len));
	if (!s->text || !s->len)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (gl_interrupted(c))
			return false;
		uint64_t p = word(c, s->e[i].key, 0), l = word(c, s->e[i].key, 1);
		if (l > GL_MAX_VALUE_BYTES)
			return false;
		s->text[i] = malloc(l ? l : 1);
		s->len[i] = l;
		struct gl_error *err = s->text[i] && l ? gl_mem_read(c->mem, p, s->text[i], l) : NULL;
		if (!s->text[i] || err) {
			gl_error_destroy(err);
			return false;
		}
	}
	return true;
}

static void free_strings(struct sort_ctx *s, size_t n)
{
	for (size_t i = 0; s->text && i < n; i++)
		free(s->text[i]);
	free(s->text);
	free(s->len);
	s->text = NULL;
	s->len = NULL;
}

void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_entries *e)
{
	if (!e->key_type || e->n < 2)
		return;
	size_t *idx = malloc(e->n * sizeof(*idx));
	struct gl_map_entry *sorted = malloc(e->n * sizeof(*sorted));
	if (idx && sorted) {
		for (size_t i = 0; i < e->n; i++)
			idx[i] = i;
		struct sort_ctx s = {c, e->key_type, e->v, NULL, NULL, 0, false};
		if (e->key_type->kind == GL_K_STRING && !preload_strings(c, &s, e->n))
			free_strings(&s, e->n);
		/* stopped by the user: the entries stay in memory order */
		if (!gl_interrupted(c))
			qsort_r(idx, e->n, sizeof(*idx), cmp_entries, &s);
		free_strings(&s, e->n);
		for (size_t i = 0; i < e->n; i++)
			sorted[i] = e->v[idx[i]];
		memcpy(e->v, sorted, e->n * sizeof(*sorted));
	}
	free(idx);
	free(sorted);
}
