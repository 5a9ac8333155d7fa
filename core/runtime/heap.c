/* The Go heap: arenas, spans, objects, alloc and mark bits, specials and
 * pointer maps. See heap.h. Every loop is bounded by a size checked here;
 * every read goes through the page cache in one piece per structure. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/heap.h"
#include "eval/value.h"

#define MAX_SPECIALS 100000       /* per span: the walk stops there */
#define MAX_MASK_BYTES (1u << 20) /* a type's GC mask we read at most */
#define MAX_BITMAP_BYTES (64u << 10)
#define MAX_COUNT_WORDS (1u << 24)

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
		if (r.size == 0)
			r.size = 0;
	}
	return r;
}

static bool konst(struct gl_heap *h, const char *name, int64_t *v)
{
	return gl_dwarf_find_const(h->c->t->dw, name, v);
}

static uint64_t getf(const unsigned char *b, struct gl_heap_field f)
{
	return f.size ? gl_get_uint(b + f.off, f.size) : 0;
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

struct kinds_arg {
	struct gl_heap *h;
};

static void add_kind(void *arg, const char *name, int64_t value)
{
	struct gl_heap *h = ((struct kinds_arg *)arg)->h;
	const char *p = "runtime._KindSpecial";
	size_t n = strlen(p);
	if (strncmp(name, p, n) || !name[n] || h->nkinds >= (int)(sizeof(h->kinds) / sizeof(h->kinds[0])))
		return;
	h->kinds[h->nkinds].value = value;
	kind_name(name + n, h->kinds[h->nkinds].name, sizeof(h->kinds[0].name));
	h->nkinds++;
}

static const char *special_kind(const struct gl_heap *h, int64_t v)
{
	for (int i = 0; i < h->nkinds; i++)
		if (h->kinds[i].value == v)
			return h->kinds[i].name;
	return NULL;
}

/* ---- init ---------------------------------------------------------------- */

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
	struct gl_type *mheap_t;
	if (!gl_dwarf_find_global(dw, "runtime.mheap_", &h->mheap, &mheap_t) || !mheap_t)
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mheap_ in the binary's DWARF");
	const struct gl_field *ar = field_any(mheap_t, "arenas");
	if (!ar || !ar->type || ar->type->kind != GL_K_ARRAY || !ar->type->elem ||
	    ar->type->elem->kind != GL_K_POINTER || !ar->type->elem->elem ||
	    ar->type->elem->elem->kind != GL_K_ARRAY)
		return gl_error_create(GL_ERR_UNSUPPORTED, "runtime.mheap.arenas is not [L1]*[L2]*heapArena");
	h->h_arenas = (struct gl_heap_field){ar->offset, 8};
	h->l1_entries = ar->type->count;
	h->l2_entries = ar->type->elem->elem->count;
	h->h_allspans = hfield(mheap_t, "allspans");
	h->h_sweepgen = hfield(mheap_t, "sweepgen");
	h->h_arena_list = hfield(mheap_t, "heapArenas"); /* Go 1.25+ */
	if (!h->h_arena_list.size)
		h->h_arena_list = hfield(mheap_t, "allArenas");
	if (h->h_allspans.size)
		h->h_allspans.size = 8; /* the slice's array word; len follows */
	if (h->h_arena_list.size)
		h->h_arena_list.size = 8;

	int64_t v;
	/* Arena geometry: constants first; the L2 size also follows from the
	 * array type above, which must agree. */
	h->arena_bytes = konst(h, "runtime.heapArenaBytes", &v) ? (uint64_t)v : 0;
	h->page_size = konst(h, "runtime._PageSize", &v) ? (uint64_t)v : 0;
	if (!h->page_size && konst(h, "internal/runtime/gc.PageSize", &v))
		h->page_size = (uint64_t)v;
	if (konst(h, "runtime.arenaBaseOffsetUintptr", &v) || konst(h, "runtime.arenaBaseOffset", &v))
		h->arena_base = (uint64_t)v;
	else if (!strcmp(t->goarch, "amd64"))
		h->arena_base = 0xffff800000000000ull; /* fallback: malloc.go, linux/amd64 */
	h->l2_bits = konst(h, "runtime.arenaL2Bits", &v) ? (uint64_t)v : 0;
	if (!h->l2_bits) {
		for (uint64_t n = h->l2_entries; n > 1; n >>= 1)
			h->l2_bits++;
	}
	if (!h->arena_bytes || !h->page_size || h->page_size & (h->page_size - 1) ||
	    h->arena_bytes % h->page_size || h->l2_bits > 40 || (1ull << h->l2_bits) != h->l2_entries ||
	    h->l1_entries == 0 || h->l1_entries > (1u << 20))
		return gl_error_create(GL_ERR_UNSUPPORTED,
				       "unexpected heap arena geometry in DWARF (arena %llu bytes, page %llu, L2 %llu)",
				       (unsigned long long)h->arena_bytes, (unsigned long long)h->page_size,
				       (unsigned long long)h->l2_entries);
	h->pages_per_arena = h->arena_bytes / h->page_size;

	struct gl_type *ha = gl_dwarf_find_type(dw, "runtime.heapArena");
	const struct gl_field *spans = field_any(ha, "spans");
	if (!spans || !spans->type || spans->type->kind != GL_K_ARRAY ||
	    spans->type->count != h->pages_per_arena)
		return gl_error_create(GL_ERR_NODWARF, "runtime.heapArena has no spans[%llu] array",
				       (unsigned long long)h->pages_per_arena);
	h->ha_spans_off = spans->offset;
	struct gl_type *ps = gl_dwarf_find_type(dw, "runtime.heapArenaPtrScalar");
	h->arena_bitmap = field_any(ha, "bitmap") || (ps && field_any(ps, "bitmap"));

	struct gl_type *ms = gl_dwarf_find_type(dw, "runtime.mspan");
	if (!ms || ms->size > 1024)
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mspan in the binary's DWARF");
	h->span_size = ms->size;
	h->s_start = hfield(ms, "startAddr");
	h->s_npages = hfield(ms, "npages");
	h->s_freeindex = hfield(ms, "freeindex");
	h->s_nelems = hfield(ms, "nelems");
	h->s_fifs = hfield(ms, "freeIndexForScan");
	h->s_allocbits = hfield(ms, "allocBits");
	h->s_markbits = hfield(ms, "gcmarkBits");
	h->s_sweepgen = hfield(ms, "sweepgen");
	h->s_alloccount = hfield(ms, "allocCount");
	h->s_spanclass = hfield(ms, "spanclass");
	h->s_state = hfield(ms, "state");
	h->s_elemsize = hfield(ms, "elemsize");
	h->s_limit = hfield(ms, "limit");
	h->s_specials = hfield(ms, "specials");
	h->s_largetype = hfield(ms, "largeType");
	if (!h->s_start.size || !h->s_npages.size || !h->s_nelems.size || !h->s_allocbits.size ||
	    !h->s_markbits.size || !h->s_spanclass.size || !h->s_state.size || !h->s_elemsize.size)
		return gl_error_create(GL_ERR_NODWARF, "runtime.mspan lacks fields golayout needs");
	h->s_state.size = 1; /* mSpanStateBox{s atomic.Uint8} */
	h->st_dead = konst(h, "runtime.mSpanDead", &v) ? v : 0;
	h->st_inuse = konst(h, "runtime.mSpanInUse", &v) ? v : 1;
	h->st_manual = konst(h, "runtime.mSpanManual", &v) ? v : 2;

	struct gl_type *sp = gl_dwarf_find_type(dw, "runtime.special");
	if (sp) {
		h->sp_size = sp->size;
		h->sp_next = hfield(sp, "next");
		h->sp_offset = hfield(sp, "offset");
		h->sp_kind = hfield(sp, "kind");
	}
	struct gl_type *fin = gl_dwarf_find_type(dw, "runtime.specialfinalizer");
	h->fin_fn = hfield(fin, "fn");
	h->fin_ot = hfield(fin, "ot");
	h->fin_fint = hfield(fin, "fint");
	struct gl_type *cl = gl_dwarf_find_type(dw, "runtime.specialCleanup");
	const struct gl_field *clf = field_any(cl, "cleanup");
	if (clf && clf->type && field_any(clf->type, "fn")) { /* Go 1.26+: cleanupFn{call, fn, arg} */
		h->cl_fn = hfield(clf->type, "fn");
		h->cl_fn.off += clf->offset;
		h->cl_direct = true;
	} else {
		h->cl_fn = hfield(cl, "fn");
	}
	h->cl_id = hfield(cl, "id");
	h->wk_handle = hfield(gl_dwarf_find_type(dw, "runtime.specialWeakHandle"), "handle");
	h->pin_counter = hfield(gl_dwarf_find_type(dw, "runtime.specialPinCounter"), "counter");
	struct kinds_arg ka = {h};
	gl_dwarf_each_const(dw, "runtime._KindSpecial", add_kind, &ka);

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
	h->gc_off = konst(h, "runtime._GCoff", &v) ? v : 0;

	h->min_header = konst(h, "runtime.minSizeForMallocHeader", &v) ||
				konst(h, "internal/runtime/gc.MinSizeForMallocHeader", &v)
			? (uint64_t)v
			: 512; /* fallback: goarch.PtrSize * ptrBits, mbitmap.go */
	h->header_size = konst(h, "runtime.mallocHeaderSize", &v) ||
				 konst(h, "internal/runtime/gc.MallocHeaderSize", &v)
			 ? (uint64_t)v
			 : 8;
	h->tiny_size = konst(h, "runtime.maxTinySize", &v) ? (uint64_t)v : 16;
	struct gl_type *abi = gl_dwarf_find_type(dw, "internal/abi.Type");
	if (abi) {
		h->t_total = abi->size;
		h->t_size = hfield(abi, "Size_");
		h->t_ptrbytes = hfield(abi, "PtrBytes");
		h->t_tflag = hfield(abi, "TFlag");
		h->t_kind = hfield(abi, "Kind_");
		h->t_gcdata = hfield(abi, "GCData");
	}
	if (konst(h, "internal/abi.TFlagGCMaskOnDemand", &v))
		h->tflag_mask_on_demand = (uint64_t)v;
	else if (t->go_minor >= 24)
		h->tflag_mask_on_demand = 0x10; /* fallback: internal/abi/type.go, Go 1.24+ */
	if (konst(h, "internal/abi.KindGCProg", &v))
		h->kind_gcprog = (uint64_t)v;
	else if (t->go_minor && t->go_minor <= 23)
		h->kind_gcprog = 0x40; /* fallback: internal/abi/type.go, Go <= 1.23 */
	if (!gl_types_base(c, &h->types_base))
		h->types_base = 0;
	return NULL;
}

/* ---- spans ------------------------------------------------------------------ */

void gl_heap_decode_span(const struct gl_heap *h, uint64_t mspan, const unsigned char *b,
			 struct gl_span *s)
{
	memset(s, 0, sizeof(*s));
	s->addr = mspan;
	s->base = getf(b, h->s_start);
	s->npages = getf(b, h->s_npages);
	s->limit = getf(b, h->s_limit);
	s->elemsize = getf(b, h->s_elemsize);
	s->alloc_bits = getf(b, h->s_allocbits);
	s->mark_bits = getf(b, h->s_markbits);
	s->specials = getf(b, h->s_specials);
	s->large_type = getf(b, h->s_largetype);
	s->nelems = getf(b, h->s_nelems);
	s->freeindex = getf(b, h->s_freeindex);
	s->freeindex_scan = getf(b, h->s_fifs);
	s->alloc_count = getf(b, h->s_alloccount);
	s->sweepgen = (uint32_t)getf(b, h->s_sweepgen);
	s->spanclass = (uint8_t)getf(b, h->s_spanclass);
	s->state = (uint8_t)getf(b, h->s_state);
	s->size_class = s->spanclass >> 1;
	s->noscan = s->spanclass & 1;
}

struct gl_error *gl_heap_read_span(struct gl_heap *h, uint64_t mspan, struct gl_span *s)
{
	unsigned char b[1024];
	struct gl_error *err = gl_mem_read(h->c->mem, mspan, b, h->span_size);
	if (err)
		return gl_error_wrap(err, "reading the mspan at 0x%llx", (unsigned long long)mspan);
	gl_heap_decode_span(h, mspan, b, s);
	return NULL;
}

const char *gl_heap_state_name(const struct gl_heap *h, uint8_t state)
{
	if (state == h->st_inuse)
		return "in use";
	if (state == h->st_manual)
		return "manual";
	if (state == h->st_dead)
		return "dead";
	return "invalid";
}

bool gl_heap_span_in_use(const struct gl_heap *h, const struct gl_span *s)
{
	return s->state == h->st_inuse;
}

/* A span whose numbers are consistent enough to index objects with. */
static bool span_sane(const struct gl_heap *h, const struct gl_span *s)
{
	if (!s->npages || s->npages > (1ull << 40) / h->page_size || s->base % h->page_size)
		return false;
	uint64_t bytes = s->npages * h->page_size;
	if (s->base + bytes < s->base)
		return false;
	if (s->state == h->st_inuse) {
		if (!s->elemsize || s->elemsize > bytes || s->nelems == 0 ||
		    s->nelems > bytes / s->elemsize)
			return false;
	}
	return true;
}

struct gl_error *gl_heap_locate(struct gl_heap *h, uint64_t addr, struct gl_heap_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	uint64_t ri = (addr - h->arena_base) / h->arena_bytes;
	uint64_t l1 = h->l1_entries > 1 ? ri >> h->l2_bits : 0, l2 = ri & (h->l2_entries - 1);
	if ((h->l1_entries == 1 && ri >= h->l2_entries) || l1 >= h->l1_entries)
		return NULL; /* beyond the address space arenas can cover */
	uint64_t l2arr, ha;
	struct gl_error *err = gl_mem_read_u64(h->c->mem, h->mheap + h->h_arenas.off + l1 * 8, &l2arr);
	if (err)
		return gl_error_wrap(err, "reading mheap_.arenas[%llu]", (unsigned long long)l1);
	if (!l2arr)
		return NULL;
	if ((err = gl_mem_read_u64(h->c->mem, l2arr + l2 * 8, &ha)))
		return gl_error_wrap(err, "reading mheap_.arenas[%llu][%llu]", (unsigned long long)l1,
				     (unsigned long long)l2);
	if (!ha)
		return NULL;
	loc->in_arena = true;
	loc->arena_index = ri;
	loc->arena_base = ri * h->arena_bytes + h->arena_base;
	loc->heap_arena = ha;
	loc->page = (addr / h->page_size) % h->pages_per_arena;
	uint64_t sp;
	if ((err = gl_mem_read_u64(h->c->mem, ha + h->ha_spans_off + loc->page * 8, &sp)))
		return gl_error_wrap(err, "reading heapArena.spans[%llu]", (unsigned long long)loc->page);
	if (!sp)
		return NULL;
	loc->has_span = true;
	if ((err = gl_heap_read_span(h, sp, &loc->span)))
		return err;
	const struct gl_span *s = &loc->span;
	loc->span_ok = span_sane(h, s) && addr >= s->base && addr - s->base < s->npages * h->page_size;
	return NULL;
}

/* ---- GC phase and marks -------------------------------------------------------- */

bool gl_heap_gc_phase(struct gl_heap *h, int64_t *phase, const char **name)
{
	unsigned char b[4];
	*name = "unknown";
	if (!h->gcphase_addr)
		return false;
	struct gl_error *err = gl_mem_read(h->c->mem, h->gcphase_addr, b, 4);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	*phase = (int64_t)gl_get_uint(b, 4);
	int64_t v;
	if (*phase == h->gc_off)
		*name = "off";
	else if (konst(h, "runtime._GCmark", &v) && v == *phase)
		*name = "mark";
	else if (konst(h, "runtime._GCmarktermination", &v) && v == *phase)
		*name = "mark termination";
	else
		*name = "invalid";
	return true;
}

bool gl_heap_inline_marks(const struct gl_heap *h, uint64_t elemsize)
{
	/* gcUsesSpanInlineMarkBits: heapBitsInSpan(size) && size >= 16 */
	return h->greentea && elemsize <= h->min_header && elemsize >= 16;
}

/* Whether marks can be read now: only during a cycle (outside, the bits
 * are last cycle's, already turned into allocBits, or cleared). */
static bool marks_known(struct gl_heap *h)
{
	int64_t phase;
	const char *name;
	return gl_heap_gc_phase(h, &phase, &name) && phase != h->gc_off &&
	       strcmp(name, "invalid") != 0;
}

const char *gl_heap_mark_name(enum gl_mark m)
{
	return m == GL_MARK_MARKED ? "marked" : m == GL_MARK_UNMARKED ? "unmarked" : "unknown";
}

struct gl_error *gl_heap_object(struct gl_heap *h, const struct gl_span *s, uint64_t addr,
				struct gl_heap_object *o)
{
	memset(o, 0, sizeof(*o));
	o->mark = GL_MARK_UNKNOWN;
	if (!span_sane(h, s) || addr < s->base || s->state != h->st_inuse)
		return NULL;
	o->index = (addr - s->base) / s->elemsize;
	o->base = s->base + o->index * s->elemsize;
	o->offset = addr - o->base;
	o->in_slot = o->index < s->nelems;
	if (!o->in_slot)
		return NULL;
	unsigned char byte = 0;
	struct gl_error *err;
	if (o->index < s->freeindex) {
		o->allocated = true;
	} else {
		if (!s->alloc_bits)
			return gl_error_create(GL_ERR_CORRUPT, "span 0x%llx has no allocBits",
					       (unsigned long long)s->addr);
		if ((err = gl_mem_read(h->c->mem, s->alloc_bits + o->index / 8, &byte, 1)))
			return gl_error_wrap(err, "reading the span's allocBits");
		o->allocated = byte >> (o->index % 8) & 1;
	}
	if (!marks_known(h))
		return NULL;
	bool marked = false;
	if (s->mark_bits) {
		if ((err = gl_mem_read(h->c->mem, s->mark_bits + o->index / 8, &byte, 1)))
			return gl_error_wrap(err, "reading the span's gcmarkBits");
		marked = byte >> (o->index % 8) & 1;
	}
	if (gl_heap_inline_marks(h, s->elemsize) && o->index / 8 < h->imb_size - h->imb_marks_off) {
		uint64_t at = s->base + h->page_size - h->imb_size + h->imb_marks_off + o->index / 8;
		if ((err = gl_mem_read(h->c->mem, at, &byte, 1)))
			return gl_error_wrap(err, "reading the span's inline mark bits");
		marked |= byte >> (o->index % 8) & 1;
		o->inline_mark = true;
	}
	o->mark = marked ? GL_MARK_MARKED : GL_MARK_UNMARKED;
	return NULL;
}

struct gl_error *gl_heap_span_bits(struct gl_heap *h, const struct gl_span *s, uint8_t *alloc,
				   uint8_t *mark, bool *mark_known)
{
	*mark_known = false;
	if (!span_sane(h, s) || s->state != h->st_inuse)
		return gl_error_create(GL_ERR_TYPE, "span 0x%llx is not an in-use object span",
				       (unsigned long long)s->addr);
	uint64_t n = s->nelems, nb = (n + 7) / 8;
	unsigned char bits[MAX_BITMAP_BYTES];
	if (nb > sizeof(bits))
		return gl_error_create(GL_ERR_LIMIT, "span 0x%llx: %llu objects", (unsigned long long)s->addr,
				       (unsigned long long)n);
	struct gl_error *err = gl_mem_read(h->c->mem, s->alloc_bits, bits, nb);
	if (err)
		return gl_error_wrap(err, "reading the span's allocBits");
	for (uint64_t i = 0; i < n; i++)
		alloc[i] = i < s->freeindex || (bits[i / 8] >> (i % 8) & 1);
	if (!marks_known(h))
		return NULL;
	memset(mark, 0, n);
	if (s->mark_bits) {
		if ((err = gl_mem_read(h->c->mem, s->mark_bits, bits, nb)))
			return gl_error_wrap(err, "reading the span's gcmarkBits");
		for (uint64_t i = 0; i < n; i++)
			mark[i] = bits[i / 8] >> (i % 8) & 1;
	}
	if (gl_heap_inline_marks(h, s->elemsize) && nb <= h->imb_size - h->imb_marks_off) {
		uint64_t at = s->base + h->page_size - h->imb_size + h->imb_marks_off;
		if ((err = gl_mem_read(h->c->mem, at, bits, nb)))
			return gl_error_wrap(err, "reading the span's inline mark bits");
		for (uint64_t i = 0; i < n; i++)
			mark[i] |= bits[i / 8] >> (i % 8) & 1;
	}
	*mark_known = true;
	return NULL;
}

/* ---- names ---------------------------------------------------------------------- */

void gl_heap_funcval_name(struct gl_heap *h, uint64_t funcval, char *buf, size_t len)
{
	uint64_t pc;
	struct gl_pcfunc f;
	buf[0] = '\0';
	struct gl_error *err = funcval ? gl_mem_read_u64(h->c->mem, funcval, &pc) : NULL;
	if (!funcval || err) {
		gl_error_destroy(err);
		return;
	}
	if (h->c->t->has_pcln && gl_pclntab_func(&h->c->t->pcln, pc, &f))
		snprintf(buf, len, "%s", f.name);
	else {
		const struct gl_func *df = gl_dwarf_func_at(h->c->t->dw, pc);
		if (df && df->name)
			snprintf(buf, len, "%s", df->name);
	}
}

void gl_heap_type_name(struct gl_heap *h, uint64_t tp, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!tp || !h->types_base || tp < h->types_base || !h->t_total || h->t_total > 256)
		return;
	struct gl_type *dt = gl_dwarf_type_by_runtime_offset(h->c->t->dw, tp - h->types_base);
	if (dt && dt->name) {
		snprintf(buf, len, "%s", dt->name);
		return;
	}
	/* The descriptor's own name: Str is a nameOff from the types base;
	 * the name is a flags byte, a varint length and the bytes. */
	const struct gl_type *abi = gl_dwarf_find_type(h->c->t->dw, "internal/abi.Type");
	const struct gl_field *str = field_any(abi, "Str");
	unsigned char b[256], hdr[8];
	struct gl_error *err;
	if (!str || (err = gl_mem_read(h->c->mem, tp, b, h->t_total))) {
		if (str)
			gl_error_destroy(err);
		return;
	}
	int32_t off = (int32_t)gl_get_uint(b + str->offset, 4);
	uint64_t at = h->types_base + (uint64_t)(int64_t)off;
	if ((err = gl_mem_read(h->c->mem, at, hdr, sizeof(hdr)))) {
		gl_error_destroy(err);
		return;
	}
	uint64_t n = 0, pos = 1;
	for (int shift = 0; pos < sizeof(hdr) && shift < 28; shift += 7) {
		n |= (uint64_t)(hdr[pos] & 0x7f) << shift;
		if (!(hdr[pos++] & 0x80))
			break;
	}
	if (n == 0 || n >= len || n > 255)
		return;
	if ((err = gl_mem_read(h->c->mem, at + pos, buf, n))) {
		gl_error_destroy(err);
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	uint64_t tflag = getf(b, h->t_tflag);
	if ((tflag & 2) && buf[0] == '*') /* TFlagExtraStar */
		memmove(buf, buf + 1, n);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
}

/* ---- specials ------------------------------------------------------------------------ */

static void special_details(struct gl_heap *h, uint64_t sp, const char *kind, json_t *o)
{
	char name[256];
	uint64_t w;
	struct gl_error *err;
	if (!strcmp(kind, "finalizer") && h->fin_fn.size) {
		if (!(err = gl_mem_read_u64(h->c->mem, sp + h->fin_fn.off, &w))) {
			gl_json_set_addr(o, "funcval", w);
			gl_heap_funcval_name(h, w, name, sizeof(name));
			json_object_set_new(o, "function", gl_json_text(name));
		}
		gl_error_destroy(err);
		if (h->fin_fint.size && !(err = gl_mem_read_u64(h->c->mem, sp + h->fin_fint.off, &w))) {
			gl_heap_type_name(h, w, name, sizeof(name));
			if (name[0])
				json_object_set_new(o, "arg_type", gl_json_text(name));
		}
		gl_error_destroy(err);
		if (h->fin_ot.size && !(err = gl_mem_read_u64(h->c->mem, sp + h->fin_ot.off, &w))) {
			gl_heap_type_name(h, w, name, sizeof(name));
			if (name[0])
				json_object_set_new(o, "object_type", gl_json_text(name));
		}
		gl_error_destroy(err);
	} else if (!strcmp(kind, "cleanup") && h->cl_fn.size) {
		if (!(err = gl_mem_read_u64(h->c->mem, sp + h->cl_fn.off, &w))) {
			gl_json_set_addr(o, "funcval", w);
			gl_heap_funcval_name(h, w, name, sizeof(name));
			/* Go 1.24-1.25 keep a closure func() { cleanup(arg) }
			 * made in AddCleanup: one of its first two captured
			 * words is the user's function value (a *funcval whose
			 * PC names a function), or a pointer to it. */
			if (!h->cl_direct && !strncmp(name, "runtime.AddCleanup", 18)) {
				unsigned char cw[16];
				char iname[256];
				struct gl_error *e2 = gl_mem_read(h->c->mem, w + 8, cw, sizeof(cw));
				/* k: which word; deref: captured by reference (1.25
				 * takes &cleanup, so the closure holds a pointer
				 * to the func value) */
				for (int k = 0; !e2 && k < 4; k++) {
					uint64_t inner = gl_get_uint(cw + 8 * (k % 2), 8);
					if (k >= 2) {
						struct gl_error *e3 = inner >= 4096 ? gl_mem_read_u64(h->c->mem, inner, &inner)
										    : NULL;
						if (e3)
							inner = 0;
						gl_error_destroy(e3);
					}
					if (inner < 4096)
						continue;
					gl_heap_funcval_name(h, inner, iname, sizeof(iname));
					if (iname[0] && strncmp(iname, "runtime.AddCleanup", 18)) {
						json_object_set_new(o, "wrapper", gl_json_text(name));
						snprintf(name, sizeof(name), "%s", iname);
						break;
					}
				}
				gl_error_destroy(e2);
			}
			json_object_set_new(o, "function", gl_json_text(name));
		}
		gl_error_destroy(err);
		unsigned char b[8];
		if (h->cl_id.size && !(err = gl_mem_read(h->c->mem, sp + h->cl_id.off, b, h->cl_id.size)))
			json_object_set_new(o, "id", json_integer((json_int_t)gl_get_uint(b, h->cl_id.size)));
		gl_error_destroy(err);
	} else if (!strcmp(kind, "weak_handle") && h->wk_handle.size) {
		if (!(err = gl_mem_read_u64(h->c->mem, sp + h->wk_handle.off, &w))) {
			gl_json_set_addr(o, "handle", w);
			uint64_t target;
			struct gl_error *e2 = w ? gl_mem_read_u64(h->c->mem, w, &target) : NULL;
			if (w && !e2)
				gl_json_set_addr(o, "points_to", target);
			gl_error_destroy(e2);
		}
		gl_error_destroy(err);
	} else if (!strcmp(kind, "pin_counter") && h->pin_counter.size) {
		if (!(err = gl_mem_read_u64(h->c->mem, sp + h->pin_counter.off, &w)))
			json_object_set_new(o, "counter", json_integer((json_int_t)w));
		gl_error_destroy(err);
	}
}

json_t *gl_heap_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo, uint64_t hi,
			 struct gl_error **errp)
{
	json_t *arr = json_array();
	*errp = NULL;
	if (!h->sp_size || !h->sp_next.size || !h->sp_offset.size || !h->sp_kind.size || h->sp_size > 64) {
		if (s->specials)
			*errp = gl_error_create(GL_ERR_NODWARF, "no runtime.special layout in DWARF");
		return arr;
	}
	/* Floyd's cycle check on top of the count bound; the list is sorted
	 * by offset, which is checked too. */
	uint64_t p = s->specials, slow = p, prev_off = 0;
	for (uint64_t n = 0; p; n++) {
		if (n >= MAX_SPECIALS) {
			*errp = gl_error_create(GL_ERR_LIMIT, "span 0x%llx: more than %u specials, stopped",
						(unsigned long long)s->addr, MAX_SPECIALS);
			break;
		}
		unsigned char b[64];
		struct gl_error *err = gl_mem_read(h->c->mem, p, b, h->sp_size);
		if (err) {
			*errp = gl_error_wrap(err, "reading special %llu of span 0x%llx", (unsigned long long)n,
					      (unsigned long long)s->addr);
			break;
		}
		uint64_t off = getf(b, h->sp_offset), kind = getf(b, h->sp_kind), next = getf(b, h->sp_next);
		if (off < prev_off) {
			*errp = gl_error_create(GL_ERR_CORRUPT, "specials of span 0x%llx out of order at 0x%llx (corrupt?)",
						(unsigned long long)s->addr, (unsigned long long)p);
			break;
		}
		prev_off = off;
		if (s->base + off >= hi)
			break; /* sorted: nothing further is ours */
		if (s->base + off >= lo) {
			json_t *o = json_object();
			const char *kn = special_kind(h, (int64_t)kind);
			json_object_set_new(o, "kind", json_string(kn ? kn : "unknown"));
			json_object_set_new(o, "kind_value", json_integer((json_int_t)kind));
			json_object_set_new(o, "offset", json_integer((json_int_t)(s->base + off - lo)));
			gl_json_set_addr(o, "special", p);
			if (kn)
				special_details(h, p, kn, o);
			json_array_append_new(arr, o);
		}
		p = next;
		if (n % 2 == 1) {
			uint64_t sn;
			struct gl_error *e2 = gl_mem_read_u64(h->c->mem, slow + h->sp_next.off, &sn);
			if (e2) {
				gl_error_destroy(e2);
				break;
			}
			slow = sn;
		}
		if (p && p == slow) {
			*errp = gl_error_create(GL_ERR_CORRUPT, "specials list of span 0x%llx has a cycle",
						(unsigned long long)s->addr);
			break;
		}
	}
	return arr;
}

/* ---- pointer maps ------------------------------------------------------------------------ */

/* The GC mask of a type descriptor: bits for PtrBytes/8 words. */
static struct gl_error *type_mask(struct gl_heap *h, uint64_t tp, uint64_t *size, uint64_t *ptrbytes,
				  unsigned char **mask, char *why, size_t whylen)
{
	*mask = NULL;
	unsigned char b[256];
	if (!h->t_total || h->t_total > sizeof(b) || !h->t_gcdata.size || !h->t_ptrbytes.size)
		return gl_error_create(GL_ERR_NODWARF, "no internal/abi.Type layout in DWARF");
	struct gl_error *err = gl_mem_read(h->c->mem, tp, b, h->t_total);
	if (err)
		return gl_error_wrap(err, "reading the type descriptor at 0x%llx", (unsigned long long)tp);
	*size = getf(b, h->t_size);
	*ptrbytes = getf(b, h->t_ptrbytes);
	uint64_t tflag = getf(b, h->t_tflag), kind = getf(b, h->t_kind), gcdata = getf(b, h->t_gcdata);
	if (h->kind_gcprog && (kind & h->kind_gcprog)) {
		snprintf(why, whylen, "the type's pointers are a GC program (not decoded)");
		return NULL;
	}
	if (h->tflag_mask_on_demand && (tflag & h->tflag_mask_on_demand)) {
		uint64_t m;
		if ((err = gl_mem_read_u64(h->c->mem, gcdata, &m)))
			return gl_error_wrap(err, "reading the GC mask slot of the type at 0x%llx",
					     (unsigned long long)tp);
		if (!m) {
			snprintf(why, whylen, "the type's GC mask is built on demand and not built yet");
			return NULL;
		}
		gcdata = m;
	}
	if (*ptrbytes > *size || (*size && *ptrbytes % 8)) {
		snprintf(why, whylen, "implausible type descriptor (size %llu, ptrbytes %llu)",
			 (unsigned long long)*size, (unsigned long long)*ptrbytes);
		return NULL;
	}
	uint64_t nb = (*ptrbytes / 8 + 7) / 8;
	if (nb > MAX_MASK_BYTES) {
		snprintf(why, whylen, "the type's GC mask is too large to show (%llu bytes)", (unsigned long long)nb);
		return NULL;
	}
	*mask = malloc(nb ? nb : 1);
	if (!*mask)
		return &gl_error_nomem;
	if (nb && (err = gl_mem_read(h->c->mem, gcdata, *mask, nb))) {
		free(*mask);
		*mask = NULL;
		return gl_error_wrap(err, "reading the GC mask at 0x%llx", (unsigned long long)gcdata);
	}
	return NULL;
}

json_t *gl_heap_pointer_map(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
			    uint64_t max_words)
{
	json_t *o = json_object();
	uint64_t words = s->elemsize / 8, shown = words < max_words ? words : max_words;
	/* pointers are counted over at most MAX_COUNT_WORDS words */
	uint64_t counted = words < MAX_COUNT_WORDS ? words : MAX_COUNT_WORDS;
	if (counted < shown)
		counted = shown;
	json_object_set_new(o, "words", json_integer((json_int_t)words));
	char why[160] = "";
	const char *source;
	char *map = calloc(shown + 1, 1);
	if (!map) {
		json_decref(o);
		return NULL;
	}
	memset(map, '.', shown);
	struct gl_error *err = NULL;
	uint64_t npointers = 0;
	bool decoded = false;
	if (s->noscan) {
		source = "noscan span: no pointers";
		decoded = true;
	} else if (h->arena_bitmap) {
		source = "heap arena bitmap (noallocheaders layout)";
		snprintf(why, sizeof(why), "the pre-Go 1.22 arena bitmap is not decoded");
	} else if (s->elemsize <= h->min_header && s->size_class != 0) {
		/* heap bits at the end of the span (spanHeapBitsRange) */
		source = "heap bits at the end of the span";
		uint64_t span_bytes = s->npages * h->page_size, nb = span_bytes / 8 / 8;
		uint64_t hb = s->base + span_bytes - nb;
		if (gl_heap_inline_marks(h, s->elemsize))
			hb -= h->imb_size;
		json_object_set_new(o, "bitmap", gl_json_addr(hb));
		unsigned char *bits = nb <= MAX_BITMAP_BYTES ? malloc(nb) : NULL;
		if (!bits) {
			snprintf(why, sizeof(why), "heap bitmap of %llu bytes not read", (unsigned long long)nb);
		} else if ((err = gl_mem_read(h->c->mem, hb, bits, nb))) {
			err = gl_error_wrap(err, "reading the span's heap bits");
		} else {
			uint64_t w0 = (slot - s->base) / 8;
			for (uint64_t i = 0; i < counted; i++) {
				uint64_t w = w0 + i;
				bool p = w / 8 < nb && (bits[w / 8] >> (w % 8) & 1);
				npointers += p;
				if (i < shown && p)
					map[i] = 'p';
			}
			decoded = true;
		}
		free(bits);
	} else {
		uint64_t tp = 0, data = slot;
		bool header = s->size_class != 0;
		if (header) {
			source = "malloc header";
			err = gl_mem_read_u64(h->c->mem, slot, &tp);
			if (err)
				err = gl_error_wrap(err, "reading the malloc header at 0x%llx", (unsigned long long)slot);
			data = slot + h->header_size;
			if (shown)
				map[0] = 'H';
			gl_json_set_addr(o, "header", slot);
		} else {
			source = "span.largeType";
			tp = s->large_type;
		}
		if (!err && !tp) {
			snprintf(why, sizeof(why), "no type recorded (free slot, or not yet initialised)");
		} else if (!err) {
			char tn[256];
			gl_heap_type_name(h, tp, tn, sizeof(tn));
			gl_json_set_addr(o, "type_descriptor", tp);
			if (tn[0])
				json_object_set_new(o, "type", gl_json_text(tn));
			uint64_t tsize = 0, ptrbytes = 0;
			unsigned char *mask = NULL;
			err = type_mask(h, tp, &tsize, &ptrbytes, &mask, why, sizeof(why));
			if (!err) {
				json_object_set_new(o, "type_size", json_integer((json_int_t)tsize));
				json_object_set_new(o, "type_ptrbytes", json_integer((json_int_t)ptrbytes));
			}
			if (!err && mask) {
				/* tile the mask every Size_ bytes, as typePointers does */
				uint64_t tw = tsize / 8, pw = ptrbytes / 8, first = (data - slot) / 8;
				for (uint64_t i = first; tw && i < counted; i++) {
					uint64_t e = (i - first) % tw;
					bool p = e < pw && (mask[e / 8] >> (e % 8) & 1);
					npointers += p;
					if (i < shown && p)
						map[i] = 'p';
				}
				decoded = true;
			}
			free(mask);
		}
	}
	json_object_set_new(o, "source", json_string(source));
	if (decoded) {
		json_object_set_new(o, "map", json_string(map));
		json_object_set_new(o, "shown", json_integer((json_int_t)shown));
		json_object_set_new(o, "pointers", json_integer((json_int_t)npointers));
		json_object_set_new(o, "counted_words", json_integer((json_int_t)(s->noscan ? words : counted)));
	} else {
		json_object_set_new(o, "map", json_null());
		if (err)
			json_object_set_new(o, "error", gl_json_text(err->message));
		else if (why[0])
			json_object_set_new(o, "note", json_string(why));
	}
	gl_error_destroy(err);
	free(map);
	return o;
}
