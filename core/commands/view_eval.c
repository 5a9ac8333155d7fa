/* The expression of a one-expression command, evaluated into its view. */
#include "commands/commands.h"
#include "eval/expr.h"

struct gl_error *gl_view_eval(struct gl_ctx *c, const struct gl_opts *o, enum gl_kind kind,
			      const char *noun, struct gl_view *w)
{
	w->expr = o->args[0];
	struct gl_error *err = kind == GL_K_INVALID
				       ? gl_expr_eval(c, w->expr, o->type, &w->value)
				       : gl_expr_eval_kind(c, w->expr, o->type, kind, noun, &w->value);
	w->has_value = !err;
	return err;
}
