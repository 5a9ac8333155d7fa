/* The contracts between the core and its callers: error codes in the JSON
 * documents ("error_code"), the text width (lines cut and values shortened
 * in their columns only on a terminal or with --width, and never silently),
 * and a session that keeps no pointer to a
 * backend once gl_session_run has returned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "fake_target.h"

#define RUN FAKE_FX_RUN

/* ---- error codes --------------------------------------------------------- */

/* The command fails with a document whose "error_code" is want, next to
 * its "error". */
static void assert_code(struct fake_fx *f, const char *want)
{
	const struct fake_result *r = &f->r;
	if (!r->doc)
		fail_msg("not one JSON document (%s): %s", r->json_error, r->out ? r->out : "(null)");
	assert_int_not_equal(r->status, 0);
	assert_non_null(fake_doc_str(r, "error"));
	const char *got = fake_doc_str(r, "error_code");
	if (!got || strcmp(got, want) != 0)
		fail_msg("error_code %s, want %s (error: %s)", got ? got : "(none)", want,
			 fake_doc_str(r, "error"));
}

static void test_error_code_names(void **state)
{
	(void)state;
	/* Every code has its own stable lowercase name. */
	for (int a = GL_ERR_OTHER; a <= GL_ERR_LAST; a++) {
		const char *na = gl_error_code_name(a);
		assert_non_null(na);
		assert_true(na[0] != '\0');
		for (const char *p = na; *p; p++)
			if (*p < 'a' || *p > 'z')
				fail_msg("code %d: name \"%s\" is not lowercase letters", a, na);
		if (a != GL_ERR_OTHER && !strcmp(na, "other"))
			fail_msg("code %d has no name of its own", a);
		for (int b = GL_ERR_OTHER; b < a; b++)
			if (!strcmp(na, gl_error_code_name(b)))
				fail_msg("codes %d and %d share the name %s", a, b, na);
	}
	assert_string_equal(gl_error_code_name(GL_ERR_FAULT), "fault");
	assert_string_equal(gl_error_code_name(GL_ERR_UNAVAILABLE), "unavailable");
	assert_string_equal(gl_error_code_name(GL_ERR_NODWARF), "nodwarf");
	assert_string_equal(gl_error_code_name(GL_ERR_USAGE), "usage");
	assert_string_equal(gl_error_code_name(0), "other");
	assert_string_equal(gl_error_code_name(GL_ERR_LAST + 1), "other");
	assert_string_equal(gl_error_code_name(gl_error_nomem.code), "nomem");
}

static void test_error_code_in_json(void **state)
{
	struct fake_fx *f = *state;
	RUN(f, "frobnicate --json");
	assert_code(f, "usage");
	RUN(f, "value --width x main.gInt64 --json");
	assert_code(f, "usage");
	RUN(f, "type main.NoSuchType --json");
	assert_code(f, "lookup");
	RUN(f, "type int --json");
	assert_code(f, "type");
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	RUN(f, "value main.gPadded.NoField --json");
	assert_code(f, "lookup");

	/* the global's memory is not there: a fault */
	fake_unmap_all(f->ft);
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "fault");
	fake_set_has_process(f->ft, false);
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "noprocess");

	/* no executable, one that is not there, one without DWARF */
	fake_set_has_process(f->ft, true);
	fake_set_exe(f->ft, NULL);
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "executable");
	fake_set_exe(f->ft, "/nonexistent/golayout-test");
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "executable");
	fake_set_exe(f->ft, "/bin/true"); /* a C program */
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "unsupported");
	assert_non_null(strstr(fake_doc_str(&f->r, "error"), "not a Go program"));
	const char *nodwarf = fake_testdata("structs-nodwarf");
	if (!nodwarf)
		fail_msg("no test data: run tests/unit/build-testdata.sh");
	fake_set_exe(f->ft, nodwarf); /* a Go program without DWARF (-ldflags=-w) */
	RUN(f, "value main.gInt64 --json");
	assert_code(f, "nodwarf");

	/* success: neither key */
	fake_set_exe(f->ft, fake_go_binary());
	fake_map_global(f->ft, fake_truth_global("main.gInt64"));
	RUN(f, "value main.gInt64 --json");
	assert_int_equal(f->r.status, 0);
	assert_non_null(f->r.doc);
	assert_null(json_object_get(f->r.doc, "error"));
	assert_null(json_object_get(f->r.doc, "error_code"));

	/* text mode: the error line is unchanged, no code in it */
	RUN(f, "frobnicate");
	assert_non_null(f->r.err);
	assert_null(strstr(f->r.err, "usage"));
}

/* ---- text width ---------------------------------------------------------- */

/* Columns of a line: UTF-8 characters, not bytes. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static size_t widest(const char *text)
{
	size_t w = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t c = columns(p, n);
		w = c > w ? c : w;
		p += n + (nl != NULL);
	}
	return w;
}

#define CUT_NOTE "cut at 30 columns: --width 0 shows"

static char *run_text(struct fake_fx *f, const char *args)
{
	RUN(f, "%s", args);
	assert_int_equal(f->r.status, 0);
	assert_non_null(f->r.out);
	return strdup(f->r.out);
}

/* Each line of cut is a line of whole, or its start followed by "…"; the
 * last line is the note. */
static void assert_cut_from(const char *cut, const char *whole, size_t cols)
{
	const char *note = strstr(cut, CUT_NOTE);
	while (note && note > cut && note[-1] != '\n')
		note--;
	if (!note || note[0] != '(' || strchr(note, '\n') != cut + strlen(cut) - 1)
		fail_msg("no closing note saying lines were cut:\n%s", cut);
	const char *c = cut, *w = whole;
	size_t ncut = 0;
	while (c < note && *w) {
		const char *cn = strchr(c, '\n'), *wn = strchr(w, '\n');
		size_t cl = (size_t)(cn - c), wl = wn ? (size_t)(wn - w) : strlen(w);
		if (columns(c, cl) > cols)
			fail_msg("line wider than %zu columns: %.*s", cols, (int)cl, c);
		bool ellipsis = cl >= 3 && !memcmp(c + cl - 3, "\xe2\x80\xa6", 3);
		if (ellipsis) {
			ncut++;
			if (cl - 3 > wl || memcmp(c, w, cl - 3) != 0)
				fail_msg("cut line is not the start of \"%.*s\"", (int)wl, w);
		} else if (cl != wl || memcmp(c, w, cl) != 0) {
			fail_msg("line \"%.*s\" changed to \"%.*s\"", (int)wl, w, (int)cl, c);
		}
		c = cn + 1;
		w = wn ? wn + 1 : w + wl;
	}
	assert_true(ncut > 0);
	char count[32];
	snprintf(count, sizeof(count), "(%zu line", ncut);
	if (strncmp(note, count, strlen(count)) != 0)
		fail_msg("note does not count %zu cut lines: %s", ncut, note);
}

static void test_width(void **state)
{
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	const char *cmd = "value main.gPadded";

	/* Not a terminal (the fake's default): nothing is cut. */
	char *whole = run_text(f, cmd);
	assert_true(widest(whole) > 30);
	assert_null(strstr(whole, "\xe2\x80\xa6"));
	assert_null(strstr(whole, "--width 0"));

	/* A terminal 30 columns wide. */
	fake_set_text_width(f->ft, true, 30);
	char *cut = run_text(f, cmd);
	assert_cut_from(cut, whole, 30);
	free(cut);

	/* --width 0 overrides the terminal: every line whole. */
	char *all = run_text(f, "value main.gPadded --width 0");
	assert_string_equal(all, whole);
	free(all);

	/* A terminal whose debugger cuts nothing (gdb's width unlimited). */
	fake_set_text_width(f->ft, true, 0);
	all = run_text(f, cmd);
	assert_string_equal(all, whole);
	free(all);

	/* --width N cuts on any output, for any command. */
	fake_set_text_width(f->ft, false, 0);
	cut = run_text(f, "value --width 30 main.gPadded");
	assert_cut_from(cut, whole, 30);
	free(cut);
	cut = run_text(f, "type main.Padded --width 30");
	assert_non_null(strstr(cut, CUT_NOTE));
	free(cut);

	/* A version-1 backend has no text_width: never cut. */
	fake_set_text_width(f->ft, true, 30);
	fake_set_read_mode(f->ft, FAKE_READ_V1);
	all = run_text(f, cmd);
	assert_string_equal(all, whole);
	free(all);

	/* --json is never cut */
	fake_set_read_mode(f->ft, FAKE_READ_COUNT);
	RUN(f, "value main.gPadded --json --width 5");
	assert_int_equal(f->r.status, 0);
	assert_non_null(f->r.doc);
	free(whole);
}

/* ---- values shortened in their columns ------------------------------------ */

/* Longer than the struct table's value column (36 characters), with a
 * character of two bytes. */
#define LONG_VALUE "a value of sixty characters, \xc3\xa9 included, past its column"
#define A_LONG_VALUE 0x70000000ull

/* main.gPadded with its string field E holding LONG_VALUE. */
static void map_long_value(struct fake_fx *f)
{
	json_t *g = fake_truth_global("main.gPadded");
	fake_map_global(f->ft, g);
	uint64_t base = fake_truth_addr(g);
	fake_map(f->ft, A_LONG_VALUE, LONG_VALUE, strlen(LONG_VALUE));
	fake_poke_u64(f->ft, base + 24, A_LONG_VALUE); /* E's data and len */
	fake_poke_u64(f->ft, base + 32, strlen(LONG_VALUE));
}

/* The line of text that holds needle. */
static const char *line_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	if (!p)
		fail_msg("no \"%s\" in:\n%s", needle, text);
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* Columns before needle on its line. */
static size_t column_of(const char *text, const char *needle)
{
	const char *line = line_of(text, needle);
	return columns(line, (size_t)(strstr(line, needle) - line));
}

/* The last line, the closing note, or NULL when it is not one. */
static const char *closing_note(const char *text)
{
	size_t n = strlen(text);
	if (n < 2 || text[n - 1] != '\n')
		return NULL;
	const char *p = text + n - 1;
	while (p > text && p[-1] != '\n')
		p--;
	return strstr(p, "--json gives every value in full)") ? p : NULL;
}

static void test_value_shortened(void **state)
{
	struct fake_fx *f = *state;
	map_long_value(f);
	const char *cmd = "struct main.gPadded";

	/* Not a terminal: the value is whole, in the column of the others
	 * (its line just grows), and there is no note. */
	char *whole = run_text(f, cmd);
	assert_null(strstr(whole, "\xe2\x80\xa6"));
	assert_null(closing_note(whole));
	assert_int_equal(column_of(whole, LONG_VALUE), column_of(whole, "123456"));

	/* --width 0 on a terminal: the same. */
	fake_set_text_width(f->ft, true, 60);
	char *all = run_text(f, "struct main.gPadded --width 0");
	assert_string_equal(all, whole);
	free(all);

	/* A terminal of 60 columns: lines are cut and the value is
	 * shortened; the one note counts both. */
	char *cut = run_text(f, cmd);
	const char *note = closing_note(cut);
	if (!note || !strstr(note, " lines cut at 60 columns and 1 value shortened to fit its column: "))
		fail_msg("no note of the cut lines and the shortened value:\n%s", cut);
	assert_null(strstr(cut, LONG_VALUE));
	free(cut);

	/* Wide enough for every line but not for the value in its column:
	 * the value alone is shortened, and said so. */
	fake_set_text_width(f->ft, true, 120);
	cut = run_text(f, cmd);
	note = closing_note(cut);
	if (!note || strcmp(note, "(1 value shortened to fit its column: --width 0 shows it whole, "
				  "--json gives every value in full)\n") != 0)
		fail_msg("no note of the shortened value:\n%s", cut);
	/* the text is the whole one with the value's first 36 characters
	 * and an ellipsis, every other line as it was */
	size_t keep = 0;
	for (size_t n = 0; n <= 36; keep++)
		n += ((unsigned char)LONG_VALUE[keep] & 0xc0) != 0x80;
	keep--; /* the bytes of 36 characters */
	const char *v = strstr(whole, LONG_VALUE);
	char want[4096];
	snprintf(want, sizeof(want), "%.*s%.*s\xe2\x80\xa6%s", (int)(v - whole), whole, (int)keep, LONG_VALUE,
		 v + strlen(LONG_VALUE));
	assert_int_equal(strlen(cut) - strlen(note), strlen(want));
	assert_memory_equal(cut, want, strlen(want));
	free(cut);

	/* --json gives the value in full */
	RUN(f, "struct main.gPadded --json --width 60");
	assert_int_equal(f->r.status, 0);
	json_t *e = fake_doc_field(&f->r, "E");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "value")), LONG_VALUE);
	free(whole);
}

/* Nothing long: a terminal shows the text as batch output does, with no
 * note. */
static void test_nothing_shortened(void **state)
{
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	char *whole = run_text(f, "struct main.gPadded");
	assert_null(closing_note(whole));
	fake_set_text_width(f->ft, true, 200);
	char *term = run_text(f, "struct main.gPadded");
	assert_string_equal(term, whole);
	free(term);
	free(whole);
}

/* Colour takes no column: with it, stripped of its escapes, the table is
 * the one without it (values under "value", not moved left by the
 * escapes around the type). */
static void test_color_aligned(void **state)
{
	struct fake_fx *f = *state;
	map_long_value(f);
	char *plain = run_text(f, "struct main.gPadded");
	const char *saved = getenv("NO_COLOR");
	char *keep = saved ? strdup(saved) : NULL;
	unsetenv("NO_COLOR");
	char *out, *err;
	assert_int_equal(gl_session_run(f->s, fake_backend(f->ft), "struct main.gPadded", GL_RUN_TTY, &out, &err),
			 0);
	if (keep)
		setenv("NO_COLOR", keep, 1);
	free(keep);
	assert_non_null(strchr(out, '\033'));
	char *w = out;
	for (const char *r = out; *r; r++) {
		if (*r == '\033')
			r = strchr(r, 'm');
		else
			*w++ = *r;
	}
	*w = '\0';
	assert_string_equal(out, plain);
	gl_free(out);
	gl_free(err);
	free(plain);
}

/* ---- the backend is not kept --------------------------------------------- */

static void test_backend_not_kept(void **state)
{
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gInt64"));
	fake_fill_pages(f->ft); /* whole pages: cached */
	/* Each command gets a backend struct that dies right after it, as the
	 * LLDB shim's stack one does; with the sanitizers any later use of it
	 * is an error. The page cache still holds across commands of one
	 * stop. */
	uint64_t calls = 0;
	for (int i = 0; i < 3; i++) {
		struct gl_backend *be = malloc(sizeof(*be));
		assert_non_null(be);
		*be = fake_backend_copy(f->ft);
		char *out, *err;
		assert_int_equal(gl_session_run(f->s, be, "value main.gInt64", 0, &out, &err), 0);
		memset(be, 0xa5, sizeof(*be));
		free(be);
		gl_free(out);
		gl_free(err);
		if (i == 0)
			calls = fake_read_calls(f->ft);
		assert_int_equal(fake_read_calls(f->ft), calls);
	}
	assert_true(calls > 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_fx_setup_go, fake_fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_code_names),
		T(test_error_code_in_json),
		T(test_width),
		T(test_value_shortened),
		T(test_nothing_shortened),
		T(test_color_aligned),
		T(test_backend_not_kept),
	};
	return cmocka_run_group_tests_name("contracts", tests, NULL, NULL);
}
