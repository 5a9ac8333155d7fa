/* Bad memory: unmapped addresses, corrupt string and slice headers,
 * unreadable pointees, types made from corrupt runtime descriptors.
 * golayout must answer in bounded time and output,
 * say where memory could not be read, and still show what it could.
 *
 * Code that might hang or overrun runs in a child process with a time
 * limit (fake_run_in_child), so a hang fails the test instead of the run. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "fmt/format.h"
#include "child_run.h"
#include "fake_target.h"
#include "eval/value.h"
#include "render/chan_text.h"
#include "runtime/chan.h"

#define TIME_LIMIT_MS 5000 /* generous: sanitizer builds are slow */
/* Output bound: format.c's per-value budget is 8 KiB; allow the nesting
 * of a few levels of it, and nothing like the megabytes a corrupt length
 * would give. */
#define MAX_TEXT (256u << 10)

/* ---- formatting hand-built types over fake memory ---- */

static struct gl_type T_INT = {.kind = GL_K_INT, .name = "int", .size = 8};
static struct gl_type T_I32 = {.kind = GL_K_INT32, .name = "int32", .size = 4};
static struct gl_type T_STRING = {.kind = GL_K_STRING, .name = "string", .size = 16};
static struct gl_type T_SLICE_INT = {.kind = GL_K_SLICE, .name = "[]int", .size = 24,
				     .elem = &T_INT};

struct fmt_job {
	struct fake_target *ft;
	const struct gl_type *t;
	unsigned char bytes[64];
	/* checks on the text, in the child */
	const char *prefix, *contains, *contains2, *suffix;
	size_t max_len;
	double elapsed_ms;
};

static char *format_on(struct fake_target *ft, const struct gl_type *t, const unsigned char *b)
{
	struct gl_mem mem;
	gl_mem_init(&mem);
	gl_mem_begin(&mem, fake_backend(ft));
	struct gl_ctx c = {.mem = &mem, .be = fake_backend(ft)};
	char *s = gl_format_value_str(&c, t, b);
	gl_mem_deinit(&mem);
	return s;
}

static int fmt_child(void *arg)
{
	struct fmt_job *j = arg;
	char *s = format_on(j->ft, j->t, j->bytes);
	int bad = 0;
	if (!s) {
		fprintf(stderr, "  no text\n");
		return 1;
	}
	size_t n = strlen(s);
	if (j->max_len && n > j->max_len) {
		fprintf(stderr, "  text is %zu bytes, more than %zu\n", n, j->max_len);
		bad = 1;
	}
	if (j->prefix && strncmp(s, j->prefix, strlen(j->prefix)) != 0)
		bad = 1;
	if (j->contains && !strstr(s, j->contains))
		bad = 1;
	if (j->contains2 && !strstr(s, j->contains2))
		bad = 1;
	if (j->suffix && (n < strlen(j->suffix) || strcmp(s + n - strlen(j->suffix), j->suffix)))
		bad = 1;
	if (bad)
		fprintf(stderr, "  text (%zu bytes): %.300s%s\n  want prefix \"%s\", \"%s\", \"%s\", suffix \"%s\"\n",
			n, s, n > 300 ? "..." : "", j->prefix ? j->prefix : "",
			j->contains ? j->contains : "", j->contains2 ? j->contains2 : "",
			j->suffix ? j->suffix : "");
	free(s);
	return bad;
}

static void run_fmt_job(struct fmt_job *j, const char *what)
{
	double t0 = fake_now_ms();
	child_must_pass(fmt_child, j, TIME_LIMIT_MS, what);
	j->elapsed_ms = fake_now_ms() - t0;
}

static void put64(unsigned char *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void header(unsigned char *b, uint64_t ptr, uint64_t len, uint64_t cap)
{
	put64(b, ptr);
	put64(b + 8, len);
	put64(b + 16, cap);
}

static int setup(void **state)
{
	*state = fake_new();
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

static void test_huge_string_garbage_pointer(void **state)
{
	struct fmt_job j = {.ft = *state, .t = &T_STRING, .max_len = 200,
			    .contains = "<unreadable", .contains2 = "0xdeadbeef000"};
	header(j.bytes, 0xdeadbeef000, 1ull << 60, 0);
	run_fmt_job(&j, "string{0xdeadbeef000, 1<<60}");
}

static void test_huge_string_mapped_pointer(void **state)
{
	struct fake_target *ft = *state;
	enum { MAPPED = 64 << 10 }; /* more than the output budget */
	char *text = malloc(MAPPED);
	assert_non_null(text);
	memset(text, 'x', MAPPED);
	fake_map(ft, 0x100000, text, MAPPED);
	free(text);
	/* The start of the string is readable: show it, then say how much
	 * more there is, within the output budget. */
	struct fmt_job j = {.ft = ft, .t = &T_STRING, .max_len = 16 << 10, .prefix = "xxxxxxxx",
			    .contains = "more bytes"};
	header(j.bytes, 0x100000, 1ull << 60, 0);
	run_fmt_job(&j, "string{mapped, 1<<60}");
}

static void test_string_pointer_near_top_of_address_space(void **state)
{
	/* Memory filled with 0xff gives pointers like 0xfffffffffffffff0. */
	struct fmt_job j = {.ft = *state, .t = &T_STRING, .max_len = 200,
			    .contains = "<unreadable", .contains2 = "0xfffffffffffffff0"};
	header(j.bytes, 0xfffffffffffffff0ull, 8, 0);
	run_fmt_job(&j, "string{0xfffffffffffffff0, 8}");
}

static void test_string_all_ones(void **state)
{
	struct fmt_job j = {.ft = *state, .t = &T_STRING, .max_len = 200,
			    .contains = "<unreadable"};
	header(j.bytes, UINT64_MAX, UINT64_MAX, 0);
	run_fmt_job(&j, "string{0xffffffffffffffff, 0xffffffffffffffff}");
}

static void test_slice_garbage_pointer_huge_len(void **state)
{
	struct fmt_job j = {.ft = *state, .t = &T_SLICE_INT, .max_len = MAX_TEXT, .prefix = "[",
			    .contains = "<unreadable", .suffix = "]"};
	header(j.bytes, 0xdead0000, 1ull << 40, 1);
	run_fmt_job(&j, "[]int{0xdead0000, len 1<<40, cap 1}");
}

static void test_slice_len_overflows_bytes(void **state)
{
	/* len * 8 wraps around 2^64 */
	struct fmt_job j = {.ft = *state, .t = &T_SLICE_INT, .max_len = MAX_TEXT, .prefix = "[",
			    .contains = "<unreadable", .suffix = "]"};
	header(j.bytes, 0xdead0000, (1ull << 61) + 3, 2);
	run_fmt_job(&j, "[]int{0xdead0000, len 1<<61+3}");
}

static void test_slice_huge_len_mapped_pointer(void **state)
{
	struct fake_target *ft = *state;
	int64_t v[4] = {11, -22, 33, -44};
	fake_map(ft, 0x200000, v, sizeof(v));
	struct fmt_job j = {.ft = ft, .t = &T_SLICE_INT, .max_len = MAX_TEXT,
			    .prefix = "[11 -22 33 -44 <unreadable 0x200020>", .suffix = "]"};
	header(j.bytes, 0x200000, 1ull << 40, 1ull << 40);
	run_fmt_job(&j, "[]int{4 readable ints, len 1<<40}");
}

static void test_slice_len_greater_than_cap(void **state)
{
	struct fake_target *ft = *state;
	int64_t v[3] = {1, 2, 3};
	fake_map(ft, 0x300000, v, sizeof(v));
	/* len 5 > cap 2, and only 3 elements are mapped: the text must name
	 * the first unreadable address, 0x300018 */
	struct fmt_job j = {.ft = ft, .t = &T_SLICE_INT, .max_len = 400, .prefix = "[",
			    .contains = "<unreadable 0x300018>", .suffix = "]"};
	header(j.bytes, 0x300000, 5, 2);
	run_fmt_job(&j, "[]int{len 5, cap 2}");
}

static void test_slice_pointer_near_top(void **state)
{
	struct fmt_job j = {.ft = *state, .t = &T_SLICE_INT, .max_len = MAX_TEXT, .prefix = "[",
			    .contains = "<unreadable", .suffix = "]"};
	header(j.bytes, 0xfffffffffffff800ull, 3, 3);
	run_fmt_job(&j, "[]int{0xfffffffffffff800, 3}");
}

/* type S []S, with s[i] == s for every i: self-reference at every level. */
static void test_self_referential_slice(void **state)
{
	struct fake_target *ft = *state;
	static struct gl_type T_S = {.kind = GL_K_SLICE, .name = "main.S", .size = 24};
	T_S.elem = &T_S;
	enum { N = 1000 };
	unsigned char *arr = malloc(N * 24);
	assert_non_null(arr);
	for (int i = 0; i < N; i++)
		header(arr + i * 24, 0x400000, N, N);
	fake_map(ft, 0x400000, arr, N * 24);
	free(arr);
	struct fmt_job j = {.ft = ft, .t = &T_S, .max_len = MAX_TEXT, .prefix = "[[[",
			    .suffix = "]"};
	header(j.bytes, 0x400000, N, N);
	run_fmt_job(&j, "type S []S, s[i] = s");
}

static void test_struct_with_unreadable_string_field(void **state)
{
	struct fake_target *ft = *state;
	/* struct { A int; S string; B int32 } */
	struct gl_field fields[] = {{.name = "A", .offset = 0, .type = &T_INT},
				    {.name = "S", .offset = 8, .type = &T_STRING},
				    {.name = "B", .offset = 24, .type = &T_I32}};
	struct gl_type st = {.kind = GL_K_STRUCT, .name = "main.T", .size = 32, .fields = fields,
			     .nfields = 3};
	unsigned char b[32] = {0};
	put64(b, 1);
	put64(b + 8, 0x7000000);
	put64(b + 16, 5);
	b[24] = 2;
	char *s = format_on(ft, &st, b);
	assert_non_null(s);
	if (strncmp(s, "{1 <unreadable", 14) != 0 || !strstr(s, "0x7000000>") ||
	    strcmp(s + strlen(s) - 3, " 2}") != 0)
		fail_msg("got \"%s\", want \"{1 <unreadable ... 0x7000000> 2}\"", s);
	free(s);
}

static void test_pointer_to_unreadable_struct(void **state)
{
	struct fake_target *ft = *state;
	struct gl_field fields[] = {{.name = "A", .offset = 0, .type = &T_INT}};
	struct gl_type st = {.kind = GL_K_STRUCT, .name = "main.T", .size = 8, .fields = fields,
			     .nfields = 1};
	struct gl_type pt = {.kind = GL_K_POINTER, .name = "*main.T", .size = 8, .elem = &st};
	unsigned char b[8];
	put64(b, 0x9990000);
	char *s = format_on(ft, &pt, b);
	assert_non_null(s);
	if (!strstr(s, "<unreadable 0x9990000>"))
		fail_msg("got \"%s\", want it to name 0x9990000 as unreadable", s);
	free(s);
}

/* A corrupt hchan whose qcount and dataqsiz are both huge (qcount <=
 * dataqsiz passes the consistency check): the ring is decoded up to
 * GL_CHAN_MAX_SLOTS slots, the queue walk jumps over the rest, and the
 * model says how much was skipped. */
static struct gl_type T_U16 = {.kind = GL_K_UINT16, .name = "uint16", .size = 2};
static struct gl_type T_U32 = {.kind = GL_K_UINT32, .name = "uint32", .size = 4};
static struct gl_type T_PTR = {.kind = GL_K_UNSAFEPOINTER, .name = "unsafe.Pointer", .size = 8};
static struct gl_field WAITQ_FIELDS[] = {{.name = "first", .offset = 0, .type = &T_PTR},
					  {.name = "last", .offset = 8, .type = &T_PTR}};
static struct gl_type T_WAITQ = {.kind = GL_K_STRUCT, .name = "runtime.waitq", .size = 16,
				 .fields = WAITQ_FIELDS, .nfields = 2};
static struct gl_field HCHAN_FIELDS[] = {
	{.name = "qcount", .offset = 0, .type = &T_INT},   {.name = "dataqsiz", .offset = 8, .type = &T_INT},
	{.name = "buf", .offset = 16, .type = &T_PTR},     {.name = "elemsize", .offset = 24, .type = &T_U16},
	{.name = "closed", .offset = 28, .type = &T_U32},  {.name = "sendx", .offset = 32, .type = &T_INT},
	{.name = "recvx", .offset = 40, .type = &T_INT},   {.name = "recvq", .offset = 48, .type = &T_WAITQ},
	{.name = "sendq", .offset = 64, .type = &T_WAITQ},
};
static struct gl_type T_HCHAN = {.kind = GL_K_STRUCT, .name = "runtime.hchan", .size = 80,
				 .fields = HCHAN_FIELDS, .nfields = 9};
static struct gl_type T_CHAN_INT = {.kind = GL_K_CHAN, .name = "chan int", .size = 8, .elem = &T_INT,
				    .target = &T_HCHAN};

#define HCHAN_AT 0x500000ull
#define RING_AT 0x800000ull
#define HUGE_RING (1ull << 62)

/* Map an hchan of 8-byte ints at HCHAN_AT with its ring at RING_AT. */
static void map_hchan(struct fake_target *ft, uint64_t qcount, uint64_t dataqsiz, uint64_t x)
{
	unsigned char h[80] = {0};
	put64(h, qcount);
	put64(h + 8, dataqsiz);
	put64(h + 16, RING_AT); /* buf */
	h[24] = 8;              /* elemsize */
	put64(h + 32, x);       /* sendx */
	put64(h + 40, x);       /* recvx */
	fake_map(ft, HCHAN_AT, h, sizeof(h));
}

/* What decoding a chan int value pointing at HCHAN_AT needs, without DWARF. */
struct chan_env {
	struct gl_mem mem;
	struct gl_target tgt;
	struct gl_ctx c;
	unsigned char word[8];
	struct gl_value v;
};

static void chan_env_init(struct chan_env *e, struct fake_target *ft)
{
	memset(e, 0, sizeof(*e));
	gl_mem_init(&e->mem);
	gl_mem_begin(&e->mem, fake_backend(ft));
	e->tgt.ptr_size = 8;
	e->tgt.elf.ptr_size = 8;
	e->c = (struct gl_ctx){.mem = &e->mem, .be = fake_backend(ft), .t = &e->tgt};
	sb_init(&e->c.out);
	put64(e->word, HCHAN_AT);
	e->v = (struct gl_value){.type = &T_CHAN_INT, .bytes = e->word};
}

static void chan_env_deinit(struct chan_env *e)
{
	/* a target without DWARF still gets a (refusing) layout table */
	if (e->tgt.rt_free)
		e->tgt.rt_free(e->tgt.rt);
	sb_deinit(&e->c.out);
	gl_mem_end(&e->mem);
	gl_mem_deinit(&e->mem);
}

static int chan_child(void *arg)
{
	struct chan_env e;
	chan_env_init(&e, arg);
	struct gl_chan ch;
	struct gl_error *err = gl_chan_decode(&e.c, &e.v, &ch);
	int bad = err != NULL || ch.stage != GL_CHAN_RING || ch.nslots != GL_CHAN_MAX_SLOTS ||
		  ch.slots_skipped != HUGE_RING - GL_CHAN_MAX_SLOTS || ch.nqueue != GL_CHAN_MAX_SLOTS ||
		  ch.queue[0] != 5 || ch.queue[GL_CHAN_MAX_SLOTS - 1] != 4 ||
		  ch.queue_skipped != HUGE_RING - GL_CHAN_MAX_SLOTS;
	if (bad)
		fprintf(stderr, "  %s; stage %d, %llu slots (%llu skipped), %llu queued (%llu skipped)\n",
			err ? err->message : "no error", (int)ch.stage, (unsigned long long)ch.nslots,
			(unsigned long long)ch.slots_skipped, (unsigned long long)ch.nqueue,
			(unsigned long long)ch.queue_skipped);
	gl_error_destroy(err);
	gl_chan_deinit(&ch);
	chan_env_deinit(&e);
	return bad;
}

static void test_chan_huge_qcount(void **state)
{
	struct fake_target *ft = *state;
	map_hchan(ft, HUGE_RING, HUGE_RING, 5);
	fake_map_pattern(ft, RING_AT, GL_CHAN_MAX_SLOTS * 8);
	child_must_pass(chan_child, ft, TIME_LIMIT_MS, "decoding the corrupt hchan");
}

/* Decode the chan at HCHAN_AT and render it: the text (malloc'd); the
 * decode must fail. */
static char *chan_text_of_failed(struct fake_target *ft, const char *why)
{
	struct chan_env e;
	chan_env_init(&e, ft);
	struct gl_chan ch;
	struct gl_error *err = gl_chan_decode(&e.c, &e.v, &ch);
	if (!err)
		fail_msg("%s: decoded without an error", why);
	gl_chan_text(&e.c, "ch", &e.v, &ch, 16);
	char *text = strdup(e.c.out.s ? e.c.out.s : "");
	assert_non_null(text);
	gl_error_destroy(err);
	gl_chan_deinit(&ch);
	chan_env_deinit(&e);
	return text;
}

/* An hchan that fails the consistency check (qcount > dataqsiz): the text
 * shows the header and counts, and does not call the channel unbuffered. */
static void test_chan_inconsistent_text(void **state)
{
	map_hchan(*state, 10, 4, 0);
	char *text = chan_text_of_failed(*state, "qcount > dataqsiz");
	if (!strstr(text, "10 of 4 queued") || strstr(text, "unbuffered"))
		fail_msg("text of an inconsistent hchan: %s", text);
	free(text);
}

/* An hchan that cannot be read: its address, and no counts made up
 * ("0 of 0 queued ... unbuffered" was printed before the error). */
static void test_chan_unreadable_text(void **state)
{
	char *text = chan_text_of_failed(*state, "unmapped hchan");
	if (!strstr(text, "hchan at 0x500000") || strstr(text, "queued") ||
	    strstr(text, "unbuffered") || strstr(text, "waiting"))
		fail_msg("text of an unreadable hchan: %s", text);
	free(text);
}

/* A wait queue that cannot be walked to its end: the counts that were
 * read, no waiter counts. */
static void test_chan_waiters_unreadable_text(void **state)
{
	map_hchan(*state, 1, 4, 0);
	fake_poke_u64(*state, HCHAN_AT + 48, 0xdead0000); /* recvq.first: unmapped */
	char *text = chan_text_of_failed(*state, "unwalkable recvq");
	if (!strstr(text, "1 of 4 queued") || strstr(text, "waiting"))
		fail_msg("text of an hchan with an unwalkable wait queue: %s", text);
	free(text);
}

/* ---- end to end, with the Go test program ----
 * The fixture is fake_target's (struct fake_fx, fake_fx_setup_go): its
 * setup fails when the Go test program has not been built. */

static void test_struct_at_unmapped_address_go(void **state)
{
	struct fake_fx *f = *state;
	fake_run(f->s, f->ft, &f->r, "struct 0x10 --type main.Padded");
	assert_int_not_equal(f->r.status, 0);
	assert_non_null(f->r.err);
	if (strncmp(f->r.err, "golayout: ", 10) != 0 || !strstr(f->r.err, "0x10"))
		fail_msg("error should name 0x10: %s", f->r.err);
	fake_result_free(&f->r);
	fake_run(f->s, f->ft, &f->r, "struct 0x10 --type main.Padded --json");
	assert_int_not_equal(f->r.status, 0);
	assert_non_null(f->r.doc);
	assert_null(f->r.err);
	const char *e = fake_doc_str(&f->r, "error");
	assert_non_null(e);
	assert_non_null(strstr(e, "0x10"));
	assert_string_equal(fake_doc_str(&f->r, "go_version"),
			    json_string_value(json_object_get(fake_truth(), "go_version")));
}

static void test_struct_partly_mapped_go(void **state)
{
	struct fake_fx *f = *state;
	/* main.Padded is 64 bytes; map only the first 40, away from the
	 * binary's own sections (read-only ones also read from the file) */
	json_t *g = fake_truth_global("main.gPadded");
	uint64_t len;
	unsigned char *b = fake_unhex(json_string_value(json_object_get(g, "hex")), &len);
	assert_true(len > 40);
	fake_map(f->ft, 0x7f1234500000, b, 40);
	free(b);
	fake_run(f->s, f->ft, &f->r, "value 0x7f1234500000 --type main.Padded");
	assert_int_not_equal(f->r.status, 0);
	if (!f->r.err || !strstr(f->r.err, "0x7f1234500028"))
		fail_msg("error should name the first unreadable byte 0x7f1234500028: %s",
			 f->r.err ? f->r.err : "(none)");
}

/* A Padded whose string field E points nowhere: E says so, every other
 * field still shows Go's own %v. */
static void test_struct_field_unreadable_go(void **state)
{
	struct fake_fx *f = *state;
	json_t *g = fake_truth_global("main.gPadded");
	uint64_t e_off = UINT64_MAX, len;
	json_t *fields = json_object_get(fake_truth_type("main.Padded"), "fields");
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *fl = json_array_get(fields, i);
		if (!strcmp(json_string_value(json_object_get(fl, "name")), "E"))
			e_off = (uint64_t)json_integer_value(json_object_get(fl, "offset"));
	}
	assert_int_not_equal(e_off, UINT64_MAX);
	unsigned char *b = fake_unhex(json_string_value(json_object_get(g, "hex")), &len);
	put64(b + e_off, 0x7000000); /* E's data pointer: unmapped */
	fake_map(f->ft, 0x7f1234600000, b, len);
	free(b);
	fake_run(f->s, f->ft, &f->r, "struct 0x7f1234600000 --type main.Padded --json");
	if (!f->r.doc)
		fail_msg("no JSON document: %s", f->r.out ? f->r.out : "(null)");
	json_t *want_fields = json_object_get(g, "fields");
	assert_true(json_array_size(want_fields) > 0);
	for (size_t i = 0; i < json_array_size(want_fields); i++) {
		const char *key = json_string_value(json_object_get(json_array_get(want_fields, i), "name"));
		json_t *want = json_object_get(json_array_get(want_fields, i), "value");
		json_t *fld = fake_doc_field(&f->r, key);
		assert_non_null(fld);
		const char *got = json_string_value(json_object_get(fld, "value"));
		if (!got)
			fail_msg("field %s has no value text", key);
		if (!strcmp(key, "E")) {
			if (strncmp(got, "<unreadable", 11) != 0 || !strstr(got, "0x7000000"))
				fail_msg("E: got \"%s\", want \"<unreadable ... 0x7000000>\"", got);
		} else if (!json_is_string(want) || strcmp(got, json_string_value(want)) != 0) {
			fail_msg("%s: got \"%s\", Go prints \"%s\"", key, got, json_string_value(want));
		}
	}
	const char *whole = fake_doc_str(&f->r, "value");
	assert_non_null(whole);
	assert_non_null(strstr(whole, "<unreadable"));
	assert_int_equal(strncmp(whole, "{true -7 false 123456 <unreadable", 33), 0);
}

struct cmd_job {
	struct fake_fx *f;
	const char *cmd;
	const char *contains;
	size_t max_len;
};

static int cmd_child(void *arg)
{
	struct cmd_job *j = arg;
	struct fake_result r;
	fake_run(j->f->s, j->f->ft, &r, "%s", j->cmd);
	const char *v = fake_doc_str(&r, "value");
	int bad = !v || strlen(v) > j->max_len || (j->contains && !strstr(v, j->contains));
	if (bad)
		fprintf(stderr, "  %s: %.300s\n", j->cmd, r.out ? r.out : "(null)");
	fake_result_free(&r);
	return bad;
}

static void run_cmd_job(struct cmd_job *j)
{
	child_must_pass(cmd_child, j, TIME_LIMIT_MS, j->cmd);
}

static void test_corrupt_headers_end_to_end_go(void **state)
{
	struct fake_fx *f = *state;
	unsigned char h[24];
	header(h, 0xdeadbeef000, 1ull << 60, 0);
	fake_map(f->ft, 0x700000, h, 16);
	struct cmd_job j = {f, "value 0x700000 --type string --json", "<unreadable", 200};
	run_cmd_job(&j);

	header(h, 0xdead0000, 1ull << 40, 3);
	fake_map(f->ft, 0x700100, h, 24);
	struct cmd_job k = {f, "value 0x700100 --type []int --json", "<unreadable", MAX_TEXT};
	run_cmd_job(&k);
}

/* A slice header with len > 0 and a negative cap (found by fuzz_slice):
 * the decoder calls it corrupt; the text must not compute cap - len
 * (a signed overflow) nor promise reserved capacity. */
static void test_slice_negative_cap_text_go(void **state)
{
	struct fake_fx *f = *state;
	unsigned char h[24];
	int64_t array[4] = {1, 2, 3, 4};
	fake_map(f->ft, 0x700400, array, sizeof(array));
	header(h, 0x700400, 6845471433603153923ull, (uint64_t)-8042865980231026896ll);
	fake_map(f->ft, 0x700300, h, 24);
	fake_run(f->s, f->ft, &f->r, "slice 0x700300 --type []int");
	assert_int_not_equal(f->r.status, 0);
	if (!f->r.err || !strstr(f->r.err, "corrupt slice header"))
		fail_msg("want the corrupt-header error, got %s", f->r.err ? f->r.err : "(none)");
	if (f->r.out && strstr(f->r.out, "more slots"))
		fail_msg("a corrupt header's text promises reserved slots:\n%s", f->r.out);
}


static void test_pointer_near_top_end_to_end_go(void **state)
{
	struct fake_fx *f = *state;
	unsigned char h[24];
	header(h, 0xfffffffffffffff0ull, 8, 8);
	fake_map(f->ft, 0x700200, h, 24);
	struct cmd_job j = {f, "value 0x700200 --type string --json", "<unreadable", 200};
	run_cmd_job(&j);
}

/* ---- types from corrupt runtime descriptors ---------------------------------- */

/* gl_type_layout_ok: what a type made from a wild descriptor must satisfy
 * before values, hashes and pictures trust it (core/gotypes/rtype.c drops
 * those that do not: a float64 of one byte was read as eight). */
static void test_type_layout_ok(void **state)
{
	(void)state;
	struct gl_type f64 = {.kind = GL_K_FLOAT64, .name = "float64", .size = 8};
	assert_true(gl_type_layout_ok(&f64, 8));
	assert_true(gl_type_layout_ok(&f64, 4));
	f64.size = 1;
	assert_false(gl_type_layout_ok(&f64, 8));
	assert_true(gl_type_layout_ok(&T_STRING, 8));
	assert_false(gl_type_layout_ok(&T_STRING, 4)); /* two words of 4 */
	assert_true(gl_type_layout_ok(&T_SLICE_INT, 8));
	struct gl_type inv = {.kind = GL_K_INVALID, .name = "?", .size = 0};
	assert_false(gl_type_layout_ok(&inv, 8));
	/* arrays: length times element, no element, an overflowing length */
	struct gl_type arr = {.kind = GL_K_ARRAY, .name = "[3]int", .size = 24, .elem = &T_INT, .count = 3};
	assert_true(gl_type_layout_ok(&arr, 8));
	arr.count = 4;
	assert_false(gl_type_layout_ok(&arr, 8));
	arr.count = (UINT64_MAX / 8) + 4; /* count * 8 wraps to 24 */
	assert_false(gl_type_layout_ok(&arr, 8));
	arr.count = 3;
	arr.elem = NULL;
	assert_false(gl_type_layout_ok(&arr, 8));
	struct gl_type empty = {.kind = GL_K_STRUCT, .name = "struct {}", .size = 0};
	struct gl_type zarr = {.kind = GL_K_ARRAY, .name = "[9]struct {}", .size = 0, .elem = &empty, .count = 9};
	assert_true(gl_type_layout_ok(&zarr, 8));
	zarr.size = 1;
	assert_false(gl_type_layout_ok(&zarr, 8));
	/* structs: every field inside, offsets near 2^64 too */
	struct gl_field fl[2] = {{.name = "a", .offset = 0, .type = &T_INT},
				 {.name = "b", .offset = 8, .type = &T_I32}};
	struct gl_type st = {.kind = GL_K_STRUCT, .name = "main.S", .size = 16, .fields = fl, .nfields = 2};
	assert_true(gl_type_layout_ok(&st, 8));
	fl[1].offset = 13;
	assert_false(gl_type_layout_ok(&st, 8));
	fl[1].offset = UINT64_MAX - 2;
	assert_false(gl_type_layout_ok(&st, 8));
	fl[1].offset = 8;
	fl[1].type = NULL;
	assert_false(gl_type_layout_ok(&st, 8));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define G(fn) cmocka_unit_test_setup_teardown(fn, fake_fx_setup_go, fake_fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_layout_ok),
		T(test_huge_string_garbage_pointer),
		T(test_huge_string_mapped_pointer),
		T(test_string_pointer_near_top_of_address_space),
		T(test_string_all_ones),
		T(test_slice_garbage_pointer_huge_len),
		T(test_slice_len_overflows_bytes),
		T(test_slice_huge_len_mapped_pointer),
		T(test_slice_len_greater_than_cap),
		T(test_slice_pointer_near_top),
		T(test_self_referential_slice),
		T(test_struct_with_unreadable_string_field),
		T(test_pointer_to_unreadable_struct),
		T(test_chan_huge_qcount),
		T(test_chan_inconsistent_text),
		T(test_chan_unreadable_text),
		T(test_chan_waiters_unreadable_text),
		G(test_struct_at_unmapped_address_go),
		G(test_struct_partly_mapped_go),
		G(test_struct_field_unreadable_go),
		G(test_corrupt_headers_end_to_end_go),
		G(test_pointer_near_top_end_to_end_go),
		G(test_slice_negative_cap_text_go),
	};
	return cmocka_run_group_tests_name("badmem", tests, NULL, NULL);
}
