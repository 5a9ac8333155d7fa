/* The heap graph's algorithms (base/digraph.c) on known graphs: the
 * shortest path, roots reaching a node, and dominators with retained
 * sizes on a diamond, a cycle, unreachable nodes and a deep chain (no
 * recursion: a million nodes in a line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/digraph.h"

/* A graph from an edge list (from, to). */
static void make(struct gl_digraph *g, uint32_t n, const uint32_t (*e)[2], size_t ne)
{
	g->n = n;
	g->off = calloc(n + 1, sizeof(*g->off));
	g->dst = malloc((ne ? ne : 1) * sizeof(*g->dst));
	assert_non_null(g->off);
	assert_non_null(g->dst);
	for (size_t i = 0; i < ne; i++)
		g->off[e[i][0] + 1]++;
	for (uint32_t v = 0; v < n; v++)
		g->off[v + 1] += g->off[v];
	uint32_t *cur = calloc(n + 1, sizeof(*cur));
	memcpy(cur, g->off, (n + 1) * sizeof(*cur));
	for (size_t i = 0; i < ne; i++)
		g->dst[cur[e[i][0]]++] = e[i][1];
	free(cur);
}

static uint64_t size_of(void *arg, uint32_t v)
{
	(void)arg;
	return 10 + v; /* distinct sizes: sums tell which nodes were added */
}

/*   0 (super) -> 1, 2 (roots)
 *   1 -> 3, 2 -> 3 (diamond: 3 dominated by 0 only)
 *   3 -> 4 -> 5 -> 4 (cycle), 5 -> 6
 *   1 -> 7 -> 8 (only through 1)
 *   9 -> 8 (9 unreachable)            */
static const uint32_t E[][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 5}, {5, 4},
				 {5, 6}, {1, 7}, {7, 8}, {9, 8}};

static void test_bfs_and_reaching(void **state)
{
	(void)state;
	struct gl_digraph g, rev;
	make(&g, 10, E, sizeof(E) / sizeof(E[0]));
	uint32_t parent[10];
	assert_true(gl_digraph_bfs(&g, 0, 6, parent, NULL, NULL));
	/* 0 -> 1 -> 3 -> 4 -> 5 -> 6: 1 before 2 at the diamond */
	uint32_t path[10], n = 0;
	for (uint32_t x = 6; x != 0; x = parent[x])
		path[n++] = x;
	assert_int_equal(n, 5);
	assert_int_equal(path[4], 1);
	assert_int_equal(path[3], 3);
	assert_int_equal(path[0], 6);
	assert_true(gl_digraph_reverse(&g, &rev));
	/* roots are nodes 1 and 2 (and 9 counted as a root too here) */
	assert_int_equal(gl_digraph_count_reaching(&rev, 6, 1, 2, NULL, NULL), 2);
	assert_int_equal(gl_digraph_count_reaching(&rev, 8, 1, 2, NULL, NULL), 1);
	assert_int_equal(gl_digraph_count_reaching(&rev, 8, 9, 9, NULL, NULL), 1);
	assert_true(gl_digraph_bfs(&g, 0, GL_DG_NONE, parent, NULL, NULL));
	assert_int_equal(parent[9], GL_DG_NONE);
	gl_digraph_deinit(&rev);
	gl_digraph_deinit(&g);
}

static void test_dominators(void **state)
{
	(void)state;
	struct gl_digraph g;
	make(&g, 10, E, sizeof(E) / sizeof(E[0]));
	struct gl_domtree t;
	const char *why = NULL;
	assert_true(gl_domtree_build(&g, 0, &t, NULL, NULL, &why));
	/* the graph went into the tree */
	assert_null(g.off);
	assert_null(g.dst);
	assert_int_equal(g.n, 10);
	static const uint32_t want[] = {0, 0, 0, 0, 3, 4, 5, 1, 7, GL_DG_NONE};
	for (uint32_t v = 0; v < 10; v++)
		assert_int_equal(t.idom[v], want[v]);
	assert_int_equal(t.reached, 9);
	uint64_t ret[10];
	uint32_t cnt[10];
	gl_domtree_retained(&t, size_of, NULL, ret, cnt);
	assert_int_equal(ret[6], 16);
	assert_int_equal(ret[4], 14 + 15 + 16);
	assert_int_equal(ret[3], 13 + 14 + 15 + 16);
	assert_int_equal(cnt[3], 4);
	assert_int_equal(ret[1], 11 + 17 + 18); /* 3 is shared with 2: not 1's */
	assert_int_equal(ret[2], 12);
	assert_int_equal(ret[9], 0);
	assert_int_equal(cnt[0], 9);
	gl_domtree_deinit(&t);
}

/* A chain of a million nodes, its last pointing back to the first: an
 * iterative DFS and one dominator per node. */
static void test_deep_chain(void **state)
{
	(void)state;
	const uint32_t n = 1000000;
	uint32_t (*e)[2] = malloc((size_t)n * sizeof(*e));
	assert_non_null(e);
	for (uint32_t i = 0; i + 1 < n; i++) {
		e[i][0] = i;
		e[i][1] = i + 1;
	}
	e[n - 1][0] = n - 1;
	e[n - 1][1] = 1;
	struct gl_digraph g;
	make(&g, n, (const uint32_t(*)[2])e, n);
	free(e);
	struct gl_domtree t;
	const char *why = NULL;
	assert_true(gl_domtree_build(&g, 0, &t, NULL, NULL, &why));
	assert_int_equal(t.idom[n - 1], n - 2);
	assert_int_equal(t.idom[1], 0);
	uint64_t *ret = malloc((size_t)n * sizeof(*ret));
	gl_domtree_retained(&t, size_of, NULL, ret, NULL);
	assert_int_equal(ret[n - 1], 10 + (uint64_t)(n - 1));
	free(ret);
	gl_domtree_deinit(&t);
}

/* Reachable from 0 without passing through `cut` (GL_DG_NONE: none). */
static void reach_without(const struct gl_digraph *g, uint32_t cut, unsigned char *seen)
{
	uint32_t q[256], h = 0, t = 0; /* graphs of 256 nodes at most */
	memset(seen, 0, g->n);
	if (cut == 0)
		return;
	seen[0] = 1;
	q[t++] = 0;
	while (h < t) {
		uint32_t v = q[h++];
		for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
			uint32_t w = g->dst[e];
			if (w != cut && !seen[w]) {
				seen[w] = 1;
				q[t++] = w;
			}
		}
	}
}

/* Random graphs against the definition: d dominates v when every path
 * from the root to v passes d; idom(v) is the dominator of v that every
 * other strict dominator of v dominates (the one with most dominators).
 * Small sparse graphs, and bigger denser ones (cycles, self loops,
 * repeated edges, cross edges into every part of the DFS tree). */
static void check_random(uint32_t N, uint32_t M, int rounds, uint64_t seed)
{
	uint32_t (*e)[2] = malloc((size_t)M * sizeof(*e));
	unsigned char *reach = malloc(N), *seen = malloc(N), *dom = malloc((size_t)N * N); /* dom[d * N + v] */
	uint32_t *ndom = malloc((size_t)N * sizeof(*ndom));
	assert_true(e && reach && seen && dom && ndom);
	for (int round = 0; round < rounds; round++) {
		for (uint32_t i = 0; i < M; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			e[i][0] = (uint32_t)(seed >> 33) % N;
			e[i][1] = (uint32_t)(seed >> 13) % N;
		}
		struct gl_digraph g, consumed;
		make(&g, N, (const uint32_t(*)[2])e, M);
		make(&consumed, N, (const uint32_t(*)[2])e, M);
		struct gl_domtree t;
		const char *why = NULL;
		assert_true(gl_domtree_build(&consumed, 0, &t, NULL, NULL, &why));
		reach_without(&g, GL_DG_NONE, reach);
		for (uint32_t d = 0; d < N; d++) {
			reach_without(&g, d, seen);
			for (uint32_t v = 0; v < N; v++)
				dom[d * N + v] = reach[v] && (d == v || !seen[v]);
		}
		for (uint32_t d = 0; d < N; d++) {
			ndom[d] = 0;
			for (uint32_t x = 0; x < N; x++)
				ndom[d] += dom[x * N + d];
		}
		uint32_t nreach = 0;
		for (uint32_t v = 0; v < N; v++)
			nreach += reach[v];
		assert_int_equal(t.reached, nreach);
		for (uint32_t v = 1; v < N; v++) {
			if (!reach[v]) {
				assert_int_equal(t.idom[v], GL_DG_NONE);
				continue;
			}
			uint32_t best = GL_DG_NONE, bestn = 0;
			for (uint32_t d = 0; d < N; d++) {
				if (d == v || !dom[d * N + v])
					continue;
				if (best == GL_DG_NONE || ndom[d] > bestn) {
					best = d;
					bestn = ndom[d];
				}
			}
			assert_int_equal(t.idom[v], best);
		}
		gl_domtree_deinit(&t);
		gl_digraph_deinit(&g);
	}
	free(e);
	free(reach);
	free(seen);
	free(dom);
	free(ndom);
}

static void test_dominators_random(void **state)
{
	(void)state;
	check_random(60, 150, 50, 12345);
	check_random(250, 400, 20, 777);
	check_random(250, 1000, 20, 4242);
}

static bool stop_now(void *arg)
{
	(void)arg;
	return true;
}

static void test_stop(void **state)
{
	(void)state;
	struct gl_digraph g;
	make(&g, 10, E, sizeof(E) / sizeof(E[0]));
	uint32_t parent[10];
	assert_false(gl_digraph_bfs(&g, 0, GL_DG_NONE, parent, stop_now, NULL));
	struct gl_domtree t;
	const char *why = NULL;
	assert_false(gl_domtree_build(&g, 0, &t, stop_now, NULL, &why));
	assert_string_equal(why, "interrupted");
	assert_null(g.dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bfs_and_reaching),
		cmocka_unit_test(test_dominators),
		cmocka_unit_test(test_dominators_random),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
