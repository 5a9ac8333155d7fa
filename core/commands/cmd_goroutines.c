/* golayout goroutines: every goroutine from runtime.allgs with its status,
 * wait reason, stack bounds and use, function and thread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "commands/commands.h"
#include "eval/uframe.h"
#include "runtime/goroutines.h"

static void count(struct gl_goroutine_list *l, const char *status)
{
	size_t i = 0;
	while (i < l->ncounts && strcmp(l->counts[i].status, status))
		i++;
	if (i == l->ncounts) {
		if (l->ncounts == sizeof(l->counts) / sizeof(l->counts[0]))
			return;
		snprintf(l->counts[l->ncounts++].status, sizeof(l->counts[0].status), "%s", status);
	}
	l->counts[i].n++;
}

/* Whether the filters (--status, --dead) let g through. */
static bool status_shown(const struct gl_opts *o, const struct gl_goroutine *g)
{
	if (!o->dead && g->state == GL_G_DEAD && !(o->status && !strcmp(o->status, "dead")))
		return false;
	return !o->status || !strcmp(o->status, g->status_name);
}

static bool func_shown(const struct gl_opts *o, const struct gl_where *w)
{
	return !o->func || (w->func && strstr(w->func, o->func)) ||
	       (w->user_func && strstr(w->user_func, o->func));
}

static bool add_row(struct gl_goroutine_list *l, const struct gl_goroutine_row *r)
{
	if (!GL_ARRAY_RESERVE(l->rows, l->cap, l->shown, 64))
		return false;
	l->rows[l->shown++] = *r;
	return true;
}

/* Bytes above a parked goroutine's sched.sp prefetched for finding where
 * it is: gopark, the runtime's few frames and the caller's lie there. */
#define WHERE_STACK_BYTES 2048

static struct gl_error *list(struct gl_ctx *c, const struct gl_opts *o, struct gl_goroutine_list *l)
{
	struct gl_goroutine_iter *it;
	struct gl_error *err = gl_goroutines_open(c, &it);
	if (err)
		return err;
	if (o->status && (err = gl_goroutines_status_check(it, o->status))) {
		gl_error_destroy(gl_goroutines_close(it));
		return err;
	}
	uint64_t sel_sp = gl_selected_sp(c);
	size_t limit = o->all ? (size_t)-1 : o->limit_set ? (size_t)o->limit : (o->json ? (size_t)-1 : 64);
	/* where each goroutine is takes unwinding a few frames of its stack:
	 * with the gs, read the top of their stacks in bulk; rows beyond the
	 * limit need no unwinding unless --func must look at them */
	gl_goroutines_prefetch_stacks(it, WHERE_STACK_BYTES);
	struct gl_goroutine_row r;
	while (gl_goroutines_next(it, &r.g)) {
		l->total++;
		count(l, r.g.status_name);
		if (!status_shown(o, &r.g))
			continue;
		if (l->shown >= limit && !o->func) {
			l->matched++;
			gl_goroutines_prefetch_stacks(it, 0);
			continue;
		}
		r.current = gl_goroutine_is_selected(&r.g, sel_sp);
		gl_goroutine_where(c, &r.g, r.current, &r.where);
		/* sel_sp may be on the thread's system stack, not the goroutine's */
		r.sp = r.where.sp ? r.where.sp : r.current && gl_goroutine_holds(&r.g, sel_sp) ? sel_sp : r.g.sp;
		if (!func_shown(o, &r.where))
			continue;
		l->matched++;
		if (l->shown < limit && !add_row(l, &r))
			break;
	}
	return gl_goroutines_close(it);
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	err = list(c, o, &w->u.goroutines);
	/* an unreadable goroutine is skipped; with none read, only the error */
	if (!err || w->u.goroutines.total)
		w->kind = GL_VIEW_GOROUTINES;
	else
		free(w->u.goroutines.rows);
	return err;
}

const struct gl_command gl_cmd_goroutines = {
	.name = "goroutines",
	.summary = "List goroutines: status, wait reason, stack bounds and use, function.",
	.help = "Usage: golayout goroutines [--status S] [--func SUBSTR] [--dead] [--limit N | --all] [--json]\n"
		"\n"
		"Every goroutine in runtime.allgs: goid, status (names and wait reasons read\n"
		"from the binary, so new statuses of new Go versions show by name), stack\n"
		"lo..hi, bytes in use from the saved (or live) SP, the function it is in and\n"
		"the first frame outside the runtime and internal/ packages, and its M's thread.\n"
		"* marks the goroutine of the selected frame; where it is shows its innermost\n"
		"frame, and a line of its own shows the selected frame when that is another\n"
		"(\"selected_frame\" in JSON). Dead goroutines are omitted\n"
		"unless --dead or --status dead. Works in core files.",
	.opts = GL_OPT_LIMIT | GL_OPT_GFILTER | GL_OPT_SVG,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};
