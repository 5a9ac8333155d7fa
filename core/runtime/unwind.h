/* A frame unwinder over the Go pclntab (pcsp tables) that works from a
 * PC and SP alone (a goroutine's saved scheduling state, or the selected
 * frame), so it serves parked goroutines and core files alike, without
 * touching registers. Frames are structs; why unwinding stopped is an
 * enum (doc/stack_doc.c words it). */
#ifndef GL_UNWIND_H
#define GL_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "target/ctx.h"

/* The most frames unwound of one stack: a runaway recursion shows its
 * innermost 100,000 frames (Go's own traceback prints 100); each frame
 * takes at least a return address, so a smaller stack bounds it first. */
#define GL_MAX_FRAMES 100000

/* Why the unwinder stopped at a frame (GL_STOP_NONE: it went on). */
enum gl_unwind_stop {
	GL_STOP_NONE,
	GL_STOP_NO_FUNC,          /* pc is in no Go function */
	GL_STOP_SP_OUTSIDE,       /* sp is outside the stack */
	GL_STOP_NO_FRAME_SIZE,    /* the pcsp table has no entry for pc */
	GL_STOP_LEAVES_STACK,     /* the frame's CFA is outside the stack */
	GL_STOP_RET_UNREADABLE,   /* the return-address slot cannot be read */
	GL_STOP_RET_ZERO,         /* return address 0 */
	GL_STOP_MAX_FRAMES,       /* GL_MAX_FRAMES frames */
	/* functions where a stack ends or switches: the unwinder does not guess past them */
	GL_STOP_BOTTOM_GOROUTINE, /* runtime.goexit */
	GL_STOP_BOTTOM_SYSTEM,    /* runtime.mstart* */
	GL_STOP_BOTTOM_MAIN,      /* runtime.rt0_go */
	GL_STOP_SYSTEMSTACK,      /* runtime.systemstack, runtime.mcall */
	GL_STOP_MORESTACK,        /* runtime.morestack */
	GL_STOP_CGO,              /* runtime.asmcgocall */
	GL_STOP_CGO_CALLBACK,     /* runtime.cgocallback */
	GL_STOP_SIGNAL,           /* runtime.sigtramp */
};

/* Whether a stop is the natural end of a stack (not a truncation). */
static inline bool gl_unwind_stop_is_bottom(enum gl_unwind_stop s)
{
	return s == GL_STOP_BOTTOM_GOROUTINE || s == GL_STOP_BOTTOM_SYSTEM || s == GL_STOP_BOTTOM_MAIN;
}

/* Which stack a frame is on: a goroutine's own, or a system stack of
 * the thread (M) running it. */
enum gl_stack_kind {
	GL_ON_NONE,
	GL_ON_GOROUTINE,
	GL_ON_G0,      /* the M's scheduling stack: runtime.systemstack, mcall, morestack */
	GL_ON_GSIGNAL, /* the M's signal-handling stack */
};
/* "goroutine", "g0", "gsignal" ("" for GL_ON_NONE). */
const char *gl_stack_kind_name(enum gl_stack_kind k);

struct gl_uframe {
	uint64_t pc, sp, cfa;
	int64_t size;            /* frame size below the return address, -1 unknown */
	bool live;               /* the debugger's selected frame: registers usable */
	bool selected;           /* the debugger's selected frame (inlined calls in it too) */
	uint32_t level;          /* level for gl_frame (registers only when live) */
	bool exact_pc;           /* pc is where the thread is (its registers) or the instruction that
				  * faulted (above runtime.sigpanic), not after a call */
	const char *func;        /* from pclntab (points into the table) */
	const char *file;
	int64_t line;
	uint64_t ret_slot;       /* address of the saved return address (x86: cfa - ptr_size,
				  * arm64: sp), 0: still in the link register */
	uint64_t fp_slot;        /* address of the saved frame pointer, 0 if none */
	uint64_t lookup_pc;      /* pc, or pc-1 for a return address */
	bool inlined;            /* a call inlined into the next frame: no frame of its own */
	const char *inlined_into; /* inlined: the function of that frame */
	enum gl_unwind_stop stop; /* on the last frame: why unwinding stopped there */
	int32_t args;            /* bytes of its argument area (pclntab; < 0 unknown) */
	uint64_t args_at;        /* where that area starts, in the caller's frame */
	enum gl_stack_kind on;   /* GL_ON_NONE until a goroutine's unwinder tells */
	/* the frame a signal interrupted, where unwinding went on past
	 * runtime.sigtramp from the registers the kernel saved (the physical
	 * frame and the calls inlined into it) */
	bool interrupted;
	uint32_t signo;          /* interrupted: the signal */
	uint64_t signal_addr;    /* interrupted: its si_addr (the faulting address of SIGSEGV...) */
};

/* Unwind from (pc, sp) within the stack [lo, hi). lr: on LR machines the
 * link register at the first frame (the debugger's, or g.sched.lr), 0
 * when unknown; a frameless first function returns there. live_level >= 0
 * means the first frame is the debugger's selected frame at that level.
 * *frames is malloc'd. */
struct gl_error *gl_unwind(struct gl_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, int live_level,
			   uint64_t lo, uint64_t hi, struct gl_uframe **frames, size_t *n);
/* The same, at most max physical frames (the last says GL_STOP_MAX_FRAMES
 * when the stack goes on). */
struct gl_error *gl_unwind_max(struct gl_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, int live_level,
			       uint64_t lo, uint64_t hi, size_t max, struct gl_uframe **frames, size_t *n);

#endif
