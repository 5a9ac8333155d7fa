/* The heap graph: every slot of every in-use span as a node (the span
 * table sorted by address gives a slot's node as span.first + slot index,
 * no per-object record), the GC's roots as nodes after them, one super
 * root over all roots last, and the pointers between them as a CSR graph
 * (base/digraph.h). Built once per command:
 *   - objects (hg_build.c): each in-use span read in one piece, its
 *     allocated slots' pointer words found as the GC finds them (heap
 *     bits at the end of the span, the malloc header's type, largeType);
 *     a pointer into an object's interior is an edge to the object; a
 *     pointer to a free slot, into no span, or to a span golayout cannot
 *     index is counted, never followed;
 *   - roots (hg_roots.c): the modules' data and bss words the runtime's
 *     own pointer masks (moduledata.gcdatamask, gcbssmask) say are
 *     pointers, one root per global (named from the symbol table);
 *     finalizer, cleanup and weak-handle specials as markrootSpans scans
 *     them; the finalizer queue's blocks (runtime.allfin) as markroot
 *     scans them; each goroutine's stack pointer slots (runtime/stackslots.h),
 *     one root per frame variable.
 * Free slots are nodes without edges that nothing reaches. */
#ifndef GL_HEAPGRAPH_H
#define GL_HEAPGRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/digraph.h"
#include "runtime/heap.h"

struct gl_hg_span {
	uint64_t base, elemsize, mspan, large_type, alloc_bits;
	uint32_t first, nelems;   /* node ids [first, first + nelems) */
	uint32_t npages, freeindex;
	uint8_t kind;             /* enum gl_ptrmap_source of its objects */
	bool has_specials;
};

enum gl_hg_root_kind {
	GL_ROOT_GLOBAL,
	GL_ROOT_STACK,
	GL_ROOT_FINALIZER,        /* an object with a finalizer: what it points to, and the function */
	GL_ROOT_CLEANUP,
	GL_ROOT_WEAK_HANDLE,
	GL_ROOT_OTHER,
};

struct gl_hg_root {
	enum gl_hg_root_kind kind;
	uint64_t addr, size;      /* the root's words (a global, a stack variable's slots) */
	uint64_t object;          /* FINALIZER, CLEANUP, WEAK_HANDLE: the object the special is on */
	int64_t goid;             /* STACK */
	uint64_t pc;              /* STACK of a named variable: its frame's pc, to find its DWARF type */
	uint32_t name;            /* offset in the graph's names */
};

/* What the build counted and could not follow. */
struct gl_hg_counts {
	uint64_t spans, spans_unreadable, spans_no_ptrmap, objects, bytes, pointers, edges;
	uint64_t to_free_slot, outside_heap, types_unreadable, objects_unscanned;
	uint64_t global_words, global_pointers, specials, specials_unreadable;
	uint64_t goroutines, stack_slots, frames_unscanned, goroutines_unscanned;
	bool stacks;              /* stack roots were scanned */
	bool globals;             /* the modules' masks were read */
};

struct gl_hg_type {
	uint64_t tp;              /* the type descriptor */
	uint64_t size, ptrbytes;
	unsigned char *mask;      /* NULL: not decoded */
	bool tried;
};

struct gl_heapgraph {
	struct gl_heap h;
	struct gl_hg_span *spans;
	uint32_t nspans;
	uint32_t nslots;          /* object nodes [0, nslots) */
	unsigned char *alloc;     /* a bit per slot node: allocated */
	/* address -> span: per page from page_lo, span index + 1 (0: none);
	 * NULL for a heap too sparse for it (then a binary search) */
	uint32_t *page_span;
	uint64_t page_lo, npage_span;
	struct gl_hg_root *roots; /* node nslots + i */
	uint32_t nroots;
	uint32_t super;           /* the super root: nslots + nroots */
	struct gl_digraph g;      /* its edges go into the dominator tree (gl_domtree_build): gone after it */
	char *names;              /* root names, NUL-separated */
	size_t names_len, names_cap;
	/* the type of each object with a malloc header or a largeType:
	 * (node, index in types), sorted by node */
	uint32_t (*typed)[2];
	size_t ntyped, typed_cap;
	struct gl_hg_type *types;
	size_t ntypes, types_cap, last_type;
	/* types inferred along DWARF-typed pointers for objects the heap
	 * records none for (hg_types.c): (node, index in itypes), sorted by
	 * node; empty unless gl_hg_infer_types ran */
	uint32_t (*inferred)[2];
	size_t ninferred, inferred_cap;
	struct gl_type **itypes;
	size_t nitypes, itypes_cap;
	struct gl_hg_counts n;
	struct gl_error *globals_error; /* why global roots are missing, if they are */
	struct gl_error *stack_error;   /* why stack roots are missing, if they are */
};

/* Seconds since t0 (CLOCK_MONOTONIC), for the answers' timing line. */
struct timespec;
double gl_seconds_since(const struct timespec *t0);

/* Build the graph of the process's heap. On error nothing is kept. */
struct gl_error *gl_heapgraph_build(struct gl_ctx *c, struct gl_heapgraph *hg);
void gl_heapgraph_deinit(struct gl_heapgraph *hg);

/* The allocated object holding addr: its node, or GL_DG_NONE (*why: "free
 * slot", "not in an in-use span"...). */
uint32_t gl_hg_object_at(const struct gl_heapgraph *hg, uint64_t addr, const char **why);
/* Whether slot node v is allocated. */
static inline bool gl_hg_allocated(const struct gl_heapgraph *hg, uint32_t v)
{
	return hg->alloc[v / 8] >> (v % 8) & 1;
}
/* The span of an object node. */
const struct gl_hg_span *gl_hg_span_of(const struct gl_heapgraph *hg, uint32_t node);
/* An object node's address and slot size. */
uint64_t gl_hg_addr(const struct gl_heapgraph *hg, uint32_t node);
uint64_t gl_hg_size(const struct gl_heapgraph *hg, uint32_t node);
static inline bool gl_hg_is_root(const struct gl_heapgraph *hg, uint32_t node)
{
	return node >= hg->nslots && node < hg->super;
}
static inline const struct gl_hg_root *gl_hg_root(const struct gl_heapgraph *hg, uint32_t node)
{
	return &hg->roots[node - hg->nslots];
}
static inline const char *gl_hg_root_name(const struct gl_heapgraph *hg, const struct gl_hg_root *r)
{
	return hg->names + r->name;
}
/* The type descriptor of an object (its malloc header or largeType), 0
 * when the heap does not record one. */
uint64_t gl_hg_type_of(const struct gl_heapgraph *hg, uint32_t node);
/* Type the objects the heap records no type for from the DWARF types of
 * the globals and stack variables, and of the objects the heap has types
 * for, breadth-first along typed pointers (hg_types.c); then
 * gl_hg_inferred_type answers (NULL: no type inferred). */
void gl_hg_infer_types(struct gl_heapgraph *hg);
const struct gl_type *gl_hg_inferred_type(const struct gl_heapgraph *hg, uint32_t node);
void gl_hg_types_deinit(struct gl_heapgraph *hg);
/* A pointer-sized word's target node (GL_DG_NONE: not an allocated object). */
uint32_t gl_hg_resolve(struct gl_heapgraph *hg, uint64_t v);

/* ---- internal to the builder (hg_build.c, hg_roots.c) ---------------- */

/* Build page_span from the sorted spans (when the heap is dense enough). */
void gl_hg_page_table(struct gl_heapgraph *hg);
/* The type descriptor's GC mask, read once per type. */
const struct gl_hg_type *gl_hg_type(struct gl_heapgraph *hg, uint64_t tp);
/* Append a name, returning its offset ((uint32_t)-1 when out of memory). */
uint32_t gl_hg_add_name(struct gl_heapgraph *hg, const char *name);
/* Roots being added: a new root node (its edges start), an edge of the
 * last one opened (GL_DG_NONE ignored). */
struct gl_hg_roots;
struct gl_hg_root *gl_hg_open_root(struct gl_hg_roots *r, enum gl_hg_root_kind kind, const char *name);
void gl_hg_root_edge(struct gl_hg_roots *r, uint32_t to);
/* Each live goroutine's stack pointer slots as roots (hg_stacks.c). */
void gl_hg_stack_roots(struct gl_ctx *c, struct gl_heapgraph *hg, struct gl_hg_roots *r);
/* The roots, after the objects' edges: append their nodes and edges;
 * more() adds further roots (the stacks) before the super root. */
typedef void (*gl_hg_more_roots)(struct gl_ctx *c, struct gl_heapgraph *hg, struct gl_hg_roots *r);
struct gl_error *gl_hg_add_roots(struct gl_ctx *c, struct gl_heapgraph *hg, uint32_t **dst, size_t *ndst,
				 size_t *cap, uint32_t **off, size_t *offcap, gl_hg_more_roots more);

#endif
