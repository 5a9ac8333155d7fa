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

/* ---- dominators ------------------------------------------------------------ */

/* The dominator tree is computed over preorder numbers with the edges
 * held once: the DFS numbers the nodes and keeps, in place in g's own
 * edge array, the edges the semidominators need besides the DFS tree's
 * (a tree edge is the parent array; a self loop says nothing). The kept
 * edges are then turned round in place (predecessor lists by number)
 * and g's offsets freed; the lists, read from the highest number down,
 * give back their memory as they are consumed, while the arrays the
 * semidominators fill grow from the same end. */

struct dom {
	uint32_t n, reached;
	uint32_t *pre;      /* node -> number (GL_DG_NONE: unreached); the idom by node at the end */
	uint32_t *parent;   /* number -> DFS parent's number; the idom's number after the NCA walk */
	uint32_t *semi;     /* number -> semidominator's number */
	uint32_t *roff;     /* number -> start of its predecessors in pred; a linked node's ancestor
			     * (Lengauer-Tarjan's anc) in the slot after it once its list is read */
	uint32_t *pred;     /* predecessors' numbers (not the DFS parent) */
	uint32_t *best;     /* number -> least semi on its compressed path (linked nodes) */
	uint32_t *stk;      /* the DFS's and eval's explicit stacks */
	size_t nb, stkcap;
};

static bool stack_room(struct dom *d, size_t need)
{
	if (need <= d->stkcap)
		return true;
	size_t cap = d->stkcap ? d->stkcap * 2 : 4096;
	while (cap < need)
		cap *= 2;
	uint32_t *s = realloc(d->stk, cap * sizeof(*s));
	if (!s)
		return false;
	d->stk = s;
	d->stkcap = cap;
	return true;
}

/* Preorder numbers by an iterative DFS (a stack of node and next edge
 * pairs); each edge examined once, rewritten in place: GL_DG_NONE for a
 * tree edge or a self loop, else the target's number. Edges of
 * unreached nodes are left as they are. */
static bool number(struct dom *d, struct gl_digraph *g, uint32_t root, gl_dg_stop_fn stop, void *arg,
		   const char **why)
{
	for (uint32_t v = 0; v < d->n; v++)
		d->pre[v] = GL_DG_NONE;
	uint32_t next = 0;
	size_t sp = 0;
	uint64_t steps = 0;
	d->pre[root] = next;
	d->parent[next++] = 0;
	if (!stack_room(d, 2))
		return false;
	d->stk[sp++] = root;
	d->stk[sp++] = g->off[root];
	while (sp) {
		if (stopped(stop, arg, ++steps)) {
			*why = "interrupted";
			return false;
		}
		uint32_t v = d->stk[sp - 2], e = d->stk[sp - 1];
		if (e == g->off[v + 1]) {
			sp -= 2;
			continue;
		}
		d->stk[sp - 1] = e + 1;
		uint32_t w = g->dst[e], pv = d->pre[v], pw = d->pre[w];
		if (pw == GL_DG_NONE) {
			d->pre[w] = next;
			d->parent[next++] = pv;
			g->dst[e] = GL_DG_NONE;
			if (!stack_room(d, sp + 2))
				return false;
			d->stk[sp++] = w;
			d->stk[sp++] = g->off[w];
		} else {
			g->dst[e] = pw == pv ? GL_DG_NONE : pw;
		}
	}
	d->reached = next;
	return true;
}

/* The kept edges (targets' numbers) to the front of g's edge array, in
 * source order, g's offsets following. */
static void compact(struct dom *d, struct gl_digraph *g)
{
	size_t k = 0;
	uint32_t lo = g->off[0];
	for (uint32_t v = 0; v < d->n; v++) {
		uint32_t hi = g->off[v + 1];
		g->off[v] = (uint32_t)k;
		if (d->pre[v] != GL_DG_NONE)
			for (uint32_t e = lo; e < hi; e++)
				if (g->dst[e] != GL_DG_NONE)
					g->dst[k++] = g->dst[e];
		lo = hi;
	}
	g->off[d->n] = (uint32_t)k;
	d->nb = k;
	uint32_t *shrunk = realloc(g->dst, (k ? k : 1) * sizeof(*shrunk));
	if (shrunk)
		g->dst = shrunk;
}

#define PASSES 16 /* the kept edges are turned round in this many passes */

/* The kept edges turned round: the predecessor lists by target number,
 * filled a range of targets per pass (about 1/PASSES of the edges each),
 * the edges a pass has placed dropped from g's array (compacted, the
 * array shrunk), so that the edges are held about once throughout; then
 * g's offsets are freed. A counting sort: roff[t] counts, then is t's
 * cursor during its pass, and ends at its list's end. */
static bool transpose(struct dom *d, struct gl_digraph *g, gl_dg_stop_fn stop, void *arg, const char **why)
{
	uint32_t r = d->reached;
	d->roff = calloc((size_t)r + 1, sizeof(*d->roff));
	d->pred = malloc((d->nb ? d->nb : 1) * sizeof(*d->pred));
	if (!d->roff || !d->pred)
		return false;
	for (size_t e = 0; e < d->nb; e++)
		d->roff[g->dst[e] + 1]++;
	for (uint32_t i = 0; i < r; i++)
		d->roff[i + 1] += d->roff[i];
	size_t quota = d->nb / PASSES + 1;
	for (uint32_t lo_t = 0, hi_t; lo_t < r; lo_t = hi_t) {
		if (stop && stop(arg)) {
			*why = "interrupted";
			return false;
		}
		for (hi_t = lo_t + 1; hi_t < r && d->roff[hi_t] - d->roff[lo_t] < quota; hi_t++)
			;
		size_t k = 0;
		uint32_t lo = g->off[0];
		for (uint32_t v = 0; v < d->n; v++) {
			uint32_t hi = g->off[v + 1];
			g->off[v] = (uint32_t)k;
			for (uint32_t e = lo; e < hi; e++) {
				uint32_t t = g->dst[e];
				if (t >= lo_t && t < hi_t)
					d->pred[d->roff[t]++] = d->pre[v];
				else
					g->dst[k++] = t;
			}
			lo = hi;
		}
		g->off[d->n] = (uint32_t)k;
		uint32_t *shrunk = realloc(g->dst, (k ? k : 1) * sizeof(*shrunk));
		if (shrunk)
			g->dst = shrunk;
	}
	/* each cursor ended at its list's end, the next one's start */
	for (uint32_t i = r; i > 0; i--)
		d->roff[i] = d->roff[i - 1];
	d->roff[0] = 0;
	free(g->dst);
	free(g->off);
	g->dst = g->off = NULL;
	return true;
}

/* Lengauer-Tarjan's eval with path compression, iteratively, keeping
 * per linked node the least semi on its path rather than the vertex:
 * semi-NCA needs only that value. Numbers above cur are linked, their
 * ancestor in roff[x + 1] (their predecessor lists are read by then). */
static bool eval(struct dom *d, uint32_t v, uint32_t cur, uint32_t *out)
{
	size_t sp = 0;
	uint32_t x = v;
	/* the nodes whose ancestor is linked too: compressed */
	while (d->roff[x + 1] > cur) {
		if (!stack_room(d, sp + 1))
			return false;
		d->stk[sp++] = x;
		x = d->roff[x + 1];
	}
	/* from the top down, each takes its ancestor's value when smaller */
	while (sp) {
		uint32_t y = d->stk[--sp], a = d->roff[y + 1];
		if (d->best[a] < d->best[y])
			d->best[y] = d->best[a];
		d->roff[y + 1] = d->roff[a + 1];
	}
	*out = d->best[v];
	return true;
}

#define GIVE_BACK (1u << 20) /* predecessor entries consumed before their memory is given back */

/* Semidominators: each number from the highest down takes the least of
 * its DFS parent, its lower predecessors, and the least semi on the
 * linked paths of its higher ones; then it is linked under its parent.
 * The consumed end of the predecessor lists is given back as semi and
 * best fill theirs. */
static bool semidominators(struct dom *d, gl_dg_stop_fn stop, void *arg, const char **why)
{
	uint32_t r = d->reached;
	d->semi = malloc((size_t)(r ? r : 1) * sizeof(*d->semi));
	d->best = malloc((size_t)(r ? r : 1) * sizeof(*d->best));
	if (!d->semi || !d->best)
		return false;
	d->semi[0] = 0;
	size_t kept = d->nb;
	for (uint32_t i = r; i-- > 1;) {
		if (stopped(stop, arg, r - i)) {
			*why = "interrupted";
			return false;
		}
		uint32_t s = d->parent[i];
		for (uint32_t e = d->roff[i]; e < d->roff[i + 1]; e++) {
			uint32_t v = d->pred[e], u = v;
			if (v > i && !eval(d, v, i, &u))
				return false;
			if (u < s)
				s = u;
		}
		d->semi[i] = d->best[i] = s;
		if (kept - d->roff[i] >= GIVE_BACK) {
			kept = d->roff[i];
			uint32_t *p = realloc(d->pred, (kept ? kept : 1) * sizeof(*p));
			if (p)
				d->pred = p;
		}
		/* link: the list of i is read, its end slot holds its ancestor */
		d->roff[i + 1] = d->parent[i];
	}
	return true;
}

static void dom_free(struct dom *d)
{
	free(d->pre);
	free(d->parent);
	free(d->semi);
	free(d->roff);
	free(d->pred);
	free(d->best);
	free(d->stk);
}

bool gl_domtree_build(struct gl_digraph *g, uint32_t root, struct gl_domtree *t, gl_dg_stop_fn stop, void *arg,
		      const char **why)
{
	memset(t, 0, sizeof(*t));
	*why = "out of memory";
	t->n = g->n;
	struct dom d = {.n = g->n};
	size_t n = g->n ? g->n : 1;
	d.pre = malloc(n * sizeof(*d.pre));
	d.parent = malloc(n * sizeof(*d.parent));
	bool ok = d.pre && d.parent && number(&d, g, root, stop, arg, why);
	if (ok) {
		compact(&d, g);
		ok = transpose(&d, g, stop, arg, why);
		ok = ok && semidominators(&d, stop, arg, why);
	}
	gl_digraph_deinit(g);
	g->n = d.n;
	free(d.best);
	free(d.stk);
	free(d.roff);
	free(d.pred);
	d.best = d.stk = d.roff = d.pred = NULL;
	uint32_t r = d.reached;
	/* idom by number, in parent's place (semi-NCA): the DFS parent,
	 * walked up while above the semidominator */
	for (uint32_t i = 1; ok && i < r; i++) {
		uint32_t p = d.parent[i];
		while (p > d.semi[i])
			p = d.parent[p];
		d.parent[i] = p;
	}
	free(d.semi);
	d.semi = NULL;
	t->order = ok ? malloc((size_t)(r ? r : 1) * sizeof(*t->order)) : NULL;
	if (!t->order) {
		dom_free(&d);
		return false;
	}
	for (uint32_t v = 0; v < d.n; v++)
		if (d.pre[v] != GL_DG_NONE)
			t->order[d.pre[v]] = v;
	/* the idom by node, in pre's place */
	for (uint32_t v = 0; v < d.n; v++)
		if (d.pre[v] != GL_DG_NONE)
			d.pre[v] = t->order[d.parent[d.pre[v]]];
	d.pre[root] = root;
	t->idom = d.pre;
	t->reached = r;
	free(d.parent);
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
