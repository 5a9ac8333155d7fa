/* Goroutines from the runtime's own list (runtime.allgs), their states
 * named by the binary's DWARF constants, and a frame unwinder over the Go
 * pclntab (pcsp tables) that works from saved scheduling state, so it
 * serves parked goroutines and core files alike, without touching
 * registers. */
#ifndef GL_GOROUTINES_H
#define GL_GOROUTINES_H

#include "target/ctx.h"
#include "eval/frame.h"

#define GL_MAX_GOROUTINES (1u << 20)
#define GL_MAX_FRAMES 1024

struct gl_goroutine {
	uint64_t g;              /* address of the runtime.g */
	uint64_t goid;
	uint32_t status;         /* without the _Gscan bit */
	bool scan;
	char status_name[24];
	char wait_reason[64];
	uint64_t stack_lo, stack_hi;
	uint64_t stackguard;     /* stackguard0: a prologue below it grows the stack */
	uint64_t sp, pc;         /* where unwinding starts (sched or syscall state) */
	uint64_t m, thread;      /* M running it and its OS thread id, 0 if none */
	uint64_t gopc, startpc;
	bool current;            /* the selected frame is on this goroutine's stack */
};

/* All goroutines; *out is malloc'd. Dead ones are included (status "dead"). */
struct gl_error *gl_goroutines_read(struct gl_ctx *c, struct gl_goroutine **out, size_t *n);

struct gl_uframe {
	uint64_t pc, sp, cfa;
	int64_t size;            /* frame size below the return address, -1 unknown */
	bool live;               /* the debugger's selected frame: registers usable */
	uint32_t level;          /* level for gl_frame (registers only when live) */
	const char *func;        /* from pclntab (points into the table) */
	const char *file;
	int64_t line;
	uint64_t ret_slot;       /* address of the saved return address (cfa - 8) */
	uint64_t fp_slot;        /* address of the saved frame pointer, 0 if none */
	char note[96];           /* why unwinding stopped here, or "" */
	uint64_t lookup_pc;      /* pc, or pc-1 for a return address */
	bool inlined;            /* a call inlined into the next frame: no frame of its own */
};

/* Unwind from (pc, sp) within the stack [lo, hi). live_level >= 0 means
 * the first frame is the debugger's selected frame at that level. */
struct gl_error *gl_unwind(struct gl_ctx *c, uint64_t pc, uint64_t sp, int live_level, uint64_t lo,
			   uint64_t hi, struct gl_uframe **frames, size_t *n);

/* A gl_frame for a frame found by the unwinder, for gl_var_value. */
void gl_uframe_to_frame(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame *f);

#endif
