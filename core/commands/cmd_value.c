/* golayout value EXPR: one value with its type, home and %v text; the
 * building block for checking name resolution. */
#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = gl_view_eval(c, o, GL_K_INVALID, NULL, w);
	if (!err)
		w->kind = GL_VIEW_VALUE;
	return err;
}

const struct gl_command gl_cmd_value = {
	.name = "value",
	.summary = "Show a value: its type, size, address or register, and %v text.",
	.help = "Usage: golayout value EXPR [--type TYPE] [--json]\n"
		"\n"
		"EXPR as for golayout struct. The value is printed as Go's fmt %v would\n"
		"print it; where it lives is named (stack, .data, .bss, register rax...).",
	.opts = GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
