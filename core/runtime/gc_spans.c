/* Every span of mheap_.allspans, for `golayout gc`: counted by state,
 * summed per size class, and spread over a heat map of the heap arenas.
 * Spans are read in bulk: the allspans array in growing chunks (a garbage
 * length costs no more than what can really be read), the mspan
 * structures sorted by address and read in runs. */
#include <stdlib.h>
#include <string.h>

#include "runtime/gcstate.h"

#define MAX_SPANS (1u << 24)        /* allspans entries we read at most */
#define PTR_CHUNK 65536u            /* allspans pointers per read */
#define RUN_BYTES (256u << 10)      /* mspan structures read per run */
#define RUN_GAP 4096u               /* a gap that still joins a run */
#define MAX_ARENAS (1u << 16)
#define MAX_SEGMENTS (1ull << 26)   /* heat map work bound */

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
	struct gl_gc_class rows[GL_MAX_SIZE_CLASSES]; /* size: the spans' elemsize */
	struct gl_gc_spans sum;
	uint64_t insane, other;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
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
	uint64_t cell_bytes = h->arena_bytes / GL_GC_CELLS, bytes = s->npages * h->page_size;
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
		if (row >= 0 && ci < GL_GC_CELLS) {
			struct cell *cl = &w->cells[(size_t)row * GL_GC_CELLS + ci];
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
	if (s->state == gl_heap_const(h, GL_RTC_MSPAN_DEAD)) {
		w->sum.dead++;
		return;
	}
	if (!s->npages || s->npages > (1ull << 40) / h->page_size || s->base % h->page_size) {
		w->insane++;
		return;
	}
	uint64_t bytes = s->npages * h->page_size;
	if (s->state == gl_heap_const(h, GL_RTC_MSPAN_MANUAL)) {
		w->sum.manual++;
		w->sum.manual_bytes += bytes;
		heat(w, s, true);
		return;
	}
	if (!gl_heap_span_in_use(h, s)) {
		w->other++;
		return;
	}
	if (!s->elemsize || s->elemsize > bytes || s->nelems > bytes / s->elemsize ||
	    s->alloc_count > s->nelems || s->size_class >= GL_MAX_SIZE_CLASSES) {
		w->insane++;
		return;
	}
	w->sum.in_use++;
	w->sum.in_use_bytes += bytes;
	w->sum.objects += s->alloc_count;
	w->sum.object_bytes += s->alloc_count * s->elemsize;
	struct gl_gc_class *r = &w->rows[s->size_class];
	r->size_class = s->size_class;
	r->spans++;
	r->pages += s->npages;
	r->objects += s->alloc_count;
	r->slots += s->nelems;
	r->bytes_used += s->alloc_count * s->elemsize;
	r->bytes_spans += bytes;
	if (s->size_class)
		r->size = s->elemsize;
	heat(w, s, false);
}

struct gl_error *gl_heap_read_spans(struct gl_heap *h, const uint64_t *ptrs, size_t n,
				    void (*fn)(void *arg, const struct gl_span *s), void *arg,
				    uint64_t *unreadable)
{
	unsigned char *buf = malloc(RUN_BYTES + h->span_size);
	if (!buf)
		return &gl_error_nomem;
	for (size_t i = 0; i < n && !gl_interrupted(h->c);) {
		gl_progress(h->c, "spans read", i, n);
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
				fn(arg, &s);
			}
		} else {
			/* some page in the run is unreadable: span by span */
			gl_error_destroy(err);
			for (size_t k = i; k < j; k++) {
				struct gl_span s;
				if ((err = gl_heap_read_span(h, ptrs[k], &s))) {
					gl_error_destroy(err);
					(*unreadable)++;
					continue;
				}
				fn(arg, &s);
			}
		}
		i = j;
	}
	free(buf);
	return NULL;
}

static void account_fn(void *arg, const struct gl_span *s)
{
	account(arg, s);
}

/* The array and length of the slice field f of mheap_. */
static struct gl_error *mheap_slice(struct gl_heap *h, enum gl_rtf f, uint64_t *arr, uint64_t *n)
{
	uint64_t hdr[2];
	if (!gl_rt_have(h->L, f))
		return gl_error_create(GL_ERR_NODWARF, "runtime.mheap has no %s", gl_rt_field_desc(f)->names);
	struct gl_error *err = gl_heap_read_words(h, h->mheap + gl_rt_field(h->L, f).off, 2, hdr);
	*arr = hdr[0];
	*n = hdr[1];
	return err;
}

struct gl_error *gl_heap_started(struct gl_heap *h)
{
	uint64_t arr, n;
	struct gl_error *err = mheap_slice(h, GL_RTF_MHEAP_ALLSPANS, &arr, &n);
	if (err || n)
		return err;
	return gl_error_create(GL_ERR_NOTREADY, "the Go runtime is not initialised yet (mheap_ has no "
				"spans): stop after runtime.schedinit, e.g. in main.main");
}

/* The arena indices of mheap_.heapArenas (allArenas before Go 1.25). */
static void load_arenas(struct gc_walk *w)
{
	struct gl_heap *h = w->h;
	uint64_t arr, n;
	struct gl_error *err = mheap_slice(h, GL_RTF_MHEAP_ARENA_LIST, &arr, &n);
	if (err) {
		gl_error_destroy(err);
		return;
	}
	if (!arr || !n || n > MAX_ARENAS)
		return;
	w->arenas = malloc(n * sizeof(*w->arenas));
	w->cells = calloc(n * GL_GC_CELLS, sizeof(*w->cells));
	if (!w->arenas || !w->cells || (err = gl_heap_read_words(h, arr, n, w->arenas))) {
		gl_error_destroy(err);
		free(w->arenas);
		free(w->cells);
		w->arenas = NULL;
		w->cells = NULL;
		return;
	}
	qsort(w->arenas, n, sizeof(*w->arenas), cmp_u64);
	w->narenas = n;
}

/* allspans' pointers, sorted, without nils and duplicates (*n of them). */
static struct gl_error *span_pointers(struct gl_heap *h, uint64_t arr, uint64_t n, uint64_t **out,
				      size_t *count)
{
	struct gl_error *err = NULL;
	uint64_t *ptrs = NULL;
	size_t got = 0;
	for (uint64_t i = 0; i < n && !gl_interrupted(h->c); i += PTR_CHUNK) {
		uint64_t k = n - i < PTR_CHUNK ? n - i : PTR_CHUNK;
		uint64_t *np = realloc(ptrs, (i + k) * sizeof(*ptrs));
		if (!np) {
			err = &gl_error_nomem;
			break;
		}
		ptrs = np;
		if ((err = gl_heap_read_words(h, arr + i * h->ptr, k, ptrs + i))) {
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
		qsort(ptrs, m, sizeof(*ptrs), cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || ptrs[u - 1] != ptrs[i])
			ptrs[u++] = ptrs[i];
	*out = ptrs;
	*count = u;
	return err;
}

struct gl_error *gl_heap_allspans(struct gl_heap *h, uint64_t **ptrs, size_t *count, uint64_t *total)
{
	uint64_t arr, n;
	*ptrs = NULL;
	*count = 0;
	*total = 0;
	struct gl_error *err = mheap_slice(h, GL_RTF_MHEAP_ALLSPANS, &arr, &n);
	if (err)
		return gl_rt_have(h->L, GL_RTF_MHEAP_ALLSPANS) ? gl_error_wrap(err, "reading mheap_.allspans") : err;
	*total = n;
	bool truncated = n > MAX_SPANS;
	if (truncated)
		n = MAX_SPANS;
	err = span_pointers(h, arr, n, ptrs, count);
	if (truncated && !err)
		err = gl_error_create(GL_ERR_LIMIT, "mheap_.allspans has %llu entries: only the first %u read",
				      (unsigned long long)*total, MAX_SPANS);
	return err;
}

static struct gl_error *walk(struct gc_walk *w, struct gl_gc_state *st)
{
	struct gl_heap *h = w->h;
	uint64_t *ptrs;
	size_t u;
	struct gl_error *err = gl_heap_allspans(h, &ptrs, &u, &w->sum.allspans);
	if (err && err->code != GL_ERR_LIMIT && !ptrs)
		return err;
	struct gl_error *rerr = gl_heap_read_spans(h, ptrs, u, account_fn, w, &w->sum.unreadable);
	free(ptrs);
	if (!err)
		err = rerr;
	else
		gl_error_destroy(rerr);
	w->sum.inconsistent = w->insane + w->other;
	st->spans = w->sum;
	st->have_spans = true;
	return err;
}

/* Rows for the size classes seen, large objects (class 0) last. */
static void class_rows(struct gc_walk *w, struct gl_gc_state *st)
{
	struct gl_sizeclasses sc;
	struct gl_error *err = gl_sizeclasses_load(w->h->c, &sc);
	bool have_sc = err == NULL;
	gl_error_destroy(err);
	for (int i = 1; i <= GL_MAX_SIZE_CLASSES; i++) {
		int k = i % GL_MAX_SIZE_CLASSES;
		if (!w->rows[k].spans)
			continue;
		struct gl_gc_class *o = &st->classes[st->nclasses++];
		*o = w->rows[k];
		if (k && have_sc && k < sc.n)
			o->size = sc.size[k]; /* the class's size, as the runtime's table says */
	}
}

static void heat_rows(struct gc_walk *w, struct gl_gc_state *st)
{
	struct gl_heap *h = w->h;
	uint64_t cell_bytes = h->arena_bytes / GL_GC_CELLS;
	if (!w->cells || !w->narenas || !(st->arenas = calloc(w->narenas, sizeof(*st->arenas))))
		return;
	st->narenas = w->narenas;
	for (size_t r = 0; r < w->narenas; r++) {
		struct gl_gc_arena *a = &st->arenas[r];
		a->index = w->arenas[r];
		a->base = w->arenas[r] * h->arena_bytes + h->arena_base;
		for (int i = 0; i < GL_GC_CELLS; i++) {
			const struct cell *cl = &w->cells[r * GL_GC_CELLS + i];
			if (!cl->inuse)
				a->heat[i] = cl->manual ? GL_HEAT_MANUAL : GL_HEAT_NONE;
			else if (cl->used >= 0.995 * (double)cell_bytes)
				a->heat[i] = GL_HEAT_FULL;
			else
				a->heat[i] = (uint8_t)(int)(10 * cl->used / (double)cell_bytes);
		}
	}
}

struct gl_error *gl_gc_walk_spans(struct gl_heap *h, struct gl_gc_state *st)
{
	struct gc_walk w = {.h = h};
	load_arenas(&w);
	struct gl_error *err = walk(&w, st);
	class_rows(&w, st);
	heat_rows(&w, st);
	free(w.arenas);
	free(w.cells);
	return err;
}
