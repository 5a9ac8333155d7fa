/* The heap graph on a synthetic heap (scene_heap.c: one span of ten
 * 48-byte objects, 0, 1 and 3 allocated, word 0 of each a pointer by the
 * span's heap bits, finalizers on objects 1 and 3), with pointers poked
 * in: object 0 -> the interior of object 1 (+8), 1 -> 3, 3 -> the free
 * slot 2 (counted, not followed). No globals or goroutines are readable
 * (but in test_inferred_types, which maps two globals):
 * the finalizers are the only roots. markrootSpans keeps what a finalized
 * object points to, not the object: 3 is reachable (from 1's finalizer),
 * 0 and 1 are not. With a profile special on 3 (instead of its
 * finalizer), gc --top --by site has its site. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_target.h"
#include "golayout/golayout.h"
#include "scene_heap.h"

#define OBJ(i) HEAP_OBJ(i)

static json_t *run(struct gl_session *s, struct fake_target *ft, struct fake_result *r, const char *cmd)
{
	fake_run(s, ft, r, "%s", cmd);
	if (!r->doc)
		fail_msg("%s: no document (%s): %s", cmd, r->json_error, r->out ? r->out : "");
	return r->doc;
}

static uint64_t num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		fail_msg("%s is not a number", k);
	return (uint64_t)json_integer_value(v);
}

/* heap ADDR --why [opts] --json of object address obj */
static json_t *why(struct gl_session *s, struct fake_target *ft, struct fake_result *r, uint64_t obj,
		   const char *opts)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --why%s --json", (unsigned long long)obj, opts);
	return run(s, ft, r, cmd);
}

static void scene_profile(struct fake_target **ft, struct gl_session **s, enum heap_profile p)
{
	assert_true(heap_layout_load());
	*ft = fake_new();
	*s = gl_session_create();
	fake_set_exe(*ft, fake_go_binary());
	fake_set_has_process(*ft, true);
	struct heap_opts o = HEAP_OK_OPTS;
	o.profile = p;
	heap_scene_build(*ft, &o);
	heap_scene_link_objects(*ft);
}

static void scene(struct fake_target **ft, struct gl_session **s)
{
	scene_profile(ft, s, PROFILE_NONE);
}

static void test_why(void **state)
{
	(void)state;
	struct fake_target *ft;
	struct gl_session *s;
	scene(&ft, &s);
	struct fake_result r;
	json_t *d = why(s, ft, &r, OBJ(3), "");
	assert_null(json_object_get(d, "error"));
	assert_true(json_is_true(json_object_get(d, "reachable")));
	assert_string_equal(json_string_value(json_object_get(d, "root_kind")), "finalizer");
	char want[64];
	snprintf(want, sizeof(want), "of 0x%llx", (unsigned long long)OBJ(1));
	assert_non_null(strstr(json_string_value(json_object_get(d, "root")), want));
	json_t *path = json_object_get(d, "path");
	assert_int_equal(json_array_size(path), 1);
	assert_int_equal(num(json_array_get(path, 0), "size"), ELEMSIZE);
	assert_int_equal(num(d, "roots_reaching"), 1);
	json_t *g = json_object_get(d, "graph");
	assert_int_equal(num(g, "objects"), 3);
	assert_int_equal(num(g, "pointers_to_free_slots"), 1);
	assert_int_equal(num(g, "roots"), 2);
	assert_int_equal(num(g, "edges"), 3); /* 0->1, 1->3, finalizer of 1 -> 3 */
	assert_true(num(g, "pointers_outside_heap") >= 2); /* the finalizers' funcvals */
	fake_result_free(&r);

	/* 1: only the unreachable 0 points to it */
	d = why(s, ft, &r, OBJ(1) + 16, "");
	assert_null(json_object_get(d, "error"));
	assert_true(json_is_false(json_object_get(d, "reachable")));
	assert_int_equal(json_array_size(json_object_get(d, "path")), 0);
	fake_result_free(&r);

	/* 2 is a free slot: no object */
	d = why(s, ft, &r, OBJ(2), "");
	assert_non_null(strstr(json_string_value(json_object_get(d, "error")), "free slot"));
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

static void test_retains_and_top(void **state)
{
	(void)state;
	struct fake_target *ft;
	struct gl_session *s;
	scene(&ft, &s);
	struct fake_result r;
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --retains --json", (unsigned long long)OBJ(3));
	json_t *d = run(s, ft, &r, cmd);
	assert_null(json_object_get(d, "error"));
	assert_int_equal(num(d, "retained_bytes"), ELEMSIZE);
	assert_int_equal(num(d, "retained_objects"), 1);
	fake_result_free(&r);

	d = run(s, ft, &r, "gc --top --json");
	assert_null(json_object_get(d, "error"));
	assert_int_equal(num(d, "unreachable_objects"), 2);
	assert_int_equal(num(d, "unreachable_bytes"), 2 * ELEMSIZE);
	json_t *row = json_array_get(json_object_get(d, "rows"), 0);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "kind")), "finalizer");
	assert_int_equal(num(row, "retained_bytes"), ELEMSIZE);
	assert_int_equal(num(json_object_get(d, "graph"), "reachable_objects"), 1);
	fake_result_free(&r);

	d = run(s, ft, &r, "gc --top --by size --json");
	assert_non_null(strstr(json_string_value(json_object_get(d, "error")), "--by"));
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* gc --top --by site: object 3, the one reachable object, under its
 * profile special's site (main.main), not sampled without one, and a
 * bucket golayout cannot read as its own row. */
static void by_site(enum heap_profile p, const char *name, const char *function)
{
	struct fake_target *ft;
	struct gl_session *s;
	scene_profile(&ft, &s, p);
	struct fake_result r;
	json_t *d = run(s, ft, &r, "gc --top --all --by site --json");
	assert_null(json_object_get(d, "error"));
	assert_string_equal(json_string_value(json_object_get(d, "by")), "site");
	json_t *rows = json_object_get(d, "rows");
	assert_int_equal(json_array_size(rows), 1);
	json_t *row = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(row, "kind")), "site");
	if (name)
		assert_string_equal(json_string_value(json_object_get(row, "name")), name);
	if (function) {
		assert_string_equal(json_string_value(json_object_get(row, "function")), function);
		assert_true(num(row, "line") > 0);
		assert_non_null(json_string_value(json_object_get(row, "file")));
	} else {
		assert_true(json_is_null(json_object_get(row, "function")));
		assert_true(json_is_null(json_object_get(row, "line")));
	}
	assert_int_equal(num(row, "objects"), 1);
	assert_int_equal(num(row, "bytes"), ELEMSIZE);
	assert_int_equal(num(row, "retained_bytes"), ELEMSIZE);
	assert_int_equal(num(json_object_get(d, "graph"), "reachable_bytes"), ELEMSIZE);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

static void test_top_by_site(void **state)
{
	(void)state;
	by_site(PROFILE_OK, NULL, "main.main");
	by_site(PROFILE_NONE, "(not sampled)", NULL);
	by_site(PROFILE_BAD_BUCKET, "(allocation site unreadable)", NULL);
}

/* The type --why gives obj (its last hop), "type (source)" or "-". */
static const char *why_type(struct gl_session *s, struct fake_target *ft, uint64_t obj, const char *opts,
			    char *buf, size_t n)
{
	struct fake_result r;
	json_t *d = why(s, ft, &r, obj, opts);
	assert_null(json_object_get(d, "error"));
	assert_true(json_is_true(json_object_get(d, "reachable")));
	json_t *o = json_object_get(d, "object");
	const char *t = json_string_value(json_object_get(o, "type"));
	const char *src = json_string_value(json_object_get(o, "type_source"));
	snprintf(buf, n, "%s (%s)", t ? t : "-", src ? src : "-");
	if (!t)
		snprintf(buf, n, "-");
	fake_result_free(&r);
	return buf;
}

/* Types inferred along DWARF-typed pointers (hg_types.c), breadth-first
 * from the globals: main.gBuilderPtr (*strings.Builder, whose first word
 * is addr *Builder) -> 0; main.gEmbedsPtr (*Base first) -> 3, or
 * main.gPtr (*Padded, 56 bytes: larger than a 48-byte slot) -> 3; the
 * objects' links 0 -> 1+8 -> 3 -> free 2, then 0 -> 1. */
static void test_inferred_types(void **state)
{
	(void)state;
	struct fake_target *ft;
	struct gl_session *s;
	char buf[256];
	scene(&ft, &s);
	heap_scene_global_roots(ft, heap_global("main.gBuilderPtr"), OBJ(0), heap_global("main.gEmbedsPtr"), OBJ(3));
	assert_string_equal(why_type(s, ft, OBJ(0), "", buf, sizeof(buf)), "strings.Builder (inferred)");
	/* a *Builder into the middle of 1 is not where a Builder starts */
	assert_string_equal(why_type(s, ft, OBJ(1), "", buf, sizeof(buf)), "-");
	assert_string_equal(why_type(s, ft, OBJ(3), "", buf, sizeof(buf)), "main.Base (inferred)");
	assert_string_equal(why_type(s, ft, OBJ(0), " --no-infer", buf, sizeof(buf)), "-");

	/* 0 -> the start of 1: typed on the next level, and 1 -> 3 as well,
	 * but 3 keeps the type it got first, from its global */
	fake_poke_u64(ft, OBJ(0), OBJ(1));
	fake_set_stop_id(ft, 2);
	assert_string_equal(why_type(s, ft, OBJ(1), "", buf, sizeof(buf)), "strings.Builder (inferred)");
	assert_string_equal(why_type(s, ft, OBJ(3), "", buf, sizeof(buf)), "main.Base (inferred)");
	gl_session_destroy(s);
	fake_free(ft);

	/* a *Padded types nothing in a 48-byte slot: 3 is typed on the
	 * third level, from 1 */
	scene(&ft, &s);
	heap_scene_global_roots(ft, heap_global("main.gBuilderPtr"), OBJ(0), heap_global("main.gPtr"), OBJ(3));
	fake_poke_u64(ft, OBJ(0), OBJ(1));
	assert_string_equal(why_type(s, ft, OBJ(3), "", buf, sizeof(buf)), "strings.Builder (inferred)");
	gl_session_destroy(s);
	fake_free(ft);
}

/* The cleanup queue is a root (markroot's fixedRootCleanups): object 0,
 * unreachable otherwise, is kept by the closure of a cleanup queued
 * behind one that has not returned. A block whose n is past its array
 * is corrupt: the queue ends there. */
static void test_cleanup_queue(void **state)
{
	(void)state;
	struct fake_target *ft;
	struct gl_session *s;
	scene(&ft, &s);
	heap_scene_cleanup_queue(ft, 2, OBJ(0));
	struct fake_result r;
	json_t *d = why(s, ft, &r, OBJ(0), "");
	assert_null(json_object_get(d, "error"));
	assert_true(json_is_true(json_object_get(d, "reachable")));
	assert_string_equal(json_string_value(json_object_get(d, "root_kind")), "cleanup");
	assert_string_equal(json_string_value(json_object_get(d, "root")), "cleanup queue");
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);

	static const uint64_t unreached[] = {1 /* cleanup 1 not queued */, 1ull << 31 /* corrupt */};
	for (size_t i = 0; i < sizeof(unreached) / sizeof(unreached[0]); i++) {
		scene(&ft, &s);
		heap_scene_cleanup_queue(ft, unreached[i], OBJ(0));
		d = why(s, ft, &r, OBJ(0), "");
		assert_null(json_object_get(d, "error"));
		assert_true(json_is_false(json_object_get(d, "reachable")));
		fake_result_free(&r);
		gl_session_destroy(s);
		fake_free(ft);
	}
}

/* Ctrl-C while the graph is built: an interrupted error, nothing else. */
static void test_interrupt(void **state)
{
	(void)state;
	struct fake_target *ft;
	struct gl_session *s;
	scene(&ft, &s);
	fake_interrupt_after(ft, 3);
	struct fake_result r;
	json_t *d = run(s, ft, &r, "gc --top --json");
	assert_non_null(json_object_get(d, "error"));
	assert_string_equal(json_string_value(json_object_get(d, "error_code")), "interrupted");
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_retains_and_top),
		cmocka_unit_test(test_top_by_site),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_inferred_types),
		cmocka_unit_test(test_cleanup_queue),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	heap_layout_close();
	return rc;
}
