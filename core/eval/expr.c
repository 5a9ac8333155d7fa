#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "base/number.h"
#include "base/utf8.h"
#include "eval/expr.h"
#include "eval/frame.h"
#include "eval/map_index.h"
#include "gotypes/typename.h"
#include "target/elfsyms.h"

#define MAX_COMPONENTS 32
#define MAX_NAME 512
/* The parser recurses once per "(" and per "*": without a bound, a few
 * thousand of them overflow the debugger's stack (it runs on the
 * debugger's thread). No real expression comes near either bound. */
#define MAX_DEPTH 200
#define MAX_EXPR 4096

struct parser {
	struct gl_ctx *c;
	const char *s, *p;
	const char *type_name;
	bool have_frame;
	struct gl_frame frame;
	unsigned depth; /* parse_unary calls now open */
};

static struct gl_error *string_lit(struct parser *ps, struct strbuf *out);

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static void skip_ws_at(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '/' || ch == '-' ||
	       ((unsigned char)ch & 0x80);
}

/* Where a global's address lies: the section, which tells data from bss. */
static void section_where(struct gl_ctx *c, uint64_t addr, char *buf, size_t len)
{
	const struct gl_elf_section *s = gl_elf_section_at(&c->t->elf, addr);
	snprintf(buf, len, "%s", s ? s->name : "global");
}

/* A global of a binary without DWARF: its address from the ELF symbol
 * table, its type from --type (nothing in the binary ties a global to
 * its type descriptor); the symbol's size must be the type's. */
static struct gl_error *symbol_global(struct parser *ps, const char *name, bool *found, uint64_t *addr,
				      struct gl_type **t)
{
	uint64_t size;
	*found = gl_elf_symbol(&ps->c->t->elf, name, addr, &size);
	if (!*found)
		return NULL;
	if (!ps->type_name)
		return gl_error_create(GL_ERR_NODWARF,
				       "%s is at 0x%llx (%llu bytes, from the symbol table); without DWARF its "
				       "type is unknown: add --type TYPE",
				       name, (unsigned long long)*addr, (unsigned long long)size);
	struct gl_error *err = gl_ctx_need_process(ps->c);
	if (err || (err = gl_type_by_go_name(ps->c, ps->type_name, t)))
		return err;
	if (size && size != (*t)->size)
		return gl_error_create(GL_ERR_TYPE, "%s is %llu bytes in the symbol table, not a %s (%llu bytes)",
				       name, (unsigned long long)size, (*t)->name,
				       (unsigned long long)(*t)->size);
	return NULL;
}

static struct gl_error *global_value(struct parser *ps, const char *name, bool *found,
				     struct gl_value *out)
{
	uint64_t addr;
	struct gl_type *t;
	struct gl_error *err = NULL;
	if (ps->c->t->dw)
		*found = gl_dwarf_find_global(ps->c->t->dw, name, &addr, &t);
	else
		err = symbol_global(ps, name, found, &addr, &t);
	if (err || !*found)
		return err;
	err = gl_ctx_need_process(ps->c);
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
		if (!found && c->t->dw) {
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

/* Go's field promotion: name as a field of a struct embedded in t (or
 * pointed to by an embedded pointer), at any depth; the shallowest depth
 * where it is found wins, and two at that depth are ambiguous. *via gets
 * the embedded field names from t down, one per level (*nvia of them). */
#define MAX_PROMOTION 8  /* levels of embedding searched */
#define MAX_FRONTIER 64  /* embedded structs per level */

struct embedded {
	const struct gl_type *t;
	const char *via[MAX_PROMOTION];
	int n;
};

static const struct gl_type *struct_of(const struct gl_type *t)
{
	if (t && t->kind == GL_K_POINTER)
		t = t->elem;
	return t && t->kind == GL_K_STRUCT ? t : NULL;
}

static struct gl_error *find_promoted(const struct gl_type *t, const char *name, const char **via,
				      int *nvia)
{
	struct embedded level[2][MAX_FRONTIER]; /* this level, the next */
	int cur = 0, n = 1;
	level[0][0] = (struct embedded){.t = t, .n = 0};
	for (int depth = 0; depth < MAX_PROMOTION && n; depth++) {
		const struct embedded *hit = NULL, *other = NULL;
		const char *hit_field = NULL, *other_field = NULL;
		int next = 0;
		for (int i = 0; i < n; i++) {
			const struct embedded *e = &level[cur][i];
			for (size_t j = 0; j < e->t->nfields; j++) {
				const struct gl_field *f = &e->t->fields[j];
				const struct gl_type *st = f->embedded ? struct_of(f->type) : NULL;
				if (!st)
					continue;
				if (gl_type_field(st, name)) {
					if (!hit) {
						hit = e;
						hit_field = f->name;
					} else if (!other) {
						other = e;
						other_field = f->name;
					}
				}
				if (next < MAX_FRONTIER && e->n + 1 < MAX_PROMOTION) {
					struct embedded *ne = &level[!cur][next++];
					*ne = *e;
					ne->t = st;
					ne->via[ne->n++] = f->name;
				}
			}
		}
		if (hit && other) {
			char a[256] = "", b[256] = "";
			for (int k = 0; k < hit->n; k++)
				snprintf(a + strlen(a), sizeof(a) - strlen(a), "%s.", hit->via[k]);
			for (int k = 0; k < other->n; k++)
				snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s.", other->via[k]);
			return gl_error_create(GL_ERR_LOOKUP, "ambiguous selector %s in %s: %s%s.%s and %s%s.%s",
					       name, t->name, a, hit_field, name, b, other_field, name);
		}
		if (hit) {
			memcpy(via, hit->via, (size_t)hit->n * sizeof(*via));
			via[hit->n] = hit_field;
			*nvia = hit->n + 1;
			return NULL;
		}
		cur = !cur;
		n = next;
	}
	return gl_error_create(GL_ERR_LOOKUP, "%s has no field %s", t->name, name);
}

static struct gl_error *field_of(struct gl_ctx *c, struct gl_value *v, const char *name)
{
	struct gl_error *err;
	if (v->type->kind == GL_K_POINTER && v->type->elem &&
	    (err = deref(c, v))) /* p.f means (*p).f, as in Go */
		return err;
	const struct gl_field *f = gl_type_field(v->type, name);
	if (!f && v->type->kind == GL_K_STRUCT) {
		/* a promoted field: through the embedded fields to its struct */
		const char *via[MAX_PROMOTION];
		int nvia = 0;
		if ((err = find_promoted(v->type, name, via, &nvia)))
			return err;
		for (int i = 0; i < nvia; i++)
			if ((err = field_of(c, v, via[i])))
				return err;
		return field_of(c, v, name);
	}
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
		const char *end;
		uint64_t addr;
		if (!gl_parse_u64_prefix(ps->p, &end, &addr))
			return gl_error_create(GL_ERR_USAGE, "address out of range in \"%s\"", ps->s);
		ps->p = end;
		if (!ps->type_name)
			return gl_error_create(GL_ERR_USAGE,
					       "an address needs a type: %.*s --type TYPE",
					       (int)(end - ps->s), ps->s);
		struct gl_type *t;
		/* first: without a process the descriptors' lists cannot be read */
		if ((err = gl_ctx_need_process(ps->c)) || (err = gl_type_by_go_name(ps->c, ps->type_name, &t)))
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

static struct gl_error *parse_string_lit(struct parser *ps, struct strbuf *out)
{
	return gl_parse_string_lit(&ps->p, ps->s, out);
}

struct gl_error *gl_parse_string_lit(const char **pp, const char *whole, struct strbuf *out)
{
	struct parser at = {.s = whole, .p = *pp}, *ps = &at;
	struct gl_error *err = string_lit(ps, out);
	*pp = ps->p;
	return err;
}

/* A Go string literal at ps->p: "..." with Go's escapes (\n \t \\ \"
 * \xNN \NNN \uNNNN \UNNNNNNNN) or `raw`, into out. */
static struct gl_error *string_lit(struct parser *ps, struct strbuf *out)
{
	char q = *ps->p++;
	while (*ps->p && *ps->p != q) {
		char ch = *ps->p++;
		if (q == '`' || ch != '\\') {
			sb_addc(out, ch);
			continue;
		}
		static const char esc[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''";
		const char *e = *ps->p ? strchr(esc, *ps->p) : NULL;
		if (e && (e - esc) % 2 == 0) {
			sb_addc(out, e[1]);
			ps->p++;
			continue;
		}
		int digits = *ps->p == 'x' ? 2 : *ps->p == 'u' ? 4 : *ps->p == 'U' ? 8 : 0;
		char kind = *ps->p;
		uint32_t v = 0;
		if (digits) {
			ps->p++;
			for (int i = 0; i < digits; i++, ps->p++) {
				if (!isxdigit((unsigned char)*ps->p))
					return gl_error_create(GL_ERR_USAGE, "bad \\%c escape in \"%s\"", kind, ps->s);
				v = v * 16 + (uint32_t)(isdigit((unsigned char)*ps->p) ? *ps->p - '0'
										: (tolower((unsigned char)*ps->p) - 'a' + 10));
			}
		} else if (*ps->p >= '0' && *ps->p <= '7') {
			for (int i = 0; i < 3; i++, ps->p++) {
				if (*ps->p < '0' || *ps->p > '7')
					return gl_error_create(GL_ERR_USAGE, "bad octal escape in \"%s\"", ps->s);
				v = v * 8 + (uint32_t)(*ps->p - '0');
			}
			kind = 'x'; /* a byte, as \x */
		} else {
			return gl_error_create(GL_ERR_USAGE, "unknown escape in \"%s\"", ps->s);
		}
		if (kind == 'x') {
			if (v > 0xff)
				return gl_error_create(GL_ERR_USAGE, "octal escape above 255 in \"%s\"", ps->s);
			sb_addc(out, (char)v);
		} else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
			return gl_error_create(GL_ERR_USAGE, "\\%c escape is no Unicode code point in \"%s\"",
					       kind, ps->s);
		} else {
			char u[4];
			sb_addn(out, u, gl_utf8_encode(v, u));
		}
	}
	if (*ps->p != q)
		return gl_error_create(GL_ERR_USAGE, "unterminated string in \"%s\"", ps->s);
	ps->p++;
	return out->oom ? &gl_error_nomem : NULL;
}

/* m[key] of a map m: the key is a string or integer literal, true or
 * false, or an expression (a variable, a field...). */
static struct gl_error *map_index(struct parser *ps, struct gl_value *m)
{
	struct gl_map_key k = {.kind = GL_KEY_VALUE};
	struct strbuf lit;
	sb_init(&lit);
	struct gl_value kv = {0};
	bool have_kv = false;
	const char *start = ps->p;
	struct gl_error *err = NULL;
	const char *end;
	if (*ps->p == '"' || *ps->p == '`') {
		k.kind = GL_KEY_STRING;
		err = parse_string_lit(ps, &lit);
		k.bytes = lit.s ? lit.s : "";
		k.len = lit.len;
	} else if ((*ps->p == '-' && isdigit((unsigned char)ps->p[1])) || isdigit((unsigned char)*ps->p)) {
		k.kind = GL_KEY_INT;
		k.neg = *ps->p == '-';
		if (!gl_parse_u64_prefix(ps->p + k.neg, &end, &k.mag))
			err = gl_error_create(GL_ERR_USAGE, "number out of range in \"%s\"", ps->s);
		else
			ps->p = end;
	} else if ((!strncmp(ps->p, "true", 4) && !name_char(ps->p[4])) ||
		   (!strncmp(ps->p, "false", 5) && !name_char(ps->p[5]))) {
		k.kind = GL_KEY_BOOL;
		k.b = *ps->p == 't';
		ps->p += k.b ? 4 : 5;
	} else {
		err = parse_unary(ps, &kv);
		have_kv = !err;
		k.value = &kv;
	}
	skip_ws(ps);
	if (!err && *ps->p != ']')
		err = gl_error_create(GL_ERR_USAGE, "expected ] after the key in \"%s\"", ps->s);
	char text[96];
	snprintf(text, sizeof(text), "key %.*s", (int)(ps->p - start < 80 ? ps->p - start : 80), start);
	k.text = text;
	if (!err) {
		ps->p++;
		err = gl_map_index(ps->c, m, &k);
	}
	if (have_kv)
		gl_value_deinit(&kv);
	sb_deinit(&lit);
	return err;
}

static struct gl_error *parse_postfix(struct parser *ps, struct gl_value *out)
{
	struct gl_error *err = parse_primary(ps, out);
	while (!err) {
		skip_ws(ps);
		if (*ps->p == '[' && out->type->kind == GL_K_MAP) {
			ps->p++;
			skip_ws(ps);
			err = map_index(ps, out);
		} else if (*ps->p == '[') {
			ps->p++;
			skip_ws(ps);
			const char *end;
			uint64_t i;
			/* "-1" is no index (strtoull would make it 2^64-1) */
			if (!gl_parse_u64_prefix(ps->p, &end, &i) || (skip_ws_at(&end), *end != ']')) {
				err = gl_error_create(GL_ERR_USAGE,
						      "expected [number] (0 or more, in range) in \"%s\"",
						      ps->s);
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

static struct gl_error *parse_unary(struct parser *ps, struct gl_value *out)
{
	if (ps->depth >= MAX_DEPTH)
		return gl_error_create(GL_ERR_USAGE,
				       "expression nested too deeply (more than %d levels of ( and *)",
				       MAX_DEPTH);
	ps->depth++;
	struct gl_error *err;
	skip_ws(ps);
	if (*ps->p == '*') {
		ps->p++;
		err = parse_unary(ps, out);
		if (!err && (err = deref(ps->c, out)))
			gl_value_deinit(out);
	} else {
		err = parse_postfix(ps, out);
	}
	ps->depth--;
	return err;
}

struct gl_error *gl_expr_eval(struct gl_ctx *c, const char *text, const char *type_name,
			      struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	/* Refused before anything else: error messages quote the text. */
	if (strlen(text) > MAX_EXPR)
		return gl_error_create(GL_ERR_USAGE, "expression too long (%zu bytes, at most %d)",
				       strlen(text), MAX_EXPR);
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	/* Values are read with the runtime's layouts: a release outside the
	 * supported range is refused here, in one line. Without DWARF, names
	 * come from the symbol table and types from --type. */
	if ((err = t->dw ? gl_target_need_runtime(t) : gl_target_need_release(t)))
		return err;
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

struct gl_error *gl_expr_eval_kind(struct gl_ctx *c, const char *text, const char *type_name,
				   enum gl_kind kind, const char *noun, struct gl_value *out)
{
	struct gl_error *err = gl_expr_eval(c, text, type_name, out);
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
