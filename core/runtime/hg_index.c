/* Looking objects up in the heap graph: the sorted span table and slot
 * arithmetic (address -> node), node -> address, size, type; and the
 * graph's name store. */
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/heapgraph.h"

#define MAX_PAGE_TABLE (16u << 20) /* pages the address -> span table covers at most (64 MiB) */

void gl_hg_page_table(struct gl_heapgraph *hg)
{
	if (!hg->nspans)
		return;
	const struct gl_hg_span *last = &hg->spans[hg->nspans - 1];
	uint64_t ps = hg->h.page_size, lo = hg->spans[0].base / ps * ps;
	uint64_t hi = last->base + (uint64_t)last->nelems * last->elemsize;
	uint64_t n = (hi - lo + ps - 1) / ps;
	if (!ps || hi < lo || n > MAX_PAGE_TABLE || !(hg->page_span = calloc(n ? n : 1, sizeof(*hg->page_span))))
		return; /* a sparse heap: binary search only */
	hg->page_lo = lo;
	hg->npage_span = n;
	for (uint32_t i = 0; i < hg->nspans; i++) {
		const struct gl_hg_span *s = &hg->spans[i];
		uint64_t end = s->base + (uint64_t)s->nelems * s->elemsize;
		for (uint64_t a = s->base / ps * ps; a < end; a += ps)
			hg->page_span[(a - lo) / ps] = i + 1;
	}
}

/* The span holding addr (in its slots), or NULL: through the page
 * table when there is one, else a binary search of the sorted spans. */
static const struct gl_hg_span *span_at(const struct gl_heapgraph *hg, uint64_t addr)
{
	if (hg->page_span) {
		uint64_t k = (addr - hg->page_lo) / hg->h.page_size;
		if (addr < hg->page_lo || k >= hg->npage_span || !hg->page_span[k])
			return NULL;
		const struct gl_hg_span *s = &hg->spans[hg->page_span[k] - 1];
		return addr >= s->base && addr - s->base < (uint64_t)s->nelems * s->elemsize ? s : NULL;
	}
	uint32_t lo = 0, hi = hg->nspans;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (hg->spans[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct gl_hg_span *s = &hg->spans[lo - 1];
	return addr - s->base < (uint64_t)s->nelems * s->elemsize ? s : NULL;
}

uint32_t gl_hg_object_at(const struct gl_heapgraph *hg, uint64_t addr, const char **why)
{
	const struct gl_hg_span *s = span_at(hg, addr);
	if (!s) {
		*why = "not in an object slot of an in-use span";
		return GL_DG_NONE;
	}
	uint32_t v = s->first + (uint32_t)((addr - s->base) / s->elemsize);
	if (!gl_hg_allocated(hg, v)) {
		*why = "a free slot";
		return GL_DG_NONE;
	}
	return v;
}

uint32_t gl_hg_resolve(struct gl_heapgraph *hg, uint64_t v)
{
	const struct gl_hg_span *s = span_at(hg, v);
	if (!s) {
		hg->n.outside_heap++;
		return GL_DG_NONE;
	}
	uint32_t node = s->first + (uint32_t)((v - s->base) / s->elemsize);
	if (!gl_hg_allocated(hg, node)) {
		hg->n.to_free_slot++;
		return GL_DG_NONE;
	}
	return node;
}

const struct gl_hg_span *gl_hg_span_of(const struct gl_heapgraph *hg, uint32_t node)
{
	uint32_t lo = 0, hi = hg->nspans;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (hg->spans[mid].first <= node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &hg->spans[lo - 1] : NULL;
}

uint64_t gl_hg_addr(const struct gl_heapgraph *hg, uint32_t node)
{
	const struct gl_hg_span *s = gl_hg_span_of(hg, node);
	return s ? s->base + (uint64_t)(node - s->first) * s->elemsize : 0;
}

uint64_t gl_hg_size(const struct gl_heapgraph *hg, uint32_t node)
{
	if (node >= hg->nslots || !gl_hg_allocated(hg, node))
		return 0;
	const struct gl_hg_span *s = gl_hg_span_of(hg, node);
	return s ? s->elemsize : 0;
}

uint64_t gl_hg_type_of(const struct gl_heapgraph *hg, uint32_t node)
{
	size_t lo = 0, hi = hg->ntyped;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (hg->typed[mid][0] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < hg->ntyped && hg->typed[lo][0] == node ? hg->types[hg->typed[lo][1]].tp : 0;
}

const struct gl_hg_type *gl_hg_type(struct gl_heapgraph *hg, uint64_t tp)
{
	/* types are few (hundreds): the last one hit first, then a scan */
	size_t last = hg->last_type;
	if (last < hg->ntypes && hg->types[last].tp == tp)
		return &hg->types[last];
	for (size_t i = 0; i < hg->ntypes; i++)
		if (hg->types[i].tp == tp)
			return &hg->types[hg->last_type = i];
	struct gl_hg_type *t = GL_ARRAY_PUSH(hg->types, hg->ntypes, hg->types_cap, 64);
	if (!t)
		return NULL;
	t->tp = tp;
	t->tried = true;
	struct gl_ptrmap pm;
	memset(&pm, 0, sizeof(pm));
	struct gl_error *err = gl_heap_type_mask(&hg->h, tp, &pm, &t->mask);
	if (err) {
		gl_error_destroy(err);
		hg->n.types_unreadable++;
		t->mask = NULL;
	}
	t->size = pm.type_size;
	t->ptrbytes = pm.type_ptrbytes;
	hg->last_type = hg->ntypes - 1;
	return t;
}

uint32_t gl_hg_add_name(struct gl_heapgraph *hg, const char *name)
{
	size_t len = strlen(name) + 1;
	while (hg->names_len + len > hg->names_cap) {
		size_t nc = hg->names_cap ? hg->names_cap * 2 : 4096;
		char *nn = realloc(hg->names, nc);
		if (!nn)
			return (uint32_t)-1;
		hg->names = nn;
		hg->names_cap = nc;
	}
	if (hg->names_len + len > UINT32_MAX)
		return (uint32_t)-1;
	memcpy(hg->names + hg->names_len, name, len);
	uint32_t at = (uint32_t)hg->names_len;
	hg->names_len += len;
	return at;
}
