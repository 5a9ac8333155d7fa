/* gl_session_run end to end on the fake backend: tokenizing, errors,
 * options, --json documents, help and the command table; and, with the Go
 * test program (build-testdata.sh), layouts, versions and globals checked
 * against what Go itself reported, for its amd64 and its 386 build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_target.h"

/* Missing test data is an error, not a skip: it would hide every check. */
#define NEED_GO()                                                                        \
	do {                                                                             \
		if (!fake_go_binary()) {                                                 \
			fail_msg("no Go test program: run tests/unit/build-testdata.sh"); \
		}                                                                        \
	} while (0)

#define RUN FAKE_FX_RUN

/* The error must be one line "golayout: ..." containing want. */
static void assert_error_line(const struct fake_result *r, const char *want)
{
	if (r->status == 0)
		fail_msg("command succeeded, want an error containing \"%s\"; out: %s", want,
			 r->out ? r->out : "(null)");
	assert_non_null(r->err);
	if (strncmp(r->err, "golayout: ", 10) != 0)
		fail_msg("error line does not start with \"golayout: \": %s", r->err);
	if (strchr(r->err, '\n'))
		fail_msg("error is more than one line: %s", r->err);
	if (!strstr(r->err, want))
		fail_msg("error \"%s\" does not contain \"%s\"", r->err, want);
}

/* r->doc must be one JSON object with the keys every document has. */
static void assert_doc(const struct fake_result *r, const char *kind)
{
	if (!r->doc)
		fail_msg("--json output is not one JSON object (%s): %s", r->json_error,
			 r->out ? r->out : "(null)");
	assert_null(r->err); /* with --json the error travels inside the document */
	assert_string_equal(fake_doc_str(r, "schema"), "golayout/1");
	const char *keys[] = {"schema", "kind", "type", "address", "go_version"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_get(r->doc, keys[i]))
			fail_msg("document lacks \"%s\": %s", keys[i], r->out);
	if (kind)
		assert_string_equal(fake_doc_str(r, "kind"), kind);
	/* "error" exactly when the command failed */
	json_t *e = json_object_get(r->doc, "error");
	if (r->status != 0 && !json_is_string(e))
		fail_msg("failed command, but no \"error\" string in: %s", r->out);
	if (r->status == 0 && e)
		fail_msg("command succeeded, but the document has \"error\": %s", r->out);
	/* "error_code" beside every "error" */
	if (json_is_string(e) != json_is_string(json_object_get(r->doc, "error_code")))
		fail_msg("\"error\" and \"error_code\" do not go together: %s", r->out);
	json_t *addr = json_object_get(r->doc, "address");
	assert_true(json_is_null(addr) || json_is_string(addr));
	json_t *type = json_object_get(r->doc, "type");
	assert_true(json_is_null(type) || json_is_string(type));
}

/* ---- help and the command table ---- */

static void test_help(void **state)
{
	struct fake_fx *f = *state;
	const char *forms[] = {"help", "", "   ", "--help"};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		RUN(f, "%s", forms[i]);
		assert_int_equal(f->r.status, 0);
		assert_null(f->r.err);
		assert_non_null(f->r.out);
		assert_non_null(strstr(f->r.out, gl_overview_help()));
	}
}

static void test_command_table(void **state)
{
	(void)state;
	size_t n = gl_command_count();
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		const char *name = gl_command_name(i), *sum = gl_command_summary(i),
			   *help = gl_command_help(i);
		assert_non_null(name);
		assert_non_null(sum);
		assert_non_null(help);
		if (!*name || !*sum || !*help)
			fail_msg("command %zu (%s) has an empty name, summary or help", i, name);
		if (strchr(sum, '\n'))
			fail_msg("summary of %s is more than one line", name);
		if (strchr(name, ' '))
			fail_msg("command name \"%s\" has a space", name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(gl_command_name(j), name))
				fail_msg("command %s is in the table twice", name);
	}
	assert_null(gl_command_name(n));
	assert_null(gl_command_summary(n));
	assert_null(gl_command_help(n));
	assert_non_null(gl_overview_help());
}

static void test_command_help(void **state)
{
	struct fake_fx *f = *state;
	for (size_t i = 0; i < gl_command_count(); i++) {
		RUN(f, "%s --help", gl_command_name(i));
		assert_int_equal(f->r.status, 0);
		assert_null(f->r.err);
		assert_non_null(f->r.out);
		assert_non_null(strstr(f->r.out, gl_command_summary(i)));
		assert_non_null(strstr(f->r.out, gl_command_help(i)));
		RUN(f, "%s -h", gl_command_name(i));
		assert_int_equal(f->r.status, 0);
	}
}

/* "help golayout" (the prefix command's help) should name every command. */
static void test_overview_names_every_command(void **state)
{
	(void)state;
	const char *ov = gl_overview_help();
	int missing = 0;
	for (size_t i = 0; i < gl_command_count(); i++) {
		char want[128];
		snprintf(want, sizeof(want), "golayout %s", gl_command_name(i));
		if (!strstr(ov, want)) {
			print_error("overview help does not mention \"%s\"\n", want);
			missing++;
		}
	}
	if (missing)
		fail_msg("%d commands missing from gl_overview_help()", missing);
}

/* ---- errors and options ---- */

static void test_unknown_command(void **state)
{
	struct fake_fx *f = *state;
	RUN(f, "frobnicate");
	assert_error_line(&f->r, "golayout: unknown command \"frobnicate\"");
	assert_true(!f->r.out || !*f->r.out);
}

static void test_unknown_option(void **state)
{
	struct fake_fx *f = *state;
	for (size_t i = 0; i < gl_command_count(); i++) {
		RUN(f, "%s --bogus-option x", gl_command_name(i));
		assert_error_line(&f->r, "--bogus-option");
	}
	/* an option of another command is unknown too */
	RUN(f, "version --type main.T");
	assert_error_line(&f->r, "unknown option --type");
}

static void test_missing_argument(void **state)
{
	struct fake_fx *f = *state;
	int with_args = 0;
	for (size_t i = 0; i < gl_command_count(); i++) {
		const char *name = gl_command_name(i);
		if (!strcmp(name, "version") || !strcmp(name, "stats"))
			continue;
		RUN(f, "%s", name);
		/* takes no argument (it may still fail for want of a target) */
		if (f->r.status == 0 || (f->r.err && strstr(f->r.err, "no executable")))
			continue;
		with_args++;
		assert_error_line(&f->r, "needs");
		assert_non_null(strstr(f->r.err, name));
	}
	assert_true(with_args >= 3); /* struct, type, value at least */
	RUN(f, "struct x --type");
	assert_error_line(&f->r, "--type needs a Go type name");
	RUN(f, "version extra");
	assert_error_line(&f->r, "too many arguments");
	RUN(f, "type a b");
	assert_error_line(&f->r, "too many arguments");
}

static void test_too_many_tokens(void **state)
{
	struct fake_fx *f = *state;
	char args[1024] = "value";
	for (int i = 0; i < 60; i++)
		strcat(args, " x");
	RUN(f, "%s", args);
	assert_error_line(&f->r, "too many arguments");
}

/* What the tokenizer made of `arg` as the first word, as echoed back by the
 * unknown-command error. */
static void assert_token(struct fake_fx *f, const char *arg, const char *want)
{
	RUN(f, "%s", arg);
	char line[512];
	snprintf(line, sizeof(line), "golayout: unknown command \"%s\"", want);
	if (!f->r.err || strncmp(f->r.err, line, strlen(line)) != 0)
		fail_msg("%s: tokenized as %s, want %s", arg, f->r.err ? f->r.err : "(no error)",
			 line);
}

static void test_tokenizer(void **state)
{
	struct fake_fx *f = *state;
	assert_token(f, "\"foo bar\"", "foo bar");
	assert_token(f, "'foo bar'", "foo bar");
	assert_token(f, "foo\\ bar", "foo bar");
	assert_token(f, "\"a\\\"b\"", "a\"b");        /* "a\"b" */
	assert_token(f, "'a\\b'", "a\\b");            /* no escapes in '' */
	assert_token(f, "'a\"b'", "a\"b");
	assert_token(f, "\"a'b\"", "a'b");
	assert_token(f, "a\"b c\"d", "ab cd");         /* quotes join */
	assert_token(f, "\\'x", "'x");
	assert_token(f, "foo\\", "foo\\");             /* trailing backslash stays */
	assert_token(f, "\"unterminated", "unterminated");
	assert_token(f, "  \t\n lead  trail \t", "lead");
	assert_token(f, "\"\"", "");                   /* an empty word is a word */
	assert_token(f, "\"\\\\\"", "\\");              /* "\\" */
	/* words after the first: an option glued by quotes still parses */
	RUN(f, "version \"--bo\"'gus'");
	assert_error_line(&f->r, "unknown option --bogus");
	RUN(f, "version\t--json\n");
	assert_doc(&f->r, "version");
}

/* ---- --json ---- */

static void test_json_error_document(void **state)
{
	struct fake_fx *f = *state;
	RUN(f, "frobnicate --json");
	assert_int_not_equal(f->r.status, 0);
	assert_doc(&f->r, NULL);
	assert_non_null(strstr(fake_doc_str(&f->r, "error"), "frobnicate"));
	assert_true(json_is_null(json_object_get(f->r.doc, "go_version")));

	RUN(f, "version --bogus --json");
	assert_int_not_equal(f->r.status, 0);
	assert_doc(&f->r, "version");
	assert_non_null(strstr(fake_doc_str(&f->r, "error"), "--bogus"));

	/* no executable known to the debugger */
	RUN(f, "version --json");
	assert_int_not_equal(f->r.status, 0);
	assert_doc(&f->r, "version");
	assert_non_null(fake_doc_str(&f->r, "error"));
	assert_string_equal(fake_doc_str(&f->r, "golayout"), GL_VERSION_STRING);

	RUN(f, "value main.x --json");
	assert_int_not_equal(f->r.status, 0);
	assert_doc(&f->r, "value");
	assert_non_null(fake_doc_str(&f->r, "error"));

	/* a byte that is no UTF-8 in the command: the error (which quotes
	 * it) still reaches the document */
	RUN(f, "fr\xffob --json");
	assert_int_not_equal(f->r.status, 0);
	assert_doc(&f->r, NULL);
	assert_non_null(fake_doc_str(&f->r, "error"));
	assert_string_equal(fake_doc_str(&f->r, "error_code"), "usage");
}

static void test_json_for_every_command_is_one_object(void **state)
{
	struct fake_fx *f = *state;
	/* Whatever each command makes of a bogus argument, --json output is
	 * exactly one object and the error line stays empty. */
	for (size_t i = 0; i < gl_command_count(); i++) {
		const char *name = gl_command_name(i);
		RUN(f, "%s --json", name);
		assert_doc(&f->r, NULL);
		if (f->r.status != 0)
			assert_non_null(fake_doc_str(&f->r, "error"));
		RUN(f, "%s nosuchthing --json", name);
		assert_doc(&f->r, NULL);
		if (f->r.status != 0)
			assert_non_null(fake_doc_str(&f->r, "error"));
	}
}

static void test_bad_backend(void **state)
{
	struct fake_fx *f = *state;
	struct gl_backend be = fake_backend_copy(f->ft);
	be.version = 0;
	char *out, *err;
	assert_int_not_equal(gl_session_run(f->s, &be, "version", 0, &out, &err), 0);
	assert_non_null(err);
	assert_int_equal(strncmp(err, "golayout: ", 10), 0);
	gl_free(out);
	gl_free(err);
	assert_int_not_equal(gl_session_run(f->s, NULL, "version", 0, &out, &err), 0);
	gl_free(out);
	gl_free(err);
	/* args NULL is "no arguments": the overview */
	assert_int_equal(gl_session_run(f->s, fake_backend(f->ft), NULL, 0, &out, &err), 0);
	assert_null(err);
	assert_non_null(out);
	gl_free(out);
}

/* ---- with the Go test program ---- */

/* The GOARCH of the Go program of the group being run (see main). */
static const char *program_goarch = "amd64";

static void test_version_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	json_t *truth = fake_truth();
	assert_string_equal(json_string_value(json_object_get(truth, "goarch")), program_goarch);
	RUN(f, "version --json");
	assert_int_equal(f->r.status, 0);
	assert_doc(&f->r, "version");
	assert_string_equal(fake_doc_str(&f->r, "go_version"),
			    json_string_value(json_object_get(truth, "go_version")));
	assert_string_equal(fake_doc_str(&f->r, "goarch"),
			    json_string_value(json_object_get(truth, "goarch")));
	assert_int_equal(fake_doc_int(&f->r, "ptr_size"),
			 json_integer_value(json_object_get(truth, "ptr_size")));
	assert_string_equal(fake_doc_str(&f->r, "executable"), fake_go_binary());
	assert_string_equal(fake_doc_str(&f->r, "layouts_from"), "dwarf");
	/* version needs no process */
	fake_set_has_process(f->ft, false);
	RUN(f, "version --json");
	assert_int_equal(f->r.status, 0);
	/* and the text form names the version too */
	RUN(f, "version");
	assert_int_equal(f->r.status, 0);
	assert_non_null(strstr(f->r.out, json_string_value(json_object_get(truth, "go_version"))));
}

/* `golayout type T --json` against Go's reflect/unsafe answers. */
static void check_type_layout(struct fake_fx *f, const char *name)
{
	json_t *tt = fake_truth_type(name);
	if (!tt)
		fail_msg("truth document has no type %s", name);
	RUN(f, "type %s --json", name);
	if (f->r.status != 0)
		fail_msg("type %s failed: %s", name, f->r.out);
	assert_doc(&f->r, "struct");
	assert_string_equal(fake_doc_str(&f->r, "type"), name);
	assert_true(json_is_null(json_object_get(f->r.doc, "address")));
	long long size = json_integer_value(json_object_get(tt, "size"));
	assert_int_equal(fake_doc_int(&f->r, "size"), size);
	assert_int_equal(fake_doc_int(&f->r, "align"), json_integer_value(json_object_get(tt, "align")));
	json_t *want = json_object_get(tt, "fields"), *got = json_object_get(f->r.doc, "fields");
	assert_int_equal(json_array_size(got), json_array_size(want));
	long long field_bytes = 0;
	for (size_t i = 0; i < json_array_size(want); i++) {
		json_t *w = json_array_get(want, i), *g = json_array_get(got, i);
		const char *fname = json_string_value(json_object_get(w, "name"));
		const char *keys[] = {"offset", "size", "align"};
		assert_string_equal(json_string_value(json_object_get(g, "name")), fname);
		for (size_t k = 0; k < 3; k++) {
			long long wv = json_integer_value(json_object_get(w, keys[k]));
			long long gv = json_integer_value(json_object_get(g, keys[k]));
			if (wv != gv)
				fail_msg("%s.%s %s: golayout says %lld, Go says %lld", name, fname,
					 keys[k], gv, wv);
		}
		char tn[256];
		fake_reflect_name(json_string_value(json_object_get(g, "type")), tn, sizeof(tn));
		assert_string_equal(tn, json_string_value(json_object_get(w, "type")));
		field_bytes += json_integer_value(json_object_get(w, "size"));
	}
	/* fields do not overlap, so every other byte is padding */
	assert_int_equal(fake_doc_int(&f->r, "padding_bytes"), size - field_bytes);
	/* the best order: as small as the smallest of every order (the truth
	 * tried them all), and its fields laid out by Go's rules give it */
	long long best = fake_doc_int(&f->r, "best_size");
	long long truth_best = json_integer_value(json_object_get(tt, "best_size"));
	if (best != truth_best)
		fail_msg("%s: golayout's best size %lld, the smallest of every order %lld", name, best,
			 truth_best);
	json_t *order = json_object_get(f->r.doc, "best_order");
	assert_int_equal(json_array_size(order), json_array_size(want));
	long long off = 0, align = 1;
	bool last_zero = false;
	for (size_t i = 0; i < json_array_size(order); i++) {
		json_t *w = NULL;
		const char *oname = json_string_value(json_array_get(order, i));
		for (size_t k = 0; oname && k < json_array_size(want) && !w; k++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(want, k), "name")), oname))
				w = json_array_get(want, k);
		if (!w)
			fail_msg("%s: best_order names %s, not a field", name, oname ? oname : "(null)");
		long long fa = json_integer_value(json_object_get(w, "align"));
		long long fs = json_integer_value(json_object_get(w, "size"));
		off = (off + fa - 1) / fa * fa + fs;
		align = fa > align ? fa : align;
		last_zero = fs == 0;
	}
	off += off > 0 && last_zero; /* Go pads after a trailing zero-size field */
	if ((off + align - 1) / align * align != truth_best)
		fail_msg("%s: golayout's best_order lays out to %lld bytes, not %lld", name,
			 (off + align - 1) / align * align, truth_best);
}

static void test_type_layouts_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	json_t *types = json_object_get(fake_truth(), "types");
	assert_true(json_array_size(types) >= 1);
	for (size_t i = 0; i < json_array_size(types); i++)
		check_type_layout(f, json_string_value(json_object_get(json_array_get(types, i), "name")));
	/* no process needed for a type */
	fake_set_has_process(f->ft, false);
	check_type_layout(f, "main.Padded");
}

/* Embedded fields are marked as such (DW_AT_go_embedded_field). */
static void test_embedded_field_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	const char *types[] = {"main.Embeds", "main.Padded"};
	for (size_t t = 0; t < 2; t++) {
		json_t *want = json_object_get(fake_truth_type(types[t]), "fields");
		assert_true(json_array_size(want) > 0);
		RUN(f, "type %s --json", types[t]);
		assert_int_equal(f->r.status, 0);
		for (size_t i = 0; i < json_array_size(want); i++) {
			json_t *w = json_array_get(want, i);
			const char *fname = json_string_value(json_object_get(w, "name"));
			json_t *g = fake_doc_field(&f->r, fname);
			assert_non_null(g);
			bool we = json_is_true(json_object_get(w, "embedded"));
			bool ge = json_is_true(json_object_get(g, "embedded"));
			if (we != ge)
				fail_msg("%s.%s embedded: golayout says %s, Go says %s", types[t],
					 fname, ge ? "yes" : "no", we ? "yes" : "no");
		}
	}
}

static void test_type_text_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	json_t *types = json_object_get(fake_truth(), "types");
	for (size_t i = 0; i < json_array_size(types); i++) {
		json_t *tt = json_array_get(types, i);
		const char *name = json_string_value(json_object_get(tt, "name"));
		RUN(f, "type %s", name);
		assert_int_equal(f->r.status, 0);
		assert_null(f->r.err);
		char head[256];
		snprintf(head, sizeof(head), "%s  size %lld, align %lld", name,
			 (long long)json_integer_value(json_object_get(tt, "size")),
			 (long long)json_integer_value(json_object_get(tt, "align")));
		if (!f->r.out || strncmp(f->r.out, head, strlen(head)) != 0)
			fail_msg("type %s: text does not start with \"%s\":\n%s", name, head,
				 f->r.out ? f->r.out : "(null)");
		assert_null(strchr(f->r.out, '\033')); /* no colour without a tty */
	}
}

/* Colour only on a terminal, and never with --no-color, NO_COLOR or --json. */
static void test_color_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	const char *argv[] = {"type main.Padded", "type main.Padded --no-color",
			      "type main.Padded --json"};
	const bool want_esc[] = {true, false, false};
	const char *saved = getenv("NO_COLOR");
	char *keep = saved ? strdup(saved) : NULL;
	unsetenv("NO_COLOR");
	for (size_t i = 0; i < 3; i++) {
		char *out, *err;
		int st = gl_session_run(f->s, fake_backend(f->ft), argv[i], GL_RUN_TTY, &out, &err);
		assert_int_equal(st, 0);
		assert_non_null(out);
		if ((strchr(out, '\033') != NULL) != want_esc[i])
			fail_msg("%s on a tty: colour %s", argv[i], want_esc[i] ? "missing" : "present");
		gl_free(out);
		gl_free(err);
	}
	setenv("NO_COLOR", "1", 1);
	char *out, *err;
	assert_int_equal(gl_session_run(f->s, fake_backend(f->ft), argv[0], GL_RUN_TTY, &out, &err), 0);
	if (keep)
		setenv("NO_COLOR", keep, 1);
	else
		unsetenv("NO_COLOR");
	free(keep);
	assert_null(strchr(out, '\033'));
	gl_free(out);
	gl_free(err);
}

static void test_type_errors_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	RUN(f, "type main.NoSuchType");
	assert_error_line(&f->r, "main.NoSuchType");
	RUN(f, "type int");
	assert_error_line(&f->r, "not a struct");
	RUN(f, "type main.NoSuchType --json");
	assert_doc(&f->r, NULL); /* kind: "type" for an error, "struct" for a layout */
	assert_non_null(strstr(fake_doc_str(&f->r, "error"), "main.NoSuchType"));
	assert_string_equal(fake_doc_str(&f->r, "go_version"),
			    json_string_value(json_object_get(fake_truth(), "go_version")));
}

/* `golayout value G --json` with G's bytes in fake memory: Go's own %v. */
static void check_global(struct fake_fx *f, json_t *g)
{
	const char *name = json_string_value(json_object_get(g, "name"));
	fake_map_global(f->ft, g);
	RUN(f, "value %s --json", name);
	if (f->r.status != 0)
		fail_msg("value %s failed: %s", name, f->r.out);
	assert_doc(&f->r, "value");
	char *want = fake_truth_value(g);
	const char *got = fake_doc_str(&f->r, "value");
	if (!got || strcmp(got, want) != 0)
		fail_msg("value %s: golayout prints \"%s\", Go prints \"%s\"", name, got ? got : "(null)",
			 want);
	free(want);
	/* what the program says a mutex, an atomic, a buffer reads as; no
	 * reading for other values */
	const char *reads = json_string_value(json_object_get(g, "reads_as"));
	const char *got_reads = json_string_value(json_object_get(f->r.doc, "reads_as"));
	if (reads ? !got_reads || strcmp(reads, got_reads) : got_reads != NULL)
		fail_msg("value %s: golayout reads it as \"%s\", the program as \"%s\"", name,
			 got_reads ? got_reads : "(none)", reads ? reads : "(none)");
	/* the String or Error method fmt calls there, which golayout does not */
	const char *unrun = json_string_value(json_object_get(g, "method_not_run"));
	const char *got_unrun = json_string_value(json_object_get(f->r.doc, "method_not_run"));
	if (unrun ? !got_unrun || strcmp(unrun, got_unrun) : got_unrun != NULL)
		fail_msg("value %s: golayout names %s as not run, the program %s", name,
			 got_unrun ? got_unrun : "(none)", unrun ? unrun : "(none)");
	char tn[256];
	fake_reflect_name(fake_doc_str(&f->r, "type"), tn, sizeof(tn));
	assert_string_equal(tn, json_string_value(json_object_get(g, "type")));
	assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "address")), fake_truth_addr(g));
	assert_int_equal(fake_doc_int(&f->r, "size"), json_integer_value(json_object_get(g, "size")));
	assert_string_equal(fake_doc_str(&f->r, "go_kind"), json_string_value(json_object_get(g, "go_kind")));
}

static void test_globals_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	json_t *globals = json_object_get(fake_truth(), "globals");
	assert_true(json_array_size(globals) >= 1);
	int failures = 0;
	for (size_t i = 0; i < json_array_size(globals); i++) {
		json_t *g = json_array_get(globals, i);
		const char *gname = json_string_value(json_object_get(g, "name"));
		if (strstr(gname, "Nul"))
			continue; /* test_string_with_nul_go */
		fake_unmap_all(f->ft);
		fake_set_stop_id(f->ft, 100 + i); /* new memory: a new stop */
		fake_map_global(f->ft, g);
		const char *name = json_string_value(json_object_get(g, "name"));
		RUN(f, "value %s --json", name);
		char *want = fake_truth_value(g);
		const char *got = fake_doc_str(&f->r, "value");
		bool same = f->r.status == 0 && got && !strcmp(got, want);
		if (!same)
			print_error("value %s: golayout \"%s\" (%s), Go \"%s\"\n", name,
				    got ? got : "(null)", fake_doc_str(&f->r, "error"), want);
		free(want);
		if (!same) {
			failures++;
			continue;
		}
		check_global(f, g);
	}
	if (failures)
		fail_msg("%d globals print differently from Go", failures);
}

/* A Go string may hold NUL bytes; fmt prints them raw, and nothing after
 * them may be lost (the JSON string carries them as \u0000). */
static void test_string_with_nul_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	const char *names[] = {"main.gNulStr", "main.gNulStruct"};
	for (size_t i = 0; i < 2; i++) {
		json_t *g = fake_truth_global(names[i]);
		assert_non_null(g);
		fake_map_global(f->ft, g);
		RUN(f, "value %s --json", names[i]);
		assert_int_equal(f->r.status, 0);
		json_t *want = json_object_get(g, "value");
		json_t *got = json_object_get(f->r.doc, "value");
		assert_non_null(got);
		size_t wl = json_string_length(want), gl = json_string_length(got);
		if (wl != gl || memcmp(json_string_value(want), json_string_value(got), wl) != 0)
			fail_msg("value %s: golayout gives %zu bytes \"%s\"..., Go prints %zu bytes",
				 names[i], gl, json_string_value(got), wl);
	}
	/* and in a struct layout: the field's value and the whole value */
	json_t *g = fake_truth_global("main.gNulStruct");
	RUN(f, "struct main.gNulStruct --json");
	assert_int_equal(f->r.status, 0);
	json_t *fs = json_object_get(fake_doc_field(&f->r, "S"), "value");
	assert_int_equal(json_string_length(fs), 3);
	assert_memory_equal(json_string_value(fs), "a\0b", 3);
	json_t *whole = json_object_get(f->r.doc, "value"), *want = json_object_get(g, "value");
	assert_int_equal(json_string_length(whole), json_string_length(want));
	assert_memory_equal(json_string_value(whole), json_string_value(want), json_string_length(want));
}

static void test_struct_global_fields_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	const char *names[] = {"main.gPadded", "main.gEmbeds", "main.gScalars"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *g = fake_truth_global(names[i]);
		assert_non_null(g);
		fake_unmap_all(f->ft);
		fake_set_stop_id(f->ft, 200 + i);
		fake_map_global(f->ft, g);
		RUN(f, "struct %s --json", names[i]);
		if (f->r.status != 0)
			fail_msg("struct %s failed: %s", names[i], f->r.out);
		assert_doc(&f->r, "struct");
		assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "address")), fake_truth_addr(g));
		json_t *fields = json_object_get(g, "fields");
		assert_true(json_array_size(fields) > 0);
		for (size_t k = 0; k < json_array_size(fields); k++) {
			json_t *w = json_array_get(fields, k);
			const char *key = json_string_value(json_object_get(w, "name"));
			const char *want = json_string_value(json_object_get(w, "value"));
			json_t *fld = fake_doc_field(&f->r, key);
			if (!fld)
				fail_msg("struct %s: no field %s", names[i], key);
			const char *got = json_string_value(json_object_get(fld, "value"));
			if (!got || !want || strcmp(got, want) != 0)
				fail_msg("%s.%s: golayout \"%s\", Go \"%s\"", names[i], key,
					 got ? got : "(null)", want ? want : "(null)");
		}
	}
}

static void test_global_needs_process_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	fake_map_global(f->ft, fake_truth_global("main.gInt64"));
	fake_set_has_process(f->ft, false);
	RUN(f, "value main.gInt64");
	assert_error_line(&f->r, "no process");
	assert_int_equal(fake_read_calls(f->ft), 0);
}

/* The error for an unknown global names what the user typed. */
static void test_unknown_global_error_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	RUN(f, "value noSuchGlobal");
	assert_error_line(&f->r, "noSuchGlobal");
	RUN(f, "value main.noSuchGlobal");
	assert_error_line(&f->r, "main.noSuchGlobal");
	fake_map_global(f->ft, fake_truth_global("main.gPadded"));
	RUN(f, "value main.gPadded.NoField");
	assert_error_line(&f->r, "NoField");
}

static void test_global_with_garbage_frame_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	/* A selected frame that makes no sense must not stop globals. */
	fake_set_reg(f->ft, "rip", 0x10);
	fake_set_reg(f->ft, "rsp", 0xdead0000);
	fake_set_frame_level(f->ft, 3);
	json_t *g = fake_truth_global("main.gInt64");
	fake_map_global(f->ft, g);
	RUN(f, "value gInt64 --json");
	assert_int_equal(f->r.status, 0);
	assert_string_equal(fake_doc_str(&f->r, "value"), json_string_value(json_object_get(g, "value")));
}

static void test_session_cache_go(void **state)
{
	NEED_GO();
	struct fake_fx *f = *state;
	json_t *g = fake_truth_global("main.gPadded");
	fake_map_global(f->ft, g);
	fake_fill_pages(f->ft); /* whole pages: all cacheable */
	RUN(f, "value main.gPadded");
	assert_int_equal(f->r.status, 0);
	uint64_t calls = fake_read_calls(f->ft);
	assert_true(calls >= 1);
	RUN(f, "value main.gPadded");
	assert_int_equal(f->r.status, 0);
	assert_int_equal(fake_read_calls(f->ft), calls); /* same stop: all cached */
	fake_set_stop_id(f->ft, 77);
	RUN(f, "value main.gPadded");
	assert_true(fake_read_calls(f->ft) > calls);
	RUN(f, "stats --json");
	assert_int_equal(f->r.status, 0);
	assert_doc(&f->r, "stats");
	json_t *sess = json_object_get(f->r.doc, "session");
	assert_int_equal(json_integer_value(json_object_get(sess, "backend_reads")),
			 (json_int_t)fake_read_calls(f->ft));
	assert_int_equal(json_integer_value(json_object_get(sess, "backend_bytes")),
			 (json_int_t)fake_read_bytes(f->ft));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_fx_setup, fake_fx_teardown)
#define G(fn) cmocka_unit_test_setup_teardown(fn, fake_fx_setup_go, fake_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_help),
		T(test_command_table),
		T(test_command_help),
		T(test_overview_names_every_command),
		T(test_unknown_command),
		T(test_unknown_option),
		T(test_missing_argument),
		T(test_too_many_tokens),
		T(test_tokenizer),
		T(test_json_error_document),
		T(test_json_for_every_command_is_one_object),
		T(test_bad_backend),
	};
	/* The tests of the Go program: its amd64 build, then its 386 build
	 * (4-byte words, Go's 386 alignment) against its own truth. */
	const struct CMUnitTest go_tests[] = {
		G(test_version_go),
		G(test_type_layouts_go),
		G(test_embedded_field_go),
		G(test_type_text_go),
		G(test_color_go),
		G(test_type_errors_go),
		G(test_globals_go),
		G(test_string_with_nul_go),
		G(test_struct_global_fields_go),
		G(test_global_needs_process_go),
		G(test_unknown_global_error_go),
		G(test_global_with_garbage_frame_go),
		G(test_session_cache_go),
	};
	int failed = cmocka_run_group_tests_name("session", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("session: Go program (amd64)", go_tests, NULL, NULL);
	fake_set_go_program("structs-386");
	program_goarch = "386";
	failed += cmocka_run_group_tests_name("session: Go program (386)", go_tests, NULL, NULL);
	return failed;
}
