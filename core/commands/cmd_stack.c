/* golayout stack [GOID]: a goroutine's stack from hi down to lo, frame by
 * frame, with each frame's extent, its return-address and frame-pointer
 * slots, and the arguments and locals DWARF places in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/number.h"
#include "commands/commands.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "runtime/escape.h"

/* Without DWARF there is no goroutine list and there are no variables,
 * but the pclntab still gives functions, lines and frame sizes: unwind the
 * selected frame's stack and say what is missing. */
static struct gl_error *unwind_without_dwarf(struct gl_ctx *c, const struct gl_opts *o,
					     struct gl_stack *s)
{
	if (o->nargs)
		return gl_error_create(GL_ERR_NODWARF, "%s has no DWARF: goroutines other than the "
				       "selected one cannot be found", c->t->path);
	struct gl_frame sel;
	struct gl_error *err = gl_frame_selected(c, &sel);
	if (err)
		return err;
	/* no g, so no stack bounds: allow the frames up to 1 GiB above the
	 * selected SP (the innermost frame is below it) */
	if ((err = gl_unwind_selected(c, &sel, 0, sel.sp + (1ull << 30), &s->frames, &s->n, &s->from)))
		return err;
	gl_stack_ptrs_read(c, s, 0, sel.sp + (1ull << 30));
	return NULL;
}

/* The goroutine GOID (a live one), or the one the selected frame is on. */
static struct gl_error *find_goroutine(struct gl_ctx *c, const struct gl_opts *o,
				       struct gl_goroutine *g, bool *current)
{
	uint64_t want = 0;
	if (o->nargs && !gl_parse_u64(o->args[0], &want))
		return gl_error_create(GL_ERR_USAGE, "GOID must be a number, not \"%s\"", o->args[0]);
	struct gl_goroutine_iter *it;
	struct gl_error *err = gl_goroutines_open(c, &it);
	if (err)
		return err;
	uint64_t sel_sp = gl_selected_sp(c);
	bool found = false;
	while (!found && gl_goroutines_next(it, g))
		found = o->nargs ? g->goid == want && g->state != GL_G_DEAD
				 : gl_goroutine_is_selected(g, sel_sp);
	/* an unreadable goroutine is not the one asked for */
	gl_error_destroy(gl_goroutines_close(it));
	if (!found) {
		if (o->nargs)
			return gl_error_create(GL_ERR_LOOKUP, "no live goroutine %llu (see golayout goroutines)",
					       (unsigned long long)want);
		return gl_error_create(GL_ERR_LOOKUP,
				       "the selected frame is on no goroutine stack, nor on the system stack of "
				       "a thread running a goroutine: give a GOID");
	}
	*current = gl_goroutine_is_selected(g, sel_sp);
	return NULL;
}

static struct gl_error *unwind(struct gl_ctx *c, const struct gl_opts *o, struct gl_stack *s)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	/* Without DWARF the goroutines are still found with the built-in
	 * runtime layouts (gotypes/rtlayout_db.h); without those either, only
	 * the selected frame's stack is there. */
	const struct gl_rtlayout *L;
	if (!t->dw && ((err = gl_rt_load_globals(c, &L)) || !gl_rt_global(L, GL_RTG_ALLGS).present)) {
		gl_error_destroy(err);
		return unwind_without_dwarf(c, o, s);
	}
	if (o->escape) {
		struct gl_escapes *e;
		if ((err = gl_escapes_load(o->escape, &e)))
			return err;
		gl_escapes_destroy(*c->escapes);
		*c->escapes = e;
	}
	bool current = false;
	if ((err = find_goroutine(c, o, &s->g, &current)))
		return err;
	s->has_g = true;
	s->no_dwarf = !t->dw;
	s->escape_file = gl_escapes_path(*c->escapes);
	if ((err = gl_goroutine_unwind(c, &s->g, current, &s->frames, &s->n, &s->from)))
		return err;
	gl_stack_vars_read(c, s->frames, s->n, *c->escapes, &s->vars);
	gl_stack_ptrs_read(c, s, s->g.stack_lo, s->g.stack_hi);
	return NULL;
}

/* Shown only when the whole stack unwound. */
static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = unwind(c, o, &w->u.stack);
	w->u.stack.all_vars = o->all_vars;
	if (err)
		gl_stack_deinit(&w->u.stack);
	else
		w->kind = GL_VIEW_STACK;
	return err;
}

const struct gl_command gl_cmd_stack = {
	.name = "stack",
	.summary = "Lay out a goroutine's stack: frames, their extents, slots and locals.",
	.help = "Usage: golayout stack [GOID] [--escape FILE] [--all-vars] [--json]\n"
		"\n"
		"Default: the goroutine of the selected frame, its whole stack (from the\n"
		"innermost frame even when an outer one is selected), the selected frame\n"
		"marked * (\"selected\": true in JSON). With a GOID (see golayout goroutines):\n"
		"that goroutine, unwound from its saved scheduling state with golayout's own\n"
		"unwinder over the Go pclntab, so parked goroutines and core files work the\n"
		"same. A goroutine a thread runs (running, in a system call, on the system\n"
		"stack) is unwound from that thread's registers: frames on the thread's\n"
		"system stack (g0, gsignal) come first, under a \"--- system stack (g0) ---\"\n"
		"line (\"stack\": \"g0\" in JSON), then the goroutine's own from where the\n"
		"runtime switched (runtime.systemstack_switch). Without a GOID a selected\n"
		"frame on such a system stack means the goroutine its thread runs.\n"
		"In a signal handler (gsignal) the frames go on past runtime.sigtramp with\n"
		"those the signal interrupted, from the registers the kernel saved (linux\n"
		"amd64, 386, arm64), under a \"--- signal SIGSEGV ... interrupted ---\" line\n"
		"(\"interrupted_by\" on that frame and \"signal\" in JSON).\n"
		"For each frame: function, file:line, SP..CFA,\n"
		"frame size, the return-address and saved-frame-pointer slots, and the\n"
		"arguments and locals DWARF places in it, with offsets and %v values, and\n"
		"its GC pointer slots (the words the collector scans, from the pclntab's\n"
		"stack maps, named after their variables when DWARF has them).\n"
		"--escape FILE  annotate locals with the compiler's escape analysis, from the\n"
		"               output of go build -gcflags=-m (kept for later commands;\n"
		"               also: golayout escape load FILE)\n"
		"--all-vars     also the locals declared after the line a frame is at (their\n"
		"               slots hold whatever was there before), marked so; without\n"
		"               it a line per frame says how many are left out.",
	.opts = GL_OPT_ESCAPE | GL_OPT_ALLVARS | GL_OPT_SVG,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};
