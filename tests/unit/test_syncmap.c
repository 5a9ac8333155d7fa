/* The sync.Map hash-trie decoder (core/runtime/syncmap_trie.c) end to end
 * on tries built by hand in the fake backend: `golayout map ADDR --type
 * sync.Map --json` through gl_session_run. The layouts (sync.Map,
 * HashTrieMap[any,any], its indirect and entry nodes) come from the DWARF
 * of the swiss maps test program (build/tests/testdata/maps-swiss, Go
 * 1.24+, whose sync.Map is the hash-trie), through the core's own DWARF
 * reader. A good trie with an overflow chain and two levels is counted
 * right; a trie deeper than a hash has levels, a cycle through an
 * overflow chain, an unreadable child and a root that says it is an entry
 * each give one error line, in a time-limited child. The picture (--svg)
 * of good tries is well-formed (xmllint), renders (rsvg-convert) and
 * draws what the --json document lists: a region per node and entry, the
 * arrows between them, and the count of what a large trie leaves out.
 * The read/dirty sync.Map of Go 1.22/1.23 (core/runtime/syncmap_rd.c) is
 * built from the classic maps program's DWARF (go1.22): a key in both
 * maps is counted once, Load's view (read, then dirty when amended) is
 * what "entries" lists, and an unreadable readOnly or value is reported
 * without leaking (the sanitizer build's leak check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "child_run.h"
#include "fake_target.h"
#include "scene_syncmap.h"

#define TIME_LIMIT_MS 10000

struct fx {
	struct map_scene m;
	struct gl_session *s;
	struct child_result r;
	struct sm_trie L;
	struct sm_rd R; /* read/dirty tests */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	map_scene_init(&f->m, map_bin_need(&B_SWISS));
	f->s = gl_session_create();
	assert_non_null(f->s);
	sm_trie_layout(&f->m, &f->L);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	child_result_free(&f->r);
	gl_session_destroy(f->s);
	map_scene_deinit(&f->m);
	free(f);
	return 0;
}

static void run(struct fx *f)
{
	char args[128];
	snprintf(args, sizeof(args), "map 0x%llx --type sync.Map --json", (unsigned long long)A_SM);
	fake_fill_pages(f->m.ft);
	child_run_cmd(f->s, f->m.ft, args, TIME_LIMIT_MS, 4ull << 30, &f->r);
}

static long long summary_int(struct fx *f, const char *key)
{
	json_t *v = json_object_get(json_object_get(f->r.doc, "summary"), key);
	if (!json_is_integer(v))
		fail_msg("no summary integer \"%s\" in %.600s", key, f->r.out);
	return (long long)json_integer_value(v);
}

static void assert_error_has(struct fx *f, const char *want)
{
	const char *e = f->r.doc ? json_string_value(json_object_get(f->r.doc, "error")) : f->r.err;
	if (f->r.status == 0 || !e)
		fail_msg("golayout %s: want an error containing \"%s\"; output: %.600s", f->r.args, want,
			 f->r.out ? f->r.out : "");
	if (strchr(e, '\n') || !strstr(e, want))
		fail_msg("golayout %s: error \"%s\" is not one line containing \"%s\"", f->r.args, e, want);
}

static void test_good_trie(void **state)
{
	struct fx *f = *state;
	sm_put_good_trie(&f->m, &f->L);
	run(f);
	if (f->r.status != 0)
		fail_msg("golayout %s failed: %.600s", f->r.args, f->r.out ? f->r.out : f->r.err);
	assert_string_equal(json_string_value(json_object_get(f->r.doc, "impl")), "sync.Map/hashtrie");
	assert_int_equal(summary_int(f, "trie_entries"), 3);
	assert_int_equal(summary_int(f, "entries"), 3);
	assert_int_equal(summary_int(f, "nodes"), 2);
	assert_int_equal(summary_int(f, "depth"), 2);
	assert_int_equal(summary_int(f, "overflow_entries"), 1);
	assert_int_equal(summary_int(f, "longest_chain"), 2);
	json_t *nodes = json_object_get(json_object_get(f->r.doc, "trie"), "nodes");
	assert_int_equal(json_array_size(nodes), 2);
	json_t *n1 = json_array_get(nodes, 1);
	assert_int_equal(json_integer_value(json_object_get(n1, "slot")), 5);
	assert_true(json_is_true(json_object_get(n1, "parent_ok")));
	assert_string_equal(json_string_value(json_object_get(n1, "hash_bits")), "59..56");
}

/* 17 inner nodes, each the slot-0 child of the one before: one more level
 * than a 64-bit hash has (64 / 4). */
static void test_too_deep(void **state)
{
	struct fx *f = *state;
	sm_put_map(&f->m, &f->L, sm_node_addr(0));
	for (int i = 0; i < 17; i++)
		sm_put_node(&f->m, &f->L, i, i ? sm_node_addr(i - 1) : 0, 0,
			    i < 16 ? sm_node_addr(i + 1) : sm_entry_addr(0), -1);
	sm_put_entry(&f->m, &f->L, 0, 0);
	run(f);
	assert_error_has(f, "a hash has only 16 levels");
}

/* An overflow chain that comes back to its head. */
static void test_overflow_cycle(void **state)
{
	struct fx *f = *state;
	sm_put_map(&f->m, &f->L, sm_node_addr(0));
	sm_put_node(&f->m, &f->L, 0, 0, 7, sm_entry_addr(0), -1);
	sm_put_entry(&f->m, &f->L, 0, sm_entry_addr(1));
	sm_put_entry(&f->m, &f->L, 1, sm_entry_addr(0));
	run(f);
	assert_error_has(f, "reached twice (a cycle)");
}

static void test_unreadable_child(void **state)
{
	struct fx *f = *state;
	sm_put_map(&f->m, &f->L, sm_node_addr(0));
	sm_put_node(&f->m, &f->L, 0, 0, 1, sm_entry_addr(0), 2, (uint64_t)UNMAPPED, -1);
	sm_put_entry(&f->m, &f->L, 0, 0);
	run(f);
	assert_error_has(f, "0xdead0000");
}

static void test_root_is_entry(void **state)
{
	struct fx *f = *state;
	sm_put_map(&f->m, &f->L, sm_entry_addr(0));
	sm_put_entry(&f->m, &f->L, 0, 0);
	run(f);
	assert_error_has(f, "says it is an entry");
}

/* ---- read/dirty (Go 1.22, 1.23) --------------------------------------------- */

static int setup_rd(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	map_scene_init(&f->m, map_bin_need(&B_CLASSIC));
	f->s = gl_session_create();
	assert_non_null(f->s);
	sm_rd_layout(&f->m, &f->R);
	sm_put_good_rd(&f->m, &f->R);
	*state = f;
	return 0;
}

/* Make the pointer at addr point nowhere. */
static void poke_unmapped(struct fx *f, uint64_t addr)
{
	unsigned char w[8];
	ms_put64(w, UNMAPPED);
	fake_poke(f->m.ft, addr, w, 8);
}

/* The document's "entries" (as Load sees them), "k=v" each (their JSON,
 * Go's notation in a JSON string), joined by spaces in the document's
 * order. */
static void entry_pairs(struct fx *f, char *out, size_t n)
{
	json_t *a = json_object_get(f->r.doc, "entries"), *e;
	size_t i, used = 0;
	out[0] = 0;
	if (!json_is_array(a))
		fail_msg("no \"entries\" array in %.600s", f->r.out);
	json_array_foreach(a, i, e)
	{
		char *k = json_dumps(json_object_get(e, "key"), JSON_ENCODE_ANY | JSON_COMPACT);
		char *v = json_dumps(json_object_get(e, "value"), JSON_ENCODE_ANY | JSON_COMPACT);
		used += (size_t)snprintf(out + used, n - used, "%s%s=%s", i ? " " : "", k ? k : "?", v ? v : "?");
		free(k);
		free(v);
		if (used >= n)
			fail_msg("entries longer than %zu bytes", n);
	}
}

/* sm_put_good_rd's map (read {1: 10, 2: expunged, "x": deleted},
 * amended; dirty {1, "x" (read's entries), "y": "hello"}): Load sees 1
 * and "y"; each key counted once. */
static void test_good_readdirty(void **state)
{
	struct fx *f = *state;
	run(f);
	if (f->r.status != 0)
		fail_msg("golayout %s failed: %.600s", f->r.args, f->r.out ? f->r.out : f->r.err);
	assert_string_equal(json_string_value(json_object_get(f->r.doc, "impl")), "sync.Map/readdirty");
	assert_int_equal(summary_int(f, "entries"), 2);
	assert_int_equal(summary_int(f, "read_keys"), 3);
	assert_int_equal(summary_int(f, "dirty_keys"), 3);
	assert_int_equal(summary_int(f, "live"), 2);
	assert_int_equal(summary_int(f, "deleted"), 1);
	assert_int_equal(summary_int(f, "expunged"), 1);
	assert_int_equal(summary_int(f, "misses"), 1);
	char pairs[256];
	entry_pairs(f, pairs, sizeof(pairs));
	assert_string_equal(pairs, "\"y\"=\"hello\" \"1\"=\"10\"");
}

/* read points nowhere: one error line naming the address. */
static void test_readdirty_unreadable_read(void **state)
{
	struct fx *f = *state;
	poke_unmapped(f, A_SM + f->R.read);
	run(f);
	assert_error_has(f, "reading sync.Map.read at 0xdead0000");
}

/* An entry whose value cannot be read: that key alone is unreadable, the
 * rest decoded (and the read's error freed: the sanitizer build checks). */
static void test_readdirty_unreadable_value(void **state)
{
	struct fx *f = *state;
	poke_unmapped(f, sm_entry_addr(3) + f->R.entry_p);
	run(f);
	assert_int_equal(f->r.status, 0);
	assert_int_equal(summary_int(f, "entries"), 1);
	assert_int_equal(summary_int(f, "live"), 1);
	json_t *keys = json_object_get(json_object_get(f->r.doc, "dirty"), "keys");
	size_t unreadable = 0, i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		const char *st = json_string_value(json_object_get(k, "state"));
		unreadable += st && !strcmp(st, "unreadable");
	}
	assert_int_equal(unreadable, 1);
}

/* "golayout stats --json": the session's gl_mem_read calls so far. */
static long long mem_requests(struct fx *f)
{
	struct fake_result r;
	fake_run(f->s, f->m.ft, &r, "stats --json");
	json_t *v = json_object_get(json_object_get(r.doc, "session"), "requests");
	if (!json_is_integer(v))
		fail_msg("no session.requests in %.300s", r.out ? r.out : "");
	long long n = (long long)json_integer_value(v);
	fake_result_free(&r);
	return n;
}

/* Eight keys whose type word points at bytes that are no descriptor: the
 * sort by dynamic type and the key texts ask about that descriptor again
 * and again; it is read once a stop, not once a comparison. */
static void test_readdirty_wild_type_words(void **state)
{
	struct fx *f = *state;
	const uint64_t wild = A_ELEMS + 0x4000;
	unsigned char junk[256];
	memset(junk, 0xee, sizeof(junk));
	fake_map(f->m.ft, wild, junk, sizeof(junk));
	sm_put_rd_dirty_keys(&f->m, &f->R, 8, wild);
	fake_fill_pages(f->m.ft);
	char args[128];
	snprintf(args, sizeof(args), "map 0x%llx --type sync.Map --json", (unsigned long long)A_SM);
	long long before = mem_requests(f);
	struct fake_result r;
	fake_run(f->s, f->m.ft, &r, "%s", args);
	long long used = mem_requests(f) - before;
	if (!r.doc)
		fail_msg("golayout %s: %s", args, r.out ? r.out : r.err ? r.err : "");
	json_t *keys = json_object_get(json_object_get(r.doc, "dirty"), "keys");
	assert_int_equal(json_array_size(keys), 8);
	fake_result_free(&r);
	/* 50 with the failures remembered, 112 when each comparison read the
	 * descriptor again */
	if (used > 80)
		fail_msg("golayout %s: %lld memory requests for 8 keys", args, used);
}

/* ---- --svg ------------------------------------------------------------------ */

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* "golayout map A_SM --type sync.Map ARGS --svg FILE", checked as every
 * picture is, and its --json twin's document in *doc (the caller frees
 * both). */
static char *draw(struct fx *f, const char *args, json_t **doc)
{
	char dir[] = "/tmp/golayout-syncmap-svg-XXXXXX", path[128], cmd[512];
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/m.svg", dir);
	fake_fill_pages(f->m.ft);
	struct fake_result r;
	fake_run(f->s, f->m.ft, &r, "map 0x%llx --type sync.Map %s --svg %s", (unsigned long long)A_SM, args, path);
	if (r.status || !r.out || !strstr(r.out, "svg written to "))
		fail_msg("--svg %s: status %d: %s", args, r.status, r.err ? r.err : r.out ? r.out : "");
	fake_result_free(&r);
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
	if (system(cmd))
		fail_msg("%s: xmllint says it is not well-formed", path);
	snprintf(cmd, sizeof(cmd), "rsvg-convert -o '%s.png' '%s'", path, path);
	if (system(cmd))
		fail_msg("%s: rsvg-convert cannot render it", path);
	char *svg = fake_slurp(path, NULL);
	assert_non_null(svg);
	assert_non_null(strstr(svg, "class=\"legend\""));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fail_msg("cannot remove %s", dir);
	fake_run(f->s, f->m.ft, &r, "map 0x%llx --type sync.Map %s --json", (unsigned long long)A_SM, args);
	assert_int_equal(r.status, 0);
	*doc = json_loads(r.out, 0, NULL);
	assert_non_null(*doc);
	fake_result_free(&r);
	return svg;
}

/* The id ("r3") of the region of class "region KIND" at address a. */
static const char *region_id(const char *svg, const char *kind, uint64_t a)
{
	static char id[32];
	char needle[128];
	snprintf(needle, sizeof(needle), "<g class=\"region %s\" id=\"", kind);
	for (const char *p = svg; (p = strstr(p, needle)); p++) {
		const char *i = p + strlen(needle);
		size_t n = strcspn(i, "\"");
		char want[48];
		snprintf(want, sizeof(want), "data-addr=\"0x%llx\"", (unsigned long long)a);
		if (!strncmp(i + n + 2, want, strlen(want))) {
			snprintf(id, sizeof(id), "%.*s", (int)n, i);
			return id;
		}
	}
	fail_msg("no region %s at 0x%llx", kind, (unsigned long long)a);
	return "";
}

static bool arrow(const char *svg, const char *kind_from, uint64_t from, const char *kind_to, uint64_t to)
{
	char a[32], needle[128];
	snprintf(a, sizeof(a), "%s", region_id(svg, kind_from, from));
	snprintf(needle, sizeof(needle), "data-from=\"%s\" data-to=\"%s\"", a, region_id(svg, kind_to, to));
	return strstr(svg, needle) != NULL;
}

static size_t doc_trie_len(json_t *doc, const char *key)
{
	return json_array_size(json_object_get(json_object_get(doc, "trie"), key));
}

/* The good trie: a region per node and entry of the document, each
 * slot's arrow, the overflow arrow; --limit 1: one entry and the count. */
static void test_svg_trie(void **state)
{
	struct fx *f = *state;
	sm_put_good_trie(&f->m, &f->L);
	json_t *doc;
	char *svg = draw(f, "--all", &doc);
	assert_int_equal(count(svg, "class=\"region node\""), doc_trie_len(doc, "nodes"));
	assert_int_equal(count(svg, "class=\"region entry"), doc_trie_len(doc, "trie_entries"));
	assert_int_equal(count(svg, "class=\"region entry overflow\""), 1);
	assert_true(arrow(svg, "syncmap", A_SM, "node", sm_node_addr(0)));
	assert_true(arrow(svg, "node", sm_node_addr(0), "node", sm_node_addr(1)));
	assert_true(arrow(svg, "node", sm_node_addr(0), "entry", sm_entry_addr(0)));
	assert_true(arrow(svg, "entry", sm_entry_addr(0), "entry overflow", sm_entry_addr(1)));
	assert_true(arrow(svg, "node", sm_node_addr(1), "entry", sm_entry_addr(2)));
	assert_non_null(strstr(svg, "level 1</tspan>: hash bits 59..56"));
	assert_int_equal(count(svg, "class=\"elision\""), 0);
	free(svg);
	json_decref(doc);
	svg = draw(f, "--limit 1", &doc);
	assert_int_equal(count(svg, "class=\"region entry"), 1);
	assert_non_null(strstr(svg, "1 of 3 trie entries drawn"));
	free(svg);
	json_decref(doc);
}

/* 1 + 16 + 16 * 7 nodes, an entry under each of the last 112: --all
 * draws the picture's bound of nodes and says how many it left out. */
static void test_svg_large_trie(void **state)
{
	struct fx *f = *state;
	sm_put_map(&f->m, &f->L, sm_node_addr(0));
	unsigned char *root = ms_calloc(f->L.node_size);
	for (int i = 0; i < 16; i++)
		ms_put64(root + f->L.kids + 8u * (unsigned)i, sm_node_addr(1 + i));
	fake_map(f->m.ft, sm_node_addr(0), root, f->L.node_size);
	int leaf = 17, e = 0;
	for (int i = 0; i < 16; i++) {
		unsigned char *b = ms_calloc(f->L.node_size);
		ms_put64(b + f->L.parent, sm_node_addr(0));
		for (int j = 0; j < 7; j++, leaf++, e++) {
			ms_put64(b + f->L.kids + 8u * (unsigned)j, sm_node_addr(leaf));
			sm_put_node(&f->m, &f->L, leaf, sm_node_addr(1 + i), 0, sm_entry_addr(e), -1);
			sm_put_entry(&f->m, &f->L, e, 0);
		}
		fake_map(f->m.ft, sm_node_addr(1 + i), b, f->L.node_size);
	}
	json_t *doc;
	char *svg = draw(f, "--all", &doc);
	assert_int_equal(doc_trie_len(doc, "nodes"), 129);
	assert_int_equal(count(svg, "class=\"region node\""), 96);
	assert_non_null(strstr(svg, "96 of 129 nodes drawn"));
	/* the entries drawn are those under the nodes drawn */
	size_t drawn = count(svg, "class=\"region entry\"");
	assert_true(drawn > 0 && drawn < 112);
	char want[64];
	snprintf(want, sizeof(want), "%zu of 112 trie entries drawn", drawn);
	assert_non_null(strstr(svg, want));
	free(svg);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_trie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_is_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_readdirty, setup_rd, teardown),
		cmocka_unit_test_setup_teardown(test_readdirty_unreadable_read, setup_rd, teardown),
		cmocka_unit_test_setup_teardown(test_readdirty_unreadable_value, setup_rd, teardown),
		cmocka_unit_test_setup_teardown(test_readdirty_wild_type_words, setup_rd, teardown),
		cmocka_unit_test_setup_teardown(test_svg_trie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg_large_trie, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	map_bins_close();
	return rc;
}
