/* Types of heap objects the heap does not record (objects without a
 * malloc header: small ones), inferred along DWARF-typed pointers from
 * the roots, as viewcore does: a global's DWARF type (or a stack
 * variable's, in its frame at the frame's pc) says what its
 * pointer words point to (*T: a T; []T: an array of T; a map: its
 * runtime map struct; a chan: its hchan, and its ring buffer an array of
 * its elements; an interface: its dynamic type
 * from the type word or itab), and each object so typed says the same of
 * its own pointer words, breadth-first from the roots.
 *
 * Rules: a heap-recorded type (malloc header, largeType) is never
 * overridden; a *T
 * types only an object it points to the start of, T no larger than the
 * slot; a []T or string may point inside the object, at a multiple of
 * T's size; an object of a type with pointers is never typed in a noscan
 * span. Conflicts: the first type wins. The walk is breadth-first, so
 * that type is the one along the shortest typed path from a root, the
 * path --why shows; a later candidate is not better evidence (a *T to
 * a struct's first field T fits as well as the struct), and re-typing an
 * object after its children were typed from it would need the walk
 * undone. The globals' reach is walked first, then from the objects
 * the heap has types for (their DWARF twins), then on from what those
 * typed. Bounded: a visited bit per slot, MAX_TYPED objects, a read per
 * span (a large span's one object in pieces of SPAN_CACHE bytes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "gotypes/rtype.h"
#include "runtime/hg_query.h"
#include "target/dwarfinfo.h"

#define MAX_TYPED (1u << 26)      /* objects typed at most */
#define MAX_DEPTH 24              /* nested struct/array levels walked in one value */
#define MAX_GLOBAL (16u << 20)    /* bytes of one global walked */
#define SPAN_CACHE (64u << 10)    /* spans up to this are read whole, once */

struct infer {
	struct gl_heapgraph *hg;
	unsigned char *seen;          /* a bit per slot: typed (here or by the heap) or refused */
	unsigned char *buf;           /* the cached span's bytes */
	uint64_t buf_base, buf_len;
	size_t last;                  /* itypes index hit last */
	uint32_t only_from;           /* not GL_DG_NONE: type only this root's edges (live stack slots) */
	bool full;
};

static size_t type_index(struct infer *in, struct gl_type *t)
{
	struct gl_heapgraph *hg = in->hg;
	if (in->last < hg->nitypes && hg->itypes[in->last] == t)
		return in->last;
	for (size_t i = 0; i < hg->nitypes; i++)
		if (hg->itypes[i] == t)
			return in->last = i;
	struct gl_type **p = GL_ARRAY_PUSH(hg->itypes, hg->nitypes, hg->itypes_cap, 64);
	if (!p)
		return SIZE_MAX;
	*p = t;
	return in->last = hg->nitypes - 1;
}

/* The word v typed t: its object typed t when the rules allow. elems:
 * v may point at any element of an array of t. */
static void target(struct infer *in, struct gl_type *t, uint64_t v, bool elems)
{
	struct gl_heapgraph *hg = in->hg;
	if (!v || !t || !t->size || in->full)
		return;
	struct gl_hg_counts saved = hg->n; /* resolving again counts nothing new */
	uint32_t node = gl_hg_resolve(hg, v);
	hg->n = saved;
	if (node == GL_DG_NONE || node >= hg->nslots || (in->seen[node / 8] >> (node % 8) & 1))
		return;
	if (in->only_from != GL_DG_NONE) {
		bool live = false;
		for (uint32_t e = hg->g.off[in->only_from]; e < hg->g.off[in->only_from + 1] && !live; e++)
			live = hg->g.dst[e] == node;
		if (!live)
			return; /* a dead slot's stale word: its object may be another's now */
	}
	const struct gl_hg_span *s = gl_hg_span_of(hg, node);
	if (!s)
		return;
	uint64_t slot = s->base + (uint64_t)(node - s->first) * s->elemsize, off = v - slot;
	if (t->size > s->elemsize || (elems ? off % t->size : off) || s->kind == GL_PTRMAP_HEADER ||
	    s->kind == GL_PTRMAP_LARGE_TYPE || (s->kind == GL_PTRMAP_NOSCAN && gl_type_has_pointers(t)))
		return; /* not where a t starts, or the heap's own type says (or would) */
	in->seen[node / 8] |= (unsigned char)(1u << (node % 8));
	size_t ti = type_index(in, t);
	if (ti == SIZE_MAX || hg->ninferred >= MAX_TYPED ||
	    !GL_ARRAY_RESERVE(hg->inferred, hg->inferred_cap, hg->ninferred, 1024)) {
		in->full = true;
		return;
	}
	hg->inferred[hg->ninferred][0] = node;
	hg->inferred[hg->ninferred][1] = (uint32_t)ti;
	hg->ninferred++;
}

static const struct gl_type *field_type(const struct gl_type *t, size_t i)
{
	return i < t->nfields ? t->fields[i].type : NULL;
}

static void walk(struct infer *in, struct gl_type *t, const unsigned char *b, uint64_t len, uint64_t off, int depth);

/* A swiss map's header (the linker's map<K,V> copy of the runtime's
 * Map): DWARF types dirPtr **table<K,V>, yet with dirLen 0 it points to
 * one group<K,V> (a small map). False: t is no such header. */
static bool swiss_header(struct infer *in, struct gl_type *t, const unsigned char *b, uint64_t len, uint64_t off)
{
	const struct gl_field *dir = gl_type_field(t, "dirPtr"), *dlen = gl_type_field(t, "dirLen");
	if (!dir || !dlen || !dir->type || dir->type->kind != GL_K_POINTER || !dlen->type)
		return false;
	unsigned ps = in->hg->h.ptr;
	if (off + dir->offset + ps > len || off + dlen->offset + dlen->type->size > len || dlen->type->size > 8)
		return true;
	uint64_t p = gl_get_uint(b + off + dir->offset, ps), n = gl_get_uint(b + off + dlen->offset, (unsigned)dlen->type->size);
	struct gl_type *table = dir->type->elem && dir->type->elem->kind == GL_K_POINTER ? dir->type->elem->elem : NULL;
	if (n) {
		target(in, dir->type->elem, p, false); /* the directory: an array of *table */
		return true;
	}
	/* the group type as the table's groups reference names it */
	const struct gl_field *groups = table ? gl_type_field(table, "groups") : NULL;
	const struct gl_field *data = groups && groups->type ? gl_type_field(groups->type, "data") : NULL;
	if (data && data->type && data->type->kind == GL_K_POINTER)
		target(in, data->type->elem, p, false);
	return true;
}

/* A channel's ring of elements, its hchan's buf: a []T's array. The
 * hchan's DWARF type says buf is an unsafe.Pointer; the channel's type
 * knows T. (A ring of pointer-free elements is in the hchan's own
 * allocation, which is typed already: nothing to do.) */
static void chan_buffer(struct infer *in, const struct gl_type *t, uint64_t hchan)
{
	uint64_t buf = 0;
	if (hchan && t->elem && gl_type_has_pointers(t->elem) &&
	    gl_heap_read_field(&in->hg->h, hchan, GL_RTF_HCHAN_BUF, &buf))
		target(in, t->elem, buf, true);
}

/* The pointer words of a value of type t at b[off, off + t->size) (len
 * bytes in b) as targets. */
static void walk(struct infer *in, struct gl_type *t, const unsigned char *b, uint64_t len, uint64_t off, int depth)
{
	struct gl_heapgraph *hg = in->hg;
	unsigned ps = hg->h.ptr;
	if (!t || depth > MAX_DEPTH || off + t->size > len || in->full || !gl_type_has_pointers(t))
		return;
	const struct gl_type *ft;
	uint64_t w = off + ps <= len ? gl_get_uint(b + off, ps) : 0;
	switch (t->kind) {
	case GL_K_POINTER:
		target(in, t->elem, w, false);
		break;
	case GL_K_MAP:
		target(in, t->target, w, false); /* the runtime's map struct */
		break;
	case GL_K_CHAN:
		target(in, t->target, w, false); /* the hchan */
		chan_buffer(in, t, w);
		break;
	case GL_K_SLICE:
		target(in, t->elem, w, true);
		break;
	case GL_K_STRING:
		/* the bytes: str's *uint8 */
		if ((ft = field_type(t, 0)) && ft->kind == GL_K_POINTER)
			target(in, ft->elem, w, true);
		break;
	case GL_K_INTERFACE: {
		uint64_t tp;
		if (off + 2 * (uint64_t)ps > len)
			break;
		struct gl_type *dyn = gl_iface_dynamic_type(hg->h.c, t, b + off, &tp);
		uint64_t data = gl_get_uint(b + off + ps, ps);
		if (!dyn)
			break;
		if (gl_type_is_direct_iface(dyn))
			walk(in, dyn, b + off + ps, ps, 0, depth + 1); /* the data word is the value */
		else
			target(in, dyn, data, false); /* a boxed copy */
		break;
	}
	case GL_K_STRUCT:
		if (swiss_header(in, t, b, len, off))
			break;
		for (size_t i = 0; i < t->nfields && !in->full; i++)
			walk(in, t->fields[i].type, b, len, off + t->fields[i].offset, depth + 1);
		break;
	case GL_K_ARRAY:
		if (t->elem && t->elem->size)
			for (uint64_t i = 0; i < t->count && off + (i + 1) * t->elem->size <= len && !in->full; i++)
				walk(in, t->elem, b, len, off + i * t->elem->size, depth + 1);
		break;
	default:
		break; /* unsafe.Pointer, funcs: no type to give */
	}
}

static uint64_t span_bytes(const struct gl_heapgraph *hg, const struct gl_hg_span *s)
{
	/* the span's whole pages, as the build reads them: a read of less
	 * than two pages would go through (and stay in) the page cache */
	uint64_t span_len = (uint64_t)s->nelems * s->elemsize, pages = (uint64_t)s->npages * hg->h.page_size;
	return pages > span_len ? pages : span_len;
}

/* Object node v's bytes in its span's cached copy (a span of at most
 * SPAN_CACHE bytes, read whole once), or NULL: *len is the slot size.
 * A larger span holds one object, which walk_object reads in pieces. */
static const unsigned char *small_object_bytes(struct infer *in, const struct gl_hg_span *s, uint32_t v,
					       uint64_t *len)
{
	struct gl_heapgraph *hg = in->hg;
	uint64_t span_len = span_bytes(hg, s), off = (uint64_t)(v - s->first) * s->elemsize;
	if (in->buf_base != s->base || !in->buf_len) {
		in->buf_len = 0;
		struct gl_error *err = gl_mem_read_once(hg->h.c->mem, s->base, in->buf, span_len);
		if (err) {
			gl_error_destroy(err);
			return NULL;
		}
		in->buf_base = s->base;
		in->buf_len = span_len;
	}
	*len = s->elemsize;
	return in->buf + off;
}

/* The globals named in DWARF, walked by their variables' types. */
static void globals(struct infer *in)
{
	struct gl_heapgraph *hg = in->hg;
	struct gl_dwarf *dw = hg->h.c->t->dw;
	for (uint32_t i = 0; i < hg->nroots && !in->full && !gl_interrupted(hg->h.c); i++) {
		const struct gl_hg_root *r = &hg->roots[i];
		const char *name = gl_hg_root_name(hg, r);
		struct gl_type *t = NULL;
		uint64_t ga;
		if (r->kind != GL_ROOT_GLOBAL || strncmp(name, "global ", 7) || !dw ||
		    !gl_dwarf_find_global(dw, name + 7, &ga, &t) || !t || ga != r->addr || !t->size ||
		    t->size > MAX_GLOBAL)
			continue;
		unsigned char *b = malloc(t->size);
		struct gl_error *err = b ? gl_mem_read(hg->h.c->mem, ga, b, t->size) : NULL;
		if (b && !err)
			walk(in, t, b, t->size, 0, 0);
		gl_error_destroy(err);
		free(b);
	}
}

/* Walk object v as an array of t from its data's start (after a
 * malloc header): a slice's array holds many. A large object (a span of
 * its own: a []*T of 100,000) is read a piece of whole elements at a
 * time, SPAN_CACHE bytes or one element, so that every element types
 * what it points to. */
static void walk_object(struct infer *in, uint32_t v, struct gl_type *t)
{
	struct gl_heapgraph *hg = in->hg;
	const struct gl_hg_span *s = gl_hg_span_of(hg, v);
	if (!s || !t->size || !gl_type_has_pointers(t))
		return;
	uint64_t len, hdr = s->kind == GL_PTRMAP_HEADER ? (uint64_t)gl_heap_const(&hg->h, GL_RTC_MALLOC_HEADER_SIZE) : 0;
	if (span_bytes(hg, s) <= SPAN_CACHE) {
		const unsigned char *b = small_object_bytes(in, s, v, &len);
		for (uint64_t at = hdr; b && at + t->size <= len && !in->full; at += t->size)
			walk(in, t, b, len, at, 0);
		return;
	}
	if (t->size > MAX_GLOBAL)
		return;
	uint64_t slot = s->base + (uint64_t)(v - s->first) * s->elemsize;
	uint64_t piece = t->size <= SPAN_CACHE ? SPAN_CACHE / t->size * t->size : t->size;
	/* (an element larger than the cache gets a buffer of its own) */
	unsigned char *big = piece > SPAN_CACHE ? malloc(piece) : NULL, *buf = big ? big : in->buf;
	in->buf_len = 0; /* in->buf no longer holds a span */
	for (uint64_t at = hdr; buf && at + t->size <= s->elemsize && !in->full && !gl_interrupted(hg->h.c);
	     at += piece) {
		uint64_t n = s->elemsize - at < piece ? (s->elemsize - at) / t->size * t->size : piece;
		struct gl_error *err = gl_mem_read_once(hg->h.c->mem, slot + at, buf, n);
		if (err) {
			gl_error_destroy(err);
			break;
		}
		for (uint64_t e = 0; e + t->size <= n && !in->full; e += t->size)
			walk(in, t, buf, n, e, 0);
	}
	free(big);
}

static int cmp_node(const void *a, const void *b);

/* Breadth-first from *q: inferred[] is the queue, a level at a time,
 * each level sorted by node (types are given when found, so the order
 * within a level changes nothing) so that its objects are read span by
 * span, each span once. */
static void drain(struct infer *in, size_t *q)
{
	struct gl_heapgraph *hg = in->hg;
	while (*q < hg->ninferred && !in->full && !gl_interrupted(hg->h.c)) {
		size_t end = hg->ninferred;
		qsort(hg->inferred + *q, end - *q, sizeof(*hg->inferred), cmp_node);
		for (; *q < end && !in->full; ++*q) {
			if (*q % 4096 == 0 && gl_interrupted(hg->h.c))
				return;
			walk_object(in, hg->inferred[*q][0], hg->itypes[hg->inferred[*q][1]]);
		}
	}
}

/* The objects with a heap-recorded type, walked by that type's DWARF
 * twin (DW_AT_go_runtime_type): what they point to untyped gets typed
 * (a []*T's array has a malloc header, its T objects none). */
static void heap_typed(struct infer *in)
{
	struct gl_heapgraph *hg = in->hg;
	struct gl_dwarf *dw = hg->h.c->t->dw;
	uint64_t base = hg->h.types_base;
	struct gl_type **dt = calloc(hg->ntypes ? hg->ntypes : 1, sizeof(*dt));
	if (!dt || !dw || !base) {
		free(dt);
		return;
	}
	for (size_t i = 0; i < hg->ntypes; i++)
		if (hg->types[i].tp >= base && hg->types[i].mask)
			dt[i] = gl_dwarf_type_by_runtime_offset(dw, hg->types[i].tp - base);
	for (size_t i = 0; i < hg->ntyped && !in->full; i++) {
		if (i % 4096 == 0 && gl_interrupted(hg->h.c))
			break;
		struct gl_type *t = dt[hg->typed[i][1]];
		if (t && t->size)
			walk_object(in, hg->typed[i][0], t);
	}
	free(dt);
}

/* The variable named in a stack root's name ("... local buf", "... arg
 * &x"), or NULL. */
static const char *root_var(const char *name)
{
	const char *v = NULL;
	for (const char *p = strstr(name, " frame "); p && (p = strchr(p + 1, ' '));)
		if (!strncmp(p, " local ", 7) || !strncmp(p, " arg ", 5))
			v = strchr(p + 1, ' ') + 1;
	return v;
}

/* The stack roots of named variables, walked by the variables' DWARF
 * types (their frames' variables at the frame's pc); only the words the
 * stack maps say are live pointers (the root's edges) type anything. */
static void stack_roots(struct infer *in)
{
	struct gl_heapgraph *hg = in->hg;
	struct gl_dwarf *dw = hg->h.c->t->dw;
	struct gl_var_list vars = {0};
	uint64_t vars_pc = 0;
	for (uint32_t i = 0; dw && i < hg->nroots && !in->full && !gl_interrupted(hg->h.c); i++) {
		const struct gl_hg_root *r = &hg->roots[i];
		const char *var = r->kind == GL_ROOT_STACK && r->pc ? root_var(gl_hg_root_name(hg, r)) : NULL;
		if (!var)
			continue;
		if (r->pc != vars_pc) {
			gl_var_list_deinit(&vars);
			memset(&vars, 0, sizeof(vars));
			vars_pc = r->pc;
			const struct gl_func *f = gl_dwarf_func_at(dw, r->pc);
			if (f)
				gl_error_destroy(gl_dwarf_func_vars(dw, f, r->pc, &vars));
		}
		struct gl_type *t = NULL;
		for (size_t k = 0; k < vars.n; k++) /* a later one shadows an earlier */
			if (vars.v[k]->name && !strcmp(vars.v[k]->name, var))
				t = vars.v[k]->type;
		if (!t || !t->size || t->size > MAX_GLOBAL)
			continue;
		unsigned char *b = malloc(t->size);
		struct gl_error *err = b ? gl_mem_read(hg->h.c->mem, r->addr, b, t->size) : NULL;
		in->only_from = hg->nslots + i;
		if (b && !err)
			walk(in, t, b, t->size, 0, 0);
		in->only_from = GL_DG_NONE;
		gl_error_destroy(err);
		free(b);
	}
	gl_var_list_deinit(&vars);
}

static int cmp_node(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void gl_hg_infer_types(struct gl_heapgraph *hg)
{
	struct infer in = {.hg = hg, .only_from = GL_DG_NONE};
	in.seen = calloc((size_t)hg->nslots / 8 + 1, 1);
	in.buf = malloc(SPAN_CACHE);
	if (!in.seen || !in.buf)
		goto out;
	/* the heap's own types first: never overridden */
	for (size_t i = 0; i < hg->ntyped; i++)
		in.seen[hg->typed[i][0] / 8] |= (unsigned char)(1u << (hg->typed[i][0] % 8));
	/* the globals' reach first, then what the heap's typed objects
	 * point to: a global's type is the nearer evidence */
	globals(&in);
	stack_roots(&in);
	size_t q = 0;
	drain(&in, &q);
	heap_typed(&in);
	drain(&in, &q);
	if (hg->ninferred) {
		qsort(hg->inferred, hg->ninferred, sizeof(*hg->inferred), cmp_node);
		/* 8 bytes per typed object, no more: the array's growth room back */
		uint32_t (*fit)[2] = realloc(hg->inferred, hg->ninferred * sizeof(*hg->inferred));
		if (fit) {
			hg->inferred = fit;
			hg->inferred_cap = hg->ninferred;
		}
	}
out:
	free(in.seen);
	free(in.buf);
}

static int64_t lookup(const uint32_t (*tab)[2], size_t n, uint32_t node);

const struct gl_type *gl_hg_inferred_type(const struct gl_heapgraph *hg, uint32_t node)
{
	int64_t i = lookup((const uint32_t (*)[2])hg->inferred, hg->ninferred, node);
	return i >= 0 ? hg->itypes[i] : NULL;
}

void gl_hg_types_deinit(struct gl_heapgraph *hg)
{
	free(hg->inferred);
	free(hg->itypes);
	hg->inferred = NULL;
	hg->itypes = NULL;
	hg->ninferred = hg->nitypes = 0;
}

/* Binary search of a sorted (node, index) table: the index, or -1. */
static int64_t lookup(const uint32_t (*tab)[2], size_t n, uint32_t node)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tab[mid][0] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && tab[lo][0] == node ? (int64_t)tab[lo][1] : -1;
}

size_t gl_hg_type_row(const struct gl_heapgraph *hg, uint32_t node)
{
	int64_t i = lookup((const uint32_t (*)[2])hg->typed, hg->ntyped, node);
	if (i >= 0)
		return (size_t)i;
	i = lookup((const uint32_t (*)[2])hg->inferred, hg->ninferred, node);
	return i >= 0 ? hg->ntypes + (size_t)i : hg->ntypes + hg->nitypes;
}

void gl_hg_inferred_row_name(const struct gl_heapgraph *hg, size_t i, struct gl_hg_top_row *row)
{
	snprintf(row->name, sizeof(row->name), "%s", i < hg->nitypes && hg->itypes[i]->name ? hg->itypes[i]->name : "");
	row->inferred = true;
}
