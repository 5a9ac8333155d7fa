/* A fake debugger for the unit tests: a struct gl_backend that serves
 * synthetic memory regions, a small register table and settable frame,
 * executable, stop and process state, and counts every memory read.
 * Plus helpers to run one golayout command through gl_session_run and to
 * find the Go test binary built by tests/unit/build-testdata.sh. */
#ifndef GL_FAKE_TARGET_H
#define GL_FAKE_TARGET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "golayout/golayout.h"

struct fake_target;

/* One read_memory call as the core made it. */
struct fake_read {
	uint64_t addr, len;
	bool ok;
	uint64_t fault; /* when !ok */
};

#define FAKE_LOG_SIZE 64

struct fake_target *fake_new(void);
void fake_free(struct fake_target *ft);
/* The backend (version GL_BACKEND_VERSION, every callback set; output is
 * not a terminal). The
 * pointer stays valid until fake_free. */
const struct gl_backend *fake_backend(struct fake_target *ft);
/* A copy of the backend for tests that want to NULL some callbacks. */
struct gl_backend fake_backend_copy(struct fake_target *ft);

/* ---- memory ---- */
/* Map len bytes at addr (copied; bytes NULL means zeros). Regions must
 * not overlap (aborts otherwise); adjacent regions read as one. */
void fake_map(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len);
/* Fill a new region with the byte pattern (addr + i) * 7 + 1, so that the
 * expected contents of any address are known: fake_pattern_byte(). */
void fake_map_pattern(struct fake_target *ft, uint64_t addr, uint64_t len);
unsigned char fake_pattern_byte(uint64_t addr);
/* Overwrite bytes that are mapped already (aborts otherwise). */
void fake_poke(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len);
void fake_poke_u64(struct fake_target *ft, uint64_t addr, uint64_t v);
void fake_unmap_all(struct fake_target *ft);
/* Map bytes where nothing is mapped yet; where something is, it must hold
 * the same bytes (aborts otherwise). For pieces of a real program's memory
 * that may share or touch each other. */
void fake_map_merge(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len);
/* Map zeros wherever nothing is mapped in the 4 KiB pages that mapped
 * bytes touch, so every page read succeeds (and gets cached): memory as a
 * live process has it, rather than the byte-exact pieces of a core file. */
void fake_fill_pages(struct fake_target *ft);
/* The mapped regions, in the order they were mapped: how many, and the
 * i-th one's address, length and bytes (writable in place: the fuzzers
 * corrupt a scene's structures through it and put them back after). */
size_t fake_region_count(const struct fake_target *ft);
unsigned char *fake_region(struct fake_target *ft, size_t i, uint64_t *addr, uint64_t *len);

/* How read_memory answers a read that fails part way. */
enum fake_read_mode {
	FAKE_READ_COUNT,  /* version 2: *nread = bytes read (the default) */
	FAKE_READ_UNTOLD, /* version 2, a debugger that cannot tell: *nread left */
	FAKE_READ_V1,     /* a version-1 backend: *nread is the fault address */
};
void fake_set_read_mode(struct fake_target *ft, enum fake_read_mode mode);
/* The debugger's terminal: terminal false means output is not a terminal
 * (text_width fails); columns 0 means the debugger does not cut lines. */
void fake_set_text_width(struct fake_target *ft, bool terminal, uint32_t columns);
/* The user presses Ctrl-C once `reads` backend reads were made (0: never;
 * it stays pressed until set again); how often the core asked. */
void fake_interrupt_after(struct fake_target *ft, uint64_t reads);
uint64_t fake_interrupt_polls(const struct fake_target *ft);

/* Read counters: calls, bytes asked for, and the last FAKE_LOG_SIZE calls. */
uint64_t fake_read_calls(const struct fake_target *ft);
uint64_t fake_read_bytes(const struct fake_target *ft);
/* The i-th call since the last reset (0 = first); NULL when out of range
 * or no longer in the log. */
const struct fake_read *fake_read_log(const struct fake_target *ft, uint64_t i);
void fake_reset_counts(struct fake_target *ft);

/* ---- registers and frame ---- */
void fake_set_reg(struct fake_target *ft, const char *name, uint64_t value);
void fake_clear_regs(struct fake_target *ft);
/* level < 0: frame_level fails (the debugger cannot tell). */
void fake_set_frame_level(struct fake_target *ft, int level);
/* A register of the innermost frame (level 0), for when an outer frame
 * is selected; cleared by fake_clear_regs with the others. */
void fake_set_innermost_reg(struct fake_target *ft, const char *name, uint64_t value);
/* A register of thread TID's innermost frame (thread_register); cleared
 * by fake_clear_regs with the others. */
void fake_set_thread_reg(struct fake_target *ft, uint64_t tid, const char *name, uint64_t value);
/* Make frame_cfa answer (has == false: it fails). */
void fake_set_cfa(struct fake_target *ft, bool has, uint64_t cfa);

/* ---- process state ---- */
/* path NULL: executable_path fails. */
void fake_set_exe(struct fake_target *ft, const char *path);
void fake_set_stop_id(struct fake_target *ft, uint64_t id);
void fake_set_has_process(struct fake_target *ft, bool has);
/* Where the executable is loaded: load_bias gives bias (known), or fails
 * (!known: a debugger that cannot tell). Default: known, 0. How often
 * the core asked. */
void fake_set_load_bias(struct fake_target *ft, bool known, uint64_t bias);
uint64_t fake_load_bias_asks(const struct fake_target *ft);

/* ---- running commands ---- */
struct fake_result {
	int status;  /* gl_session_run's return value */
	char *out;   /* may be NULL */
	char *err;   /* may be NULL */
	json_t *doc; /* the parsed JSON object when the command had --json and
			out held exactly one JSON object, else NULL */
	char json_error[256]; /* why doc is NULL when --json was given */
};

/* Run "golayout <args>" (printf-style) through gl_session_run. */
void fake_run(struct gl_session *s, struct fake_target *ft, struct fake_result *r,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void fake_result_free(struct fake_result *r);

/* Conveniences over r->doc: a string member or NULL, an integer (or -1). */
const char *fake_doc_str(const struct fake_result *r, const char *key);
long long fake_doc_int(const struct fake_result *r, const char *key);
/* The object of doc's "fields" array whose "name" is name, or NULL. */
json_t *fake_doc_field(const struct fake_result *r, const char *name);

/* ---- the fixture of session-level tests ---- */
/* A fake target, a session and the last result, as cmocka state. */
struct fake_fx {
	struct fake_target *ft;
	struct gl_session *s;
	struct fake_result r;
};
/* cmocka setup: a fresh fixture; fake_fx_setup_go also makes the Go test
 * program the executable, and fails (missing test data is an error, not a
 * skip) when it has not been built. */
int fake_fx_setup(void **state);
int fake_fx_setup_go(void **state);
int fake_fx_teardown(void **state);
/* Run a command into f->r, freeing the previous result. */
#define FAKE_FX_RUN(f, ...)                                      \
	do {                                                     \
		fake_result_free(&(f)->r);                       \
		fake_run((f)->s, (f)->ft, &(f)->r, __VA_ARGS__); \
	} while (0)

/* ---- bounded runs ---- */
/* Run fn(arg) in a forked child and wait at most timeout_ms for it.
 * Returns FAKE_CHILD_OK when fn returned 0, FAKE_CHILD_FAILED when it
 * returned nonzero or the child died (a crash, a sanitizer report), and
 * FAKE_CHILD_TIMEOUT when it had to be killed: for code that might hang. */
enum { FAKE_CHILD_OK, FAKE_CHILD_FAILED, FAKE_CHILD_TIMEOUT };
int fake_run_in_child(int (*fn)(void *), void *arg, unsigned timeout_ms);
/* Milliseconds of a monotonic clock. */
double fake_now_ms(void);

/* ---- test data ---- */
/* Path of a file the test-data build wrote (build-testdata.sh), searched
 * in $GOLAYOUT_TESTDATA, then <dir of this test binary>/testdata, then
 * <dir of this test binary>/../../build/tests/testdata. Returns a static
 * buffer, or NULL when the file is not there. */
const char *fake_testdata(const char *name);

/* The Go test program (the structs fixture, tests/fixtures/structs) and
 * its truth document (structs.json, with the globals' bytes); NULL when
 * build-testdata.sh has not been run. The document is loaded once; do not
 * decref it. */
const char *fake_go_binary(void);
json_t *fake_truth(void);
/* Make OUTDIR/NAME (and NAME.json) the Go test program from now on:
 * "structs" (the default) or "structs-386". */
void fake_set_go_program(const char *name);
/* The truth of one global ("main.gPadded") or type ("main.Padded"), or
 * NULL when the document lacks it. */
json_t *fake_truth_global(const char *name);
json_t *fake_truth_type(const char *name);
/* Map a global's bytes at its address, and the memory it points to. */
void fake_map_global(struct fake_target *ft, json_t *global);
/* A fake target with the Go test program as its executable and every
 * global of its truth mapped; NULL when build-testdata.sh has not been run. */
struct fake_target *fake_structs_target(void);
/* A whole file, NUL-terminated (its length in *len when len is not
 * NULL); NULL when it cannot be read. */
char *fake_slurp(const char *path, size_t *len);
/* The "address" (a JSON integer) of a global, field or piece of memory of
 * the truth document. */
uint64_t fake_truth_addr(json_t *o);
/* A type name as golayout gives it (DWARF's, "sync/atomic.Int64") spelled
 * as reflect spells it in the truth ("atomic.Int64"): packages without
 * their import path, except in type arguments. Into out (n bytes). */
void fake_reflect_name(const char *name, char *out, size_t n);
/* The truth's %v of a global as golayout can know it (malloc'd): where
 * it depends on the clock when fmt ran ("clock_dependent": a deadline
 * context's time left, " [1h2m3s])" at the end), " [?])"; where fmt calls
 * a method golayout does not run, fmt's text without it ("fields_value"). */
char *fake_truth_value(json_t *g);
/* "0x5c2418" -> 0x5c2418 */
uint64_t fake_parse_addr(const char *s);

/* Parse hex text ("00ff..") into a malloc'd buffer; *len gets its size. */
unsigned char *fake_unhex(const char *hex, uint64_t *len);

#endif
