/* Goroutines from the runtime's own list (runtime.allgs): one iterator
 * that reads the list in bounded chunks and decodes each runtime.g once.
 * It serves `golayout goroutines`, `golayout stack` and the stack-home
 * lookup (home.c). Statuses are an enum for decisions; the name the
 * binary's DWARF gives a status is kept for display only. */
#ifndef GL_GOROUTINES_H
#define GL_GOROUTINES_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/unwind.h"
#include "target/ctx.h"

#define GL_MAX_GOROUTINES (1u << 20)

/* runtime._G* statuses golayout decides on; the others are GL_G_OTHER. */
enum gl_gstatus {
	GL_G_OTHER,
	GL_G_IDLE,
	GL_G_RUNNABLE,
	GL_G_RUNNING,
	GL_G_SYSCALL,
	GL_G_WAITING,
	GL_G_DEAD,
	GL_G_COPYSTACK,
	GL_G_PREEMPTED,
};

struct gl_goroutine {
	uint64_t g;              /* address of the runtime.g */
	uint64_t goid;
	enum gl_gstatus state;
	uint32_t status;         /* the raw value, without the _Gscan bit */
	bool scan;
	char status_name[24];    /* the DWARF constant's name ("waiting"), or "unknown" */
	char wait_reason[64];    /* waiting only; "" for waitReasonZero */
	uint64_t stack_lo, stack_hi;
	uint64_t stackguard;     /* stackguard0: a prologue below it grows the stack */
	uint64_t sp, pc;         /* where unwinding starts (sched or syscall state) */
	uint64_t sched_sp, sched_pc, sched_lr; /* g.sched itself: where a system stack joins it */
	uint64_t lr;             /* LR machines: saved link register, 0 when none */
	uint64_t m, thread;      /* M running it and its OS thread id, 0 if none */
	bool m_runs_it;          /* m.curg is this g: the thread's registers are its own */
	/* the M's system stacks, [lo, hi) (0, 0 when unknown): g0's, where
	 * runtime.systemstack and the scheduler run, and gsignal's, where
	 * signal handlers do */
	uint64_t g0_lo, g0_hi, gsignal_lo, gsignal_hi;
	uint64_t gopc, startpc;
};

/* Whether addr is on g's stack [lo, hi). */
static inline bool gl_goroutine_holds(const struct gl_goroutine *g, uint64_t addr)
{
	return addr >= g->stack_lo && addr < g->stack_hi;
}

/* Which of g's stacks addr is on (its M's only while the M runs g). */
enum gl_stack_kind gl_goroutine_stack_of(const struct gl_goroutine *g, uint64_t addr);

struct gl_goroutine_iter;

/* Start a walk of runtime.allgs (dead goroutines included). Needs a
 * process and DWARF; GL_ERR_NOTREADY while allgs is empty (before the
 * runtime started); *it is freed by gl_goroutines_close. */
struct gl_error *gl_goroutines_open(struct gl_ctx *c, struct gl_goroutine_iter **it);
/* The next goroutine that could be read, false at the end. */
bool gl_goroutines_next(struct gl_goroutine_iter *it, struct gl_goroutine *g);
/* Entries of allgs, read or not. */
uint64_t gl_goroutines_total(const struct gl_goroutine_iter *it);
/* Prefetch, with the gs, the top `bytes` of each goroutine's stack from
 * its sched.sp (for a command that unwinds every goroutine a little). */
void gl_goroutines_prefetch_stacks(struct gl_goroutine_iter *it, uint64_t bytes);
/* Frees the iterator; returns the first entry that could not be read
 * (the walk skipped it and went on), or NULL. */
struct gl_error *gl_goroutines_close(struct gl_goroutine_iter *it);
/* A usage error naming the statuses of the binary's Go release unless
 * `name` is one of them (or "unknown"). */
struct gl_error *gl_goroutines_status_check(const struct gl_goroutine_iter *it, const char *name);

/* The first goroutine whose stack holds addr (dead ones too), into *out.
 * false when none does or the list cannot be read. */
bool gl_goroutine_on_stack(struct gl_ctx *c, uint64_t addr, struct gl_goroutine *out);

#endif
