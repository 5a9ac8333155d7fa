/* See known_types.h. */
#include <stdint.h>
#include <string.h>

#include "base/le.h"
#include "fmt/known_types.h"

/* time.Duration.String: "1h2m3.5s", "1.5ms", "0s". Digits are written
 * backwards from the end of buf, as Go's own format does. */
static size_t frac(char *buf, size_t w, uint64_t *v, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*v % 10);
		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t integer(char *buf, size_t w, uint64_t v)
{
	do {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return w;
}

static void duration(int64_t d, struct strbuf *sb)
{
	char buf[32];
	size_t w = sizeof(buf);
	uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	if (u < 1000000000ull) { /* under a second: ns, µs or ms */
		int prec = 0;
		buf[--w] = 's';
		if (u == 0) {
			buf[--w] = '0';
		} else {
			if (u < 1000) {
				buf[--w] = 'n';
			} else if (u < 1000000) {
				prec = 3;
				w -= 2;
				memcpy(buf + w, "\xc2\xb5", 2); /* µ */
			} else {
				prec = 6;
				buf[--w] = 'm';
			}
			w = frac(buf, w, &u, prec);
			w = integer(buf, w, u);
		}
	} else {
		buf[--w] = 's';
		w = frac(buf, w, &u, 9);
		w = integer(buf, w, u % 60);
		u /= 60;
		if (u) { /* minutes, then hours: days differ in length */
			buf[--w] = 'm';
			w = integer(buf, w, u % 60);
			u /= 60;
			if (u) {
				buf[--w] = 'h';
				w = integer(buf, w, u);
			}
		}
	}
	if (d < 0)
		buf[--w] = '-';
	sb_addn(sb, buf + w, sizeof(buf) - w);
}

/* The message field of the error a pointer points to: fmt prints an error
 * as what Error() returns, which for these types is that field. */
static const struct {
	const char *type, *field;
} errors[] = {
	{"*errors.errorString", "s"},
	{"*fmt.wrapError", "msg"},
	{"*fmt.wrapErrors", "msg"},
};

bool gl_known_duration(const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (t->kind != GL_K_INT64 || !t->name || strcmp(t->name, "time.Duration"))
		return false;
	duration(gl_get_int(b, 8), sb);
	return true;
}

bool gl_known_error(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, uint64_t *ptr,
		    uint64_t *len)
{
	if (t->kind != GL_K_POINTER || !t->name || !t->elem)
		return false;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if (strcmp(t->name, errors[i].type))
			continue;
		const struct gl_field *f = gl_type_field(t->elem, errors[i].field);
		unsigned ps = c->t->ptr_size;
		uint64_t p = gl_get_uint(b, ps);
		unsigned char hdr[16];
		if (!f || f->type->kind != GL_K_STRING || !p || f->offset > UINT64_MAX - p)
			return false;
		struct gl_error *err = gl_mem_read(c->mem, p + f->offset, hdr, 2 * (uint64_t)ps);
		if (err) {
			gl_error_destroy(err);
			return false;
		}
		*ptr = gl_get_uint(hdr, ps);
		*len = gl_get_uint(hdr + ps, ps);
		return true;
	}
	return false;
}
