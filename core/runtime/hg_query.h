/* Questions to the heap graph (heapgraph.h), as typed models for
 * doc/heapgraph_doc.c and render/heapgraph_text.c:
 *   why:     the shortest path from a root to an object (breadth-first
 *            from the super root), each hop named, and how many roots
 *            reach the object (exact: a walk of the reverse graph from it);
 *   retains: the object's retained size in the dominator tree (what is
 *            reachable only through it) and its largest dominated children;
 *   top:     the roots (or types, or allocation sites) retaining most. */
#ifndef GL_HG_QUERY_H
#define GL_HG_QUERY_H

#include "runtime/heapgraph.h"

#define GL_HG_NAME 256

struct gl_hg_obj {
	uint64_t slot, data, size;  /* slot start, the data's start (after a malloc header), slot size */
	char type[GL_HG_NAME];      /* from the malloc header or largeType, "" if unknown */
	bool inferred;              /* type inferred from the roots' DWARF types (hg_types.c) */
};

struct gl_hg_hop {
	uint64_t offset;            /* of the pointer word in the previous object's data (or the root) */
	char via[GL_HG_NAME];       /* "main.T.next", "main.cache+0x10", "+0x18" */
	struct gl_hg_obj to;
};

/* What the graph holds, shown with every answer. */
struct gl_hg_summary {
	struct gl_hg_counts n;
	uint32_t roots;
	uint64_t reachable_objects, reachable_bytes;
	bool have_reachable;
	/* why those roots are missing ("" when not): copies, since the
	 * answer outlives the graph */
	char globals_error[GL_HG_NAME], stack_error[GL_HG_NAME];
};

struct gl_hg_why {
	struct gl_hg_obj obj;
	bool reachable;
	char root[GL_HG_NAME];
	const char *root_kind;
	struct gl_hg_hop *hops;     /* hops[0]: root -> first object; the last is obj */
	size_t nhops;
	int64_t roots_reaching;     /* -1: not counted */
	struct gl_hg_summary sum;
};

struct gl_hg_child {
	struct gl_hg_obj obj;
	uint64_t retained, objects;
};

struct gl_hg_retains {
	struct gl_hg_obj obj;
	bool reachable;
	uint64_t retained, objects;
	char dominator[GL_HG_NAME];  /* the immediate dominator: a root name, an object, "several roots" */
	struct gl_hg_child *children; /* largest first */
	size_t nchildren, total_children;
	struct gl_hg_summary sum;
};

struct gl_hg_top_row {
	char name[GL_HG_NAME];
	const char *kind;           /* the root kind, "type" or "site" */
	bool inferred;              /* --by type: a type inferred from the roots' DWARF types */
	uint64_t retained, objects; /* dominated bytes and objects */
	uint64_t count, bytes;      /* --by type|site: objects of the row and their own bytes */
	/* --by site: the allocating frame; function "" for the rows of
	 * objects not sampled and of buckets that could not be decoded */
	char function[GL_HG_NAME];
	char file[GL_HG_NAME];
	int64_t line;
};

enum gl_hg_by { GL_HG_BY_ROOT, GL_HG_BY_TYPE, GL_HG_BY_SITE };

struct gl_hg_top {
	enum gl_hg_by by;
	bool has_rate;              /* --by site: runtime.MemProfileRate was read */
	int64_t mem_profile_rate;
	struct gl_hg_top_row *rows;
	size_t nrows, total_rows;
	uint64_t shared_objects, shared_bytes; /* reachable from several roots: no single root retains them */
	uint64_t unreachable_objects, unreachable_bytes; /* allocated, reached by no root */
	struct gl_hg_summary sum;
};

struct gl_error *gl_hg_why(struct gl_heapgraph *hg, uint64_t addr, struct gl_hg_why *out);
struct gl_error *gl_hg_retains(struct gl_heapgraph *hg, uint64_t addr, size_t max_children,
			       struct gl_hg_retains *out);
struct gl_error *gl_hg_top(struct gl_heapgraph *hg, enum gl_hg_by by, size_t max_rows, struct gl_hg_top *out);
/* --by site: one row per allocating frame (function, file, line: the
 * buckets of one site differ by size and outer stack), a row for objects
 * without a profile special and one for buckets that could not be
 * decoded; (*row_of)[v] is object node v's row (hg_sites.c). */
struct gl_error *gl_hg_site_rows(struct gl_heapgraph *hg, struct gl_hg_top_row **rows, size_t *nrows,
				 uint32_t **row_of);
/* --by type's rows (hg_types.c): node's row, [0, ntypes) the heap's
 * types, then the inferred ones, last the untyped objects; an inferred
 * type's row name. */
size_t gl_hg_type_row(const struct gl_heapgraph *hg, uint32_t node);
void gl_hg_inferred_row_name(const struct gl_heapgraph *hg, size_t i, struct gl_hg_top_row *row);
void gl_hg_why_deinit(struct gl_hg_why *w);
void gl_hg_retains_deinit(struct gl_hg_retains *r);
void gl_hg_top_deinit(struct gl_hg_top *t);
const char *gl_hg_root_kind_name(enum gl_hg_root_kind k);

#endif
