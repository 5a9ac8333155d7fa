#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "eval/expr.h"
#include "eval/frame.h"

#define MAX_COMPONENTS 32
#define MAX_NAME 512
/* Parentheses and dereferences nest by recursion: bounded, so that a
 * hostile expression ("((((...", a million '*') cannot overflow the
 * debugger's stack. Real expressions nest a few levels. */
#define MAX_DEPTH 100

struct parser {
	struct gl_ctx *c;
	const char *s, *p;
	const char *type_name;
	bool have_frame;
	struct gl_frame frame;
	unsigned depth; /* of parse_unary calls, at most MAX_DEPTH */
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '/' || ch == '-' ||
	       ((unsigned char)ch & 0x80);
}

struct gl_error *gl_value_at(struct gl_ctx *c, struct gl_type *t, uint64_t addr,
			     const char *where, struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	if (t->size > GL_MAX_VALUE_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "%s is too large to read (%llu bytes)", t->name,
				       (unsigned long long)t->size);
	out->bytes = malloc(t->size ? t->size : 1);
	if (!out->bytes)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, addr, out->bytes, t->size);
	if (err) {
		free(out->bytes);
		out->bytes = NULL;
		return gl_error_wrap(err, "reading %s at 0x%llx", t->name, (unsigned long long)addr);
	}
	out->type = t;
	out->in_memory = true;
	out->addr = addr;
	snprintf(out->where, sizeof(out->where), "%s", where);
	return NULL;
}

void gl_value_deinit(struct gl_value *v)
{
	free(v->bytes);
	memset(v, 0, sizeof(*v));
}

/* Where a global's address lies: the section, which tells data from bss. */
static void section_where(struct gl_ctx *c, uint64_t addr, char *buf, size_t len)
{
	const struct gl_elf_section *s = gl_elf_section_at(&c->t->elf, addr);
	snprintf(buf, len, "%s", s ? s->name : "global");
}

static struct gl_error *global_value(struct parser *ps, const char *name, bool *found,
				     struct gl_value *out)
{
	uint64_t addr;
	struct gl_type *t;
	*found = gl_dwarf_find_global(ps->c->t->dw, name, &addr, &t);
	if (!*found)
		return NULL;
	struct gl_error *err = gl_ctx_need_process(ps->c);
	if (err)
		return gl_error_wrap(err, "reading %s", name);
	char where[64];
	section_where(ps->c, addr, where, sizeof(where));
	return gl_value_at(ps->c, t, addr, where, out);
}

/* The package of a function name: "main.f" -> "main", "a/b.(*T).m" ->
 * "a/b", "a/b.c.f" -> "a/b.c"? No: Go package paths may contain dots only
 * before the last slash, so the package ends at the first dot after it. */
static void package_of(const char *fn, char *pkg, size_t len)
{
	const char *slash = strrchr(fn, '/');
	const char *dot = strchr(slash ? slash : fn, '.');
	size_t n = dot ? (size_t)(dot - fn) : 0;
	if (n >= len)
		n = len - 1;
	memcpy(pkg, fn, n);
	pkg[n] = '\0';
}

static struct gl_error *field_of(struct gl_ctx *c, struct gl_value *v, const char *name);
static struct gl_error *deref(struct gl_ctx *c, struct gl_value *v);

/* Resolve a dotted name path: a local, else the longest global prefix,
 * else a bare name in the current package; the rest are fields. */
static struct gl_error *resolve_path(struct parser *ps, char *path, struct gl_value *out)
{
	char *comps[MAX_COMPONENTS];
	int n = 0;
	for (char *tok = strtok(path, "."); tok; tok = strtok(NULL, ".")) {
		if (n == MAX_COMPONENTS)
			return gl_error_create(GL_ERR_USAGE, "expression too long");
		comps[n++] = tok;
	}
	if (n == 0)
		return gl_error_create(GL_ERR_USAGE, "expected a name");
	struct gl_ctx *c = ps->c;
	struct gl_error *err = NULL;
	int used = 0;
	bool found = false;

	/* 1. locals and parameters of the selected frame; innermost wins */
	if (ps->have_frame && ps->frame.func) {
		struct gl_var_list vl;
		err = gl_dwarf_func_vars(c->t->dw, ps->frame.func, ps->frame.lookup_pc, &vl);
		struct gl_var **vars = vl.v;
		for (size_t i = err ? 0 : vl.n; i-- > 0;) {
			/* A local moved to the heap appears in DWARF as "&x", a
			 * stack slot holding its address: follow it. */
			bool moved = vars[i]->name[0] == '&' && strcmp(vars[i]->name + 1, comps[0]) == 0;
			if (moved || strcmp(vars[i]->name, comps[0]) == 0) {
				err = gl_var_value(c, &ps->frame, vars[i], out);
				if (!err && moved)
					err = deref(c, out);
				if (!err && moved)
					snprintf(out->where, sizeof(out->where), "heap (escaped local)");
				found = !err;
				used = 1;
				break;
			}
		}
		gl_var_list_deinit(&vl);
		if (err)
			return err;
	}
	/* 2. a package global spelled out: longest prefix first */
	char name[MAX_NAME];
	for (int k = n; !found && k >= 1; k--) {
		name[0] = '\0';
		for (int i = 0; i < k; i++) {
			if (strlen(name) + strlen(comps[i]) + 2 > sizeof(name))
				return gl_error_create(GL_ERR_USAGE, "name too long");
			if (i)
				strcat(name, ".");
			strcat(name, comps[i]);
		}
		if ((err = global_value(ps, name, &found, out)))
			return err;
		if (found)
			used = k;
	}
	/* 3. a bare name: the current package's global, or a unique one */
	if (!found) {
		char pkg[256] = "main";
		if (ps->have_frame && ps->frame.func_name)
			package_of(ps->frame.func_name, pkg, sizeof(pkg));
		snprintf(name, sizeof(name), "%s.%s", pkg, comps[0]);
		if ((err = global_value(ps, name, &found, out)))
			return err;
		if (!found) {
			const char *uniq = gl_dwarf_global_by_suffix(c->t->dw, comps[0]);
			if (uniq && (err = global_value(ps, uniq, &found, out)))
				return err;
		}
		if (found)
			used = 1;
	}
	if (!found) {
		/* name what the user typed: "main.nosuch", not just "main" */
		char typed[MAX_NAME] = "";
		for (int i = 0; i < n; i++) {
			if (strlen(typed) + strlen(comps[i]) + 2 > sizeof(typed))
				break;
			if (i)
				strcat(typed, ".");
			strcat(typed, comps[i]);
		}
		if (ps->have_frame && ps->frame.func)
			return gl_error_create(GL_ERR_LOOKUP,
					       "no variable or global \"%s\" in %s or its package", typed,
					       ps->frame.func_name);
		return gl_error_create(GL_ERR_LOOKUP, "no global variable \"%s\"", typed);
	}
	for (int i = used; i < n; i++)
		if ((err = field_of(c, out, comps[i])))
			return err;
	return NULL;
}

static struct gl_error *deref(struct gl_ctx *c, struct gl_value *v)
{
	if (v->type->kind != GL_K_POINTER)
		return gl_error_create(GL_ERR_TYPE, "cannot dereference %s (not a pointer)",
				       v->type->name);
	if (!v->type->elem)
		return gl_error_create(GL_ERR_TYPE, "cannot dereference %s", v->type->name);
	uint64_t p = gl_get_uint(v->bytes, c->t->ptr_size);
	if (p == 0)
		return gl_error_create(GL_ERR_NIL, "nil pointer dereference (%s)", v->type->name);
	struct gl_value nv;
	struct gl_error *err = gl_value_at(c, v->type->elem, p, "memory", &nv);
	if (err)
		return err;
	gl_value_deinit(v);
	*v = nv;
	return NULL;
}

static struct gl_error *field_of(struct gl_ctx *c, struct gl_value *v, const char *name)
{
	struct gl_error *err;
	if (v->type->kind == GL_K_POINTER && v->type->elem &&
	    (err = deref(c, v))) /* p.f means (*p).f, as in Go */
		return err;
	const struct gl_field *f = gl_type_field(v->type, name);
	if (!f)
		return gl_error_create(GL_ERR_LOOKUP, "%s has no field %s", v->type->name, name);
	if (f->offset + f->type->size > v->type->size)
		return gl_error_create(GL_ERR_CORRUPT, "field %s lies outside %s", name, v->type->name);
	unsigned char *b = malloc(f->type->size ? f->type->size : 1);
	if (!b)
		return &gl_error_nomem;
	memcpy(b, v->bytes + f->offset, f->type->size);
	free(v->bytes);
	v->bytes = b;
	v->addr += f->offset;
	v->type = f->type;
	return NULL;
}

static struct gl_error *index_of(struct gl_ctx *c, struct gl_value *v, uint64_t i)
{
	struct gl_type *t = v->type;
	if (t->kind == GL_K_POINTER && t->elem && t->elem->kind == GL_K_ARRAY) {
		struct gl_error *err = deref(c, v);
		if (err)
			return err;
		t = v->type;
	}
	uint64_t base, len;
	struct gl_type *elem = t->elem;
	char where[64];
	snprintf(where, sizeof(where), "%s", v->where);
	if (t->kind == GL_K_ARRAY) {
		if (i >= t->count)
			return gl_error_create(GL_ERR_LOOKUP, "index %llu out of range [0:%llu] of %s",
					       (unsigned long long)i, (unsigned long long)t->count, t->name);
		unsigned char *b = malloc(elem->size ? elem->size : 1);
		if (!b)
			return &gl_error_nomem;
		memcpy(b, v->bytes + i * elem->size, elem->size);
		free(v->bytes);
		v->bytes = b;
		v->addr += i * elem->size;
		v->type = elem;
		return NULL;
	}
	if (t->kind == GL_K_SLICE || t->kind == GL_K_STRING) {
		/* the header's first two words: data pointer, length */
		unsigned w = c->t->ptr_size;
		base = gl_get_uint(v->bytes, w);
		len = gl_get_uint(v->bytes + w, w);
		if (t->kind == GL_K_STRING)
			elem = gl_dwarf_find_type(c->t->dw, "uint8");
		if (!elem)
			return gl_error_create(GL_ERR_TYPE, "%s has no element type", t->name);
		if (i >= len)
			return gl_error_create(GL_ERR_LOOKUP, "index %llu out of range [0:%llu] of %s",
					       (unsigned long long)i, (unsigned long long)len, t->name);
		struct gl_value nv;
		struct gl_error *err = gl_value_at(c, elem, base + i * elem->size, "memory", &nv);
		if (err)
			return err;
		gl_value_deinit(v);
		*v = nv;
		return NULL;
	}
	return gl_error_create(GL_ERR_TYPE, "cannot index %s", t->name);
}

static struct gl_error *parse_unary(struct parser *ps, struct gl_value *out);

static struct gl_error *parse_primary(struct parser *ps, struct gl_value *out)
{
	skip_ws(ps);
	struct gl_error *err;
	if (*ps->p == '(') {
		ps->p++;
		if ((err = parse_unary(ps, out)))
			return err;
		skip_ws(ps);
		if (*ps->p != ')')
			return gl_error_create(GL_ERR_USAGE, "missing ) in \"%s\"", ps->s);
		ps->p++;
		return NULL;
	}
	if (isdigit((unsigned char)*ps->p)) {
		char *end;
		uint64_t addr = strtoull(ps->p, &end, 0);
		ps->p = end;
		if (!ps->type_name)
			return gl_error_create(GL_ERR_USAGE,
					       "an address needs a type: %.*s --type TYPE",
					       (int)(end - ps->s), ps->s);
		struct gl_type *t = gl_dwarf_find_type(ps->c->t->dw, ps->type_name);
		if (!t)
			return gl_error_create(GL_ERR_LOOKUP, "no type named %s", ps->type_name);
		if ((err = gl_ctx_need_process(ps->c)))
			return err;
		return gl_value_at(ps->c, t, addr, "memory", out);
	}
	char path[MAX_NAME];
	size_t n = 0;
	while (name_char(*ps->p) && n + 1 < sizeof(path))
		path[n++] = *ps->p++;
	path[n] = '\0';
	/* A trailing or doubled dot is a typo, not a name. */
	if (n == 0 || path[0] == '.' || path[n - 1] == '.' || strstr(path, ".."))
		return gl_error_create(GL_ERR_USAGE, "cannot parse \"%s\"", ps->s);
	return resolve_path(ps, path, out);
}

static struct gl_error *parse_postfix(struct parser *ps, struct gl_value *out)
{
	struct gl_error *err = parse_primary(ps, out);
	while (!err) {
		skip_ws(ps);
		if (*ps->p == '[') {
			ps->p++;
			char *end;
			uint64_t i = strtoull(ps->p, &end, 0);
			if (end == ps->p || *end != ']') {
				err = gl_error_create(GL_ERR_USAGE, "expected [number] in \"%s\"", ps->s);
				break;
			}
			ps->p = end + 1;
			err = index_of(ps->c, out, i);
		} else if (*ps->p == '.') {
			ps->p++;
			char name[MAX_NAME];
			size_t n = 0;
			while ((isalnum((unsigned char)*ps->p) || *ps->p == '_' || (*ps->p & 0x80)) &&
			       n + 1 < sizeof(name))
				name[n++] = *ps->p++;
			name[n] = '\0';
			if (!n) {
				err = gl_error_create(GL_ERR_USAGE, "expected a field name in \"%s\"", ps->s);
				break;
			}
			err = field_of(ps->c, out, name);
		} else {
			break;
		}
	}
	if (err)
		gl_value_deinit(out);
	return err;
}

static struct gl_error *parse_unary_in(struct parser *ps, struct gl_value *out)
{
	skip_ws(ps);
	if (*ps->p == '*') {
		ps->p++;
		struct gl_error *err = parse_unary(ps, out);
		if (!err && (err = deref(ps->c, out)))
			gl_value_deinit(out);
		return err;
	}
	return parse_postfix(ps, out);
}

static struct gl_error *parse_unary(struct parser *ps, struct gl_value *out)
{
	if (ps->depth >= MAX_DEPTH)
		return gl_error_create(GL_ERR_USAGE,
				       "expression nested too deeply (more than %d levels of * and parentheses)",
				       MAX_DEPTH);
	ps->depth++;
	struct gl_error *err = parse_unary_in(ps, out);
	ps->depth--;
	return err;
}

struct gl_error *gl_expr_eval(struct gl_ctx *c, const char *text, const char *type_name,
			      struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	/* Values are read with the runtime's layouts: a release outside the
	 * supported range is refused here, in one line. */
	if ((err = gl_target_need_runtime(t)))
		return err;
	if (t->elf.pie && (err = gl_ctx_need_process(c)))
		return err; /* says why PIE is refused */
	struct parser ps = {.c = c, .s = text, .p = text, .type_name = type_name};
	/* A frame is optional: globals resolve without one. */
	struct gl_error *ferr = gl_frame_selected(c, &ps.frame);
	ps.have_frame = ferr == NULL;
	gl_error_destroy(ferr);
	err = parse_unary(&ps, out);
	if (!err) {
		skip_ws(&ps);
		if (*ps.p) {
			gl_value_deinit(out);
			err = gl_error_create(GL_ERR_USAGE, "unexpected \"%s\" in \"%s\"", ps.p, text);
		}
	}
	return err;
}

struct gl_error *gl_expr_eval_kind(struct gl_ctx *c, const char *text, enum gl_kind kind,
				   const char *noun, struct gl_value *out)
{
	struct gl_error *err = gl_expr_eval(c, text, c->opts.type, out);
	if (err)
		return err;
	const struct gl_type *t = out->type;
	if (t->kind == kind)
		return NULL;
	if (t->kind == GL_K_POINTER && t->elem && t->elem->kind == kind)
		err = gl_error_create(GL_ERR_TYPE, "%s is %s, not %s (try *%s)", text, t->name, noun, text);
	else
		err = gl_error_create(GL_ERR_TYPE, "%s is %s, not %s", text, t->name, noun);
	gl_value_deinit(out);
	return err;
}
