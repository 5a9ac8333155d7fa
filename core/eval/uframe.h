/* Frames found by the unwinder (runtime/unwind.h) as the evaluator sees
 * them, and a goroutine's frames as the user sees them: unwound from the
 * selected frame when it is on the goroutine's stack, else from the
 * goroutine's saved scheduling state. */
#ifndef GL_UFRAME_H
#define GL_UFRAME_H

#include "eval/frame.h"
#include "runtime/goroutines.h"
#include "runtime/unwind.h"

/* A gl_frame for a frame found by the unwinder, for gl_var_value. */
void gl_uframe_to_frame(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame *f);

/* The selected frame's SP, which tells the goroutine it is on (with
 * gl_goroutine_holds); 0 when there is no selected frame. */
uint64_t gl_selected_sp(struct gl_ctx *c);

/* Where unwinding a goroutine started. */
enum gl_unwound_from {
	GL_FROM_SCHED,     /* its saved scheduling state (g.sched, or the syscall state) */
	GL_FROM_SELECTED,  /* the selected frame (the innermost, or the innermost is unknown) */
	GL_FROM_INNERMOST, /* the innermost frame of the selected thread, an outer frame selected */
	GL_FROM_THREAD,    /* the registers of the thread running it (not the selected one) */
};

/* Whether the selected frame (at SP sel_sp) is g's: on its stack, or on
 * a system stack of the M running it (runtime.systemstack, a signal). */
bool gl_goroutine_is_selected(const struct gl_goroutine *g, uint64_t sel_sp);

/* The selected thread's stack within [lo, hi), innermost first: from
 * the innermost frame when an outer one is selected and the debugger
 * tells the innermost one's registers, else from the selected frame.
 * The selected frame is marked (selected, and live: its registers are
 * the debugger's). */
struct gl_error *gl_unwind_selected(struct gl_ctx *c, const struct gl_frame *sel, uint64_t lo,
				    uint64_t hi, struct gl_uframe **frames, size_t *n,
				    enum gl_unwound_from *from);

/* Goroutine g's whole stack into *frames (malloc'd), innermost first.
 * current: the selected frame is g's (gl_goroutine_is_selected); then
 * that frame is marked (selected, and live: its registers are the
 * debugger's). A goroutine an M runs is unwound from that thread's
 * registers (the selected thread's, or through the backend's
 * thread_register): on a system stack first (frames marked GL_ON_G0 or
 * GL_ON_GSIGNAL), joining its own stack where the runtime switched
 * (g.sched), as Delve does; in a system call through the kernel-call
 * frames. Otherwise from its saved state (g.sched or the syscall
 * state). */
struct gl_error *gl_goroutine_unwind(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
				     struct gl_uframe **frames, size_t *n, enum gl_unwound_from *from);

/* Where a goroutine is: the function of its innermost frame, and the
 * first frame outside the runtime (what a Go developer recognises). */
struct gl_where {
	const char *func;        /* NULL when unwinding gave nothing */
	const char *user_func;   /* NULL when every frame is the runtime's */
	const char *file;        /* of user_func */
	int64_t line;
	size_t user_index;       /* user_func's frame */
	uint64_t sp;             /* SP of the innermost frame on the goroutine's own stack, 0 when
				  * unwinding gave none */
	bool has_selected;       /* the selected frame is one of the goroutine's: */
	size_t selected_index;   /* its index among the frames (as golayout stack numbers them) */
	const char *selected_func, *selected_file;
	int64_t selected_line;
};
void gl_goroutine_where(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
			struct gl_where *w);

#endif
