/* golayout value EXPR: one value with its type, home and %v text; the
 * building block for checking name resolution. */
#include <stdlib.h>

#include "commands/commands.h"
#include "eval/expr.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval(c, expr, c->opts.type, &v);
	if (err)
		return err;
	json_t *d = gl_doc_new(c, "value", v.type->name, v.in_memory, v.addr);
	if (!d) {
		gl_value_deinit(&v);
		return &gl_error_nomem;
	}
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "size", json_integer((json_int_t)v.type->size));
	json_object_set_new(d, "go_kind", json_string(gl_kind_name(v.type->kind)));
	json_object_set_new(d, "where", json_string(v.where));
	json_t *text_json = gl_format_value_json(c, v.type, v.bytes);
	json_object_set_new(d, "value", text_json);
	gl_value_deinit(&v);
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	const char *addr = json_string_value(json_object_get(d, "address"));
	const char *where = json_string_value(json_object_get(d, "where"));
	sb_addf(&c->out, "%s%s%s %s%s%s (%lld bytes) ", gl_c(c, "bold"),
		json_string_value(json_object_get(d, "expr")), gl_c(c, "reset"), gl_c(c, "type"),
		json_string_value(json_object_get(d, "type")), gl_c(c, "reset"),
		(long long)json_integer_value(json_object_get(d, "size")));
	if (addr)
		sb_addf(&c->out, "at %s%s%s (%s)\n", gl_c(c, "addr"), addr, gl_c(c, "reset"), where);
	else
		sb_addf(&c->out, "in %s\n", where);
	sb_addf(&c->out, "%s\n", json_string_value(json_object_get(d, "value")));
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
	.render = render,
};
