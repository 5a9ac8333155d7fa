/* golayout chan EXPR: the hchan behind a channel: counts, the ring buffer
 * with sendx/recvx, closed, and the goroutines waiting to send or receive. */
#include "commands/commands.h"
#include "doc/chan_doc.h"
#include "eval/expr.h"
#include "render/chan_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_CHAN, "a channel", &v);
	if (err)
		return err;
	struct gl_chan ch;
	err = gl_chan_decode(c, &v, &ch);
	if (c->opts.json)
		*docp = gl_chan_doc(c, expr, &v, &ch);
	else
		gl_chan_text(c, expr, &v, &ch);
	gl_chan_deinit(&ch);
	gl_value_deinit(&v);
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
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
