/* A directed graph in compressed sparse row form (u32 node ids, u32 edge
 * offsets) and the algorithms the heap graph needs on millions of nodes:
 * the reverse graph, a breadth-first shortest path, reachability
 * backwards, and the dominator tree with retained sizes. Every algorithm
 * is iterative (explicit stacks and queues: no recursion however deep the
 * graph) and allocates a few u32 arrays of the node count, nothing per
 * node. A `stop` callback (may be NULL) is polled now and then: when it
 * returns true the algorithm gives up and says so. */
#ifndef GL_DIGRAPH_H
#define GL_DIGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GL_DG_NONE UINT32_MAX

struct gl_digraph {
	uint32_t n;            /* nodes */
	uint32_t *off;         /* n + 1 offsets into dst */
	uint32_t *dst;         /* off[n] edge targets */
};

typedef bool (*gl_dg_stop_fn)(void *arg);

static inline uint32_t gl_dg_degree(const struct gl_digraph *g, uint32_t v)
{
	return g->off[v + 1] - g->off[v];
}

void gl_digraph_deinit(struct gl_digraph *g);
/* The graph with every edge turned round. False when out of memory. */
bool gl_digraph_reverse(const struct gl_digraph *g, struct gl_digraph *rev);

/* Breadth-first from src: parent[v] is the node v was first reached from
 * (GL_DG_NONE: unreached; parent[src] = src). Stops once `target` is
 * reached (GL_DG_NONE: never). parent has g->n entries. Returns false when
 * stopped or out of memory. */
bool gl_digraph_bfs(const struct gl_digraph *g, uint32_t src, uint32_t target, uint32_t *parent,
		    gl_dg_stop_fn stop, void *arg);

/* How many nodes with id >= first_counted reach v (v itself included if it
 * is one), walking rev (the reverse graph) from v. -1: stopped or out of
 * memory. */
int64_t gl_digraph_count_reaching(const struct gl_digraph *rev, uint32_t v, uint32_t first_counted,
				  uint32_t last_counted, gl_dg_stop_fn stop, void *arg);

/* The dominator tree of the nodes reachable from root. */
struct gl_domtree {
	uint32_t n;
	uint32_t *idom;        /* immediate dominator; GL_DG_NONE: unreachable; idom[root] = root */
	uint32_t *order;       /* the reachable nodes in DFS preorder (order[0] = root): a
				* dominator before the nodes it dominates */
	uint32_t reached;      /* entries of order */
};

/* Semi-NCA (Georgiadis and Tarjan's simplification of Lengauer-Tarjan:
 * semidominators with path compression, then each idom by walking up
 * the DFS tree from the parent), iterative throughout, over preorder
 * numbers. Consumes g: its edges are reused in place (turned round into
 * the predecessor lists the semidominators need) and freed, so that the
 * edges are never held twice; afterwards g has its node count only,
 * whether the tree was built or not. Returns false when stopped or out
 * of memory (*why says which). */
bool gl_domtree_build(struct gl_digraph *g, uint32_t root, struct gl_domtree *t, gl_dg_stop_fn stop, void *arg,
		      const char **why);
void gl_domtree_deinit(struct gl_domtree *t);

/* Retained sizes: retained[v] = size(v) + the retained sizes of the
 * nodes v immediately dominates (0 for unreachable nodes); count[v] the
 * same in nodes (may be NULL). */
typedef uint64_t (*gl_dg_size_fn)(void *arg, uint32_t v);
void gl_domtree_retained(const struct gl_domtree *t, gl_dg_size_fn size, void *arg, uint64_t *retained,
			 uint32_t *count);

#endif
