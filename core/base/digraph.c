/* Graph algorithms on CSR graphs, iterative and in u32 arrays: see
 * digraph.h. */
#include <stdlib.h>
#include <string.h>

#include "base/digraph.h"

#define POLL 65536u /* nodes between two polls of stop() */

static bool stopped(gl_dg_stop_fn stop, void *arg, uint64_t i)
{
	return stop && i % POLL == 1 && stop(arg); /* the first step polls too */
}

void gl_digraph_deinit(struct gl_digraph *g)
{
	free(g->off);
	free(g->dst);
	memset(g, 0, sizeof(*g));
}

bool gl_digraph_reverse(const struct gl_digraph *g, struct gl_digraph *rev)
{
	memset(rev, 0, sizeof(*rev));
	uint32_t m = g->off[g->n];
	rev->n = g->n;
	rev->off = calloc((size_t)g->n + 1, sizeof(*rev->off));
	rev->dst = malloc((m ? m : 1) * sizeof(*rev->dst));
	if (!rev->off || !rev->dst) {
		gl_digraph_deinit(rev);
		return false;
	}
	/* in-degrees, then starts, then fill (off[v+1] is v's cursor) */
	for (uint32_t e = 0; e < m; e++)
		rev->off[g->dst[e] + 1]++;
	for (uint32_t v = 0; v < g->n; v++)
		rev->off[v + 1] += rev->off[v];
	uint32_t *cur = malloc(((size_t)g->n + 1) * sizeof(*cur));
	if (!cur) {
		gl_digraph_deinit(rev);
		return false;
	}
	memcpy(cur, rev->off, ((size_t)g->n + 1) * sizeof(*cur));
	for (uint32_t v = 0; v < g->n; v++)
		for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++)
			rev->dst[cur[g->dst[e]]++] = v;
	free(cur);
	return true;
}

bool gl_digraph_bfs(const struct gl_digraph *g, uint32_t src, uint32_t target, uint32_t *parent,
		    gl_dg_stop_fn stop, void *arg)
{
	for (uint32_t v = 0; v < g->n; v++)
		parent[v] = GL_DG_NONE;
	/* each node enters the queue once: n entries are enough */
	uint32_t *q = malloc((size_t)g->n * sizeof(*q));
	if (!q)
		return false;
	uint32_t head = 0, tail = 0;
	parent[src] = src;
	q[tail++] = src;
	bool ok = true;
	while (head < tail) {
		if (stopped(stop, arg, head + 1)) {
			ok = false;
			break;
		}
		uint32_t v = q[head++];
		if (v == target)
			break;
		for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
			uint32_t w = g->dst[e];
			if (parent[w] == GL_DG_NONE) {
				parent[w] = v;
				q[tail++] = w;
			}
		}
	}
	free(q);
	return ok;
}

int64_t gl_digraph_count_reaching(const struct gl_digraph *rev, uint32_t v, uint32_t first_counted,
				  uint32_t last_counted, gl_dg_stop_fn stop, void *arg)
{
	uint32_t *q = malloc((size_t)rev->n * sizeof(*q));
	unsigned char *seen = calloc((size_t)rev->n / 8 + 1, 1);
	int64_t count = -1;
	if (q && seen) {
		uint32_t head = 0, tail = 0;
		q[tail++] = v;
		seen[v / 8] |= (unsigned char)(1u << (v % 8));
		count = 0;
		while (head < tail) {
			if (stopped(stop, arg, head + 1)) {
				count = -1;
				break;
			}
			uint32_t x = q[head++];
			if (x >= first_counted && x <= last_counted)
				count++;
			for (uint32_t e = rev->off[x]; e < rev->off[x + 1]; e++) {
				uint32_t w = rev->dst[e];
				if (!(seen[w / 8] >> (w % 8) & 1)) {
					seen[w / 8] |= (unsigned char)(1u << (w % 8));
					q[tail++] = w;
				}
			}
		}
	}
	free(q);
	free(seen);
	return count;
}

/* Postorder numbers of the nodes reachable from root, by an iterative
 * DFS (a stack of nodes and of their next edge); t->order gets the
 * reverse postorder. po[v]: GL_DG_NONE unreached. */
static bool postorder(const struct gl_digraph *g, uint32_t root, uint32_t *po, struct gl_domtree *t,
		      gl_dg_stop_fn stop, void *arg)
{
	const uint32_t visiting = GL_DG_NONE - 1;
	uint32_t *sv = malloc((size_t)g->n * sizeof(*sv)), *se = malloc((size_t)g->n * sizeof(*se));
	if (!sv || !se) {
		free(sv);
		free(se);
		return false;
	}
	for (uint32_t v = 0; v < g->n; v++)
		po[v] = GL_DG_NONE;
	uint32_t sp = 0, next = 0;
	uint64_t steps = 0;
	bool ok = true;
	sv[sp] = root;
	se[sp++] = g->off[root];
	po[root] = visiting;
	while (sp) {
		if (stopped(stop, arg, ++steps)) {
			ok = false;
			break;
		}
		uint32_t v = sv[sp - 1];
		if (se[sp - 1] < g->off[v + 1]) {
			uint32_t w = g->dst[se[sp - 1]++];
			if (po[w] == GL_DG_NONE) {
				po[w] = visiting;
				sv[sp] = w;
				se[sp++] = g->off[w];
			}
			continue;
		}
		po[v] = next++;
		sp--;
	}
	free(sv);
	free(se);
	if (!ok)
		return false;
	t->reached = next;
	for (uint32_t v = 0; v < g->n; v++)
		if (po[v] != GL_DG_NONE)
			t->order[next - 1 - po[v]] = v;
	return true;
}

static uint32_t intersect(const uint32_t *idom, const uint32_t *po, uint32_t a, uint32_t b)
{
	while (a != b) {
		while (po[a] < po[b])
			a = idom[a];
		while (po[b] < po[a])
			b = idom[b];
	}
	return a;
}

bool gl_domtree_build(const struct gl_digraph *g, const struct gl_digraph *rev, uint32_t root,
		      uint32_t max_passes, struct gl_domtree *t, gl_dg_stop_fn stop, void *arg,
		      const char **why)
{
	memset(t, 0, sizeof(*t));
	*why = "out of memory";
	t->n = g->n;
	t->idom = malloc((size_t)g->n * sizeof(*t->idom));
	t->order = malloc((size_t)g->n * sizeof(*t->order));
	uint32_t *po = malloc((size_t)g->n * sizeof(*po));
	if (!t->idom || !t->order || !po || !postorder(g, root, po, t, stop, arg)) {
		if (t->idom && t->order && po)
			*why = "interrupted";
		free(po);
		gl_domtree_deinit(t);
		return false;
	}
	for (uint32_t v = 0; v < g->n; v++)
		t->idom[v] = GL_DG_NONE;
	t->idom[root] = root;
	bool changed = true;
	uint64_t steps = 0;
	while (changed) {
		if (t->passes++ >= max_passes) {
			*why = "the dominator iteration did not settle";
			break;
		}
		changed = false;
		for (uint32_t i = 1; i < t->reached; i++) {
			if (stopped(stop, arg, ++steps)) {
				*why = "interrupted";
				free(po);
				gl_domtree_deinit(t);
				return false;
			}
			uint32_t b = t->order[i], nd = GL_DG_NONE;
			for (uint32_t e = rev->off[b]; e < rev->off[b + 1]; e++) {
				uint32_t p = rev->dst[e];
				if (po[p] == GL_DG_NONE || t->idom[p] == GL_DG_NONE)
					continue; /* unreached, or not yet processed */
				nd = nd == GL_DG_NONE ? p : intersect(t->idom, po, p, nd);
			}
			if (nd != GL_DG_NONE && t->idom[b] != nd) {
				t->idom[b] = nd;
				changed = true;
			}
		}
	}
	free(po);
	if (changed) {
		gl_domtree_deinit(t);
		return false;
	}
	return true;
}

void gl_domtree_deinit(struct gl_domtree *t)
{
	free(t->idom);
	free(t->order);
	memset(t, 0, sizeof(*t));
}

void gl_domtree_retained(const struct gl_domtree *t, gl_dg_size_fn size, void *arg, uint64_t *retained,
			 uint32_t *count)
{
	memset(retained, 0, (size_t)t->n * sizeof(*retained));
	if (count)
		memset(count, 0, (size_t)t->n * sizeof(*count));
	for (uint32_t i = 0; i < t->reached; i++) {
		uint32_t v = t->order[i];
		retained[v] = size(arg, v);
		if (count)
			count[v] = 1;
	}
	/* in reverse postorder a dominator comes before what it dominates:
	 * backwards, each node is complete when it is added to its idom */
	for (uint32_t i = t->reached; i-- > 1;) {
		uint32_t v = t->order[i], d = t->idom[v];
		retained[d] += retained[v];
		if (count)
			count[d] += count[v];
	}
}
