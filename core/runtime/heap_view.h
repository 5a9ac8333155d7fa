/* What `golayout heap ADDR` shows of an address in the Go heap: the
 * collector's phase, the arena, the span, the object's slot with its
 * allocation and mark state, its pointer map and specials, and (--span)
 * every slot of the span. Filled as far as the heap could be read. */
#ifndef GL_HEAP_VIEW_H
#define GL_HEAP_VIEW_H

#include "runtime/allocsite.h"
#include "runtime/heap.h"

/* How far into the heap the address was followed. */
enum gl_heap_place {
	GL_PLACE_NONE,          /* not in an arena (or the heap could not be read) */
	GL_PLACE_FREE_PAGE,     /* an arena page no span owns */
	GL_PLACE_STALE_SPAN,    /* spans[] names a span that does not cover it */
	GL_PLACE_IDLE_SPAN,     /* a span that holds no Go objects (manual, dead) */
	GL_PLACE_SPAN,          /* an in-use span; its slot could not be read */
	GL_PLACE_TAIL,          /* the span's tail after the last slot */
	GL_PLACE_OBJECT,        /* a slot */
};

/* mspan.sweepgen against mheap_.sweepgen (mheap.go). */
enum gl_sweep {
	GL_SWEEP_NONE,          /* not known (not an in-use span, or unreadable) */
	GL_SWEEP_NEEDED,
	GL_SWEEP_BEING,
	GL_SWEEP_DONE,
	GL_SWEEP_CACHED_NEEDED,
	GL_SWEEP_CACHED_DONE,
	GL_SWEEP_UNKNOWN_GEN,
};

enum gl_alloc_by { GL_ALLOC_BY_FREEINDEX, GL_ALLOC_BY_ALLOCBITS };

enum gl_mark_source {
	GL_MARKSRC_NO_PHASE,    /* runtime.gcphase unreadable */
	GL_MARKSRC_NO_CYCLE,
	GL_MARKSRC_MARKBITS,
	GL_MARKSRC_MARKBITS_INLINE, /* gcmarkBits | Green Tea's inline bits */
};

struct gl_heap_view {
	uint64_t addr;
	bool have_heap;                 /* the heap's layout was read: phase, collector */
	bool greentea;
	enum gl_gc_phase phase;
	int64_t phase_value;
	struct gl_heap_loc loc;         /* loc.in_arena: the arena is known */
	enum gl_heap_place place;
	bool in_heap;                   /* Go objects' memory, not a manual span */
	/* place >= GL_PLACE_IDLE_SPAN: loc.span and */
	uint64_t span_end;
	enum gl_sweep sweep;
	bool inline_marks;
	bool tiny_known, tiny;          /* a noscan span of the tiny size class */
	/* GL_PLACE_OBJECT */
	struct gl_heap_object obj;
	uint64_t obj_end, data;         /* data: after the malloc header, if any */
	bool header;
	enum gl_alloc_by alloc_by;
	enum gl_mark_source mark_source;
	bool has_ptrmap;
	struct gl_ptrmap ptrmap;
	struct gl_specials specials;
	/* where it was allocated (memory profile): site is NULL when the
	 * object has no profile special (not sampled), or site_err says why
	 * it could not be looked up */
	const struct gl_alloc_site *site;
	struct gl_error *site_err;
	struct gl_allocsites *sites;    /* owns site */
	bool has_rate, has_disabled;    /* runtime.MemProfileRate, disableMemoryProfiling */
	int64_t mem_profile_rate;
	bool mem_profile_disabled;
	bool has_slots;                 /* --span */
	struct gl_span_slots slots;
};

/* Follow addr into the heap; max_words of the pointer map are kept, and
 * with span every slot of the span. What was decoded stays in *v even on
 * error. */
struct gl_error *gl_heap_examine(struct gl_ctx *c, uint64_t addr, uint64_t max_words, bool span,
				 struct gl_heap_view *v);
void gl_heap_view_deinit(struct gl_heap_view *v);

/* Why a place shows no object ("free page: no span owns it"...), or NULL. */
const char *gl_heap_place_note(const struct gl_heap_view *v);
const char *gl_sweep_name(enum gl_sweep s);
const char *gl_alloc_by_name(enum gl_alloc_by a);
const char *gl_mark_source_name(enum gl_mark_source m);

#endif
