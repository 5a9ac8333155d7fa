/* golayout iface EXPR: an interface value's two words, its itab or type
 * word, the dynamic type, and whether the value is stored indirectly. */
#include "commands/commands.h"
#include "doc/iface_doc.h"
#include "eval/expr.h"
#include "render/iface_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_INTERFACE, "an interface", &v);
	if (err)
		return err;
	struct gl_iface i;
	err = gl_iface_decode(c, &v, &i);
	if (c->opts.json)
		*docp = gl_iface_doc(c, expr, &v, &i);
	else
		gl_iface_text(c, expr, &v, &i);
	gl_value_deinit(&v);
	return err;
}

const struct gl_command gl_cmd_iface = {
	.name = "iface",
	.summary = "Show an interface value: type or itab word, dynamic type, data word.",
	.help = "Usage: golayout iface EXPR [--json]\n"
		"\n"
		"Shows the two words of an interface (eface for interface{}/any, iface for\n"
		"interfaces with methods), the dynamic type found through the type word or\n"
		"the itab, whether the value is stored directly in the data word (pointer-\n"
		"shaped types) or indirectly, where an indirect value lives, and its %v.",
	.opts = GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
