/* golayout value EXPR: one value with its type, home and %v text; the
 * building block for checking name resolution. */
#include "commands/commands.h"
#include "doc/value_doc.h"
#include "eval/expr.h"
#include "render/value_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval(c, expr, c->opts.type, &v);
	if (err)
		return err;
	if (c->opts.json && !(*docp = gl_value_doc(c, expr, &v)))
		err = &gl_error_nomem;
	else if (!c->opts.json)
		gl_value_text(c, expr, &v);
	gl_value_deinit(&v);
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
