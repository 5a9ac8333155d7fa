/* golayout heap and gc on a synthetic Go heap: the Go test program's DWARF
 * (runtime.mheap_, mspan, heapArena, special... layouts and constants) over
 * fake memory that holds one arena, one span and its bitmaps, built here
 * from those layouts. Checks what is decoded (slot, allocation and mark
 * bits, finalizer name, pointer map) and that corrupt structures (a cycle
 * in the specials list, out-of-order specials, an insane span, a huge
 * allspans) end in bounded time with one error line and no crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "target/dwarfinfo.h"
#include "child_run.h"
#include "fake_target.h"
#include "scene_heap.h"
#include "target/target.h"
#include "target/types.h"
#include "base/strbuf.h"
#include "runtime/allocsite.h"

#define TIME_LIMIT_MS 10000

struct job {
	struct heap_opts o;
	const char *cmd;
	/* checks, in the child */
	const char *want_error;       /* substring of the error, or NULL for success */
	const char *want_allocated;   /* "true"/"false" or NULL */
	const char *want_marked;
	const char *want_function;    /* of the first special */
	const char *want_map_prefix;  /* of pointer_map.map */
	/* "path=json": the document's member at path (keys and array
	 * indexes joined by '.') is exactly json (compact) */
	const char *want_json[8];
};

/* The member of doc at path ("spans.in_use", "size_classes.0.slots"). */
static json_t *at_path(json_t *doc, const char *path, size_t n)
{
	json_t *v = doc;
	while (v && n) {
		const char *dot = memchr(path, '.', n);
		size_t len = dot ? (size_t)(dot - path) : n;
		char key[128];
		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		char *end;
		unsigned long i = strtoul(key, &end, 10);
		v = json_is_array(v) && *key && !*end ? json_array_get(v, i) : json_object_get(v, key);
		path += len + (dot != NULL);
		n -= len + (dot != NULL);
	}
	return v;
}

static int child(void *arg)
{
	struct job *j = arg;
	struct fake_target *ft = heap_scene_new(&j->o);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	fake_run(s, ft, &r, "%s", j->cmd);
	int bad = 0;
	if (!r.doc) {
		fprintf(stderr, "  %s: no JSON document (%s): %s\n", j->cmd, r.json_error, r.out ? r.out : "");
		bad = 1;
		goto out;
	}
	const char *e = fake_doc_str(&r, "error");
	if (j->want_error ? !e || !strstr(e, j->want_error) : e != NULL) {
		fprintf(stderr, "  %s: error %s, want %s\n", j->cmd, e ? e : "(none)",
			j->want_error ? j->want_error : "none");
		bad = 1;
	}
	json_t *a = json_object_get(r.doc, "allocated");
	if (j->want_allocated && (!a || strcmp(json_is_true(a) ? "true" : "false", j->want_allocated))) {
		fprintf(stderr, "  %s: allocated wrong\n", j->cmd);
		bad = 1;
	}
	const char *m = fake_doc_str(&r, "marked");
	if (j->want_marked && (!m || strcmp(m, j->want_marked))) {
		fprintf(stderr, "  %s: marked %s, want %s\n", j->cmd, m ? m : "(none)", j->want_marked);
		bad = 1;
	}
	if (j->want_function) {
		json_t *sp = json_array_get(json_object_get(r.doc, "specials"), 0);
		const char *fn = json_string_value(json_object_get(sp, "function"));
		if (!fn || strcmp(fn, j->want_function)) {
			fprintf(stderr, "  %s: finalizer %s, want %s\n", j->cmd, fn ? fn : "(none)",
				j->want_function);
			bad = 1;
		}
	}
	if (j->want_map_prefix) {
		const char *mp = json_string_value(json_object_get(json_object_get(r.doc, "pointer_map"), "map"));
		if (!mp || strncmp(mp, j->want_map_prefix, strlen(j->want_map_prefix))) {
			fprintf(stderr, "  %s: pointer map %s, want %s...\n", j->cmd, mp ? mp : "(none)",
				j->want_map_prefix);
			bad = 1;
		}
	}
	for (size_t i = 0; i < sizeof(j->want_json) / sizeof(j->want_json[0]) && j->want_json[i]; i++) {
		const char *eq = strchr(j->want_json[i], '=');
		json_t *v = at_path(r.doc, j->want_json[i], (size_t)(eq - j->want_json[i]));
		char *got = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		if (!got || strcmp(got, eq + 1)) {
			fprintf(stderr, "  %s: %.*s is %s, want %s\n", j->cmd, (int)(eq - j->want_json[i]),
				j->want_json[i], got ? got : "(absent)", eq + 1);
			bad = 1;
		}
		free(got);
	}
out:
	if (bad && r.out)
		fprintf(stderr, "  output: %.2000s\n", r.out);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
	return bad;
}

static void run_job(struct job *j)
{
	if (!heap_layout_load()) {
		fail_msg("no Go test program: run tests/unit/build-testdata.sh");
	}
	child_must_pass(child, j, TIME_LIMIT_MS, j->cmd);
}

#define OK_HEAP HEAP_OK_OPTS

static void test_object_outside_gc(void **state)
{
	(void)state;
	struct job j = {.o = OK_HEAP, .want_allocated = "true", .want_marked = "unknown",
			.want_function = "main.main", .want_map_prefix = "p....."};
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE + 8));
	j.cmd = cmd;
	run_job(&j);
}

static void test_object_during_mark(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.phase_mark = true;
	char cmd[64];
	/* object 1: allocated, not marked; object 3: marked; object 2: free */
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_allocated = "true", .want_marked = "unmarked"};
	run_job(&j);
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 3 * ELEMSIZE));
	struct job k = {.o = o, .cmd = cmd, .want_allocated = "true", .want_marked = "marked"};
	run_job(&k);
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --span --json", (unsigned long long)(SPAN_BASE + 2 * ELEMSIZE));
	struct job l = {.o = o, .cmd = cmd, .want_allocated = "false", .want_marked = "unmarked"};
	run_job(&l);
}

static void test_specials_cycle(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.specials_cycle = true;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 5 * ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_error = "cycle"};
	run_job(&j);
}

static void test_specials_unordered(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.specials_unordered = true;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 5 * ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_error = "out of order"};
	run_job(&j);
}

static void test_insane_span(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.nelems = 60000; /* more 48-byte slots than a page holds */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_allocated = "false"};
	run_job(&j);
	/* the span claims more slots than its page holds: counted as
	 * inconsistent, not in use, its objects not counted */
	struct job k = {.o = o, .cmd = "gc --json",
			.want_json = {"spans.in_use=0", "spans.inconsistent=1", "spans.objects=0"}};
	run_job(&k);
}

static void profile_job(enum heap_profile p, const char *want0, const char *want1)
{
	struct heap_opts o = OK_HEAP;
	o.profile = p;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 3 * ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_allocated = "true", .want_json = {want0, want1}};
	run_job(&j);
}

/* The object's profile special: its bucket's stack as frames; a bad
 * bucket pointer, a bucket of another profile and an nstk over the
 * runtime's limit are the site's one-line error, the rest still shown. */
static void test_alloc_site(void **state)
{
	(void)state;
	profile_job(PROFILE_OK, "alloc_site.frames.0.function=\"main.main\"", "alloc_site.size=48");
	profile_job(PROFILE_OK, "alloc_site.frames.1.function=\"main.main\"", "specials.0.kind=\"profile\"");
	profile_job(PROFILE_BAD_BUCKET, "alloc_site.error=\"cannot read profile bucket 0xdead0000 (corrupt "
					"pointer?): cannot read memory at 0xdead0000\"", "alloc_site.bucket=\"0xdead0000\"");
	profile_job(PROFILE_BAD_NSTK, "alloc_site.error=\"profile bucket 0x7f7000000000: nstk 1099511627776 "
				      "is over the runtime's 1024 (corrupt?)\"", "allocated=true");
	profile_job(PROFILE_WRONG_TYPE, "alloc_site.error=\"profile bucket 0x7f7000000000 has type 2, not a "
					"memory-profile bucket (corrupt?)\"", "alloc_site.bucket=\"0x7f7000000000\"");
	profile_job(PROFILE_NIL_BUCKET, "alloc_site.error=\"the profile special of 0xc000002090 has a nil bucket "
					"(corrupt?)\"", "allocated=true");
	/* no profile special: not sampled */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)SPAN_BASE);
	struct job k = {.o = OK_HEAP, .cmd = cmd, .want_json = {"alloc_site=null"}};
	run_job(&k);
}

/* The interface the heap graph uses, on the same scene: a span's profile
 * specials in one walk, one object's bucket, and the per-command cache
 * that decodes a bucket once. */
static int api_child(void *arg)
{
	(void)arg;
	struct fake_target *ft = fake_new();
	struct heap_opts o = OK_HEAP;
	o.profile = PROFILE_OK;
	heap_scene_build(ft, &o);
	struct gl_mem mem;
	gl_mem_init(&mem);
	gl_mem_begin(&mem, fake_backend(ft));
	struct gl_ctx c = {.mem = &mem, .be = fake_backend(ft), .t = heap_L.t};
	sb_init(&c.out);
	int bad = 0;
	struct gl_heap h;
	struct gl_heap_loc loc;
	struct gl_prof_marks m = {0};
	struct gl_error *err = gl_heap_init(&c, &h);
	if (!err)
		err = gl_heap_locate(&h, SPAN_BASE, &loc);
	if (!err)
		err = gl_heap_span_profiles(&h, &loc.span, &m);
	if (err || m.n != 1 || m.v[0].addr != SPAN_BASE + 3 * ELEMSIZE || m.v[0].bucket != BUCKET) {
		fprintf(stderr, "  span profiles: %s, %zu marks\n", err ? err->message : "ok", m.n);
		bad = 1;
	}
	uint64_t b0 = 1, b3 = 0;
	struct gl_error *e0 = err ? NULL : gl_heap_alloc_site(&h, &loc.span, SPAN_BASE, SPAN_BASE + ELEMSIZE, SPAN_BASE, &b0);
	struct gl_error *e3 = err ? NULL : gl_heap_alloc_site(&h, &loc.span, SPAN_BASE + 3 * ELEMSIZE,
							  SPAN_BASE + 4 * ELEMSIZE, SPAN_BASE + 3 * ELEMSIZE + 8, &b3);
	if (!err && (e0 || e3 || b0 != 0 || b3 != BUCKET)) {
		fprintf(stderr, "  alloc site: object 0 bucket 0x%llx, object 3 bucket 0x%llx\n",
			(unsigned long long)b0, (unsigned long long)b3);
		bad = 1;
	}
	struct gl_allocsites *cache = err ? NULL : gl_allocsites_create(&h);
	const struct gl_alloc_site *s1 = cache ? gl_allocsites_get(cache, BUCKET) : NULL;
	const struct gl_alloc_site *s2 = cache ? gl_allocsites_get(cache, BUCKET) : NULL;
	if (!err && (!s1 || s1 != s2 || s1->err || s1->nframes != 2 || strcmp(s1->frames[0].function, "main.main") ||
		     s1->size != ELEMSIZE || (cache && gl_allocsites_get(cache, 0)))) {
		fprintf(stderr, "  cache: %p %p %s\n", (const void *)s1, (const void *)s2,
			s1 && s1->err ? s1->err->message : "");
		bad = 1;
	}
	gl_allocsites_destroy(cache);
	gl_error_destroy(e0);
	gl_error_destroy(e3);
	gl_error_destroy(err);
	gl_prof_marks_deinit(&m);
	sb_deinit(&c.out);
	gl_mem_end(&mem);
	gl_mem_deinit(&mem);
	fake_free(ft);
	return bad;
}

static void test_alloc_site_api(void **state)
{
	(void)state;
	if (!heap_layout_load())
		fail_msg("no Go test program: run tests/unit/build-testdata.sh");
	child_must_pass(api_child, NULL, TIME_LIMIT_MS, "alloc site API");
}

static void test_gc_small(void **state)
{
	(void)state;
	/* allspans: 3 pointers to the one span (and a nil): counted once; its
	 * 3 objects in 10 slots of size class 5 */
	struct job j = {.o = OK_HEAP, .cmd = "gc --json",
			.want_json = {"phase=\"off\"", "sweepgen=4", "spans.allspans=4", "spans.in_use=1",
				      "spans.objects=3", "spans.object_bytes=144",
				      "size_classes.0.size_class=5", "size_classes.0.slots=10"}};
	run_job(&j);
}

/* runtime.mheap_ not in the process's memory: the heap cannot be set up,
 * and gc says so in its error alone, without a head of "?" and a
 * collector kind it never read (the text as the document). */
static void test_gc_no_heap(void **state)
{
	(void)state;
	struct fake_target *ft = fake_new();
	fake_set_exe(ft, fake_go_binary());
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	fake_run(s, ft, &r, "gc");
	assert_int_not_equal(r.status, 0);
	assert_non_null(r.err);
	assert_true(!r.out || !strstr(r.out, "collector"));
	fake_result_free(&r);
	fake_run(s, ft, &r, "gc --json");
	assert_non_null(r.doc);
	assert_non_null(json_object_get(r.doc, "error"));
	assert_null(json_object_get(r.doc, "gc"));
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

static void test_gc_huge_allspans(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.allspans_len = 1ull << 40;
	struct job j = {.o = o, .cmd = "gc --json", .want_error = "allspans"};
	run_job(&j);
}

static void test_unmapped(void **state)
{
	(void)state;
	struct job j = {.o = OK_HEAP, .cmd = "heap 0x10 --json", .want_error = "not in mapped memory"};
	run_job(&j);
	/* in an arena with no span: a free page */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + heap_L.page_size + 8));
	struct job k = {.o = OK_HEAP, .cmd = cmd, .want_allocated = "false",
			.want_json = {"in_heap=true", "arena.page=2",
				      "note=\"free page: no span owns it\""}};
	run_job(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_outside_gc),
		cmocka_unit_test(test_object_during_mark),
		cmocka_unit_test(test_specials_cycle),
		cmocka_unit_test(test_specials_unordered),
		cmocka_unit_test(test_insane_span),
		cmocka_unit_test(test_alloc_site),
		cmocka_unit_test(test_alloc_site_api),
		cmocka_unit_test(test_gc_small),
		cmocka_unit_test(test_gc_huge_allspans),
		cmocka_unit_test(test_gc_no_heap),
		cmocka_unit_test(test_unmapped),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	heap_layout_close();
	return rc;
}
