#include <stdlib.h>
#include <string.h>

#include "eval/uframe.h"
#include "runtime/sigframe.h"

void gl_uframe_to_frame(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->level = u->level;
	f->pc = u->pc;
	f->sp = u->sp;
	f->cfa = u->cfa;
	/* above frame 0, and at a goroutine's saved state, pc follows a call */
	f->lookup_pc = u->level > 0 && u->pc && !u->exact_pc ? u->pc - 1 : u->pc;
	f->func = c->t->dw ? gl_dwarf_func_at(c->t->dw, f->lookup_pc) : NULL;
	f->func_name = u->func;
}

uint64_t gl_selected_sp(struct gl_ctx *c)
{
	uint64_t sp = 0;
	if (c->t->arch && c->be->read_register &&
	    c->be->read_register(c->be->ctx, c->t->arch->reg_sp, &sp) == GL_BACKEND_OK)
		return sp;
	return 0;
}

/* The innermost frame's PC and SP, when the debugger tells them, and its
 * link register on LR machines (0 when none or unknown). */
static bool innermost(struct gl_ctx *c, uint64_t *pc, uint64_t *sp, uint64_t *lr)
{
	const struct gl_backend *be = c->be;
	const struct gl_arch *a = c->t->arch;
	*lr = 0;
	if (!(a && be->version >= 2 && be->innermost_register &&
	      be->innermost_register(be->ctx, a->reg_pc, pc) == GL_BACKEND_OK &&
	      be->innermost_register(be->ctx, a->reg_sp, sp) == GL_BACKEND_OK))
		return false;
	if (a->reg_lr && be->innermost_register(be->ctx, a->reg_lr, lr) != GL_BACKEND_OK)
		*lr = 0;
	return true;
}

/* The selected frame's link register when it is frame 0 of an LR
 * machine (an outer frame's LR is not its return address), else 0. */
static uint64_t selected_lr(struct gl_ctx *c, const struct gl_frame *sel)
{
	uint64_t lr = 0;
	const char *reg = c->t->arch ? c->t->arch->reg_lr : NULL;
	if (sel->level == 0 && reg && c->be->read_register &&
	    c->be->read_register(c->be->ctx, reg, &lr) != GL_BACKEND_OK)
		lr = 0;
	return lr;
}

/* Mark the physical frame the debugger selected (same SP, same return
 * address): its registers are the ones the backend reads. */
static bool mark_selected(struct gl_uframe *fr, size_t n, const struct gl_frame *sel)
{
	for (size_t i = 0; i < n; i++)
		if (!fr[i].inlined && fr[i].sp == sel->sp && fr[i].pc == sel->pc) {
			fr[i].selected = fr[i].live = true;
			fr[i].level = sel->level;
			return true;
		}
	return false;
}

struct gl_error *gl_unwind_selected(struct gl_ctx *c, const struct gl_frame *sel, uint64_t lo,
				    uint64_t hi, struct gl_uframe **frames, size_t *n,
				    enum gl_unwound_from *from)
{
	/* An outer frame is selected: unwind from the innermost one, so the
	 * whole stack shows, when that reaches the selected frame. */
	uint64_t pc0, sp0, lr0;
	if (sel->level > 0 && innermost(c, &pc0, &sp0, &lr0) && sp0 >= lo && sp0 < hi) {
		struct gl_error *err = gl_unwind(c, pc0, sp0, lr0, -1, lo, hi, frames, n);
		if (!err && mark_selected(*frames, *n, sel)) {
			*from = GL_FROM_INNERMOST;
			/* the innermost frame is not the selected one: its level
			 * keeps the debugger's registers away from it, its pc is
			 * still where it is, not a return address */
			for (size_t i = 0; i < *n; i++) {
				(*frames)[i].exact_pc = true;
				if (!(*frames)[i].inlined)
					break; /* the physical frame 0 */
			}
			return NULL;
		}
		gl_error_destroy(err);
		free(*frames);
	}
	*from = GL_FROM_SELECTED;
	return gl_unwind(c, sel->pc, sel->sp, selected_lr(c, sel), (int)sel->level, lo, hi, frames, n);
}

bool gl_goroutine_is_selected(const struct gl_goroutine *g, uint64_t sel_sp)
{
	return sel_sp && gl_goroutine_stack_of(g, sel_sp) != GL_ON_NONE;
}

/* The PC and SP of the thread running g, when it is not the selected
 * one and the debugger can read another thread's registers. */
static bool thread_regs(struct gl_ctx *c, const struct gl_goroutine *g, uint64_t *pc, uint64_t *sp,
			uint64_t *lr)
{
	const struct gl_backend *be = c->be;
	const struct gl_arch *a = c->t->arch;
	*lr = 0;
	return a && g->m_runs_it && g->thread && be->version >= 4 && be->thread_register &&
	       be->thread_register(be->ctx, g->thread, a->reg_pc, pc) == GL_BACKEND_OK &&
	       be->thread_register(be->ctx, g->thread, a->reg_sp, sp) == GL_BACKEND_OK &&
	       (!a->reg_lr || be->thread_register(be->ctx, g->thread, a->reg_lr, lr) == GL_BACKEND_OK);
}

static void stack_bounds(const struct gl_goroutine *g, enum gl_stack_kind on, uint64_t *lo, uint64_t *hi)
{
	*lo = on == GL_ON_G0 ? g->g0_lo : on == GL_ON_GSIGNAL ? g->gsignal_lo : g->stack_lo;
	*hi = on == GL_ON_G0 ? g->g0_hi : on == GL_ON_GSIGNAL ? g->gsignal_hi : g->stack_hi;
}

/* Whether the system-stack frames that end at frame u continue on g's
 * own stack from g.sched: runtime.systemstack and runtime.mcall saved
 * it before they switched, runtime.morestack saved the growing
 * function's state. Below runtime.mstart (a systemstack call made the
 * system stack look like a fresh one) only when g.sched says it is
 * parked in runtime.systemstack_switch. */
static bool joins_sched(struct gl_ctx *c, const struct gl_goroutine *g, const struct gl_uframe *u)
{
	if (!g->sched_sp || g->sched_sp < g->stack_lo || g->sched_sp >= g->stack_hi)
		return false;
	if (u->stop == GL_STOP_SYSTEMSTACK || u->stop == GL_STOP_MORESTACK)
		return true;
	struct gl_pcfunc pf;
	return u->stop == GL_STOP_BOTTOM_SYSTEM && gl_pclntab_func(&c->t->pcln, g->sched_pc, &pf) &&
	       !strcmp(pf.name, "runtime.systemstack_switch");
}

/* Appends the m frames more (unwound on stack `on`) to *frames; false,
 * and more freed, when out of memory. Levels go on from the frames
 * before: only the selected frame's level names the debugger's registers. */
static bool append(struct gl_uframe **frames, size_t *n, struct gl_uframe *more, size_t m,
		   enum gl_stack_kind on)
{
	struct gl_uframe *all = realloc(*frames, (*n + m) * sizeof(*all));
	if (!all) {
		free(more);
		return false;
	}
	uint32_t base = all[*n - 1].level;
	for (size_t i = 0; i < m; i++) {
		more[i].on = on;
		more[i].level += base;
	}
	memcpy(all + *n, more, m * sizeof(*all));
	free(more);
	*frames = all;
	*n += m;
	return true;
}

/* The frames a signal interrupted, after runtime.sigtramp's (the last
 * of *frames): unwound from the registers the kernel saved, when their
 * SP lies on g's stack or its thread's g0 stack (*on says which). Once
 * per unwind: a context pointing back into the signal stack is not
 * followed. */
static bool join_signal(struct gl_ctx *c, const struct gl_goroutine *g, size_t max, struct gl_uframe **frames,
			size_t *n, enum gl_stack_kind *on)
{
	struct gl_sigctx sc;
	struct gl_error *err = gl_sigframe_read(c, &(*frames)[*n - 1], &sc);
	enum gl_stack_kind to = err ? GL_ON_NONE : gl_goroutine_stack_of(g, sc.sp);
	gl_error_destroy(err);
	if (to != GL_ON_GOROUTINE && to != GL_ON_G0)
		return false;
	uint64_t lo, hi;
	stack_bounds(g, to, &lo, &hi);
	struct gl_uframe *more;
	size_t m;
	if ((err = gl_unwind_max(c, sc.pc, sc.sp, sc.lr, -1, lo, hi, max, &more, &m)) || !m) {
		gl_error_destroy(err);
		free(more);
		return false;
	}
	/* the pc is the instruction the signal stopped (or that faulted),
	 * not a return address */
	for (size_t i = 0; i < m; i++) {
		more[i].exact_pc = more[i].interrupted = true;
		more[i].signo = sc.signo;
		more[i].signal_addr = sc.addr;
		if (!more[i].inlined)
			break;
	}
	*on = to;
	return append(frames, n, more, m, to);
}

/* Frames unwound on stack `on` get their mark; a signal handler's are
 * followed by the frames the signal interrupted, system-stack frames by
 * g's own, from g.sched, where the runtime switched. When that cannot be
 * unwound (out of memory, an unreadable context) the frames stay, their
 * last one saying where they switched. */
static void join(struct gl_ctx *c, const struct gl_goroutine *g, enum gl_stack_kind on, size_t max,
		 struct gl_uframe **frames, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		(*frames)[i].on = on;
	if (on == GL_ON_GSIGNAL && *n && (*frames)[*n - 1].stop == GL_STOP_SIGNAL &&
	    !join_signal(c, g, max, frames, n, &on))
		return;
	if (on == GL_ON_GOROUTINE || !*n || !joins_sched(c, g, &(*frames)[*n - 1]))
		return;
	struct gl_uframe *more;
	size_t m;
	struct gl_error *err = gl_unwind_max(c, g->sched_pc, g->sched_sp, g->sched_lr, -1, g->stack_lo,
					     g->stack_hi, max, &more, &m);
	if (err) {
		gl_error_destroy(err);
		return;
	}
	append(frames, n, more, m, GL_ON_GOROUTINE);
}

/* Unwind from the registers of the thread running g (another than the
 * selected one); false when there is none to read or its PC is in no Go
 * function (e.g. in the vDSO), for the saved state to serve instead. */
static bool from_thread(struct gl_ctx *c, const struct gl_goroutine *g, size_t max,
			struct gl_uframe **frames, size_t *n, struct gl_error **err)
{
	uint64_t pc, sp, lr, lo, hi;
	enum gl_stack_kind on;
	if (!thread_regs(c, g, &pc, &sp, &lr) || (on = gl_goroutine_stack_of(g, sp)) == GL_ON_NONE)
		return false;
	stack_bounds(g, on, &lo, &hi);
	if ((*err = gl_unwind_max(c, pc, sp, lr, -1, lo, hi, max, frames, n)))
		return true;
	if (*n == 0 || (*frames)[0].stop == GL_STOP_NO_FUNC) {
		free(*frames);
		return false;
	}
	/* frame 0 (and the calls inlined in it) is where the thread is, not
	 * a return address; its registers are not the debugger's selected
	 * ones, so it is not live */
	for (size_t i = 0; i < *n; i++) {
		(*frames)[i].exact_pc = true;
		if (!(*frames)[i].inlined)
			break;
	}
	join(c, g, on, max, frames, n);
	return true;
}

/* gl_goroutine_unwind, at most max frames on each stack when g is not
 * the current goroutine */
static struct gl_error *goroutine_unwind(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
					 size_t max, struct gl_uframe **frames, size_t *n,
					 enum gl_unwound_from *from)
{
	struct gl_frame sel;
	struct gl_error *err = current ? gl_frame_selected(c, &sel) : NULL;
	enum gl_stack_kind on = current && !err ? gl_goroutine_stack_of(g, sel.sp) : GL_ON_NONE;
	if (on != GL_ON_NONE) {
		uint64_t lo, hi;
		stack_bounds(g, on, &lo, &hi);
		if (!(err = gl_unwind_selected(c, &sel, lo, hi, frames, n, from)))
			join(c, g, on, GL_MAX_FRAMES, frames, n);
		return err;
	}
	gl_error_destroy(err);
	if (!current && from_thread(c, g, max, frames, n, &err)) {
		*from = GL_FROM_THREAD;
		return err;
	}
	*from = GL_FROM_SCHED;
	if (!(err = gl_unwind_max(c, g->pc, g->sp, g->lr, -1, g->stack_lo, g->stack_hi, max, frames, n)))
		join(c, g, GL_ON_GOROUTINE, max, frames, n);
	return err;
}

struct gl_error *gl_goroutine_unwind(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
				     struct gl_uframe **frames, size_t *n, enum gl_unwound_from *from)
{
	return goroutine_unwind(c, g, current, GL_MAX_FRAMES, frames, n, from);
}

/* Frames looked at for the first one outside the runtime: first a few,
 * then more when none of those is. */
#define WHERE_FIRST_FRAMES 8
#define WHERE_FRAMES 64

/* The first frame outside the runtime and the standard library's
 * internal packages (internal/poll.runtime_pollWait, internal/sync...),
 * which are not where a goroutine is to a reader of its code (as Delve);
 * NULL if none of the first WHERE_FRAMES is. */
static const struct gl_uframe *user_frame(const struct gl_uframe *fr, size_t n)
{
	for (size_t i = 0; i < n && i < WHERE_FRAMES; i++)
		if (strncmp(fr[i].func, "runtime.", 8) && strncmp(fr[i].func, "internal/", 9) &&
		    strcmp(fr[i].func, "?"))
			return &fr[i];
	return NULL;
}

void gl_goroutine_where(struct gl_ctx *c, const struct gl_goroutine *g, bool current,
			struct gl_where *w)
{
	memset(w, 0, sizeof(*w));
	struct gl_uframe *fr;
	size_t n;
	enum gl_unwound_from from;
	/* the selected frame may lie deep in the current goroutine; another
	 * one is looked at down to its first frame outside the runtime,
	 * mostly within a few frames of where it parked (and the stack
	 * pages further down need not be read) */
	struct gl_error *err = goroutine_unwind(c, g, current, current ? GL_MAX_FRAMES : WHERE_FIRST_FRAMES, &fr,
						&n, &from);
	if (!err && !current && n && fr[n - 1].stop == GL_STOP_MAX_FRAMES && !user_frame(fr, n)) {
		free(fr);
		err = goroutine_unwind(c, g, current, WHERE_FRAMES, &fr, &n, &from);
	}
	if (err) {
		gl_error_destroy(err);
		return;
	}
	if (n)
		w->func = fr[0].func;
	for (size_t i = 0; i < n && !w->sp; i++)
		if (fr[i].on == GL_ON_GOROUTINE)
			w->sp = fr[i].sp;
	const struct gl_uframe *u = user_frame(fr, n);
	if (u) {
		w->user_func = u->func;
		w->file = u->file;
		w->line = u->line;
		w->user_index = (size_t)(u - fr);
	}
	for (size_t i = 0; i < n && !w->has_selected; i++) {
		if (!fr[i].selected)
			continue;
		w->has_selected = true;
		w->selected_index = i;
		w->selected_func = fr[i].func;
		w->selected_file = fr[i].file;
		w->selected_line = fr[i].line;
	}
	free(fr);
}
