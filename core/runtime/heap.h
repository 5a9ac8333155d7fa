/* The Go heap as the runtime keeps it: mheap_.arenas (L1 -> L2 ->
 * heapArena), heapArena.spans[page] -> mspan, the span's allocation and
 * mark bits (gcmarkBits, and Green Tea's inline mark bits at the end of a
 * small-object page), its specials list (finalizers, cleanups, weak
 * handles...), and where the GC finds an object's pointers (heap bits at
 * the end of the span, the malloc header, span.largeType).
 *
 * Every layout and constant is read from the binary's DWARF: struct fields
 * by name (runtime.mspan, runtime.heapArena, runtime.special...), and
 * runtime.heapArenaBytes, runtime.arenaBaseOffsetUintptr, runtime._PageSize,
 * runtime._KindSpecial*, runtime._GC*, runtime.mSpanInUse... Built-in values
 * are used only where a constant is missing from DWARF, and each such
 * fallback is named in heap.c. Layouts from before Go 1.22 (the arena
 * pointer bitmap of GOEXPERIMENT=noallocheaders) are recognised and their
 * pointer maps reported as not decoded. */
#ifndef GL_HEAP_H
#define GL_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "doc/doc.h" /* transitional: the decoder still builds JSON */
#include "target/ctx.h"

/* A field of a runtime struct: offset and size (0 size: absent). */
struct gl_heap_field {
	uint64_t off, size;
};

struct gl_heap {
	struct gl_ctx *c;
	uint64_t mheap;                 /* &runtime.mheap_ */
	struct gl_heap_field h_arenas, h_allspans, h_sweepgen, h_arena_list;
	uint64_t l1_entries, l2_entries; /* of mheap_.arenas, from its type */
	uint64_t l2_bits;
	uint64_t arena_bytes, arena_base, page_size, pages_per_arena;
	uint64_t ha_spans_off;          /* heapArena.spans */
	bool arena_bitmap;              /* heapArena.bitmap: noallocheaders layout */

	uint64_t span_size;             /* sizeof(runtime.mspan) */
	struct gl_heap_field s_start, s_npages, s_freeindex, s_nelems, s_fifs, s_allocbits,
		s_markbits, s_sweepgen, s_alloccount, s_spanclass, s_state, s_elemsize, s_limit,
		s_specials, s_largetype;
	int64_t st_dead, st_inuse, st_manual;

	/* runtime.special and the kinds that carry data we show */
	uint64_t sp_size;
	struct gl_heap_field sp_next, sp_offset, sp_kind;
	struct gl_heap_field fin_fn, fin_ot, fin_fint;     /* specialfinalizer */
	struct gl_heap_field cl_fn, cl_id;                 /* specialCleanup (fn: *funcval) */
	bool cl_direct;                 /* cl_fn is the user's function (Go 1.26+) */
	struct gl_heap_field wk_handle;                    /* specialWeakHandle */
	struct gl_heap_field pin_counter;                  /* specialPinCounter */
	struct {
		int64_t value;
		char name[32];
	} kinds[24];
	int nkinds;

	/* mark bits */
	bool greentea;                  /* runtime.spanInlineMarkBits with marks */
	uint64_t imb_size, imb_marks_off;
	uint64_t gcphase_addr;
	int64_t gc_off;

	/* pointer maps */
	uint64_t min_header;            /* minSizeForMallocHeader */
	uint64_t header_size;           /* mallocHeaderSize */
	uint64_t tiny_size;             /* maxTinySize */
	struct gl_heap_field t_size, t_ptrbytes, t_tflag, t_kind, t_gcdata;
	uint64_t t_total;               /* sizeof(abi.Type) */
	uint64_t tflag_mask_on_demand;  /* 0: no such flag in this Go */
	uint64_t kind_gcprog;           /* 0: no GC programs in this Go */
	uint64_t types_base;            /* firstmoduledata.types, 0 if unknown */
};

struct gl_span {
	uint64_t addr;                  /* the mspan itself */
	uint64_t base, npages, limit, elemsize;
	uint64_t alloc_bits, mark_bits, specials, large_type;
	uint64_t nelems, freeindex, freeindex_scan, alloc_count;
	uint32_t sweepgen;
	uint8_t spanclass, state;
	int size_class;
	bool noscan;
};

/* Where an address falls in the heap's arenas. */
struct gl_heap_loc {
	bool in_arena;                  /* a heapArena is mapped for it */
	uint64_t arena_index, arena_base, heap_arena, page;
	bool has_span;                  /* heapArena.spans[page] != nil */
	bool span_ok;                   /* ... and the span covers the address */
	struct gl_span span;
};

enum gl_mark { GL_MARK_UNKNOWN, GL_MARK_UNMARKED, GL_MARK_MARKED };

struct gl_heap_object {
	uint64_t index, base, offset;   /* slot index, slot start, addr - base */
	bool in_slot;                   /* index < nelems (not the span's tail) */
	bool allocated;
	enum gl_mark mark;
	bool inline_mark;               /* Green Tea inline bits consulted */
};

struct gl_error *gl_heap_init(struct gl_ctx *c, struct gl_heap *h);

/* Arena, span and whether the span covers addr. Errors only when the
 * heap's own structures cannot be read. */
struct gl_error *gl_heap_locate(struct gl_heap *h, uint64_t addr, struct gl_heap_loc *loc);
struct gl_error *gl_heap_read_span(struct gl_heap *h, uint64_t mspan, struct gl_span *s);
/* Decode an mspan from h->span_size bytes. */
void gl_heap_decode_span(const struct gl_heap *h, uint64_t mspan, const unsigned char *b,
			 struct gl_span *s);
const char *gl_heap_state_name(const struct gl_heap *h, uint8_t state);
bool gl_heap_span_in_use(const struct gl_heap *h, const struct gl_span *s);

/* The GC phase (runtime.gcphase) and its name; false when unreadable. */
bool gl_heap_gc_phase(struct gl_heap *h, int64_t *phase, const char **name);
/* Whether a span of this elemsize keeps Green Tea inline mark bits. */
bool gl_heap_inline_marks(const struct gl_heap *h, uint64_t elemsize);

/* Slot, allocation and mark state of the object holding addr. */
struct gl_error *gl_heap_object(struct gl_heap *h, const struct gl_span *s, uint64_t addr,
				struct gl_heap_object *o);
/* Per-object state of a whole span: alloc[i], and mark[i] when the mark
 * state is known (*mark_known). Arrays of s->nelems entries. */
struct gl_error *gl_heap_span_bits(struct gl_heap *h, const struct gl_span *s, uint8_t *alloc,
				   uint8_t *mark, bool *mark_known);
const char *gl_heap_mark_name(enum gl_mark m);

/* The specials of the object in slot [lo, hi) of s, as a JSON array of
 * {kind, kind_value, offset, ...}; finalizers and cleanups carry their
 * function's name. *err says why the walk stopped early, if it did. */
json_t *gl_heap_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo, uint64_t hi,
			 struct gl_error **err);

/* Where the GC finds the pointers of the object in slot `slot`, and its
 * pointer map word by word ("H" header, "p" pointer, "." scalar) for the
 * first max_words words, as a JSON object. */
json_t *gl_heap_pointer_map(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
			    uint64_t max_words);

/* Name of the function a *funcval points to ("" if unknown). */
void gl_heap_funcval_name(struct gl_heap *h, uint64_t funcval, char *buf, size_t len);
/* Name of a runtime type descriptor (internal/abi.Type) ("" if unknown). */
void gl_heap_type_name(struct gl_heap *h, uint64_t tp, char *buf, size_t len);

#endif
