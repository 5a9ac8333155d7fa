/* The Go heap as the runtime keeps it: mheap_.arenas (L1 -> L2 ->
 * heapArena), heapArena.spans[page] -> mspan, the span's allocation and
 * mark bits (gcmarkBits, and Green Tea's inline mark bits at the end of a
 * small-object page), its specials list (finalizers, cleanups, weak
 * handles...), and where the GC finds an object's pointers (heap bits at
 * the end of the span, the malloc header, span.largeType).
 *
 * Every layout and constant comes from the runtime-layout table
 * (gotypes/rtlayout.def, loaded from the binary's DWARF); heap_layout.c
 * only checks what relates several entries (the arena geometry, Green
 * Tea's marks). The arena pointer bitmap of GOEXPERIMENT=noallocheaders
 * (Go 1.22) is recognised and its pointer maps reported as not decoded.
 *
 * A typed model: decoders fill the structs below; doc/heap_doc.c spells
 * them as JSON and render/heap_text.c as text. */
#ifndef GL_HEAP_H
#define GL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/le.h"
#include "gotypes/rtlayout.h"
#include "target/ctx.h"

/* What golayout derives from the runtime-layout table for the heap
 * (heap_layout.c); offsets and constants are read from h->L where used. */
struct gl_heap {
	struct gl_ctx *c;
	const struct gl_rtlayout *L;
	unsigned ptr;                   /* the target's pointer size */
	uint64_t mheap;                 /* &runtime.mheap_ */
	uint64_t l1_entries, l2_entries; /* of mheap_.arenas, from its type */
	uint64_t l2_bits;
	uint64_t arena_bytes, arena_base, page_size, pages_per_arena;
	bool arena_bitmap;              /* heapArena.bitmap: noallocheaders layout */
	uint64_t span_size;             /* sizeof(runtime.mspan) */
	uint64_t sp_size;               /* sizeof(runtime.special), 0: no specials */
	bool cl_direct;                 /* specialCleanup's fn is the user's function (Go 1.26+) */
	bool greentea;                  /* runtime.spanInlineMarkBits with marks */
	uint64_t imb_size, imb_marks_off;
	uint64_t t_total;               /* sizeof(abi.Type), 0: unknown */
	uint64_t types_base;            /* firstmoduledata.types, 0 if unknown */
};

/* A constant of the table. */
static inline int64_t gl_heap_const(const struct gl_heap *h, enum gl_rtc k)
{
	return gl_rt_const(h->L, k);
}

/* A pointer-sized word of the target at addr. */
struct gl_error *gl_heap_read_word(const struct gl_heap *h, uint64_t addr, uint64_t *v);
/* n pointer-sized words at addr into out[0..n). */
struct gl_error *gl_heap_read_words(const struct gl_heap *h, uint64_t addr, uint64_t n, uint64_t *out);
/* Field f of the struct at addr, read whole (at most 8 bytes); false when
 * absent or unreadable. */
bool gl_heap_read_field(const struct gl_heap *h, uint64_t addr, enum gl_rtf f, uint64_t *v);

/* ---- spans ---------------------------------------------------------------- */

/* mspan.state as golayout tells it apart (the runtime's values vary). */
enum gl_span_state { GL_SPAN_INVALID, GL_SPAN_DEAD, GL_SPAN_INUSE, GL_SPAN_MANUAL };

struct gl_span {
	uint64_t addr;                  /* the mspan itself */
	uint64_t base, npages, limit, elemsize;
	uint64_t alloc_bits, mark_bits, specials, large_type;
	uint64_t nelems, freeindex, freeindex_scan, alloc_count;
	uint32_t sweepgen;
	uint8_t spanclass, state;       /* state: the runtime's value */
	enum gl_span_state kind;        /* ... and what it means */
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

/* One slot of a span (--span). */
enum gl_heap_slot_state {
	GL_HSLOT_FREE,
	GL_HSLOT_ALLOCATED,              /* mark state unknown (no cycle running) */
	GL_HSLOT_MARKED,                 /* allocated and marked */
	GL_HSLOT_UNMARKED,               /* allocated, not marked */
	GL_HSLOT_FREE_MARKED,
};

struct gl_span_slots {
	uint64_t n;
	uint8_t *state;                 /* n enum gl_heap_slot_state values */
	bool mark_known;
	uint64_t allocated, marked;
};

/* runtime.gcphase */
enum gl_gc_phase { GL_GC_UNKNOWN, GL_GC_OFF, GL_GC_MARK, GL_GC_MARKTERM, GL_GC_INVALID };

struct gl_error *gl_heap_init(struct gl_ctx *c, struct gl_heap *h);

/* Arena, span and whether the span covers addr. Errors only when the
 * heap's own structures cannot be read. */
struct gl_error *gl_heap_locate(struct gl_heap *h, uint64_t addr, struct gl_heap_loc *loc);
struct gl_error *gl_heap_read_span(struct gl_heap *h, uint64_t mspan, struct gl_span *s);
/* Decode an mspan from h->span_size bytes. */
void gl_heap_decode_span(const struct gl_heap *h, uint64_t mspan, const unsigned char *b,
			 struct gl_span *s);
const char *gl_span_state_name(enum gl_span_state k);
const char *gl_heap_state_name(const struct gl_heap *h, uint8_t state);
bool gl_heap_span_in_use(const struct gl_heap *h, const struct gl_span *s);
/* A span whose numbers are consistent enough to index objects with. */
bool gl_heap_span_sane(const struct gl_heap *h, const struct gl_span *s);

/* The GC phase (runtime.gcphase) and its raw value; GL_GC_UNKNOWN when
 * unreadable. */
enum gl_gc_phase gl_heap_gc_phase(struct gl_heap *h, int64_t *value);
const char *gl_gc_phase_name(enum gl_gc_phase p);
/* Whether a span of this elemsize keeps Green Tea inline mark bits. */
bool gl_heap_inline_marks(const struct gl_heap *h, uint64_t elemsize);

/* Slot, allocation and mark state of the object holding addr. */
struct gl_error *gl_heap_object(struct gl_heap *h, const struct gl_span *s, uint64_t addr,
				struct gl_heap_object *o);
/* Every slot of an in-use span: allocBits and gcmarkBits each read once. */
struct gl_error *gl_heap_span_slots(struct gl_heap *h, const struct gl_span *s,
				    struct gl_span_slots *out);
void gl_span_slots_deinit(struct gl_span_slots *s);
const char *gl_heap_mark_name(enum gl_mark m);

/* ---- specials ------------------------------------------------------------- */

/* The special kinds golayout shows details of; any other kind keeps the
 * runtime's value and its name from DWARF (GL_SPECIAL_OTHER). */
enum gl_special_kind {
	GL_SPECIAL_UNKNOWN,             /* a value DWARF names no constant for */
	GL_SPECIAL_OTHER,
	GL_SPECIAL_FINALIZER,
	GL_SPECIAL_CLEANUP,
	GL_SPECIAL_WEAK_HANDLE,
	GL_SPECIAL_PIN_COUNTER,
	GL_SPECIAL_PROFILE,             /* memory profile: the allocation site's bucket */
};

#define GL_HEAP_NAME 256

struct gl_special {
	uint64_t addr;                  /* the special record */
	enum gl_special_kind kind;
	int64_t value;                  /* the runtime's _KindSpecial* value */
	char name[32];                  /* "finalizer", "weak_handle"... ("unknown") */
	uint64_t offset;                /* from the object's slot */
	/* finalizer and cleanup: the *funcval and its function's name */
	bool has_funcval;
	uint64_t funcval;
	char function[GL_HEAP_NAME];
	char wrapper[GL_HEAP_NAME];     /* cleanup (Go 1.24-1.25): AddCleanup's closure, "" if none */
	char arg_type[GL_HEAP_NAME], object_type[GL_HEAP_NAME]; /* finalizer, "" if unknown */
	bool has_id;                    /* cleanup */
	uint64_t id;
	bool has_handle, has_points_to; /* weak handle */
	uint64_t handle, points_to;
	bool has_counter;               /* pin counter */
	uint64_t counter;
	bool has_bucket;                /* profile: runtime.bucket of the allocation site */
	uint64_t bucket;
};

struct gl_specials {
	struct gl_special *v;
	size_t n, cap;
};

/* The specials of the object in slot [lo, hi) of s, appended to *out.
 * Returns why the walk stopped early, if it did (what was read stays). */
struct gl_error *gl_heap_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo,
				  uint64_t hi, struct gl_specials *out);
void gl_specials_deinit(struct gl_specials *l);
/* Called for each special record rec of an object: `at` is the address it
 * is for (span base + its offset), kind the runtime's _KindSpecial*
 * value. A non-NULL return stops the walk and is its result. */
typedef struct gl_error *(*gl_special_visit)(struct gl_heap *h, uint64_t rec, uint64_t at, int64_t kind,
					      void *arg);
/* The specials of span s for addresses in [lo, hi), in the list's order
 * (by offset), bounded, with cycle and order checks. */
struct gl_error *gl_heap_walk_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo,
				       uint64_t hi, gl_special_visit visit, void *arg);

/* ---- pointer maps ----------------------------------------------------------- */

/* Where the GC finds an object's pointers. */
enum gl_ptrmap_source {
	GL_PTRMAP_NOSCAN,               /* a noscan span: none */
	GL_PTRMAP_ARENA_BITMAP,         /* pre-Go 1.22 arena bitmap: not decoded */
	GL_PTRMAP_SPAN_BITS,            /* heap bits at the end of the span */
	GL_PTRMAP_HEADER,               /* the malloc header's type */
	GL_PTRMAP_LARGE_TYPE,           /* span.largeType */
};

/* Why a pointer map was not decoded (besides a read error). */
enum gl_ptrmap_note {
	GL_PTRMAP_NOTE_NONE,
	GL_PTRMAP_NOTE_ARENA_BITMAP,
	GL_PTRMAP_NOTE_BITMAP_TOO_BIG,  /* a: bitmap bytes */
	GL_PTRMAP_NOTE_NO_TYPE,
	GL_PTRMAP_NOTE_GCPROG,
	GL_PTRMAP_NOTE_MASK_NOT_BUILT,
	GL_PTRMAP_NOTE_IMPLAUSIBLE,     /* a: size, b: ptrbytes */
	GL_PTRMAP_NOTE_MASK_TOO_BIG,    /* a: mask bytes */
};

struct gl_ptrmap {
	enum gl_ptrmap_source source;
	uint64_t words;                 /* elemsize / ptr size */
	bool decoded;
	uint64_t shown, counted, pointers; /* when decoded */
	unsigned char *bits;            /* shown bits, word i a pointer (LSB first) */
	bool header_word;               /* word 0 is the malloc header */
	uint64_t bitmap;                /* SPAN_BITS: the heap bits' address */
	uint64_t header;                /* HEADER: the header's address */
	bool has_type;                  /* HEADER, LARGE_TYPE: a type descriptor */
	uint64_t type_descriptor;
	char type[GL_HEAP_NAME];        /* "" if unknown */
	bool has_type_size;
	uint64_t type_size, type_ptrbytes;
	enum gl_ptrmap_note note;
	uint64_t note_a, note_b;
	struct gl_error *err;           /* not decoded because a read failed */
};

/* The pointer map of the object in slot `slot`, word by word for the
 * first max_words words. */
struct gl_error *gl_heap_pointer_map(struct gl_heap *h, const struct gl_span *s, uint64_t slot,
				     uint64_t max_words, struct gl_ptrmap *pm);
void gl_ptrmap_deinit(struct gl_ptrmap *pm);
static inline bool gl_ptrmap_is_pointer(const struct gl_ptrmap *pm, uint64_t i)
{
	return pm->bits && i < pm->shown && (pm->bits[i / 8] >> (i % 8) & 1);
}
const char *gl_ptrmap_source_name(enum gl_ptrmap_source s);
/* The GC mask of the type descriptor at tp: a bit per word of its
 * PtrBytes (pm->type_size and type_ptrbytes set). NULL *mask without an
 * error: pm->note says why. */
struct gl_error *gl_heap_type_mask(struct gl_heap *h, uint64_t tp, struct gl_ptrmap *pm,
				   unsigned char **mask);

/* ---- names ------------------------------------------------------------------- */

/* Name of the function a *funcval points to ("" if unknown). */
void gl_heap_funcval_name(struct gl_heap *h, uint64_t funcval, char *buf, size_t len);
/* Name of a runtime type descriptor (internal/abi.Type) ("" if unknown). */
void gl_heap_type_name(struct gl_heap *h, uint64_t tp, char *buf, size_t len);

#endif
