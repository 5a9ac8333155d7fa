/* Hostile input that is not corrupt memory: expressions built to exhaust
 * the parser's stack, escape files that never end or block, numbers that
 * wrap. Each must give one clear error line, in bounded time, without
 * taking the debugger down. Anything that might crash or hang runs in a
 * child process with a time limit (fake_run_in_child). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/number.h"
#include "fake_target.h"
#include "runtime/escape.h"
#include "target/dwarfinfo.h"

#define TIME_LIMIT_MS 10000 /* generous: sanitizer builds are slow */

/* Missing test data is an error, not a skip: it would hide every check. */
#define NEED_GO()                                                                        \
	do {                                                                             \
		if (!fake_go_binary()) {                                                 \
			fail_msg("no Go test program: run tests/unit/build-testdata.sh"); \
		}                                                                        \
	} while (0)

/* One command, run in a child: it must fail with one error line that
 * contains want (and succeed when want is NULL). */
struct cmd_job {
	struct fake_fx *f;
	const char *cmd;
	const char *want;
};

static int cmd_child(void *arg)
{
	struct cmd_job *j = arg;
	struct fake_result r;
	fake_run(j->f->s, j->f->ft, &r, "%s", j->cmd);
	int bad;
	if (!j->want)
		bad = r.status != 0;
	else
		bad = r.status == 0 || !r.err || strncmp(r.err, "golayout: ", 10) != 0 ||
		      strchr(r.err, '\n') || !strstr(r.err, j->want);
	if (bad)
		fprintf(stderr, "  %.80s...: status %d, error \"%.300s\", want \"%s\"\n", j->cmd,
			r.status, r.err ? r.err : "(none)", j->want ? j->want : "success");
	fake_result_free(&r);
	return bad;
}

static void run_cmd_job(struct fake_fx *f, const char *cmd, const char *want)
{
	struct cmd_job j = {f, cmd, want};
	int rc = fake_run_in_child(cmd_child, &j, TIME_LIMIT_MS);
	if (rc == FAKE_CHILD_TIMEOUT)
		fail_msg("%.80s... did not finish within %d ms", cmd, TIME_LIMIT_MS);
	if (rc != FAKE_CHILD_OK)
		fail_msg("%.80s...: wrong answer or a crash (see above)", cmd);
}

/* "value " + open x n + middle + close x n */
static char *nested(const char *open, size_t n, const char *middle, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(middle);
	char *s = malloc(6 + n * (lo + lc) + lm + 1);
	assert_non_null(s);
	char *p = s;
	memcpy(p, "value ", 6);
	p += 6;
	for (size_t i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, middle, lm);
	p += lm;
	for (size_t i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

/* ---- the expression parser ---- */

/* Nesting within the bound still works: the bound is not a new limit on
 * ordinary expressions. */
static void test_expr_nesting_within_bound_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	char *cmd = nested("(", 150, "main.gPadded", ")");
	run_cmd_job(f, cmd, NULL);
	free(cmd);
}

/* Parentheses deeper than the bound but short enough to be read: the
 * depth bound answers. */
static void test_expr_deep_parens_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	char *cmd = nested("(", 1000, "main.gPadded", ")");
	run_cmd_job(f, cmd, "nested too deeply");
	free(cmd);
}

/* The 4,500 parentheses (9 KB) and beyond: the length bound. */
static void test_expr_huge_parens_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	char *cmd = nested("(", 100000, "main.gPadded", ")");
	run_cmd_job(f, cmd, "expression too long");
	free(cmd);
}

static void test_expr_deep_stars_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	char *cmd = nested("*", 1000, "main.gPadded", "");
	run_cmd_job(f, cmd, "nested too deeply");
	free(cmd);
	/* and * mixed with ( */
	cmd = nested("*(", 500, "main.gPadded", ")");
	run_cmd_job(f, cmd, "nested too deeply");
	free(cmd);
}

/* The 1,000,000 stars. */
static void test_expr_million_stars_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	char *cmd = nested("*", 1000000, "main.gPadded", "");
	run_cmd_job(f, cmd, "expression too long");
	free(cmd);
}

/* A negative index or one past 2^64 is refused, not wrapped to
 * 18446744073709551615. */
static void test_expr_index_does_not_wrap_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gSlice"));
	run_cmd_job(f, "value main.gSlice[-1]", "expected [number]");
	run_cmd_job(f, "value main.gSlice[99999999999999999999999]", "expected [number]");
	run_cmd_job(f, "value main.gSlice[1]", NULL);
	run_cmd_job(f, "value 99999999999999999999999 --type int", "out of range");
}

/* ---- a NUL byte in a Go string ---- */

/* The text output is a C string: a raw NUL ended it, so "a\x00b" printed
 * as "a" and a map of such keys as "map[a". The NUL shows as U+2400 and
 * everything after it is there. */
static void test_text_with_nul_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gNulStr"));
	fake_map_global(f->ft, fake_truth_global("main.gNulStruct"));
	static const struct {
		const char *cmd, *want;
	} cases[] = {
		{"value main.gNulStr", "\na\xe2\x90\x80" "b\n"},
		{"value main.gNulStruct", "\n{a\xe2\x90\x80" "b 7}\n"},
		{"string main.gNulStr", "text: \"a\xe2\x90\x80" "b\""},
		{"struct main.gNulStruct", "a\xe2\x90\x80" "b"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FAKE_FX_RUN(f, "%s", cases[i].cmd);
		if (f->r.status != 0 || !f->r.out || !strstr(f->r.out, cases[i].want))
			fail_msg("%s: want \"%s\" in:\n%s", cases[i].cmd, cases[i].want,
				 f->r.out ? f->r.out : f->r.err);
	}
	/* the struct's text goes on past the field: N is there too */
	if (!strstr(f->r.out, " N ") && !strstr(f->r.out, "N  "))
		fail_msg("struct text stops at the NUL:\n%s", f->r.out);
}

/* The numbers a user types: no sign, no wrap past 2^64. */
static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 7;
	const char *end;
	assert_false(gl_parse_u64("-1", &v));
	assert_false(gl_parse_u64("+1", &v));
	assert_false(gl_parse_u64(" 1", &v));
	assert_false(gl_parse_u64("", &v));
	assert_false(gl_parse_u64(NULL, &v));
	assert_false(gl_parse_u64("18446744073709551616", &v));
	assert_false(gl_parse_u64("0x10000000000000000", &v));
	assert_false(gl_parse_u64("12x", &v));
	assert_int_equal(v, 7);
	assert_true(gl_parse_u64("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);
	assert_true(gl_parse_u64("0x10", &v));
	assert_int_equal(v, 16);
	assert_true(gl_parse_u64("010", &v));
	assert_int_equal(v, 8);
	const char *s = "42]";
	assert_true(gl_parse_u64_prefix(s, &end, &v));
	assert_int_equal(v, 42);
	assert_ptr_equal(end, s + 2);
}

/* ---- corrupt slice headers ---- */

struct slice_job {
	struct fake_fx *f;
	const char *cmd;
	const char *want, *never, *never2; /* in / not in the text */
};

static int slice_child(void *arg)
{
	struct slice_job *j = arg;
	struct fake_result r;
	fake_run(j->f->s, j->f->ft, &r, "%s", j->cmd);
	const char *o = r.out ? r.out : "";
	int bad = r.status == 0 || !r.err || !strstr(r.err, "corrupt slice header") ||
		  !strstr(o, j->want) || strstr(o, j->never) || (j->never2 && strstr(o, j->never2));
	if (bad)
		fprintf(stderr, "  %s: status %d, error \"%s\", text:\n%s", j->cmd, r.status,
			r.err ? r.err : "(none)", o);
	fake_result_free(&r);
	return bad;
}

static void put_header(struct fake_fx *f, uint64_t at, uint64_t array, uint64_t len, uint64_t cap)
{
	unsigned char h[24];
	for (int i = 0; i < 8; i++) {
		h[i] = (unsigned char)(array >> (8 * i));
		h[8 + i] = (unsigned char)(len >> (8 * i));
		h[16 + i] = (unsigned char)(cap >> (8 * i));
	}
	fake_map(f->ft, at, h, sizeof(h));
}

static void run_slice_job(struct slice_job *j)
{
	int rc = fake_run_in_child(slice_child, j, TIME_LIMIT_MS);
	if (rc == FAKE_CHILD_TIMEOUT)
		fail_msg("%s did not finish within %d ms", j->cmd, TIME_LIMIT_MS);
	if (rc != FAKE_CHILD_OK)
		fail_msg("%s: wrong text or error, a crash or a sanitizer report (see above)", j->cmd);
}

/* cap 2^62 of 8-byte ints: cap * es wraps to 0 ("= 0 bytes" before). The
 * header is called corrupt, in the text and the error. */
static void test_slice_cap_bytes_wrap_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	put_header(f, 0x700000, 0x800000, 1, 1ull << 62);
	struct slice_job j = {f, "slice 0x700000 --type []int", "cap 4611686018427387904 x 8 bytes",
			      "= 0 bytes", "reserved capacity"};
	run_slice_job(&j);
}

/* len "negative" (above 2^63) and cap small: cap - len was signed
 * overflow (UBSan) and printed as a huge count of reserved slots. */
static void test_slice_len_negative_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	put_header(f, 0x700000, 0x800000, (1ull << 63) + 5, 2);
	struct slice_job j = {f, "slice 0x700000 --type []int", "cap 2 x 8 bytes = 16 bytes",
			      "reserved capacity", "elements shown"};
	run_slice_job(&j);
	put_header(f, 0x700100, 0x800000, 3, UINT64_MAX);
	struct slice_job k = {f, "slice 0x700100 --type []int", "cap -1 x 8 bytes",
			      "reserved capacity", "= "};
	run_slice_job(&k);
}

/* ---- mangled DWARF ---- */

static int dwarf_child(void *arg)
{
	struct gl_dwarf *dw = NULL;
	struct gl_error *err = gl_dwarf_open(arg, &dw);
	if (err)
		fprintf(stderr, "  %s: %s\n", (const char *)arg, err->message);
	gl_error_destroy(err);
	if (dw)
		gl_dwarf_close(dw);
	return 0; /* an error is fine; a sanitizer report or a crash is not */
}

/* DWARF with a unit but no function: the function table stays NULL and
 * was given to qsort (UBSan: null pointer passed as argument 1). */
static void test_dwarf_without_functions(void **state)
{
	(void)state;
	const char *obj = fake_testdata("nofuncs.o");
	if (!obj)
		fail_msg("no nofuncs.o: run tests/unit/build-testdata.sh");
	int rc = fake_run_in_child(dwarf_child, (void *)obj, TIME_LIMIT_MS);
	if (rc != FAKE_CHILD_OK)
		fail_msg("reading the DWARF of %s crashed, hung or made a sanitizer report", obj);
}

/* ---- escape load FILE ---- */

struct esc_job {
	const char *path;
	const char *want; /* in the error; NULL: must load */
};

static int esc_child(void *arg)
{
	struct esc_job *j = arg;
	struct gl_escapes *e = NULL;
	struct gl_error *err = gl_escapes_load(j->path, &e);
	const char *msg = err ? err->message : NULL;
	int bad = j->want ? !msg || !strstr(msg, j->want) || strchr(msg, '\n') : err != NULL;
	if (bad)
		fprintf(stderr, "  escape load %s: \"%s\", want \"%s\"\n", j->path,
			msg ? msg : "(loaded)", j->want ? j->want : "loaded");
	gl_error_destroy(err);
	gl_escapes_destroy(e);
	return bad;
}

static void check_escape_load(const char *path, const char *want)
{
	struct esc_job j = {path, want};
	int rc = fake_run_in_child(esc_child, &j, TIME_LIMIT_MS);
	if (rc == FAKE_CHILD_TIMEOUT)
		fail_msg("escape load %s did not return within %d ms", path, TIME_LIMIT_MS);
	if (rc != FAKE_CHILD_OK)
		fail_msg("escape load %s: wrong answer or a crash (see above)", path);
}

struct tmpdir {
	char dir[64];
	char path[128];
};

static void tmp_make(struct tmpdir *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/golayout-hostile-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
}

static void tmp_remove(struct tmpdir *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

static void write_file(const char *path, const char *text, size_t repeat_x)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < repeat_x; i++)
		fputc('x', f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Devices never end (/dev/zero, /dev/urandom) or block: refused before a
 * byte is read. */
static void test_escape_devices(void **state)
{
	(void)state;
	check_escape_load("/dev/zero", "not a regular file");
	check_escape_load("/dev/urandom", "not a regular file");
}

/* A FIFO without a writer: open() must not wait for one. */
static void test_escape_fifo(void **state)
{
	(void)state;
	struct tmpdir t;
	tmp_make(&t, "fifo");
	assert_int_equal(mkfifo(t.path, 0600), 0);
	check_escape_load(t.path, "not a regular file");
	tmp_remove(&t);
}

static void test_escape_directory(void **state)
{
	(void)state;
	struct tmpdir t;
	tmp_make(&t, "");
	check_escape_load(t.dir, "a directory");
	rmdir(t.dir);
}

/* A 2 GiB file (sparse: it costs no disk) is refused by its size. */
static void test_escape_oversize(void **state)
{
	(void)state;
	struct tmpdir t;
	tmp_make(&t, "big.txt");
	write_file(t.path, "a.go:3:2: moved to heap: x\n", 0);
	assert_int_equal(truncate(t.path, 2ll << 30), 0);
	check_escape_load(t.path, "larger than 1 GiB");
	tmp_remove(&t);
}

/* One 100 KB line: refused, naming the line, instead of being parsed in
 * pieces as if it were many lines. A good file beside it still loads. */
static void test_escape_long_line(void **state)
{
	(void)state;
	struct tmpdir t;
	tmp_make(&t, "long.txt");
	write_file(t.path, "a.go:3:2: moved to heap: x\n", 0);
	check_escape_load(t.path, NULL);
	/* a line number past INT_MAX is no line number: nothing to load */
	write_file(t.path, "a.go:99999999999999999999:2: moved to heap: x\n", 0);
	check_escape_load(t.path, "no escape analysis lines");
	write_file(t.path, ": moved to heap: x\n", 100000);
	check_escape_load(t.path, "line 1 is longer than");
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expr_nesting_within_bound_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_deep_parens_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_huge_parens_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_deep_stars_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_million_stars_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_index_does_not_wrap_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_with_nul_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_slice_cap_bytes_wrap_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_slice_len_negative_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_dwarf_without_functions),
		cmocka_unit_test(test_escape_devices),
		cmocka_unit_test(test_escape_fifo),
		cmocka_unit_test(test_escape_directory),
		cmocka_unit_test(test_escape_oversize),
		cmocka_unit_test(test_escape_long_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
