/* golayout gc: the collector's state (phase, write barrier, cycle count,
 * GOGC and memory limit, heap goal, live and marked bytes, read by DWARF
 * field name from runtime.gcController, runtime.work, runtime.memstats),
 * every span of mheap_.allspans summed per size class, and a heat map of
 * how full each heap arena is. Spans are read in bulk: the allspans array
 * in chunks, the mspan structures sorted by address and read in runs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/number.h"
#include "commands/commands.h"
#include "runtime/heapgraph.h"

/* --top [N] [--by root|type|site]: the heap graph's dominator tree. */
static struct gl_error *top(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	uint64_t n = GL_DEFAULT_LIMIT;
	enum gl_hg_by by = GL_HG_BY_ROOT;
	if (o->nargs && !gl_parse_u64(o->args[0], &n))
		return gl_error_create(GL_ERR_USAGE, "gc --top takes a number of rows, not %s", o->args[0]);
	if (o->limit_set)
		n = (uint64_t)o->limit;
	if (o->all)
		n = UINT64_MAX;
	if (o->by && !strcmp(o->by, "type"))
		by = GL_HG_BY_TYPE;
	else if (o->by && !strcmp(o->by, "site"))
		by = GL_HG_BY_SITE;
	else if (o->by && strcmp(o->by, "root"))
		return gl_error_create(GL_ERR_USAGE, "--by takes root, type or site, not %s", o->by);
	struct gl_hg_view *v = calloc(1, sizeof(*v));
	if (!v)
		return &gl_error_nomem;
	v->mode = GL_HG_TOP;
	struct gl_heapgraph hg;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct gl_error *err = gl_heapgraph_build(c, &hg);
	/* only the rows by type show types: the walk that infers them costs
	 * four times the graph itself, which --by root and --by site skip */
	if (!err && !o->no_infer && by == GL_HG_BY_TYPE)
		gl_hg_infer_types(&hg);
	if (err) {
		free(v);
		return err;
	}
	w->kind = GL_VIEW_HEAPGRAPH;
	w->u.hg = v;
	err = gl_hg_top(&hg, by, n, &v->top);
	gl_heapgraph_deinit(&hg);
	v->seconds = gl_seconds_since(&t0);
	if (err && err->code != GL_ERR_INTERRUPTED)
		gl_view_deinit(w);
	return err;
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_ctx_need_process(c)))
		return err;
	if (o->top)
		return top(c, o, w);
	if (o->nargs || o->by)
		return gl_error_create(GL_ERR_USAGE, "gc takes %s only with --top", o->nargs ? "a number" : "--by");
	w->limit = o->all ? UINT64_MAX : (uint64_t)o->limit;
	err = gl_gc_state_read(c, &w->u.gc);
	/* before the runtime is up, only that is worth saying */
	if (err && err->code == GL_ERR_NOTREADY)
		gl_gc_state_deinit(&w->u.gc);
	else
		w->kind = GL_VIEW_GC;
	return err;
}

const struct gl_command gl_cmd_gc = {
	.name = "gc",
	.summary = "Show the GC: phase, cycles, GOGC, heap goal, spans per size class, heap map.",
	.help = "Usage: golayout gc [--limit N | --all] [--json]\n"
		"       golayout gc --top [N] [--by root|type|site] [--no-infer] [--json]\n"
		"\n"
		"The collector's phase (runtime.gcphase), whether the write barrier is on,\n"
		"the cycle count (work.cycles and memstats.numgc), GOGC and the memory limit,\n"
		"the heap goal (as the pacer computes it from GOGC; the memory-limit goal is\n"
		"not computed), live and last-marked bytes; every span of mheap_.allspans by\n"
		"state, a table per size class (spans, pages, objects in use of the slots,\n"
		"bytes, fragmentation = span bytes not in allocated slots), and a heat map of\n"
		"each heap arena, one cell per 1/64 of an arena (--limit N arenas, default\n"
		"16; --all).\n"
		"--top [N]: the N roots (default 16) retaining the most bytes, from the\n"
		"dominator tree of the whole heap graph (bytes reachable only through the\n"
		"root); --by type: per type (malloc-header and largeType types, and types\n"
		"inferred for small objects, as heap --why; --no-infer: not), an object's\n"
		"retained bytes counted unless its immediate dominator is of its type;\n"
		"--by site: per allocation site (the allocating function and file:line, from\n"
		"the memory-profile special the runtime attaches to a sampled object; with\n"
		"runtime.MemProfileRate = 1 every object has one), counted unless the\n"
		"immediate dominator was allocated at the same site; objects not sampled\n"
		"form one row.",
	.opts = GL_OPT_LIMIT | GL_OPT_SVG | GL_OPT_TOP,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};
