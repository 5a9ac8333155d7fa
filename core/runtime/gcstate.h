/* The collector's state for `golayout gc`: phase, write barrier, cycle
 * counts, GOGC, memory limit and heap goal (fields of runtime.gcController,
 * runtime.work, runtime.memstats... in the runtime-layout table), every span of
 * mheap_.allspans summed by state and per size class, and how full each
 * heap arena is (a heat map). A typed model: doc/gc_doc.c spells it as
 * JSON, render/gc_text.c as text. */
#ifndef GL_GCSTATE_H
#define GL_GCSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotypes/sizeclass.h"
#include "runtime/heap.h"

/* A runtime variable that may be missing or unreadable. */
struct gl_gc_num {
	bool ok;
	int64_t v;
};

/* The runtime's counters golayout shows, in the order documents list them. */
enum gl_gc_counter {
	GL_GC_CYCLES,           /* work.cycles */
	GL_GC_NUMGC,            /* memstats.numgc */
	GL_GC_GOGC,             /* gcController.gcPercent (signed) */
	GL_GC_MEMORY_LIMIT,     /* gcController.memoryLimit (signed) */
	GL_GC_HEAP_LIVE,
	GL_GC_HEAP_MARKED,
	GL_GC_HEAP_SCAN,
	GL_GC_HEAP_MINIMUM,
	GL_GC_SWEEP_DIST_MIN_TRIGGER,
	GL_GC_LAST_HEAP_GOAL,
	GL_GC_HEAP_IN_USE,
	GL_GC_TOTAL_ALLOC,
	GL_GC_TOTAL_FREE,
	GL_GC_SWEEPGEN,         /* mheap_.sweepgen */
	GL_GC_NCOUNTERS,
};

/* How the heap goal was found. */
enum gl_gc_goal {
	GL_GOAL_UNKNOWN,        /* no gcController.gcPercentHeapGoal */
	GL_GOAL_OFF,            /* GOGC=off: no GOGC goal */
	GL_GOAL_GOGC,           /* the GOGC goal, at least sweepDistMinTrigger and triggered + 64 KiB */
};

struct gl_gc_spans {
	uint64_t allspans;      /* mheap_.allspans' length */
	uint64_t in_use, manual, dead, in_use_bytes, manual_bytes, objects, object_bytes;
	uint64_t unreadable, inconsistent;
};

struct gl_gc_class {
	int size_class;         /* 0: large objects */
	uint64_t size;          /* the class's slot size (0 for large objects) */
	uint64_t spans, pages, objects, slots, bytes_used, bytes_spans;
};

#define GL_GC_CELLS 64          /* heat map cells per arena */
#define GL_GC_MAX_MISSING 8     /* globals golayout gc reads besides mheap_ */

/* A heat map cell: 0..9 tenths of the cell in allocated slots, or: */
enum { GL_HEAT_FULL = 10, GL_HEAT_MANUAL = 11, GL_HEAT_NONE = 12 };

struct gl_gc_arena {
	uint64_t index, base;
	uint8_t heat[GL_GC_CELLS];
};

struct gl_gc_state {
	bool have_heap;             /* the heap's layout was read: all below */
	enum gl_gc_phase phase;
	int64_t phase_value;
	bool greentea;
	struct gl_gc_num write_barrier; /* runtime.writeBarrier.enabled */
	struct gl_gc_num n[GL_GC_NCOUNTERS];
	bool memory_limit_set;
	enum gl_gc_goal goal;
	uint64_t heap_goal;
	struct gl_gc_num triggered; /* GL_GOAL_GOGC: gcController.triggered, if a cycle was */
	/* the memory profile: runtime.MemProfileRate and its buckets
	 * (runtime.mbuckets), each allocation site one */
	struct gl_gc_num mem_profile_rate;
	bool have_mbuckets, mbuckets_more;
	uint64_t mbuckets;
	bool have_spans;            /* allspans was read */
	struct gl_gc_spans spans;
	struct gl_gc_class classes[GL_MAX_SIZE_CLASSES]; /* large objects last */
	int nclasses;
	uint64_t arena_bytes, cell_bytes;
	struct gl_gc_arena *arenas;  /* mheap_.heapArenas, sorted */
	size_t narenas;
	/* The runtime globals the figures above come from that could not be
	 * found (no symbol table: gotypes/rtglobals.h), each with why; their
	 * figures are unknown. */
	struct gl_gc_missing {
		char global[48];
		char why[256];
	} missing[GL_GC_MAX_MISSING];
	int nmissing;
};

/* Read it all; what was read stays in *st even on error. */
struct gl_error *gl_gc_state_read(struct gl_ctx *c, struct gl_gc_state *st);
void gl_gc_state_deinit(struct gl_gc_state *st);
/* Percent of the class's span bytes not in allocated slots, to a tenth. */
double gl_gc_class_fragmentation(const struct gl_gc_class *r);

/* The allspans walk (gc_spans.c): spans by state, size classes, heat map. */
struct gl_error *gl_gc_walk_spans(struct gl_heap *h, struct gl_gc_state *st);
/* GL_ERR_NOTREADY while mheap_ has no span yet: stopped before the
 * runtime's schedinit (at the entry point), its figures mean nothing. */
struct gl_error *gl_heap_started(struct gl_heap *h);
/* mheap_.allspans' mspan pointers, sorted, without nils and duplicates
 * (*ptrs to free; at most 2^24 of *total read: GL_ERR_LIMIT then). */
struct gl_error *gl_heap_allspans(struct gl_heap *h, uint64_t **ptrs, size_t *count, uint64_t *total);
/* Read the mspans at the sorted addresses ptrs[0..n) in runs (bulk
 * reads), fn called for each; those unreadable counted in *unreadable. */
struct gl_error *gl_heap_read_spans(struct gl_heap *h, const uint64_t *ptrs, size_t n,
				    void (*fn)(void *arg, const struct gl_span *s), void *arg,
				    uint64_t *unreadable);

#endif
