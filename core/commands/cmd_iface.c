/* golayout iface EXPR: an interface value's two words, its itab or type
 * word, the dynamic type, and whether the value is stored indirectly. */
#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = gl_view_eval(c, o, GL_K_INTERFACE, "an interface", w);
	if (err)
		return err;
	w->kind = GL_VIEW_IFACE;
	return gl_iface_decode(c, &w->value, &w->u.iface);
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
	.opts = GL_OPT_TYPE | GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
