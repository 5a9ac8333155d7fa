/* The heap's view of the runtime-layout table (gotypes/rtlayout.def):
 * every offset and constant is the table's; here are only the checks
 * that relate several entries (the arena geometry against the arrays'
 * shapes, Green Tea's inline marks) and the sizes the decoders bound
 * their reads with. */
#include <string.h>

#include "gotypes/rtglobals.h"
#include "gotypes/rtype.h"
#include "runtime/heap.h"

struct gl_error *gl_heap_read_word(const struct gl_heap *h, uint64_t addr, uint64_t *v)
{
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(h->c->mem, addr, b, h->ptr);
	*v = err ? 0 : gl_rt_word(h->L, b);
	return err;
}

bool gl_heap_read_field(const struct gl_heap *h, uint64_t addr, enum gl_rtf f, uint64_t *v)
{
	struct gl_rt_field rf = gl_rt_field(h->L, f);
	uint64_t n = rf.size > 8 ? 8 : rf.size;
	unsigned char b[8];
	if (!rf.present || !n)
		return false;
	struct gl_error *err = gl_mem_read(h->c->mem, addr + rf.off, b, n);
	gl_error_destroy(err);
	if (err)
		return false;
	*v = gl_get_uint(b, n);
	return true;
}

struct gl_error *gl_heap_read_words(const struct gl_heap *h, uint64_t addr, uint64_t n, uint64_t *out)
{
	struct gl_error *err = gl_mem_read(h->c->mem, addr, out, n * h->ptr);
	/* widen in place from the end: word i's bytes lie at or before out[i] */
	for (uint64_t i = n; !err && i-- > 0;) {
		uint64_t w = gl_rt_word(h->L, (const unsigned char *)out + i * h->ptr);
		out[i] = w;
	}
	return err;
}

/* mheap_.arenas is [L1]*[L2]*heapArena: its shape gives L1 and L2, which
 * must agree with the constants; heapArena.spans has one entry a page. */
static struct gl_error *arena_geometry(struct gl_heap *h)
{
	const struct gl_rtlayout *L = h->L;
	const struct gl_type *ar = gl_rt_field(L, GL_RTF_MHEAP_ARENAS).type;
	if (!ar || ar->kind != GL_K_ARRAY || !ar->elem || ar->elem->kind != GL_K_POINTER || !ar->elem->elem ||
	    ar->elem->elem->kind != GL_K_ARRAY)
		return gl_error_create(GL_ERR_UNSUPPORTED, "runtime.mheap.arenas is not [L1]*[L2]*heapArena");
	h->l1_entries = ar->count;
	h->l2_entries = ar->elem->elem->count;
	h->arena_bytes = (uint64_t)gl_rt_const(L, GL_RTC_HEAP_ARENA_BYTES);
	h->page_size = (uint64_t)gl_rt_const(L, GL_RTC_PAGE_SIZE);
	h->arena_base = (uint64_t)gl_rt_const(L, GL_RTC_ARENA_BASE_OFFSET);
	h->l2_bits = (uint64_t)gl_rt_const(L, GL_RTC_ARENA_L2_BITS);
	if (!h->arena_bytes || !h->page_size || h->page_size & (h->page_size - 1) ||
	    h->arena_bytes % h->page_size || h->l2_bits > 40 || (1ull << h->l2_bits) != h->l2_entries ||
	    h->l1_entries == 0 || h->l1_entries > (1u << 20))
		return gl_error_create(GL_ERR_UNSUPPORTED,
				       "unexpected heap arena geometry in DWARF (arena %llu bytes, page %llu, L2 %llu)",
				       (unsigned long long)h->arena_bytes, (unsigned long long)h->page_size,
				       (unsigned long long)h->l2_entries);
	h->pages_per_arena = h->arena_bytes / h->page_size;
	const struct gl_type *spans = gl_rt_field(L, GL_RTF_HEAP_ARENA_SPANS).type;
	if (!spans || spans->kind != GL_K_ARRAY || spans->count != h->pages_per_arena)
		return gl_error_create(GL_ERR_NODWARF, "runtime.heapArena has no spans[%llu] array",
				       (unsigned long long)h->pages_per_arena);
	h->arena_bitmap = gl_rt_have(L, GL_RTF_HEAP_ARENA_BITMAP);
	return NULL;
}

/* The struct's size when it is present and fits the decoders' buffers. */
static uint64_t bounded_size(const struct gl_rtlayout *L, enum gl_rts s, uint64_t max)
{
	const struct gl_type *t = gl_rt_struct(L, s);
	return t && t->size <= max ? t->size : 0;
}

struct gl_error *gl_heap_init(struct gl_ctx *c, struct gl_heap *h)
{
	memset(h, 0, sizeof(*h));
	h->c = c;
	if (!c->t)
		return gl_error_create(GL_ERR_EXECUTABLE, "no executable loaded in the debugger");
	struct gl_error *err = gl_rt_load_globals(c, &h->L);
	if (err)
		return err;
	const struct gl_rtlayout *L = h->L;
	h->ptr = L->ptr_size;
	if (h->ptr != 4 && h->ptr != 8)
		return gl_error_create(GL_ERR_UNSUPPORTED, "pointer size %u", h->ptr);
	struct gl_rt_global mh = gl_rt_global(L, GL_RTG_MHEAP_);
	if (!gl_rt_struct(L, GL_RTS_MHEAP))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mheap in the binary's DWARF");
	if (!mh.present)
		return gl_rt_global_error(L, GL_RTG_MHEAP_);
	h->mheap = mh.addr;
	if ((err = arena_geometry(h)))
		return err;
	if (!(h->span_size = bounded_size(L, GL_RTS_MSPAN, 1024)))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mspan in the binary's DWARF");
	if ((err = gl_rt_need(L, GL_RTF_MSPAN_START, GL_RTF_MSPAN_NPAGES, GL_RTF_MSPAN_NELEMS,
			      GL_RTF_MSPAN_ALLOCBITS, GL_RTF_MSPAN_GCMARKBITS, GL_RTF_MSPAN_SPANCLASS,
			      GL_RTF_MSPAN_STATE, GL_RTF_MSPAN_ELEMSIZE)))
		return err;
	if (gl_rt_have(L, GL_RTF_SPECIAL_NEXT, GL_RTF_SPECIAL_OFFSET, GL_RTF_SPECIAL_KIND))
		h->sp_size = bounded_size(L, GL_RTS_SPECIAL, 64);
	h->cl_direct = gl_rt_have(L, GL_RTF_SPECIAL_CLEANUP_CLEANUP);
	/* Green Tea: the type with its marks, not merely the name (the
	 * nogreenteagc build declares an empty spanInlineMarkBits). */
	struct gl_rt_field marks = gl_rt_field(L, GL_RTF_SPAN_INLINE_MARKS);
	uint64_t imb = bounded_size(L, GL_RTS_SPAN_INLINE_MARK_BITS, 1024);
	if (imb && marks.present) {
		h->greentea = true;
		h->imb_size = imb;
		h->imb_marks_off = marks.off;
	}
	h->t_total = bounded_size(L, GL_RTS_ABI_TYPE, 256);
	if (!gl_types_base(c, &h->types_base))
		h->types_base = 0;
	return NULL;
}
