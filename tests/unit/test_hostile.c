/* Hostile input (issue 10): expressions built to exhaust the parser's
 * stack, numbers that would wrap, a NUL byte in a string's text, slice
 * headers whose sizes overflow, DWARF without functions, escape files that
 * never end or block. Each must give one clear error line and only what
 * was read, in bounded time, without taking the debugger down. Anything
 * that might crash or hang runs in a child process with a time limit.
 * The _go tests use the Go test program (fake_fx_setup_go fails, not
 * skips, when build-testdata.sh has not built it). */
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
#include "base/strbuf.h"
#include "render/text.h"
#include "runtime/chan.h"
#include "scene_chan.h"
#include "child_run.h"
#include "fake_target.h"
#include "runtime/escape.h"
#include "target/dwarfinfo.h"
#include "target/elffile.h"
#include "target/target.h"

#define TIME_LIMIT_MS 10000 /* generous: sanitizer builds are slow */

/* One command in a time-limited child (child_run_cmd: a crash, a hang or
 * a sanitizer report fails the test), its result in r. */
static void run(struct fake_fx *f, struct child_result *r, const char *cmd)
{
	child_run_cmd(f->s, f->ft, cmd, TIME_LIMIT_MS, 1ull << 30, r);
}

/* The command failed with one error line containing want. */
static void assert_error_has(const struct child_result *r, const char *want)
{
	if (r->status == 0 || !r->err || strncmp(r->err, "golayout: ", 10) != 0 ||
	    strchr(r->err, '\n') || !strstr(r->err, want))
		fail_msg("%.80s...: status %d, error \"%.300s\", want one line with \"%s\"", r->args,
			 r->status, r->err ? r->err : "(none)", want);
}

/* Run cmd: with want_err, it must fail with one error line containing it;
 * else succeed, with want_out (if any) in its output. */
static void check_cmd(struct fake_fx *f, const char *cmd, const char *want_err, const char *want_out)
{
	struct child_result r = {0};
	run(f, &r, cmd);
	if (want_err)
		assert_error_has(&r, want_err);
	else if (r.status != 0 || (want_out && !strstr(r.out ? r.out : "", want_out)))
		fail_msg("%.80s...: %s", cmd, r.err ? r.err : r.out);
	child_result_free(&r);
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

/* Nesting within the bound still works (the bound is no new limit on
 * ordinary expressions); deeper nesting gets the depth bound's error, and
 * the 4,500 parentheses (9 KB) or 1,000,000 stars the length
 * bound's, instead of overflowing the debugger's stack. */
static void test_expr_nesting_go(void **state)
{
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	static const struct {
		const char *open, *close;
		size_t n;
		const char *want; /* NULL: success */
	} cases[] = {
		{"(", ")", 150, NULL},
		{"*(", ")", 1, "cannot dereference"}, /* the parser reached the value */
		{"(", ")", 1000, "nested too deeply"},
		{"*", "", 1000, "nested too deeply"},
		{"*(", ")", 500, "nested too deeply"},
		{"(", ")", 100000, "expression too long"},
		{"*", "", 1000000, "expression too long"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cmd = nested(cases[i].open, cases[i].n, "main.gPadded", cases[i].close);
		check_cmd(f, cmd, cases[i].want, NULL);
		free(cmd);
	}
}

/* A negative index or one past 2^64 is refused, not wrapped to
 * 18446744073709551615. */
static void test_expr_index_does_not_wrap_go(void **state)
{
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gSlice"));
	static const struct {
		const char *cmd, *want;
	} cases[] = {
		{"value main.gSlice[-1]", "expected [number]"},
		{"value main.gSlice[99999999999999999999999]", "expected [number]"},
		{"value 99999999999999999999999 --type int", "out of range"},
		{"value main.gSlice[1]", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_cmd(f, cases[i].cmd, cases[i].want, "-20");
}

/* Numbers in arguments and options: a minus sign or a number past 2^64
 * (or past what an option holds) is refused, not wrapped. */
static void test_numbers_do_not_wrap_go(void **state)
{
	struct fake_fx *f = *state;
	static const struct {
		const char *cmd, *want;
	} cases[] = {
		{"stack -1 --json", "GOID must be a number"},
		{"stack 99999999999999999999999 --json", "GOID must be a number"},
		{"map main.gMap --limit 99999999999999999999 --json", "non-negative number"},
		{"map main.gMap --limit 9223372036854775808 --json", "non-negative number"},
		{"map main.gMap --limit -3 --json", "non-negative number"},
		{"heap 99999999999999999999999 --json", "99999999999999999999999"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FAKE_FX_RUN(f, "%s", cases[i].cmd);
		const char *e = fake_doc_str(&f->r, "error");
		if (!e || !strstr(e, cases[i].want))
			fail_msg("golayout %s: error %s, want one with \"%s\"", cases[i].cmd, e ? e : "(none)",
				 cases[i].want);
	}
}

/* ---- a NUL byte in a Go string ---- */

/* The text output is a C string: a raw NUL ended it, so "a\x00b" printed
 * as "a" and a map of such keys as "map[a". The NUL shows as U+2400 and
 * everything after it is there. */
static void test_text_with_nul_go(void **state)
{
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

/* A string's text in a picture's title (and on a terminal): a corrupt
 * header's megabyte of bytes costs and shows what a line holds, cut to
 * the columns asked for with an ellipsis as the last. */
static void test_text_clipped(void **state)
{
	(void)state;
	struct strbuf t;
	sb_init(&t);
	gl_text_set_clipped(&t, "h\xc3\xa9llo", 6, 10);
	assert_string_equal(gl_sb_str(&t), "h\xc3\xa9llo");
	gl_text_set_clipped(&t, "h\xc3\xa9llo", 6, 5);
	assert_string_equal(gl_sb_str(&t), "h\xc3\xa9llo");
	gl_text_set_clipped(&t, "h\xc3\xa9llo", 6, 3);
	assert_string_equal(gl_sb_str(&t), "h\xc3\xa9\xe2\x80\xa6");
	size_t n = 1u << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	gl_text_set_clipped(&t, big, n, 160);
	assert_int_equal(t.len, 159 + 3);
	assert_memory_equal(t.s + 159, "\xe2\x80\xa6", 3);
	for (size_t i = 0; i + 4 <= n; i += 4) /* U+1F600, four bytes a column */
		memcpy(big + i, "\xf0\x9f\x98\x80", 4);
	gl_text_set_clipped(&t, big, n, 5);
	assert_string_equal(gl_sb_str(&t), "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xe2\x80\xa6");
	gl_text_set_clipped(&t, big, 20, 5); /* exactly five: no ellipsis */
	assert_int_equal(t.len, 20);
	memset(big, 0xff, n); /* invalid bytes: U+FFFD each */
	gl_text_set_clipped(&t, big, n, 3);
	assert_string_equal(gl_sb_str(&t), "\xef\xbf\xbd\xef\xbf\xbd\xe2\x80\xa6");
	memset(big, 0, 8); /* NULs: U+2400 each */
	gl_text_set_clipped(&t, big, 8, 8);
	assert_int_equal(t.len, 8 * 3);
	free(big);
	sb_deinit(&t);
}

/* chan --json lists every slot decoded unless --limit is given (found by
 * fuzz_chan: a corrupt hchan whose ring claims 2^48 slots over readable
 * memory made `chan --limit 1 --json` print the 100,000 slots decoded,
 * 10 MB). The lists stop at N and the rest is counted. */
static void chan_json_lists(struct fake_fx *f, const char *args, size_t want_slots, size_t want_buffer,
			    long long want_slots_skipped)
{
	FAKE_FX_RUN(f, "chan main.gChan --json%s", args);
	if (!f->r.doc)
		fail_msg("chan --json%s: %s", args, f->r.json_error);
	json_t *slots = json_object_get(f->r.doc, "slots"), *buffer = json_object_get(f->r.doc, "buffer");
	if (json_array_size(slots) != want_slots || json_array_size(buffer) != want_buffer ||
	    fake_doc_int(&f->r, "slots_skipped") != want_slots_skipped)
		fail_msg("chan --json%s: %zu slots, %zu queued, %lld skipped; want %zu, %zu, %lld", args,
			 json_array_size(slots), json_array_size(buffer), fake_doc_int(&f->r, "slots_skipped"),
			 want_slots, want_buffer, want_slots_skipped);
}

static void test_chan_json_limit_go(void **state)
{
	struct fake_fx *f = *state;
	chan_scene_build(f->ft);
	chan_json_lists(f, "", 4, 2, -1); /* the ring of 4 with 2 queued; nothing skipped */
	chan_json_lists(f, " --limit 1", 1, 1, 3);
	/* corrupt: 2^44 slots of 8 bytes (within maxAlloc), 2^43 queued,
	 * over a readable megabyte */
	fake_map_pattern(f->ft, 0x50000000, 1u << 20);
	fake_poke_u64(f->ft, A_HCHAN + 0, 1ull << 43);  /* qcount */
	fake_poke_u64(f->ft, A_HCHAN + 8, 1ull << 44);  /* dataqsiz */
	fake_poke_u64(f->ft, A_HCHAN + 16, 0x50000000); /* buf */
	fake_set_stop_id(f->ft, 77);
	chan_json_lists(f, " --limit 2", 2, 2, (long long)((1ull << 44) - 2));
	if (strlen(f->r.out) > 16384)
		fail_msg("chan --limit 2 --json: %zu bytes", strlen(f->r.out));
	/* without --limit: the slots decoded, those queued among them from
	 * recvx 1 on */
	chan_json_lists(f, "", GL_CHAN_MAX_SLOTS, GL_CHAN_MAX_SLOTS - 1,
			(long long)((1ull << 44) - GL_CHAN_MAX_SLOTS));
	/* 2^48 slots of 8 bytes: more than makechan allocates (maxAlloc
	 * 2^48 on amd64), a corrupt header, nothing decoded past it */
	fake_poke_u64(f->ft, A_HCHAN + 8, 1ull << 48);
	fake_set_stop_id(f->ft, 78);
	FAKE_FX_RUN(f, "chan main.gChan --json");
	const char *e = fake_doc_str(&f->r, "error");
	if (!e || !strstr(e, "maxAlloc") || json_object_get(f->r.doc, "slots"))
		fail_msg("chan of a 2^51-byte ring: %s", f->r.out);
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

/* `golayout slice` of a corrupt header: the error says so, the text has
 * want and neither never nor never2 (NULL: no check). */
static void check_corrupt_slice(struct fake_fx *f, const char *cmd, const char *want,
				const char *never, const char *never2)
{
	struct child_result r = {0};
	run(f, &r, cmd);
	assert_error_has(&r, "corrupt slice header");
	const char *o = r.out ? r.out : "";
	if (!strstr(o, want) || (never && strstr(o, never)) || (never2 && strstr(o, never2)))
		fail_msg("%s: want \"%s\", not \"%s\" or \"%s\" in:\n%s", cmd, want, never,
			 never2 ? never2 : "", o);
	child_result_free(&r);
}

/* cap 2^62 of 8-byte ints: cap * es wrapped to 0 ("= 0 bytes"), and the
 * header passed as consistent. */
static void test_slice_cap_bytes_wrap_go(void **state)
{
	struct fake_fx *f = *state;
	put_header(f, 0x700000, 0x800000, 1, 1ull << 62);
	check_corrupt_slice(f, "slice 0x700000 --type []int", "cap 4611686018427387904 x 8 bytes",
			    "= 0 bytes", "reserved capacity");
}

/* len "negative" (above 2^63) and cap small: cap - len was signed
 * overflow (UBSan) and printed as a huge count of reserved slots. */
static void test_slice_len_negative_go(void **state)
{
	struct fake_fx *f = *state;
	put_header(f, 0x700000, 0x800000, (1ull << 63) + 5, 2);
	check_corrupt_slice(f, "slice 0x700000 --type []int", "cap 2 x 8 bytes = 16 bytes",
			    "reserved capacity", "elements shown");
	put_header(f, 0x700100, 0x800000, 3, UINT64_MAX);
	check_corrupt_slice(f, "slice 0x700100 --type []int", "cap -1 x 8 bytes: negative cap",
			    "reserved capacity", "= ");
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

/* A scratch directory for one test. */
static void tmp_make(char dir[64])
{
	snprintf(dir, 64, "/tmp/golayout-hostile-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

/* dir/name, in a static buffer */
static const char *tmp_path(const char *dir, const char *name)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
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

/* structs-plain (its DWARF not compressed, so that bytes can be patched
 * in place), read into elf; its section `name`, whole in the file. */
static const struct gl_elf_section *plain_section(struct gl_elf *elf, const char *name)
{
	const char *src = fake_testdata("structs-plain");
	if (!src)
		fail_msg("no structs-plain: run tests/unit/build-testdata.sh");
	assert_null(gl_elf_open(src, elf));
	const struct gl_elf_section *s = gl_elf_section(elf, name);
	assert_non_null(s);
	assert_true(!(s->flags & 0x800 /* SHF_COMPRESSED */) && s->offset + s->size <= elf->size);
	return s;
}

/* elf's bytes, as patched, written to dir/name (a new scratch dir) in
 * path, and elf closed. */
static void save_patched(struct gl_elf *elf, char dir[64], const char *name, char path[128])
{
	tmp_make(dir);
	snprintf(path, 128, "%s", tmp_path(dir, name));
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(elf->data, 1, elf->size, f), elf->size);
	assert_int_equal(fclose(f), 0);
	gl_elf_close(elf);
}

/* A binary whose .debug_rnglists begins with a table of length zero:
 * libdwarf 0.5 frees its table list twice on it while it loads the first
 * unit (tests/fuzz/corpus/elf/rnglists-zero-length); golayout must read
 * the binary without DWARF and say why in one line. */
static int rnglists_child(void *arg)
{
	struct gl_target *t = NULL;
	struct gl_error *err = gl_target_open(arg, &t);
	int bad = err || !t || t->dw || !t->dwarf_error || !strstr(t->dwarf_error, ".debug_rnglists is malformed") ||
		  strchr(t->dwarf_error, '\n');
	if (bad)
		fprintf(stderr, "  %s: %s\n", (const char *)arg,
			err ? err->message : t && t->dwarf_error ? t->dwarf_error : "DWARF read");
	gl_error_destroy(err);
	if (t)
		gl_target_destroy(t);
	return bad;
}

static void test_rnglists_zero_length(void **state)
{
	(void)state;
	struct gl_elf elf;
	const struct gl_elf_section *s = plain_section(&elf, ".debug_rnglists");
	assert_true(s->size >= 4);
	memset(elf.data + s->offset, 0, 4);
	char dir[64], path[128];
	save_patched(&elf, dir, "rnglists", path);
	int rc = fake_run_in_child(rnglists_child, path, TIME_LIMIT_MS);
	unlink(path);
	rmdir(dir);
	if (rc != FAKE_CHILD_OK)
		fail_msg("a zero-length .debug_rnglists table: crash, hang or DWARF read (see above)");
}

/* Every type of the Go programs the tests build holds together as its
 * DWARF gives it: none is refused (an opaque [size]byte) by the layout
 * check that guards decoders against mangled DWARF. */
static void test_dwarf_types_hold(void **state)
{
	(void)state;
	static const char *const bins[] = {"structs", "structs-pie", "structs-386", "structs-arm64",
					   "maps-classic", "maps-swiss", "maps-swiss-split"};
	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		const char *path = fake_testdata(bins[i]);
		if (!path)
			fail_msg("no %s: run tests/unit/build-testdata.sh", bins[i]);
		struct gl_dwarf *dw = NULL;
		struct gl_error *err = gl_dwarf_open(path, &dw);
		if (err)
			fail_msg("%s: %s", bins[i], err->message);
		size_t refused = gl_dwarf_check_types(dw);
		const struct gl_type *f64 = gl_dwarf_find_type(dw, "float64");
		const struct gl_type *g = gl_dwarf_find_type(dw, "runtime.g");
		if (refused || !f64 || f64->kind != GL_K_FLOAT64 || !g || g->kind != GL_K_STRUCT || g->nfields < 20)
			fail_msg("%s: %zu types refused, float64 %s, runtime.g %s", bins[i], refused,
				 f64 ? gl_kind_name(f64->kind) : "missing", g ? gl_kind_name(g->kind) : "missing");
		gl_dwarf_close(dw);
	}
}

/* float64 given a byte_size of 1 in the DWARF (structs-plain, whose
 * DWARF is not compressed, patched where the base type's DIE says
 * name "float64", encoding float, size 8, Go kind Float64): the type is
 * refused, an opaque [1]byte, so that no decoder reads 8 bytes from the
 * 1 it allocated for a value (as the hasher did for a runtime descriptor
 * of that shape). */
static void test_dwarf_mangled_base_type(void **state)
{
	(void)state;
	struct gl_elf elf;
	const struct gl_elf_section *s = plain_section(&elf, ".debug_info");
	static const unsigned char die[] = "float64\0\x04\x08\x0e";
	size_t patched = 0;
	for (uint64_t o = s->offset; o + sizeof(die) - 1 <= s->offset + s->size; o++)
		if (memcmp(elf.data + o, die, sizeof(die) - 1) == 0) {
			elf.data[o + 9] = 1; /* the byte size */
			patched++;
		}
	assert_true(patched > 0);
	char dir[64], path[128];
	save_patched(&elf, dir, "f64", path);
	struct gl_dwarf *dw = NULL;
	assert_null(gl_dwarf_open(path, &dw));
	const struct gl_type *t = gl_dwarf_find_type(dw, "float64");
	assert_non_null(t);
	assert_int_equal(t->kind, GL_K_ARRAY);
	assert_int_equal(t->size, 1);
	assert_int_equal(t->count, 1);
	assert_non_null(t->elem);
	assert_int_equal(t->elem->size, 1);
	assert_true(gl_dwarf_check_types(dw) >= 1);
	/* the other base types are untouched */
	const struct gl_type *i64 = gl_dwarf_find_type(dw, "int64");
	assert_true(i64 && i64->kind == GL_K_INT64 && i64->size == 8);
	gl_dwarf_close(dw);
	unlink(path);
	rmdir(dir);
}

/* Refused before a byte is read: devices that never end (/dev/zero,
 * /dev/urandom), a FIFO without a writer (open() must not wait for one),
 * a directory, and a 2 GiB file (sparse: it costs no disk). */
static void test_escape_refused(void **state)
{
	(void)state;
	check_escape_load("/dev/zero", "not a regular file");
	check_escape_load("/dev/urandom", "not a regular file");
	char dir[64];
	tmp_make(dir);
	check_escape_load(dir, "a directory");
	assert_int_equal(mkfifo(tmp_path(dir, "fifo"), 0600), 0);
	check_escape_load(tmp_path(dir, "fifo"), "not a regular file");
	unlink(tmp_path(dir, "fifo"));
	write_file(tmp_path(dir, "big"), "a.go:3:2: moved to heap: x\n", 0);
	assert_int_equal(truncate(tmp_path(dir, "big"), 2ll << 30), 0);
	check_escape_load(tmp_path(dir, "big"), "larger than 1 GiB");
	unlink(tmp_path(dir, "big"));
	rmdir(dir);
}

/* A good file loads. One 100 KB line is refused, naming the line, instead
 * of being parsed in pieces as if it were many lines; a line number past
 * INT_MAX is no line number (atoi's overflow was undefined). */
static void test_escape_lines(void **state)
{
	(void)state;
	char dir[64];
	tmp_make(dir);
	const char *path = tmp_path(dir, "m.txt");
	write_file(path, "a.go:3:2: moved to heap: x\n", 0);
	check_escape_load(path, NULL);
	write_file(path, "a.go:99999999999999999999:2: moved to heap: x\n", 0);
	check_escape_load(path, "no escape analysis lines");
	write_file(path, ": moved to heap: x\n", 100000);
	check_escape_load(path, "line 1 is longer than");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expr_nesting_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_expr_index_does_not_wrap_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_with_nul_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_slice_cap_bytes_wrap_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_slice_len_negative_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_numbers_do_not_wrap_go, fake_fx_setup_go,
						fake_fx_teardown),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_text_clipped),
		cmocka_unit_test_setup_teardown(test_chan_json_limit_go, fake_fx_setup_go, fake_fx_teardown),
		cmocka_unit_test(test_dwarf_without_functions),
		cmocka_unit_test(test_rnglists_zero_length),
		cmocka_unit_test(test_dwarf_types_hold),
		cmocka_unit_test(test_dwarf_mangled_base_type),
		cmocka_unit_test(test_escape_refused),
		cmocka_unit_test(test_escape_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
