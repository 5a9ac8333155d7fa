/* The String methods of package context's contexts, without running target
 * code: the chain of parents from the root (context.Background or
 * context.TODO) down, each child adding its kind (".WithCancel",
 * ".WithValue(key, val)", ...), as contextName and stringify build it.
 * Bounded to GL_KNOWN_MAX_CHAIN links. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"
#include "gotypes/rtype.h"
#include "target/target.h"

/* The String of a key or value (gl_known_stringer), for the chain being
 * printed: one formatting runs at a time (the debugger's thread). */
static gl_known_fn *value_stringer;

/* Whether the '[' at p in name opens type arguments: it follows a name
 * other than map ("[]T" is a slice, "map[K]V" a map). */
static bool type_args(const char *name, const char *p)
{
	if (*p != '[' || p == name || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return false;
	return !(p - name >= 3 && !strncmp(p - 3, "map", 3) &&
		 (p - name == 3 || !(isalnum((unsigned char)p[-4]) || p[-4] == '_' || p[-4] == '.')));
}

/* A type's name as reflect spells it: package names without their import
 * path ("*net/http.ctxKey" is "*http.ctxKey"), except in type arguments
 * ("atomic.Pointer[net/netip.Addr]"). */
static void reflect_name(const char *name, struct strbuf *sb)
{
	size_t seg = sb->len; /* where the current qualified name started */
	bool args = false;
	for (const char *p = name; *p; p++) {
		args = args || type_args(name, p);
		if (*p == '/' && !args) {
			sb_truncate(sb, seg);
			continue;
		}
		sb_addc(sb, *p);
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			seg = sb->len;
	}
}

/* The dynamic type and value bytes of the interface b of type it; *buf
 * (freed by the caller) holds the value when it is not in the interface. */
static const struct gl_type *iface_value(struct gl_ctx *c, const struct gl_type *it, const unsigned char *b,
					 unsigned char **buf, const unsigned char **val)
{
	unsigned ps = gl_known_ptr_size(c);
	uint64_t tp;
	*buf = NULL;
	if (!gl_get_uint(b, ps))
		return NULL;
	const struct gl_type *dyn = gl_iface_dynamic_type(c, it, b, &tp);
	if (!dyn)
		return NULL;
	if (gl_type_is_direct_iface(dyn)) {
		*val = b + ps;
		return dyn;
	}
	*buf = gl_known_load(c, dyn, gl_get_uint(b + ps, ps));
	*val = *buf;
	return *buf ? dyn : NULL;
}

static bool name_of(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb, int depth);

/* contextName of the interface field name of the struct s. */
static bool parent_name(struct gl_ctx *c, const struct gl_type *st, const unsigned char *s, const char *name,
			struct strbuf *sb, int depth)
{
	const struct gl_field *f = gl_known_field(st, name, GL_K_INTERFACE);
	unsigned char *buf;
	const unsigned char *val;
	if (!f)
		return false;
	const struct gl_type *dyn = iface_value(c, f->type, s + f->offset, &buf, &val);
	bool ok = dyn && name_of(c, dyn, val, sb, depth + 1);
	free(buf);
	return ok;
}

/* stringify(v) of a valueCtx's key or value (Go 1.23 on): its String,
 * the string itself, <nil>, else its type's name. Go 1.22 spells a value
 * that is neither a Stringer nor a string <not Stringer>. */
static bool stringify(struct gl_ctx *c, const struct gl_type *st, const unsigned char *s, const char *name,
		      bool typename_only, struct strbuf *sb)
{
	const struct gl_field *f = gl_known_field(st, name, GL_K_INTERFACE);
	unsigned char *buf;
	const unsigned char *val;
	if (!f)
		return false;
	if (!gl_get_uint(s + f->offset, gl_known_ptr_size(c))) {
		sb_add(sb, "<nil>");
		return true;
	}
	const struct gl_type *dyn = iface_value(c, f->type, s + f->offset, &buf, &val);
	bool go122 = c->t && c->t->go_minor == 22;
	if (!dyn || !dyn->name)
		return false;
	if (typename_only)
		reflect_name(dyn->name, sb);
	else if (value_stringer(c, dyn, val, sb))
		; /* its String */
	else if (dyn->kind == GL_K_STRING && !strcmp(dyn->name, "string"))
		gl_format_string(c, gl_get_uint(val, gl_known_ptr_size(c)),
				 gl_get_uint(val + gl_known_ptr_size(c), gl_known_ptr_size(c)), sb);
	else if (go122)
		sb_add(sb, "<not Stringer>");
	else
		reflect_name(dyn->name, sb);
	free(buf);
	return true;
}

static bool value_ctx(struct gl_ctx *c, const struct gl_type *st, const unsigned char *s, struct strbuf *sb,
		      int depth)
{
	if (!parent_name(c, st, s, "Context", sb, depth))
		return false;
	if (c->t && c->t->go_minor == 22) {
		sb_add(sb, ".WithValue(type ");
		if (!stringify(c, st, s, "key", true, sb))
			return false;
		sb_add(sb, ", val ");
	} else {
		sb_add(sb, ".WithValue(");
		if (!stringify(c, st, s, "key", false, sb))
			return false;
		sb_add(sb, ", ");
	}
	if (!stringify(c, st, s, "val", false, sb))
		return false;
	sb_addc(sb, ')');
	return true;
}

/* A cancelCtx embedded as field name of s (timerCtx, afterFuncCtx):
 * its parent's name. */
static bool embedded_cancel(struct gl_ctx *c, const struct gl_type *st, const unsigned char *s, struct strbuf *sb,
			    int depth)
{
	const struct gl_field *f = gl_known_field(st, "cancelCtx", GL_K_STRUCT);
	return f && parent_name(c, f->type, s + f->offset, "Context", sb, depth);
}

static bool timer_ctx(struct gl_ctx *c, const struct gl_type *st, const unsigned char *s, struct strbuf *sb,
		      int depth)
{
	const struct gl_field *d = gl_known_field(st, "deadline", GL_K_STRUCT);
	if (!d || !embedded_cancel(c, st, s, sb, depth))
		return false;
	sb_add(sb, ".WithDeadline(");
	if (!gl_known_time(c, d->type, s + d->offset, sb))
		return false;
	/* fmt adds the time left, time.Until(deadline), which depends on
	 * the clock when it prints: unknown here */
	sb_add(sb, " [?])");
	return true;
}

static bool name_of(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb, int depth)
{
	if (depth > GL_KNOWN_MAX_CHAIN) {
		sb_add(sb, "...");
		return true;
	}
	if (!t->name)
		return false;
	if (!strcmp(t->name, "context.backgroundCtx")) {
		sb_add(sb, "context.Background");
		return true;
	}
	if (!strcmp(t->name, "context.todoCtx")) {
		sb_add(sb, "context.TODO");
		return true;
	}
	if (!strcmp(t->name, "context.withoutCancelCtx")) {
		if (!parent_name(c, t, b, "c", sb, depth))
			return false;
		sb_add(sb, ".WithoutCancel");
		return true;
	}
	const char *kinds[] = {"*context.cancelCtx", "*context.afterFuncCtx", "*context.timerCtx",
			       "*context.valueCtx"};
	int k = 0;
	while (k < 4 && strcmp(t->name, kinds[k]))
		k++;
	if (k == 4) { /* another Context: contextName prints its type */
		reflect_name(t->name, sb);
		return true;
	}
	if (!t->elem)
		return false;
	unsigned char *s = gl_known_load(c, t->elem, gl_get_uint(b, gl_known_ptr_size(c)));
	bool ok = false;
	if (s && k <= 1) {
		ok = k == 0 ? parent_name(c, t->elem, s, "Context", sb, depth) : embedded_cancel(c, t->elem, s, sb, depth);
		if (ok)
			sb_add(sb, ".WithCancel");
	} else if (s) {
		ok = k == 2 ? timer_ctx(c, t->elem, s, sb, depth) : value_ctx(c, t->elem, s, sb, depth);
	}
	free(s);
	return ok;
}

bool gl_known_context(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, gl_known_fn *stringer,
		      struct strbuf *sb)
{
	gl_known_fn *saved = value_stringer;
	value_stringer = stringer;
	bool ok = name_of(c, t, b, sb, 0);
	value_stringer = saved;
	return ok;
}
