/* The layout of a struct type: holes, trailing padding, pointer bytes and
 * the order of fields that minimises the size. Used by struct, type and
 * slice (element layout). */
#include <stdlib.h>
#include <string.h>

#include "gotypes/struct_layout.h"

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

static void add_pad(struct gl_struct_layout *l, uint64_t off, uint64_t size, bool trailing)
{
	l->pads[l->npads++] = (struct gl_struct_pad){off, size, trailing};
	l->padding_bytes += size;
}

/* The smallest-first order of the fields and the size it gives. */
static struct gl_error *best_order(struct gl_struct_layout *l)
{
	const struct gl_type *t = l->type;
	size_t n = t->nfields;
	struct order_item *items = calloc(n ? n : 1, sizeof(*items));
	if (!items)
		return &gl_error_nomem;
	for (size_t i = 0; i < n; i++)
		items[i] = (struct order_item){i, l->field_align[i], t->fields[i].type->size};
	qsort(items, n, sizeof(*items), order_cmp);
	for (size_t i = 0; i < n; i++)
		l->best_order[i] = items[i].index;
	l->best_size = layout_size(items, n, l->align);
	free(items);
	/* Never claim a reordering that is larger than what we have. */
	if (l->best_size > t->size)
		l->best_size = t->size;
	return NULL;
}

struct gl_error *gl_struct_layout(const struct gl_type *t, unsigned ptr_size, struct gl_struct_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->type = t;
	l->size = t->size;
	l->align = gl_type_align(t, ptr_size);
	l->pointer_bytes = gl_type_pointer_bytes(t);
	size_t n = t->nfields, cells = n ? n : 1;
	l->field_align = calloc(cells, sizeof(*l->field_align));
	l->best_order = calloc(cells, sizeof(*l->best_order));
	l->pads = calloc(n + 1, sizeof(*l->pads)); /* a hole per field, and the tail */
	if (!l->field_align || !l->best_order || !l->pads)
		return &gl_error_nomem;
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++) {
		const struct gl_field *f = &t->fields[i];
		l->field_align[i] = gl_type_align(f->type, ptr_size);
		if (f->offset > end)
			add_pad(l, end, f->offset - end, false);
		if (f->offset + f->type->size > end)
			end = f->offset + f->type->size;
	}
	if (t->size > end)
		add_pad(l, end, t->size - end, true);
	return best_order(l);
}

void gl_struct_layout_deinit(struct gl_struct_layout *l)
{
	free(l->field_align);
	free(l->pads);
	free(l->best_order);
	memset(l, 0, sizeof(*l));
}

bool gl_struct_field_in_bounds(const struct gl_struct_layout *l, size_t i)
{
	const struct gl_field *f = &l->type->fields[i];
	return f->offset + f->type->size <= l->size;
}
