/* The heap graph's objects and their pointers (see heapgraph.h): the span
 * table, the allocation bits, and one bulk read per span whose words are
 * tested against the span's pointer map. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/gcstate.h"
#include "base/array.h"
#include "runtime/heapgraph.h"

#define SPAN_READ (4u << 20)    /* a span read whole up to this; larger ones by chunks */
#define CHUNK (1u << 20)
#define MAX_NODES (UINT32_MAX - (1u << 24)) /* room for the roots and the super root */
#define MAX_EDGES UINT32_MAX

struct build {
	struct gl_heapgraph *hg;
	struct gl_hg_span *spans;
	size_t n, cap;
	uint64_t insane;
	/* the CSR being built */
	uint32_t *dst;
	size_t ndst, dcap;
	uint32_t *off;
	size_t offcap;
	unsigned char *buf;     /* a span's bytes */
	bool full;              /* MAX_EDGES reached */
	size_t cur;             /* where the current node's edges start */
};

static int cmp_span(const void *a, const void *b)
{
	const struct gl_hg_span *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

static void take_span(void *arg, const struct gl_span *s)
{
	struct build *b = arg;
	struct gl_heap *h = &b->hg->h;
	if (!gl_heap_span_in_use(h, s))
		return;
	if (!gl_heap_span_sane(h, s)) {
		b->insane++;
		return;
	}
	struct gl_hg_span *o = GL_ARRAY_PUSH(b->spans, b->n, b->cap, 1024);
	if (!o)
		return;
	o->base = s->base;
	o->elemsize = s->elemsize;
	o->mspan = s->addr;
	o->large_type = s->large_type;
	o->nelems = (uint32_t)s->nelems;
	o->npages = (uint32_t)s->npages;
	o->freeindex = (uint32_t)(s->freeindex < s->nelems ? s->freeindex : s->nelems);
	o->alloc_bits = s->alloc_bits;
	o->has_specials = s->specials != 0;
	if (s->noscan)
		o->kind = GL_PTRMAP_NOSCAN;
	else if (h->arena_bitmap)
		o->kind = GL_PTRMAP_ARENA_BITMAP;
	else if (s->elemsize <= (uint64_t)gl_heap_const(h, GL_RTC_MIN_SIZE_FOR_MALLOC_HEADER) && s->size_class)
		o->kind = GL_PTRMAP_SPAN_BITS;
	else
		o->kind = s->size_class ? GL_PTRMAP_HEADER : GL_PTRMAP_LARGE_TYPE;
}

/* The allocation bits of every span: freeindex, then allocBits. */
static struct gl_error *alloc_bits(struct gl_ctx *c, struct gl_heapgraph *hg)
{
	hg->alloc = calloc((size_t)hg->nslots / 8 + 1, 1);
	if (!hg->alloc)
		return &gl_error_nomem;
	unsigned char *bits = NULL;
	size_t bcap = 0;
	for (uint32_t i = 0; i < hg->nspans && !gl_interrupted(c); i++) {
		gl_progress(c, "allocation bits", i, hg->nspans);
		struct gl_hg_span *sp = &hg->spans[i];
		struct gl_error *err = NULL;
		size_t nb = (sp->nelems + 7) / 8;
		if (nb > bcap) {
			unsigned char *nbits = realloc(bits, nb);
			if (!nbits) {
				free(bits);
				return &gl_error_nomem;
			}
			bits = nbits;
			bcap = nb;
		}
		if (sp->alloc_bits)
			err = gl_mem_read(c->mem, sp->alloc_bits, bits, nb);
		if (err || !sp->alloc_bits) {
			gl_error_destroy(err);
			hg->n.spans_unreadable++;
			sp->nelems = 0; /* its objects are not known: none */
			continue;
		}
		for (uint32_t k = 0; k < sp->nelems; k++) {
			if (k < sp->freeindex || (bits[k / 8] >> (k % 8) & 1)) {
				uint32_t v = sp->first + k;
				hg->alloc[v / 8] |= (unsigned char)(1u << (v % 8));
				hg->n.objects++;
				hg->n.bytes += sp->elemsize;
			}
		}
	}
	free(bits);
	return NULL;
}

/* Node v's edges start here. */
static void begin(struct build *b, uint32_t v)
{
	b->off[v] = (uint32_t)b->ndst;
	b->cur = b->ndst;
}

static void edge(struct build *b, uint32_t to)
{
	if (b->ndst > b->cur && b->dst[b->ndst - 1] == to)
		return; /* the same target as the pointer before: one edge */
	if (b->ndst >= MAX_EDGES) {
		b->full = true;
		return;
	}
	if (!GL_ARRAY_RESERVE(b->dst, b->dcap, b->ndst, 1u << 16)) {
		b->full = true;
		return;
	}
	b->dst[b->ndst++] = to;
	b->hg->n.edges++;
}

/* The word at w (a pointer word of an object) as an edge. */
static void word(struct build *b, const unsigned char *w)
{
	struct gl_heapgraph *hg = b->hg;
	uint64_t v = gl_get_uint(w, hg->h.ptr);
	if (!v)
		return;
	hg->n.pointers++;
	uint32_t to = gl_hg_resolve(hg, v);
	if (to != GL_DG_NONE)
		edge(b, to);
}

/* Mark the type of node v for gl_hg_type_of. */
static void note_type(struct build *b, uint32_t v, const struct gl_hg_type *t)
{
	struct gl_heapgraph *hg = b->hg;
	if (!GL_ARRAY_RESERVE(hg->typed, hg->typed_cap, hg->ntyped, 1024))
		return;
	hg->typed[hg->ntyped][0] = v;
	hg->typed[hg->ntyped][1] = (uint32_t)(t - hg->types);
	hg->ntyped++;
}

/* Pointer words of a typed object (malloc header or largeType) whose
 * bytes [from, from + len) of the slot are in mem: the type's mask tiled
 * from the data's start, as typePointers does. */
static void typed_words(struct build *b, const struct gl_hg_type *t, uint64_t data_word, uint64_t from,
			const unsigned char *mem, uint64_t len)
{
	unsigned ps = b->hg->h.ptr;
	uint64_t tw = t->size / ps, pw = t->ptrbytes / ps;
	if (!t->mask || !tw || !pw)
		return;
	for (uint64_t i = from / ps; (i + 1) * ps <= from + len; i++) {
		if (i < data_word)
			continue;
		uint64_t e = (i - data_word) % tw;
		if (e < pw && (t->mask[e / 8] >> (e % 8) & 1))
			word(b, mem + (i * ps - from));
	}
}

/* Small objects with heap bits at the end of the span (span bytes in buf). */
static void scan_span_bits(struct build *b, const struct gl_hg_span *s, uint64_t span_bytes)
{
	struct gl_heapgraph *hg = b->hg;
	unsigned ps = hg->h.ptr;
	uint64_t nb = span_bytes / ps / 8, hb = span_bytes - nb;
	if (gl_heap_inline_marks(&hg->h, s->elemsize))
		hb -= hg->h.imb_size;
	const unsigned char *bits = b->buf + hb;
	for (uint32_t k = 0; k < s->nelems; k++) {
		uint32_t v = s->first + k;
		begin(b, v);
		if (!gl_hg_allocated(hg, v))
			continue;
		uint64_t w0 = (uint64_t)k * s->elemsize / ps;
		for (uint64_t i = 0; i < s->elemsize / ps; i++) {
			uint64_t w = w0 + i;
			if (w / 8 < nb && (bits[w / 8] >> (w % 8) & 1))
				word(b, b->buf + w * ps);
		}
	}
}

static void scan_headers(struct build *b, const struct gl_hg_span *s)
{
	struct gl_heapgraph *hg = b->hg;
	unsigned ps = hg->h.ptr;
	uint64_t hdr = (uint64_t)gl_heap_const(&hg->h, GL_RTC_MALLOC_HEADER_SIZE);
	for (uint32_t k = 0; k < s->nelems; k++) {
		uint32_t v = s->first + k;
		begin(b, v);
		if (!gl_hg_allocated(hg, v))
			continue;
		const unsigned char *o = b->buf + (uint64_t)k * s->elemsize;
		uint64_t tp = gl_get_uint(o, ps);
		const struct gl_hg_type *t = tp ? gl_hg_type(hg, tp) : NULL;
		if (!t || !t->mask) {
			hg->n.objects_unscanned++;
			continue;
		}
		note_type(b, v, t);
		typed_words(b, t, hdr / ps, 0, o, s->elemsize);
	}
}

/* A large object: its span's largeType, the object read by chunks. */
static void scan_large(struct build *b, const struct gl_hg_span *s)
{
	struct gl_heapgraph *hg = b->hg;
	uint32_t v = s->first;
	begin(b, v);
	if (!s->nelems || !gl_hg_allocated(hg, v))
		return;
	const struct gl_hg_type *t = s->large_type ? gl_hg_type(hg, s->large_type) : NULL;
	if (!t || !t->mask) {
		hg->n.objects_unscanned++;
		return;
	}
	note_type(b, v, t);
	/* only the type's pointer bytes can hold pointers, per tile: read
	 * what the tiles' masks cover, by chunks */
	uint64_t end = s->elemsize;
	if (t->size == s->elemsize || t->size * 2 > s->elemsize)
		end = t->ptrbytes; /* one element: nothing after its last pointer */
	for (uint64_t at = 0; at < end && !gl_interrupted(hg->h.c); at += CHUNK) {
		uint64_t len = end - at < CHUNK ? end - at : CHUNK;
		struct gl_error *err = gl_mem_read_once(hg->h.c->mem, s->base + at, b->buf, len);
		if (err) {
			gl_error_destroy(err);
			hg->n.spans_unreadable++;
			return;
		}
		typed_words(b, t, 0, at, b->buf, len);
	}
}

static void scan_span(struct build *b, const struct gl_hg_span *s)
{
	struct gl_heapgraph *hg = b->hg;
	uint64_t span_bytes = 0;
	for (uint32_t k = 0; k < s->nelems; k++)
		begin(b, s->first + k);
	if (!s->nelems || s->kind == GL_PTRMAP_NOSCAN)
		return;
	if (s->kind == GL_PTRMAP_ARENA_BITMAP) {
		hg->n.spans_no_ptrmap++;
		return;
	}
	if (s->kind == GL_PTRMAP_LARGE_TYPE) {
		scan_large(b, s);
		return;
	}
	span_bytes = (uint64_t)s->nelems * s->elemsize;
	/* heap bits sit at the end of the span's last page */
	if (s->kind == GL_PTRMAP_SPAN_BITS)
		span_bytes = (uint64_t)s->npages * hg->h.page_size;
	if (span_bytes > SPAN_READ) {
		hg->n.spans_no_ptrmap++;
		return;
	}
	struct gl_error *err = gl_mem_read_once(hg->h.c->mem, s->base, b->buf, span_bytes);
	if (err) {
		gl_error_destroy(err);
		hg->n.spans_unreadable++;
		return;
	}
	if (s->kind == GL_PTRMAP_SPAN_BITS)
		scan_span_bits(b, s, span_bytes);
	else
		scan_headers(b, s);
}

/* The spans, sorted, with their first node ids. */
static struct gl_error *span_table(struct gl_ctx *c, struct build *b)
{
	struct gl_heapgraph *hg = b->hg;
	uint64_t *ptrs, total;
	size_t np;
	struct gl_error *err = gl_heap_allspans(&hg->h, &ptrs, &np, &total);
	if (err && !ptrs)
		return err;
	gl_error_destroy(err);
	err = gl_heap_read_spans(&hg->h, ptrs, np, take_span, b, &hg->n.spans_unreadable);
	free(ptrs);
	if (err)
		return err;
	if (gl_interrupted(c))
		return gl_error_create(GL_ERR_INTERRUPTED, "interrupted while reading the spans");
	if (b->n)
		qsort(b->spans, b->n, sizeof(*b->spans), cmp_span);
	uint64_t next = 0;
	for (size_t i = 0; i < b->n; i++) {
		/* spans that overlap the one before are corrupt: dropped */
		if (i && b->spans[i].base < b->spans[i - 1].base + (uint64_t)b->spans[i - 1].nelems * b->spans[i - 1].elemsize)
			b->spans[i].nelems = 0;
		b->spans[i].first = (uint32_t)next;
		next += b->spans[i].nelems;
		if (next > MAX_NODES)
			return gl_error_create(GL_ERR_LIMIT, "more than %u object slots in the heap", MAX_NODES);
	}
	hg->spans = b->spans;
	hg->nspans = (uint32_t)b->n;
	hg->nslots = (uint32_t)next;
	hg->n.spans = b->n;
	b->spans = NULL;
	return NULL;
}

struct gl_error *gl_heapgraph_build(struct gl_ctx *c, struct gl_heapgraph *hg)
{
	memset(hg, 0, sizeof(*hg));
	struct gl_error *err = gl_heap_init(c, &hg->h);
	if (err || (err = gl_heap_started(&hg->h)))
		return err;
	struct build b = {.hg = hg};
	if ((err = span_table(c, &b)) || (err = alloc_bits(c, hg)))
		goto fail;
	gl_hg_page_table(hg);
	b.offcap = (size_t)hg->nslots + 1;
	b.off = malloc(b.offcap * sizeof(*b.off));
	b.buf = malloc(SPAN_READ > CHUNK ? SPAN_READ : CHUNK);
	if (!b.off || !b.buf) {
		err = &gl_error_nomem;
		goto fail;
	}
	for (uint32_t i = 0; i < hg->nspans && !gl_interrupted(c) && !b.full; i++) {
		gl_progress(c, "spans scanned", i, hg->nspans);
		scan_span(&b, &hg->spans[i]);
	}
	if (gl_interrupted(c)) {
		err = gl_error_create(GL_ERR_INTERRUPTED, "interrupted while scanning the heap");
		goto fail;
	}
	if (b.full) {
		err = gl_error_create(GL_ERR_LIMIT, "more than %u pointers between objects (or out of memory)",
				      MAX_EDGES);
		goto fail;
	}
	b.off[hg->nslots] = (uint32_t)b.ndst;
	if ((err = gl_hg_add_roots(c, hg, &b.dst, &b.ndst, &b.dcap, &b.off, &b.offcap, gl_hg_stack_roots)))
		goto fail;
	free(b.buf);
	hg->g.off = b.off;
	hg->g.dst = b.dst;
	return NULL;
fail:
	free(b.buf);
	free(b.off);
	free(b.dst);
	free(b.spans);
	gl_heapgraph_deinit(hg);
	return err;
}

void gl_heapgraph_deinit(struct gl_heapgraph *hg)
{
	free(hg->spans);
	free(hg->alloc);
	free(hg->page_span);
	free(hg->roots);
	free(hg->names);
	free(hg->typed);
	gl_hg_types_deinit(hg);
	for (size_t i = 0; i < hg->ntypes; i++)
		free(hg->types[i].mask);
	free(hg->types);
	gl_digraph_deinit(&hg->g);
	gl_error_destroy(hg->stack_error);
	gl_error_destroy(hg->globals_error);
	memset(hg, 0, sizeof(*hg));
}


double gl_seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}
