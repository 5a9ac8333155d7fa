/* golayout struct EXPR / golayout type TYPE: pahole-style struct layout
 * with field values, holes, trailing padding and the size-minimising field
 * order. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expr.h"
#include "value.h"

#define VALUE_COLS 36

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return a ? (x + a - 1) / a * a : x;
}

struct order_item {
	size_t index;
	uint64_t align, size;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order_item *x = a, *y = b;
	/* zero-size fields first (a trailing one costs padding), then by
	 * alignment descending; ties keep declaration order */
	bool zx = x->size == 0, zy = y->size == 0;
	if (zx != zy)
		return zx ? -1 : 1;
	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Lay fields out in the given order with Go's rules; returns the size. */
static uint64_t layout_size(const struct order_item *items, size_t n, uint64_t struct_align)
{
	uint64_t off = 0;
	for (size_t i = 0; i < n; i++)
		off = align_up(off, items[i].align) + items[i].size;
	/* Go pads a struct that ends in a zero-size field (after a non-empty
	 * prefix) so that a pointer to that field stays inside the object. */
	if (n && items[n - 1].size == 0 && off > 0)
		off++;
	return align_up(off, struct_align);
}

static void add_padding(json_t *pads, uint64_t off, uint64_t size, bool trailing)
{
	json_t *p = json_object();
	json_object_set_new(p, "offset", json_integer((json_int_t)off));
	json_object_set_new(p, "size", json_integer((json_int_t)size));
	json_object_set_new(p, "trailing", json_boolean(trailing));
	json_array_append_new(pads, p);
}

/* Fill d with the layout of t and, when bytes is set, the field values. */
static struct gl_error *describe_struct(struct gl_ctx *c, const struct gl_type *t,
					const unsigned char *bytes, json_t *d)
{
	json_t *fields = json_array(), *pads = json_array(), *order = json_array();
	uint64_t align = gl_type_align(t), pad_bytes = 0, end = 0;
	json_object_set_new(d, "size", json_integer((json_int_t)t->size));
	json_object_set_new(d, "align", json_integer((json_int_t)align));
	for (size_t i = 0; i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		if (f->offset > end) {
			add_padding(pads, end, f->offset - end, false);
			pad_bytes += f->offset - end;
		}
		json_t *jf = json_object();
		json_object_set_new(jf, "name", gl_json_text(f->name));
		json_object_set_new(jf, "offset", json_integer((json_int_t)f->offset));
		json_object_set_new(jf, "size", json_integer((json_int_t)f->type->size));
		json_object_set_new(jf, "align", json_integer((json_int_t)gl_type_align(f->type)));
		json_object_set_new(jf, "type", gl_json_text(f->type->name));
		if (f->embedded)
			json_object_set_new(jf, "embedded", json_true());
		if (bytes && f->offset + f->type->size <= t->size) {
			char *v = gl_format_value_str(c, f->type, bytes + f->offset);
			json_object_set_new(jf, "value", v ? gl_json_text(v) : json_null());
			free(v);
		}
		json_array_append_new(fields, jf);
		if (f->offset + f->type->size > end)
			end = f->offset + f->type->size;
	}
	if (t->size > end) {
		add_padding(pads, end, t->size - end, true);
		pad_bytes += t->size - end;
	}
	json_object_set_new(d, "fields", fields);
	json_object_set_new(d, "padding", pads);
	json_object_set_new(d, "padding_bytes", json_integer((json_int_t)pad_bytes));
	json_object_set_new(d, "pointer_bytes", json_integer((json_int_t)gl_type_pointer_bytes(t)));

	struct order_item *items = calloc(t->nfields ? t->nfields : 1, sizeof(*items));
	if (!items)
		return &gl_error_nomem;
	for (size_t i = 0; i < t->nfields; i++)
		items[i] = (struct order_item){i, gl_type_align(t->fields[i].type),
					       t->fields[i].type->size};
	qsort(items, t->nfields, sizeof(*items), order_cmp);
	for (size_t i = 0; i < t->nfields; i++)
		json_array_append_new(order, gl_json_text(t->fields[items[i].index].name));
	uint64_t best = layout_size(items, t->nfields, align);
	free(items);
	/* Never claim a reordering that is larger than what we have. */
	if (best > t->size)
		best = t->size;
	json_object_set_new(d, "best_order", order);
	json_object_set_new(d, "best_size", json_integer((json_int_t)best));
	return NULL;
}

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
	err = describe_struct(c, v.type, v.bytes, d);
	char *val = gl_format_value_str(c, v.type, v.bytes);
	json_object_set_new(d, "value", val ? gl_json_text(val) : json_null());
	free(val);
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
	return describe_struct(c, ty, NULL, d);
}

/* ---- text ---------------------------------------------------------------- */

static json_int_t geti(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *gets(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* Append s, cut to at most cols columns with an ellipsis. */
static void add_clipped(struct strbuf *o, const char *s, size_t cols)
{
	size_t n = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (n == cols - 1 && s[i + 1]) {
				size_t rest = 0;
				for (size_t j = i; s[j]; j++)
					rest += ((unsigned char)s[j] & 0xc0) != 0x80;
				if (rest > 1) {
					sb_add(o, "…");
					return;
				}
			}
			n++;
		}
		char ch = s[i];
		sb_addc(o, (unsigned char)ch < 0x20 ? '?' : ch);
	}
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *fields = json_object_get(d, "fields"), *pads = json_object_get(d, "padding");
	const char *addr = json_string_value(json_object_get(d, "address"));
	bool values = addr != NULL;
	sb_addf(o, "%s%s%s  size %lld, align %lld", gl_c(c, "bold"), gets(d, "type"), gl_c(c, "reset"),
		(long long)geti(d, "size"), (long long)geti(d, "align"));
	if (addr)
		sb_addf(o, "  at %s%s%s (%s)", gl_c(c, "addr"), addr, gl_c(c, "reset"), gets(d, "where"));
	sb_addf(o, "  [%s]\n", gets(d, "go_version"));
	sb_addf(o, "%s  offset  size align  %-20s %s%s\n", gl_c(c, "dim"), "field",
		values ? "type                   value" : "type", gl_c(c, "reset"));
	size_t np = json_array_size(pads), pi = 0, nf = json_array_size(fields);
	for (size_t i = 0; i <= nf; i++) {
		json_t *f = json_array_get(fields, i);
		json_int_t foff = f ? geti(f, "offset") : geti(d, "size") + 1;
		for (; pi < np && geti(json_array_get(pads, pi), "offset") < foff; pi++) {
			json_t *p = json_array_get(pads, pi);
			sb_addf(o, "%s  %6lld  %4lld        /* XXX %lld-byte %s */%s\n", gl_c(c, "pad"),
				(long long)geti(p, "offset"), (long long)geti(p, "size"),
				(long long)geti(p, "size"),
				json_is_true(json_object_get(p, "trailing")) ? "trailing padding"
									     : "hole, try to pack",
				gl_c(c, "reset"));
		}
		if (!f)
			break;
		sb_addf(o, "  %6lld  %4lld %5lld  ", (long long)geti(f, "offset"), (long long)geti(f, "size"),
			(long long)geti(f, "align"));
		add_clipped(o, gets(f, "name"), 20);
		sb_pad(o, 2 + 6 + 2 + 4 + 1 + 5 + 2 + 21);
		sb_add(o, gl_c(c, "type"));
		add_clipped(o, gets(f, "type"), 22);
		sb_add(o, gl_c(c, "reset"));
		if (values) {
			sb_pad(o, 2 + 6 + 2 + 4 + 1 + 5 + 2 + 21 + 23);
			add_clipped(o, gets(f, "value"), VALUE_COLS);
		}
		sb_addc(o, '\n');
	}
	json_int_t size = geti(d, "size"), best = geti(d, "best_size");
	sb_addf(o, "%s  /* size: %lld, fields: %zu, padding: %lld bytes in %zu region%s, pointer bytes: %lld */%s\n",
		gl_c(c, "dim"), (long long)size, nf, (long long)geti(d, "padding_bytes"), np,
		np == 1 ? "" : "s", (long long)geti(d, "pointer_bytes"), gl_c(c, "reset"));
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
