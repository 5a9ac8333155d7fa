/* Loading rtlayout.def from a target's DWARF. See rtlayout.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "gotypes/rtlayout_db.h"
#include "target/elfsyms.h"

/* The .def's column vocabulary. */
#define V_ANY GL_RTV_ANY
#define V_CLASSIC GL_RTV_CLASSIC
#define V_SWISS GL_RTV_SWISS
#define V_GREENTEA GL_RTV_GREENTEA
#define R true
#define O false

static const struct gl_rt_desc struct_descs[] = {
#define STRUCT(id, names, var, lo, hi, req, why) {#id, names, -1, var, lo, hi, req, why},
#include "gotypes/rtlayout.def"
};
static const struct gl_rt_desc field_descs[] = {
#define FIELD(id, st, path, var, lo, hi, req, why) {#id, path, GL_RTS_##st, var, lo, hi, req, why},
#include "gotypes/rtlayout.def"
};
static const struct gl_rt_desc global_descs[] = {
#define GLOBAL(id, names, var, lo, hi, req, why) {#id, names, -1, var, lo, hi, req, why},
#include "gotypes/rtlayout.def"
};
static const struct gl_rt_desc const_descs[] = {
#define CONST(id, names, fb, var, lo, hi, req, why) {#id, names, -1, var, lo, hi, req, why},
#include "gotypes/rtlayout.def"
};

/* Fallbacks are expressions of the architecture and the Go release. */
static void const_fallbacks(struct gl_rtlayout *L)
{
	const int64_t PTR = L->ptr_size, MINOR = L->go_minor;
	const bool IS_AMD64 = L->arch && L->arch->id == GL_ARCH_AMD64;
	const bool IS_ARM64 = L->arch && L->arch->id == GL_ARCH_ARM64;
	const bool IS_386 = L->arch && L->arch->id == GL_ARCH_386;
	(void)MINOR;
	(void)IS_ARM64;
	(void)IS_386;
#define CONST(id, names, fb, ...) L->consts[GL_RTC_##id].fallback = (int64_t)(fb);
#include "gotypes/rtlayout.def"
}

const struct gl_rt_desc *gl_rt_struct_desc(enum gl_rts s) { return &struct_descs[s]; }
const struct gl_rt_desc *gl_rt_field_desc(enum gl_rtf f) { return &field_descs[f]; }
const struct gl_rt_desc *gl_rt_global_desc(enum gl_rtg g) { return &global_descs[g]; }
const struct gl_rt_desc *gl_rt_const_desc(enum gl_rtc k) { return &const_descs[k]; }

bool gl_rt_applies(const struct gl_rtlayout *L, const struct gl_rt_desc *d)
{
	if ((L->variants & d->variant) != d->variant)
		return false;
	/* An unknown release cannot rule an entry out. */
	return !L->go_minor || (L->go_minor >= d->min_minor && (!d->max_minor || L->go_minor <= d->max_minor));
}

/* Copy the alternative number `which` of "a|b|c" into buf; false past the end. */
static bool alternative(const char *names, int which, char *buf, size_t len)
{
	const char *p = names;
	for (int i = 0; i < which; i++) {
		p = strchr(p, '|');
		if (!p)
			return false;
		p++;
	}
	size_t n = strcspn(p, "|");
	if (n >= len)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

/* A field by name; the fields of anonymous runtime structs are named
 * "runtime.enabled" in DWARF. */
static const struct gl_field *member(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = gl_type_field(t, name);
	size_t n = strlen(name);
	for (size_t i = 0; !f && i < t->nfields; i++) {
		const char *fn = t->fields[i].name;
		size_t m = fn ? strlen(fn) : 0;
		if (m > n && fn[m - n - 1] == '.' && !strcmp(fn + m - n, name))
			f = &t->fields[i];
	}
	return f && f->type ? f : NULL;
}

/* "sched.sp": offsets summed down nested structs. */
static bool resolve_path(const struct gl_type *t, char *path, struct gl_rt_field *out)
{
	uint64_t off = 0;
	const struct gl_field *f = NULL;
	for (char *save = NULL, *comp = strtok_r(path, ".", &save); comp; comp = strtok_r(NULL, ".", &save)) {
		if (!t || !(f = member(t, comp)))
			return false;
		off += f->offset;
		t = f->type;
	}
	if (!f)
		return false;
	*out = (struct gl_rt_field){off, f->type->size, f->type, true};
	return true;
}

/* Try each alternative of "a|b|c" in turn until one is found. */
static bool first_found(const char *names, bool (*try)(struct gl_rtlayout *L, struct gl_dwarf *dw, int i,
							char *name),
			struct gl_rtlayout *L, struct gl_dwarf *dw, int i)
{
	char name[128];
	for (int k = 0; alternative(names, k, name, sizeof(name)); k++)
		if (try(L, dw, i, name))
			return true;
	return false;
}

static bool try_struct(struct gl_rtlayout *L, struct gl_dwarf *dw, int s, char *name)
{
	const struct gl_type *t = gl_dwarf_find_type(dw, name);
	if (!t || t->kind != GL_K_STRUCT)
		return false;
	L->structs[s] = (struct gl_rt_struct){t, t->name};
	return true;
}

static bool try_field(struct gl_rtlayout *L, struct gl_dwarf *dw, int f, char *path)
{
	(void)dw;
	return resolve_path(L->structs[field_descs[f].parent].type, path, &L->fields[f]);
}

static bool try_global(struct gl_rtlayout *L, struct gl_dwarf *dw, int g, char *name)
{
	uint64_t addr;
	struct gl_type *t = NULL;
	if (!gl_dwarf_find_global(dw, name, &addr, &t))
		return false;
	L->globals[g] = (struct gl_rt_global){addr, t, true};
	return true;
}

static bool try_const(struct gl_rtlayout *L, struct gl_dwarf *dw, int k, char *name)
{
	int64_t v;
	if (!gl_dwarf_find_const(dw, name, &v))
		return false;
	L->consts[k].value = v;
	L->consts[k].from_dwarf = true;
	return true;
}

static void load(struct gl_rtlayout *L, struct gl_dwarf *dw)
{
	for (int s = 0; s < GL_RTS__COUNT; s++)
		if (gl_rt_applies(L, &struct_descs[s]))
			first_found(struct_descs[s].names, try_struct, L, dw, s);
	/* after the structs: fields are looked up in them */
	for (int f = 0; f < GL_RTF__COUNT; f++)
		if (L->structs[field_descs[f].parent].type && gl_rt_applies(L, &field_descs[f]))
			first_found(field_descs[f].names, try_field, L, dw, f);
	for (int g = 0; g < GL_RTG__COUNT; g++)
		if (gl_rt_applies(L, &global_descs[g]))
			first_found(global_descs[g].names, try_global, L, dw, g);
	const_fallbacks(L);
	for (int k = 0; k < GL_RTC__COUNT; k++) {
		struct gl_rt_konst *c = &L->consts[k];
		c->value = c->fallback;
		c->applies = gl_rt_applies(L, &const_descs[k]);
		first_found(const_descs[k].names, try_const, L, dw, k);
	}
}

/* ---- the built-in table (no DWARF) ---------------------------------------------- */

/* A gl_type for one level of a recorded type chain, kept in L->made. */
static struct gl_type *make_type(struct gl_rtlayout *L, const struct gl_rtdb_type *rt, int level)
{
	if (level >= GL_RTDB_DEPTH || !rt->levels[level].kind)
		return NULL;
	struct gl_type **grown = realloc(L->made, (L->nmade + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	L->made = grown;
	struct gl_type *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	L->made[L->nmade++] = t;
	const struct gl_rtdb_level *lv = &rt->levels[level];
	t->kind = (enum gl_kind)lv->kind;
	t->size = lv->size;
	t->count = lv->count;
	/* the name is the whole chain's at the top, the kind's below */
	t->name = strdup(level == 0 ? rt->name : gl_kind_name(t->kind));
	t->elem = make_type(L, rt, level + 1);
	return t;
}

static const struct gl_type *make_struct(struct gl_rtlayout *L, const char *name, uint64_t size)
{
	struct gl_rtdb_type rt = {name, {{GL_K_STRUCT, size, 0}}};
	return make_type(L, &rt, 0);
}

static void fill(struct gl_rtlayout *L, struct gl_target *t, const struct gl_rtdb_entry *e)
{
	for (int s = 0; s < GL_RTS__COUNT; s++)
		if (e->structs[s].name && gl_rt_applies(L, &struct_descs[s]))
			L->structs[s] = (struct gl_rt_struct){make_struct(L, e->structs[s].name, e->structs[s].size),
							      e->structs[s].name};
	for (int f = 0; f < GL_RTF__COUNT; f++) {
		const struct gl_rtdb_type *ft = &e->fields[f].type;
		if (ft->name && L->structs[field_descs[f].parent].type && gl_rt_applies(L, &field_descs[f]))
			L->fields[f] = (struct gl_rt_field){e->fields[f].off, ft->levels[0].size, make_type(L, ft, 0),
							    true};
	}
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		uint64_t addr, size;
		const char *name = e->globals[g].name;
		if (!name || !gl_rt_applies(L, &global_descs[g]))
			continue;
		/* the type also without a symbol: rtglobals.c may find the
		 * global by its signature */
		bool found = gl_elf_symbol(&t->elf, name, &addr, &size);
		L->globals[g] = (struct gl_rt_global){found ? addr : 0, make_type(L, &e->globals[g].type, 0), found};
	}
	const_fallbacks(L);
	for (int k = 0; k < GL_RTC__COUNT; k++) {
		struct gl_rt_konst *c = &L->consts[k];
		c->applies = gl_rt_applies(L, &const_descs[k]);
		c->value = e->consts[k].known ? e->consts[k].value : c->fallback;
		c->from_dwarf = false;
	}
}

/* What the target layer reads from DWARF otherwise: the module's type
 * descriptor and funcdata bases (link-time). */
static void take_moduledata(struct gl_target *t, uint64_t types, uint64_t gofunc)
{
	if (t->types_link)
		return;
	t->types_link = types;
	if (t->has_pcln && !t->pcln.gofunc)
		t->pcln.gofunc = gofunc;
	gl_target_set_bias(t, gl_target_bias(t));
}

/* Without DWARF: the built-in entry of t's release and variants, checked
 * against the binary (rtlayout_db.h). */
static void load_builtin(struct gl_rtlayout *L, struct gl_target *t)
{
	char what[64];
	gl_rtdb_describe(t->go_minor, L->variants, what, sizeof(what));
	const struct gl_rtdb_entry *e = t->go_minor && t->goarch && (L->variants & (GL_RTV_CLASSIC | GL_RTV_SWISS))
						? gl_rtdb_find(t->go_minor, L->variants, t->goarch)
						: NULL;
	char *why = NULL;
	if (!e) {
		if (asprintf(&why, "%s, and golayout has no built-in runtime layouts for %s on %s (%s)",
			     t->dwarf_error ? t->dwarf_error : "no DWARF debug info", t->go_version,
			     t->goarch ? t->goarch : "?", t->go_minor ? what : "no Go version in the build info") < 0)
			why = NULL;
		L->unusable = why ? why : strdup("no DWARF and no built-in runtime layouts");
		return;
	}
	snprintf(L->source, sizeof(L->source), "built-in table %s (no DWARF)", what);
	uint64_t types = 0, gofunc = 0;
	if (!gl_elf_has_symtab(&t->elf)) {
		/* The layouts hold, the globals cannot be found: type
		 * descriptors and values at given addresses still decode
		 * (gl_rt_load_types), through the module data, which is found
		 * by the pclntab address it starts with. */
		L->no_symbols = strdup("no DWARF and no symbol table (built with -ldflags='-s -w'): the runtime's globals cannot be found");
		fill(L, t, e);
		uint64_t md;
		if (!L->no_symbols || !gl_rtdb_find_moduledata(t, &md))
			return;
		L->globals[GL_RTG_FIRSTMODULEDATA] = (struct gl_rt_global){md + gl_target_bias(t), NULL, true};
		if (!(why = gl_rtdb_check_moduledata(t, L, &types, &gofunc)))
			take_moduledata(t, types, gofunc);
		else
			L->globals[GL_RTG_FIRSTMODULEDATA].present = false;
		free(why);
		return;
	}
	fill(L, t, e);
	bool applies[GL_RTG__COUNT], required[GL_RTG__COUNT];
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		applies[g] = gl_rt_applies(L, &global_descs[g]);
		required[g] = global_descs[g].required;
	}
	if (!(why = gl_rtdb_check(e, t, L, applies, required, &types, &gofunc))) {
		take_moduledata(t, types, gofunc);
		return;
	}
	char *m = NULL;
	if (asprintf(&m, "the built-in runtime layouts for %s (build info: %s%s%s) do not fit this binary: %s", what,
		     t->go_version, t->goexperiment[0] ? " GOEXPERIMENT=" : "", t->goexperiment, why) < 0)
		m = NULL;
	free(why);
	L->unusable = m ? m : strdup("the built-in runtime layouts do not fit this binary");
}

static void rt_free(struct gl_rtlayout *L)
{
	for (size_t i = 0; i < L->nmade; i++) {
		free(L->made[i]->name);
		free(L->made[i]);
	}
	free(L->made);
	free(L->unusable);
	free(L->no_symbols);
	free(L);
}

/* The table outlives a run of the program, the load bias does not: the
 * globals were found at the bias of the run that loaded the table (they
 * are process addresses, gl_dwarf_find_global), so a new bias moves them
 * all by the difference. */
static void follow_bias(struct gl_rtlayout *L, uint64_t bias)
{
	if (L->bias == bias)
		return;
	for (int g = 0; g < GL_RTG__COUNT; g++)
		if (L->globals[g].present)
			L->globals[g].addr += bias - L->bias;
	L->bias = bias;
}

/* An empty table for t with the given variants. */
static struct gl_rtlayout *new_table(struct gl_target *t, const char *map_impl, const char *gc)
{
	struct gl_rtlayout *L = calloc(1, sizeof(*L));
	if (!L)
		return NULL;
	L->arch = t->arch;
	L->ptr_size = t->ptr_size;
	L->go_minor = t->go_minor;
	if (map_impl && !strcmp(map_impl, "classic"))
		L->variants |= GL_RTV_CLASSIC;
	else if (map_impl && !strcmp(map_impl, "swiss"))
		L->variants |= GL_RTV_SWISS;
	if (gc && !strcmp(gc, "greentea"))
		L->variants |= GL_RTV_GREENTEA;
	if (strstr(t->goexperiment, "nosynchashtriemap"))
		L->variants |= GL_RTV_NOSYNCTRIE;
	L->bias = gl_target_bias(t);
	return L;
}

const struct gl_rtlayout *gl_rt_of(struct gl_target *t)
{
	if (t->rt) {
		follow_bias(t->rt, gl_target_bias(t));
		return t->rt;
	}
	struct gl_rtlayout *L = new_table(t, t->map_impl, t->gc);
	if (!L)
		return NULL;
	if (t->dw) {
		load(L, t->dw);
		snprintf(L->source, sizeof(L->source), "DWARF");
	} else {
		load_builtin(L, t);
	}
	t->rt = L;
	t->rt_free = rt_free;
	return L;
}

struct gl_rtlayout *gl_rt_builtin(struct gl_target *t)
{
	struct gl_rtlayout *L = new_table(t, t->bi_map_impl, t->bi_gc);
	if (L)
		load_builtin(L, t);
	return L;
}

void gl_rt_free(struct gl_rtlayout *L)
{
	if (L)
		rt_free(L);
}

/* The table of t; with_globals: refused also when the runtime's globals
 * cannot be found. */
static struct gl_error *load_table(struct gl_target *t, bool with_globals, const struct gl_rtlayout **out)
{
	*out = NULL;
	struct gl_error *err = gl_target_need_release(t);
	if (err)
		return err;
	const struct gl_rtlayout *L = gl_rt_of(t);
	if (!L)
		return &gl_error_nomem;
	const char *why = L->unusable ? L->unusable : with_globals ? L->no_symbols : NULL;
	if (why)
		return gl_error_create(GL_ERR_NODWARF, "%s", why);
	*out = L;
	return NULL;
}

struct gl_error *gl_rt_load(struct gl_target *t, const struct gl_rtlayout **out)
{
	return load_table(t, true, out);
}

struct gl_error *gl_rt_load_types(struct gl_target *t, const struct gl_rtlayout **out)
{
	return load_table(t, false, out);
}

uint64_t gl_rt_get(const struct gl_rtlayout *L, enum gl_rtf f, const unsigned char *base)
{
	const struct gl_rt_field *r = &L->fields[f];
	return r->present ? gl_get_uint(base + r->off, r->size) : 0;
}

uint64_t gl_rt_word(const struct gl_rtlayout *L, const unsigned char *p)
{
	return gl_get_uint(p, L->ptr_size);
}

int gl_rt_missing_field(const struct gl_rtlayout *L, const enum gl_rtf *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!L->fields[ids[i]].present)
			return (int)ids[i];
	return -1;
}

struct gl_error *gl_rt_need_fields(const struct gl_rtlayout *L, const enum gl_rtf *ids, size_t n)
{
	int f = gl_rt_missing_field(L, ids, n);
	if (f < 0)
		return NULL;
	const struct gl_rt_desc *d = &field_descs[f];
	return gl_error_create(GL_ERR_NODWARF, "no field %s in the DWARF of %s (%s)", d->names,
			       struct_descs[d->parent].names, d->why);
}
