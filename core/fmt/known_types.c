/* See known_types.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"
#include "fmt/known_types.h"
#include "target/target.h"

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

bool gl_known_duration(const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (t->kind != GL_K_INT64 || !t->name || strcmp(t->name, "time.Duration"))
		return false;
	duration(gl_get_int(b, 8), sb);
	return true;
}

/* ---- errors.New and fmt.Errorf ---- */

/* The message field of the error a pointer points to: fmt prints an error
 * as what Error() returns, which for these types is that field. */
static const struct {
	const char *type, *field;
} errors[] = {
	{"*errors.errorString", "s"},
	{"*fmt.wrapError", "msg"},
	{"*fmt.wrapErrors", "msg"},
};

static bool known_error(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (t->kind != GL_K_POINTER || !t->name || !t->elem)
		return false;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if (strcmp(t->name, errors[i].type))
			continue;
		const struct gl_field *f = gl_type_field(t->elem, errors[i].field);
		unsigned ps = gl_known_ptr_size(c);
		uint64_t p = gl_get_uint(b, ps);
		unsigned char hdr[16];
		if (!f || f->type->kind != GL_K_STRING || !p || f->offset > UINT64_MAX - p ||
		    !gl_known_read(c, p + f->offset, hdr, 2 * (uint64_t)ps))
			return false;
		gl_format_string(c, gl_get_uint(hdr, ps), gl_get_uint(hdr + ps, ps), sb);
		return true;
	}
	return false;
}

/* ---- the dispatch ---- */

static bool known_duration(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	(void)c;
	return gl_known_duration(t, b, sb);
}

/* A context's chain; the String of a value in it is gl_known_stringer's
 * (handed down: known_context.c is below this file). */
static bool known_context(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	return gl_known_context(c, t, b, gl_known_stringer, sb);
}

/* Types whose String method fmt calls, reproduced by fn. A value method
 * is a method of the pointer too: for those fmt prints a *T as the T. */
static const struct {
	const char *type;
	gl_known_fn *fn;
	bool value_method;
} stringers[] = {
	{"time.Duration", known_duration, true},
	{"time.Time", gl_known_time, true},
	{"net.IP", gl_known_ip, true},
	{"net/netip.Addr", gl_known_netip, true},
	{"context.backgroundCtx", known_context, true},
	{"context.todoCtx", known_context, true},
	{"context.withoutCancelCtx", known_context, true},
	{"*context.cancelCtx", known_context, false},
	{"*context.timerCtx", known_context, false},
	{"*context.valueCtx", known_context, false},
	{"*context.afterFuncCtx", known_context, false},
};

/* fn on what the non-nil pointer b points to. */
static bool via_pointer(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, gl_known_fn *fn,
			struct strbuf *sb)
{
	uint64_t p = gl_get_uint(b, gl_known_ptr_size(c));
	unsigned char *v = gl_known_load(c, t->elem, p);
	bool ok = v && fn(c, t->elem, v, sb);
	free(v);
	return ok;
}

bool gl_known_stringer(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (!t->name)
		return false;
	bool ptr = t->kind == GL_K_POINTER && t->elem && t->elem->name;
	/* predeclared types (int, string, ...) have no methods: no table
	 * search for each of a million map keys */
	if (!ptr && !strchr(t->name, '.'))
		return false;
	/* a nil pointer prints as <nil> either way (fmt catches the panic) */
	if (ptr && !gl_get_uint(b, gl_known_ptr_size(c)))
		return false;
	size_t mark = sb->len;
	for (size_t i = 0; i < sizeof(stringers) / sizeof(stringers[0]); i++) {
		bool ok;
		if (!strcmp(t->name, stringers[i].type))
			ok = stringers[i].fn(c, t, b, sb);
		else if (ptr && stringers[i].value_method && !strcmp(t->elem->name, stringers[i].type))
			ok = via_pointer(c, t, b, stringers[i].fn, sb);
		else
			continue;
		if (!ok)
			sb_truncate(sb, mark);
		return ok;
	}
	gl_known_fn *fn = ptr ? gl_known_pointer_method(t->elem->name) : NULL;
	if (!fn)
		return false;
	bool ok = via_pointer(c, t, b, fn, sb);
	if (!ok)
		sb_truncate(sb, mark);
	return ok;
}

bool gl_known_format(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	return known_error(c, t, b, sb) || gl_known_stringer(c, t, b, sb);
}


/* name ("pkg.T", "pkg.(*T)") + "." + m, if the program has that method. */
static bool method(struct gl_ctx *c, const char *pkg, size_t pkg_len, const char *recv, const char *m, char *out,
		   size_t n)
{
	int w = snprintf(out, n, "%.*s%s.%s", (int)pkg_len, pkg, recv, m);
	if (w <= 0 || (size_t)w >= n)
		return false;
	/* without DWARF, the pclntab names every function the program has */
	return c->t->dw ? gl_dwarf_has_method(c->t->dw, out) : c->t->has_pcln && gl_pclntab_has_func(&c->t->pcln, out);
}

bool gl_known_unrun_method(struct gl_ctx *c, const struct gl_type *t, char *out, size_t n)
{
	bool ptr = t->kind == GL_K_POINTER;
	const struct gl_type *named = ptr ? t->elem : t;
	if (!c->t || !named || !named->name || strchr(named->name, '[') ||
	    named->name[0] == '*' || named->kind == GL_K_INTERFACE)
		return false;
	const char *dot = strrchr(named->name, '.');
	if (!dot)
		return false;
	size_t pl = (size_t)(dot - named->name) + 1; /* "pkg." */
	char recv[256];
	if (snprintf(recv, sizeof(recv), "(*%s)", dot + 1) >= (int)sizeof(recv))
		return false;
	/* fmt asks for Error before String; a *T has T's methods too */
	const char *ms[] = {"Error", "String"};
	char name[512];
	for (size_t i = 0; i < 2; i++)
		if ((ptr && method(c, named->name, pl, recv, ms[i], name, sizeof(name))) ||
		    method(c, named->name, pl, dot + 1, ms[i], name, sizeof(name))) {
			snprintf(out, n, "%s", name);
			return true;
		}
	return false;
}
