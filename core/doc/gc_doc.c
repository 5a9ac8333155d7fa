/* `golayout gc` as a document: the keys and their order are those of the
 * golayout/1 schema (jansson keeps insertion order). */
#include <stddef.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/gc_doc.h"

const char gl_gc_heat_legend[] = "' ' no span, s stacks/manual spans only, "
				 "0-9 tenths of the cell in allocated slots, # full";

/* The counters' keys, in enum gl_gc_counter's order. */
static const char *const COUNTER_KEYS[GL_GC_NCOUNTERS] = {
	[GL_GC_CYCLES] = "cycles",
	[GL_GC_NUMGC] = "numgc",
	[GL_GC_GOGC] = "gogc",
	[GL_GC_MEMORY_LIMIT] = "memory_limit",
	[GL_GC_HEAP_LIVE] = "heap_live",
	[GL_GC_HEAP_MARKED] = "heap_marked",
	[GL_GC_HEAP_SCAN] = "heap_scan",
	[GL_GC_HEAP_MINIMUM] = "heap_minimum",
	[GL_GC_SWEEP_DIST_MIN_TRIGGER] = "sweep_dist_min_trigger",
	[GL_GC_LAST_HEAP_GOAL] = "last_heap_goal",
	[GL_GC_HEAP_IN_USE] = "heap_in_use",
	[GL_GC_TOTAL_ALLOC] = "total_alloc",
	[GL_GC_TOTAL_FREE] = "total_free",
	[GL_GC_SWEEPGEN] = "sweepgen",
};

void gl_gc_heat_cells(const struct gl_gc_arena *a, char out[GL_GC_CELLS + 1])
{
	for (int i = 0; i < GL_GC_CELLS; i++) {
		uint8_t v = a->heat[i];
		out[i] = v == GL_HEAT_NONE ? ' ' : v == GL_HEAT_MANUAL ? 's' : v == GL_HEAT_FULL ? '#' : (char)('0' + v);
	}
	out[GL_GC_CELLS] = '\0';
}

static json_t *num(struct gl_gc_num n)
{
	return n.ok ? json_integer((json_int_t)n.v) : json_null();
}

/* The span counts' keys, in the schema's order. */
static const struct {
	const char *key;
	size_t at;
} SPAN_KEYS[] = {
	{"allspans", offsetof(struct gl_gc_spans, allspans)},
	{"in_use", offsetof(struct gl_gc_spans, in_use)},
	{"manual", offsetof(struct gl_gc_spans, manual)},
	{"dead", offsetof(struct gl_gc_spans, dead)},
	{"in_use_bytes", offsetof(struct gl_gc_spans, in_use_bytes)},
	{"manual_bytes", offsetof(struct gl_gc_spans, manual_bytes)},
	{"objects", offsetof(struct gl_gc_spans, objects)},
	{"object_bytes", offsetof(struct gl_gc_spans, object_bytes)},
	{"unreadable", offsetof(struct gl_gc_spans, unreadable)},
	{"inconsistent", offsetof(struct gl_gc_spans, inconsistent)},
};

static json_t *spans_json(const struct gl_gc_spans *s)
{
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(SPAN_KEYS) / sizeof(SPAN_KEYS[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)s + SPAN_KEYS[i].at, sizeof(v));
		gl_json_set_uint(o, SPAN_KEYS[i].key, v);
	}
	return o;
}

static json_t *classes_json(const struct gl_gc_state *st)
{
	json_t *arr = json_array();
	for (int i = 0; i < st->nclasses; i++) {
		const struct gl_gc_class *r = &st->classes[i];
		json_t *o = json_object();
		json_object_set_new(o, "size_class", json_integer(r->size_class));
		json_object_set_new(o, "size", r->size_class ? json_integer((json_int_t)r->size) : json_null());
		gl_json_set_uint(o, "spans", r->spans);
		gl_json_set_uint(o, "pages", r->pages);
		gl_json_set_uint(o, "objects", r->objects);
		gl_json_set_uint(o, "slots", r->slots);
		gl_json_set_uint(o, "bytes_used", r->bytes_used);
		gl_json_set_uint(o, "bytes_spans", r->bytes_spans);
		json_object_set_new(o, "fragmentation", json_real(gl_gc_class_fragmentation(r)));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *heat_json(const struct gl_gc_state *st)
{
	json_t *o = json_object(), *rows = json_array();
	gl_json_set_uint(o, "cell_bytes", st->cell_bytes);
	gl_json_set_uint(o, "arena_bytes", st->arena_bytes);
	json_object_set_new(o, "legend", json_string(gl_gc_heat_legend));
	for (size_t r = 0; r < st->narenas; r++) {
		char line[GL_GC_CELLS + 1];
		gl_gc_heat_cells(&st->arenas[r], line);
		json_t *a = json_object();
		gl_json_set_uint(a, "index", st->arenas[r].index);
		gl_json_set_addr(a, "base", st->arenas[r].base);
		json_object_set_new(a, "cells", json_string(line));
		json_array_append_new(rows, a);
	}
	json_object_set_new(o, "arenas", rows);
	return o;
}

static void goal_json(json_t *d, const struct gl_gc_state *st)
{
	switch (st->goal) {
	case GL_GOAL_OFF:
		json_object_set_new(d, "heap_goal", json_null());
		json_object_set_new(d, "heap_goal_rule", json_string("GOGC off: no GOGC goal"));
		break;
	case GL_GOAL_GOGC:
		gl_json_set_uint(d, "heap_goal", st->heap_goal);
		json_object_set_new(d, "triggered", num(st->triggered));
		json_object_set_new(d, "heap_goal_rule",
				    json_string("GOGC goal (gcPercentHeapGoal), at least sweepDistMinTrigger and "
						"triggered + 64 KiB; the memory-limit goal is not computed"));
		break;
	default:
		json_object_set_new(d, "heap_goal", json_null());
	}
}

/* A document for a state read only in part: what gl_gc_state_read got to
 * (nothing past the head when the heap's layout could not be read). */
json_t *gl_gc_doc(struct gl_ctx *c, const struct gl_gc_state *st)
{
	json_t *d = gl_doc_new(c, "gc", NULL, false, 0);
	if (!d || !st->have_heap)
		return d;
	if (st->phase != GL_GC_UNKNOWN) {
		json_object_set_new(d, "phase", json_string(gl_gc_phase_name(st->phase)));
		json_object_set_new(d, "phase_value", json_integer((json_int_t)st->phase_value));
	} else {
		json_object_set_new(d, "phase", json_null());
	}
	json_object_set_new(d, "gc", json_string(st->greentea ? "greentea" : "classic"));
	json_object_set_new(d, "write_barrier", st->write_barrier.ok ? json_boolean(st->write_barrier.v)
								     : json_null());
	for (int k = 0; k < GL_GC_NCOUNTERS; k++)
		json_object_set_new(d, COUNTER_KEYS[k], num(st->n[k]));
	json_object_set_new(d, "memory_limit_set", json_boolean(st->memory_limit_set));
	goal_json(d, st);
	json_t *mp = json_object();
	json_object_set_new(mp, "rate", num(st->mem_profile_rate));
	json_object_set_new(mp, "buckets", st->have_mbuckets ? json_integer((json_int_t)st->mbuckets) : json_null());
	if (st->mbuckets_more)
		json_object_set_new(mp, "buckets_more", json_true());
	json_object_set_new(d, "mem_profile", mp);
	if (st->nmissing) {
		/* the runtime globals not found: their figures are null */
		json_t *a = json_array();
		for (int i = 0; i < st->nmissing; i++) {
			json_t *m = json_object();
			json_object_set_new(m, "global", json_string(st->missing[i].global));
			json_object_set_new(m, "why", json_string(st->missing[i].why));
			json_array_append_new(a, m);
		}
		json_object_set_new(d, "unknown", a);
	}
	if (st->have_spans)
		json_object_set_new(d, "spans", spans_json(&st->spans));
	json_object_set_new(d, "size_classes", classes_json(st));
	json_object_set_new(d, "heat_map", heat_json(st));
	return d;
}
