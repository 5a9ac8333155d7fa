/* The per-stop page cache (core/mem.h) on the fake backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "child_run.h"
#include "fake_target.h"
#include "target/mem.h"

#define PG GL_PAGE_SIZE

struct fx {
	struct fake_target *ft;
	struct gl_mem m;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->ft = fake_new();
	gl_mem_init(&f->m);
	gl_mem_begin(&f->m, fake_backend(f->ft));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	gl_mem_deinit(&f->m);
	fake_free(f->ft);
	free(f);
	return 0;
}

static void assert_pattern(const unsigned char *buf, uint64_t addr, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != fake_pattern_byte(addr + i))
			fail_msg("byte %llu (address 0x%llx) is 0x%02x, want 0x%02x",
				 (unsigned long long)i, (unsigned long long)(addr + i), buf[i],
				 fake_pattern_byte(addr + i));
}

/* A read that succeeds and returns the mapped bytes. */
static void read_ok(struct fx *f, uint64_t addr, uint64_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	struct gl_error *err = gl_mem_read(&f->m, addr, buf, len);
	if (err)
		fail_msg("read 0x%llx+%llu failed: %s", (unsigned long long)addr,
			 (unsigned long long)len, err->message);
	assert_pattern(buf, addr, len);
	free(buf);
}

/* A read that fails with a fault at exactly want_fault. */
static void read_fault(struct fx *f, uint64_t addr, uint64_t len, uint64_t want_fault)
{
	unsigned char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	struct gl_error *err = gl_mem_read(&f->m, addr, buf, len);
	if (!err)
		fail_msg("read 0x%llx+%llu succeeded, want a fault at 0x%llx",
			 (unsigned long long)addr, (unsigned long long)len,
			 (unsigned long long)want_fault);
	assert_int_equal(err->code, GL_ERR_FAULT);
	if (err->address != want_fault)
		fail_msg("fault at 0x%llx, want 0x%llx (%s)", (unsigned long long)err->address,
			 (unsigned long long)want_fault, err->message);
	gl_error_destroy(err);
	free(buf);
}

/* Ctrl-C: once the backend says so, the answer stays for the command and
 * is asked afresh by the next; a read that failed because of it marks no
 * page unreadable (the same stop's next command reads it). */
static void test_interrupt(void **state)
{
	struct fx *f = *state;
	assert_false(gl_mem_interrupted(&f->m));
	fake_interrupt_after(f->ft, 1);
	read_fault(f, 0x9000, 16, 0x9000); /* the read is made, then the key */
	assert_true(f->m.interrupted);
	fake_interrupt_after(f->ft, 0);
	assert_true(gl_mem_interrupted(&f->m));
	gl_mem_begin(&f->m, fake_backend(f->ft)); /* next command, same stop */
	assert_false(gl_mem_interrupted(&f->m));
	assert_true(fake_interrupt_polls(f->ft) >= 1);
	fake_map_pattern(f->ft, 0x9000, PG);
	read_ok(f, 0x9000, 16);
	/* and a key pressed before the command asks is seen at once */
	gl_mem_begin(&f->m, fake_backend(f->ft));
	fake_interrupt_after(f->ft, 1);
	assert_true(gl_mem_interrupted(&f->m));
}

/* The fixture itself: what the other tests rely on. */
static void test_fake_backend(void **state)
{
	struct fx *f = *state;
	const struct gl_backend *be = fake_backend(f->ft);
	unsigned char b[32];
	fake_map_pattern(f->ft, 0x5000, 16);
	fake_map_pattern(f->ft, 0x5010, 8); /* adjacent: reads as one */
	uint64_t nread = 0;
	assert_int_equal(be->version, GL_BACKEND_VERSION);
	assert_int_equal(be->read_memory(be->ctx, 0x5004, b, 20, &nread), GL_BACKEND_OK);
	assert_int_equal(nread, 20);
	assert_pattern(b, 0x5004, 20);
	memset(b, 0, sizeof(b));
	assert_int_equal(be->read_memory(be->ctx, 0x5004, b, 21, &nread), GL_BACKEND_FAIL);
	assert_int_equal(nread, 20); /* and the 20 bytes are there */
	assert_pattern(b, 0x5004, 20);
	assert_int_equal(be->read_memory(be->ctx, 0x4fff, b, 2, &nread), GL_BACKEND_FAIL);
	assert_int_equal(nread, 0);
	assert_int_equal(fake_read_calls(f->ft), 3);
	assert_int_equal(fake_read_bytes(f->ft), 43);
	assert_false(fake_read_log(f->ft, 1)->ok);
	assert_int_equal(fake_read_log(f->ft, 1)->fault, 0x5018);
	uint64_t v;
	fake_set_reg(f->ft, "rip", 0x1234);
	assert_int_equal(be->read_register(be->ctx, "rip", &v), GL_BACKEND_OK);
	assert_int_equal(v, 0x1234);
	assert_int_equal(be->read_register(be->ctx, "rax", &v), GL_BACKEND_FAIL);
	uint32_t level;
	fake_set_frame_level(f->ft, 2);
	assert_int_equal(be->frame_level(be->ctx, &level), GL_BACKEND_OK);
	assert_int_equal(level, 2);
	fake_set_frame_level(f->ft, -1);
	assert_int_equal(be->frame_level(be->ctx, &level), GL_BACKEND_FAIL);
	char path[64];
	assert_int_equal(be->executable_path(be->ctx, path, sizeof(path)), GL_BACKEND_FAIL);
	fake_set_exe(f->ft, "/bin/true");
	assert_int_equal(be->executable_path(be->ctx, path, sizeof(path)), GL_BACKEND_OK);
	assert_string_equal(path, "/bin/true");
	fake_set_stop_id(f->ft, 9);
	assert_int_equal(be->stop_id(be->ctx), 9);
	fake_set_has_process(f->ft, false);
	assert_int_equal(be->has_process(be->ctx), 0);
}

static void test_second_read_is_cached(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x10000, 2 * PG);
	read_ok(f, 0x10010, 16);
	assert_int_equal(fake_read_calls(f->ft), 1);
	read_ok(f, 0x10010, 16);
	read_ok(f, 0x10800, 64); /* another part of the same page */
	assert_int_equal(fake_read_calls(f->ft), 1);
	assert_int_equal(f->m.stats.requests, 3);
	assert_int_equal(f->m.stats.cache_hits, 2);
	assert_int_equal(f->m.stats.backend_reads, 1);
	/* The core asks for whole pages, never the 16 bytes alone. */
	const struct fake_read *r = fake_read_log(f->ft, 0);
	assert_non_null(r);
	assert_int_equal(r->addr, 0x10000);
	assert_int_equal(r->len, PG);
}

static void test_multi_page_run_is_one_call(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x20000, 4 * PG);
	/* 3 pages of data starting mid-page: touches 4 pages */
	read_ok(f, 0x20100, 3 * PG);
	assert_int_equal(fake_read_calls(f->ft), 1);
	const struct fake_read *r = fake_read_log(f->ft, 0);
	assert_int_equal(r->addr, 0x20000);
	assert_int_equal(r->len, 4 * PG);
	assert_int_equal(fake_read_bytes(f->ft), 4 * PG);
	read_ok(f, 0x20000, 4 * PG);
	assert_int_equal(fake_read_calls(f->ft), 1);
}

static void test_only_missing_pages_are_fetched(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x28000, 4 * PG);
	read_ok(f, 0x29000, 8); /* caches page 1 */
	fake_reset_counts(f->ft);
	read_ok(f, 0x28000, 4 * PG); /* pages 0, 2, 3 missing: two runs */
	assert_int_equal(fake_read_calls(f->ft), 2);
	assert_int_equal(fake_read_log(f->ft, 0)->addr, 0x28000);
	assert_int_equal(fake_read_log(f->ft, 0)->len, PG);
	assert_int_equal(fake_read_log(f->ft, 1)->addr, 0x2a000);
	assert_int_equal(fake_read_log(f->ft, 1)->len, 2 * PG);
}

static void test_unmapped_page_fault_address(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x30000, PG); /* 0x31000 is not mapped */
	read_fault(f, 0x30ff0, 32, 0x31000);
	/* the readable part alone still reads */
	read_ok(f, 0x30ff0, 16);
}

static void test_hole_between_mapped_pages(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x40000, PG);
	fake_map_pattern(f->ft, 0x42000, PG); /* hole at 0x41000 */
	read_fault(f, 0x40f00, 0x1200, 0x41000);
	/* asked again (now from the cache's memory of bad pages): same answer */
	read_fault(f, 0x40f00, 0x1200, 0x41000);
	read_ok(f, 0x42000, 0x100);
	read_ok(f, 0x40000, PG);
}

static void test_fault_at_start_is_the_start(void **state)
{
	struct fx *f = *state;
	/* nothing mapped at all: the fault is the first byte asked for, not
	 * the page it lies in */
	read_fault(f, 0x50010, 8, 0x50010);
	read_fault(f, 0x50010, 8, 0x50010);
	assert_int_equal(f->m.stats.faults, 1); /* the bad page is remembered */
}

static void test_partial_page_mapping(void **state)
{
	struct fx *f = *state;
	/* A mapping that ends mid-page, as in core files. */
	fake_map_pattern(f->ft, 0x60000, 0x800);
	read_ok(f, 0x60100, 0x100);
	read_ok(f, 0x60000, 0x800);
	read_ok(f, 0x607f8, 8);
	read_fault(f, 0x607f0, 0x20, 0x60800);
	read_fault(f, 0x60800, 1, 0x60800);
}

static void test_partial_page_mapping_starting_mid_page(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x70800, 0x800 + PG); /* up to 0x72000 */
	read_ok(f, 0x70800, 0x10);
	read_ok(f, 0x70ff0, 0x20); /* partial page then a whole one */
	read_fault(f, 0x707f8, 0x10, 0x707f8);
	read_fault(f, 0x71ff8, 0x10, 0x72000);
}

static void test_stop_change_flushes(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x80000, PG);
	fake_set_stop_id(f->ft, 5);
	gl_mem_begin(&f->m, fake_backend(f->ft));
	unsigned char b[8];
	assert_null(gl_mem_read(&f->m, 0x80000, b, 8));
	assert_int_equal(b[0], fake_pattern_byte(0x80000));
	assert_int_equal(fake_read_calls(f->ft), 1);

	/* the target "ran": memory changed */
	fake_poke_u64(f->ft, 0x80000, 0x1122334455667788ull);
	gl_mem_begin(&f->m, fake_backend(f->ft)); /* same stop: cache kept */
	assert_null(gl_mem_read(&f->m, 0x80000, b, 8));
	assert_int_equal(fake_read_calls(f->ft), 1);
	assert_int_equal(b[0], fake_pattern_byte(0x80000)); /* stale, as it should be */

	fake_set_stop_id(f->ft, 6);
	gl_mem_begin(&f->m, fake_backend(f->ft));
	uint64_t v;
	assert_null(gl_mem_read_u64(&f->m, 0x80000, &v));
	assert_int_equal(fake_read_calls(f->ft), 2);
	assert_int_equal(v, 0x1122334455667788ull);
}

/* A new stop reuses the pages of the last (a few are kept): a reused
 * page holds the new stop's bytes, and a page that was unreadable and is
 * mapped now reads. More pages than are kept, over several stops. */
static void test_reused_pages_hold_the_new_stop(void **state)
{
	struct fx *f = *state;
	const uint64_t base = 0x200000, n = 100;
	fake_map_pattern(f->ft, base, n * PG);
	for (uint64_t stop = 10; stop < 14; stop++) {
		fake_set_stop_id(f->ft, stop);
		gl_mem_begin(&f->m, fake_backend(f->ft));
		for (uint64_t i = 0; i < n; i++) {
			uint64_t v;
			assert_null(gl_mem_read_u64(&f->m, base + i * PG + 8, &v));
			uint64_t want = stop == 10 ? 0 : (stop << 32) + i;
			if (stop == 10) /* the pattern, as mapped */
				for (int k = 7; k >= 0; k--)
					want = want << 8 | fake_pattern_byte(base + i * PG + 8 + (uint64_t)k);
			if (v != want)
				fail_msg("stop %llu, page %llu: 0x%llx, want 0x%llx", (unsigned long long)stop,
					 (unsigned long long)i, (unsigned long long)v, (unsigned long long)want);
			fake_poke_u64(f->ft, base + i * PG + 8, ((stop + 1) << 32) + i); /* the program runs */
		}
		if (stop == 10)
			read_fault(f, 0x900000, 8, 0x900000);
		if (stop == 11) /* mapped since */
			read_ok(f, 0x900000, 8);
		if (stop == 10)
			fake_map_pattern(f->ft, 0x900000, PG);
	}
}

static void test_stop_id_zero_flushes_every_command(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x90000, PG);
	fake_set_stop_id(f->ft, 0);
	for (int cmd = 1; cmd <= 3; cmd++) {
		gl_mem_begin(&f->m, fake_backend(f->ft));
		read_ok(f, 0x90010, 8);
		read_ok(f, 0x90010, 8); /* within one command the cache holds */
		assert_int_equal(fake_read_calls(f->ft), (uint64_t)cmd);
	}
}

static void test_no_stop_id_callback_flushes_every_command(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x98000, PG);
	struct gl_backend be = fake_backend_copy(f->ft);
	be.stop_id = NULL;
	gl_mem_begin(&f->m, &be);
	unsigned char b[4];
	assert_null(gl_mem_read(&f->m, 0x98000, b, 4));
	gl_mem_begin(&f->m, &be);
	assert_null(gl_mem_read(&f->m, 0x98000, b, 4));
	assert_int_equal(fake_read_calls(f->ft), 2);
}

static void test_zero_length_read(void **state)
{
	struct fx *f = *state;
	unsigned char b[4] = {0xaa, 0xaa, 0xaa, 0xaa};
	assert_null(gl_mem_read(&f->m, 0xdead0000, b, 0)); /* unmapped, but nothing asked */
	assert_null(gl_mem_read(&f->m, UINT64_MAX, b, 0));
	assert_int_equal(fake_read_calls(f->ft), 0);
	assert_int_equal(b[0], 0xaa);
}

static void test_wrapping_read(void **state)
{
	struct fx *f = *state;
	unsigned char b[32];
	struct gl_error *err = gl_mem_read(&f->m, UINT64_MAX - 7, b, 16);
	assert_non_null(err);
	assert_int_equal(err->code, GL_ERR_FAULT);
	assert_true(err->address >= UINT64_MAX - 7);
	gl_error_destroy(err);
	err = gl_mem_read(&f->m, 0x1000, b, UINT64_MAX);
	assert_non_null(err);
	assert_int_equal(err->code, GL_ERR_FAULT);
	gl_error_destroy(err);
	assert_int_equal(fake_read_calls(f->ft), 0);
}

/* ---- the last page of the address space ----
 * Garbage pointers such as 0xfffffffffffffff0 (memory filled with 0xff) land
 * there. Those reads run in a child process with a time limit: a hang or an
 * out-of-bounds write (ASan) fails the test instead of stopping the run. */

static int child_top_unmapped(void *arg)
{
	struct fx *f = arg;
	unsigned char *b = malloc(8); /* exactly the size asked for (ASan) */
	struct gl_error *err = gl_mem_read(&f->m, 0xfffffffffffffff0ull, b, 8);
	int bad = !err || err->code != GL_ERR_FAULT || err->address != 0xfffffffffffffff0ull;
	/* no direct (non-page) read may ask for more than the 8 bytes */
	for (uint64_t i = 0; i < fake_read_calls(f->ft); i++) {
		const struct fake_read *r = fake_read_log(f->ft, i);
		if (r && r->addr % PG != 0 && r->len > 8)
			bad = 1;
	}
	gl_error_destroy(err);
	free(b);
	return bad;
}

static void test_read_in_unmapped_top_page(void **state)
{
	child_must_pass(child_top_unmapped, *state, 3000, "gl_mem_read(0xfffffffffffffff0, 8)");
}

static int child_top_mapped(void *arg)
{
	struct fx *f = arg;
	uint64_t top = UINT64_MAX - PG + 1;
	fake_map_pattern(f->ft, top, PG);
	unsigned char *b = malloc(7); /* exactly the size asked for (ASan) */
	/* ends one byte short of 2^64: no wrap */
	struct gl_error *err = gl_mem_read(&f->m, UINT64_MAX - 7, b, 7);
	int bad = err != NULL;
	for (int i = 0; !bad && i < 7; i++)
		bad = b[i] != fake_pattern_byte(UINT64_MAX - 7 + (uint64_t)i);
	gl_error_destroy(err);
	free(b);
	return bad;
}

static void test_read_in_mapped_top_page(void **state)
{
	child_must_pass(child_top_mapped, *state, 3000, "gl_mem_read(0xfffffffffffffff8, 7)");
}

static void test_many_pages_stay_correct(void **state)
{
	struct fx *f = *state;
	/* Enough pages to make the hash table grow several times. */
	enum { N = 1500 };
	fake_map_pattern(f->ft, 0x1000000, (uint64_t)N * PG);
	for (uint64_t i = 0; i < N; i++)
		read_ok(f, 0x1000000 + i * PG + (i % 97), 24);
	assert_int_equal(fake_read_calls(f->ft), N);
	assert_int_equal(f->m.npages, N);
	for (uint64_t i = 0; i < N; i += 7)
		read_ok(f, 0x1000000 + i * PG, PG);
	assert_int_equal(fake_read_calls(f->ft), N);
}

static void test_u64_and_readable(void **state)
{
	struct fx *f = *state;
	unsigned char word[8] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
	fake_map(f->ft, 0xa0000, word, 8);
	uint64_t v = 0;
	assert_null(gl_mem_read_u64(&f->m, 0xa0000, &v));
	assert_int_equal(v, 0x1122334455667788ull);
	assert_true(gl_mem_readable(&f->m, 0xa0000, 8));
	assert_false(gl_mem_readable(&f->m, 0xa0004, 8));
	assert_false(gl_mem_readable(&f->m, 0xb0000, 1));
	/* the quiet read (no error made): the same answers, the bytes when
	 * they read, a wrapping range refused; a later loud read of the
	 * same bad page still names the address */
	unsigned char b[8] = {0};
	assert_true(gl_mem_try_read(&f->m, 0xa0000, b, 8));
	assert_memory_equal(b, word, 8);
	assert_false(gl_mem_try_read(&f->m, 0xa0004, b, 8));
	assert_false(gl_mem_try_read(&f->m, 0xb0000, b, 1));
	assert_false(gl_mem_try_read(&f->m, UINT64_MAX - 3, b, 8));
	struct gl_error *err = gl_mem_read(&f->m, 0xb0000, b, 1);
	assert_non_null(err);
	assert_int_equal(err->address, 0xb0000);
	gl_error_destroy(err);
}

/* A read that fails part way costs one backend call: what the backend
 * read is cached, the page where it stopped is remembered as bad. */
static void test_partial_read_is_one_call(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0xc0000, 3 * PG);
	read_fault(f, 0xc0010, 4 * PG, 0xc3000);
	assert_int_equal(fake_read_calls(f->ft), 1);
	read_ok(f, 0xc0000, 3 * PG); /* served from that one call */
	read_fault(f, 0xc3000, 8, 0xc3000);
	assert_int_equal(fake_read_calls(f->ft), 1);
}

/* A backend that cannot tell how far it got: the core bisects, in a few
 * calls, not one per page, and still names the first bad byte. */
static void test_untold_backend_is_bisected(void **state)
{
	struct fx *f = *state;
	fake_set_read_mode(f->ft, FAKE_READ_UNTOLD);
	fake_map_pattern(f->ft, 0xd0000, 21 * PG);
	read_fault(f, 0xd0000, 64 * PG, 0xd0000 + 21 * PG);
	uint64_t calls = fake_read_calls(f->ft);
	if (calls > 2 * 6 + 1) /* two per halving of 64 pages, plus the first */
		fail_msg("%llu backend calls to find the bad page of 64", (unsigned long long)calls);
	read_ok(f, 0xd0000, 21 * PG);
	assert_int_equal(fake_read_calls(f->ft), calls);
	/* nothing readable at all */
	fake_reset_counts(f->ft);
	read_fault(f, 0xe00000, 32 * PG, 0xe00000);
	assert_true(fake_read_calls(f->ft) <= 7); /* 32, 16, 8, 4, 2, 1 pages, the bytes */
	/* one page: the page, then the bytes asked for (the page may be
	 * readable from its middle, as at the start of a mapping) */
	fake_reset_counts(f->ft);
	read_fault(f, 0xf00010, 8, 0xf00010);
	assert_int_equal(fake_read_calls(f->ft), 2);
}

/* A version-1 backend (fault address, nothing usable in buf on failure)
 * still works: the good part is read again, the fault is exact. */
static void test_version1_backend(void **state)
{
	struct fx *f = *state;
	fake_set_read_mode(f->ft, FAKE_READ_V1);
	gl_mem_begin(&f->m, fake_backend(f->ft));
	fake_map_pattern(f->ft, 0x120000, 2 * PG);
	read_fault(f, 0x120008, 3 * PG, 0x122000);
	assert_int_equal(fake_read_calls(f->ft), 2);
	read_ok(f, 0x120000, 2 * PG);
	assert_int_equal(fake_read_calls(f->ft), 2);
	fake_map_pattern(f->ft, 0x130000, 0x800); /* partial page */
	read_ok(f, 0x130100, 0x100);
	read_fault(f, 0x1307f0, 0x20, 0x130800);
}

/* The cache outlives the backend it was filled through: gl_mem_end drops
 * the pointer, a new backend struct of the same stop reuses the pages. */
static void test_end_drops_the_backend(void **state)
{
	struct fx *f = *state;
	fake_map_pattern(f->ft, 0x140000, PG);
	read_ok(f, 0x140000, 16);
	gl_mem_end(&f->m);
	assert_null(f->m.be);
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(&f->m, 0x140000, b, 8);
	assert_non_null(err); /* no backend between commands */
	gl_error_destroy(err);
	struct gl_backend copy = fake_backend_copy(f->ft);
	gl_mem_begin(&f->m, &copy);
	read_ok(f, 0x140000, 16);
	assert_int_equal(fake_read_calls(f->ft), 1);
}

static void test_no_backend(void **state)
{
	(void)state;
	struct gl_mem m;
	gl_mem_init(&m);
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(&m, 0x1000, b, 8);
	assert_non_null(err);
	assert_int_equal(err->code, GL_ERR_NOPROCESS);
	gl_error_destroy(err);
	gl_mem_deinit(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_read_is_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_page_run_is_one_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_missing_pages_are_fetched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapped_page_fault_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hole_between_mapped_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_at_start_is_the_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_page_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_page_mapping_starting_mid_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stop_change_flushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reused_pages_hold_the_new_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_id_zero_flushes_every_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_stop_id_callback_flushes_every_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zero_length_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrapping_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_in_unmapped_top_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_in_mapped_top_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_pages_stay_correct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u64_and_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_read_is_one_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untold_backend_is_bisected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version1_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_drops_the_backend, setup, teardown),
		cmocka_unit_test(test_no_backend),
	};
	return cmocka_run_group_tests_name("mem", tests, NULL, NULL);
}
