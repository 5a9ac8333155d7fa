/* The layout of a struct type as document fields: offsets, sizes, holes,
 * trailing padding, pointer bytes, and the order of fields that minimises
 * the size. Used by struct, type, slice (element layout)... */
#include <stdlib.h>
#include <string.h>

#include "gotypes/struct_layout.h"
#include "eval/value.h"

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

struct gl_error *gl_struct_describe(struct gl_ctx *c, const struct gl_type *t,
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
			json_t *v_json = gl_format_value_json(c, f->type, bytes + f->offset);
			json_object_set_new(jf, "value", v_json);
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

