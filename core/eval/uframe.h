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

/* The selected frame's SP; false when there is no selected frame. */
bool gl_selected_sp(struct gl_ctx *c, uint64_t *sp);

/* Goroutine g's frames into *frames (malloc'd). current: the selected
 * frame is on g's stack. *from_selected tells where unwinding started. */
struct gl_error *gl_goroutine_unwind(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
				     struct gl_uframe **frames, size_t *n, bool *from_selected);

/* Where a goroutine is: the function of its innermost frame, and the
 * first frame outside the runtime (what a Go developer recognises). */
struct gl_where {
	const char *func;        /* NULL when unwinding gave nothing */
	const char *user_func;   /* NULL when every frame is the runtime's */
	const char *file;        /* of user_func */
	int64_t line;
};
void gl_goroutine_where(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
			struct gl_where *w);

#endif
