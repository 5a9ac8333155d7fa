/* The goroutine list (core/goroutines.c gl_goroutines_read, `golayout
 * goroutines`) and the pclntab stack unwinder (gl_unwind, `golayout stack`)
 * end to end through gl_session_run, on goroutines built by hand in the
 * fake backend.
 *
 * The Go program is the structs test binary (build/tests/testdata/structs:
 * the structs fixture as tests/unit/build-testdata.sh builds it; the tests
 * fail when it is missing). It
 * gives everything that must be real:
 *   - the layout of runtime.g (stack.lo/hi, sched.sp/pc, atomicstatus,
 *     goid, waitreason, m, syscallsp/pc) read from its DWARF through the
 *     core's own API (gl_dwarf_find_type, gl_type_field), never hard-coded;
 *   - the status values (runtime._Gwaiting, runtime._Gscan, ...) and wait
 *     reasons, from its DWARF constants;
 *   - the address of runtime.allgs, from its DWARF;
 *   - function entries (main.main, runtime.goexit) from its ELF symbol
 *     table, and frame sizes and call sites from its pclntab and text, so
 *     the fake stacks hold return addresses a real goroutine would have.
 * Everything else (the allgs slice, the array of *g, the g structs, the
 * stacks) is fake memory.
 *
 * Every command runs in a forked child with a time limit (and, outside
 * ASan, an address-space limit): a corrupt goroutine must give a bounded
 * answer, never a hang, a crash or a huge allocation. */
#include <elf.h>
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

#include "target/dwarfinfo.h"
#include "child_run.h"
#include "fake_target.h"
#include "scene_goroutines.h"
#include "runtime/goroutines.h"
#include "runtime/unwind.h"
#include "target/target.h"

#define TIME_LIMIT_MS 20000 /* the hard limit per command: sanitizer builds are slow */
#define QUICK_MS 5000       /* what "quick" means for a corrupt stack, either build */

struct fx {
	struct g_scene g;
	uint64_t stop_id;
	struct child_result r;
};

static struct gl_session *S; /* one session: its target is loaded once, in the parent */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->g.bin = g_bin_get();
	f->g.ft = fake_new();
	f->stop_id = 100;
	if (f->g.bin)
		fake_set_exe(f->g.ft, f->g.bin->path);
	/* a selected frame on no goroutine's stack, unless a test says otherwise */
	fake_set_reg(f->g.ft, "rsp", 0x7ff000000000ull);
	fake_set_reg(f->g.ft, "rip", 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	child_result_free(&f->r);
	fake_free(f->g.ft);
	free(f);
	return 0;
}

/* Missing test data is an error, not a skip: it would hide every check. */
#define NEED(f)                                                  \
	do {                                                     \
		if (!(f)->g.bin) {                               \
			fail_msg("%s", G_BIN.why); \
		}                                                \
	} while (0)

/* ---- running one command in a child -------------------------------------------- */

/* Run "golayout <args>" in a time-limited child; the result goes to f->r.
 * Fails the test when the child hangs, crashes or leaks, or when --json
 * gives anything but one JSON object. */
static void run(struct fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run(struct fx *f, const char *fmt, ...)
{
	char args[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	/* whole pages, as a live process has them (idempotent) */
	fake_fill_pages(f->g.ft);
	/* memory changed since the last command: a new stop */
	fake_set_stop_id(f->g.ft, ++f->stop_id);
	/* no corrupt count may make the core allocate gigabytes: 1 GiB more
	 * than the process has */
	child_run_cmd(S, f->g.ft, args, TIME_LIMIT_MS, 1ull << 30, &f->r);
}

/* ---- checks ------------------------------------------------------------------- */

static char dumpbuf[4][2048];
static int dumpi;

/* Compact JSON text, for messages (a few live at once). */
static const char *dump(json_t *j)
{
	char *b = dumpbuf[dumpi++ % 4];
	char *t = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(b, sizeof(dumpbuf[0]), "%s", t ? t : "(null)");
	free(t);
	return b;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static uint64_t jaddr(json_t *o, const char *key)
{
	const char *s = jstr(o, key);
	if (!s || strncmp(s, "0x", 2))
		fail_msg("no address \"%s\" in %.600s", key, dump(o));
	return fake_parse_addr(s);
}

static long long jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\" in %.600s", key, dump(o));
	return (long long)json_integer_value(v);
}

static void assert_ok(struct fx *f)
{
	if (f->r.status != 0)
		fail_msg("golayout %s failed: %s", f->r.args, f->r.doc ? jstr(f->r.doc, "error") : f->r.err);
	if (f->r.doc && json_object_get(f->r.doc, "error"))
		fail_msg("golayout %s: success, but the document has an error: %s", f->r.args,
			 jstr(f->r.doc, "error"));
}

/* One line of error (the document's "error" with --json, else the error
 * line) containing want and want2 (either may be NULL). */
static void assert_error_line(struct fx *f, const char *e, const char *want, const char *want2)
{
	const char *a = f->r.args;
	if (!e)
		fail_msg("golayout %s: no error message: %.600s", a, f->r.out ? f->r.out : "");
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

static void assert_error_has(struct fx *f, const char *want, const char *want2)
{
	if (f->r.status == 0)
		fail_msg("golayout %s succeeded, want an error containing \"%s\"; output: %.600s",
			 f->r.args, want, f->r.out ? f->r.out : "");
	assert_error_line(f, f->r.doc ? jstr(f->r.doc, "error") : f->r.err, want, want2);
}

static void assert_quick(struct fx *f)
{
	if (f->r.cpu_ms > QUICK_MS)
		fail_msg("golayout %s took %.0f ms of CPU (more than %d; %.0f ms wall)", f->r.args,
			 f->r.cpu_ms, QUICK_MS, f->r.ms);
}

static json_t *frames(struct fx *f)
{
	json_t *a = json_object_get(f->r.doc, "frames");
	if (!json_is_array(a) || json_array_size(a) == 0)
		fail_msg("golayout %s: no frames in %.800s", f->r.args, f->r.out);
	return a;
}

static json_t *frame(struct fx *f, size_t i)
{
	json_t *a = frames(f);
	if (i >= json_array_size(a))
		fail_msg("golayout %s: no frame %zu in %.800s", f->r.args, i, f->r.out);
	return json_array_get(a, i);
}

static json_t *last_frame(struct fx *f)
{
	json_t *a = frames(f);
	return json_array_get(a, json_array_size(a) - 1);
}

static void assert_func(json_t *fr, const char *want)
{
	const char *fn = jstr(fr, "func");
	if (!fn || strcmp(fn, want))
		fail_msg("frame is in %s, want %s: %.600s", fn ? fn : "(none)", want, dump(fr));
}

static void assert_note_has(json_t *fr, const char *want)
{
	const char *n = jstr(fr, "note");
	if (!n || !strstr(n, want))
		fail_msg("frame note \"%s\" does not contain \"%s\": %.600s", n ? n : "(none)", want,
			 dump(fr));
}

/* Physical frames (not inlined calls) are contiguous: each one's sp is the
 * previous one's cfa, and sps grow. Returns how many there are. */
static size_t assert_contiguous(struct fx *f)
{
	json_t *a = frames(f);
	json_t *prev = NULL;
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *fr = json_array_get(a, i);
		if (json_is_true(json_object_get(fr, "inlined")))
			continue;
		n++;
		if (prev) {
			if (!json_object_get(prev, "cfa"))
				fail_msg("frame before %zu has no cfa but unwinding went on: %.300s", i,
					 dump(prev));
			uint64_t cfa = jaddr(prev, "cfa"), sp = jaddr(fr, "sp");
			if (sp != cfa)
				fail_msg("frame %zu: sp 0x%" PRIx64 " is not the cfa 0x%" PRIx64
					 " of the frame below it", i, sp, cfa);
			if (sp <= jaddr(prev, "sp"))
				fail_msg("frame %zu: sp does not grow", i);
		}
		prev = fr;
	}
	return n;
}

/* The entry of goroutines --json for goid, or NULL. */
static json_t *listed(struct fx *f, uint64_t goid)
{
	json_t *a = json_object_get(f->r.doc, "goroutines");
	if (!json_is_array(a))
		fail_msg("golayout %s: no goroutines array in %.800s", f->r.args, f->r.out);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *g = json_array_get(a, i);
		if (json_is_integer(json_object_get(g, "goid")) &&
		    (uint64_t)json_integer_value(json_object_get(g, "goid")) == goid)
			return g;
	}
	return NULL;
}

static json_t *must_list(struct fx *f, uint64_t goid)
{
	json_t *g = listed(f, goid);
	if (!g)
		fail_msg("golayout %s: goroutine %" PRIu64 " not listed: %.800s", f->r.args, goid,
			 f->r.out);
	return g;
}

static const char *hex(uint64_t v)
{
	static char b[4][32];
	static int i;
	char *p = b[i++ % 4];
	snprintf(p, sizeof(b[0]), "0x%" PRIx64, v);
	return p;
}

/* Byte counts of a goroutines --json entry are never negative. */
/* g's stack_size and stack_used: absent (want < 0) or exactly want. The
 * JSON must not hold a size it cannot represent (a negative or wrapped
 * difference of a corrupt g's bounds). */
static void assert_sizes(json_t *g, long long want_size, long long want_used)
{
	const char *keys[] = {"stack_size", "stack_used"};
	long long want[] = {want_size, want_used};
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(g, keys[i]);
		if (want[i] < 0 ? v != NULL : !json_is_integer(v) || json_integer_value(v) != want[i])
			fail_msg("%s: want %s%lld: %s", keys[i], want[i] < 0 ? "none, not " : "",
				 want[i], dump(g));
	}
}

/* ---- parked goroutines: the unwinder on good stacks ----------------------------- */

static void test_parked_at_entry(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 7);
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 7 --json");
	assert_ok(f);
	assert_int_equal(jint(f->r.doc, "goid"), 7);
	assert_string_equal(jstr(f->r.doc, "status"), "waiting");
	assert_string_equal(jstr(f->r.doc, "wait_reason"), "chan receive");
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "saved scheduling state (g.sched)");
	assert_int_equal(jaddr(f->r.doc, "stack_lo"), s.lo);
	assert_int_equal(jaddr(f->r.doc, "stack_hi"), s.hi);
	assert_int_equal(assert_contiguous(f), 2);
	json_t *f0 = frame(f, 0), *f1 = frame(f, 1);
	assert_func(f0, "main.main");
	assert_int_equal(jaddr(f0, "pc"), G_BIN.main_entry);
	assert_int_equal(jaddr(f0, "sp"), s.sp);
	assert_int_equal(jint(f0, "size"), 0);
	assert_int_equal(jaddr(f0, "ret_addr_slot"), s.sp);
	assert_null(json_object_get(f0, "note"));
	assert_func(f1, "runtime.goexit");
	assert_int_equal(jaddr(f1, "pc"), G_BIN.goexit_entry + 1);
	assert_note_has(f1, "bottom");
	assert_null(json_object_get(f->r.doc, "truncated"));
	/* unused: lo up to the innermost frame */
	json_t *u = json_object_get(f->r.doc, "unused");
	assert_int_equal(jaddr(u, "from"), s.lo);
	assert_int_equal(jaddr(u, "to"), s.sp);
	assert_int_equal(jint(u, "bytes"), s.sp - s.lo);

	/* the list agrees */
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *g = must_list(f, 7);
	assert_string_equal(jstr(g, "status"), "waiting");
	assert_int_equal(jint(g, "status_value"), G_BIN.g_waiting);
	assert_string_equal(jstr(g, "wait_reason"), "chan receive");
	assert_string_equal(jstr(g, "func"), "main.main");
	assert_string_equal(jstr(g, "user_func"), "main.main");
	assert_int_equal(jint(g, "stack_size"), STACK_SIZE);
	assert_int_equal(jint(g, "stack_used"), s.hi - s.sp);
	assert_false(json_is_true(json_object_get(g, "current")));
	assert_null(json_object_get(g, "scan"));
	assert_int_equal(jint(f->r.doc, "total"), 1);

	/* and the text rendering names both frames, outermost first */
	run(f, "stack 7");
	assert_ok(f);
	const char *gx = strstr(f->r.out, "runtime.goexit"), *mm = strstr(f->r.out, "main.main");
	if (!gx || !mm || gx > mm)
		fail_msg("stack 7: want runtime.goexit above main.main: %s", f->r.out);
}

/* Three frames: a callee of main.main in its body, main.main at the call's
 * return address (found in main.main's code), runtime.goexit. */
static void test_parked_three_frames(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = three_frames(&f->g, 42);
	uint64_t sp0 = s.sp, sp1 = sp0 + 8 + (uint64_t)G_BIN.callee_size;
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 42 --json");
	assert_ok(f);
	assert_int_equal(assert_contiguous(f), 3);
	json_t *a = frames(f);
	size_t n = json_array_size(a);
	json_t *f0 = frame(f, 0), *fm = json_array_get(a, n - 2), *fg = json_array_get(a, n - 1);
	assert_func(f0, G_BIN.callee_name);
	assert_int_equal(jaddr(f0, "sp"), sp0);
	assert_int_equal(jint(f0, "size"), G_BIN.callee_size);
	assert_int_equal(jaddr(f0, "cfa"), sp1);
	assert_int_equal(jaddr(f0, "ret_addr_slot"), sp1 - 8);
	if (G_BIN.callee_size >= 8)
		assert_int_equal(jaddr(f0, "fp_slot"), sp1 - 16);
	assert_func(fm, "main.main");
	assert_int_equal(jaddr(fm, "pc"), G_BIN.call_ret);
	assert_int_equal(jint(fm, "size"), G_BIN.call_ret_size);
	const char *file = jstr(fm, "file");
	if (!file || !strstr(file, "structs/main.go") || jint(fm, "line") <= 0)
		fail_msg("main.main frame: want a line of structs/main.go: %s", dump(fm));
	assert_func(fg, "runtime.goexit");
	assert_note_has(fg, "bottom");
	assert_null(json_object_get(f->r.doc, "truncated"));
	for (size_t i = 0; i + 1 < n; i++) {
		json_t *fr = json_array_get(a, i);
		if (!json_is_true(json_object_get(fr, "inlined")) && json_object_get(fr, "note"))
			fail_msg("frame %zu has a note but unwinding went on: %s", i, dump(fr));
	}

	/* goroutines: the function it is in is the callee */
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *g = must_list(f, 42);
	assert_string_equal(jstr(g, "func"), G_BIN.callee_name);
}

/* A goroutine in a system call unwinds from syscallsp/syscallpc, not from
 * its (stale) sched. */
static void test_syscall_state(void **state)
{
	struct fx *f = *state;
	NEED(f);
	if (!G_BIN.L.has_syscall)
		fail_msg("runtime.g has no syscallsp/syscallpc in %s", G_BIN.path);
	struct gspec s = parked(&f->g, 9);
	s.status = G_BIN.g_syscall;
	s.syscallsp = s.sp;
	s.syscallpc = s.pc;
	s.sp = 0x1234;       /* stale */
	s.pc = 0xdeadbeef;
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 9 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "status"), "syscall");
	assert_int_equal(assert_contiguous(f), 2);
	assert_func(frame(f, 0), "main.main");
	assert_int_equal(jaddr(frame(f, 0), "sp"), s.syscallsp);
	assert_note_has(frame(f, 1), "bottom");
}

/* ---- goroutines on a thread: its registers, its system stack --------------------- */

#define A_M 0x22000000ull      /* a runtime.m */
#define A_G0 0x22100000ull     /* its g0 */
#define A_G0STACK 0x38000000ull /* g0's stack */
#define G0_STACK_SIZE 0x4000ull

/* A goroutine in a system call whose M's thread the debugger can read
 * (thread_register): unwound from that thread's registers, deeper than
 * the call the runtime saved (g.syscallsp/pc); from the saved state while
 * the debugger cannot tell the thread's registers. */
static void test_syscall_thread(void **state)
{
	struct fx *f = *state;
	NEED(f);
	if (!G_BIN.L.has_syscall)
		fail_msg("runtime.g has no syscallsp/syscallpc in %s", G_BIN.path);
	struct gspec s = three_frames(&f->g, 9);
	uint64_t thread_sp = s.sp, thread_pc = s.pc;
	s.status = G_BIN.g_syscall;
	/* the runtime's syscall state: main.main at its call of the callee */
	s.syscallsp = thread_sp + 8 + (uint64_t)G_BIN.callee_size;
	s.syscallpc = G_BIN.call_ret;
	s.sp = 0x1234; /* stale */
	s.pc = 0xdeadbeef;
	s.m = A_M;
	uint64_t g = add_g(&f->g, &s);
	map_m(&f->g, A_M, 77, g, A_G0, A_G0STACK, A_G0STACK + G0_STACK_SIZE);
	commit(&f->g);

	run(f, "stack 9 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "saved scheduling state (g.sched)");
	assert_int_equal(assert_contiguous(f), 2);
	assert_func(frame(f, 0), "main.main");

	fake_set_thread_reg(f->g.ft, 78, "rip", thread_pc); /* another thread: not its */
	fake_set_thread_reg(f->g.ft, 78, "rsp", thread_sp);
	run(f, "stack 9 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "saved scheduling state (g.sched)");

	fake_set_thread_reg(f->g.ft, 77, "rip", thread_pc);
	fake_set_thread_reg(f->g.ft, 77, "rsp", thread_sp);
	run(f, "stack 9 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "registers of its thread");
	assert_int_equal(jint(f->r.doc, "thread"), 77);
	assert_int_equal(assert_contiguous(f), 3);
	assert_func(frame(f, 0), G_BIN.callee_name);
	assert_int_equal(jaddr(frame(f, 0), "sp"), thread_sp);
	assert_int_equal(jaddr(frame(f, 0), "pc"), thread_pc);
	assert_func(frame(f, 1), "main.main");
	assert_int_equal(jaddr(frame(f, 1), "sp"), s.syscallsp);
	assert_note_has(frame(f, 2), "bottom");
	assert_null(json_object_get(frame(f, 0), "stack")); /* on its own stack */
	assert_null(json_object_get(f->r.doc, "system_stack"));

	/* the list agrees: where the thread is */
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *e = must_list(f, 9);
	assert_string_equal(jstr(e, "func"), G_BIN.callee_name);
	assert_int_equal(jaddr(e, "sp"), thread_sp);

	/* an M that runs another goroutine: its thread is not this one's */
	fake_poke_u64(f->g.ft, A_M + G_BIN.L.m_curg, g + 0x1000);
	run(f, "stack 9 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "saved scheduling state (g.sched)");
}

/* A running goroutine whose thread is on its M's system stack (g0), in
 * runtime.systemstack: g0's frames from the thread's registers, then the
 * goroutine's own from g.sched, where systemstack saved it; found as the
 * current goroutine when the debugger's selected thread is that one. */
static void test_system_stack(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 5); /* g.sched: main.main's entry, goexit above */
	s.status = G_BIN.g_running;
	s.waitreason = -1;
	s.m = A_M;
	uint64_t g = add_g(&f->g, &s);
	uint64_t lo = A_G0STACK, hi = lo + G0_STACK_SIZE, sp0 = hi - 0x100;
	fake_map(f->g.ft, lo, NULL, G0_STACK_SIZE);
	map_m(&f->g, A_M, 78, g, A_G0, lo, hi);
	commit(&f->g);
	fake_set_thread_reg(f->g.ft, 78, "rip", G_BIN.systemstack_entry);
	fake_set_thread_reg(f->g.ft, 78, "rsp", sp0);

	run(f, "stack 5 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "registers of its thread");
	json_t *a = frames(f);
	if (json_array_size(a) != 3)
		fail_msg("want runtime.systemstack on g0, main.main and runtime.goexit: %s", dump(a));
	assert_func(frame(f, 0), "runtime.systemstack");
	assert_string_equal(jstr(frame(f, 0), "stack"), "g0");
	assert_int_equal(jaddr(frame(f, 0), "sp"), sp0);
	assert_func(frame(f, 1), "main.main");
	assert_null(json_object_get(frame(f, 1), "stack"));
	assert_int_equal(jaddr(frame(f, 1), "sp"), s.sp);
	assert_note_has(frame(f, 2), "bottom");
	json_t *sys = json_object_get(f->r.doc, "system_stack");
	assert_string_equal(jstr(sys, "stack"), "g0");
	assert_int_equal(jaddr(sys, "lo"), lo);
	assert_int_equal(jaddr(sys, "hi"), hi);
	json_t *u = json_object_get(f->r.doc, "unused");
	assert_int_equal(jaddr(u, "to"), s.sp); /* its own stack's innermost frame */

	/* the text: the goroutine's stack, then the system stack under a heading */
	run(f, "stack 5");
	assert_ok(f);
	const char *mm = strstr(f->r.out, "main.main"), *hd = strstr(f->r.out, "--- system stack (g0)"),
		   *ss = strstr(f->r.out, "runtime.systemstack ");
	if (!mm || !hd || !ss || !(mm < hd && hd < ss))
		fail_msg("want main.main, then the system stack heading, then runtime.systemstack: %s",
			 f->r.out);

	/* g.sched not on its stack: the system stack's frames alone */
	fake_poke_u64(f->g.ft, g + G_BIN.L.sched_sp, 0x1234);
	run(f, "stack 5 --json");
	assert_ok(f);
	assert_int_equal(json_array_size(frames(f)), 1);
	assert_note_has(frame(f, 0), "switches to the system stack");
	fake_poke_u64(f->g.ft, g + G_BIN.L.sched_sp, s.sp);

	/* the debugger's selected thread is that one */
	fake_set_reg(f->g.ft, "rsp", sp0);
	fake_set_reg(f->g.ft, "rip", G_BIN.systemstack_entry);
	fake_set_frame_level(f->g.ft, 0);
	run(f, "stack --json");
	assert_ok(f);
	assert_int_equal(jint(f->r.doc, "goid"), 5);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "selected frame");
	assert_true(json_is_true(json_object_get(frame(f, 0), "selected")));
	assert_string_equal(jstr(frame(f, 0), "stack"), "g0");
	assert_func(frame(f, 1), "main.main");
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *e = must_list(f, 5);
	assert_true(json_is_true(json_object_get(e, "current")));
	assert_string_equal(jstr(e, "func"), "runtime.systemstack");
	assert_int_equal(jaddr(e, "sp"), s.sp); /* on its own stack */

	/* the system stack of a thread running no goroutine: none is current */
	fake_poke_u64(f->g.ft, A_M + G_BIN.L.m_curg, 0);
	run(f, "stack --json");
	assert_error_has(f, "no goroutine stack", "give a GOID");
}

/* A goroutine that faulted at main.main's first instruction: the signal
 * handler made that instruction the "return address" of a call of
 * runtime.sigpanic. main.main's frame is at that very pc, not at pc-1
 * (which is in the function before it). */
static void test_sigpanic(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 6); /* main.main at its entry, goexit above */
	uint64_t main_sp = s.sp;
	s.sp = main_sp - 8 - (uint64_t)G_BIN.sigpanic_size;
	s.pc = G_BIN.sigpanic_pc;
	fake_poke_u64(f->g.ft, main_sp - 8, G_BIN.main_entry);
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 6 --json");
	assert_ok(f);
	assert_int_equal(assert_contiguous(f), 3);
	assert_func(frame(f, 0), "runtime.sigpanic");
	assert_func(frame(f, 1), "main.main");
	assert_int_equal(jaddr(frame(f, 1), "pc"), G_BIN.main_entry);
	assert_int_equal(jaddr(frame(f, 1), "sp"), main_sp);
	assert_int_equal(jint(frame(f, 1), "size"), 0); /* the entry's frame size */
	assert_note_has(frame(f, 2), "bottom");
}

/* ---- corrupt scheduling state --------------------------------------------------- */

/* sched.pc in no function: one frame that says unwinding stopped. */
static void garbage_pc(struct fx *f, uint64_t pc)
{
	fake_unmap_all(f->g.ft);
	f->g.n = 0;
	struct gspec s = parked(&f->g, 11);
	s.pc = pc;
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 11 --json");
	assert_ok(f);
	assert_quick(f);
	json_t *a = frames(f);
	if (json_array_size(a) != 1)
		fail_msg("pc %s: want one frame, got %s", hex(pc), dump(a));
	json_t *f0 = frame(f, 0);
	assert_func(f0, "?");
	assert_int_equal(jaddr(f0, "pc"), pc);
	assert_int_equal(jaddr(f0, "sp"), s.sp);
	assert_note_has(f0, "unwinding stops");
	assert_note_has(f0, hex(pc));
	assert_null(json_object_get(f0, "cfa"));
	const char *t = jstr(f->r.doc, "truncated");
	if (!t || !strstr(t, "unwinding stops"))
		fail_msg("pc %s: the document does not say the stack is truncated: %s", hex(pc),
			 dump(f->r.doc));
	/* the list shows it, in no function */
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *g = must_list(f, 11);
	const char *fn = jstr(g, "func"); /* "?" or null: in no function */
	if (fn && strcmp(fn, "?"))
		fail_msg("pc %s: goroutine listed in function %s", hex(pc), fn);
	assert_true(json_is_null(json_object_get(g, "user_func")));
	assert_int_equal(jaddr(g, "pc"), pc);
	/* and the text rendering */
	run(f, "stack 11");
	assert_ok(f);
	if (!strstr(f->r.out, "unwinding stops"))
		fail_msg("stack 11 (pc %s): the text does not say unwinding stopped: %s", hex(pc),
			 f->r.out);
}

static void test_garbage_pc(void **state)
{
	struct fx *f = *state;
	NEED(f);
	const struct gl_elf_section *text = gl_elf_section(&G_BIN.t->elf, ".text");
	assert_non_null(text);
	const uint64_t pcs[] = {0, 0xdeadbeef, 1, text->addr - 1, G_BIN.rodata, UINT64_MAX,
				0x8000000000000000ull};
	for (size_t i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++)
		garbage_pc(f, pcs[i]);
}

/* A return address in no function: the caller's frame says so. */
static void test_garbage_return_address(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 12);
	fake_poke_u64(f->g.ft, s.sp, 0xdeadbeef);
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 12 --json");
	assert_ok(f);
	assert_quick(f);
	assert_int_equal(json_array_size(frames(f)), 2);
	assert_func(frame(f, 0), "main.main");
	assert_func(frame(f, 1), "?");
	assert_int_equal(jaddr(frame(f, 1), "pc"), 0xdeadbeef);
	assert_note_has(frame(f, 1), "in no Go function");
	assert_non_null(json_object_get(f->r.doc, "truncated"));
}

/* A return address of 0: the end of the stack, said so. */
static void test_zero_return_address(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 13);
	fake_poke_u64(f->g.ft, s.sp, 0);
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 13 --json");
	assert_ok(f);
	assert_int_equal(json_array_size(frames(f)), 1);
	assert_func(frame(f, 0), "main.main");
	assert_note_has(frame(f, 0), "return address 0");
}

/* sched.sp outside [stack.lo, stack.hi): the frame is marked, unwinding
 * stops there. */
static void test_sp_outside_stack(void **state)
{
	struct fx *f = *state;
	NEED(f);
	uint64_t lo = map_stack(&f->g, 0, STACK_SIZE), hi = lo + STACK_SIZE;
	/* a mapped word just above hi, so reading it would "work" */
	fake_map(f->g.ft, hi, NULL, 0x1000);
	fake_poke_u64(f->g.ft, hi, G_BIN.goexit_entry + 1);
	const uint64_t sps[] = {hi, hi + 8, lo - 8, 0, UINT64_MAX - 7, 0xdead0008};
	for (size_t i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
		struct gspec s = {.goid = 20 + i, .status = G_BIN.g_waiting, .lo = lo, .hi = hi,
				  .sp = sps[i], .pc = G_BIN.main_entry, .waitreason = -1};
		if (i == 0) {
			add_g(&f->g, &s);
			commit(&f->g);
		} else {
			fake_poke_u64(f->g.ft, A_G + G_BIN.L.goid, s.goid);
			fake_poke_u64(f->g.ft, A_G + G_BIN.L.sched_sp, s.sp);
		}
		run(f, "stack %zu --json", (size_t)(20 + i));
		assert_ok(f);
		assert_quick(f);
		json_t *a = frames(f);
		if (json_array_size(a) != 1)
			fail_msg("sp %s outside [%s, %s): want one frame, got %s", hex(sps[i]), hex(lo),
				 hex(hi), dump(a));
		assert_func(frame(f, 0), "main.main");
		assert_int_equal(jaddr(frame(f, 0), "sp"), sps[i]);
		assert_note_has(frame(f, 0), "outside the stack");
		assert_note_has(frame(f, 0), hex(sps[i]));
		assert_non_null(json_object_get(f->r.doc, "truncated"));
		run(f, "goroutines --json");
		assert_ok(f);
		json_t *g = must_list(f, s.goid);
		/* no "stack used" for an SP that is not on the stack */
		if (sps[i] > hi || sps[i] < lo)
			assert_null(json_object_get(g, "stack_used"));
	}
}

/* The return addresses loop: every slot of the stack holds main.main's
 * entry + 1, so every caller is main.main at frame size 0, 8 bytes up:
 * the unwinder must stop by GL_MAX_FRAMES or at the top of the stack. */
static void test_return_address_loop(void **state)
{
	struct fx *f = *state;
	NEED(f);
	uint64_t lo = map_stack(&f->g, 0, STACK_SIZE), hi = lo + STACK_SIZE;
	for (uint64_t a = lo; a < hi; a += 8)
		fake_poke_u64(f->g.ft, a, G_BIN.main_entry + 1);
	struct gspec s = {.goid = 30, .status = G_BIN.g_waiting, .lo = lo, .hi = hi, .sp = lo + 0x100,
			  .pc = G_BIN.main_entry, .waitreason = -1};
	add_g(&f->g, &s);
	/* and one whose frames are large: main.main at a pc with a frame */
	uint64_t lo2 = map_stack(&f->g, 1, STACK_SIZE), hi2 = lo2 + STACK_SIZE;
	for (uint64_t a = lo2; a < hi2; a += 8)
		fake_poke_u64(f->g.ft, a, G_BIN.main_body_pc + 1);
	struct gspec s2 = {.goid = 31, .status = G_BIN.g_waiting, .lo = lo2, .hi = hi2, .sp = lo2 + 0x100,
			   .pc = G_BIN.main_body_pc, .waitreason = -1};
	add_g(&f->g, &s2);
	commit(&f->g);

	run(f, "stack 30 --json");
	assert_ok(f);
	assert_quick(f);
	size_t n = json_array_size(frames(f));
	if (n > GL_MAX_FRAMES || n < 2)
		fail_msg("stack 30: %zu frames, want 2..%d", n, GL_MAX_FRAMES);
	assert_contiguous(f);
	for (size_t i = 0; i < n; i++)
		assert_func(frame(f, i), "main.main");
	uint64_t top = jaddr(last_frame(f), "sp");
	assert_true(top <= hi);

	run(f, "stack 31 --json");
	assert_ok(f);
	assert_quick(f);
	n = json_array_size(frames(f));
	/* each frame is main_body_size + 8 bytes: the stack ends it early */
	size_t most = (size_t)((hi2 - s2.sp) / (uint64_t)(G_BIN.main_body_size + 8)) + 1;
	if (n < 2 || n > most)
		fail_msg("stack 31: %zu frames, want 2..%zu", n, most);
	assert_contiguous(f);
	/* the last frame says why it is the last (the next would leave the
	 * stack), and so does the document */
	if (!jstr(last_frame(f), "note"))
		fail_msg("stack 31: the last frame has no note: %s", dump(last_frame(f)));
	assert_non_null(json_object_get(f->r.doc, "truncated"));

	/* the list unwinds both too, in bounded time */
	run(f, "goroutines --json");
	assert_ok(f);
	assert_quick(f);
	assert_string_equal(jstr(must_list(f, 30), "func"), "main.main");
	assert_string_equal(jstr(must_list(f, 31), "func"), "main.main");
}

/* When the unwinder gives up at GL_MAX_FRAMES, the stack is not complete:
 * the document must say so, as it does for every other early stop. */
static void test_frame_limit_reported(void **state)
{
	struct fx *f = *state;
	NEED(f);
	/* a stack with room for more frames of 8 bytes than the limit */
	const uint64_t size = ((GL_MAX_FRAMES + 64) * 8ull + 0xfff) & ~0xfffull;
	uint64_t lo = map_stack(&f->g, 0, size), hi = lo + size;
	for (uint64_t a = lo; a < hi; a += 8)
		fake_poke_u64(f->g.ft, a, G_BIN.main_entry + 1);
	struct gspec s = {.goid = 32, .status = G_BIN.g_waiting, .lo = lo, .hi = hi, .sp = lo,
			  .pc = G_BIN.main_entry, .waitreason = -1};
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 32 --json");
	assert_ok(f);
	size_t n = json_array_size(frames(f));
	assert_int_equal(n, GL_MAX_FRAMES);
	/* GL_MAX_FRAMES frames of 8 bytes end below hi: this is not the bottom */
	assert_true(jaddr(last_frame(f), "sp") + 8 < hi);
	if (!json_object_get(last_frame(f), "note") || !json_object_get(f->r.doc, "truncated"))
		fail_msg("stack 32: unwinding stopped at the frame limit (%d frames, last sp %s, "
			 "stack hi %s) but neither the last frame nor the document says the stack "
			 "is truncated (last frame: %s, note %s)",
			 GL_MAX_FRAMES, jstr(last_frame(f), "sp"), hex(hi), jstr(last_frame(f), "func"),
			 jstr(last_frame(f), "note") ? jstr(last_frame(f), "note") : "none");
}

/* ---- corrupt stack bounds ------------------------------------------------------- */

static void test_stack_hi_below_lo(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec s = parked(&f->g, 40);
	uint64_t lo = s.lo, hi = s.hi;
	s.lo = hi;
	s.hi = lo; /* swapped: hi < lo, sp between them */
	add_g(&f->g, &s);
	commit(&f->g);
	run(f, "stack 40 --json");
	assert_ok(f);
	assert_quick(f);
	assert_int_equal(json_array_size(frames(f)), 1);
	assert_func(frame(f, 0), "main.main");
	assert_note_has(frame(f, 0), "outside the stack");
	/* the unused part runs from stack_lo to the lowest frame's sp; here sp
	 * is below lo, so it is empty (0 bytes, not a wrapped difference) */
	json_t *u = json_object_get(f->r.doc, "unused");
	assert_non_null(u);
	assert_int_equal(jaddr(u, "from"), hi);
	assert_int_equal(jaddr(u, "to"), jaddr(frame(f, 0), "sp"));
	assert_true(jaddr(u, "to") < hi);
	assert_int_equal(jint(u, "bytes"), 0);
	/* the text gives no size, not hi - lo wrapped (18446744073709518848) */
	run(f, "stack 40");
	assert_ok(f);
	if (!strstr(f->r.out, "corrupt g") || strstr(f->r.out, "1844674407"))
		fail_msg("stack 40, hi < lo: %s", f->r.out);
	run(f, "goroutines --json");
	assert_ok(f);
	json_t *g = must_list(f, 40);
	assert_null(json_object_get(g, "stack_used"));
	/* nor does the goroutine list: "?/?", not "0/0" */
	run(f, "goroutines");
	assert_ok(f);
	const char *row = strstr(f->r.out, "\n     40  ");
	if (!row || !strstr(row, "?/?"))
		fail_msg("goroutines, hi < lo: %s", f->r.out);
}

/* The whole address space as a stack: bounded by the frame limit, and an
 * SP at the very top whose CFA wraps to 0 stops at once. */
static void test_huge_stack_range(void **state)
{
	struct fx *f = *state;
	NEED(f);
	/* main.main frames 8 bytes apart over 64 KiB of mapped stack */
	uint64_t base = map_stack(&f->g, 0, 0x10000);
	for (uint64_t a = base; a < base + 0x10000; a += 8)
		fake_poke_u64(f->g.ft, a, G_BIN.main_entry + 1);
	struct gspec s = {.goid = 50, .status = G_BIN.g_waiting, .lo = 0, .hi = UINT64_MAX,
			  .sp = base, .pc = G_BIN.main_entry, .waitreason = -1};
	add_g(&f->g, &s);
	/* a stack at the top of the address space: sp + 8 wraps to 0 */
	uint64_t top = 0xfffffffffffff000ull;
	fake_map(f->g.ft, top, NULL, 0x1000);
	fake_poke_u64(f->g.ft, UINT64_MAX - 7, G_BIN.main_entry + 1);
	struct gspec s2 = {.goid = 51, .status = G_BIN.g_waiting, .lo = 0, .hi = UINT64_MAX,
			   .sp = UINT64_MAX - 7, .pc = G_BIN.main_entry, .waitreason = -1};
	add_g(&f->g, &s2);
	/* lo 0, hi 2^63, sp in zeros: return address 0 */
	uint64_t z = map_stack(&f->g, 2, 0x1000);
	struct gspec s3 = {.goid = 52, .status = G_BIN.g_waiting, .lo = 0, .hi = 1ull << 63,
			   .sp = z + 0x800, .pc = G_BIN.main_entry, .waitreason = -1};
	add_g(&f->g, &s3);
	commit(&f->g);
	/* no selected frame: any SP would be on these stacks */
	fake_clear_regs(f->g.ft);

	run(f, "stack 50 --json");
	assert_ok(f);
	assert_quick(f);
	size_t n = json_array_size(frames(f));
	if (n > GL_MAX_FRAMES)
		fail_msg("stack 50: %zu frames, more than GL_MAX_FRAMES", n);
	assert_contiguous(f);

	run(f, "stack 51 --json");
	assert_ok(f);
	assert_quick(f);
	assert_int_equal(json_array_size(frames(f)), 1);
	assert_note_has(frame(f, 0), "unwinding stops");

	run(f, "stack 52 --json");
	assert_ok(f);
	assert_int_equal(json_array_size(frames(f)), 1);
	assert_note_has(frame(f, 0), "return address 0");

	run(f, "goroutines --json");
	assert_ok(f);
	assert_quick(f);
	for (uint64_t id = 50; id <= 52; id++)
		assert_false(json_is_true(json_object_get(must_list(f, id), "current")));
	assert_int_equal(jaddr(must_list(f, 51), "sp"), UINT64_MAX - 7);
	assert_int_equal(jint(must_list(f, 51), "stack_used"), 7);
	run(f, "goroutines");
	assert_ok(f);
}

/* stack_size and stack_used are byte counts: a corrupt g (hi < lo, or a
 * range of 2^63 bytes or more) must not make them negative numbers. */
static void test_stack_sizes_not_negative(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 60);
	uint64_t lo = a.lo;
	a.lo = a.hi;
	a.hi = lo; /* hi < lo */
	add_g(&f->g, &a);
	struct gspec b = parked(&f->g, 61);
	b.lo = 0;
	b.hi = UINT64_MAX; /* SP far more than 2^63 below hi */
	add_g(&f->g, &b);
	struct gspec c = parked(&f->g, 62);
	c.lo = 0;
	c.hi = 1ull << 63;
	add_g(&f->g, &c);
	commit(&f->g);
	fake_clear_regs(f->g.ft);
	run(f, "goroutines --json");
	assert_ok(f);
	/* hi < lo: no size, and sp is outside [lo, hi]; a size above
	 * INT64_MAX is not given; c's sp is 2^63 - sp below its hi */
	assert_sizes(must_list(f, 60), -1, -1);
	assert_sizes(must_list(f, 61), -1, -1);
	assert_sizes(must_list(f, 62), -1, (long long)((1ull << 63) - c.sp));
}

/* ---- corrupt allgs -------------------------------------------------------------- */

static void test_unreadable_g_pointer(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	add_g_at(&f->g, UNMAPPED, NULL); /* allgs[1] points nowhere */
	struct gspec c = parked(&f->g, 3);
	add_g(&f->g, &c);
	commit(&f->g);

	run(f, "goroutines --json");
	assert_int_equal(f->r.status, 1);
	assert_error_line(f, jstr(f->r.doc, "error"), "goroutine 1 of allgs", hex(UNMAPPED));
	must_list(f, 1);
	must_list(f, 3);
	assert_int_equal(json_array_size(json_object_get(f->r.doc, "goroutines")), 2);
	assert_int_equal(jint(f->r.doc, "total"), 2);

	/* text: the list, and one error line */
	run(f, "goroutines");
	assert_int_equal(f->r.status, 1);
	assert_error_line(f, f->r.err, "goroutine 1 of allgs", NULL);
	if (!f->r.out || !strstr(f->r.out, "2 goroutines") || !strstr(f->r.out, "main.main"))
		fail_msg("goroutines: the readable goroutines are not listed: %s", f->r.out);

	/* every pointer unreadable: one error, no list */
	fake_unmap_all(f->g.ft);
	f->g.n = 0;
	add_g_at(&f->g, UNMAPPED, NULL);
	add_g_at(&f->g, 0, NULL);
	add_g_at(&f->g, UINT64_MAX, NULL);
	commit(&f->g);
	run(f, "goroutines --json");
	assert_error_has(f, "allgs", NULL);
	run(f, "stack 1 --json");
	assert_error_has(f, NULL, NULL);
}

/* With one g of allgs unreadable, the others can still be unwound. */
static void test_stack_with_unreadable_g(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	add_g_at(&f->g, UNMAPPED, NULL);
	struct gspec c = parked(&f->g, 3);
	add_g(&f->g, &c);
	commit(&f->g);
	run(f, "stack 3 --json");
	assert_ok(f);
	assert_int_equal(jint(f->r.doc, "goid"), 3);
	assert_func(frame(f, 0), "main.main");
	assert_func(last_frame(f), "runtime.goexit");
	run(f, "stack 3");
	assert_ok(f);
	/* and the current one, without a GOID */
	fake_set_reg(f->g.ft, "rsp", a.sp);
	fake_set_reg(f->g.ft, "rip", G_BIN.main_entry);
	run(f, "stack --json");
	assert_ok(f);
	assert_int_equal(jint(f->r.doc, "goid"), 1);
}

static void test_allgs_huge_len(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	commit(&f->g);
	const uint64_t lens[] = {1ull << 40, UINT64_MAX, (uint64_t)GL_MAX_GOROUTINES + 1,
				 1ull << 61};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fake_poke_u64(f->g.ft, G_BIN.allgs + 8, lens[i]);
		fake_poke_u64(f->g.ft, G_BIN.allgs + 16, lens[i]);
		run(f, "goroutines --json");
		assert_error_has(f, "allgs", "corrupt");
		assert_null(json_object_get(f->r.doc, "goroutines"));
		assert_quick(f);
		run(f, "goroutines");
		assert_error_has(f, "allgs", NULL);
		run(f, "stack 1 --json");
		assert_error_has(f, "allgs", NULL);
		assert_quick(f);
	}
	/* the largest accepted length, over an array that is not there */
	fake_poke_u64(f->g.ft, G_BIN.allgs, UNMAPPED);
	fake_poke_u64(f->g.ft, G_BIN.allgs + 8, GL_MAX_GOROUTINES);
	run(f, "goroutines --json");
	assert_error_has(f, "allgs", hex(UNMAPPED));
	assert_quick(f);
	/* an empty list */
	fake_poke_u64(f->g.ft, G_BIN.allgs, 0);
	fake_poke_u64(f->g.ft, G_BIN.allgs + 8, 0);
	fake_poke_u64(f->g.ft, G_BIN.allgs + 16, 0);
	/* (as before the runtime's schedinit: not even the main goroutine) */
	run(f, "goroutines --json");
	assert_error_has(f, "allgs is empty", "not initialised");
	assert_string_equal(jstr(f->r.doc, "error_code"), "notready");
	assert_null(json_object_get(f->r.doc, "goroutines"));
	run(f, "stack 1 --json");
	assert_error_has(f, "not initialised", NULL);
}

/* Longest accepted allgs full of nil pointers: one error, bounded. */
static void test_allgs_max_len_of_nils(void **state)
{
	struct fx *f = *state;
	NEED(f);
	fake_map(f->g.ft, A_ARR, NULL, (uint64_t)GL_MAX_GOROUTINES * 8);
	set_allgs(&f->g, A_ARR, GL_MAX_GOROUTINES, GL_MAX_GOROUTINES);
	run(f, "goroutines --json");
	assert_error_has(f, "goroutine 0 of allgs", NULL);
	assert_quick(f);
}

/* An allgs of 2^20 pointers, each into another unmapped page (a shifted or
 * overwritten array): the walk stops after a bounded number of faults,
 * says why, and asked the debugger a bounded number of times. */
static void test_allgs_garbage_pointers(void **state)
{
	struct fx *f = *state;
	NEED(f);
	enum { N = 1 << 20 };
	unsigned char *arr = calloc(N, 8);
	assert_non_null(arr);
	for (uint64_t i = 0; i < N; i++)
		for (int b = 0; b < 8; b++)
			arr[i * 8 + b] = (unsigned char)((UNMAPPED + i * 0x10000) >> (8 * b));
	fake_map(f->g.ft, A_ARR, arr, (uint64_t)N * 8);
	free(arr);
	set_allgs(&f->g, A_ARR, N, N);
	run(f, "goroutines --json");
	assert_error_has(f, "stopped after", "corrupt");
	assert_string_equal(jstr(f->r.doc, "error_code"), "limit");
	if (f->r.calls > GL_MEM_MAX_FAULTS + 1024)
		fail_msg("%llu backend reads for a corrupt allgs (fault budget %u)",
			 (unsigned long long)f->r.calls, GL_MEM_MAX_FAULTS);
	assert_quick(f);
}

/* An allgs whose pointers lead into readable memory that holds no
 * goroutines (a shifted array pointer): the walk gives up after a run of
 * gs with no valid status, instead of decoding 200,000 of them. */
static void test_allgs_into_garbage(void **state)
{
	struct fx *f = *state;
	NEED(f);
	enum { N = 200000, REGION = 1 << 20 };
	const uint64_t garbage = 0x40000000ull;
	unsigned char *bytes = malloc(REGION), *arr = malloc((size_t)N * 8);
	assert_non_null(bytes);
	assert_non_null(arr);
	memset(bytes, 0xab, REGION);
	fake_map(f->g.ft, garbage, bytes, REGION);
	for (uint64_t i = 0; i < N; i++)
		for (int b = 0; b < 8; b++)
			arr[i * 8 + b] = (unsigned char)((garbage + (i % 1000) * 512) >> (8 * b));
	fake_map(f->g.ft, A_ARR, arr, (uint64_t)N * 8);
	free(bytes);
	free(arr);
	set_allgs(&f->g, A_ARR, N, N);
	run(f, "goroutines --json --all");
	assert_error_has(f, "no goroutine status", "corrupt");
	assert_string_equal(jstr(f->r.doc, "error_code"), "corrupt");
	if (jint(f->r.doc, "total") > 2000)
		fail_msg("%lld garbage goroutines decoded", (long long)jint(f->r.doc, "total"));
	assert_quick(f);
}

static void test_allgs_unreadable(void **state)
{
	struct fx *f = *state;
	NEED(f);
	/* nothing mapped at runtime.allgs (nor in its page) */
	run(f, "goroutines --json");
	assert_error_has(f, "runtime.allgs", NULL);
	run(f, "stack 1 --json");
	assert_error_has(f, "runtime.allgs", NULL);
}

/* ---- lookups ------------------------------------------------------------------- */

static void test_unknown_goid(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	struct gspec d = parked(&f->g, 2);
	d.status = G_BIN.g_dead;
	add_g(&f->g, &d);
	commit(&f->g);
	run(f, "stack 999 --json");
	assert_error_has(f, "no live goroutine 999", NULL);
	assert_null(json_object_get(f->r.doc, "frames"));
	run(f, "stack 999");
	assert_error_has(f, "no live goroutine 999", NULL);
	/* a dead goroutine is not live */
	run(f, "stack 2 --json");
	assert_error_has(f, "no live goroutine 2", NULL);
	run(f, "stack abc --json");
	assert_error_has(f, "GOID", "abc");
	/* the live one is found */
	run(f, "stack 1 --json");
	assert_ok(f);
	/* goroutines hides the dead one unless asked */
	run(f, "goroutines --json");
	assert_ok(f);
	must_list(f, 1);
	assert_null(listed(f, 2));
	run(f, "goroutines --dead --json");
	assert_ok(f);
	assert_string_equal(jstr(must_list(f, 2), "status"), "dead");
}

/* ---- statuses ------------------------------------------------------------------- */

static void test_scan_bit(void **state)
{
	struct fx *f = *state;
	NEED(f);
	const int64_t st[] = {G_BIN.g_waiting, G_BIN.g_runnable, G_BIN.g_running, G_BIN.g_syscall, G_BIN.g_preempted};
	const char *names[] = {"waiting", "runnable", "running", "syscall", "preempted"};
	enum { N = sizeof(st) / sizeof(st[0]) };
	for (size_t i = 0; i < N; i++) {
		struct gspec s = parked(&f->g, 100 + i);
		s.status = st[i] | G_BIN.g_scan;
		add_g(&f->g, &s);
		struct gspec p = parked(&f->g, 200 + i);
		p.status = st[i];
		add_g(&f->g, &p);
	}
	commit(&f->g);
	run(f, "goroutines --json");
	assert_ok(f);
	for (size_t i = 0; i < N; i++) {
		json_t *g = must_list(f, 100 + i);
		if (!jstr(g, "status") || strcmp(jstr(g, "status"), names[i]) ||
		    !json_is_true(json_object_get(g, "scan")) || jint(g, "status_value") != st[i])
			fail_msg("status 0x%" PRIx64 " (_Gscan|%s): want status \"%s\", status_value %" PRId64
				 ", scan true: %s",
				 (uint64_t)(st[i] | G_BIN.g_scan), names[i], names[i], st[i], dump(g));
		json_t *p = must_list(f, 200 + i);
		assert_string_equal(jstr(p, "status"), names[i]);
		assert_null(json_object_get(p, "scan"));
	}
	/* a waiting goroutine being scanned still has its wait reason */
	assert_string_equal(jstr(must_list(f, 100), "wait_reason"), "chan receive");
	/* --status matches the name without the scan bit */
	run(f, "goroutines --status waiting --json");
	assert_ok(f);
	must_list(f, 100);
	must_list(f, 200);
	assert_null(listed(f, 101));
	/* stack shows the status without the scan bit */
	run(f, "stack 100 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "status"), "waiting");
}

/* Every status the binary defines is named by its _G constant; a value
 * that is none is "unknown". */
static void test_status_names(void **state)
{
	struct fx *f = *state;
	NEED(f);
	const struct { const char *cname, *name; } st[] = {
		{"runtime._Gidle", "idle"},		{"runtime._Grunnable", "runnable"},
		{"runtime._Grunning", "running"},	{"runtime._Gsyscall", "syscall"},
		{"runtime._Gwaiting", "waiting"},	{"runtime._Gdead", "dead"},
		{"runtime._Gcopystack", "copystack"},	{"runtime._Gpreempted", "preempted"},
	};
	enum { N = sizeof(st) / sizeof(st[0]) };
	for (size_t i = 0; i < N; i++) {
		struct gspec s = parked(&f->g, 300 + i);
		s.status = g_konst(st[i].cname);
		add_g(&f->g, &s);
	}
	struct gspec u = parked(&f->g, 499);
	u.status = 0x7ff; /* no status at all */
	add_g(&f->g, &u);
	commit(&f->g);
	run(f, "goroutines --dead --json");
	assert_ok(f);
	for (size_t i = 0; i < N; i++) {
		json_t *g = must_list(f, 300 + i);
		if (!jstr(g, "status") || strcmp(jstr(g, "status"), st[i].name))
			fail_msg("status %s: named \"%s\", want \"%s\"", st[i].cname,
				 jstr(g, "status") ? jstr(g, "status") : "(none)", st[i].name);
	}
	assert_string_equal(jstr(must_list(f, 499), "status"), "unknown");
	/* --status with a name that is no status: an error naming those that are */
	run(f, "goroutines --status nosuchstatus --json");
	assert_error_has(f, "no goroutine status \"nosuchstatus\"", "waiting");
	assert_string_equal(jstr(f->r.doc, "error_code"), "usage");
	assert_null(json_object_get(f->r.doc, "goroutines"));
	run(f, "goroutines --status unknown --json");
	assert_ok(f);
	must_list(f, 499);
	assert_null(listed(f, 300));
}

/* Values of other constants whose names start with "runtime._G" (_GCoff,
 * _GCmark, _GCmarktermination: the GC phases; _GoidCacheBatch) are no
 * goroutine statuses: a g holding one has status "unknown". */
static void test_status_not_other_constants(void **state)
{
	struct fx *f = *state;
	NEED(f);
	const char *real[] = {"runtime._Gidle",	   "runtime._Grunnable", "runtime._Grunning",
			      "runtime._Gsyscall", "runtime._Gwaiting",	 "runtime._Gdead",
			      "runtime._Gcopystack", "runtime._Gpreempted"};
	enum { N = sizeof(real) / sizeof(real[0]) };
	const char *others[] = {"runtime._GoidCacheBatch", "runtime._GCmark",
				"runtime._GCmarktermination", "runtime._GCoff"};
	int64_t other_v[4];
	size_t nother = 0;
	for (size_t i = 0; i < 4; i++) {
		int64_t v;
		if (!gl_dwarf_find_const(G_BIN.t->dw, others[i], &v))
			continue;
		bool is_status = false; /* the same value as a real status? */
		for (size_t k = 0; k < N; k++)
			is_status |= g_konst(real[k]) == v;
		if (is_status || v < 0 || v >= G_BIN.g_scan)
			continue;
		other_v[nother] = v;
		struct gspec s = parked(&f->g, 400 + nother);
		s.status = v;
		add_g(&f->g, &s);
		nother++;
	}
	if (!nother)
		fail_msg("no constant to try as a status in %s: the test would check nothing",
			 G_BIN.path);
	commit(&f->g);
	run(f, "goroutines --dead --json");
	assert_ok(f);
	for (size_t i = 0; i < nother; i++) {
		json_t *g = must_list(f, 400 + i);
		if (!jstr(g, "status") || strcmp(jstr(g, "status"), "unknown"))
			fail_msg("status value %" PRId64 " is no goroutine status, but is named \"%s\" "
				 "(want \"unknown\")",
				 other_v[i], jstr(g, "status") ? jstr(g, "status") : "(none)");
	}
}

/* ---- the current goroutine ------------------------------------------------------ */

/* A running goroutine: its saved state is stale, the registers count.
 * *live_sp: where its frames are (main.main's, as parked() lays them out). */
static struct gspec running(struct fx *f, uint64_t goid, uint64_t *live_sp)
{
	struct gspec g = parked(&f->g, goid);
	g.status = G_BIN.g_running;
	g.waitreason = -1;
	*live_sp = g.sp;
	g.sp = g.hi - 0x400;
	g.pc = 0xdeadbeef;
	return g;
}

/* The debugger stopped at the entry of main.main, SP sp, frame 0 selected. */
static void stopped_in_main(struct fx *f, uint64_t sp)
{
	fake_set_reg(f->g.ft, "rsp", sp);
	fake_set_reg(f->g.ft, "rip", G_BIN.main_entry);
	fake_set_frame_level(f->g.ft, 0);
}

static void test_current(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	uint64_t live_sp;
	struct gspec b = running(f, 2, &live_sp);
	add_g(&f->g, &b);
	struct gspec c = parked(&f->g, 3);
	add_g(&f->g, &c);
	commit(&f->g);
	stopped_in_main(f, live_sp);

	run(f, "goroutines --json");
	assert_ok(f);
	assert_false(json_is_true(json_object_get(must_list(f, 1), "current")));
	assert_false(json_is_true(json_object_get(must_list(f, 3), "current")));
	json_t *g = must_list(f, 2);
	if (!json_is_true(json_object_get(g, "current")))
		fail_msg("rsp %s is on goroutine 2's stack, but it is not current: %s", hex(live_sp),
			 dump(g));
	assert_string_equal(jstr(g, "status"), "running");
	assert_int_equal(jaddr(g, "sp"), live_sp); /* the live SP, not the stale saved one */
	assert_int_equal(jint(g, "stack_used"), b.hi - live_sp);
	assert_string_equal(jstr(g, "func"), "main.main");

	run(f, "goroutines");
	assert_ok(f);
	if (!strstr(f->r.out, "*     2"))
		fail_msg("goroutines: goroutine 2 is not marked current: %s", f->r.out);

	/* stack without a GOID: the current goroutine, from the selected frame */
	run(f, "stack --json");
	assert_ok(f);
	assert_int_equal(jint(f->r.doc, "goid"), 2);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "selected frame");
	assert_int_equal(assert_contiguous(f), 2);
	assert_func(frame(f, 0), "main.main");
	assert_int_equal(jaddr(frame(f, 0), "sp"), live_sp);
	assert_int_equal(jaddr(frame(f, 0), "pc"), G_BIN.main_entry);
	assert_func(last_frame(f), "runtime.goexit");
	assert_note_has(last_frame(f), "bottom");

	/* an explicit GOID of the current goroutine: the same */
	run(f, "stack 2 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "selected frame");
	assert_int_equal(jaddr(frame(f, 0), "sp"), live_sp);
	/* another goroutine: from its saved state */
	run(f, "stack 3 --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "saved scheduling state (g.sched)");

	/* the selected frame on no goroutine stack: stack needs a GOID */
	fake_set_reg(f->g.ft, "rsp", 0x7ff000000000ull);
	run(f, "goroutines --json");
	assert_ok(f);
	for (uint64_t id = 1; id <= 3; id++)
		assert_false(json_is_true(json_object_get(must_list(f, id), "current")));
	run(f, "stack --json");
	assert_error_has(f, "no goroutine stack", "GOID");
}

/* An outer frame selected: stack still shows the whole stack, from the
 * innermost frame, with the selected frame marked; goroutines shows where
 * the goroutine is (its innermost frame) and the selected frame apart. */
static void test_outer_frame_selected(void **state)
{
	struct fx *f = *state;
	NEED(f);
	uint64_t live_sp;
	struct gspec a = running(f, 1, &live_sp);
	add_g(&f->g, &a);
	commit(&f->g);
	stopped_in_main(f, live_sp);
	run(f, "stack --json");
	assert_ok(f);
	assert_int_equal(assert_contiguous(f), 2);
	assert_true(json_is_true(json_object_get(frame(f, 0), "selected")));
	assert_null(json_object_get(frame(f, 1), "selected"));
	uint64_t sp1 = jaddr(frame(f, 1), "sp"), pc1 = jaddr(frame(f, 1), "pc");

	/* select frame 1 (runtime.goexit); the debugger still knows frame 0 */
	fake_set_reg(f->g.ft, "rsp", sp1);
	fake_set_reg(f->g.ft, "rip", pc1);
	fake_set_frame_level(f->g.ft, 1);
	fake_set_innermost_reg(f->g.ft, "rsp", live_sp);
	fake_set_innermost_reg(f->g.ft, "rip", G_BIN.main_entry);
	run(f, "stack --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "innermost frame");
	assert_int_equal(assert_contiguous(f), 2);
	assert_func(frame(f, 0), "main.main");
	assert_int_equal(jaddr(frame(f, 0), "sp"), live_sp);
	assert_null(json_object_get(frame(f, 0), "selected"));
	assert_func(frame(f, 1), "runtime.goexit");
	assert_true(json_is_true(json_object_get(frame(f, 1), "selected")));
	assert_int_equal(jaddr(frame(f, 1), "sp"), sp1);
	run(f, "stack");
	assert_ok(f);
	if (!strstr(f->r.out, "*-- #1 runtime.goexit") || !strstr(f->r.out, "+-- #0 main.main"))
		fail_msg("stack: frame 1 is not the one marked selected: %s", f->r.out);

	run(f, "goroutines --json");
	assert_ok(f);
	json_t *g = must_list(f, 1);
	assert_true(json_is_true(json_object_get(g, "current")));
	assert_string_equal(jstr(g, "func"), "main.main"); /* where it is, not the selected frame */
	assert_int_equal(jaddr(g, "sp"), live_sp);
	json_t *sel = json_object_get(g, "selected_frame");
	if (!sel || jint(sel, "index") != 1 || strcmp(jstr(sel, "func"), "runtime.goexit"))
		fail_msg("goroutines: selected_frame is not frame 1, runtime.goexit: %s", dump(g));
	run(f, "goroutines");
	assert_ok(f);
	if (!strstr(f->r.out, "selected frame #1 runtime.goexit"))
		fail_msg("goroutines: the selected frame is not shown: %s", f->r.out);

	/* the innermost frame's registers unknown: from the selected frame, as before */
	fake_clear_regs(f->g.ft);
	fake_set_reg(f->g.ft, "rsp", sp1);
	fake_set_reg(f->g.ft, "rip", pc1);
	run(f, "stack --json");
	assert_ok(f);
	assert_string_equal(jstr(f->r.doc, "unwound_from"), "selected frame");
	assert_func(frame(f, 0), "runtime.goexit");
	assert_true(json_is_true(json_object_get(frame(f, 0), "selected")));
}

/* Exactly stack.hi is not on the stack; stack.lo is. */
static void test_current_bounds(void **state)
{
	struct fx *f = *state;
	NEED(f);
	struct gspec a = parked(&f->g, 1);
	add_g(&f->g, &a);
	commit(&f->g);
	fake_set_reg(f->g.ft, "rip", G_BIN.main_entry);
	fake_set_reg(f->g.ft, "rsp", a.hi);
	run(f, "goroutines --json");
	assert_ok(f);
	assert_false(json_is_true(json_object_get(must_list(f, 1), "current")));
	fake_set_reg(f->g.ft, "rsp", a.lo);
	run(f, "goroutines --json");
	assert_ok(f);
	assert_true(json_is_true(json_object_get(must_list(f, 1), "current")));
	/* no rsp at all: nothing is current */
	fake_clear_regs(f->g.ft);
	run(f, "goroutines --json");
	assert_ok(f);
	assert_false(json_is_true(json_object_get(must_list(f, 1), "current")));
}

static int close_binary(void **state)
{
	(void)state;
	gl_session_destroy(S);
	S = NULL;
	if (G_BIN.t)
		gl_target_destroy(G_BIN.t);
	G_BIN.t = NULL;
	return 0;
}

static int open_binary(void **state)
{
	(void)state;
	S = gl_session_create();
	assert_non_null(S);
	struct g_bin *b = g_bin_get();
	if (b) {
		/* load the target into the session once, here in the parent:
		 * every child inherits it */
		struct fake_target *ft = fake_new();
		fake_set_exe(ft, b->path);
		char *out = NULL, *err = NULL;
		gl_session_run(S, fake_backend(ft), "version", 0, &out, &err);
		gl_free(out);
		gl_free(err);
		fake_free(ft);
	}
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parked_at_entry),
		T(test_parked_three_frames),
		T(test_syscall_state),
		T(test_syscall_thread),
		T(test_system_stack),
		T(test_sigpanic),
		T(test_garbage_pc),
		T(test_garbage_return_address),
		T(test_zero_return_address),
		T(test_sp_outside_stack),
		T(test_return_address_loop),
		T(test_frame_limit_reported),
		T(test_stack_hi_below_lo),
		T(test_huge_stack_range),
		T(test_stack_sizes_not_negative),
		T(test_unreadable_g_pointer),
		T(test_stack_with_unreadable_g),
		T(test_allgs_huge_len),
		T(test_allgs_max_len_of_nils),
		T(test_allgs_garbage_pointers),
		T(test_allgs_into_garbage),
		T(test_allgs_unreadable),
		T(test_unknown_goid),
		T(test_scan_bit),
		T(test_status_names),
		T(test_status_not_other_constants),
		T(test_current),
		T(test_outer_frame_selected),
		T(test_current_bounds),
	};
	return cmocka_run_group_tests_name("goroutines", tests, open_binary, close_binary);
}
