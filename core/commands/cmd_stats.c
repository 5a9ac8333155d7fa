/* golayout stats: how much golayout asked of the debugger. */
#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	(void)o;
	w->kind = GL_VIEW_STATS;
	w->u.stats = c->mem;
	return NULL;
}

const struct gl_command gl_cmd_stats = {
	.name = "stats",
	.summary = "Show how many memory reads golayout made through the debugger.",
	.help = "Usage: golayout stats [--json]\n"
		"\n"
		"Counts backend reads and bytes, requests served from golayout's per-stop\n"
		"page cache, and unreadable pages, since the debugger session began.",
	.min_args = 0,
	.max_args = 0,
	.run = run,
};
