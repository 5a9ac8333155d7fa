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

/* Preorder numbers of the nodes reachable from root by an iterative DFS
 * (a stack of nodes and of their next edge): pre[v] (GL_DG_NONE:
 * unreached), vertex[i] the node numbered i, parent[i] the number of its
 * DFS parent. */
static bool preorder(const struct gl_digraph *g, uint32_t root, uint32_t *pre, uint32_t *vertex,
		     uint32_t *parent, uint32_t *reached, gl_dg_stop_fn stop, void *arg)
{
	uint32_t *sv = malloc((size_t)g->n * sizeof(*sv)), *se = malloc((size_t)g->n * sizeof(*se));
	if (!sv || !se) {
		free(sv);
		free(se);
		return false;
	}
	for (uint32_t v = 0; v < g->n; v++)
		pre[v] = GL_DG_NONE;
	uint32_t sp = 0, next = 0;
	uint64_t steps = 0;
	bool ok = true;
	pre[root] = next;
	vertex[next] = root;
	parent[next++] = 0;
	sv[sp] = root;
	se[sp++] = g->off[root];
	while (sp) {
		if (stopped(stop, arg, ++steps)) {
			ok = false;
			break;
		}
		uint32_t v = sv[sp - 1];
		if (se[sp - 1] < g->off[v + 1]) {
			uint32_t w = g->dst[se[sp - 1]++];
			if (pre[w] == GL_DG_NONE) {
				pre[w] = next;
				vertex[next] = w;
				parent[next++] = pre[v];
				sv[sp] = w;
				se[sp++] = g->off[w];
			}
			continue;
		}
		sp--;
	}
	free(sv);
	free(se);
	*reached = next;
	return ok;
}

/* eval of Lengauer-Tarjan with path compression, iteratively: the number
 * with the smallest semi on v's path of linked ancestors. */
static uint32_t eval(uint32_t v, uint32_t *anc, uint32_t *label, const uint32_t *semi, uint32_t *stk)
{
	if (anc[v] == GL_DG_NONE)
		return v;
	uint32_t sp = 0, x = v;
	/* the nodes whose ancestor's ancestor is linked: compressed */
	while (anc[anc[x]] != GL_DG_NONE) {
		stk[sp++] = x;
		x = anc[x];
	}
	/* from the top down, each takes its ancestor's label when smaller */
	while (sp) {
		uint32_t y = stk[--sp];
		if (semi[label[anc[y]]] < semi[label[y]])
			label[y] = label[anc[y]];
		anc[y] = anc[anc[y]];
	}
	return label[v];
}

bool gl_domtree_build(const struct gl_digraph *g, const struct gl_digraph *rev, uint32_t root,
		      struct gl_domtree *t, gl_dg_stop_fn stop, void *arg, const char **why)
{
	memset(t, 0, sizeof(*t));
	*why = "out of memory";
	t->n = g->n;
	size_t n = g->n;
	/* semi-NCA (Georgiadis): semidominators as Lengauer and Tarjan
	 * compute them, then each idom as the nearest common ancestor walk
	 * from the DFS parent; arrays indexed by preorder number */
	uint32_t *pre = malloc(n * sizeof(*pre)), *parent = malloc(n * sizeof(*parent));
	uint32_t *semi = malloc(n * sizeof(*semi)), *label = malloc(n * sizeof(*label));
	uint32_t *anc = malloc(n * sizeof(*anc)), *stk = malloc(n * sizeof(*stk));
	t->order = malloc(n * sizeof(*t->order));
	bool ok = pre && parent && semi && label && anc && stk && t->order;
	if (ok && !preorder(g, root, pre, t->order, parent, &t->reached, stop, arg)) {
		ok = false;
		*why = "interrupted";
	}
	uint32_t m = t->reached;
	for (uint32_t i = 0; ok && i < m; i++) {
		semi[i] = label[i] = i;
		anc[i] = GL_DG_NONE;
	}
	for (uint32_t i = m; ok && i-- > 1;) {
		if (stopped(stop, arg, m - i)) {
			ok = false;
			*why = "interrupted";
			break;
		}
		uint32_t w = t->order[i];
		for (uint32_t e = rev->off[w]; e < rev->off[w + 1]; e++) {
			uint32_t v = pre[rev->dst[e]];
			if (v == GL_DG_NONE)
				continue; /* an unreached predecessor */
			uint32_t u = eval(v, anc, label, semi, stk);
			if (semi[u] < semi[i])
				semi[i] = semi[u];
		}
		anc[i] = parent[i]; /* link */
	}
	free(label);
	free(anc);
	free(stk);
	/* idom (by number, in parent's place): the DFS parent, walked up while
	 * above the semidominator */
	for (uint32_t i = 1; ok && i < m; i++) {
		uint32_t d = parent[i];
		while (d > semi[i])
			d = parent[d];
		parent[i] = d;
	}
	free(semi);
	t->idom = ok ? malloc(n * sizeof(*t->idom)) : NULL;
	if (!t->idom) {
		free(pre);
		free(parent);
		gl_domtree_deinit(t);
		return false;
	}
	for (size_t v = 0; v < n; v++)
		t->idom[v] = pre[v] == GL_DG_NONE ? GL_DG_NONE : t->order[parent[pre[v]]];
	t->idom[root] = root;
	free(pre);
	free(parent);
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
	/* in preorder a dominator comes before what it dominates:
	 * backwards, each node is complete when it is added to its idom */
	for (uint32_t i = t->reached; i-- > 1;) {
		uint32_t v = t->order[i], d = t->idom[v];
		retained[d] += retained[v];
		if (count)
			count[d] += count[v];
	}
}
