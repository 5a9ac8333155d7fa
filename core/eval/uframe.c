#include <stdlib.h>
#include <string.h>

#include "eval/uframe.h"

void gl_uframe_to_frame(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->level = u->level;
	f->pc = u->pc;
	f->sp = u->sp;
	f->cfa = u->cfa;
	f->lookup_pc = u->level > 0 && u->pc ? u->pc - 1 : u->pc;
	f->func = c->t->dw ? gl_dwarf_func_at(c->t->dw, f->lookup_pc) : NULL;
	f->func_name = u->func;
}

bool gl_selected_sp(struct gl_ctx *c, uint64_t *sp)
{
	*sp = 0;
	return c->be->read_register && c->be->read_register(c->be->ctx, "rsp", sp) == GL_BACKEND_OK;
}

struct gl_error *gl_goroutine_unwind(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
				     struct gl_uframe **frames, size_t *n, bool *from_selected)
{
	uint64_t pc = g->pc, sp = g->sp;
	int live = -1;
	struct gl_frame sel;
	struct gl_error *err = NULL;
	if (current && !(err = gl_frame_selected(c, &sel))) {
		pc = sel.pc;
		sp = sel.sp;
		live = (int)sel.level;
	}
	gl_error_destroy(err);
	*from_selected = live >= 0;
	return gl_unwind(c, pc, sp, live, g->stack_lo, g->stack_hi, frames, n);
}

/* Frames looked at for the first one outside the runtime. */
#define WHERE_FRAMES 64

void gl_goroutine_where(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
			struct gl_where *w)
{
	memset(w, 0, sizeof(*w));
	struct gl_uframe *fr;
	size_t n;
	bool from_selected;
	struct gl_error *err = gl_goroutine_unwind(c, g, current, &fr, &n, &from_selected);
	if (err) {
		gl_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < n && i < WHERE_FRAMES; i++) {
		if (i == 0)
			w->func = fr[i].func;
		if (strncmp(fr[i].func, "runtime.", 8) && strcmp(fr[i].func, "?")) {
			w->user_func = fr[i].func;
			w->file = fr[i].file;
			w->line = fr[i].line;
			break;
		}
	}
	free(fr);
}
