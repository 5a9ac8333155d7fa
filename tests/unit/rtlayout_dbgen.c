/* Recording the runtime-layout table of fixtures (loaded from DWARF) as the
 * built-in database core/gotypes/rtlayout_db.inc. See rtlayout_dbgen.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtlayout_dbgen.h"

#define MAX_ENTRIES 64

struct rec {
	struct gl_rtdb_entry e; /* names strdup'd; config the first label */
	bool used;
};
static struct rec recs[MAX_ENTRIES];
static size_t nrecs;

static bool conflict(char *err, size_t len, const char *label, const char *what, const char *id)
{
	snprintf(err, len, "%s: %s %s differs from another fixture of the same release and variants", label,
		 what, id);
	return false;
}

/* The chain of t as the decoders may follow it: through arrays, pointers
 * and slices, at most GL_RTDB_DEPTH levels. */
static struct gl_rtdb_type chain(const struct gl_type *t)
{
	struct gl_rtdb_type r = {t && t->name ? strdup(t->name) : strdup("?"), {{0}}};
	for (int i = 0; i < GL_RTDB_DEPTH && t; i++) {
		r.levels[i] = (struct gl_rtdb_level){(uint8_t)t->kind, t->size, t->kind == GL_K_ARRAY ? t->count : 0};
		if (t->kind != GL_K_ARRAY && t->kind != GL_K_POINTER && t->kind != GL_K_SLICE)
			break;
		t = t->elem;
	}
	return r;
}

static bool same_type(const struct gl_rtdb_type *a, const struct gl_rtdb_type *b)
{
	if (!a->name || !b->name)
		return true;
	return !strcmp(a->name, b->name) && !memcmp(a->levels, b->levels, sizeof(a->levels));
}

/* Which alternative of "a|b" DWARF has as a global. */
static char *global_name(struct gl_dwarf *dw, const char *names)
{
	char buf[128];
	for (const char *p = names; *p;) {
		size_t n = strcspn(p, "|");
		uint64_t a;
		struct gl_type *t;
		if (n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (gl_dwarf_find_global(dw, buf, &a, &t))
				return strdup(buf);
		}
		p += n + (p[n] == '|');
	}
	return NULL;
}

bool gl_dbgen_add(const char *label, struct gl_target *t, const struct gl_rtlayout *L, char *err, size_t len)
{
	struct rec *r = NULL;
	for (size_t i = 0; i < nrecs && !r; i++)
		if (recs[i].e.minor == L->go_minor && recs[i].e.variants == L->variants &&
		    !strcmp(recs[i].e.goarch, t->goarch))
			r = &recs[i];
	if (!r) {
		if (nrecs == MAX_ENTRIES) {
			snprintf(err, len, "more than %d database entries", MAX_ENTRIES);
			return false;
		}
		r = &recs[nrecs++];
		r->e.config = strdup(label);
		r->e.minor = L->go_minor;
		r->e.variants = L->variants;
		r->e.goarch = strdup(t->goarch);
	}
	struct gl_rtdb_entry *e = &r->e;
	for (int s = 0; s < GL_RTS__COUNT; s++) {
		const struct gl_type *ty = L->structs[s].type;
		if (!ty)
			continue;
		if (e->structs[s].name && (strcmp(e->structs[s].name, L->structs[s].name) || e->structs[s].size != ty->size))
			return conflict(err, len, label, "struct", gl_rt_struct_desc(s)->id);
		if (!e->structs[s].name) {
			e->structs[s].name = strdup(L->structs[s].name);
			e->structs[s].size = ty->size;
		}
	}
	for (int f = 0; f < GL_RTF__COUNT; f++) {
		if (!L->fields[f].present)
			continue;
		struct gl_rtdb_type c = chain(L->fields[f].type);
		if (e->fields[f].type.name && (e->fields[f].off != L->fields[f].off || !same_type(&c, &e->fields[f].type)))
			return conflict(err, len, label, "field", gl_rt_field_desc(f)->id);
		if (!e->fields[f].type.name) {
			e->fields[f].off = L->fields[f].off;
			e->fields[f].type = c;
		} else {
			free((char *)c.name);
		}
	}
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		if (!L->globals[g].present)
			continue;
		char *name = global_name(t->dw, gl_rt_global_desc(g)->names);
		struct gl_rtdb_type c = chain(L->globals[g].type);
		if (e->globals[g].name && (!name || strcmp(name, e->globals[g].name) || !same_type(&c, &e->globals[g].type)))
			return conflict(err, len, label, "global", gl_rt_global_desc(g)->id);
		if (!e->globals[g].name) {
			e->globals[g].name = name;
			e->globals[g].type = c;
		} else {
			free(name);
			free((char *)c.name);
		}
	}
	for (int k = 0; k < GL_RTC__COUNT; k++) {
		if (!L->consts[k].from_dwarf)
			continue;
		if (e->consts[k].known && e->consts[k].value != L->consts[k].value)
			return conflict(err, len, label, "constant", gl_rt_const_desc(k)->id);
		e->consts[k].known = true;
		e->consts[k].value = L->consts[k].value;
	}
	return true;
}

/* ---- rendering as C ------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || o->failed)
		return;
	if (o->len + (size_t)n + 1 > o->cap) {
		size_t cap = (o->cap + (size_t)n + 1) * 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->failed = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* A C string literal of s (type names have no quotes or backslashes, but
 * say so if one ever does). */
static void put_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++)
		put(o, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	put(o, "\"");
}

static void put_type(struct out *o, const struct gl_rtdb_type *t)
{
	put(o, "{");
	put_str(o, t->name);
	put(o, ", {");
	for (int i = 0; i < GL_RTDB_DEPTH && t->levels[i].kind; i++)
		put(o, "%s{%u, %llu, %llu}", i ? ", " : "", t->levels[i].kind, (unsigned long long)t->levels[i].size,
		    (unsigned long long)t->levels[i].count);
	put(o, "}}");
}

static const char *variants_c(unsigned v, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", v & GL_RTV_CLASSIC ? "V_CLASSIC" : "V_SWISS", v & GL_RTV_GREENTEA ? " | V_GREENTEA" : "",
		 v & GL_RTV_NOSYNCTRIE ? " | V_NOSYNCTRIE" : "");
	return buf;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->e.minor != y->e.minor)
		return x->e.minor - y->e.minor;
	if (x->e.variants != y->e.variants)
		return (int)x->e.variants - (int)y->e.variants;
	return strcmp(x->e.goarch, y->e.goarch);
}

char *gl_dbgen_render(void)
{
	struct out o = {0};
	char vb[64];
	qsort(recs, nrecs, sizeof(recs[0]), rec_cmp);
	put(&o, "/* Generated by scripts/gen-rtlayout-db from the DWARF of the fixtures of\n"
		" * scripts/toolchains.txt (one entry per Go release, variants and GOARCH;\n"
		" * see rtlayout_db.h). Do not edit: tests/unit/check_rtlayout.c fails when\n"
		" * this file differs from what the fixtures say. */\n");
	put(&o, "const struct gl_rtdb_entry gl_rtdb_entries[] = {\n");
	for (size_t i = 0; i < nrecs; i++) {
		const struct gl_rtdb_entry *e = &recs[i].e;
		put(&o, "{\n\t.config = \"%s\", .minor = %d, .variants = %s, .goarch = \"%s\",\n", e->config, e->minor,
		    variants_c(e->variants, vb, sizeof(vb)), e->goarch);
		put(&o, "\t.structs = {\n");
		for (int s = 0; s < GL_RTS__COUNT; s++)
			if (e->structs[s].name) {
				put(&o, "\t\t[GL_RTS_%s] = {", gl_rt_struct_desc(s)->id);
				put_str(&o, e->structs[s].name);
				put(&o, ", %llu},\n", (unsigned long long)e->structs[s].size);
			}
		put(&o, "\t},\n\t.fields = {\n");
		for (int f = 0; f < GL_RTF__COUNT; f++)
			if (e->fields[f].type.name) {
				put(&o, "\t\t[GL_RTF_%s] = {%llu, ", gl_rt_field_desc(f)->id,
				    (unsigned long long)e->fields[f].off);
				put_type(&o, &e->fields[f].type);
				put(&o, "},\n");
			}
		put(&o, "\t},\n\t.globals = {\n");
		for (int g = 0; g < GL_RTG__COUNT; g++)
			if (e->globals[g].name) {
				put(&o, "\t\t[GL_RTG_%s] = {", gl_rt_global_desc(g)->id);
				put_str(&o, e->globals[g].name);
				put(&o, ", ");
				put_type(&o, &e->globals[g].type);
				put(&o, "},\n");
			}
		put(&o, "\t},\n\t.consts = {\n");
		for (int k = 0; k < GL_RTC__COUNT; k++)
			if (e->consts[k].known)
				put(&o, "\t\t[GL_RTC_%s] = {%lld, true},\n", gl_rt_const_desc(k)->id,
				    (long long)e->consts[k].value);
		put(&o, "\t},\n},\n");
	}
	put(&o, "};\n");
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}
