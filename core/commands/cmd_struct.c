/* golayout struct EXPR / golayout type TYPE: pahole-style struct layout
 * with field values, holes, trailing padding and the size-minimising field
 * order. */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "eval/expr.h"
#include "gotypes/struct_layout.h"
#include "eval/value.h"

#define VALUE_COLS 36

static struct gl_error *not_struct(const struct gl_type *t, const char *what)
{
	if (t->kind == GL_K_POINTER && t->elem && t->elem->kind == GL_K_STRUCT)
		return gl_error_create(GL_ERR_TYPE, "%s is %s, not a struct (try *%s)", what, t->name,
				       what);
	return gl_error_create(GL_ERR_TYPE, "%s is %s, not a struct", what, t->name);
}

static struct gl_error *run_struct(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval(c, expr, c->opts.type, &v);
	if (err)
		return err;
	if (v.type->kind != GL_K_STRUCT) {
		err = not_struct(v.type, expr);
		gl_value_deinit(&v);
		return err;
	}
	json_t *d = gl_doc_new(c, "struct", v.type->name, v.in_memory, v.addr);
	if (!d) {
		gl_value_deinit(&v);
		return &gl_error_nomem;
	}
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v.where));
	err = gl_struct_describe(c, v.type, v.bytes, d);
	json_t *val_json = gl_format_value_json(c, v.type, v.bytes);
	json_object_set_new(d, "value", val_json);
	gl_value_deinit(&v);
	return err;
}

static struct gl_error *run_type(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_target_need_dwarf(t)))
		return err;
	const char *name = c->opts.args[0];
	struct gl_type *ty = gl_dwarf_find_type(t->dw, name);
	if (!ty)
		return gl_error_create(GL_ERR_LOOKUP, "no type named %s in %s", name, t->path);
	if (ty->kind != GL_K_STRUCT)
		return gl_error_create(GL_ERR_TYPE, "%s is a %s, not a struct", name,
				       gl_kind_name(ty->kind));
	json_t *d = gl_doc_new(c, "struct", ty->name, false, 0);
	if (!d)
		return &gl_error_nomem;
	*docp = d;
	return gl_struct_describe(c, ty, NULL, d);
}

/* ---- text ---------------------------------------------------------------- */

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *fields = json_object_get(d, "fields"), *pads = json_object_get(d, "padding");
	const char *addr = json_string_value(json_object_get(d, "address"));
	bool values = addr != NULL;
	sb_addf(o, "%s%s%s  size %lld, align %lld", gl_c(c, "bold"), gl_jstr(d, "type"), gl_c(c, "reset"),
		(long long)gl_jint(d, "size"), (long long)gl_jint(d, "align"));
	if (addr)
		sb_addf(o, "  at %s%s%s (%s)", gl_c(c, "addr"), addr, gl_c(c, "reset"), gl_jstr(d, "where"));
	sb_addf(o, "  [%s]\n", gl_jstr(d, "go_version"));
	sb_addf(o, "%s  offset  size align  %-20s %s%s\n", gl_c(c, "dim"), "field",
		values ? "type                   value" : "type", gl_c(c, "reset"));
	size_t np = json_array_size(pads), pi = 0, nf = json_array_size(fields);
	for (size_t i = 0; i <= nf; i++) {
		json_t *f = json_array_get(fields, i);
		json_int_t foff = f ? gl_jint(f, "offset") : gl_jint(d, "size") + 1;
		for (; pi < np && gl_jint(json_array_get(pads, pi), "offset") < foff; pi++) {
			json_t *p = json_array_get(pads, pi);
			sb_addf(o, "%s  %6lld  %4lld        /* XXX %lld-byte %s */%s\n", gl_c(c, "pad"),
				(long long)gl_jint(p, "offset"), (long long)gl_jint(p, "size"),
				(long long)gl_jint(p, "size"),
				json_is_true(json_object_get(p, "trailing")) ? "trailing padding"
									     : "hole, try to pack",
				gl_c(c, "reset"));
		}
		if (!f)
			break;
		sb_addf(o, "  %6lld  %4lld %5lld  ", (long long)gl_jint(f, "offset"), (long long)gl_jint(f, "size"),
			(long long)gl_jint(f, "align"));
		gl_clip(o, gl_jstr(f, "name"), 20);
		sb_pad(o, 2 + 6 + 2 + 4 + 1 + 5 + 2 + 21);
		sb_add(o, gl_c(c, "type"));
		gl_clip(o, gl_jstr(f, "type"), 22);
		sb_add(o, gl_c(c, "reset"));
		if (values) {
			sb_pad(o, 2 + 6 + 2 + 4 + 1 + 5 + 2 + 21 + 23);
			gl_clip(o, gl_jstr(f, "value"), VALUE_COLS);
		}
		sb_addc(o, '\n');
	}
	json_int_t size = gl_jint(d, "size"), best = gl_jint(d, "best_size");
	sb_addf(o, "%s  /* size: %lld, fields: %zu, padding: %lld bytes in %zu region%s, pointer bytes: %lld */%s\n",
		gl_c(c, "dim"), (long long)size, nf, (long long)gl_jint(d, "padding_bytes"), np,
		np == 1 ? "" : "s", (long long)gl_jint(d, "pointer_bytes"), gl_c(c, "reset"));
	if (best < size) {
		sb_add(o, "  /* best order: ");
		json_t *order = json_object_get(d, "best_order");
		for (size_t i = 0; i < json_array_size(order); i++)
			sb_addf(o, "%s%s", i ? ", " : "", json_string_value(json_array_get(order, i)));
		sb_addf(o, " -> size %lld, saves %lld bytes */\n", (long long)best,
			(long long)(size - best));
	} else {
		sb_add(o, "  /* field order is already minimal */\n");
	}
}

const struct gl_command gl_cmd_struct = {
	.name = "struct",
	.summary = "Show the layout of a struct value: offsets, sizes, holes, values.",
	.help = "Usage: golayout struct EXPR [--type TYPE] [--json]\n"
		"\n"
		"EXPR is a local or parameter of the selected frame, a package global\n"
		"(main.cfg, or cfg for the current package), with .field, [i] and *p on top;\n"
		"or an address with --type: golayout struct 0xc000010000 --type main.T.\n"
		"Prints each field's offset, size, alignment, type and %v value, marks holes\n"
		"and trailing padding, and suggests the field order with the smallest size.",
	.opts = GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run_struct,
	.render = render,
};

const struct gl_command gl_cmd_type = {
	.name = "type",
	.kind = "struct",
	.summary = "Show the layout of a named Go struct type.",
	.help = "Usage: golayout type TYPENAME [--json]\n"
		"\n"
		"TYPENAME as Go spells it with its package path: main.Order,\n"
		"net/http.Request. Needs no process: the layout comes from DWARF.",
	.min_args = 1,
	.max_args = 1,
	.run = run_type,
	.render = render,
};
