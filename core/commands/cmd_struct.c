/* golayout struct EXPR / golayout type TYPE: pahole-style struct layout
 * with field values, holes, trailing padding and the size-minimising field
 * order. */
#include "commands/commands.h"
#include "gotypes/typename.h"

static struct gl_error *not_struct(const struct gl_type *t, const char *what)
{
	if (t->kind == GL_K_POINTER && t->elem && t->elem->kind == GL_K_STRUCT)
		return gl_error_create(GL_ERR_TYPE, "%s is %s, not a struct (try *%s)", what, t->name,
				       what);
	return gl_error_create(GL_ERR_TYPE, "%s is %s, not a struct", what, t->name);
}

/* Lay out struct type ty into w; shown only when that succeeds. */
static struct gl_error *lay_out(struct gl_ctx *c, const struct gl_type *ty, struct gl_view *w)
{
	struct gl_error *err = gl_struct_layout(ty, (unsigned)c->t->ptr_size, &w->u.layout);
	if (err)
		gl_struct_layout_deinit(&w->u.layout);
	else
		w->kind = GL_VIEW_STRUCT;
	return err;
}

static struct gl_error *run_struct(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_error *err = gl_view_eval(c, o, GL_K_INVALID, NULL, w);
	if (err)
		return err;
	if (w->value.type->kind != GL_K_STRUCT)
		return not_struct(w->value.type, w->expr);
	return lay_out(c, w->value.type, w);
}

static struct gl_error *run_type(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	const char *name = o->args[0];
	struct gl_type *ty = t->dw ? gl_dwarf_find_type(t->dw, name) : NULL;
	if (!ty && t->dw)
		return gl_error_create(GL_ERR_LOOKUP, "no type named %s in %s", name, t->path);
	/* without DWARF: the type descriptors, which the process holds */
	if (!ty && ((err = gl_ctx_need_process(c)) || (err = gl_type_by_go_name(c, name, &ty))))
		return err;
	if (ty->kind != GL_K_STRUCT)
		return gl_error_create(GL_ERR_TYPE, "%s is a %s, not a struct", name,
				       gl_kind_name(ty->kind));
	w->expr = name;
	return lay_out(c, ty, w);
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
	.opts = GL_OPT_TYPE | GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run_struct,
};

const struct gl_command gl_cmd_type = {
	.name = "type",
	.kind = "struct",
	.summary = "Show the layout of a named Go struct type.",
	.help = "Usage: golayout type TYPENAME [--json]\n"
		"\n"
		"TYPENAME as Go spells it with its package path: main.Order,\n"
		"net/http.Request. Needs no process: the layout comes from DWARF. Without\n"
		"DWARF it comes from the runtime's type descriptor of that name, in a\n"
		"process (reflect's spelling then: time.Time, not the package path).",
	.opts = GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run_type,
};
