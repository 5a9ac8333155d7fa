/* The map decoders (core/map_classic.c, core/map_swiss.c) end to end:
 * `golayout map main.gX --json` through gl_session_run, on map memory
 * built by hand in the fake backend.
 *
 * Only the DWARF comes from a real Go program (tests/unit/testdata/maps.go,
 * built by build-testdata.sh twice: build/tests/testdata/maps-classic with
 * go1.22 or go1.24+noswissmap, maps-swiss with go1.24+). Every offset and
 * size of the runtime structures (hash<K,V>, bucket<K,V>, map<K,V>,
 * table<K,V>, groupReference<K,V>, the group type) is read from that DWARF
 * through the core's own API (gl_dwarf_find_global, gl_type_field); the
 * globals' addresses too. Tests fail when a binary is missing.
 *
 * Every command runs in a forked child with a time limit
 * (fake_run_in_child): corrupt headers must give a bounded error, never a
 * hang. The child sends back the output, the error line and the fake's
 * backend read log, so the checks run here, in the parent. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/gohash.h"
#include "target/dwarfinfo.h"
#include "child_run.h"
#include "fake_target.h"
#include "scene_maps.h"

#define TIME_LIMIT_MS 10000 /* generous: sanitizer builds are slow */

/* ---- the fixture ---------------------------------------------------------- */

struct fx {
	struct map_scene m; /* its allocations are freed at teardown, even after a failed check */
	struct gl_session *s;
	struct child_result r;
};

/* JSON text that lives until the end of the test. */
static char *dump(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!t)
		return "(null)";
	char *p = ms_calloc(strlen(t) + 1);
	strcpy(p, t);
	free(t);
	return p;
}

static int setup_with(void **state, struct map_bin *b)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	map_scene_init(&f->m, b);
	f->s = gl_session_create();
	assert_non_null(f->s);
	*state = f;
	return 0;
}

static int setup_classic(void **state)
{
	return setup_with(state, &B_CLASSIC);
}

static int setup_swiss(void **state)
{
	return setup_with(state, &B_SWISS);
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

/* Missing test data is an error, not a skip: it would hide every check. */
#define NEED(f)                                                                                 \
	do {                                                                                    \
		if (!(f)->m.bin) {                                                                \
			fail_msg("no map test program: run tests/unit/build-testdata.sh"); \
		}                                                                               \
	} while (0)

/* ---- running one command in a child --------------------------------------- */

/* Run "golayout <args>" in a time-limited child; the result goes to f->r.
 * Fails the test when the child hangs or crashes. */
static void run_map(struct fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_map(struct fx *f, const char *fmt, ...)
{
	char args[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	/* whole pages, as a live process has them: cacheable (and
	 * idempotent, so memory mapped since the last run is filled too) */
	fake_fill_pages(f->m.ft);
	/* no decoder may allocate gigabytes for a corrupt header */
	child_run_cmd(f->s, f->m.ft, args, TIME_LIMIT_MS, 4ull << 30, &f->r);
}

/* ---- checks on the result ------------------------------------------------- */

static const char *doc_str(struct fx *f, const char *key)
{
	return json_string_value(json_object_get(f->r.doc, key));
}

static long long doc_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\" in %.400s", key, dump(o));
	return (long long)json_integer_value(v);
}

static long long summary_int(struct fx *f, const char *key)
{
	json_t *s = json_object_get(f->r.doc, "summary");
	if (!s)
		fail_msg("no summary in %.500s", f->r.out);
	return doc_int(s, key);
}

static void assert_ok(struct fx *f)
{
	if (f->r.status != 0)
		fail_msg("golayout %s failed: %s", f->r.args, f->r.doc ? doc_str(f, "error") : f->r.err);
	if (f->r.doc && json_object_get(f->r.doc, "error"))
		fail_msg("golayout %s: success, but the document has an error: %s", f->r.args,
			 doc_str(f, "error"));
}

/* The command failed with one line of error (the document's "error" with
 * --json, else the error line) containing every given string. */
static void assert_error_has(struct fx *f, const char *want, const char *want2)
{
	const char *e = f->r.doc ? doc_str(f, "error") : f->r.err;
	const char *a = f->r.args;
	if (f->r.status == 0)
		fail_msg("golayout %s succeeded, want an error containing \"%s\"; output: %.600s", a,
			 want, f->r.out ? f->r.out : "");
	if (!e)
		fail_msg("golayout %s failed without an error message: %.600s", a,
			 f->r.out ? f->r.out : "");
	if (!f->r.doc && strncmp(e, "golayout: ", 10) != 0)
		fail_msg("golayout %s: error line does not start with \"golayout: \": %s", a, e);
	if (strchr(e, '\n'))
		fail_msg("golayout %s: error is more than one line: %s", a, e);
	if (strlen(e) > 400)
		fail_msg("golayout %s: error is %zu bytes long: %.200s...", a, strlen(e), e);
	if (want && !strstr(e, want))
		fail_msg("golayout %s: error \"%s\" does not contain \"%s\"", a, e, want);
	if (want2 && !strstr(e, want2))
		fail_msg("golayout %s: error \"%s\" does not contain \"%s\"", a, e, want2);
}

/* The document's entries are exactly want: "key", "value" pairs in fmt's
 * key order, ending with NULL. */
static void assert_entries(struct fx *f, const char *const *want)
{
	json_t *ents = json_object_get(f->r.doc, "entries");
	if (!json_is_array(ents))
		fail_msg("golayout %s: no entries array in %.600s", f->r.args, f->r.out);
	size_t n = 0;
	while (want[2 * n])
		n++;
	const char *text = dump(ents);
	if (json_array_size(ents) != n)
		fail_msg("golayout %s: %zu entries, want %zu: %s", f->r.args, json_array_size(ents), n,
			 text);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(ents, i);
		const char *k = json_string_value(json_object_get(e, "key"));
		const char *v = json_string_value(json_object_get(e, "value"));
		if (!k || !v || strcmp(k, want[2 * i]) || strcmp(v, want[2 * i + 1]))
			fail_msg("golayout %s: entry %zu is %s:%s, want %s:%s; all: %s", f->r.args, i,
				 k ? k : "?", v ? v : "?", want[2 * i], want[2 * i + 1], text);
	}
}

/* How many entries the --json document lists. */
static size_t entries_len(struct fx *f)
{
	return json_array_size(json_object_get(f->r.doc, "entries"));
}

/* A drawn cell (classic) or slot (swiss) that holds key:value, its key and
 * element at the given offsets in the bucket or group. */
static void assert_full_slot(json_t *s, const char *key, const char *value, long long key_off,
			     long long elem_off)
{
	assert_string_equal(json_string_value(json_object_get(s, "state")), "full");
	assert_string_equal(json_string_value(json_object_get(s, "key")), key);
	assert_string_equal(json_string_value(json_object_get(s, "value")), value);
	assert_int_equal(doc_int(s, "key_offset"), key_off);
	assert_int_equal(doc_int(s, "elem_offset"), elem_off);
}

/* The backend reads that touched [addr, addr+len). */
static unsigned reads_touching(struct fx *f, uint64_t addr, uint64_t len, bool *covers)
{
	unsigned n = 0;
	*covers = false;
	if (f->r.calls > FAKE_LOG_SIZE)
		fail_msg("%llu backend reads, more than the fake logs", (unsigned long long)f->r.calls);
	for (uint64_t i = 0; i < f->r.nlog; i++) {
		const struct fake_read *rd = &f->r.log[i];
		if (rd->addr < addr + len && addr < rd->addr + rd->len) {
			n++;
			if (rd->ok && rd->addr <= addr && rd->addr + rd->len >= addr + len)
				*covers = true;
		}
	}
	return n;
}

/* The command read [addr, addr+len) (a bucket or group array) in exactly
 * one backend read that covers it. */
static void assert_one_read(struct fx *f, uint64_t addr, uint64_t len, const char *what)
{
	bool covers;
	unsigned n = reads_touching(f, addr, len, &covers);
	if (n != 1 || !covers)
		fail_msg("%u backend reads touched the %llu-byte %s (want exactly one covering it); "
			 "%llu reads in all",
			 n, (unsigned long long)len, what, (unsigned long long)f->r.calls);
}

static char *hexaddr(uint64_t a, char buf[32])
{
	snprintf(buf, 32, "0x%llx", (unsigned long long)a);
	return buf;
}

/* A nil map has no header to decode: the same answer whatever the
 * binary's map layout (run with both setups). */
static void test_nil_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct mglobal g = find_map_global(f->m.bin, "main.gNil");
	set_global(&f->m, &g, 0);
	run_map(f, "map main.gNil --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "nil")));
	assert_int_equal(doc_int(f->r.doc, "count"), 0);
	assert_int_equal(entries_len(f), 0);
	assert_string_equal(doc_str(f, "kind"), "map");
	run_map(f, "map main.gNil");
	assert_ok(f);
	assert_null(f->r.err);
	assert_non_null(strstr(f->r.out, "nil map"));
	run_map(f, "value main.gNil --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "value"), "map[]");
}

static void test_classic_empty_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	/* make(map[int64]int): no buckets allocated yet */
	unsigned char *h = ms_calloc(L.hsize);
	c_header(&L, h, 0, 0, 0, 0, 0, 0);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "impl"), "classic");
	assert_int_equal(doc_int(f->r.doc, "count"), 0);
	assert_int_equal(entries_len(f), 0);
	assert_null(json_object_get(f->r.doc, "nil"));
	/* one bucket, every cell emptyRest */
	unsigned char *bk = ms_calloc(L.bsize);
	memset(bk + L.tophash, L.empty_rest, 8);
	fake_map(f->m.ft, A_BUCKETS, bk, L.bsize);
	ms_setf(h, L.hdr, "buckets", A_BUCKETS);
	fake_poke(f->m.ft, A_HDR, h, L.hsize);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), 0);
	assert_int_equal(summary_int(f, "buckets"), 1);
	assert_int_equal(summary_int(f, "full"), 0);
}

/* --key on a map whose hashWriting flag is set: one line saying so, and
 * no lookup (the runtime would throw on such a read). */
static void test_classic_key_while_writing(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_strint(&f->m, &L);
	poke_field(&f->m, A_HDR, L.hdr, "flags", (uint64_t)ms_konst(f->m.bin->dw, "runtime.hashWriting", 4));
	run_map(f, "map main.gStrInt --key '\"a\"' --json");
	assert_error_has(f, "being written", "hashWriting");
	assert_null(json_object_get(f->r.doc, "lookup"));
}

/* --hash and --key compute the same hash for a key: from the string in
 * target memory (each slot) and from the literal (--key), both through
 * the AES hash in software. */
static void test_classic_key_and_hash_agree(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_strint(&f->m, &L);
	ms_map_hash_keys(&f->m);
	run_map(f, "map main.gStrInt --hash --all --json");
	assert_ok(f);
	assert_string_equal(json_string_value(json_object_get(json_object_get(f->r.doc, "hash"), "algorithm")),
			    "aes");
	const char *want = NULL;
	json_t *b, *link, *cell;
	size_t i, j, k;
	json_array_foreach(json_object_get(f->r.doc, "buckets"), i, b)
		json_array_foreach(json_object_get(b, "chain"), j, link)
			json_array_foreach(json_object_get(link, "cells"), k, cell)
				if (json_is_string(json_object_get(cell, "key")) &&
				    !strcmp(json_string_value(json_object_get(cell, "key")), "bb"))
					want = json_string_value(json_object_get(cell, "hash"));
	if (!want)
		fail_msg("no hash for key bb in %.600s", dump(f->r.doc));
	char w[32];
	snprintf(w, sizeof(w), "%s", want);
	run_map(f, "map main.gStrInt --key '\"bb\"' --json");
	assert_ok(f);
	json_t *lk = json_object_get(f->r.doc, "lookup");
	assert_string_equal(json_string_value(json_object_get(lk, "hash")), w);
	/* another key hashes otherwise */
	run_map(f, "map main.gStrInt --key '\"bc\"' --json");
	assert_ok(f);
	assert_string_not_equal(json_string_value(json_object_get(json_object_get(f->r.doc, "lookup"), "hash")), w);
}

/* The hash of a long key string (core/maphash.c reads the last byte of a
 * key longer than a page first) is the hash of all its bytes: two keys of
 * 200,001 bytes differing in their last byte hash as gl_gohash_mem says
 * over the whole string. A key whose length claims 16 MiB over a shorter
 * mapping is left unhashed, the others still are, and what it could read
 * is not read. */
static void test_classic_long_key_hash(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gStrInt");
	enum { LONG = 200001 };
	char *s[2];
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(L.bsize), k[16];
	c_header(&L, h, 3, 0, 0, A_BUCKETS, 0, 0);
	for (int i = 0; i < 2; i++) {
		s[i] = ms_calloc(LONG + 1);
		for (int j = 0; j < LONG; j++)
			s[i][j] = (char)('a' + (j * 7 + j / 4096) % 26);
		s[i][LONG - 1] = i ? 'Y' : 'X';
		go_string(&f->m, s[i], k);
		int64_t v = i + 1;
		c_cell(&L, bk, i, 0x80, k, &v);
	}
	/* 16 MiB (GL_MAX_VALUE_BYTES) claimed over a mapping of 256 KiB */
	uint64_t bad_at = A_ELEMS;
	fake_map(f->m.ft, A_ELEMS, ms_calloc(256 << 10), 256 << 10);
	ms_put64(k, A_ELEMS);
	ms_put64(k + 8, 16u << 20);
	int64_t v = 3;
	c_cell(&L, bk, 2, 0x80, k, &v);
	fake_map(f->m.ft, A_BUCKETS, bk, L.bsize);
	c_map_header(&f->m, &L, h);
	ms_map_hash_keys(&f->m); /* the AES key schedule: byte j is j*37+11 */
	run_map(f, "map main.gStrInt --hash --all --json");
	assert_ok(f);

	struct gl_gohash_keys keys = {.aes = true, .arch = GL_GOHASH_AMD64, .go_minor = 22};
	for (unsigned j = 0; j < sizeof(keys.aeskeysched); j++)
		keys.aeskeysched[j] = (unsigned char)(j * 37 + 11);
	json_t *cells = json_object_get(json_array_get(json_object_get(
						json_array_get(json_object_get(f->r.doc, "buckets"), 0), "chain"), 0),
					"cells");
	for (int i = 0; i < 3; i++) {
		json_t *cell = json_array_get(cells, (size_t)i);
		const char *got = json_string_value(json_object_get(cell, "hash"));
		if (i == 2) {
			if (got)
				fail_msg("the key of 16 MiB at 0x%" PRIx64 " was hashed: %s", bad_at, got);
			continue;
		}
		char want[24];
		snprintf(want, sizeof(want), "0x%016" PRIx64,
			 gl_gohash_mem(&keys, (const unsigned char *)s[i], LONG, 0));
		if (!got || strcmp(got, want))
			fail_msg("cell %d: hash %s, want %s (%.300s)", i, got ? got : "(none)", want, dump(cell));
	}
	/* the bad key's end was read (by the hash and by the sort), not the
	 * 256 KiB of its beginning */
	bool covers;
	unsigned n = reads_touching(f, A_ELEMS + (64 << 10), 192 << 10, &covers);
	if (n)
		fail_msg("%u backend reads of the 16 MiB key's readable part past its first 64 KiB", n);
}

static void test_classic_small_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_strint(&f->m, &L);
	run_map(f, "map main.gStrInt --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "impl"), "classic");
	assert_string_equal(doc_str(f, "type"), "map[string]int");
	assert_string_equal(doc_str(f, "key_type"), "string");
	assert_string_equal(doc_str(f, "elem_type"), "int");
	char a[32];
	assert_string_equal(doc_str(f, "address"), hexaddr(A_HDR, a));
	assert_string_equal(doc_str(f, "variable_address"), hexaddr(L.g.addr, a));
	assert_int_equal(doc_int(f->r.doc, "count"), 3);
	assert_int_equal(doc_int(f->r.doc, "B"), 1);
	assert_int_equal(doc_int(f->r.doc, "bucket_size"), L.bsize);
	assert_false(json_is_true(json_object_get(f->r.doc, "growing")));
	const char *want[] = {"a", "1", "bb", "2", "ccc", "3", NULL};
	assert_entries(f, want);
	assert_false(json_is_true(json_object_get(f->r.doc, "entries_truncated")));
	assert_int_equal(summary_int(f, "buckets"), 2);
	assert_int_equal(summary_int(f, "full"), 3);
	assert_int_equal(summary_int(f, "empty_one"), 1);
	assert_int_equal(summary_int(f, "cells"), 16);
	assert_int_equal(summary_int(f, "overflow_buckets"), 0);
	/* the drawn buckets: cell 2 of bucket 0 is "bb":2 at its offset */
	json_t *b0 = json_array_get(json_object_get(f->r.doc, "buckets"), 0);
	assert_string_equal(json_string_value(json_object_get(b0, "address")), hexaddr(A_BUCKETS, a));
	json_t *cells = json_object_get(json_array_get(json_object_get(b0, "chain"), 0), "cells");
	assert_int_equal(json_array_size(cells), 8);
	json_t *c2 = json_array_get(cells, 2);
	assert_full_slot(c2, "bb", "2", L.keys + 2 * L.kslot, L.elems + 2 * L.eslot);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cells, 1), "state")),
			    "emptyOne");
	/* and as text */
	run_map(f, "map main.gStrInt");
	assert_ok(f);
	assert_null(f->r.err);
	assert_non_null(strstr(f->r.out, "classic"));
	assert_non_null(strstr(f->r.out, "ccc"));
	char line[64];
	snprintf(line, sizeof(line), "buckets at %s: 2^1 x %llu bytes", hexaddr(A_BUCKETS, a),
		 (unsigned long long)L.bsize);
	if (!strstr(f->r.out, line))
		fail_msg("text lacks \"%s\":\n%s", line, f->r.out);
	/* and %v through `value` */
	run_map(f, "value main.gStrInt --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "value"), "map[a:1 bb:2 ccc:3]");
}

static void test_classic_garbage_B(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(L.bsize);
	c_header(&L, h, 3, 0, 200, A_BUCKETS, 0, 0);
	fake_map(f->m.ft, A_BUCKETS, bk, L.bsize);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "B", "200");
	run_map(f, "map main.gI64Int");
	assert_error_has(f, "B", "200");
	/* %v of it says so too, in bounded time */
	run_map(f, "value main.gI64Int --json");
	assert_non_null(strstr(doc_str(f, "value") ? doc_str(f, "value") : "", "map["));
}

/* B = 28 is within Go's limits, but 2^28 buckets are not there: the error
 * names the bucket address, in bounded time and memory. */
static void test_classic_large_B_unmapped(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize);
	c_header(&L, h, 1000, 0, 28, UNMAPPED, 0, 0);
	c_map_header(&f->m, &L, h);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), NULL);
	run_map(f, "map main.gI64Int --summary --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), NULL);
}

/* Smaller but still large: 2^20 buckets at an unmapped address. */
static void test_classic_B20_unmapped(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize);
	c_header(&L, h, 1000, 0, 20, UNMAPPED, 0, 0);
	c_map_header(&f->m, &L, h);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), NULL);
	if (f->r.calls > 16)
		fail_msg("%llu backend reads for an unmapped bucket array",
			 (unsigned long long)f->r.calls);
}

/* B = 1; bucket 0: 10:100, 11:110; bucket 1: 20:200, 21:210 with its
 * overflow pointing at `ovf1`. */
static void build_classic_two(struct fx *f, struct classic *L, uint64_t count, uint64_t ovf0,
			      uint64_t ovf1)
{
	*L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L->hsize), *bk = ms_calloc(2 * L->bsize);
	c_header(L, h, count, 0, 1, A_BUCKETS, 0, 0);
	c_cell_ii(L, bk, 0, 10, 100);
	c_cell_ii(L, bk, 1, 11, 110);
	c_overflow(L, bk, ovf0);
	c_cell_ii(L, bk + L->bsize, 3, 20, 200);
	c_cell_ii(L, bk + L->bsize, 4, 21, 210);
	c_overflow(L, bk + L->bsize, ovf1);
	fake_map(f->m.ft, A_BUCKETS, bk, 2 * L->bsize);
	c_map_header(&f->m, L, h);
}

static void test_classic_overflow_cycle_self(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_two(f, &L, 4, 0, 0);
	/* bucket 1's overflow is bucket 1 itself */
	unsigned char p[8];
	ms_put64(p, A_BUCKETS + L.bsize);
	fake_poke(f->m.ft, A_BUCKETS + L.bsize + L.overflow, p, 8);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "cycle", NULL);
	const char *want[] = {"10", "100", "11", "110", "20", "200", "21", "210", NULL};
	assert_entries(f, want);
}

static void test_classic_overflow_cycle_earlier(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	/* bucket 0 -> A -> B -> A; bucket 1 -> bucket 0 */
	uint64_t A = A_OVF, Bo = A_OVF + 0x1000;
	build_classic_two(f, &L, 8, A, A_BUCKETS);
	unsigned char *oa = ms_calloc(L.bsize), *ob = ms_calloc(L.bsize);
	c_cell_ii(&L, oa, 0, 30, 300);
	c_cell_ii(&L, oa, 7, 31, 310);
	c_overflow(&L, oa, Bo);
	c_cell_ii(&L, ob, 2, 40, 400);
	c_cell_ii(&L, ob, 6, 41, 410);
	c_overflow(&L, ob, A);
	fake_map(f->m.ft, A, oa, L.bsize);
	fake_map(f->m.ft, Bo, ob, L.bsize);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "cycle", NULL);
	const char *want[] = {"10", "100", "11", "110", "20", "200", "21", "210",
			      "30", "300", "31", "310", "40", "400", "41", "410", NULL};
	assert_entries(f, want);
}

/* B = 2; bucket 2's overflow is bucket 1: a chain that runs into another
 * bucket of the array, whose cells must not be listed twice. */
static void test_classic_overflow_into_other_bucket(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(4 * L.bsize);
	c_header(&L, h, 4, 0, 2, A_BUCKETS, 0, 0);
	c_cell_ii(&L, bk, 0, 1, 10);
	c_cell_ii(&L, bk + L.bsize, 0, 2, 20);
	c_cell_ii(&L, bk + L.bsize, 1, 3, 30);
	c_cell_ii(&L, bk + 2 * L.bsize, 0, 4, 40);
	c_overflow(&L, bk + 2 * L.bsize, A_BUCKETS + L.bsize);
	fake_map(f->m.ft, A_BUCKETS, bk, 4 * L.bsize);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "cycle", NULL);
	const char *want[] = {"1", "10", "2", "20", "3", "30", "4", "40", NULL};
	assert_entries(f, want);
}

/* For B >= 4 the runtime allocates overflow buckets right after the 2^B
 * buckets, in the same allocation: a chain into them is no cycle. */
static void test_classic_preallocated_overflow(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	enum { NB = 16 };
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc((NB + 2) * L.bsize);
	c_header(&L, h, 5, 0, 4, A_BUCKETS, 0, 0);
	c_cell_ii(&L, bk, 0, 1, 10);
	c_overflow(&L, bk, A_BUCKETS + NB * L.bsize);
	c_cell_ii(&L, bk + NB * L.bsize, 0, 2, 20);
	c_cell_ii(&L, bk + NB * L.bsize, 1, 3, 30);
	c_overflow(&L, bk + NB * L.bsize, A_BUCKETS + (NB + 1) * L.bsize);
	c_cell_ii(&L, bk + (NB + 1) * L.bsize, 7, 4, 40);
	c_cell_ii(&L, bk + 9 * L.bsize, 2, 5, 50);
	fake_map(f->m.ft, A_BUCKETS, bk, (NB + 2) * L.bsize);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	const char *want[] = {"1", "10", "2", "20", "3", "30", "4", "40", "5", "50", NULL};
	assert_entries(f, want);
	assert_int_equal(summary_int(f, "overflow_buckets"), 2);
	json_t *hist = json_object_get(json_object_get(f->r.doc, "summary"), "overflow_chain_histogram");
	assert_int_equal(json_integer_value(json_array_get(hist, 0)), NB - 1);
	assert_int_equal(json_integer_value(json_array_get(hist, 2)), 1);
}

/* The text of a map whose header could not be read: the header's
 * address, and nothing made up ("buckets at : 2^0 x 0 bytes ()", "0
 * entries", "0 of 0 buckets shown" were printed before the error). */
static void assert_text_only_address(struct fx *f, const char *addr)
{
	const char *o = f->r.out ? f->r.out : "";
	if (!strstr(o, addr) || strstr(o, "buckets") || strstr(o, "groups") || strstr(o, "entries") ||
	    strstr(o, "classic") || strstr(o, "swiss"))
		fail_msg("golayout %s: text of an unreadable header: %s", f->r.args, o);
}

/* The map pointer leads nowhere. */
static void test_classic_unmapped_header(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	set_global(&f->m, &L.g, UNMAPPED);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), "header");
	run_map(f, "map main.gI64Int");
	assert_error_has(f, hexaddr(UNMAPPED, a), "header");
	assert_text_only_address(f, a);
}

static void test_classic_unreadable_overflow(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_two(f, &L, 6, UNMAPPED, 0);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), "overflow");
	const char *want[] = {"10", "100", "11", "110", "20", "200", "21", "210", NULL};
	assert_entries(f, want);
	/* the bucket with the broken chain says so in its drawing */
	json_t *b0 = json_array_get(json_object_get(f->r.doc, "buckets"), 0);
	const char *be = json_string_value(json_object_get(b0, "error"));
	if (!be || !strstr(be, a))
		fail_msg("bucket 0 has no error naming %s: %s", a, be ? be : "(none)");
	assert_null(json_object_get(json_array_get(json_object_get(f->r.doc, "buckets"), 1), "error"));
	/* text: the drawing, then one error line */
	run_map(f, "map main.gI64Int");
	assert_error_has(f, a, NULL);
	assert_non_null(f->r.out);
	assert_non_null(strstr(f->r.out, "bucket 1"));
}

/* Growing from 2 to 4 buckets: old bucket 0 evacuated (its stale cells
 * must not count), old bucket 1 not yet. */
static void test_classic_growing(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	unsigned char *h, *ob;
	build_classic_growing(&f->m, &L, &h, &ob);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "growing")));
	assert_int_equal(doc_int(f->r.doc, "noldbuckets"), 2);
	char a[32];
	assert_string_equal(doc_str(f, "oldbuckets"), hexaddr(A_OLD, a));
	const char *want[] = {"1", "10", "2", "20", "3", "30", "4", "40", "5", "50", NULL};
	assert_entries(f, want);
	assert_int_equal(summary_int(f, "old_buckets"), 2);
	assert_int_equal(summary_int(f, "old_evacuated"), 1);
	assert_int_equal(summary_int(f, "buckets"), 4);
	json_t *old = json_object_get(f->r.doc, "old_buckets");
	assert_int_equal(json_array_size(old), 2);
	assert_true(json_is_true(json_object_get(json_array_get(old, 0), "evacuated")));
	assert_false(json_is_true(json_object_get(json_array_get(old, 1), "evacuated")));
	/* same-size growth: as many old buckets as new */
	unsigned char *ob2 = ms_calloc(4 * L.bsize);
	memcpy(ob2, ob, 2 * L.bsize);
	c_cell_ii(&L, ob2 + 3 * L.bsize, 7, 6, 60);
	fake_map(f->m.ft, A_OLD + 0x10000, ob2, 4 * L.bsize);
	c_header(&L, h, 6, L.same_size, 2, A_BUCKETS, A_OLD + 0x10000, 1);
	fake_poke(f->m.ft, A_HDR, h, L.hsize);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "same_size_grow")));
	assert_int_equal(doc_int(f->r.doc, "noldbuckets"), 4);
	const char *want2[] = {"1", "10", "2", "20", "3", "30", "4", "40", "5", "50", "6", "60", NULL};
	assert_entries(f, want2);
	/* oldbuckets unmapped: said so, the new buckets still listed */
	c_header(&L, h, 5, 0, 2, A_BUCKETS, UNMAPPED, 1);
	fake_poke(f->m.ft, A_HDR, h, L.hsize);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), "old");
	const char *want3[] = {"1", "10", "2", "20", "3", "30", NULL};
	assert_entries(f, want3);
}

static void test_classic_count_mismatch(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(L.bsize);
	c_header(&L, h, 5, 0, 0, A_BUCKETS, 0, 0);
	c_cell_ii(&L, bk, 0, 1, 10);
	c_cell_ii(&L, bk, 4, 2, 20);
	c_cell_ii(&L, bk, 7, 3, 30);
	fake_map(f->m.ft, A_BUCKETS, bk, L.bsize);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "5", "3");
	assert_error_has(f, "header says 5", NULL);
	const char *want[] = {"1", "10", "2", "20", "3", "30", NULL};
	assert_entries(f, want);
}

/* map[int64][20]int64: elems of 160 bytes live behind a pointer. */
static void test_classic_indirect_elem(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = classic_layout(f->m.bin, "main.gIndirect");
	assert_int_equal(L.kslot, 8);
	assert_int_equal(L.eslot, 8); /* a pointer, not 160 bytes */
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(L.bsize);
	c_header(&L, h, 3, 0, 0, A_BUCKETS, 0, 0);
	int64_t arr[20] = {0};
	for (int i = 0; i < 3; i++) {
		int64_t k = i + 1;
		uint64_t p = i == 1 ? UNMAPPED : A_ELEMS + 0x100 * (uint64_t)i;
		arr[0] = k;
		arr[19] = -k;
		if (i != 1)
			fake_map(f->m.ft, p, arr, sizeof(arr));
		c_cell(&L, bk, i, (uint8_t)(L.min_top + i), &k, &p);
	}
	fake_map(f->m.ft, A_BUCKETS, bk, L.bsize);
	c_map_header(&f->m, &L, h);
	run_map(f, "map main.gIndirect --json");
	char a[32];
	assert_error_has(f, hexaddr(UNMAPPED, a), "indirect");
	assert_true(json_is_true(json_object_get(f->r.doc, "indirect_elem")));
	assert_false(json_is_true(json_object_get(f->r.doc, "indirect_key")));
	const char *want[] = {"1", "[1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -1]",
			      "3", "[3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -3]", NULL};
	assert_entries(f, want);
}

/* main.gI64Int as a classic map of NB256 buckets, one entry in each. */
enum { NB256 = 256 };

static struct classic build_classic_256(struct fx *f)
{
	struct classic L = classic_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize), *bk = ms_calloc(NB256 * L.bsize);
	c_header(&L, h, NB256, 0, 8, A_BUCKETS, 0, 0);
	for (int i = 0; i < NB256; i++)
		c_cell_ii(&L, bk + (uint64_t)i * L.bsize, i % 8, i, 1000 + i);
	fake_map(f->m.ft, A_BUCKETS, bk, NB256 * L.bsize);
	c_map_header(&f->m, &L, h);
	return L;
}

/* 256 buckets: the bucket array is read from the backend in one go. */
static void test_classic_one_read_for_buckets(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L = build_classic_256(f);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), NB256);
	assert_int_equal(doc_int(f->r.doc, "buckets_total"), NB256);
	assert_one_read(f, A_BUCKETS, NB256 * L.bsize, "bucket array");
	assert_true(doc_int(f->r.doc, "backend_reads") >= 1);
}

/* Ctrl-C while the bucket array is walked: the walk stops, the document
 * is whole and says "interrupted"; the text ends with the same line. */
static void test_classic_interrupted(void **state)
{
	struct fx *f = *state;
	NEED(f);
	build_classic_256(f);
	fake_interrupt_after(f->m.ft, 1);
	run_map(f, "map main.gI64Int --json");
	assert_non_null(f->r.doc);
	assert_string_equal(json_string_value(json_object_get(f->r.doc, "error_code")), "interrupted");
	if (entries_len(f) >= NB256)
		fail_msg("all %d entries listed after Ctrl-C", NB256);
	run_map(f, "map main.gI64Int");
	assert_non_null(f->r.err);
	assert_non_null(strstr(f->r.err, "golayout: interrupted"));
	fake_interrupt_after(f->m.ft, 0);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), NB256);
}

static void test_classic_summary(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_four(&f->m, &L);
	run_map(f, "map main.gI64Int --summary --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "summary_only")));
	assert_null(json_object_get(f->r.doc, "buckets"));
	assert_null(json_object_get(f->r.doc, "entries"));
	assert_int_equal(summary_int(f, "entries"), 6);
	assert_int_equal(summary_int(f, "full"), 6);
	assert_int_equal(summary_int(f, "buckets"), 4);
	assert_int_equal(summary_int(f, "cells"), 32);
	assert_int_equal(summary_int(f, "bytes_buckets"), 4 * L.bsize);
	assert_int_equal(summary_int(f, "bytes_header"), L.hsize);
	json_t *hist = json_object_get(json_object_get(f->r.doc, "summary"), "overflow_chain_histogram");
	assert_int_equal(json_integer_value(json_array_get(hist, 0)), 4);
	run_map(f, "map main.gI64Int --summary");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "summary"));
	assert_non_null(strstr(f->r.out, "entries 6 in 4 buckets"));
	assert_null(strstr(f->r.out, "bucket 0 at"));
}

static void test_classic_limit(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	build_classic_four(&f->m, &L);
	run_map(f, "map main.gI64Int --limit 2 --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), 2);
	assert_true(json_is_true(json_object_get(f->r.doc, "entries_truncated")));
	assert_int_equal(json_array_size(json_object_get(f->r.doc, "buckets")), 2);
	assert_int_equal(doc_int(f->r.doc, "buckets_shown"), 2);
	assert_int_equal(doc_int(f->r.doc, "buckets_total"), 4);
	assert_int_equal(summary_int(f, "full"), 6);
	run_map(f, "map main.gI64Int --limit 2");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "2 of 4 buckets shown"));
	/* --all draws every bucket, and lists every entry */
	run_map(f, "map main.gI64Int --all --json");
	assert_ok(f);
	assert_int_equal(doc_int(f->r.doc, "buckets_shown"), 4);
	const char *want[] = {"1", "10", "2", "20", "3", "30", "4", "40", "5", "50", "6", "60", NULL};
	assert_entries(f, want);
}

static void test_swiss_empty_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize);
	/* make(map[int64]int): a small map with no group yet */
	s_header(&L, h, 0, 0, 0, 0);
	s_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "impl"), "swiss");
	assert_true(json_is_true(json_object_get(f->r.doc, "small")));
	assert_int_equal(entries_len(f), 0);
	/* a small map whose one group is all empty */
	unsigned char *g = s_groups(&L, 1);
	fake_map(f->m.ft, A_GROUPS, g, L.gsize);
	ms_setf(h, L.hdr, "dirPtr", A_GROUPS);
	fake_poke(f->m.ft, A_HDR, h, L.hsize);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), 0);
	assert_int_equal(summary_int(f, "groups"), 1);
	assert_int_equal(summary_int(f, "empty"), 8);
	assert_int_equal(summary_int(f, "full"), 0);
}

static void test_swiss_small_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_small(&f->m, &L);
	run_map(f, "map main.gStrInt --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "impl"), "swiss");
	assert_true(json_is_true(json_object_get(f->r.doc, "small")));
	assert_int_equal(doc_int(f->r.doc, "count"), 3);
	assert_int_equal(doc_int(f->r.doc, "group_size"), L.gsize);
	const char *want[] = {"", "7", "alpha", "42", "zeta", "-1", NULL};
	assert_entries(f, want);
	assert_int_equal(summary_int(f, "full"), 3);
	assert_int_equal(summary_int(f, "empty"), 5);
	assert_int_equal(summary_int(f, "tombstones"), 0);
	/* the drawn group: slot 3 holds alpha:42 under h2 0x7f */
	json_t *t0 = json_array_get(json_object_get(f->r.doc, "tables"), 0);
	json_t *g0 = json_array_get(json_object_get(t0, "groups"), 0);
	char a[32];
	assert_string_equal(json_string_value(json_object_get(g0, "address")), hexaddr(A_GROUPS, a));
	json_t *s3 = json_array_get(json_object_get(g0, "slots"), 3);
	assert_full_slot(s3, "alpha", "42", L.keys + 3 * L.key_stride, L.elems + 3 * L.elem_stride);
	assert_string_equal(json_string_value(json_object_get(s3, "ctrl")), "0x7f");
	run_map(f, "map main.gStrInt");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "small map"));
	assert_non_null(strstr(f->r.out, "alpha"));
	run_map(f, "value main.gStrInt --json");
	assert_ok(f);
	assert_string_equal(doc_str(f, "value"), "map[:7 alpha:42 zeta:-1]");
}

static void test_swiss_directory_map(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, A_TABLE + 0x1000);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_false(json_is_true(json_object_get(f->r.doc, "small")));
	const char *want[] = {"1", "1", "2", "2", "3", "3", "11", "101", "12", "102", "13", "103", NULL};
	assert_entries(f, want);
	assert_int_equal(summary_int(f, "tables"), 2);
	assert_int_equal(summary_int(f, "groups"), 4);
	assert_int_equal(summary_int(f, "full"), 6);
	json_t *dir = json_object_get(f->r.doc, "directory");
	assert_int_equal(doc_int(dir, "len"), 2);
	assert_int_equal(doc_int(dir, "global_depth"), 1);
	json_t *tables = json_object_get(f->r.doc, "tables");
	assert_int_equal(json_array_size(tables), 2);
	char a[32];
	assert_string_equal(json_string_value(json_object_get(json_array_get(tables, 1), "address")),
			    hexaddr(A_TABLE + 0x1000, a));
	assert_int_equal(doc_int(json_array_get(tables, 1), "ngroups"), 2);
	/* one table in both directory slots (localDepth 0): shown once */
	unsigned char p[8];
	ms_put64(p, A_TABLE);
	fake_poke(f->m.ft, A_DIR + 8, p, 8);
	unsigned char t0[64];
	assert_true(L.tsize <= sizeof(t0));
	memset(t0, 0, sizeof(t0));
	s_table(&L, t0, 3, 2, 0, 0, A_GROUPS);
	fake_poke(f->m.ft, A_TABLE, t0, L.tsize);
	poke_field(&f->m, A_HDR, L.hdr, "used", 3);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(summary_int(f, "tables"), 1);
	const char *want1[] = {"1", "1", "2", "2", "3", "3", NULL};
	assert_entries(f, want1);
}

static void test_swiss_garbage_dirlen(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, A_TABLE + 0x1000);
	const struct {
		int64_t len;
		uint8_t depth;
	} bad[] = {
		{3, 1},                 /* not a power of two */
		{6, 2},
		{(int64_t)1 << 40, 40}, /* huge */
		{(int64_t)1 << 62, 62},
		{-4, 2},                /* negative */
		{INT64_MIN, 0},
		{-1, 255},
		{4, 1},                 /* disagrees with globalDepth */
		{(int64_t)1 << 25, 25},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		poke_field(&f->m, A_HDR, L.hdr, "dirLen", (uint64_t)bad[i].len);
		poke_field(&f->m, A_HDR, L.hdr, "globalDepth", bad[i].depth);
		run_map(f, "map main.gI64Int --json");
		if (f->r.status == 0)
			fail_msg("dirLen %lld, globalDepth %u: no error", (long long)bad[i].len, bad[i].depth);
		assert_error_has(f, "directory", NULL);
		run_map(f, "map main.gI64Int --summary");
		assert_error_has(f, "directory", NULL);
	}
}

/* dirLen 2^24 (the decoder's limit) with the directory unmapped. */
/* The map pointer, or a small map's group, leads nowhere. */
static void test_swiss_unmapped_header_and_group(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gI64Int");
	set_global(&f->m, &L.g, UNMAPPED);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), "header");
	run_map(f, "map main.gI64Int");
	assert_error_has(f, hexaddr(UNMAPPED, a), "header");
	assert_text_only_address(f, a);
	unsigned char *h = ms_calloc(L.hsize);
	s_header(&L, h, 3, UNMAPPED + 0x10000, 0, 0);
	fake_map(f->m.ft, A_HDR, h, L.hsize);
	unsigned char p[8];
	ms_put64(p, A_HDR);
	fake_poke(f->m.ft, L.g.addr, p, 8);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED + 0x10000, a), NULL);
	assert_int_equal(entries_len(f), 0);
	/* %v says so within the brackets */
	run_map(f, "value main.gI64Int --json");
	const char *v = doc_str(f, "value");
	if (!v || strncmp(v, "map[<", 5) || !strstr(v, a))
		fail_msg("value: %s", v ? v : "(none)");
}

static void test_swiss_huge_dirlen_unmapped(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize);
	s_header(&L, h, 100, UNMAPPED, (int64_t)1 << 24, 24);
	s_map_header(&f->m, &L, h);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "directory", hexaddr(UNMAPPED, a));
	if (f->r.calls > 16)
		fail_msg("%llu backend reads for an unmapped directory", (unsigned long long)f->r.calls);
}

static void test_swiss_unmapped_table(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, UNMAPPED);
	char a[32];
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), "table");
	const char *want[] = {"1", "1", "2", "2", "3", "3", NULL};
	assert_entries(f, want);
	json_t *t1 = json_array_get(json_object_get(f->r.doc, "tables"), 1);
	const char *te = json_string_value(json_object_get(t1, "error"));
	if (!te || !strstr(te, a))
		fail_msg("table 1 has no error naming %s: %s", a, te ? te : "(none)");
	/* the directory itself unmapped */
	poke_field(&f->m, A_HDR, L.hdr, "dirPtr", UNMAPPED + 0x100000);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "directory", hexaddr(UNMAPPED + 0x100000, a));
	/* a table whose group array is unmapped */
	poke_field(&f->m, A_HDR, L.hdr, "dirPtr", A_DIR);
	fake_poke_u64(f->m.ft, A_DIR + 8, A_TABLE + 0x1000);
	poke_field(&f->m, A_TABLE + 0x1000 + L.goff, L.gref, "data", UNMAPPED);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(UNMAPPED, a), NULL);
	assert_entries(f, want);
}

static void test_swiss_corrupt_lengthmask(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, A_TABLE + 0x1000);
	const uint64_t masks[] = {5, 2, UINT64_MAX, (1ull << 40) - 1, (1ull << 63) - 1, 0x7fff, 0x1ffff};
	char a[32];
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		poke_field(&f->m, A_TABLE + 0x1000 + L.goff, L.gref, "lengthMask", masks[i]);
		run_map(f, "map main.gI64Int --json");
		if (f->r.status == 0)
			fail_msg("lengthMask 0x%llx: no error", (unsigned long long)masks[i]);
		assert_error_has(f, hexaddr(A_TABLE + 0x1000, a), "corrupt");
		/* the good table still lists its entries */
		const char *want[] = {"1", "1", "2", "2", "3", "3", NULL};
		assert_entries(f, want);
	}
	/* 2^61 groups of 8 slots: 2^64 slots, which wraps to a capacity of 0 */
	poke_field(&f->m, A_TABLE + 0x1000 + L.goff, L.gref, "lengthMask", (1ull << 61) - 1);
	poke_field(&f->m, A_TABLE + 0x1000, L.table, "capacity", 0);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, hexaddr(A_TABLE + 0x1000, a), NULL);
}

static void test_swiss_count_mismatch(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L.hsize), *g = s_groups(&L, 1);
	s_header(&L, h, 5, A_GROUPS, 0, 0);
	s_slot_ii(&L, g, 1, 1, 10);
	s_slot_ii(&L, g, 2, 2, 20);
	s_slot_ii(&L, g, 6, 3, 30);
	fake_map(f->m.ft, A_GROUPS, g, L.gsize);
	s_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "header says 5", "3");
	const char *want[] = {"1", "10", "2", "20", "3", "30", NULL};
	assert_entries(f, want);
}

static void test_swiss_count_mismatch_tables(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 7, A_TABLE + 0x1000);
	run_map(f, "map main.gI64Int --json");
	assert_error_has(f, "header says 7", "6");
	assert_int_equal(entries_len(f), 6);
}

/* Deleted slots are tombstones, not entries. */
static void test_swiss_tombstones(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 4, A_TABLE + 0x1000);
	/* table 0, group 0: slots 0 and 4 hold keys 1 and 3; delete key 3,
	 * and mark one empty slot deleted as well (stale bytes under it) */
	unsigned char del = L.ctrl_deleted;
	fake_poke(f->m.ft, A_GROUPS + L.ctrl + 4, &del, 1);
	fake_poke(f->m.ft, A_GROUPS + L.ctrl + 7, &del, 1);
	/* table 1, group 1: slot 3 holds key 12: delete it */
	fake_poke(f->m.ft, A_GROUPS + 0x100000 + L.gsize + L.ctrl + 3, &del, 1);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	const char *want[] = {"1", "1", "2", "2", "11", "101", "13", "103", NULL};
	assert_entries(f, want);
	assert_int_equal(summary_int(f, "tombstones"), 3);
	assert_int_equal(summary_int(f, "full"), 4);
	assert_int_equal(summary_int(f, "empty"), 32 - 4 - 3);
	json_t *g0 = json_array_get(json_object_get(json_array_get(json_object_get(f->r.doc, "tables"), 0),
						    "groups"), 0);
	json_t *s4 = json_array_get(json_object_get(g0, "slots"), 4);
	assert_string_equal(json_string_value(json_object_get(s4, "state")), "deleted");
	assert_null(json_object_get(s4, "key"));
	run_map(f, "map main.gI64Int --summary");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "3 tombstones"));
}

static void test_swiss_indirect_elem(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gIndirect");
	assert_int_equal(L.kslot, 8);
	assert_int_equal(L.eslot, 8); /* a pointer, not 160 bytes */
	unsigned char *h = ms_calloc(L.hsize), *g = s_groups(&L, 1);
	s_header(&L, h, 3, A_GROUPS, 0, 0);
	int64_t arr[20] = {0};
	for (int i = 0; i < 3; i++) {
		int64_t k = i + 1;
		uint64_t p = i == 1 ? UNMAPPED : A_ELEMS + 0x100 * (uint64_t)i;
		arr[0] = k;
		arr[19] = -k;
		if (i != 1)
			fake_map(f->m.ft, p, arr, sizeof(arr));
		s_slot(&L, g, 2 * i, (uint8_t)(0x20 + i), &k, &p);
	}
	fake_map(f->m.ft, A_GROUPS, g, L.gsize);
	s_map_header(&f->m, &L, h);
	run_map(f, "map main.gIndirect --json");
	char a[32];
	assert_error_has(f, hexaddr(UNMAPPED, a), "indirect");
	assert_true(json_is_true(json_object_get(f->r.doc, "indirect_elem")));
	const char *want[] = {"1", "[1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -1]",
			      "3", "[3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -3]", NULL};
	assert_entries(f, want);
	/* the slot drawing names where the element should be */
	json_t *g0 = json_array_get(json_object_get(json_array_get(json_object_get(f->r.doc, "tables"), 0),
						    "groups"), 0);
	json_t *s2 = json_array_get(json_object_get(g0, "slots"), 2);
	assert_string_equal(json_string_value(json_object_get(s2, "elem_indirect")), a);
	assert_non_null(json_object_get(s2, "error"));
}

/* Indirect keys ([20]int64, 160 bytes), all readable. */
static void test_swiss_indirect_key(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gBigKey");
	assert_int_equal(L.kslot, 8);
	unsigned char *h = ms_calloc(L.hsize), *g = s_groups(&L, 1);
	s_header(&L, h, 2, A_GROUPS, 0, 0);
	for (int i = 0; i < 2; i++) {
		int64_t key[20] = {0};
		key[1] = 5 - i;
		uint64_t p = A_ELEMS + 0x100 * (uint64_t)i;
		int64_t v = i + 100;
		fake_map(f->m.ft, p, key, sizeof(key));
		s_slot(&L, g, i, 0x30, &p, &v);
	}
	fake_map(f->m.ft, A_GROUPS, g, L.gsize);
	s_map_header(&f->m, &L, h);
	run_map(f, "map main.gBigKey --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "indirect_key")));
	const char *want[] = {"[0 4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]", "101",
			      "[0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]", "100", NULL};
	assert_entries(f, want);
}

/* One table of 64 groups: its group array comes in one backend read. */
static void test_swiss_one_read_for_groups(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L = swiss_layout(f->m.bin, "main.gI64Int");
	enum { NG = 64 };
	unsigned char *h = ms_calloc(L.hsize), *tb = ms_calloc(L.tsize), *g = s_groups(&L, NG), dir[8];
	s_header(&L, h, NG, A_DIR, 1, 0);
	ms_put64(dir, A_TABLE);
	s_table(&L, tb, NG, NG, 0, 0, A_GROUPS);
	for (int i = 0; i < NG; i++)
		s_slot_ii(&L, g + (uint64_t)i * L.gsize, i % 8, i, 1000 + i);
	fake_map(f->m.ft, A_DIR, dir, 8);
	fake_map(f->m.ft, A_TABLE, tb, L.tsize);
	fake_map(f->m.ft, A_GROUPS, g, NG * L.gsize);
	s_map_header(&f->m, &L, h);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), NG);
	assert_int_equal(doc_int(f->r.doc, "groups_total"), NG);
	assert_one_read(f, A_GROUPS, NG * L.gsize, "group array");
}

static void test_swiss_summary(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, A_TABLE + 0x1000);
	run_map(f, "map main.gI64Int --summary --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(f->r.doc, "summary_only")));
	assert_null(json_object_get(f->r.doc, "tables"));
	assert_null(json_object_get(f->r.doc, "entries"));
	assert_int_equal(summary_int(f, "entries"), 6);
	assert_int_equal(summary_int(f, "tables"), 2);
	assert_int_equal(summary_int(f, "groups"), 4);
	assert_int_equal(summary_int(f, "slots"), 32);
	assert_int_equal(summary_int(f, "full"), 6);
	assert_int_equal(summary_int(f, "bytes_groups"), 4 * L.gsize);
	assert_int_equal(summary_int(f, "bytes_tables"), 2 * L.tsize);
	assert_int_equal(summary_int(f, "bytes_directory"), 16);
	json_t *hist = json_object_get(json_object_get(f->r.doc, "summary"), "group_fill_histogram");
	assert_int_equal(json_integer_value(json_array_get(hist, 1)), 2);
	assert_int_equal(json_integer_value(json_array_get(hist, 2)), 2);
	run_map(f, "map main.gI64Int --summary");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "entries 6 in 2 tables, 4 groups"));
	assert_null(strstr(f->r.out, "group 0 at"));
}

static void test_swiss_limit(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct swiss L;
	build_swiss_dir(&f->m, &L, 6, A_TABLE + 0x1000);
	run_map(f, "map main.gI64Int --limit 2 --json");
	assert_ok(f);
	assert_int_equal(entries_len(f), 2);
	assert_true(json_is_true(json_object_get(f->r.doc, "entries_truncated")));
	assert_int_equal(doc_int(f->r.doc, "groups_shown"), 2);
	assert_int_equal(doc_int(f->r.doc, "groups_total"), 4);
	assert_int_equal(summary_int(f, "full"), 6);
	run_map(f, "map main.gI64Int --limit 2");
	assert_ok(f);
	assert_non_null(strstr(f->r.out, "2 of 4 groups shown"));
	run_map(f, "map main.gI64Int --group 3 --json");
	assert_ok(f);
	assert_int_equal(doc_int(f->r.doc, "groups_shown"), 1);
}

static int close_binaries(void **state)
{
	(void)state;
	map_bins_close();
	return 0;
}

/* fmt's key order on many keys, so that the sorts for large maps run
 * (a radix sort for numbers, a byte-wise one for strings): NSORT keys in
 * 64 buckets, in hash-like (shuffled) order; each entry's value is the
 * key's index, and the listed keys must be in order. Strings share
 * prefixes and differ in length ("ab" < "ab " < "abb"); int64 keys are
 * negative and positive, near the extremes too. */
#define NSORT 400

static uint64_t sort_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void build_sort_map(struct fx *f, struct classic *L, const char *global, bool strings,
			   char **keys, int64_t *ints)
{
	*L = classic_layout(f->m.bin, global);
	unsigned char *h = ms_calloc(L->hsize), *bk = ms_calloc(64 * L->bsize), k[16];
	c_header(L, h, NSORT, 0, 6, A_BUCKETS, 0, 0);
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < NSORT; i++) {
		bool dup;
		do { /* a key not used yet */
			if (strings) {
				size_t n = 1 + sort_rand(&x) % 6;
				for (size_t j = 0; j < n; j++)
					keys[i][j] = "ab ~"[sort_rand(&x) % 4];
				keys[i][n] = '\0';
			} else {
				uint64_t r = sort_rand(&x);
				ints[i] = (int64_t)(r % 5 == 0 ? r : r % 2000) - (r % 3 ? 1000 : 0);
			}
			dup = false;
			for (int j = 0; j < i && !dup; j++)
				dup = strings ? !strcmp(keys[i], keys[j]) : ints[i] == ints[j];
		} while (dup);
		int64_t v = i;
		unsigned char *b = bk + (uint64_t)(i % 64) * L->bsize; /* 7 cells a bucket at most */
		if (strings)
			go_string(&f->m, keys[i], k);
		else
			ms_put64(k, (uint64_t)ints[i]);
		c_cell(L, b, i / 64, L->min_top + 1, k, &v);
	}
	fake_map(f->m.ft, A_BUCKETS, bk, 64 * L->bsize);
	c_map_header(&f->m, L, h);
}

static void check_sorted(struct fx *f, bool strings, char **keys, const int64_t *ints)
{
	json_t *ents = json_object_get(f->r.doc, "entries");
	assert_int_equal(json_array_size(ents), NSORT);
	long prev = -1;
	for (size_t i = 0; i < NSORT; i++) {
		const char *v = json_string_value(json_object_get(json_array_get(ents, i), "value"));
		long k = v ? strtol(v, NULL, 10) : -1;
		assert_true(k >= 0 && k < NSORT);
		if (prev >= 0 && (strings ? strcmp(keys[prev], keys[k]) >= 0 : ints[prev] >= ints[k]))
			fail_msg("entry %zu (key %ld) is not after entry %zu (key %ld)", i, k, i - 1, prev);
		prev = k;
	}
}

static void test_classic_sort_strings(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	char *keys[NSORT], *bytes = ms_calloc(NSORT * 8);
	for (int i = 0; i < NSORT; i++)
		keys[i] = bytes + 8 * i;
	build_sort_map(f, &L, "main.gStrInt", true, keys, NULL);
	run_map(f, "map main.gStrInt --json");
	assert_ok(f);
	check_sorted(f, true, keys, NULL);
}

static void test_classic_sort_ints(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct classic L;
	int64_t ints[NSORT];
	build_sort_map(f, &L, "main.gI64Int", false, NULL, ints);
	run_map(f, "map main.gI64Int --json");
	assert_ok(f);
	check_sorted(f, false, NULL, ints);
}

int main(void)
{
#define C(fn) cmocka_unit_test_setup_teardown(fn, setup_classic, teardown)
#define S(fn) cmocka_unit_test_setup_teardown(fn, setup_swiss, teardown)
	const struct CMUnitTest tests[] = {
		{"test_nil_map (classic)", test_nil_map, setup_classic, teardown, NULL},
		C(test_classic_empty_map),
		C(test_classic_small_map),
		C(test_classic_sort_strings),
		C(test_classic_sort_ints),
		C(test_classic_key_while_writing),
		C(test_classic_key_and_hash_agree),
		C(test_classic_long_key_hash),
		C(test_classic_garbage_B),
		C(test_classic_large_B_unmapped),
		C(test_classic_B20_unmapped),
		C(test_classic_overflow_cycle_self),
		C(test_classic_overflow_cycle_earlier),
		C(test_classic_overflow_into_other_bucket),
		C(test_classic_preallocated_overflow),
		C(test_classic_unmapped_header),
		C(test_classic_unreadable_overflow),
		C(test_classic_growing),
		C(test_classic_count_mismatch),
		C(test_classic_indirect_elem),
		C(test_classic_one_read_for_buckets),
		C(test_classic_interrupted),
		C(test_classic_summary),
		C(test_classic_limit),
		{"test_nil_map (swiss)", test_nil_map, setup_swiss, teardown, NULL},
		S(test_swiss_empty_map),
		S(test_swiss_small_map),
		S(test_swiss_directory_map),
		S(test_swiss_garbage_dirlen),
		S(test_swiss_unmapped_header_and_group),
		S(test_swiss_huge_dirlen_unmapped),
		S(test_swiss_unmapped_table),
		S(test_swiss_corrupt_lengthmask),
		S(test_swiss_count_mismatch),
		S(test_swiss_count_mismatch_tables),
		S(test_swiss_tombstones),
		S(test_swiss_indirect_elem),
		S(test_swiss_indirect_key),
		S(test_swiss_one_read_for_groups),
		S(test_swiss_summary),
		S(test_swiss_limit),
	};
	return cmocka_run_group_tests_name("maps", tests, NULL, close_binaries);
}
