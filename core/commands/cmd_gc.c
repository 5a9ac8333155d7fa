/* golayout gc: the collector's state (phase, write barrier, cycle count,
 * GOGC and memory limit, heap goal, live and marked bytes, read by DWARF
 * field name from runtime.gcController, runtime.work, runtime.memstats),
 * every span of mheap_.allspans summed per size class, and a heat map of
 * how full each heap arena is. Spans are read in bulk: the allspans array
 * in chunks, the mspan structures sorted by address and read in runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "runtime/heap.h"
#include "gotypes/sizeclass.h"
#include "eval/value.h"

#define MAX_SPANS (1u << 24)        /* allspans entries we read at most */
#define PTR_CHUNK 65536u            /* allspans pointers per read */
#define RUN_BYTES (256u << 10)      /* mspan structures read per run */
#define RUN_GAP 4096u               /* a gap that still joins a run */
#define MAX_ARENAS (1u << 16)
#define CELLS 64                    /* heat map cells per arena */
#define MAX_SEGMENTS (1ull << 26)   /* heat map work bound */

struct class_row {
	uint64_t spans, pages, objects, slots, used, bytes, elemsize;
	bool any;
};

struct cell {
	uint64_t inuse, manual;
	double used;
};

struct gc_walk {
	struct gl_heap *h;
	uint64_t *arenas; /* sorted arena indices */
	size_t narenas;
	struct cell *cells;
	uint64_t segments;
	struct class_row rows[GL_MAX_SIZE_CLASSES];
	uint64_t total, inuse, manual, dead, other, inuse_bytes, manual_bytes, objects, used_bytes,
		unreadable, insane;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

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

static void set_field(struct gl_ctx *c, json_t *d, const char *key, const char *global,
		      const char *field, bool is_signed)
{
	uint64_t v, n;
	if (!global_field(c, global, field, &v, &n)) {
		json_object_set_new(d, key, json_null());
		return;
	}
	if (is_signed && n < 8 && (v >> (n * 8 - 1) & 1))
		v |= ~0ull << (n * 8);
	json_object_set_new(d, key, json_integer((json_int_t)v));
}

static long arena_row(const struct gc_walk *w, uint64_t ri)
{
	size_t lo = 0, hi = w->narenas;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->arenas[mid] < ri)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->narenas && w->arenas[lo] == ri ? (long)lo : -1;
}

/* Spread a span over the heat map cells it covers. */
static void heat(struct gc_walk *w, const struct gl_span *s, bool manual)
{
	struct gl_heap *h = w->h;
	uint64_t cell_bytes = h->arena_bytes / CELLS, bytes = s->npages * h->page_size;
	if (!w->cells || !cell_bytes || !bytes)
		return;
	double frac = manual ? 0 : (double)(s->alloc_count * s->elemsize) / (double)bytes;
	if (frac > 1)
		frac = 1;
	for (uint64_t a = s->base, end = s->base + bytes; a < end && w->segments < MAX_SEGMENTS;
	     w->segments++) {
		uint64_t ri = (a - h->arena_base) / h->arena_bytes;
		uint64_t astart = ri * h->arena_bytes + h->arena_base;
		uint64_t ci = (a - astart) / cell_bytes, cend = astart + (ci + 1) * cell_bytes;
		uint64_t seg = (end < cend ? end : cend) - a;
		long row = arena_row(w, ri);
		if (row >= 0 && ci < CELLS) {
			struct cell *cl = &w->cells[(size_t)row * CELLS + ci];
			if (manual)
				cl->manual += seg;
			else {
				cl->inuse += seg;
				cl->used += frac * (double)seg;
			}
		}
		a += seg;
	}
}

static void account(struct gc_walk *w, const struct gl_span *s)
{
	struct gl_heap *h = w->h;
	if (s->state == h->st_dead) {
		w->dead++;
		return;
	}
	if (!s->npages || s->npages > (1ull << 40) / h->page_size || s->base % h->page_size) {
		w->insane++;
		return;
	}
	uint64_t bytes = s->npages * h->page_size;
	if (s->state == h->st_manual) {
		w->manual++;
		w->manual_bytes += bytes;
		heat(w, s, true);
		return;
	}
	if (s->state != h->st_inuse) {
		w->other++;
		return;
	}
	if (!s->elemsize || s->elemsize > bytes || s->nelems > bytes / s->elemsize ||
	    s->alloc_count > s->nelems || s->size_class >= GL_MAX_SIZE_CLASSES) {
		w->insane++;
		return;
	}
	w->inuse++;
	w->inuse_bytes += bytes;
	w->objects += s->alloc_count;
	w->used_bytes += s->alloc_count * s->elemsize;
	struct class_row *r = &w->rows[s->size_class];
	r->any = true;
	r->spans++;
	r->pages += s->npages;
	r->objects += s->alloc_count;
	r->slots += s->nelems;
	r->used += s->alloc_count * s->elemsize;
	r->bytes += bytes;
	if (s->size_class)
		r->elemsize = s->elemsize;
	heat(w, s, false);
}

/* Read the mspans at the sorted addresses ptrs[0..n) in runs. */
static struct gl_error *read_spans(struct gc_walk *w, const uint64_t *ptrs, size_t n)
{
	struct gl_heap *h = w->h;
	unsigned char *buf = malloc(RUN_BYTES + h->span_size);
	if (!buf)
		return &gl_error_nomem;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		uint64_t start = ptrs[i], end = ptrs[i] + h->span_size;
		while (j < n && ptrs[j] >= ptrs[j - 1] && ptrs[j] - ptrs[j - 1] <= RUN_GAP &&
		       ptrs[j] + h->span_size - start <= RUN_BYTES) {
			end = ptrs[j] + h->span_size;
			j++;
		}
		struct gl_error *err = gl_mem_read(h->c->mem, start, buf, end - start);
		if (!err) {
			for (size_t k = i; k < j; k++) {
				struct gl_span s;
				gl_heap_decode_span(h, ptrs[k], buf + (ptrs[k] - start), &s);
				account(w, &s);
			}
		} else {
			/* some page in the run is unreadable: span by span */
			gl_error_destroy(err);
			for (size_t k = i; k < j; k++) {
				struct gl_span s;
				if ((err = gl_heap_read_span(h, ptrs[k], &s))) {
					gl_error_destroy(err);
					w->unreadable++;
					continue;
				}
				account(w, &s);
			}
		}
		i = j;
	}
	free(buf);
	return NULL;
}

/* The arena indices of mheap_.heapArenas (allArenas before Go 1.25). */
static void load_arenas(struct gc_walk *w)
{
	struct gl_heap *h = w->h;
	unsigned char hdr[16];
	if (!h->h_arena_list.size)
		return;
	struct gl_error *err = gl_mem_read(h->c->mem, h->mheap + h->h_arena_list.off, hdr, 16);
	if (err) {
		gl_error_destroy(err);
		return;
	}
	uint64_t arr = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
	if (!arr || !n || n > MAX_ARENAS)
		return;
	w->arenas = malloc(n * 8);
	w->cells = calloc(n * CELLS, sizeof(*w->cells));
	if (!w->arenas || !w->cells || (err = gl_mem_read(h->c->mem, arr, w->arenas, n * 8))) {
		gl_error_destroy(err);
		free(w->arenas);
		free(w->cells);
		w->arenas = NULL;
		w->cells = NULL;
		return;
	}
	qsort(w->arenas, n, 8, cmp_u64);
	w->narenas = n;
}

static struct gl_error *walk_spans(struct gl_ctx *c, struct gc_walk *w, json_t *d)
{
	struct gl_heap *h = w->h;
	if (!h->h_allspans.size)
		return gl_error_create(GL_ERR_NODWARF, "runtime.mheap has no allspans");
	unsigned char hdr[16];
	struct gl_error *err = gl_mem_read(c->mem, h->mheap + h->h_allspans.off, hdr, 16);
	if (err)
		return gl_error_wrap(err, "reading mheap_.allspans");
	uint64_t arr = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
	w->total = n;
	bool truncated = n > MAX_SPANS;
	if (truncated)
		n = MAX_SPANS;
	/* grown chunk by chunk: a garbage length costs no more memory than
	 * the pointers that could really be read */
	uint64_t *ptrs = NULL;
	size_t got = 0;
	for (uint64_t i = 0; i < n; i += PTR_CHUNK) {
		uint64_t k = n - i < PTR_CHUNK ? n - i : PTR_CHUNK;
		uint64_t *np = realloc(ptrs, (i + k) * 8);
		if (!np) {
			err = &gl_error_nomem;
			break;
		}
		ptrs = np;
		if ((err = gl_mem_read(c->mem, arr + i * 8, ptrs + i, k * 8))) {
			err = gl_error_wrap(err, "reading mheap_.allspans[%llu:%llu]", (unsigned long long)i,
					    (unsigned long long)(i + k));
			break;
		}
		got = i + k;
	}
	size_t m = 0;
	for (size_t i = 0; i < got; i++)
		if (ptrs[i])
			ptrs[m++] = ptrs[i];
	if (m)
		qsort(ptrs, m, 8, cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || ptrs[u - 1] != ptrs[i])
			ptrs[u++] = ptrs[i];
	struct gl_error *rerr = read_spans(w, ptrs, u);
	free(ptrs);
	if (!err)
		err = rerr;
	else
		gl_error_destroy(rerr);
	if (truncated && !err)
		err = gl_error_create(GL_ERR_LIMIT, "mheap_.allspans has %llu entries: only the first %u read",
				      (unsigned long long)w->total, MAX_SPANS);
	json_t *sp = json_object();
	json_object_set_new(sp, "allspans", json_integer((json_int_t)w->total));
	json_object_set_new(sp, "in_use", json_integer((json_int_t)w->inuse));
	json_object_set_new(sp, "manual", json_integer((json_int_t)w->manual));
	json_object_set_new(sp, "dead", json_integer((json_int_t)w->dead));
	json_object_set_new(sp, "in_use_bytes", json_integer((json_int_t)w->inuse_bytes));
	json_object_set_new(sp, "manual_bytes", json_integer((json_int_t)w->manual_bytes));
	json_object_set_new(sp, "objects", json_integer((json_int_t)w->objects));
	json_object_set_new(sp, "object_bytes", json_integer((json_int_t)w->used_bytes));
	json_object_set_new(sp, "unreadable", json_integer((json_int_t)w->unreadable));
	json_object_set_new(sp, "inconsistent", json_integer((json_int_t)(w->insane + w->other)));
	json_object_set_new(d, "spans", sp);
	return err;
}

static json_t *class_table(struct gl_ctx *c, struct gc_walk *w)
{
	struct gl_sizeclasses sc;
	struct gl_error *err = gl_sizeclasses_load(c, &sc);
	bool have_sc = err == NULL;
	gl_error_destroy(err);
	json_t *arr = json_array();
	for (int i = 1; i <= GL_MAX_SIZE_CLASSES; i++) {
		int k = i % GL_MAX_SIZE_CLASSES; /* large objects (class 0) last */
		struct class_row *r = &w->rows[k];
		if (!r->any)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "size_class", json_integer(k));
		uint64_t size = k == 0 ? 0 : have_sc && k < sc.n ? sc.size[k] : r->elemsize;
		json_object_set_new(o, "size", k ? json_integer((json_int_t)size) : json_null());
		json_object_set_new(o, "spans", json_integer((json_int_t)r->spans));
		json_object_set_new(o, "pages", json_integer((json_int_t)r->pages));
		json_object_set_new(o, "objects", json_integer((json_int_t)r->objects));
		json_object_set_new(o, "slots", json_integer((json_int_t)r->slots));
		json_object_set_new(o, "bytes_used", json_integer((json_int_t)r->used));
		json_object_set_new(o, "bytes_spans", json_integer((json_int_t)r->bytes));
		double frag = r->bytes ? 100.0 * (double)(r->bytes - r->used) / (double)r->bytes : 0;
		json_object_set_new(o, "fragmentation", json_real(round(frag * 10) / 10));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *heat_map(struct gc_walk *w)
{
	struct gl_heap *h = w->h;
	json_t *o = json_object(), *rows = json_array();
	uint64_t cell_bytes = h->arena_bytes / CELLS;
	json_object_set_new(o, "cell_bytes", json_integer((json_int_t)cell_bytes));
	json_object_set_new(o, "arena_bytes", json_integer((json_int_t)h->arena_bytes));
	json_object_set_new(o, "legend", json_string("' ' no span, s stacks/manual spans only, "
						     "0-9 tenths of the cell in allocated slots, # full"));
	for (size_t r = 0; r < w->narenas && w->cells; r++) {
		char line[CELLS + 1];
		for (int i = 0; i < CELLS; i++) {
			const struct cell *cl = &w->cells[r * CELLS + i];
			if (!cl->inuse)
				line[i] = cl->manual ? 's' : ' ';
			else if (cl->used >= 0.995 * (double)cell_bytes)
				line[i] = '#';
			else
				line[i] = (char)('0' + (int)(10 * cl->used / (double)cell_bytes));
		}
		line[CELLS] = '\0';
		json_t *a = json_object();
		json_object_set_new(a, "index", json_integer((json_int_t)w->arenas[r]));
		gl_json_set_addr(a, "base", w->arenas[r] * h->arena_bytes + h->arena_base);
		json_object_set_new(a, "cells", json_string(line));
		json_array_append_new(rows, a);
	}
	json_object_set_new(o, "arenas", rows);
	return o;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_target_need_dwarf(t)) || (err = gl_ctx_need_process(c)))
		return err;
	json_t *d = gl_doc_new(c, "gc", NULL, false, 0);
	if (!d)
		return &gl_error_nomem;
	*docp = d;
	struct gl_heap h;
	if ((err = gl_heap_init(c, &h)))
		return err;
	int64_t phase;
	const char *pname;
	if (gl_heap_gc_phase(&h, &phase, &pname)) {
		json_object_set_new(d, "phase", json_string(pname));
		json_object_set_new(d, "phase_value", json_integer((json_int_t)phase));
	} else {
		json_object_set_new(d, "phase", json_null());
	}
	uint64_t v;
	json_object_set_new(d, "gc", json_string(h.greentea ? "greentea" : "classic"));
	json_object_set_new(d, "write_barrier", global_field(c, "runtime.writeBarrier", "enabled", &v, NULL)
							? json_boolean(v != 0)
							: json_null());
	set_field(c, d, "cycles", "runtime.work", "cycles", false);
	set_field(c, d, "numgc", "runtime.memstats", "numgc", false);
	set_field(c, d, "gogc", "runtime.gcController", "gcPercent", true);
	set_field(c, d, "memory_limit", "runtime.gcController", "memoryLimit", true);
	set_field(c, d, "heap_live", "runtime.gcController", "heapLive", false);
	set_field(c, d, "heap_marked", "runtime.gcController", "heapMarked", false);
	set_field(c, d, "heap_scan", "runtime.gcController", "heapScan", false);
	set_field(c, d, "heap_minimum", "runtime.gcController", "heapMinimum", false);
	set_field(c, d, "sweep_dist_min_trigger", "runtime.gcController", "sweepDistMinTrigger", false);
	set_field(c, d, "last_heap_goal", "runtime.gcController", "lastHeapGoal", false);
	set_field(c, d, "heap_in_use", "runtime.gcController", "heapInUse", false);
	set_field(c, d, "total_alloc", "runtime.gcController", "totalAlloc", false);
	set_field(c, d, "total_free", "runtime.gcController", "totalFree", false);
	set_field(c, d, "sweepgen", "runtime.mheap_", "sweepgen", false);
	json_int_t lim = json_integer_value(json_object_get(d, "memory_limit"));
	json_object_set_new(d, "memory_limit_set", json_boolean(json_is_integer(json_object_get(d, "memory_limit")) &&
								lim != INT64_MAX));
	/* heapGoalInternal without the memory-limit goal: the GOGC goal,
	 * raised to sweepDistMinTrigger, and to triggered + 64 KiB runway
	 * during a cycle. */
	uint64_t goal, sweep, trig;
	if (global_field(c, "runtime.gcController", "gcPercentHeapGoal", &goal, NULL) && goal == ~0ull) {
		json_object_set_new(d, "heap_goal", json_null()); /* GOGC=off */
		json_object_set_new(d, "heap_goal_rule", json_string("GOGC off: no GOGC goal"));
	} else if (global_field(c, "runtime.gcController", "gcPercentHeapGoal", &goal, NULL)) {
		if (global_field(c, "runtime.gcController", "sweepDistMinTrigger", &sweep, NULL) && sweep > goal)
			goal = sweep;
		bool have_trig = global_field(c, "runtime.gcController", "triggered", &trig, NULL);
		if (have_trig && trig != ~0ull && goal < trig + (64 << 10))
			goal = trig + (64 << 10);
		json_object_set_new(d, "heap_goal", json_integer((json_int_t)goal));
		json_object_set_new(d, "triggered", have_trig && trig != ~0ull ? json_integer((json_int_t)trig)
									   : json_null());
		json_object_set_new(d, "heap_goal_rule",
				    json_string("GOGC goal (gcPercentHeapGoal), at least sweepDistMinTrigger and "
						"triggered + 64 KiB; the memory-limit goal is not computed"));
	} else {
		json_object_set_new(d, "heap_goal", json_null());
	}
	struct gc_walk w = {.h = &h};
	load_arenas(&w);
	err = walk_spans(c, &w, d);
	json_object_set_new(d, "size_classes", class_table(c, &w));
	json_object_set_new(d, "heat_map", heat_map(&w));
	free(w.arenas);
	free(w.cells);
	return err;
}

/* ---- text ------------------------------------------------------------------ */

static void bytes_text(struct strbuf *o, json_t *v)
{
	if (!json_is_integer(v)) {
		sb_add(o, "?");
		return;
	}
	double b = (double)json_integer_value(v);
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	if (i == 0)
		sb_addf(o, "%lld B", (long long)json_integer_value(v));
	else
		sb_addf(o, "%.1f %s", b, u[i]);
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *wb = json_object_get(d, "write_barrier");
	sb_addf(o, "%sGC%s  phase %s, write barrier %s, %s collector  [%s]\n", gl_c(c, "bold"),
		gl_c(c, "reset"), json_is_string(json_object_get(d, "phase")) ? gl_jstr(d, "phase") : "?",
		json_is_boolean(wb) ? (json_is_true(wb) ? "on" : "off") : "?",
		!strcmp(gl_jstr(d, "gc"), "greentea") ? "Green Tea" : "classic", gl_jstr(d, "go_version"));
	sb_addf(o, "  cycles %lld (work.cycles), memstats.numgc %lld, sweepgen %lld\n",
		(long long)gl_jint(d, "cycles"), (long long)gl_jint(d, "numgc"), (long long)gl_jint(d, "sweepgen"));
	json_int_t gogc = gl_jint(d, "gogc");
	if (gogc < 0)
		sb_add(o, "  GOGC off");
	else
		sb_addf(o, "  GOGC %lld", (long long)gogc);
	sb_add(o, ", memory limit ");
	if (json_is_true(json_object_get(d, "memory_limit_set")))
		bytes_text(o, json_object_get(d, "memory_limit"));
	else
		sb_add(o, "none");
	sb_addc(o, '\n');
	sb_add(o, "  heap goal ");
	if (json_is_integer(json_object_get(d, "heap_goal")))
		bytes_text(o, json_object_get(d, "heap_goal"));
	else
		sb_add(o, "none");
	sb_add(o, ", live ");
	bytes_text(o, json_object_get(d, "heap_live"));
	sb_add(o, ", marked last cycle ");
	bytes_text(o, json_object_get(d, "heap_marked"));
	sb_add(o, ", in spans ");
	bytes_text(o, json_object_get(d, "heap_in_use"));
	sb_addc(o, '\n');
	json_t *sp = json_object_get(d, "spans");
	if (sp) {
		sb_addf(o, "  spans %lld: %lld in use (", (long long)gl_jint(sp, "allspans"),
			(long long)gl_jint(sp, "in_use"));
		bytes_text(o, json_object_get(sp, "in_use_bytes"));
		sb_addf(o, "; %lld objects, ", (long long)gl_jint(sp, "objects"));
		bytes_text(o, json_object_get(sp, "object_bytes"));
		sb_addf(o, "), %lld manual (", (long long)gl_jint(sp, "manual"));
		bytes_text(o, json_object_get(sp, "manual_bytes"));
		sb_addf(o, "), %lld dead\n", (long long)gl_jint(sp, "dead"));
		if (gl_jint(sp, "unreadable") || gl_jint(sp, "inconsistent"))
			sb_addf(o, "  %lld spans unreadable, %lld inconsistent (skipped)\n",
				(long long)gl_jint(sp, "unreadable"), (long long)gl_jint(sp, "inconsistent"));
	}
	json_t *rows = json_object_get(d, "size_classes");
	if (json_array_size(rows)) {
		sb_addf(o, "%s  class   size  spans   pages     objects /   slots    bytes used   span bytes   frag%s\n",
			gl_c(c, "dim"), gl_c(c, "reset"));
		for (size_t i = 0; i < json_array_size(rows); i++) {
			json_t *r = json_array_get(rows, i);
			if (gl_jint(r, "size_class"))
				sb_addf(o, "  %5lld %6lld", (long long)gl_jint(r, "size_class"), (long long)gl_jint(r, "size"));
			else
				sb_add(o, "  large       ");
			sb_addf(o, " %6lld %7lld %11lld / %7lld %13lld %12lld %5.1f%%\n", (long long)gl_jint(r, "spans"),
				(long long)gl_jint(r, "pages"), (long long)gl_jint(r, "objects"), (long long)gl_jint(r, "slots"),
				(long long)gl_jint(r, "bytes_used"), (long long)gl_jint(r, "bytes_spans"),
				json_number_value(json_object_get(r, "fragmentation")));
		}
	}
	json_t *hm = json_object_get(d, "heat_map"), *ar = json_object_get(hm, "arenas");
	size_t n = json_array_size(ar), lim = c->opts.all ? n : (size_t)c->opts.limit;
	if (n) {
		sb_add(o, "heap map: one row per arena (");
		bytes_text(o, json_object_get(hm, "arena_bytes"));
		sb_add(o, "), one cell per ");
		bytes_text(o, json_object_get(hm, "cell_bytes"));
		sb_addf(o, "\n  legend: %s\n", gl_jstr(hm, "legend"));
		for (size_t i = 0; i < n && i < lim; i++) {
			json_t *a = json_array_get(ar, i);
			sb_addf(o, "  %-16s |%s|\n", gl_jstr(a, "base"), gl_jstr(a, "cells"));
		}
		if (n > lim)
			sb_addf(o, "  ... %zu of %zu arenas shown (--limit N, --all)\n", lim, n);
	}
}

const struct gl_command gl_cmd_gc = {
	.name = "gc",
	.summary = "Show the GC: phase, cycles, GOGC, heap goal, spans per size class, heap map.",
	.help = "Usage: golayout gc [--limit N | --all] [--json]\n"
		"\n"
		"The collector's phase (runtime.gcphase), whether the write barrier is on,\n"
		"the cycle count (work.cycles and memstats.numgc), GOGC and the memory limit,\n"
		"the heap goal (as the pacer computes it from GOGC; the memory-limit goal is\n"
		"not computed), live and last-marked bytes; every span of mheap_.allspans by\n"
		"state, a table per size class (spans, pages, objects in use of the slots,\n"
		"bytes, fragmentation = span bytes not in allocated slots), and a heat map of\n"
		"each heap arena, one cell per 1/64 of an arena (--limit N arenas, default\n"
		"16; --all).",
	.opts = GL_OPT_LIMIT,
	.min_args = 0,
	.max_args = 0,
	.run = run,
	.render = render,
};
