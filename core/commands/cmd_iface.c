/* golayout iface EXPR: an interface value's two words, its itab or type
 * word, the dynamic type, and whether the value is stored indirectly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "eval/expr.h"
#include "doc/home_doc.h"
#include "eval/value.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_INTERFACE, "an interface", &v);
	if (err)
		return err;
	json_t *d = gl_doc_new(c, "iface", v.type->name, v.in_memory, v.addr);
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v.where));
	json_object_set_new(d, "empty_interface", json_boolean(v.type->empty_iface));
	uint64_t w0 = gl_get_uint(v.bytes, 8), data = gl_get_uint(v.bytes + 8, 8);
	gl_json_set_addr(d, v.type->empty_iface ? "type_word" : "itab", w0);
	gl_json_set_addr(d, "data", data);
	json_object_set_new(d, "nil", json_boolean(w0 == 0));
	if (w0 == 0) {
		json_object_set_new(d, "dynamic_type", json_null());
		json_object_set_new(d, "value", json_string("<nil>"));
		gl_value_deinit(&v);
		return NULL;
	}
	uint64_t tp;
	struct gl_type *dyn = gl_iface_dynamic_type(c, v.type, v.bytes, &tp);
	gl_json_set_addr(d, "type_descriptor", tp);
	json_object_set_new(d, "dynamic_type", dyn ? gl_json_text(dyn->name) : json_null());
	if (dyn) {
		bool direct = gl_type_is_direct_iface(dyn);
		json_object_set_new(d, "indirect", json_boolean(!direct));
		json_object_set_new(d, "dynamic_size", json_integer((json_int_t)dyn->size));
		struct gl_home h;
		gl_home_of(c, data, &h);
		json_object_set_new(d, "data_home", gl_home_json(&h));
		json_t *text_json = gl_format_value_json(c, v.type, v.bytes);
		json_object_set_new(d, "value", text_json);
	} else {
		err = gl_error_create(GL_ERR_LOOKUP, "no DWARF type for the type descriptor at 0x%llx",
				      (unsigned long long)tp);
	}
	gl_value_deinit(&v);
	return err;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	const char *addr = json_string_value(json_object_get(d, "address"));
	bool e = json_is_true(json_object_get(d, "empty_interface"));
	sb_addf(o, "%s%s%s %s (%s)  at %s (%s)  [%s]\n", gl_c(c, "bold"),
		json_string_value(json_object_get(d, "expr")), gl_c(c, "reset"),
		json_string_value(json_object_get(d, "type")), e ? "eface" : "iface",
		addr ? addr : "(registers)", json_string_value(json_object_get(d, "where")),
		json_string_value(json_object_get(d, "go_version")));
	sb_addf(o, "  +0   %-6s %s\n", e ? "_type" : "tab", json_string_value(json_object_get(d, e ? "type_word" : "itab")));
	sb_addf(o, "  +8   data   %s\n", json_string_value(json_object_get(d, "data")));
	if (json_is_true(json_object_get(d, "nil"))) {
		sb_add(o, "nil interface: no type, no value\n");
		return;
	}
	const char *dyn = json_string_value(json_object_get(d, "dynamic_type"));
	sb_addf(o, "dynamic type %s (descriptor %s%s%s)\n", dyn ? dyn : "?",
		json_string_value(json_object_get(d, "type_descriptor")), e ? "" : ", via the itab", "");
	if (json_object_get(d, "indirect"))
		sb_addf(o, "%s\n", json_is_true(json_object_get(d, "indirect"))
					   ? "stored indirectly: data points to a copy of the value"
					   : "stored directly: the data word is the value (pointer-shaped type)");
	json_t *h = json_object_get(d, "data_home");
	if (h && json_is_true(json_object_get(d, "indirect")))
		sb_addf(o, "value lives in %s\n", json_string_value(json_object_get(h, "description")));
	if (json_object_get(d, "value"))
		sb_addf(o, "value: %s\n", json_string_value(json_object_get(d, "value")));
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
	.render = render,
};
