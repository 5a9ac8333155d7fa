/* The only file that calls libdwarf (Debian 12's 20210528 API). Every call
 * returns DW_DLV_OK / DW_DLV_NO_ENTRY / DW_DLV_ERROR; errors are treated as
 * "no such attribute" except where the whole load must fail. */
#include <dwarf.h>
#include <libdwarf.h>
#include <stdlib.h>
#include <string.h>

#include "target/dwarfinfo.h"
#include "base/array.h"
#include "base/strmap.h"

#define DW_AT_go_kind 0x2900
#define DW_AT_go_key 0x2901
#define DW_AT_go_elem 0x2902
#define DW_AT_go_embedded_field 0x2903
#define DW_AT_go_runtime_type 0x2904

#define MAX_SCOPE_DEPTH 64

struct gl_dwarf {
	Dwarf_Debug dbg;
	int version;
	size_t nunits;
	struct strmap types, globals, consts;
	struct strmap methods; /* functions named *.String or *.Error */
	struct gl_func *funcs;
	size_t nfuncs, funcs_cap;
	struct u64map type_cache;
	struct u64map by_runtime_type; /* abi.Type offset in moduledata.types -> DIE */
	struct u64map synthesized;     /* abi.Type offset -> type built from the descriptor */
	struct gl_type **types_owned;
	size_t ntypes, types_cap;
	char *suffix_hit;
	uint64_t ptr_size;             /* of pointers, maps, chans, funcs: the ELF's class */
	/* The element of the [size]byte a refused type becomes (refuse()),
	 * and how many types were refused. */
	struct gl_type opaque_byte;
	size_t nrefused;
	/* Process address - link-time address (gl_dwarf_set_bias). The index
	 * (funcs, globals) keeps DWARF's link-time addresses, so that it
	 * outlives a run; addresses cross this file's interface relocated:
	 * added on the way out (globals, location lists, DW_OP_addr), taken
	 * off PCs on the way in (gl_dwarf_func_at, gl_dwarf_func_vars). */
	uint64_t bias;
};

/* ---- small attribute helpers ------------------------------------------ */

static char *die_name(Dwarf_Die die)
{
	char *name = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_diename(die, &name, &e) != DW_DLV_OK)
		return NULL;
	return name; /* owned by libdwarf */
}

static Dwarf_Half die_tag(Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error e = NULL;
	dwarf_tag(die, &tag, &e);
	return tag;
}

static Dwarf_Off die_offset(Dwarf_Die die)
{
	Dwarf_Off off = 0;
	Dwarf_Error e = NULL;
	dwarf_dieoffset(die, &off, &e);
	return off;
}

/* An attribute's value as 64 bits, whatever its form: the one reader
 * behind attr_udata and attr_sdata, which differ only in which reading
 * of a data form comes first. A signed reader (constants: Go writes
 * DW_FORM_sdata, or udata for large unsigned ones) honours the form's
 * signedness; an unsigned one (sizes, offsets, flags) tries udata first.
 * DW_AT_go_runtime_type comes as DW_FORM_addr. */
static bool attr_bits(Dwarf_Die die, Dwarf_Half at, bool is_signed, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, at, &a, &e) != DW_DLV_OK)
		return false;
	Dwarf_Unsigned u;
	Dwarf_Signed s;
	Dwarf_Addr ad;
	Dwarf_Bool flag;
	Dwarf_Half form = 0;
	bool ok = true;
	if (is_signed)
		dwarf_whatform(a, &form, &e);
	if ((!is_signed || form == DW_FORM_udata) && dwarf_formudata(a, &u, &e) == DW_DLV_OK)
		*v = u;
	else if (dwarf_formsdata(a, &s, &e) == DW_DLV_OK)
		*v = (uint64_t)s;
	else if (is_signed && dwarf_formudata(a, &u, &e) == DW_DLV_OK)
		*v = u;
	else if (dwarf_formaddr(a, &ad, &e) == DW_DLV_OK)
		*v = ad;
	else if (dwarf_formflag(a, &flag, &e) == DW_DLV_OK)
		*v = flag != 0;
	else
		ok = false;
	dwarf_dealloc_attribute(a);
	return ok;
}

static bool attr_udata(Dwarf_Die die, Dwarf_Half at, uint64_t *v)
{
	return attr_bits(die, at, false, v);
}

static bool attr_sdata(Dwarf_Die die, Dwarf_Half at, int64_t *v)
{
	uint64_t bits;
	if (!attr_bits(die, at, true, &bits))
		return false;
	*v = (int64_t)bits;
	return true;
}

static bool attr_ref(Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
	Dwarf_Attribute a;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, at, &a, &e) != DW_DLV_OK)
		return false;
	bool ok = dwarf_global_formref(a, off, &e) == DW_DLV_OK;
	dwarf_dealloc_attribute(a);
	return ok;
}

static bool die_pc_range(Dwarf_Die die, uint64_t *lo, uint64_t *hi)
{
	Dwarf_Addr low, high;
	Dwarf_Half form;
	enum Dwarf_Form_Class cls;
	Dwarf_Error e = NULL;
	if (dwarf_lowpc(die, &low, &e) != DW_DLV_OK)
		return false;
	if (dwarf_highpc_b(die, &high, &form, &cls, &e) != DW_DLV_OK)
		return false;
	if (cls == DW_FORM_CLASS_CONSTANT)
		high += low;
	*lo = low;
	*hi = high;
	return true;
}

static Dwarf_Die offdie(struct gl_dwarf *dw, Dwarf_Off off)
{
	Dwarf_Die die = NULL;
	Dwarf_Error e = NULL;
	if (dwarf_offdie_b(dw->dbg, off, 1, &die, &e) != DW_DLV_OK)
		return NULL;
	return die;
}

/* The DW_AT_low_pc of the unit holding die: the base of DWARF 4 ranges. */
static uint64_t unit_base(struct gl_dwarf *dw, Dwarf_Die die)
{
	Dwarf_Off cu_off;
	Dwarf_Error e = NULL;
	if (dwarf_CU_dieoffset_given_die(die, &cu_off, &e) != DW_DLV_OK)
		return 0;
	Dwarf_Die cu = offdie(dw, cu_off);
	Dwarf_Addr low = 0;
	if (cu) {
		if (dwarf_lowpc(cu, &low, &e) != DW_DLV_OK)
			low = 0;
		dwarf_dealloc_die(cu);
	}
	return low;
}

/* Whether pc lies in the DW_AT_ranges of die. Unknown -> true, so that a
 * scope we cannot decode does not hide its variables. */
static bool ranges_contain(struct gl_dwarf *dw, Dwarf_Die die, uint64_t pc)
{
	Dwarf_Attribute a;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_ranges, &a, &e) != DW_DLV_OK)
		return true;
	Dwarf_Half form = 0;
	Dwarf_Unsigned val = 0;
	Dwarf_Off off = 0;
	bool found = true;
	dwarf_whatform(a, &form, &e);
	if (form == DW_FORM_rnglistx) {
		dwarf_formudata(a, &val, &e);
	} else if (dwarf_global_formref(a, &off, &e) == DW_DLV_OK) {
		val = off;
	} else if (dwarf_formudata(a, &val, &e) != DW_DLV_OK) {
		dwarf_dealloc_attribute(a);
		return true;
	}
	if (dw->version >= 5) {
		Dwarf_Rnglists_Head head = NULL;
		Dwarf_Unsigned count = 0, goff = 0;
		if (dwarf_rnglists_get_rle_head(a, form, val, &head, &count, &goff, &e) == DW_DLV_OK) {
			found = false;
			for (Dwarf_Unsigned i = 0; i < count && !found; i++) {
				unsigned len = 0, code = 0;
				Dwarf_Unsigned r1, r2, c1 = 0, c2 = 0;
				Dwarf_Bool unavail = 0;
				if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &r1, &r2,
								      &unavail, &c1, &c2, &e) != DW_DLV_OK)
					continue;
				if (code == DW_RLE_end_of_list || code == DW_RLE_base_address ||
				    code == DW_RLE_base_addressx || unavail)
					continue;
				if (pc >= c1 && pc < c2)
					found = true;
			}
			dwarf_dealloc_rnglists_head(head);
		}
	} else {
		Dwarf_Ranges *r = NULL;
		Dwarf_Signed n = 0;
		Dwarf_Unsigned bytes = 0;
		Dwarf_Off real;
		if (dwarf_get_ranges_b(dw->dbg, val, die, &real, &r, &n, &bytes, &e) == DW_DLV_OK) {
			uint64_t base = unit_base(dw, die);
			found = false;
			for (Dwarf_Signed i = 0; i < n && !found; i++) {
				if (r[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
					base = r[i].dwr_addr2;
				else if (r[i].dwr_type == DW_RANGES_ENTRY &&
					 pc >= base + r[i].dwr_addr1 && pc < base + r[i].dwr_addr2)
					found = true;
			}
			dwarf_ranges_dealloc(dw->dbg, r, n);
		}
	}
	dwarf_dealloc_attribute(a);
	return found;
}

static bool scope_contains(struct gl_dwarf *dw, Dwarf_Die die, uint64_t pc)
{
	uint64_t lo, hi;
	if (die_pc_range(die, &lo, &hi))
		return pc >= lo && pc < hi;
	return ranges_contain(dw, die, pc);
}

/* ---- the index ---------------------------------------------------------- */

static bool is_type_tag(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_base_type: case DW_TAG_structure_type: case DW_TAG_typedef:
	case DW_TAG_pointer_type: case DW_TAG_array_type: case DW_TAG_subroutine_type:
	case DW_TAG_unspecified_type:
		return true;
	default:
		return false;
	}
}

static struct gl_error *index_die(struct gl_dwarf *dw, Dwarf_Die die)
{
	Dwarf_Half tag = die_tag(die);
	const char *name = die_name(die);
	if (!name)
		return NULL;
	bool ok = true;
	if (tag == DW_TAG_subprogram) {
		/* (an optimized build names a method on its abstract instance
		 * only, the concrete one refers to it) */
		size_t n = strlen(name);
		if (((n > 7 && !strcmp(name + n - 7, ".String")) || (n > 6 && !strcmp(name + n - 6, ".Error"))) &&
		    !strmap_put(&dw->methods, name, 1))
			return &gl_error_nomem;
		uint64_t lo, hi;
		if (!die_pc_range(die, &lo, &hi) || hi <= lo)
			return NULL; /* abstract (inlined-only) instance */
		if (!GL_ARRAY_RESERVE(dw->funcs, dw->funcs_cap, dw->nfuncs, 4096))
			return &gl_error_nomem;
		struct gl_func *f = &dw->funcs[dw->nfuncs];
		f->name = strdup(name);
		if (!f->name)
			return &gl_error_nomem;
		f->lo = lo;
		f->hi = hi;
		f->die = die_offset(die);
		dw->nfuncs++;
	} else if (tag == DW_TAG_variable) {
		ok = strmap_put(&dw->globals, name, die_offset(die));
	} else if (tag == DW_TAG_constant) {
		int64_t v;
		if (attr_sdata(die, DW_AT_const_value, &v))
			ok = strmap_put(&dw->consts, name, (uint64_t)v);
	} else if (is_type_tag(tag)) {
		uint64_t rt = 0;
		Dwarf_Off off = die_offset(die);
		ok = strmap_put(&dw->types, name, off);
		if (ok && attr_udata(die, DW_AT_go_runtime_type, &rt) && rt &&
		    !u64map_get(&dw->by_runtime_type, rt))
			ok = u64map_put(&dw->by_runtime_type, rt, (void *)(uintptr_t)off);
	}
	return ok ? NULL : &gl_error_nomem;
}

static int func_cmp(const void *a, const void *b)
{
	const struct gl_func *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static struct gl_error *build_index(struct gl_dwarf *dw)
{
	Dwarf_Error e = NULL;
	for (;;) {
		Dwarf_Unsigned hdr_len, abbrev_off, sig_off, next;
		Dwarf_Half version, addr_size, off_size, ext_size, unit_type;
		Dwarf_Sig8 sig;
		int r = dwarf_next_cu_header_d(dw->dbg, 1, &hdr_len, &version, &abbrev_off,
					       &addr_size, &off_size, &ext_size, &sig, &sig_off,
					       &next, &unit_type, &e);
		if (r == DW_DLV_NO_ENTRY)
			break;
		if (r != DW_DLV_OK)
			return gl_error_create(GL_ERR_NODWARF, "malformed DWARF unit header");
		if (!dw->version)
			dw->version = version;
		dw->nunits++;
		Dwarf_Die cu = NULL;
		if (dwarf_siblingof_b(dw->dbg, NULL, 1, &cu, &e) != DW_DLV_OK)
			continue;
		Dwarf_Die child = NULL;
		if (dwarf_child(cu, &child, &e) == DW_DLV_OK) {
			while (child) {
				struct gl_error *err = index_die(dw, child);
				if (err) {
					dwarf_dealloc_die(child);
					dwarf_dealloc_die(cu);
					return err;
				}
				Dwarf_Die sib = NULL;
				int sr = dwarf_siblingof_b(dw->dbg, child, 1, &sib, &e);
				dwarf_dealloc_die(child);
				child = sr == DW_DLV_OK ? sib : NULL;
			}
		}
		dwarf_dealloc_die(cu);
	}
	if (!dw->nunits)
		return gl_error_create(GL_ERR_NODWARF, "no DWARF debug info");
	/* DWARF without functions leaves funcs NULL: qsort(NULL, 0) is
	 * undefined behaviour */
	if (dw->nfuncs > 1)
		qsort(dw->funcs, dw->nfuncs, sizeof(*dw->funcs), func_cmp);
	return NULL;
}

/* The index's maps, listed once for both gl_dwarf_open (make) and
 * gl_dwarf_close (free), so a map added to struct gl_dwarf cannot be
 * initialised and then forgotten at close, or the reverse. */
static void index_maps(struct gl_dwarf *dw, bool make)
{
	struct strmap *names[] = {&dw->types, &dw->globals, &dw->consts, &dw->methods};
	struct u64map *offsets[] = {&dw->type_cache, &dw->by_runtime_type, &dw->synthesized};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		make ? strmap_init(names[i]) : strmap_deinit(names[i]);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
		make ? u64map_init(offsets[i]) : u64map_deinit(offsets[i]);
}

struct gl_error *gl_dwarf_open(const char *path, struct gl_dwarf **out)
{
	struct gl_dwarf *dw = calloc(1, sizeof(*dw));
	if (!dw)
		return &gl_error_nomem;
	index_maps(dw, true);
	Dwarf_Error e = NULL;
	int r = dwarf_init_path(path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
				&dw->dbg, NULL, 0, NULL, &e);
	if (r != DW_DLV_OK) {
		if (r == DW_DLV_ERROR)
			dwarf_dealloc_error(NULL, e);
		free(dw);
		return gl_error_create(GL_ERR_NODWARF,
				       "%s has no DWARF debug info (built with -ldflags=-w?)", path);
	}
	/* Go's DWARF gives pointer types no byte size: they are words of the
	 * machine, whose size libdwarf takes from the ELF header's class
	 * (the target's elf.ptr_size) */
	Dwarf_Half asize = 0;
	r = dwarf_get_address_size(dw->dbg, &asize, &e);
	if (r == DW_DLV_ERROR)
		dwarf_dealloc_error(dw->dbg, e);
	dw->ptr_size = r == DW_DLV_OK && (asize == 4 || asize == 8) ? asize : 8;
	static char byte_name[] = "uint8";
	dw->opaque_byte = (struct gl_type){ .kind = GL_K_UINT8, .name = byte_name, .size = 1 };
	struct gl_error *err = build_index(dw);
	if (err) {
		gl_dwarf_close(dw);
		return err;
	}
	*out = dw;
	return NULL;
}

static void free_type(struct gl_type *t)
{
	for (size_t i = 0; i < t->nfields; i++)
		free(t->fields[i].name);
	free(t->fields);
	free(t->name);
	free(t);
}

static void free_var(struct gl_var *v)
{
	if (!v)
		return;
	for (size_t j = 0; j < v->nlocs; j++)
		free(v->locs[j].ops);
	free(v->locs);
	free(v->name);
	free(v);
}

void gl_var_list_deinit(struct gl_var_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free_var(l->v[i]);
	free(l->v);
	*l = (struct gl_var_list){0};
}

void gl_dwarf_close(struct gl_dwarf *dw)
{
	if (!dw)
		return;
	for (size_t i = 0; i < dw->ntypes; i++)
		free_type(dw->types_owned[i]);
	free(dw->types_owned);
	for (size_t i = 0; i < dw->nfuncs; i++)
		free(dw->funcs[i].name);
	free(dw->funcs);
	free(dw->suffix_hit);
	index_maps(dw, false);
	if (dw->dbg) {
		Dwarf_Error e = NULL;
		dwarf_finish(dw->dbg, &e);
	}
	free(dw);
}

int gl_dwarf_version(const struct gl_dwarf *dw)
{
	return dw->version;
}

size_t gl_dwarf_unit_count(const struct gl_dwarf *dw)
{
	return dw->nunits;
}

/* ---- types -------------------------------------------------------------- */

static struct gl_type *type_at(struct gl_dwarf *dw, Dwarf_Off off, int depth);

static struct gl_type *type_ref(struct gl_dwarf *dw, Dwarf_Die die, Dwarf_Half at, int depth)
{
	Dwarf_Off off;
	if (!attr_ref(die, at, &off))
		return NULL;
	return type_at(dw, off, depth + 1);
}

static bool load_fields(struct gl_dwarf *dw, Dwarf_Die die, struct gl_type *t, int depth)
{
	Dwarf_Error e = NULL;
	Dwarf_Die child = NULL;
	if (dwarf_child(die, &child, &e) != DW_DLV_OK)
		return true;
	size_t cap = 0;
	while (child) {
		if (die_tag(child) == DW_TAG_member) {
			if (!GL_ARRAY_RESERVE(t->fields, cap, t->nfields, 8)) {
				dwarf_dealloc_die(child);
				return false;
			}
			struct gl_field *f = &t->fields[t->nfields];
			const char *nm = die_name(child);
			uint64_t off = 0, emb = 0;
			attr_udata(child, DW_AT_data_member_location, &off);
			attr_udata(child, DW_AT_go_embedded_field, &emb);
			f->name = strdup(nm ? nm : "_");
			f->offset = off;
			f->embedded = emb != 0;
			f->type = type_ref(dw, child, DW_AT_type, depth);
			if (!f->name || !f->type) {
				free(f->name);
				/* A member without a type cannot be laid out; skip it. */
			} else {
				t->nfields++;
			}
		}
		Dwarf_Die sib = NULL;
		int r = dwarf_siblingof_b(dw->dbg, child, 1, &sib, &e);
		dwarf_dealloc_die(child);
		child = r == DW_DLV_OK ? sib : NULL;
	}
	return true;
}

static uint64_t array_count(struct gl_dwarf *dw, Dwarf_Die die)
{
	Dwarf_Error e = NULL;
	Dwarf_Die child = NULL;
	uint64_t n = 0;
	if (dwarf_child(die, &child, &e) != DW_DLV_OK)
		return 0;
	while (child) {
		if (die_tag(child) == DW_TAG_subrange_type) {
			uint64_t ub;
			if (!attr_udata(child, DW_AT_count, &n) && attr_udata(child, DW_AT_upper_bound, &ub))
				n = ub + 1;
		}
		Dwarf_Die sib = NULL;
		int r = dwarf_siblingof_b(dw->dbg, child, 1, &sib, &e);
		dwarf_dealloc_die(child);
		child = r == DW_DLV_OK ? sib : NULL;
	}
	return n;
}

static enum gl_kind base_kind(Dwarf_Die die, uint64_t size)
{
	uint64_t enc = 0;
	attr_udata(die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean: return GL_K_BOOL;
	case DW_ATE_float: return size == 4 ? GL_K_FLOAT32 : GL_K_FLOAT64;
	case DW_ATE_complex_float: return size == 8 ? GL_K_COMPLEX64 : GL_K_COMPLEX128;
	case DW_ATE_signed:
		return size == 1 ? GL_K_INT8 : size == 2 ? GL_K_INT16 : size == 4 ? GL_K_INT32 : GL_K_INT64;
	case DW_ATE_unsigned: case DW_ATE_unsigned_char:
		return size == 1 ? GL_K_UINT8 : size == 2 ? GL_K_UINT16 : size == 4 ? GL_K_UINT32 : GL_K_UINT64;
	default: return GL_K_INVALID;
	}
}

/* Fill t from the DIE. t is already in the cache, so self-references
 * (type List struct { next *List }) resolve to it. */
static bool fill_type(struct gl_dwarf *dw, Dwarf_Die die, struct gl_type *t, int depth)
{
	Dwarf_Half tag = die_tag(die);
	uint64_t gk = 0, size = 0;
	bool has_gk = attr_udata(die, DW_AT_go_kind, &gk);
	attr_udata(die, DW_AT_byte_size, &size);
	t->size = size;
	switch (tag) {
	case DW_TAG_base_type:
		t->kind = has_gk && gk >= GL_K_BOOL && gk <= GL_K_UNSAFEPOINTER ? (enum gl_kind)gk
									   : base_kind(die, size);
		return true;
	case DW_TAG_pointer_type:
		t->kind = has_gk && gk == GL_K_UNSAFEPOINTER ? GL_K_UNSAFEPOINTER : GL_K_POINTER;
		if (t->name && strcmp(t->name, "unsafe.Pointer") == 0)
			t->kind = GL_K_UNSAFEPOINTER;
		t->size = dw->ptr_size;
		t->elem = type_ref(dw, die, DW_AT_type, depth);
		return true;
	case DW_TAG_subroutine_type:
		t->kind = GL_K_FUNC;
		t->size = dw->ptr_size;
		return true;
	case DW_TAG_array_type:
		t->kind = GL_K_ARRAY;
		t->elem = type_ref(dw, die, DW_AT_type, depth);
		t->count = array_count(dw, die);
		return true;
	case DW_TAG_structure_type:
		t->kind = GL_K_STRUCT;
		if (has_gk && gk == GL_K_STRING)
			t->kind = GL_K_STRING;
		else if (has_gk && gk == GL_K_SLICE)
			t->kind = GL_K_SLICE;
		if (!load_fields(dw, die, t, depth))
			return false;
		if (t->kind == GL_K_SLICE) {
			t->elem = type_ref(dw, die, DW_AT_go_elem, depth);
			const struct gl_field *arr = gl_type_field(t, "array");
			if (!t->elem && arr && arr->type)
				t->elem = arr->type->elem;
		}
		if (t->name && (strcmp(t->name, "runtime.eface") == 0 || strcmp(t->name, "runtime.iface") == 0)) {
			t->kind = GL_K_INTERFACE;
			t->empty_iface = strcmp(t->name, "runtime.eface") == 0;
		}
		return true;
	case DW_TAG_typedef: {
		struct gl_type *u = type_ref(dw, die, DW_AT_type, depth);
		if (has_gk && gk == GL_K_MAP) {
			t->kind = GL_K_MAP;
			t->size = dw->ptr_size;
			t->target = u && u->kind == GL_K_POINTER ? u->elem : NULL;
			t->key = type_ref(dw, die, DW_AT_go_key, depth);
			t->elem = type_ref(dw, die, DW_AT_go_elem, depth);
			return true;
		}
		if (has_gk && gk == GL_K_CHAN) {
			t->kind = GL_K_CHAN;
			t->size = dw->ptr_size;
			t->target = u && u->kind == GL_K_POINTER ? u->elem : NULL;
			t->elem = type_ref(dw, die, DW_AT_go_elem, depth);
			return true;
		}
		if (!u)
			return true;
		/* A named type: the name of the typedef, the shape of the
		 * underlying type. Fields are shared, not copied. */
		t->kind = u->kind;
		t->size = u->size;
		t->elem = u->elem;
		t->key = u->key;
		t->target = u->target;
		t->count = u->count;
		t->empty_iface = u->empty_iface;
		if (u->nfields) {
			t->fields = calloc(u->nfields, sizeof(*t->fields));
			if (!t->fields)
				return false;
			for (size_t i = 0; i < u->nfields; i++) {
				t->fields[i] = u->fields[i];
				t->fields[i].name = strdup(u->fields[i].name);
				if (!t->fields[i].name)
					return false;
				t->nfields++;
			}
		}
		return true;
	}
	default:
		t->kind = GL_K_INVALID;
		return true;
	}
}

/* Types read from DIEs and types adopted from runtime descriptors are both
 * freed by gl_dwarf_close: one list of them. False when out of memory. */
static bool own_type(struct gl_dwarf *dw, struct gl_type *t)
{
	if (!GL_ARRAY_RESERVE(dw->types_owned, dw->types_cap, dw->ntypes, 256))
		return false;
	dw->types_owned[dw->ntypes++] = t;
	return true;
}

/* A type whose DIEs do not hold together (a float64 of 1 byte, an array
 * whose length times its element is not its size, a field past its
 * struct's end: mangled DWARF) would have decoders read past what they
 * allocated for it. Its bytes become opaque, [size]byte, the layout
 * types made from runtime descriptors get in the same case (rtype.c);
 * types that already point to it keep a layout that holds. */
static void refuse(struct gl_dwarf *dw, struct gl_type *t)
{
	gl_type_make_opaque(t, &dw->opaque_byte);
	dw->nrefused++;
}

static struct gl_type *type_at(struct gl_dwarf *dw, Dwarf_Off off, int depth)
{
	struct gl_type *t = u64map_get(&dw->type_cache, off);
	if (t)
		return t;
	if (depth > 256) /* absurd nesting: corrupt DWARF */
		return NULL;
	Dwarf_Die die = offdie(dw, off);
	if (!die)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !own_type(dw, t))
		goto fail;
	t->die = off;
	const char *nm = die_name(die);
	t->name = strdup(nm ? nm : "?");
	if (!t->name || !u64map_put(&dw->type_cache, off, t))
		goto fail_owned;
	t->resolving = true;
	bool ok = fill_type(dw, die, t, depth);
	t->resolving = false;
	/* (a kind golayout does not know, such as a C type of a cgo
	 * program, stays unknown: nothing decodes it) */
	if (ok && t->kind != GL_K_INVALID && !gl_type_layout_ok(t, (unsigned)dw->ptr_size))
		refuse(dw, t);
	dwarf_dealloc_die(die);
	return ok ? t : NULL;
fail_owned:
	t = NULL; /* owned by types_owned; freed at close */
fail:
	free(t);
	dwarf_dealloc_die(die);
	return NULL;
}

struct gl_type *gl_dwarf_synthesized(struct gl_dwarf *dw, uint64_t runtime_off)
{
	if (!dw)
		return NULL;
	return u64map_get(&dw->synthesized, runtime_off);
}

bool gl_dwarf_adopt_type(struct gl_dwarf *dw, struct gl_type *t, uint64_t runtime_off)
{
	if (!dw)
		return false;
	if (runtime_off && !u64map_put(&dw->synthesized, runtime_off, t))
		return false;
	return own_type(dw, t);
}

struct gl_type *gl_dwarf_find_type(struct gl_dwarf *dw, const char *name)
{
	if (!dw)
		return NULL;
	uint64_t off;
	if (!strmap_get(&dw->types, name, &off))
		return NULL;
	return type_at(dw, off, 0);
}

struct gl_type *gl_dwarf_type_by_runtime_offset(struct gl_dwarf *dw, uint64_t off)
{
	if (!dw)
		return NULL;
	void *die = u64map_get(&dw->by_runtime_type, off);
	return die ? type_at(dw, (Dwarf_Off)(uintptr_t)die, 0) : NULL;
}

size_t gl_dwarf_check_types(struct gl_dwarf *dw)
{
	size_t pos = 0;
	const char *k;
	uint64_t off;
	while (strmap_next(&dw->types, &pos, &k, &off))
		type_at(dw, off, 0);
	return dw->nrefused;
}

bool gl_dwarf_has_type(struct gl_dwarf *dw, const char *name)
{
	uint64_t off;
	return strmap_get(&dw->types, name, &off);
}

struct gl_type *gl_dwarf_find_type_prefix(struct gl_dwarf *dw, const char *prefix)
{
	size_t n = strlen(prefix), pos = 0;
	const char *k;
	uint64_t off;
	while (strmap_next(&dw->types, &pos, &k, &off))
		if (strncmp(k, prefix, n) == 0)
			return type_at(dw, off, 0);
	return NULL;
}

/* ---- globals, constants, functions --------------------------------------- */

bool gl_dwarf_find_global(struct gl_dwarf *dw, const char *name, uint64_t *addr,
			  struct gl_type **type)
{
	uint64_t off;
	if (!strmap_get(&dw->globals, name, &off))
		return false;
	Dwarf_Die die = offdie(dw, off);
	if (!die)
		return false;
	bool ok = false;
	Dwarf_Attribute a;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_location, &a, &e) == DW_DLV_OK) {
		Dwarf_Loc_Head_c head = NULL;
		Dwarf_Unsigned count = 0;
		if (dwarf_get_loclist_c(a, &head, &count, &e) == DW_DLV_OK) {
			Dwarf_Small lle, src;
			Dwarf_Unsigned rlo, rhi, nops, eoff, loff;
			Dwarf_Bool unavail;
			Dwarf_Addr lo, hi;
			Dwarf_Locdesc_c desc;
			if (count >= 1 &&
			    dwarf_get_locdesc_entry_d(head, 0, &lle, &rlo, &rhi, &unavail, &lo, &hi, &nops,
						      &desc, &src, &eoff, &loff, &e) == DW_DLV_OK &&
			    nops >= 1) {
				Dwarf_Small atom;
				Dwarf_Unsigned o1, o2, o3, r1, r2, r3, br;
				if (dwarf_get_location_op_value_d(desc, 0, &atom, &o1, &o2, &o3, &r1, &r2,
								  &r3, &br, &e) == DW_DLV_OK &&
				    atom == DW_OP_addr) {
					*addr = o1 + dw->bias;
					ok = true;
				}
			}
			dwarf_loc_head_c_dealloc(head);
		}
		dwarf_dealloc_attribute(a);
	}
	if (ok) {
		*type = type_ref(dw, die, DW_AT_type, 0);
		ok = *type != NULL;
	}
	dwarf_dealloc_die(die);
	return ok;
}

const char *gl_dwarf_global_by_suffix(struct gl_dwarf *dw, const char *name)
{
	size_t n = strlen(name), pos = 0;
	const char *hit = NULL, *k;
	uint64_t off;
	while (strmap_next(&dw->globals, &pos, &k, &off)) {
		size_t kl = strlen(k);
		if (kl > n + 1 && k[kl - n - 1] == '.' && strcmp(k + kl - n, name) == 0) {
			if (hit)
				return NULL; /* ambiguous */
			hit = k;
		}
	}
	return hit;
}

bool gl_dwarf_find_const(struct gl_dwarf *dw, const char *name, int64_t *value)
{
	uint64_t v;
	if (!strmap_get(&dw->consts, name, &v))
		return false;
	*value = (int64_t)v;
	return true;
}

void gl_dwarf_each_const(struct gl_dwarf *dw, const char *prefix,
			 void (*fn)(void *arg, const char *name, int64_t value), void *arg)
{
	size_t n = strlen(prefix), pos = 0;
	const char *k;
	uint64_t v;
	while (strmap_next(&dw->consts, &pos, &k, &v))
		if (strncmp(k, prefix, n) == 0)
			fn(arg, k, (int64_t)v);
}

void gl_dwarf_set_bias(struct gl_dwarf *dw, uint64_t bias)
{
	dw->bias = bias;
}

const struct gl_func *gl_dwarf_func_at(struct gl_dwarf *dw, uint64_t pc)
{
	if (!dw) /* no DWARF (-ldflags=-w): no functions */
		return NULL;
	size_t lo = 0, hi = dw->nfuncs;
	pc -= dw->bias; /* the index is link-time */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dw->funcs[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct gl_func *f = &dw->funcs[lo - 1];
	return pc < f->hi ? f : NULL;
}

/* ---- variables -------------------------------------------------------- */

/* The variable's location list, relocated (dw->bias): the ranges it is
 * valid in are PCs of the process, DW_OP_addr an address of the process. */
static bool read_locations(struct gl_dwarf *dw, Dwarf_Die die, struct gl_var *v)
{
	Dwarf_Attribute a;
	Dwarf_Error e = NULL;
	if (dwarf_attr(die, DW_AT_location, &a, &e) != DW_DLV_OK)
		return true;
	Dwarf_Loc_Head_c head = NULL;
	Dwarf_Unsigned count = 0;
	bool ok = true;
	if (dwarf_get_loclist_c(a, &head, &count, &e) != DW_DLV_OK) {
		dwarf_dealloc_attribute(a);
		return true;
	}
	unsigned kind = DW_LKIND_unknown;
	dwarf_get_loclist_head_kind(head, &kind, &e);
	if (count > 0 && count < 100000) {
		v->locs = calloc(count, sizeof(*v->locs));
		ok = v->locs != NULL;
	}
	for (Dwarf_Unsigned i = 0; ok && i < count; i++) {
		Dwarf_Small lle, src;
		Dwarf_Unsigned rlo, rhi, nops, eoff, loff;
		Dwarf_Bool unavail = 0;
		Dwarf_Addr lo, hi;
		Dwarf_Locdesc_c desc;
		if (dwarf_get_locdesc_entry_d(head, i, &lle, &rlo, &rhi, &unavail, &lo, &hi, &nops, &desc,
					      &src, &eoff, &loff, &e) != DW_DLV_OK || nops == 0 || unavail)
			continue;
		struct gl_locexpr *le = &v->locs[v->nlocs];
		if (kind == DW_LKIND_expression) {
			le->lo = 0;
			le->hi = UINT64_MAX;
		} else {
			if (hi <= lo)
				continue;
			le->lo = lo + dw->bias;
			le->hi = hi + dw->bias;
		}
		le->ops = calloc(nops, sizeof(*le->ops));
		if (!le->ops) {
			ok = false;
			break;
		}
		for (Dwarf_Unsigned j = 0; j < nops; j++) {
			Dwarf_Small atom;
			Dwarf_Unsigned o1, o2, o3, r1, r2, r3, br;
			if (dwarf_get_location_op_value_d(desc, j, &atom, &o1, &o2, &o3, &r1, &r2, &r3,
							  &br, &e) != DW_DLV_OK)
				break;
			if (atom == DW_OP_addr)
				o1 += dw->bias;
			le->ops[le->nops++] = (struct gl_op){atom, o1, o2};
		}
		v->nlocs++;
	}
	dwarf_loc_head_c_dealloc(head);
	dwarf_dealloc_attribute(a);
	return ok;
}

static struct gl_error *add_var(struct gl_dwarf *dw, struct gl_var_list *out, Dwarf_Die die,
				bool is_param, int inline_depth)
{
	Dwarf_Die origin = NULL;
	Dwarf_Off ooff;
	if (attr_ref(die, DW_AT_abstract_origin, &ooff))
		origin = offdie(dw, ooff);
	Dwarf_Die named = origin ? origin : die;
	const char *nm = die_name(named);
	if (!nm) {
		if (origin)
			dwarf_dealloc_die(origin);
		return NULL;
	}
	struct gl_var *v = calloc(1, sizeof(*v));
	if (!v)
		goto nomem;
	v->name = strdup(nm);
	v->is_param = is_param;
	v->inline_depth = inline_depth;
	uint64_t line = 0;
	attr_udata(named, DW_AT_decl_line, &line);
	v->decl_line = (int)line;
	v->type = type_ref(dw, die, DW_AT_type, 0);
	if (!v->type)
		v->type = type_ref(dw, named, DW_AT_type, 0);
	if (!v->name || !read_locations(dw, die, v))
		goto nomem;
	if (!v->type) { /* nothing to show without a type */
		free_var(v);
		if (origin)
			dwarf_dealloc_die(origin);
		return NULL;
	}
	if (!GL_ARRAY_RESERVE(out->v, out->cap, out->n, 16))
		goto nomem;
	out->v[out->n++] = v;
	if (origin)
		dwarf_dealloc_die(origin);
	return NULL;
nomem:
	free_var(v);
	if (origin)
		dwarf_dealloc_die(origin);
	return &gl_error_nomem;
}

static struct gl_error *collect_vars(struct gl_dwarf *dw, struct gl_var_list *out, Dwarf_Die parent,
				     uint64_t pc, int depth, int inline_depth)
{
	if (depth > MAX_SCOPE_DEPTH)
		return NULL;
	Dwarf_Error e = NULL;
	Dwarf_Die child = NULL;
	if (dwarf_child(parent, &child, &e) != DW_DLV_OK)
		return NULL;
	struct gl_error *err = NULL;
	while (child && !err) {
		Dwarf_Half tag = die_tag(child);
		if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable)
			err = add_var(dw, out, child, tag == DW_TAG_formal_parameter, inline_depth);
		else if ((tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) &&
			 scope_contains(dw, child, pc))
			err = collect_vars(dw, out, child, pc, depth + 1,
					   inline_depth + (tag == DW_TAG_inlined_subroutine));
		Dwarf_Die sib = NULL;
		int r = dwarf_siblingof_b(dw->dbg, child, 1, &sib, &e);
		dwarf_dealloc_die(child);
		child = r == DW_DLV_OK ? sib : NULL;
	}
	if (child)
		dwarf_dealloc_die(child);
	return err;
}

struct gl_error *gl_dwarf_func_vars(struct gl_dwarf *dw, const struct gl_func *f, uint64_t pc,
				    struct gl_var_list *out)
{
	*out = (struct gl_var_list){0};
	Dwarf_Die die = offdie(dw, f->die);
	if (!die)
		return gl_error_create(GL_ERR_NODWARF, "cannot read the DWARF of %s", f->name);
	/* scopes are matched against DWARF's link-time ranges */
	struct gl_error *err = collect_vars(dw, out, die, pc - dw->bias, 0, 0);
	dwarf_dealloc_die(die);
	if (err)
		gl_var_list_deinit(out);
	return err;
}

bool gl_dwarf_has_method(struct gl_dwarf *dw, const char *name)
{
	uint64_t v;
	return strmap_get(&dw->methods, name, &v);
}
