/* golayout gc: the collector's state (phase, write barrier, cycle count,
 * GOGC and memory limit, heap goal, live and marked bytes, read by DWARF
 * field name from runtime.gcController, runtime.work, runtime.memstats),
 * every span of mheap_.allspans summed per size class, and a heat map of
 * how full each heap arena is. Spans are read in bulk: the allspans array
 * in chunks, the mspan structures sorted by address and read in runs. */
#include <stdint.h>

#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_ctx_need_process(c)))
		return err;
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
		"\n"
		"The collector's phase (runtime.gcphase), whether the write barrier is on,\n"
		"the cycle count (work.cycles and memstats.numgc), GOGC and the memory limit,\n"
		"the heap goal (as the pacer computes it from GOGC; the memory-limit goal is\n"
		"not computed), live and last-marked bytes; every span of mheap_.allspans by\n"
		"state, a table per size class (spans, pages, objects in use of the slots,\n"
		"bytes, fragmentation = span bytes not in allocated slots), and a heat map of\n"
		"each heap arena, one cell per 1/64 of an arena (--limit N arenas, default\n"
		"16; --all).",
	.opts = GL_OPT_LIMIT | GL_OPT_SVG,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};
