/* Every runtime layout and constant the heap decoders read, gathered in
 * declarative tables (structs, fields, constants with their fallbacks and
 * why), so that they can move as they are into the runtime-layout table.
 * gl_heap_init walks the tables; only the checks that relate several
 * entries (arena geometry, array shapes, Green Tea's marks) are code. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "gotypes/rtype.h"
#include "runtime/heap.h"

/* ---- DWARF helpers --------------------------------------------------------- */

/* A field by name; anonymous runtime structs name theirs "runtime.enabled". */
static const struct gl_field *field_any(const struct gl_type *t, const char *name)
{
	if (!t)
		return NULL;
	const struct gl_field *f = gl_type_field(t, name);
	if (f)
		return f;
	size_t n = strlen(name);
	for (size_t i = 0; i < t->nfields; i++) {
		const char *fn = t->fields[i].name;
		size_t m = fn ? strlen(fn) : 0;
		if (m > n && fn[m - n - 1] == '.' && !strcmp(fn + m - n, name))
			return &t->fields[i];
	}
	return NULL;
}

static struct gl_heap_field hfield(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = field_any(t, name);
	struct gl_heap_field r = {0, 0};
	if (f && f->type) {
		r.off = f->offset;
		r.size = f->type->size > 8 ? 8 : f->type->size;
	}
	return r;
}

/* ---- the tables ------------------------------------------------------------ */

enum rt_struct { T_MHEAP, T_MSPAN, T_SPECIAL, T_FIN, T_CLEANUP, T_WEAK, T_PIN, T_ABI, T_COUNT };

static const char *const STRUCTS[T_COUNT] = {
	[T_MHEAP] = NULL, /* the type of the global runtime.mheap_ */
	[T_MSPAN] = "runtime.mspan",
	[T_SPECIAL] = "runtime.special",
	[T_FIN] = "runtime.specialfinalizer",
	[T_CLEANUP] = "runtime.specialCleanup",
	[T_WEAK] = "runtime.specialWeakHandle",
	[T_PIN] = "runtime.specialPinCounter",
	[T_ABI] = "internal/abi.Type",
};

#define AT(m) offsetof(struct gl_heap, m)

struct field_row {
	enum rt_struct in;
	const char *name, *alt; /* alt: the field's name in other Go versions */
	size_t at;              /* struct gl_heap_field in struct gl_heap */
	uint8_t width;          /* bytes read, if not the field's own size */
	bool required;
};

static const struct field_row FIELDS[] = {
	{T_MHEAP, "allspans", NULL, AT(h_allspans), 8, false}, /* the slice's array word; len follows */
	{T_MHEAP, "sweepgen", NULL, AT(h_sweepgen), 0, false},
	{T_MHEAP, "heapArenas", "allArenas", AT(h_arena_list), 8, false}, /* heapArenas: Go 1.25+ */
	{T_MSPAN, "startAddr", NULL, AT(s_start), 0, true},
	{T_MSPAN, "npages", NULL, AT(s_npages), 0, true},
	{T_MSPAN, "freeindex", NULL, AT(s_freeindex), 0, false},
	{T_MSPAN, "nelems", NULL, AT(s_nelems), 0, true},
	{T_MSPAN, "freeIndexForScan", NULL, AT(s_fifs), 0, false},
	{T_MSPAN, "allocBits", NULL, AT(s_allocbits), 0, true},
	{T_MSPAN, "gcmarkBits", NULL, AT(s_markbits), 0, true},
	{T_MSPAN, "sweepgen", NULL, AT(s_sweepgen), 0, false},
	{T_MSPAN, "allocCount", NULL, AT(s_alloccount), 0, false},
	{T_MSPAN, "spanclass", NULL, AT(s_spanclass), 0, true},
	{T_MSPAN, "state", NULL, AT(s_state), 1, true}, /* mSpanStateBox{s atomic.Uint8} */
	{T_MSPAN, "elemsize", NULL, AT(s_elemsize), 0, true},
	{T_MSPAN, "limit", NULL, AT(s_limit), 0, false},
	{T_MSPAN, "specials", NULL, AT(s_specials), 0, false},
	{T_MSPAN, "largeType", NULL, AT(s_largetype), 0, false},
	{T_SPECIAL, "next", NULL, AT(sp_next), 0, false},
	{T_SPECIAL, "offset", NULL, AT(sp_offset), 0, false},
	{T_SPECIAL, "kind", NULL, AT(sp_kind), 0, false},
	{T_FIN, "fn", NULL, AT(fin_fn), 0, false},
	{T_FIN, "ot", NULL, AT(fin_ot), 0, false},
	{T_FIN, "fint", NULL, AT(fin_fint), 0, false},
	{T_CLEANUP, "fn", NULL, AT(cl_fn), 0, false}, /* Go 1.24-1.25; 1.26: cleanup.fn, in code */
	{T_CLEANUP, "id", NULL, AT(cl_id), 0, false},
	{T_WEAK, "handle", NULL, AT(wk_handle), 0, false},
	{T_PIN, "counter", NULL, AT(pin_counter), 0, false},
	{T_ABI, "Size_", NULL, AT(t_size), 0, false},
	{T_ABI, "PtrBytes", NULL, AT(t_ptrbytes), 0, false},
	{T_ABI, "TFlag", NULL, AT(t_tflag), 0, false},
	{T_ABI, "Kind_", NULL, AT(t_kind), 0, false},
	{T_ABI, "GCData", NULL, AT(t_gcdata), 0, false},
	{T_ABI, "Str", NULL, AT(t_str), 0, false},
};

/* When a constant missing from DWARF takes its fallback. */
enum fallback_when { FB_NEVER, FB_ALWAYS, FB_AMD64, FB_GO_GE_24, FB_GO_LE_23 };

struct const_row {
	const char *name, *alt; /* alt: the constant's name in other Go versions */
	size_t at;              /* an int64_t or uint64_t of struct gl_heap */
	int64_t fallback;
	enum fallback_when when;
	const char *why;        /* where the fallback comes from */
};

static const struct const_row CONSTS[] = {
	{"runtime.heapArenaBytes", NULL, AT(arena_bytes), 0, FB_NEVER, "required (arena geometry)"},
	{"runtime._PageSize", "internal/runtime/gc.PageSize", AT(page_size), 0, FB_NEVER,
	 "required (arena geometry)"},
	{"runtime.arenaBaseOffsetUintptr", "runtime.arenaBaseOffset", AT(arena_base),
	 (int64_t)0xffff800000000000ull, FB_AMD64, "malloc.go, linux/amd64"},
	{"runtime.arenaL2Bits", NULL, AT(l2_bits), 0, FB_NEVER, "derived from the L2 array's length"},
	{"runtime.mSpanDead", NULL, AT(st_dead), 0, FB_ALWAYS, "mheap.go: the first mSpanState"},
	{"runtime.mSpanInUse", NULL, AT(st_inuse), 1, FB_ALWAYS, "mheap.go"},
	{"runtime.mSpanManual", NULL, AT(st_manual), 2, FB_ALWAYS, "mheap.go"},
	{"runtime.tinySizeClass", NULL, AT(tiny_class), -1, FB_ALWAYS, "none: tiny blocks not named"},
	{"runtime._GCoff", NULL, AT(gc_off), 0, FB_ALWAYS, "mgc.go: the first phase"},
	{"runtime._GCmark", NULL, AT(gc_mark), -1, FB_ALWAYS, "none: the phase shows as invalid"},
	{"runtime._GCmarktermination", NULL, AT(gc_markterm), -1, FB_ALWAYS,
	 "none: the phase shows as invalid"},
	{"runtime.minSizeForMallocHeader", "internal/runtime/gc.MinSizeForMallocHeader", AT(min_header),
	 512, FB_ALWAYS, "goarch.PtrSize * ptrBits, mbitmap.go"},
	{"runtime.mallocHeaderSize", "internal/runtime/gc.MallocHeaderSize", AT(header_size), 8,
	 FB_ALWAYS, "malloc.go: one pointer"},
	{"runtime.maxTinySize", NULL, AT(tiny_size), 16, FB_ALWAYS, "malloc.go"},
	{"internal/abi.TFlagGCMaskOnDemand", NULL, AT(tflag_mask_on_demand), 0x10, FB_GO_GE_24,
	 "internal/abi/type.go, Go 1.24+"},
	{"internal/abi.KindGCProg", NULL, AT(kind_gcprog), 0x40, FB_GO_LE_23,
	 "internal/abi/type.go, Go <= 1.23"},
};

static bool fallback_applies(const struct gl_target *t, enum fallback_when w)
{
	switch (w) {
	case FB_ALWAYS:
		return true;
	case FB_AMD64:
		return !strcmp(t->goarch, "amd64");
	case FB_GO_GE_24:
		return t->go_minor >= 24;
	case FB_GO_LE_23:
		return t->go_minor && t->go_minor <= 23;
	default:
		return false;
	}
}

static void load_consts(struct gl_heap *h)
{
	for (size_t i = 0; i < sizeof(CONSTS) / sizeof(CONSTS[0]); i++) {
		const struct const_row *r = &CONSTS[i];
		int64_t v = 0;
		if (!gl_dwarf_find_const(h->c->t->dw, r->name, &v) &&
		    !(r->alt && gl_dwarf_find_const(h->c->t->dw, r->alt, &v)))
			v = fallback_applies(h->c->t, r->when) ? r->fallback : 0;
		memcpy((char *)h + r->at, &v, sizeof(v));
	}
}

/* Fields of the table; NULL, or the struct a required field is missing from. */
static const char *load_fields(struct gl_heap *h, struct gl_type *const types[T_COUNT])
{
	const char *missing = NULL;
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++) {
		const struct field_row *r = &FIELDS[i];
		struct gl_heap_field f = hfield(types[r->in], r->name);
		if (!f.size && r->alt)
			f = hfield(types[r->in], r->alt);
		if (f.size && r->width)
			f.size = r->width;
		if (!f.size && r->required && !missing)
			missing = STRUCTS[r->in];
		memcpy((char *)h + r->at, &f, sizeof(f));
	}
	return missing;
}

/* "_KindSpecialWeakHandle" -> "weak_handle" */
static void kind_name(const char *camel, char *out, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; camel[i] && o + 2 < len; i++) {
		unsigned char ch = (unsigned char)camel[i];
		if (isupper(ch) && i > 0 && o > 0)
			out[o++] = '_';
		out[o++] = (char)tolower(ch);
	}
	out[o] = '\0';
}

static void add_kind(void *arg, const char *name, int64_t value)
{
	struct gl_heap *h = arg;
	const char *p = "runtime._KindSpecial";
	size_t n = strlen(p);
	if (strncmp(name, p, n) || !name[n] || h->nkinds >= (int)(sizeof(h->kinds) / sizeof(h->kinds[0])))
		return;
	h->kinds[h->nkinds].value = value;
	kind_name(name + n, h->kinds[h->nkinds].name, sizeof(h->kinds[0].name));
	h->nkinds++;
}

/* ---- init ---------------------------------------------------------------- */

/* mheap_.arenas is [L1]*[L2]*heapArena: its shape gives L1 and L2. */
static struct gl_error *arena_geometry(struct gl_heap *h, struct gl_type *mheap_t)
{
	const struct gl_field *ar = field_any(mheap_t, "arenas");
	if (!ar || !ar->type || ar->type->kind != GL_K_ARRAY || !ar->type->elem ||
	    ar->type->elem->kind != GL_K_POINTER || !ar->type->elem->elem ||
	    ar->type->elem->elem->kind != GL_K_ARRAY)
		return gl_error_create(GL_ERR_UNSUPPORTED, "runtime.mheap.arenas is not [L1]*[L2]*heapArena");
	h->h_arenas = (struct gl_heap_field){ar->offset, 8};
	h->l1_entries = ar->type->count;
	h->l2_entries = ar->type->elem->elem->count;
	if (!h->l2_bits) {
		for (uint64_t n = h->l2_entries; n > 1; n >>= 1)
			h->l2_bits++;
	}
	/* the L2 size follows from the constants and from the array type,
	 * which must agree */
	if (!h->arena_bytes || !h->page_size || h->page_size & (h->page_size - 1) ||
	    h->arena_bytes % h->page_size || h->l2_bits > 40 || (1ull << h->l2_bits) != h->l2_entries ||
	    h->l1_entries == 0 || h->l1_entries > (1u << 20))
		return gl_error_create(GL_ERR_UNSUPPORTED,
				       "unexpected heap arena geometry in DWARF (arena %llu bytes, page %llu, L2 %llu)",
				       (unsigned long long)h->arena_bytes, (unsigned long long)h->page_size,
				       (unsigned long long)h->l2_entries);
	h->pages_per_arena = h->arena_bytes / h->page_size;

	struct gl_dwarf *dw = h->c->t->dw;
	struct gl_type *ha = gl_dwarf_find_type(dw, "runtime.heapArena");
	const struct gl_field *spans = field_any(ha, "spans");
	if (!spans || !spans->type || spans->type->kind != GL_K_ARRAY ||
	    spans->type->count != h->pages_per_arena)
		return gl_error_create(GL_ERR_NODWARF, "runtime.heapArena has no spans[%llu] array",
				       (unsigned long long)h->pages_per_arena);
	h->ha_spans_off = spans->offset;
	struct gl_type *ps = gl_dwarf_find_type(dw, "runtime.heapArenaPtrScalar");
	h->arena_bitmap = field_any(ha, "bitmap") || (ps && field_any(ps, "bitmap"));
	return NULL;
}

struct gl_error *gl_heap_init(struct gl_ctx *c, struct gl_heap *h)
{
	memset(h, 0, sizeof(*h));
	h->c = c;
	struct gl_target *t = c->t;
	if (!t)
		return gl_error_create(GL_ERR_EXECUTABLE, "no executable loaded in the debugger");
	struct gl_error *err = gl_target_need_dwarf(t);
	if (err)
		return err;
	struct gl_dwarf *dw = t->dw;
	struct gl_type *types[T_COUNT] = {0};
	if (!gl_dwarf_find_global(dw, "runtime.mheap_", &h->mheap, &types[T_MHEAP]) || !types[T_MHEAP])
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mheap_ in the binary's DWARF");
	for (int i = 1; i < T_COUNT; i++)
		types[i] = gl_dwarf_find_type(dw, STRUCTS[i]);
	load_consts(h);
	if ((err = arena_geometry(h, types[T_MHEAP])))
		return err;

	const struct gl_type *ms = types[T_MSPAN];
	if (!ms || ms->size > 1024)
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mspan in the binary's DWARF");
	h->span_size = ms->size;
	const char *missing = load_fields(h, types);
	if (missing && !strcmp(missing, "runtime.mspan"))
		return gl_error_create(GL_ERR_NODWARF, "runtime.mspan lacks fields golayout needs");
	if (types[T_SPECIAL])
		h->sp_size = types[T_SPECIAL]->size;
	const struct gl_field *clf = field_any(types[T_CLEANUP], "cleanup");
	if (clf && clf->type && field_any(clf->type, "fn")) { /* Go 1.26+: cleanupFn{call, fn, arg} */
		h->cl_fn = hfield(clf->type, "fn");
		h->cl_fn.off += clf->offset;
		h->cl_direct = true;
	}
	gl_dwarf_each_const(dw, "runtime._KindSpecial", add_kind, h);

	/* Green Tea: the type with its marks, not merely the name (the
	 * nogreenteagc build declares an empty spanInlineMarkBits). */
	struct gl_type *imb = gl_dwarf_find_type(dw, "runtime.spanInlineMarkBits");
	const struct gl_field *marks = field_any(imb, "marks");
	if (imb && marks && imb->size > 0 && imb->size <= 1024) {
		h->greentea = true;
		h->imb_size = imb->size;
		h->imb_marks_off = marks->offset;
	}
	struct gl_type *gt;
	if (!gl_dwarf_find_global(dw, "runtime.gcphase", &h->gcphase_addr, &gt))
		h->gcphase_addr = 0;
	if (types[T_ABI])
		h->t_total = types[T_ABI]->size;
	if (!gl_types_base(c, &h->types_base))
		h->types_base = 0;
	return NULL;
}
