/* Goroutine scenes for the unit tests: the structs test program gives the
 * layout of runtime.g, the status and wait-reason constants, runtime.allgs
 * and real code addresses (function entries, frame sizes and call sites
 * from its ELF symbols, DWARF and pclntab); these helpers build g structs,
 * stacks and the allgs slice in a fake backend from them. Shared by
 * test_goroutines (decoder and unwinder checks), test_golden, test_svg and
 * fuzz_goroutines. */
#ifndef GL_SCENE_GOROUTINES_H
#define GL_SCENE_GOROUTINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_target.h"
#include "target/target.h"

/* Fake memory: page-aligned, far apart, far from the binary's sections. */
#define A_ARR 0x20000000ull   /* the array of *g */
#define A_G 0x21000000ull     /* + 0x1000 per g */
#define A_STACK 0x30000000ull /* + 0x100000 per stack */
#define STACK_SIZE 0x8000ull
#define UNMAPPED 0xdead0000ull /* nothing is mapped in this page */


struct glayout {
	uint64_t size;
	uint64_t lo, hi;           /* g.stack.lo, g.stack.hi */
	uint64_t sched_sp, sched_pc;
	uint64_t status, status_size; /* atomicstatus(.value) */
	uint64_t goid, waitreason, m;
	bool has_syscall;
	uint64_t syscallsp, syscallpc;
	/* runtime.m */
	uint64_t m_size, m_procid, m_g0, m_gsignal, m_curg;
};

struct g_bin {
	bool tried;
	char path[4096];
	struct gl_target *t;
	struct glayout L;
	uint64_t allgs;
	/* runtime._G* */
	int64_t g_idle, g_runnable, g_running, g_syscall, g_waiting, g_dead, g_copystack,
		g_preempted, g_scan;
	int64_t wr_chan_receive; /* runtime.waitReasonChanReceive */
	/* code */
	uint64_t main_entry;       /* main.main */
	uint64_t main_body_pc;     /* a pc in main.main with its largest frame, no inlining */
	int64_t main_body_size;
	uint64_t goexit_entry;     /* runtime.goexit */
	uint64_t systemstack_entry; /* runtime.systemstack (assembly: its symbol is ...abi0) */
	uint64_t switch_entry;     /* runtime.systemstack_switch */
	uint64_t sigpanic_pc;      /* a pc in runtime.sigpanic with its largest frame, no inlining */
	int64_t sigpanic_size;
	uint64_t callee_entry;     /* a function main.main calls */
	char callee_name[128];
	uint64_t callee_pc;        /* a pc in it with its largest frame, no inlining */
	int64_t callee_size;
	uint64_t call_ret;         /* the return address of that call, in main.main */
	int64_t call_ret_size;     /* main.main's frame size at that call */
	uint64_t rodata;           /* an address in .rodata: in no function */
	char why[8192];            /* why the binary is unusable, when t is NULL */
};

struct gspec {
	uint64_t goid;
	int64_t status;
	uint64_t lo, hi, sp, pc;
	int waitreason;            /* -1: leave 0 */
	uint64_t syscallsp, syscallpc;
	uint64_t m;
};

#define MAX_G 64

/* A fake target being filled with goroutines. */
struct g_scene {
	struct g_bin *bin;
	struct fake_target *ft;
	uint64_t ptrs[MAX_G]; /* allgs's entries */
	size_t n;
};

extern struct g_bin G_BIN;
/* The structs program and what the scenes need from it, read once; NULL
 * when it is missing (G_BIN.why says why). */
struct g_bin *g_bin_get(void);
/* A DWARF constant of the program (fails the test when absent). */
int64_t g_konst(const char *name);

/* Map a g at addr (s NULL: just record addr in allgs, unmapped). */
uint64_t add_g_at(struct g_scene *f, uint64_t addr, const struct gspec *s);
/* The same at the next free g address. */
uint64_t add_g(struct g_scene *f, const struct gspec *s);
/* Map a runtime.m at addr: thread id procid, running curg, with a g0
 * (mapped at g0, not in allgs) whose stack is [g0_lo, g0_hi). */
void map_m(struct g_scene *f, uint64_t addr, uint64_t procid, uint64_t curg, uint64_t g0, uint64_t g0_lo,
	   uint64_t g0_hi);
/* The allgs slice header at the global's address. */
void set_allgs(struct g_scene *f, uint64_t arr, uint64_t len, uint64_t cap);
/* allgs = the goroutines added so far. */
void commit(struct g_scene *f);
/* A zeroed stack for goroutine slot i: its lo. */
uint64_t map_stack(struct g_scene *f, size_t i, uint64_t size);
/* A parked goroutine in slot f->n, as a real one looks when it has just
 * been started: sched.pc at main.main's entry, runtime.goexit+1 at sched.sp. */
struct gspec parked(struct g_scene *f, uint64_t goid);
/* A waiting goroutine in slot f->n stopped in the callee main.main calls,
 * three frames deep: the callee, main.main at the call, runtime.goexit. */
struct gspec three_frames(struct g_scene *f, uint64_t goid);
/* The scene of test_golden and fuzz_goroutines in g->ft (registers, the
 * executable, allgs): goroutine 1 parked at main.main's entry, 2 parked
 * three frames deep, 3 runnable, 4 dead. */
void build_four_goroutines(struct g_scene *g);
/* A new fake target holding that scene, its pages filled (test_golden,
 * test_svg); NULL when the program is missing (G_BIN.why says why). */
struct fake_target *four_goroutines_new(void);

#endif
