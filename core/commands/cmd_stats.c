/* golayout stats: how much golayout asked of the debugger. */
#include "commands/commands.h"
#include "doc/stats_doc.h"
#include "render/stats_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	if (!c->opts.json)
		gl_stats_text(c, c->mem);
	else if (!(*docp = gl_stats_doc(c, c->mem)))
		return &gl_error_nomem;
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
