/* golayout chan EXPR: the hchan behind a channel: counts, the ring buffer
 * with sendx/recvx, closed, and the goroutines waiting to send or receive. */
#include <stdint.h>

#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = gl_view_eval(c, o, GL_K_CHAN, "a channel", w);
	if (err)
		return err;
	w->kind = GL_VIEW_CHAN;
	w->limit = o->all ? UINT64_MAX : (uint64_t)o->limit;
	err = gl_chan_decode(c, &w->value, &w->u.chan);
	/* documents list every slot decoded, unless --limit was given */
	w->u.chan.doc_slots = o->limit_set && !o->all ? (uint64_t)o->limit : UINT64_MAX;
	return err;
}

const struct gl_command gl_cmd_chan = {
	.name = "chan",
	.summary = "Show a channel's hchan: ring buffer with sendx/recvx, waiters, closed.",
	.help = "Usage: golayout chan EXPR [--limit N | --all] [--json]\n"
		"\n"
		"The hchan header at its offsets (from DWARF: the struct changed in Go 1.23\n"
		"and 1.25), qcount/dataqsiz, the ring buffer slot by slot with the queued\n"
		"values and sendx/recvx marked, closed, and how many goroutines wait to send\n"
		"or receive.",
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE | GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
