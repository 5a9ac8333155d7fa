/* Where the GC finds an object's pointers, and its pointer map word by
 * word: heap bits at the end of a small-object span, the type in the
 * malloc header, span.largeType, or none (noscan). */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "runtime/heap.h"

#define MAX_MASK_BYTES (1u << 20) /* a type's GC mask we read at most */
#define MAX_BITMAP_BYTES (64u << 10)
#define MAX_COUNT_WORDS (1u << 24)

const char *gl_ptrmap_source_name(enum gl_ptrmap_source s)
{
	static const char *const names[] = {
		[GL_PTRMAP_NOSCAN] = "noscan span: no pointers",
		[GL_PTRMAP_ARENA_BITMAP] = "heap arena bitmap (noallocheaders layout)",
		[GL_PTRMAP_SPAN_BITS] = "heap bits at the end of the span",
		[GL_PTRMAP_HEADER] = "malloc header",
		[GL_PTRMAP_LARGE_TYPE] = "span.largeType",
	};
	return GL_NAME_OF(names, s, "unknown");
}

static void set_note(struct gl_ptrmap *pm, enum gl_ptrmap_note n, uint64_t a, uint64_t b)
{
	pm->note = n;
	pm->note_a = a;
	pm->note_b = b;
}

/* Word i of the map (i < counted) is a pointer. */
static void mark_pointer(struct gl_ptrmap *pm, uint64_t i)
{
	pm->pointers++;
	if (i < pm->shown)
		pm->bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

/* The GC mask of a type descriptor: a bit for each of its PtrBytes/ptr words. NULL
 * *mask without an error: pm->note says why. */
struct gl_error *gl_heap_type_mask(struct gl_heap *h, uint64_t tp, struct gl_ptrmap *pm,
				   unsigned char **mask)
{
	*mask = NULL;
	unsigned char b[256];
	const struct gl_rtlayout *L = h->L;
	if (!h->t_total || h->t_total > sizeof(b) || !gl_rt_have(L, GL_RTF_ABI_TYPE_GCDATA, GL_RTF_ABI_TYPE_PTRBYTES))
		return gl_error_create(GL_ERR_NODWARF, "no internal/abi.Type layout in DWARF");
	struct gl_error *err = gl_mem_read(h->c->mem, tp, b, h->t_total);
	if (err)
		return gl_error_wrap(err, "reading the type descriptor at 0x%llx", (unsigned long long)tp);
	uint64_t size = gl_rt_get(L, GL_RTF_ABI_TYPE_SIZE, b), ptrbytes = gl_rt_get(L, GL_RTF_ABI_TYPE_PTRBYTES, b);
	uint64_t tflag = gl_rt_get(L, GL_RTF_ABI_TYPE_TFLAG, b), kind = gl_rt_get(L, GL_RTF_ABI_TYPE_KIND, b),
		 gcdata = gl_rt_get(L, GL_RTF_ABI_TYPE_GCDATA, b);
	/* flags of other releases are 0: they match no type */
	uint64_t gcprog = gl_rt_has_const(L, GL_RTC_KIND_GCPROG) ? (uint64_t)gl_rt_const(L, GL_RTC_KIND_GCPROG) : 0;
	uint64_t on_demand = gl_rt_has_const(L, GL_RTC_TFLAG_GC_MASK_ON_DEMAND)
				     ? (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_GC_MASK_ON_DEMAND)
				     : 0;
	pm->type_size = size;
	pm->type_ptrbytes = ptrbytes;
	if (kind & gcprog) {
		set_note(pm, GL_PTRMAP_NOTE_GCPROG, 0, 0);
		return NULL;
	}
	if (tflag & on_demand) {
		uint64_t m;
		if ((err = gl_heap_read_word(h, gcdata, &m)))
			return gl_error_wrap(err, "reading the GC mask slot of the type at 0x%llx",
					     (unsigned long long)tp);
		if (!m) {
			set_note(pm, GL_PTRMAP_NOTE_MASK_NOT_BUILT, 0, 0);
			return NULL;
		}
		gcdata = m;
	}
	if (ptrbytes > size || (size && ptrbytes % h->ptr)) {
		set_note(pm, GL_PTRMAP_NOTE_IMPLAUSIBLE, size, ptrbytes);
		return NULL;
	}
	uint64_t nb = (ptrbytes / h->ptr + 7) / 8;
	if (nb > MAX_MASK_BYTES) {
		set_note(pm, GL_PTRMAP_NOTE_MASK_TOO_BIG, nb, 0);
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

/* Heap bits at the end of the span (spanHeapBitsRange), read in one piece. */
static void span_heap_bits(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
			   struct gl_ptrmap *pm)
{
	/* a bit per pointer word */
	uint64_t span_bytes = s->npages * h->page_size, nb = span_bytes / h->ptr / 8;
	uint64_t hb = s->base + span_bytes - nb;
	if (gl_heap_inline_marks(h, s->elemsize))
		hb -= h->imb_size;
	pm->bitmap = hb;
	unsigned char *bits = nb <= MAX_BITMAP_BYTES ? malloc(nb) : NULL;
	struct gl_error *err;
	if (!bits) {
		set_note(pm, GL_PTRMAP_NOTE_BITMAP_TOO_BIG, nb, 0);
	} else if ((err = gl_mem_read(h->c->mem, hb, bits, nb))) {
		pm->err = gl_error_wrap(err, "reading the span's heap bits");
	} else {
		uint64_t w0 = (slot - s->base) / h->ptr;
		for (uint64_t i = 0; i < pm->counted; i++) {
			uint64_t w = w0 + i;
			if (w / 8 < nb && (bits[w / 8] >> (w % 8) & 1))
				mark_pointer(pm, i);
		}
		pm->decoded = true;
	}
	free(bits);
}

/* The type in the malloc header (small objects) or span.largeType, its
 * mask tiled every Size_ bytes over the slot, as typePointers does. */
static struct gl_error *typed(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
			      struct gl_ptrmap *pm)
{
	uint64_t tp = 0, data = slot;
	struct gl_error *err = NULL;
	if (pm->source == GL_PTRMAP_HEADER) {
		err = gl_heap_read_word(h, slot, &tp);
		if (err)
			err = gl_error_wrap(err, "reading the malloc header at 0x%llx", (unsigned long long)slot);
		data = slot + (uint64_t)gl_heap_const(h, GL_RTC_MALLOC_HEADER_SIZE);
		pm->header_word = true;
		pm->header = slot;
	} else {
		tp = s->large_type;
	}
	if (!err && !tp) {
		set_note(pm, GL_PTRMAP_NOTE_NO_TYPE, 0, 0);
	} else if (!err) {
		pm->has_type = true;
		pm->type_descriptor = tp;
		gl_heap_type_name(h, tp, pm->type, sizeof(pm->type));
		unsigned char *mask = NULL;
		err = gl_heap_type_mask(h, tp, pm, &mask);
		pm->has_type_size = !err;
		if (err == &gl_error_nomem)
			return err;
		if (!err && mask) {
			uint64_t tw = pm->type_size / h->ptr, pw = pm->type_ptrbytes / h->ptr,
				 first = (data - slot) / h->ptr;
			for (uint64_t i = first; tw && i < pm->counted; i++) {
				uint64_t e = (i - first) % tw;
				if (e < pw && (mask[e / 8] >> (e % 8) & 1))
					mark_pointer(pm, i);
			}
			pm->decoded = true;
		}
		free(mask);
	}
	pm->err = err;
	return NULL;
}

struct gl_error *gl_heap_pointer_map(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
				     uint64_t max_words, struct gl_ptrmap *pm)
{
	memset(pm, 0, sizeof(*pm));
	uint64_t words = s->elemsize / h->ptr;
	pm->words = words;
	pm->shown = words < max_words ? words : max_words;
	/* pointers are counted over at most MAX_COUNT_WORDS words */
	pm->counted = words < MAX_COUNT_WORDS ? words : MAX_COUNT_WORDS;
	if (pm->counted < pm->shown)
		pm->counted = pm->shown;
	pm->bits = calloc(pm->shown / 8 + 1, 1);
	if (!pm->bits)
		return &gl_error_nomem;
	if (s->noscan) {
		pm->source = GL_PTRMAP_NOSCAN;
		pm->decoded = true;
		pm->counted = words;
	} else if (h->arena_bitmap) {
		pm->source = GL_PTRMAP_ARENA_BITMAP;
		set_note(pm, GL_PTRMAP_NOTE_ARENA_BITMAP, 0, 0);
	} else if (s->elemsize <= (uint64_t)gl_heap_const(h, GL_RTC_MIN_SIZE_FOR_MALLOC_HEADER) &&
		   s->size_class != 0) {
		pm->source = GL_PTRMAP_SPAN_BITS;
		span_heap_bits(h, s, slot, pm);
	} else {
		pm->source = s->size_class != 0 ? GL_PTRMAP_HEADER : GL_PTRMAP_LARGE_TYPE;
		return typed(h, s, slot, pm);
	}
	return NULL;
}

void gl_ptrmap_deinit(struct gl_ptrmap *pm)
{
	free(pm->bits);
	gl_error_destroy(pm->err);
	memset(pm, 0, sizeof(*pm));
}
