/* The collector's variables for `golayout gc`, each read by DWARF field
 * name from its runtime global; the spans are walked by gc_spans.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gcstate.h"

/* Where each counter lives. */
static const struct {
	const char *global, *field;
	bool is_signed;
} COUNTERS[GL_GC_NCOUNTERS] = {
	[GL_GC_CYCLES] = {"runtime.work", "cycles", false},
	[GL_GC_NUMGC] = {"runtime.memstats", "numgc", false},
	[GL_GC_GOGC] = {"runtime.gcController", "gcPercent", true},
	[GL_GC_MEMORY_LIMIT] = {"runtime.gcController", "memoryLimit", true},
	[GL_GC_HEAP_LIVE] = {"runtime.gcController", "heapLive", false},
	[GL_GC_HEAP_MARKED] = {"runtime.gcController", "heapMarked", false},
	[GL_GC_HEAP_SCAN] = {"runtime.gcController", "heapScan", false},
	[GL_GC_HEAP_MINIMUM] = {"runtime.gcController", "heapMinimum", false},
	[GL_GC_SWEEP_DIST_MIN_TRIGGER] = {"runtime.gcController", "sweepDistMinTrigger", false},
	[GL_GC_LAST_HEAP_GOAL] = {"runtime.gcController", "lastHeapGoal", false},
	[GL_GC_HEAP_IN_USE] = {"runtime.gcController", "heapInUse", false},
	[GL_GC_TOTAL_ALLOC] = {"runtime.gcController", "totalAlloc", false},
	[GL_GC_TOTAL_FREE] = {"runtime.gcController", "totalFree", false},
	[GL_GC_SWEEPGEN] = {"runtime.mheap_", "sweepgen", false},
};

/* A runtime global's field, read whole (at most 8 bytes). */
static bool global_field(struct gl_ctx *c, const char *global, const char *field, uint64_t *v,
			 uint64_t *size)
{
	uint64_t addr;
	struct gl_type *t;
	if (!gl_dwarf_find_global(c->t->dw, global, &addr, &t) || !t)
		return false;
	const struct gl_field *f = gl_type_field(t, field);
	if (!f) { /* anonymous structs name fields "runtime.enabled" */
		char buf[128];
		snprintf(buf, sizeof(buf), "runtime.%s", field);
		f = gl_type_field(t, buf);
	}
	if (!f || !f->type || !f->type->size)
		return false;
	uint64_t n = f->type->size > 8 ? 8 : f->type->size;
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(c->mem, addr + f->offset, b, n);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	*v = gl_get_uint(b, n);
	if (size)
		*size = n;
	return true;
}

static struct gl_gc_num counter(struct gl_ctx *c, enum gl_gc_counter k)
{
	struct gl_gc_num r = {false, 0};
	uint64_t v, n;
	if (!global_field(c, COUNTERS[k].global, COUNTERS[k].field, &v, &n))
		return r;
	if (COUNTERS[k].is_signed && n < 8 && (v >> (n * 8 - 1) & 1))
		v |= ~0ull << (n * 8);
	r.ok = true;
	r.v = (int64_t)v;
	return r;
}

/* heapGoalInternal without the memory-limit goal: the GOGC goal, raised
 * to sweepDistMinTrigger, and to triggered + 64 KiB runway during a
 * cycle. */
static void heap_goal(struct gl_ctx *c, struct gl_gc_state *st)
{
	uint64_t goal, sweep, trig;
	if (!global_field(c, "runtime.gcController", "gcPercentHeapGoal", &goal, NULL)) {
		st->goal = GL_GOAL_UNKNOWN;
		return;
	}
	if (goal == ~0ull) {
		st->goal = GL_GOAL_OFF;
		return;
	}
	st->goal = GL_GOAL_GOGC;
	if (global_field(c, "runtime.gcController", "sweepDistMinTrigger", &sweep, NULL) && sweep > goal)
		goal = sweep;
	bool have_trig = global_field(c, "runtime.gcController", "triggered", &trig, NULL);
	if (have_trig && trig != ~0ull && goal < trig + (64 << 10))
		goal = trig + (64 << 10);
	st->heap_goal = goal;
	st->triggered.ok = have_trig && trig != ~0ull;
	st->triggered.v = st->triggered.ok ? (int64_t)trig : 0;
}

struct gl_error *gl_gc_state_read(struct gl_ctx *c, struct gl_gc_state *st)
{
	memset(st, 0, sizeof(*st));
	struct gl_heap h;
	struct gl_error *err = gl_heap_init(c, &h);
	if (err)
		return err;
	st->have_heap = true;
	st->phase = gl_heap_gc_phase(&h, &st->phase_value);
	st->greentea = h.greentea;
	uint64_t v;
	if (global_field(c, "runtime.writeBarrier", "enabled", &v, NULL)) {
		st->write_barrier.ok = true;
		st->write_barrier.v = v != 0;
	}
	for (int k = 0; k < GL_GC_NCOUNTERS; k++)
		st->n[k] = counter(c, (enum gl_gc_counter)k);
	st->memory_limit_set = st->n[GL_GC_MEMORY_LIMIT].ok && st->n[GL_GC_MEMORY_LIMIT].v != INT64_MAX;
	heap_goal(c, st);
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
