#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "gotypes/rtlayout.h"
#include "gotypes/rtype.h"
#include "eval/value.h"

#define MAX_DEPTH 8
#define MAX_FIELDS 4096

/* The runtime-layout table, for the descriptors' own layouts. */
static const struct gl_rtlayout *layouts(struct gl_ctx *c)
{
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load(c->t, &L);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	return L;
}

/* An encoded runtime name (flags byte, varint length, bytes) at addr. */
static bool read_name(struct gl_ctx *c, uint64_t addr, char *out, size_t outlen)
{
	unsigned char hdr[8];
	struct gl_error *err = gl_mem_read(c->mem, addr, hdr, sizeof(hdr));
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	uint64_t len = 0, pos = 1;
	for (int shift = 0; pos < sizeof(hdr) && shift < 28; shift += 7) {
		uint8_t b = hdr[pos++];
		len |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (len >= outlen)
		return false;
	if (len && (err = gl_mem_read(c->mem, addr + pos, out, len))) {
		gl_error_destroy(err);
		return false;
	}
	out[len] = '\0';
	return true;
}

static struct gl_type *resolve(struct gl_ctx *c, uint64_t tp, uint64_t base, int depth);

static struct gl_type *new_type(struct gl_ctx *c, uint64_t off, const char *name, enum gl_kind k,
				uint64_t size)
{
	struct gl_type *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->name = strdup(name);
	t->kind = k;
	t->size = size;
	if (!t->name || !gl_dwarf_adopt_type(c->t->dw, t, off)) {
		free(t->name);
		free(t);
		return NULL;
	}
	return t;
}

static struct gl_type *synth_struct(struct gl_ctx *c, const struct gl_rtlayout *L, uint64_t tp,
				    const char *name, uint64_t size, uint64_t base, int depth)
{
	const struct gl_type *sf = gl_rt_struct(L, GL_RTS_ABI_STRUCT_FIELD);
	struct gl_rt_field ff = gl_rt_field(L, GL_RTF_ABI_STRUCT_TYPE_FIELDS);
	if (!sf || sf->size > 64 || !ff.present ||
	    !gl_rt_have(L, GL_RTF_ABI_STRUCT_FIELD_NAME, GL_RTF_ABI_STRUCT_FIELD_TYP,
			GL_RTF_ABI_STRUCT_FIELD_OFFSET))
		return NULL;
	/* Fields is a slice: array and length words */
	unsigned w = L->ptr_size;
	unsigned char hdr[16];
	struct gl_error *err = gl_mem_read(c->mem, tp + ff.off, hdr, 2 * w);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	uint64_t arr = gl_get_uint(hdr, w), n = gl_get_uint(hdr + w, w);
	if (n > MAX_FIELDS)
		return NULL;
	struct gl_type *t = new_type(c, tp - base, name, GL_K_STRUCT, size);
	if (!t || !n)
		return t;
	t->fields = calloc(n, sizeof(*t->fields));
	if (!t->fields)
		return t;
	for (uint64_t i = 0; i < n; i++) {
		unsigned char f[64];
		char fname[256];
		if ((err = gl_mem_read(c->mem, arr + i * sf->size, f, sf->size))) {
			gl_error_destroy(err);
			break;
		}
		struct gl_type *ftype = resolve(c, gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_TYP, f), base, depth + 1);
		if (!ftype || !read_name(c, gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_NAME, f), fname, sizeof(fname)))
			break;
		t->fields[t->nfields].name = strdup(fname);
		t->fields[t->nfields].type = ftype;
		t->fields[t->nfields].offset = gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_OFFSET, f);
		if (!t->fields[t->nfields].name)
			break;
		t->nfields++;
	}
	return t;
}

static struct gl_type *resolve(struct gl_ctx *c, uint64_t tp, uint64_t base, int depth)
{
	const struct gl_rtlayout *L = layouts(c);
	const struct gl_type *abi = L ? gl_rt_struct(L, GL_RTS_ABI_TYPE) : NULL;
	if (depth > MAX_DEPTH || tp < base || !abi || abi->size > 128 ||
	    !gl_rt_have(L, GL_RTF_ABI_TYPE_SIZE, GL_RTF_ABI_TYPE_KIND, GL_RTF_ABI_TYPE_TFLAG,
			GL_RTF_ABI_TYPE_STR))
		return NULL;
	struct gl_type *dt = gl_dwarf_type_by_runtime_offset(c->t->dw, tp - base);
	if (!dt)
		dt = gl_dwarf_synthesized(c->t->dw, tp - base);
	if (dt)
		return dt;
	unsigned char b[128];
	struct gl_error *err = gl_mem_read(c->mem, tp, b, abi->size);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	char name[256];
	int32_t str = (int32_t)gl_rt_get(L, GL_RTF_ABI_TYPE_STR, b); /* a nameOff */
	if (!read_name(c, base + (uint64_t)(int64_t)str, name, sizeof(name)))
		return NULL;
	const char *nm = name;
	if ((gl_rt_get(L, GL_RTF_ABI_TYPE_TFLAG, b) & (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_EXTRA_STAR)) &&
	    nm[0] == '*')
		nm++;
	if ((dt = gl_dwarf_find_type(c->t->dw, nm)))
		return dt;
	enum gl_kind kind = (enum gl_kind)(gl_rt_get(L, GL_RTF_ABI_TYPE_KIND, b) &
					   (uint64_t)gl_rt_const(L, GL_RTC_KIND_MASK));
	uint64_t size = gl_rt_get(L, GL_RTF_ABI_TYPE_SIZE, b);
	if (kind == GL_K_POINTER) {
		struct gl_rt_field pe = gl_rt_field(L, GL_RTF_ABI_PTR_TYPE_ELEM);
		uint64_t elem;
		if (!pe.present || (err = gl_target_read_word(c->t, c->mem, tp + pe.off, &elem))) {
			gl_error_destroy(err);
			return NULL;
		}
		struct gl_type *t = new_type(c, tp - base, nm, GL_K_POINTER, L->ptr_size);
		if (t)
			t->elem = resolve(c, elem, base, depth + 1);
		return t;
	}
	if (kind == GL_K_STRUCT)
		return synth_struct(c, L, tp, nm, size, base, depth);
	return NULL;
}

struct gl_type *gl_rtype_resolve(struct gl_ctx *c, uint64_t tp, uint64_t base)
{
	return resolve(c, tp, base, 0);
}

bool gl_type_is_direct_iface(const struct gl_type *t)
{
	switch (t->kind) {
	case GL_K_POINTER: case GL_K_UNSAFEPOINTER: case GL_K_MAP: case GL_K_CHAN: case GL_K_FUNC:
		return true;
	case GL_K_STRUCT:
		return t->nfields == 1 && gl_type_is_direct_iface(t->fields[0].type);
	case GL_K_ARRAY:
		return t->count == 1 && t->elem && gl_type_is_direct_iface(t->elem);
	default:
		return false;
	}
}

bool gl_types_base(struct gl_ctx *c, uint64_t *base)
{
	if (c->t->types_base) {
		*base = c->t->types_base;
		return true;
	}
	/* not in the file (unusual): the process's copy of firstmoduledata */
	const struct gl_rtlayout *L = layouts(c);
	if (!L)
		return false;
	struct gl_rt_global md = gl_rt_global(L, GL_RTG_FIRSTMODULEDATA);
	struct gl_rt_field f = gl_rt_field(L, GL_RTF_MODULEDATA_TYPES);
	if (!md.present || !f.present)
		return false;
	struct gl_error *err = gl_target_read_word(c->t, c->mem, md.addr + f.off, base);
	gl_error_destroy(err);
	return err == NULL;
}

struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr)
{
	uint64_t w0 = gl_get_uint(bytes, c->t->ptr_size);
	*type_ptr = 0;
	if (w0 == 0)
		return NULL;
	uint64_t tp = w0;
	if (!t->empty_iface) {
		/* itab: the _type word follows the interface type word in
		 * every release (runtime.itab / internal/abi.ITab). */
		const struct gl_rtlayout *L = layouts(c);
		struct gl_rt_field f = L ? gl_rt_field(L, GL_RTF_ITAB_TYPE) : (struct gl_rt_field){0};
		uint64_t off = f.present ? f.off : (uint64_t)c->t->ptr_size;
		struct gl_error *err = gl_target_read_word(c->t, c->mem, w0 + off, &tp);
		if (err) {
			gl_error_destroy(err);
			return NULL;
		}
	}
	*type_ptr = tp;
	uint64_t base;
	if (!gl_types_base(c, &base) || tp < base)
		return NULL;
	/* DWARF by descriptor offset, else by the descriptor's name, else
	 * built from the descriptor itself (types used only in interfaces
	 * have no DWARF). */
	return gl_rtype_resolve(c, tp, base);
}
