/* The collector's variables for `golayout gc`, each a field of a runtime
 * global in the runtime-layout table; the spans are walked by gc_spans.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtglobals.h"
#include "runtime/allocsite.h"
#include "runtime/gcstate.h"

/* Where each counter lives: a runtime global and its field. */
static const struct {
	enum gl_rtg global;
	enum gl_rtf field;
	bool is_signed;
} COUNTERS[GL_GC_NCOUNTERS] = {
	[GL_GC_CYCLES] = {GL_RTG_WORK, GL_RTF_WORK_CYCLES, false},
	[GL_GC_NUMGC] = {GL_RTG_MEMSTATS, GL_RTF_MSTATS_NUMGC, false},
	[GL_GC_GOGC] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_GC_PERCENT, true},
	[GL_GC_MEMORY_LIMIT] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_MEMORY_LIMIT, true},
	[GL_GC_HEAP_LIVE] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_LIVE, false},
	[GL_GC_HEAP_MARKED] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_MARKED, false},
	[GL_GC_HEAP_SCAN] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_SCAN, false},
	[GL_GC_HEAP_MINIMUM] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_MINIMUM, false},
	[GL_GC_SWEEP_DIST_MIN_TRIGGER] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_SWEEP_DIST_MIN_TRIGGER, false},
	[GL_GC_LAST_HEAP_GOAL] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_LAST_HEAP_GOAL, false},
	[GL_GC_HEAP_IN_USE] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_IN_USE, false},
	[GL_GC_TOTAL_ALLOC] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_TOTAL_ALLOC, false},
	[GL_GC_TOTAL_FREE] = {GL_RTG_GC_CONTROLLER, GL_RTF_GCC_TOTAL_FREE, false},
	[GL_GC_SWEEPGEN] = {GL_RTG_MHEAP_, GL_RTF_MHEAP_SWEEPGEN, false},
};

/* A runtime global's field, read whole (at most 8 bytes), sign-extended
 * if asked. */
static bool global_field(const struct gl_heap *h, enum gl_rtg g, enum gl_rtf f, bool is_signed, uint64_t *v)
{
	struct gl_rt_global gl = gl_rt_global(h->L, g);
	uint64_t n = gl_rt_field(h->L, f).size;
	if (!gl.present || !gl_heap_read_field(h, gl.addr, f, v))
		return false;
	if (is_signed && n < 8 && (*v >> (n * 8 - 1) & 1))
		*v |= ~0ull << (n * 8);
	return true;
}

static struct gl_gc_num counter(const struct gl_heap *h, enum gl_gc_counter k)
{
	uint64_t v;
	if (!global_field(h, COUNTERS[k].global, COUNTERS[k].field, COUNTERS[k].is_signed, &v))
		return (struct gl_gc_num){false, 0};
	return (struct gl_gc_num){true, (int64_t)v};
}

/* heapGoalInternal without the memory-limit goal: the GOGC goal, raised
 * to sweepDistMinTrigger, and to triggered + 64 KiB runway during a
 * cycle. */
static void heap_goal(const struct gl_heap *h, struct gl_gc_state *st)
{
	uint64_t goal, sweep, trig;
	if (!global_field(h, GL_RTG_GC_CONTROLLER, GL_RTF_GCC_HEAP_GOAL, false, &goal)) {
		st->goal = GL_GOAL_UNKNOWN;
		return;
	}
	if (goal == ~0ull) {
		st->goal = GL_GOAL_OFF;
		return;
	}
	st->goal = GL_GOAL_GOGC;
	if (global_field(h, GL_RTG_GC_CONTROLLER, GL_RTF_GCC_SWEEP_DIST_MIN_TRIGGER, false, &sweep) && sweep > goal)
		goal = sweep;
	bool have_trig = global_field(h, GL_RTG_GC_CONTROLLER, GL_RTF_GCC_TRIGGERED, false, &trig);
	if (have_trig && trig != ~0ull && goal < trig + (64 << 10))
		goal = trig + (64 << 10);
	st->heap_goal = goal;
	st->triggered.ok = have_trig && trig != ~0ull;
	st->triggered.v = st->triggered.ok ? (int64_t)trig : 0;
}

/* How often the runtime samples allocations and how many sites it has
 * recorded (a bucket each); a list it cannot read is left out. */
static void mem_profile(struct gl_heap *h, struct gl_gc_state *st)
{
	st->mem_profile_rate.ok = gl_heap_mem_profile_rate(h, &st->mem_profile_rate.v);
	struct gl_error *err = gl_heap_count_mbuckets(h, 0, &st->mbuckets, &st->mbuckets_more);
	st->have_mbuckets = !err;
	gl_error_destroy(err);
}

/* The globals read that are absent, and why (once each, in one list). */
static void missing(const struct gl_heap *h, struct gl_gc_state *st)
{
	static const enum gl_rtg read[] = {GL_RTG_GCPHASE, GL_RTG_WRITE_BARRIER, GL_RTG_WORK,
							    GL_RTG_MEMSTATS, GL_RTG_GC_CONTROLLER,
							    GL_RTG_MEM_PROFILE_RATE, GL_RTG_MBUCKETS};
	_Static_assert(sizeof(read) / sizeof(read[0]) <= GL_GC_MAX_MISSING, "room for every global");
	for (size_t i = 0; i < sizeof(read) / sizeof(read[0]); i++) {
		enum gl_rtg g = read[i];
		if (gl_rt_global(h->L, g).present)
			continue;
		struct gl_gc_missing *m = &st->missing[st->nmissing++];
		const char *names = gl_rt_global_desc(g)->names;
		snprintf(m->global, sizeof(m->global), "%.*s", (int)strcspn(names, "|"), names);
		if (h->L->no_symbols && h->L->search.ran)
			snprintf(m->why, sizeof(m->why), "not found without a symbol table: %s",
				 h->L->search.why[g] ? h->L->search.why[g] : "no layout signature");
		else
			gl_rt_global_why(h->L, g, m->why, sizeof(m->why));
	}
}

struct gl_error *gl_gc_state_read(struct gl_ctx *c, struct gl_gc_state *st)
{
	memset(st, 0, sizeof(*st));
	struct gl_heap h;
	struct gl_error *err = gl_heap_init(c, &h);
	if (err || (err = gl_heap_started(&h)))
		return err;
	st->have_heap = true;
	st->phase = gl_heap_gc_phase(&h, &st->phase_value);
	st->greentea = h.greentea;
	uint64_t v;
	if (global_field(&h, GL_RTG_WRITE_BARRIER, GL_RTF_WRITE_BARRIER_ENABLED, false, &v)) {
		st->write_barrier.ok = true;
		st->write_barrier.v = v != 0;
	}
	for (int k = 0; k < GL_GC_NCOUNTERS; k++)
		st->n[k] = counter(&h, (enum gl_gc_counter)k);
	st->memory_limit_set = st->n[GL_GC_MEMORY_LIMIT].ok && st->n[GL_GC_MEMORY_LIMIT].v != INT64_MAX;
	heap_goal(&h, st);
	mem_profile(&h, st);
	missing(&h, st);
	st->arena_bytes = h.arena_bytes;
	st->cell_bytes = h.arena_bytes / GL_GC_CELLS;
	return gl_gc_walk_spans(&h, st);
}

void gl_gc_state_deinit(struct gl_gc_state *st)
{
	free(st->arenas);
	st->arenas = NULL;
	st->narenas = 0;
}

double gl_gc_class_fragmentation(const struct gl_gc_class *r)
{
	double frag = r->bytes_spans ? 100.0 * (double)(r->bytes_spans - r->bytes_used) / (double)r->bytes_spans
				     : 0;
	return round(frag * 10) / 10;
}
