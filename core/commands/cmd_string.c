/* golayout string EXPR: the string header, its bytes and where they live. */
#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = gl_view_eval(c, o, GL_K_STRING, "a string", w);
	if (err)
		return err;
	w->kind = GL_VIEW_STRING;
	return gl_string_decode(c, w->expr, &w->value, &w->u.string);
}

const struct gl_command gl_cmd_string = {
	.name = "string",
	.summary = "Show a string: header, bytes, UTF-8 text and where the bytes live.",
	.help = "Usage: golayout string EXPR [--json]\n"
		"\n"
		"The header (str, len), a hex dump of the bytes, the text with invalid UTF-8\n"
		"shown safely, and where the bytes live: the binary's read-only data (string\n"
		"literals), the heap, or a goroutine's stack.",
	.opts = GL_OPT_TYPE | GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
