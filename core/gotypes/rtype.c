#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtype.h"
#include "eval/value.h"

#define MAX_DEPTH 8
#define MAX_FIELDS 4096

struct abi_offsets {
	const struct gl_type *type;
	uint64_t size, kind, tflag, str;
};

static bool abi_offsets(struct gl_ctx *c, struct abi_offsets *o)
{
	const struct gl_type *t = gl_dwarf_find_type(c->t->dw, "internal/abi.Type");
	const struct gl_field *sz = t ? gl_type_field(t, "Size_") : NULL, *k = t ? gl_type_field(t, "Kind_") : NULL,
			      *tf = t ? gl_type_field(t, "TFlag") : NULL, *s = t ? gl_type_field(t, "Str") : NULL;
	if (!sz || !k || !tf || !s || t->size > 128)
		return false;
	*o = (struct abi_offsets){t, sz->offset, k->offset, tf->offset, s->offset};
	return true;
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

static struct gl_type *synth_struct(struct gl_ctx *c, uint64_t tp, const char *name, uint64_t size,
				    uint64_t base, int depth)
{
	const struct gl_type *st = gl_dwarf_find_type(c->t->dw, "internal/abi.StructType");
	const struct gl_type *sf = gl_dwarf_find_type(c->t->dw, "internal/abi.StructField");
	const struct gl_field *ff = st ? gl_type_field(st, "Fields") : NULL;
	const struct gl_field *fn = sf ? gl_type_field(sf, "Name") : NULL, *ft = sf ? gl_type_field(sf, "Typ") : NULL,
			      *fo = sf ? gl_type_field(sf, "Offset") : NULL;
	if (!ff || !fn || !ft || !fo || sf->size > 64)
		return NULL;
	unsigned char hdr[24];
	struct gl_error *err = gl_mem_read(c->mem, tp + ff->offset, hdr, 24);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	uint64_t arr = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
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
		struct gl_type *ftype = resolve(c, gl_get_uint(f + ft->offset, 8), base, depth + 1);
		if (!ftype || !read_name(c, gl_get_uint(f + fn->offset, 8), fname, sizeof(fname)))
			break;
		t->fields[t->nfields].name = strdup(fname);
		t->fields[t->nfields].type = ftype;
		t->fields[t->nfields].offset = gl_get_uint(f + fo->offset, 8);
		if (!t->fields[t->nfields].name)
			break;
		t->nfields++;
	}
	return t;
}

static struct gl_type *resolve(struct gl_ctx *c, uint64_t tp, uint64_t base, int depth)
{
	struct abi_offsets o;
	if (depth > MAX_DEPTH || tp < base || !abi_offsets(c, &o))
		return NULL;
	struct gl_type *dt = gl_dwarf_type_by_runtime_offset(c->t->dw, tp - base);
	if (!dt)
		dt = gl_dwarf_synthesized(c->t->dw, tp - base);
	if (dt)
		return dt;
	unsigned char b[128];
	struct gl_error *err = gl_mem_read(c->mem, tp, b, o.type->size);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	char name[256];
	int32_t str = (int32_t)gl_get_uint(b + o.str, 4);
	if (!read_name(c, base + (uint64_t)(int64_t)str, name, sizeof(name)))
		return NULL;
	const char *nm = name;
	if ((b[o.tflag] & 2) && nm[0] == '*') /* abi.TFlagExtraStar */
		nm++;
	if ((dt = gl_dwarf_find_type(c->t->dw, nm)))
		return dt;
	enum gl_kind kind = (enum gl_kind)(b[o.kind] & 0x1f);
	uint64_t size = gl_get_uint(b + o.size, 8);
	if (kind == GL_K_POINTER) {
		const struct gl_type *pt = gl_dwarf_find_type(c->t->dw, "internal/abi.PtrType");
		const struct gl_field *pe = pt ? gl_type_field(pt, "Elem") : NULL;
		uint64_t elem;
		if (!pe || (err = gl_mem_read_u64(c->mem, tp + pe->offset, &elem))) {
			gl_error_destroy(err);
			return NULL;
		}
		struct gl_type *t = new_type(c, tp - base, nm, GL_K_POINTER, 8);
		if (t)
			t->elem = resolve(c, elem, base, depth + 1);
		return t;
	}
	if (kind == GL_K_STRUCT)
		return synth_struct(c, tp, nm, size, base, depth);
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
	uint64_t addr;
	struct gl_type *md;
	const struct gl_field *f;
	if (!c->t->dw || !gl_dwarf_find_global(c->t->dw, "runtime.firstmoduledata", &addr, &md) ||
	    !(f = gl_type_field(md, "types")))
		return false;
	struct gl_error *err = gl_mem_read_u64(c->mem, addr + f->offset, base);
	gl_error_destroy(err);
	return err == NULL;
}

struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr)
{
	uint64_t w0 = gl_get_uint(bytes, 8);
	*type_ptr = 0;
	if (w0 == 0)
		return NULL;
	uint64_t tp = w0;
	if (!t->empty_iface) {
		/* itab: the _type word follows the interface type word in
		 * every release (runtime.itab / internal/abi.ITab). */
		struct gl_type *itab = gl_dwarf_find_type(c->t->dw, "internal/abi.ITab");
		if (!itab)
			itab = gl_dwarf_find_type(c->t->dw, "runtime.itab");
		const struct gl_field *f = itab ? gl_type_field(itab, "Type") : NULL;
		if (!f && itab)
			f = gl_type_field(itab, "_type");
		uint64_t off = f ? f->offset : 8;
		struct gl_error *err = gl_mem_read_u64(c->mem, w0 + off, &tp);
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
