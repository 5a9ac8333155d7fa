/* golayout string EXPR: the string header, its bytes and where they live. */
#include "commands/commands.h"
#include "doc/string_doc.h"
#include "eval/expr.h"
#include "render/string_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_STRING, "a string", &v);
	if (err)
		return err;
	struct gl_string s;
	err = gl_string_decode(c, expr, &v, &s);
	if (c->opts.json)
		*docp = gl_string_doc(c, expr, &v, &s);
	else
		gl_string_text(c, expr, &v, &s);
	gl_string_deinit(&s);
	gl_value_deinit(&v);
	return err;
}

const struct gl_command gl_cmd_string = {
	.name = "string",
	.summary = "Show a string: header, bytes, UTF-8 text and where the bytes live.",
	.help = "Usage: golayout string EXPR [--json]\n"
		"\n"
		"The header (str, len), a hex dump of the bytes, the text with invalid UTF-8\n"
		"shown safely, and where the bytes live: the binary's read-only data (string\n"
		"literals), the heap, or a goroutine's stack.",
	.opts = GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
