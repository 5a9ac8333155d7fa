/* The Go heap: arenas, spans, objects, allocation and mark bits. See
 * heap.h. Every loop is bounded by a size checked here; every read goes
 * through the page cache in one piece per structure (a span's bitmap in
 * one read). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "runtime/heap.h"

#define MAX_BITMAP_BYTES (64u << 10)

/* ---- spans ------------------------------------------------------------------ */

static enum gl_span_state span_kind(const struct gl_heap *h, uint8_t state)
{
	if (state == gl_heap_const(h, GL_RTC_MSPAN_IN_USE))
		return GL_SPAN_INUSE;
	if (state == gl_heap_const(h, GL_RTC_MSPAN_MANUAL))
		return GL_SPAN_MANUAL;
	if (state == gl_heap_const(h, GL_RTC_MSPAN_DEAD))
		return GL_SPAN_DEAD;
	return GL_SPAN_INVALID;
}

void gl_heap_decode_span(const struct gl_heap *h, uint64_t mspan, const unsigned char *b,
			 struct gl_span *s)
{
	/* the mspan fields kept whole: the table's field, where in gl_span */
	static const struct {
		enum gl_rtf field;
		size_t at;
	} words[] = {
		{GL_RTF_MSPAN_START, offsetof(struct gl_span, base)},
		{GL_RTF_MSPAN_NPAGES, offsetof(struct gl_span, npages)},
		{GL_RTF_MSPAN_LIMIT, offsetof(struct gl_span, limit)},
		{GL_RTF_MSPAN_ELEMSIZE, offsetof(struct gl_span, elemsize)},
		{GL_RTF_MSPAN_ALLOCBITS, offsetof(struct gl_span, alloc_bits)},
		{GL_RTF_MSPAN_GCMARKBITS, offsetof(struct gl_span, mark_bits)},
		{GL_RTF_MSPAN_SPECIALS, offsetof(struct gl_span, specials)},
		{GL_RTF_MSPAN_LARGETYPE, offsetof(struct gl_span, large_type)},
		{GL_RTF_MSPAN_NELEMS, offsetof(struct gl_span, nelems)},
		{GL_RTF_MSPAN_FREEINDEX, offsetof(struct gl_span, freeindex)},
		{GL_RTF_MSPAN_FREE_INDEX_FOR_SCAN, offsetof(struct gl_span, freeindex_scan)},
		{GL_RTF_MSPAN_ALLOCCOUNT, offsetof(struct gl_span, alloc_count)},
	};
	const struct gl_rtlayout *L = h->L;
	memset(s, 0, sizeof(*s));
	s->addr = mspan;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		uint64_t v = gl_rt_get(L, words[i].field, b);
		memcpy((char *)s + words[i].at, &v, sizeof(v));
	}
	s->sweepgen = (uint32_t)gl_rt_get(L, GL_RTF_MSPAN_SWEEPGEN, b);
	s->spanclass = (uint8_t)gl_rt_get(L, GL_RTF_MSPAN_SPANCLASS, b);
	s->state = (uint8_t)gl_rt_get(L, GL_RTF_MSPAN_STATE, b);
	s->kind = span_kind(h, s->state);
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

const char *gl_span_state_name(enum gl_span_state k)
{
	static const char *const names[] = {
		[GL_SPAN_INVALID] = "invalid", [GL_SPAN_DEAD] = "dead", [GL_SPAN_INUSE] = "in use",
		[GL_SPAN_MANUAL] = "manual",
	};
	return GL_NAME_OF(names, k, "invalid");
}

const char *gl_heap_state_name(const struct gl_heap *h, uint8_t state)
{
	return gl_span_state_name(span_kind(h, state));
}

bool gl_heap_span_in_use(const struct gl_heap *h, const struct gl_span *s)
{
	return s->state == gl_heap_const(h, GL_RTC_MSPAN_IN_USE);
}

bool gl_heap_span_sane(const struct gl_heap *h, const struct gl_span *s)
{
	if (!s->npages || s->npages > (1ull << 40) / h->page_size || s->base % h->page_size)
		return false;
	uint64_t bytes = s->npages * h->page_size;
	if (s->base + bytes < s->base)
		return false;
	if (gl_heap_span_in_use(h, s)) {
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
	uint64_t arenas = h->mheap + gl_rt_field(h->L, GL_RTF_MHEAP_ARENAS).off;
	struct gl_error *err = gl_heap_read_word(h, arenas + l1 * h->ptr, &l2arr);
	if (err)
		return gl_error_wrap(err, "reading mheap_.arenas[%llu]", (unsigned long long)l1);
	if (!l2arr)
		return NULL;
	if ((err = gl_heap_read_word(h, l2arr + l2 * h->ptr, &ha)))
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
	uint64_t spans = ha + gl_rt_field(h->L, GL_RTF_HEAP_ARENA_SPANS).off;
	if ((err = gl_heap_read_word(h, spans + loc->page * h->ptr, &sp)))
		return gl_error_wrap(err, "reading heapArena.spans[%llu]", (unsigned long long)loc->page);
	if (!sp)
		return NULL;
	loc->has_span = true;
	if ((err = gl_heap_read_span(h, sp, &loc->span)))
		return err;
	const struct gl_span *s = &loc->span;
	loc->span_ok = gl_heap_span_sane(h, s) && addr >= s->base && addr - s->base < s->npages * h->page_size;
	return NULL;
}

/* ---- GC phase and marks -------------------------------------------------------- */

enum gl_gc_phase gl_heap_gc_phase(struct gl_heap *h, int64_t *value)
{
	struct gl_rt_global g = gl_rt_global(h->L, GL_RTG_GCPHASE);
	uint64_t n = g.type && g.type->size && g.type->size <= 8 ? g.type->size : 4;
	unsigned char b[8];
	if (!g.present)
		return GL_GC_UNKNOWN;
	struct gl_error *err = gl_mem_read(h->c->mem, g.addr, b, n);
	if (err) {
		gl_error_destroy(err);
		return GL_GC_UNKNOWN;
	}
	*value = (int64_t)gl_get_uint(b, n);
	if (*value == gl_heap_const(h, GL_RTC_GC_OFF))
		return GL_GC_OFF;
	if (*value == gl_heap_const(h, GL_RTC_GC_MARK))
		return GL_GC_MARK;
	if (*value == gl_heap_const(h, GL_RTC_GC_MARKTERMINATION))
		return GL_GC_MARKTERM;
	return GL_GC_INVALID;
}

const char *gl_gc_phase_name(enum gl_gc_phase p)
{
	static const char *const names[] = {
		[GL_GC_UNKNOWN] = "unknown", [GL_GC_OFF] = "off", [GL_GC_MARK] = "mark",
		[GL_GC_MARKTERM] = "mark termination", [GL_GC_INVALID] = "invalid",
	};
	return GL_NAME_OF(names, p, "unknown");
}

bool gl_heap_inline_marks(const struct gl_heap *h, uint64_t elemsize)
{
	/* gcUsesSpanInlineMarkBits: heapBitsInSpan(size) && size >= 16 */
	return h->greentea && elemsize <= (uint64_t)gl_heap_const(h, GL_RTC_MIN_SIZE_FOR_MALLOC_HEADER) &&
	       elemsize >= 16;
}

/* Whether marks can be read now: only during a cycle (outside, the bits
 * are last cycle's, already turned into allocBits, or cleared). */
static bool marks_known(struct gl_heap *h)
{
	int64_t v;
	enum gl_gc_phase p = gl_heap_gc_phase(h, &v);
	return p == GL_GC_MARK || p == GL_GC_MARKTERM;
}

const char *gl_heap_mark_name(enum gl_mark m)
{
	return m == GL_MARK_MARKED ? "marked" : m == GL_MARK_UNMARKED ? "unmarked" : "unknown";
}

/* Where a span's inline mark bits start (Green Tea: the end of its page). */
static uint64_t inline_marks_at(const struct gl_heap *h, const struct gl_span *s)
{
	return s->base + h->page_size - h->imb_size + h->imb_marks_off;
}

struct gl_error *gl_heap_object(struct gl_heap *h, const struct gl_span *s, uint64_t addr,
				struct gl_heap_object *o)
{
	memset(o, 0, sizeof(*o));
	o->mark = GL_MARK_UNKNOWN;
	if (!gl_heap_span_sane(h, s) || addr < s->base || !gl_heap_span_in_use(h, s))
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
		if ((err = gl_mem_read(h->c->mem, inline_marks_at(h, s) + o->index / 8, &byte, 1)))
			return gl_error_wrap(err, "reading the span's inline mark bits");
		marked |= byte >> (o->index % 8) & 1;
		o->inline_mark = true;
	}
	o->mark = marked ? GL_MARK_MARKED : GL_MARK_UNMARKED;
	return NULL;
}

/* OR a bitmap of n bits at addr into mark[] (one read). */
static struct gl_error *or_bits(struct gl_heap *h, uint64_t addr, uint64_t n, unsigned char *bits,
				uint8_t *mark, const char *what)
{
	struct gl_error *err = gl_mem_read(h->c->mem, addr, bits, (n + 7) / 8);
	if (err)
		return gl_error_wrap(err, "reading the span's %s", what);
	for (uint64_t i = 0; i < n; i++)
		mark[i] |= bits[i / 8] >> (i % 8) & 1;
	return NULL;
}

/* alloc[i] and, when the mark state is known (*known), mark[i]. */
static struct gl_error *span_bits(struct gl_heap *h, const struct gl_span *s, uint8_t *alloc,
				  uint8_t *mark, bool *known)
{
	uint64_t n = s->nelems, nb = (n + 7) / 8;
	if (nb > MAX_BITMAP_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "span 0x%llx: %llu objects", (unsigned long long)s->addr,
				       (unsigned long long)n);
	unsigned char *bits = malloc(nb ? nb : 1);
	if (!bits)
		return &gl_error_nomem;
	memset(alloc, 0, n);
	struct gl_error *err = or_bits(h, s->alloc_bits, n, bits, alloc, "allocBits");
	for (uint64_t i = 0; !err && i < n && i < s->freeindex; i++)
		alloc[i] = 1;
	if (!err && marks_known(h)) {
		memset(mark, 0, n);
		if (s->mark_bits)
			err = or_bits(h, s->mark_bits, n, bits, mark, "gcmarkBits");
		if (!err && gl_heap_inline_marks(h, s->elemsize) && nb <= h->imb_size - h->imb_marks_off)
			err = or_bits(h, inline_marks_at(h, s), n, bits, mark, "inline mark bits");
		*known = !err;
	}
	free(bits);
	return err;
}

struct gl_error *gl_heap_span_slots(struct gl_heap *h, const struct gl_span *s,
				    struct gl_span_slots *out)
{
	memset(out, 0, sizeof(*out));
	if (!gl_heap_span_sane(h, s) || !gl_heap_span_in_use(h, s))
		return gl_error_create(GL_ERR_TYPE, "span 0x%llx is not an in-use object span",
				       (unsigned long long)s->addr);
	uint64_t n = s->nelems;
	uint8_t *alloc = malloc(n ? n : 1), *mark = malloc(n ? n : 1);
	out->state = malloc(n ? n : 1);
	bool known = false;
	struct gl_error *err = alloc && mark && out->state ? span_bits(h, s, alloc, mark, &known)
							   : &gl_error_nomem;
	if (!err) {
		out->n = n;
		out->mark_known = known;
		for (uint64_t i = 0; i < n; i++) {
			bool m = known && mark[i];
			out->allocated += alloc[i];
			out->marked += m;
			out->state[i] = alloc[i] ? (m ? GL_HSLOT_MARKED : known ? GL_HSLOT_UNMARKED : GL_HSLOT_ALLOCATED)
						 : (m ? GL_HSLOT_FREE_MARKED : GL_HSLOT_FREE);
		}
	} else {
		gl_span_slots_deinit(out);
	}
	free(alloc);
	free(mark);
	return err;
}

void gl_span_slots_deinit(struct gl_span_slots *s)
{
	free(s->state);
	memset(s, 0, sizeof(*s));
}
