/* Golden files for every command's output, text and --json, on the fake
 * backend: each case builds a scene (the structs test program's globals
 * from its truth document, a synthetic heap, goroutines, classic and swiss
 * maps built from the maps programs' DWARF), runs its commands through
 * gl_session_run and compares what they print with
 * tests/unit/golden/<case>.txt (the text, then the JSON of each command).
 *
 * The goldens were written by the code as it was; they are the safety net
 * for rewriting decoders and renderers: any change in what users see shows
 * up here as a diff. When a change is intended, rewrite them with
 *   GOLAYOUT_UPDATE_GOLDEN=1 build/tests/test_golden
 * and review `git diff tests/unit/golden`.
 *
 * Output must be deterministic: only synthetic addresses and the test
 * programs' link-time addresses appear; the test-data and golden
 * directories are replaced by $TESTDATA and $GOLDEN. The goldens hold the
 * addresses of the programs built by tests/unit/build-testdata.sh with
 * the Go toolchains it picks (with -trimpath, so no directory of this
 * machine is in them); golden/TOOLCHAIN.txt names those toolchains and
 * hashes the programs, so that other programs are reported as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "fake_target.h"
#include "scene_chan.h"
#include "scene_goroutines.h"
#include "scene_heap.h"
#include "scene_maps.h"
#include "target/dwarfinfo.h"

/* ---- paths and normalisation ---------------------------------------------- */

static char golden_dir[4096];

/* $GOLAYOUT_GOLDEN, else tests/unit/golden next to the build directory of
 * this program (build/tests/test_golden -> ../../tests/unit/golden). */
static const char *golden_path(void)
{
	if (golden_dir[0])
		return golden_dir;
	const char *env = getenv("GOLAYOUT_GOLDEN");
	if (env && *env) {
		snprintf(golden_dir, sizeof(golden_dir), "%s", env);
		return golden_dir;
	}
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	char rel[8192];
	snprintf(rel, sizeof(rel), "%s/../../tests/unit/golden", exe);
	if (!realpath(rel, golden_dir))
		fail_msg("no golden directory %s (set GOLAYOUT_GOLDEN)", rel);
	return golden_dir;
}

/* The directory of the test programs (that of fake_testdata("structs")):
 * as found (raw, maybe with "..") and resolved. */
static void testdata_dirs(const char **raw, const char **real)
{
	static char dir[4096], rdir[4096];
	if (!dir[0]) {
		const char *p = fake_testdata("structs");
		if (!p)
			fail_msg("no test data: run tests/unit/build-testdata.sh");
		snprintf(dir, sizeof(dir), "%s", p);
		*strrchr(dir, '/') = '\0';
		if (!realpath(dir, rdir))
			fail_msg("%s: cannot resolve", dir);
	}
	*raw = dir;
	*real = rdir;
}

/* Replace every occurrence of from by to in sb. */
static void replace_all(struct strbuf *sb, const char *from, const char *to)
{
	if (!sb->len || !*from)
		return;
	struct strbuf o = {0};
	const char *p = sb->s, *end = sb->s + sb->len;
	size_t fl = strlen(from);
	while (p < end) {
		const char *q = memmem(p, (size_t)(end - p), from, fl);
		if (!q) {
			sb_addn(&o, p, (size_t)(end - p));
			break;
		}
		sb_addn(&o, p, (size_t)(q - p));
		sb_add(&o, to);
		p = q + fl;
	}
	sb_deinit(sb);
	*sb = o;
}

/* ---- running and recording -------------------------------------------------- */

/* One case: its scene's fake target and session, and what it printed. */
struct gcase {
	const char *name;
	struct fake_target *ft;
	struct gl_session *s;
	struct strbuf log;
};

/* Run "golayout <args>" and its --json twin, and log both: the command,
 * its status, its output and its error line. */
static void record_one(struct gcase *c, const char *args)
{
	struct fake_result r;
	fake_run(c->s, c->ft, &r, "%s", args);
	sb_addf(&c->log, "$ golayout %s\n", args);
	if (r.status)
		sb_addf(&c->log, "[status %d]\n", r.status);
	if (r.out)
		sb_add(&c->log, r.out);
	if (r.out && r.out[0] && r.out[strlen(r.out) - 1] != '\n')
		sb_add(&c->log, "\n[no newline at the end]\n");
	if (r.err)
		sb_addf(&c->log, "[error] %s%s", r.err,
			r.err[0] && r.err[strlen(r.err) - 1] == '\n' ? "" : "\n");
	if (strstr(args, "--json") && !r.doc)
		fail_msg("golayout %s: not one JSON document (%s)", args, r.json_error);
	fake_result_free(&r);
}

static void record(struct gcase *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record(struct gcase *c, const char *fmt, ...)
{
	char args[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	record_one(c, args);
	char json[1100];
	snprintf(json, sizeof(json), "%s --json", args);
	record_one(c, json);
}

/* The line (1-based) where a and b first differ, and both lines. */
static void first_difference(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, line = 1, start = 0;
	while (i < al && i < bl && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	const char *ea = memchr(a + start, '\n', al - start), *eb = memchr(b + start, '\n', bl - start);
	int la = (int)((ea ? (size_t)(ea - a) : al) - start);
	int lb = (int)((eb ? (size_t)(eb - b) : bl) - start);
	print_error("  first difference at line %zu:\n    golden: %.*s\n    now:    %.*s\n", line,
		    start < bl ? lb : 0, start < bl ? b + start : "", start < al ? la : 0,
		    start < al ? a + start : "");
}

/* Compare the log with golden/<name>.txt, or write it when
 * GOLAYOUT_UPDATE_GOLDEN=1. Returns why they differ (in a static buffer),
 * or NULL. */
static const char *compare(struct gcase *c)
{
	static char why[17000];
	const char *raw, *real;
	testdata_dirs(&raw, &real);
	replace_all(&c->log, raw, "$TESTDATA");
	replace_all(&c->log, real, "$TESTDATA");
	replace_all(&c->log, golden_path(), "$GOLDEN");
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s.txt", golden_path(), c->name);
	const char *upd = getenv("GOLAYOUT_UPDATE_GOLDEN");
	if (upd && !strcmp(upd, "1")) {
		FILE *fp = fopen(path, "wb");
		bool ok = fp && fwrite(c->log.s, 1, c->log.len, fp) == c->log.len;
		if (fp && fclose(fp))
			ok = false;
		if (!ok) {
			snprintf(why, sizeof(why), "cannot write %s", path);
			return why;
		}
		print_message("  wrote %s\n", path);
		return NULL;
	}
	size_t gl = 0;
	char *g = fake_slurp(path, &gl);
	if (!g) {
		snprintf(why, sizeof(why), "no golden file %s (GOLAYOUT_UPDATE_GOLDEN=1 writes it)", path);
		return why;
	}
	bool same = gl == c->log.len && !memcmp(g, c->log.s, gl);
	if (!same) {
		char now[8300];
		snprintf(now, sizeof(now), "%s.now", path);
		FILE *fp = fopen(now, "wb");
		if (fp) {
			fwrite(c->log.s, 1, c->log.len, fp);
			fclose(fp);
		}
		first_difference(c->log.s, c->log.len, g, gl);
		if (!strcmp(c->name, "TOOLCHAIN"))
			snprintf(why, sizeof(why),
				 "the test programs are not those the goldens were made with "
				 "(diff -u %s %s): other toolchains (rebuild them with "
				 "tests/unit/build-testdata.sh) or changed sources (then "
				 "GOLAYOUT_UPDATE_GOLDEN=1 and review the diff)",
				 path, now);
		else
			snprintf(why, sizeof(why), "%s differs from its golden (diff -u %s %s)", c->name,
				 path, now);
	}
	free(g);
	return same ? NULL : why;
}

static void case_begin(struct gcase *c, const char *name, struct fake_target *ft)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->ft = ft;
	c->s = gl_session_create();
	assert_non_null(c->s);
}

/* Compare, free the case (not its fake target), then fail if it differs. */
static void case_end(struct gcase *c)
{
	const char *why = compare(c);
	sb_deinit(&c->log);
	gl_session_destroy(c->s);
	if (why)
		fail_msg("%s", why);
}

/* ---- the structs program ------------------------------------------------------ */

static void need_go(void)
{
	if (!fake_go_binary())
		fail_msg("no structs test program: run tests/unit/build-testdata.sh");
}

/* A fake target with the structs program and the truth's globals mapped. */
static struct fake_target *structs_target(void)
{
	need_go();
	return fake_structs_target();
}

/* FNV-1a of a file's bytes, to tell whether a test program changed. */
static uint64_t file_hash(const char *path)
{
	size_t n = 0;
	char *b = fake_slurp(path, &n);
	if (!b)
		fail_msg("cannot read %s", path);
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)b[i]) * 0x100000001b3ull;
	free(b);
	return h;
}

/* The goldens hold the test programs' addresses: they are only comparable
 * with the very programs they were made with (golden/TOOLCHAIN.txt: each
 * program's toolchain and a hash of its bytes). A change of a program's
 * source, of the shared truth package or of the toolchain shows up here
 * first, by name. */
static void test_toolchain(void **state)
{
	(void)state;
	need_go();
	struct gcase c;
	case_begin(&c, "TOOLCHAIN", fake_new());
	sb_addf(&c.log, "structs %s %016llx\n",
		json_string_value(json_object_get(fake_truth(), "go_version")),
		(unsigned long long)file_hash(fake_go_binary()));
	struct map_bin *bins[] = {&B_CLASSIC, &B_SWISS};
	for (size_t i = 0; i < 2; i++) {
		const char *bin = fake_testdata(bins[i]->file);
		if (!bin)
			fail_msg("no %s test program: run tests/unit/build-testdata.sh", bins[i]->file);
		char path[8192], ver[256] = "";
		snprintf(path, sizeof(path), "%s", bin);
		uint64_t h = file_hash(path);
		snprintf(path, sizeof(path), "%s.stamp", bin);
		FILE *fp = fopen(path, "r");
		if (!fp)
			fail_msg("no %s: run tests/unit/build-testdata.sh", path);
		char *r = fgets(ver, sizeof(ver), fp);
		fclose(fp);
		const char *v = r ? strstr(ver, "go version ") : NULL;
		size_t vl = v ? strcspn(v + strlen("go version "), " \n") : 0;
		sb_addf(&c.log, "%s %.*s %016llx\n", bins[i]->file, (int)vl,
			v ? v + strlen("go version ") : "", (unsigned long long)h);
	}
	case_end(&c);
	fake_free(c.ft);
}

static void test_help(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "help", fake_new());
	record_one(&c, "help");
	record_one(&c, "help map");
	record_one(&c, "map --help");
	record_one(&c, "nosuchcommand");
	record_one(&c, "nosuchcommand --json");
	case_end(&c);
	fake_free(c.ft);
}

static void test_version(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "version", structs_target());
	record(&c, "version");
	case_end(&c);
	fake_free(c.ft);
}

static void test_values(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "value", structs_target());
	const char *names[] = {"main.gInt64", "main.gUint64", "main.gFloat", "main.gC128", "main.gStr",
			       "main.gArr", "main.gPadded", "main.gSlice", "main.gEmbeds", "main.gScalars",
			       "main.gNulStr", "main.gIface", "main.gPadded.E", "main.gNoSuch",
			       /* well-known types: as their String methods print them, or
			        * their fields with what they read as */
			       "main.gTimeNano", "main.gTimeNoName", "main.gAddrZone", "main.gCtxValue",
			       "main.gMu", "main.gRW", "main.gAtomI64", "main.gBigInt", "main.gBuilderPtr",
			       "main.gReading"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		record(&c, "value %s", names[i]);
	case_end(&c);
	fake_free(c.ft);
}

static void test_struct_and_type(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "struct", structs_target());
	record(&c, "struct main.gPadded");
	record(&c, "struct main.gEmbeds");
	record(&c, "struct main.gTail");
	record(&c, "struct main.gScalars");
	record(&c, "struct main.gEvent");
	record(&c, "struct main.gInt64");
	case_end(&c);
	case_begin(&c, "type", c.ft);
	record(&c, "type main.Padded");
	record(&c, "type main.Embeds");
	record(&c, "type main.Tail");
	record(&c, "type main.Small");
	record(&c, "type main.NoSuchType");
	case_end(&c);
	fake_free(c.ft);
}

static void test_slice_string_iface(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "slice", structs_target());
	record(&c, "slice main.gSlice");
	record(&c, "slice main.gSlice --limit 1");
	record(&c, "slice main.gStr");
	case_end(&c);
	case_begin(&c, "string", c.ft);
	record(&c, "string main.gStr");
	record(&c, "string main.gNulStr");
	record(&c, "string main.gPadded.E");
	record(&c, "string main.gInt64");
	case_end(&c);
	case_begin(&c, "iface", c.ft);
	record(&c, "iface main.gIface");
	record(&c, "iface main.gInt64");
	case_end(&c);
	fake_free(c.ft);
}

/* main.gChan: a chan int of capacity 4 holding 7, 8 (recvx 1, sendx 3). */
static void test_chan(void **state)
{
	(void)state;
	struct fake_target *ft = structs_target();
	chan_scene_build(ft);
	struct gcase c;
	case_begin(&c, "chan", ft);
	record(&c, "chan main.gChan");
	record(&c, "chan main.gChan --limit 1");
	record(&c, "value main.gChan");
	record(&c, "chan main.gInt64");
	case_end(&c);
	fake_free(ft);
}

/* stats after a few reads: its counts are the fake backend's reads. */
static void test_stats(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "stats", structs_target());
	record_one(&c, "stats");
	record_one(&c, "value main.gPadded");
	record_one(&c, "value main.gSlice");
	record(&c, "stats");
	case_end(&c);
	fake_free(c.ft);
}

static void test_escape(void **state)
{
	(void)state;
	struct gcase c;
	case_begin(&c, "escape", structs_target());
	record(&c, "escape");
	record(&c, "escape load %s/escape-input.gcflags", golden_path());
	record(&c, "escape show");
	record(&c, "escape clear");
	record(&c, "escape load /nonexistent/escape.txt");
	record(&c, "escape bogus");
	case_end(&c);
	fake_free(c.ft);
}

/* ---- heap and gc ------------------------------------------------------------------ */

static void test_heap_gc(void **state)
{
	(void)state;
	if (!heap_layout_load())
		fail_msg("no structs test program: run tests/unit/build-testdata.sh");
	struct heap_opts o = HEAP_OK_OPTS;
	struct fake_target *ft = heap_scene_new(&o);
	struct gcase c;
	case_begin(&c, "heap", ft);
	record(&c, "heap 0x%llx", (unsigned long long)(SPAN_BASE + ELEMSIZE + 8));
	record(&c, "heap 0x%llx --span", (unsigned long long)(SPAN_BASE + 2 * ELEMSIZE));
	record(&c, "heap 0x%llx --span --limit 4", (unsigned long long)(SPAN_BASE + 3 * ELEMSIZE));
	record(&c, "heap 0x%llx", (unsigned long long)(SPAN_BASE + heap_L.page_size + 8));
	record(&c, "heap 0x10");
	case_end(&c);
	case_begin(&c, "gc", ft);
	record(&c, "gc");
	record(&c, "gc --all");
	case_end(&c);
	fake_free(ft);
	/* during the mark phase: marked and unmarked objects */
	o.phase_mark = true;
	ft = heap_scene_new(&o);
	case_begin(&c, "heap-mark", ft);
	record(&c, "heap 0x%llx", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	record(&c, "heap 0x%llx", (unsigned long long)(SPAN_BASE + 3 * ELEMSIZE));
	record(&c, "gc");
	case_end(&c);
	fake_free(ft);
}

/* ---- goroutines and stack ------------------------------------------------------------ */

static void test_goroutines_stack(void **state)
{
	(void)state;
	struct fake_target *ft = four_goroutines_new();
	if (!ft)
		fail_msg("%s", G_BIN.why);
	struct gcase c;
	case_begin(&c, "goroutines", ft);
	record(&c, "goroutines");
	record(&c, "goroutines --dead");
	record(&c, "goroutines --status waiting");
	record(&c, "goroutines --func main. --limit 1");
	case_end(&c);
	case_begin(&c, "stack", ft);
	record(&c, "stack 1");
	record(&c, "stack 2");
	record(&c, "stack 2 --all-vars");
	record(&c, "stack 99");
	record(&c, "stack");
	case_end(&c);
	fake_free(ft);
}

/* ---- maps --------------------------------------------------------------------------- */

static void test_map_classic(void **state)
{
	(void)state;
	struct map_scene m;
	struct classic L;
	struct gcase c;
	map_scene_init(&m, map_bin_need(&B_CLASSIC));
	build_classic_strint(&m, &L);
	fake_fill_pages(m.ft);
	case_begin(&c, "map-classic-strint", m.ft);
	record(&c, "map main.gStrInt");
	record(&c, "map main.gStrInt --summary");
	record(&c, "value main.gStrInt");
	record(&c, "map main.gNil");
	case_end(&c);
	map_scene_deinit(&m);

	map_scene_init(&m, &B_CLASSIC);
	build_classic_four(&m, &L);
	fake_fill_pages(m.ft);
	case_begin(&c, "map-classic", m.ft);
	record(&c, "map main.gI64Int");
	record(&c, "map main.gI64Int --summary");
	record(&c, "map main.gI64Int --limit 2");
	record(&c, "map main.gI64Int --bucket 1");
	record(&c, "value main.gI64Int");
	case_end(&c);
	map_scene_deinit(&m);

	map_scene_init(&m, &B_CLASSIC);
	build_classic_growing(&m, &L, NULL, NULL);
	fake_fill_pages(m.ft);
	case_begin(&c, "map-classic-growing", m.ft);
	record(&c, "map main.gI64Int");
	record(&c, "map main.gI64Int --summary");
	record(&c, "map main.gI64Int --bucket 0");
	case_end(&c);
	map_scene_deinit(&m);
}

static void test_map_swiss(void **state)
{
	(void)state;
	struct map_scene m;
	struct swiss L;
	struct gcase c;
	map_scene_init(&m, map_bin_need(&B_SWISS));
	build_swiss_small(&m, &L);
	fake_fill_pages(m.ft);
	case_begin(&c, "map-swiss-small", m.ft);
	record(&c, "map main.gStrInt");
	record(&c, "map main.gStrInt --summary");
	record(&c, "value main.gStrInt");
	case_end(&c);
	map_scene_deinit(&m);

	/* a directory of two tables: a grown map */
	map_scene_init(&m, &B_SWISS);
	build_swiss_dir(&m, &L, 6, A_TABLE + 0x1000);
	fake_fill_pages(m.ft);
	case_begin(&c, "map-swiss-dir", m.ft);
	record(&c, "map main.gI64Int");
	record(&c, "map main.gI64Int --summary");
	record(&c, "map main.gI64Int --group 1");
	record(&c, "map main.gI64Int --limit 1");
	case_end(&c);
	map_scene_deinit(&m);
}

static int teardown_all(void **state)
{
	(void)state;
	map_bins_close();
	heap_layout_close();
	if (G_BIN.t)
		gl_target_destroy(G_BIN.t);
	G_BIN.t = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toolchain),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_struct_and_type),
		cmocka_unit_test(test_slice_string_iface),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_heap_gc),
		cmocka_unit_test(test_goroutines_stack),
		cmocka_unit_test(test_map_classic),
		cmocka_unit_test(test_map_swiss),
	};
	return cmocka_run_group_tests_name("golden", tests, NULL, teardown_all);
}
