/* Go's fmt %v, reproduced from the bytes of a value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/format.h"
#include "fmt/known_types.h"
#include "gotypes/rtype.h"
#include "runtime/maps.h"
#include "target/dwarfinfo.h"
#include "target/target.h"

/* Output bound per value: a dump must never run away on a huge or
 * corrupt slice. */
#define MAX_DEPTH 16

static bool round_trips(const char *buf, double v, int bits)
{
	return bits == 32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v;
}

/* Add delta (+1/-1) to the last mantissa digit of a %e string in place;
 * false when that would change the digit count (carry out, or 1 -> 0). */
static bool bump_last_digit(char *buf, int delta)
{
	char *e = strchr(buf, 'e');
	if (!e)
		return false;
	for (char *p = e - 1; p >= buf; p--) {
		if (*p == '.')
			continue;
		if (*p < '0' || *p > '9')
			return false;
		int d = *p - '0' + delta;
		if (d >= 0 && d <= 9) {
			*p = (char)('0' + d);
			return !(p == buf && *p == '0');
		}
		*p = delta > 0 ? '0' : '9';
	}
	return false;
}

/* Shortest decimal digits that read back as the same value. The nearest
 * p-digit decimal (C's correctly rounded %e) is tried first, then its
 * neighbours: next to a power of two the round-trip interval is lopsided
 * and a neighbour can succeed where the nearest fails. Among neighbours
 * that both read back (a tie), the upper one wins, as in Go's strconv. */
static void shortest_digits(double v, int bits, char *digits, int *nd, int *dp)
{
	char buf[64] = "0e+00";
	for (int prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, v);
		char up[64], down[64];
		if (round_trips(buf, v, bits)) {
			/* An exact tie (the value ends in 5 right after the last
			 * kept digit) rounds up in Go, not to even as in C. */
			char exact[128];
			snprintf(exact, sizeof(exact), "%.70e", v);
			const char *after = exact + prec + 2;
			bool tie = *after == '5';
			for (const char *q = after + 1; tie && *q && *q != 'e'; q++)
				tie = *q == '0';
			snprintf(up, sizeof(up), "%s", buf);
			if (tie && bump_last_digit(up, 1) && round_trips(up, v, bits))
				snprintf(buf, sizeof(buf), "%s", up);
			break;
		}
		snprintf(up, sizeof(up), "%s", buf);
		snprintf(down, sizeof(down), "%s", buf);
		bool u = bump_last_digit(up, 1) && round_trips(up, v, bits);
		bool d = bump_last_digit(down, -1) && round_trips(down, v, bits);
		if (u || d) {
			snprintf(buf, sizeof(buf), "%s", u ? up : down);
			break;
		}
	}
	/* buf is d[.ddd]e±XX */
	int n = 0;
	char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	int exp = atoi(p + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*nd = n;
	*dp = exp + 1;
	if (n == 1 && digits[0] == '0') {
		*nd = 0;
		*dp = 0;
	}
}

void gl_format_float(double v, int bits, bool plus, struct strbuf *sb)
{
	if (isnan(v)) {
		sb_add(sb, plus ? "+NaN" : "NaN");
		return;
	}
	if (isinf(v)) {
		sb_add(sb, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (signbit(v)) {
		sb_addc(sb, '-');
		v = -v;
	} else if (plus) {
		sb_addc(sb, '+');
	}
	char d[32];
	int nd, dp;
	shortest_digits(v, bits, d, &nd, &dp);
	int exp = dp - 1;
	if (nd > 0 && (exp < -4 || exp >= 6)) { /* %e with nd-1 decimals */
		sb_addc(sb, d[0]);
		if (nd > 1) {
			sb_addc(sb, '.');
			sb_add(sb, d + 1);
		}
		sb_addf(sb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	/* %f with max(nd-dp, 0) decimals */
	if (dp <= 0) {
		sb_addc(sb, '0');
	} else {
		for (int i = 0; i < dp; i++)
			sb_addc(sb, i < nd ? d[i] : '0');
	}
	if (nd > dp) {
		sb_addc(sb, '.');
		for (int i = dp; i < 0; i++)
			sb_addc(sb, '0');
		for (int i = dp > 0 ? dp : 0; i < nd; i++)
			sb_addc(sb, d[i]);
	}
}

/* How many unexported struct fields the value being formatted lies in:
 * fmt calls String or Error only outside them. One formatting runs at a
 * time (the debugger's thread), so a file-level count serves. */
static int methods_hidden;

void gl_format_field(struct gl_ctx *c, const struct gl_field *f, const unsigned char *b,
		     struct strbuf *sb, int depth)
{
	/* fmt calls no method on what it reaches through an unexported
	 * field (reflect's CanInterface is false there) */
	bool hidden = f->name && !(f->name[0] >= 'A' && f->name[0] <= 'Z');
	methods_hidden += hidden;
	gl_format_value(c, f->type, b, sb, depth);
	methods_hidden -= hidden;
}

/* Where gl_format_value_noting wants the first method fmt would call that
 * golayout does not run (NULL: not asked). */
static char *note;
static size_t note_len;

void gl_format_value_noting(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb,
			    char *method, size_t n)
{
	char *saved = note;
	size_t saved_len = note_len;
	note = method;
	note_len = n;
	if (n)
		method[0] = '\0';
	gl_format_value(c, t, b, sb, 0);
	note = saved;
	note_len = saved_len;
}

static bool over_budget(struct strbuf *sb, size_t start)
{
	if (sb->len - start < GL_FORMAT_BUDGET)
		return false;
	return true;
}

static void format_at(struct gl_ctx *c, const struct gl_type *t, uint64_t addr, struct strbuf *sb,
		      int depth)
{
	if (t->size > GL_MAX_VALUE_BYTES) {
		sb_add(sb, "<too large>");
		return;
	}
	unsigned char small[256];
	unsigned char *b = t->size <= sizeof(small) ? small : malloc(t->size ? t->size : 1);
	if (!b) {
		sb_add(sb, "<?>");
		return;
	}
	struct gl_error *err = gl_mem_read(c->mem, addr, b, t->size);
	if (err) {
		sb_addf(sb, "<unreadable 0x%llx>", (unsigned long long)err->address);
		gl_error_destroy(err);
	} else {
		gl_format_value(c, t, b, sb, depth);
	}
	if (b != small)
		free(b);
}

static void format_elems(struct gl_ctx *c, const struct gl_type *elem, uint64_t base, uint64_t n,
			 const unsigned char *inline_bytes, struct strbuf *sb, int depth)
{
	size_t start = sb->len;
	sb_addc(sb, '[');
	if (elem && elem->size && n) {
		/* One read for the whole array (bounded), then format from it. */
		uint64_t total = n * elem->size;
		unsigned char *buf = NULL;
		if (!inline_bytes && total <= GL_MAX_VALUE_BYTES && total / elem->size == n) {
			buf = malloc(total);
			struct gl_error *err = buf ? gl_mem_read(c->mem, base, buf, total) : NULL;
			if (err) {
				sb_addf(sb, "<unreadable 0x%llx>", (unsigned long long)err->address);
				gl_error_destroy(err);
				free(buf);
				sb_addc(sb, ']');
				return;
			}
		}
		const unsigned char *src = inline_bytes ? inline_bytes : buf;
		for (uint64_t i = 0; i < n; i++) {
			if (i)
				sb_addc(sb, ' ');
			if (over_budget(sb, start)) {
				sb_addf(sb, "...(%llu more)", (unsigned long long)(n - i));
				break;
			}
			if (src)
				gl_format_value(c, elem, src + i * elem->size, sb, depth + 1);
			else
				format_at(c, elem, base + i * elem->size, sb, depth + 1);
		}
		free(buf);
	} else if (n) { /* zero-size elements */
		for (uint64_t i = 0; i < n && i < 1000; i++)
			sb_add(sb, i ? " {}" : "{}");
	}
	sb_addc(sb, ']');
}

static void format_pointer_word(uint64_t p, struct strbuf *sb)
{
	if (p == 0)
		sb_add(sb, "<nil>");
	else
		sb_addf(sb, "0x%llx", (unsigned long long)p);
}

/* map[k:v k:v] with keys in fmt's sorted order, from the map decoder's
 * entry list. */
#define MAX_PRINTED_ENTRIES 1000

static void format_map(struct gl_ctx *c, const struct gl_type *t, uint64_t map_ptr, struct strbuf *sb,
		       int depth)
{
	sb_add(sb, "map[");
	if (!map_ptr) {
		sb_addc(sb, ']');
		return;
	}
	struct gl_map_entries e;
	struct gl_error *err = gl_map_collect_entries(c, t, map_ptr, MAX_PRINTED_ENTRIES, &e);
	for (size_t i = 0; i < e.n; i++) {
		if (i)
			sb_addc(sb, ' ');
		gl_format_value(c, e.key_type, e.v[i].key, sb, depth + 1);
		sb_addc(sb, ':');
		gl_format_value(c, e.elem_type, e.v[i].elem, sb, depth + 1);
	}
	if (e.truncated)
		sb_add(sb, " ...");
	if (err && !e.n)
		sb_addf(sb, "<%s>", err->message);
	sb_addc(sb, ']');
	gl_error_destroy(err);
	gl_map_entries_deinit(&e);
}

/* The target's pointer size; without a target (values made by hand) the
 * header's own word size. */
static unsigned word_size(const struct gl_ctx *c, const struct gl_type *t)
{
	if (c->t)
		return (unsigned)c->t->ptr_size;
	uint64_t w = gl_type_word_size(t);
	return w < sizeof(uint64_t) ? (unsigned)w : sizeof(uint64_t);
}

/* Word i of the value b of type t (a header or a pointer). */
static uint64_t word(const struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, unsigned i)
{
	unsigned w = word_size(c, t);
	return gl_get_uint(b + i * w, w);
}

void gl_format_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b,
		     struct strbuf *sb, int depth)
{
	if (depth > MAX_DEPTH) {
		sb_add(sb, "...");
		return;
	}
	/* a predeclared integer (no package: no methods) is its digits, the
	 * commonest map key and value: none of the method checks below */
	if (t->kind >= GL_K_INT && t->kind <= GL_K_UINTPTR && t->name && !strchr(t->name, '.')) {
		if (t->kind <= GL_K_INT64)
			sb_add_i64(sb, (long long)gl_get_int(b, t->size));
		else
			sb_add_u64(sb, (unsigned long long)gl_get_uint(b, t->size));
		return;
	}
	if (!methods_hidden && gl_known_format(c, t, b, sb))
		return;
	if (!methods_hidden && note && note_len && !note[0])
		gl_known_unrun_method(c, t, note, note_len);
	switch (t->kind) {
	case GL_K_BOOL:
		sb_add(sb, b[0] ? "true" : "false");
		return;
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64:
		sb_add_i64(sb, (long long)gl_get_int(b, t->size));
		return;
	case GL_K_UINT: case GL_K_UINT8: case GL_K_UINT16: case GL_K_UINT32: case GL_K_UINT64:
	case GL_K_UINTPTR:
		sb_add_u64(sb, (unsigned long long)gl_get_uint(b, t->size));
		return;
	case GL_K_FLOAT32: {
		float f;
		memcpy(&f, b, 4);
		gl_format_float(f, 32, false, sb);
		return;
	}
	case GL_K_FLOAT64: {
		double d;
		memcpy(&d, b, 8);
		gl_format_float(d, 64, false, sb);
		return;
	}
	case GL_K_COMPLEX64: case GL_K_COMPLEX128: {
		double re, im;
		if (t->kind == GL_K_COMPLEX64) {
			float r, i;
			memcpy(&r, b, 4);
			memcpy(&i, b + 4, 4);
			re = r;
			im = i;
		} else {
			memcpy(&re, b, 8);
			memcpy(&im, b + 8, 8);
		}
		int bits = t->kind == GL_K_COMPLEX64 ? 32 : 64;
		sb_addc(sb, '(');
		gl_format_float(re, bits, false, sb);
		gl_format_float(im, bits, true, sb);
		sb_add(sb, "i)");
		return;
	}
	case GL_K_STRING:
		gl_format_string(c, word(c, t, b, 0), word(c, t, b, 1), sb);
		return;
	case GL_K_UNSAFEPOINTER: case GL_K_CHAN:
		format_pointer_word(word(c, t, b, 0), sb);
		return;
	case GL_K_FUNC: {
		/* fmt prints the code pointer: the first word of the funcval. */
		uint64_t fv = word(c, t, b, 0), code = 0;
		if (fv == 0) {
			sb_add(sb, "<nil>");
			return;
		}
		unsigned char w[sizeof(uint64_t)];
		unsigned ws = word_size(c, t);
		struct gl_error *err = gl_mem_read(c->mem, fv, w, ws);
		if (err) {
			gl_error_destroy(err);
			code = fv;
		} else {
			code = gl_get_uint(w, ws);
		}
		format_pointer_word(code, sb);
		return;
	}
	case GL_K_POINTER: {
		uint64_t p = word(c, t, b, 0);
		const struct gl_type *e = t->elem;
		if (depth == 0 && p && e &&
		    (e->kind == GL_K_STRUCT || e->kind == GL_K_ARRAY || e->kind == GL_K_SLICE ||
		     e->kind == GL_K_MAP)) {
			sb_addc(sb, '&');
			format_at(c, e, p, sb, depth + 1);
			return;
		}
		format_pointer_word(p, sb);
		return;
	}
	case GL_K_ARRAY:
		format_elems(c, t->elem, 0, t->count, b, sb, depth);
		return;
	case GL_K_SLICE:
		format_elems(c, t->elem, word(c, t, b, 0), word(c, t, b, 1), NULL, sb, depth);
		return;
	case GL_K_STRUCT:
		sb_addc(sb, '{');
		for (size_t i = 0; i < t->nfields; i++) {
			if (i)
				sb_addc(sb, ' ');
			const struct gl_field *f = &t->fields[i];
			if (f->offset + f->type->size <= t->size)
				gl_format_field(c, f, b + f->offset, sb, depth + 1);
		}
		sb_addc(sb, '}');
		return;
	case GL_K_INTERFACE: {
		uint64_t tp;
		if (word(c, t, b, 0) == 0) {
			sb_add(sb, "<nil>");
			return;
		}
		struct gl_type *dyn = gl_iface_dynamic_type(c, t, b, &tp);
		uint64_t data = word(c, t, b, 1);
		if (!dyn) {
			sb_addf(sb, "<type 0x%llx, data 0x%llx>", (unsigned long long)tp,
				(unsigned long long)data);
			return;
		}
		/* fmt prints a top-level interface argument as its dynamic
		 * value at depth 0 (so a *T shows as &{...}); nested ones one
		 * level deeper. */
		int dd = depth == 0 ? 0 : depth + 1;
		if (gl_type_is_direct_iface(dyn))
			gl_format_value(c, dyn, b + word_size(c, t), sb, dd);
		else
			format_at(c, dyn, data, sb, dd);
		return;
	}
	case GL_K_MAP:
		format_map(c, t, word(c, t, b, 0), sb, depth);
		return;
	default:
		sb_addf(sb, "<%s>", t->name ? t->name : "?");
		return;
	}
}

char *gl_format_value_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes)
{
	struct strbuf sb;
	sb_init(&sb);
	gl_format_value(c, t, bytes, &sb, 0);
	return sb_steal(&sb);
}
