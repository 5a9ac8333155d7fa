#include <stdio.h>

#include "doc/doc.h"
#include "doc/home_doc.h"
#include "doc/slice_doc.h"
#include "doc/struct_doc.h"

static json_t *header_json(const struct gl_slice *s)
{
	const struct gl_type *t = s->v.type;
	json_t *arr = json_array();
	for (size_t i = 0; i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		json_t *o = gl_header_field_json(f);
		char buf[32];
		if (f->type->kind == GL_K_POINTER || f->type->kind == GL_K_UNSAFEPOINTER)
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)s->header[i]);
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)s->header[i]);
		json_object_set_new(o, "value", json_string(buf));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *alloc_json(const struct gl_slice_alloc *a)
{
	json_t *al = json_object();
	gl_json_set_addr(al, "object_base", a->object_base);
	json_object_set_new(al, "size_class", json_integer(a->size_class));
	json_object_set_new(al, "slot_bytes", json_integer((json_int_t)a->slot_bytes));
	json_object_set_new(al, "offset", json_integer((json_int_t)a->offset));
	json_object_set_new(al, "cap_bytes", json_integer((json_int_t)a->cap_bytes));
	json_object_set_new(al, "slack", json_integer((json_int_t)a->slack));
	return al;
}

static json_t *growth_json(const struct gl_slice_growth *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "append_len", json_integer((json_int_t)g->append_len));
	json_object_set_new(o, "new_cap", json_integer((json_int_t)g->new_cap));
	json_object_set_new(o, "new_alloc_bytes", json_integer((json_int_t)g->new_alloc_bytes));
	json_object_set_new(o, "rule", json_string(gl_growth_rule_name(g->rule)));
	return o;
}

/* %v of each element read ("{}" for zero-size elements). */
static json_t *elems_json(struct gl_ctx *c, const struct gl_slice *s, const struct gl_slice_elems *e)
{
	json_t *arr = json_array();
	for (uint64_t i = 0; i < e->count; i++)
		json_array_append_new(arr, e->bytes ? gl_format_member_json(c, s->elem, e->bytes + i * s->es)
						    : json_string("{}"));
	return arr;
}

/* The other slices on the same backing array. */
static json_t *shared_with_json(const struct gl_slice_set *set, int i)
{
	json_t *sw = json_array();
	int g = set ? set->slices[i].array_group : -1;
	if (g < 0)
		return sw;
	const struct gl_slice_array *a = &set->arrays[g];
	for (int k = 0; k < a->nmembers; k++)
		if (a->members[k].slice != i)
			json_array_append_new(sw, gl_json_text(set->slices[a->members[k].slice].expr));
	return sw;
}

/* The keys known once the header was read. */
static void header_keys(struct gl_ctx *c, const struct gl_slice *s, json_t *d)
{
	json_object_set_new(d, "header", header_json(s));
	gl_json_set_addr(d, "array", s->array);
	json_object_set_new(d, "len", json_integer((json_int_t)s->len));
	json_object_set_new(d, "cap", json_integer((json_int_t)s->cap));
	json_object_set_new(d, "elem_type", gl_json_text(s->elem ? s->elem->name : "?"));
	json_object_set_new(d, "elem_size", json_integer((json_int_t)s->es));
	json_object_set_new(d, "nil", json_boolean(s->nil));
	json_object_set_new(d, "home", gl_home_json(&s->home));
	if (s->has_alloc)
		json_object_set_new(d, "allocation", alloc_json(&s->alloc));
	if (s->has_layout) {
		json_t *lay = json_object();
		gl_struct_layout_json(c, &s->layout, NULL, lay);
		json_object_set_new(d, "element_layout", lay);
	}
}

json_t *gl_slice_doc(struct gl_ctx *c, const struct gl_slice_set *set, int i)
{
	const struct gl_slice *s = &set->slices[i];
	if (s->stage == GL_SLICE_NONE)
		return NULL;
	json_t *d = gl_doc_new(c, "slice", s->v.type->name, s->v.in_memory, s->v.addr);
	if (!d)
		return NULL;
	json_object_set_new(d, "shared_with", shared_with_json(set, i));
	json_object_set_new(d, "expr", gl_json_text(s->expr));
	json_object_set_new(d, "where", json_string(s->v.where));
	if (s->stage >= GL_SLICE_HEADER)
		header_keys(c, s, d);
	if (s->stage >= GL_SLICE_ELEMENTS) {
		if (s->has_growth)
			json_object_set_new(d, "growth", growth_json(&s->growth));
		json_object_set_new(d, "elements", elems_json(c, s, &s->elems));
		json_object_set_new(d, "beyond_len", elems_json(c, s, &s->beyond));
		json_object_set_new(d, "elements_shown", json_integer((json_int_t)s->elements_shown));
	}
	if (s->error)
		json_object_set_new(d, "error", gl_json_text(s->error));
	return d;
}

static json_t *overlap_json(const struct gl_slice_set *set, const struct gl_slice_overlap *ov)
{
	json_t *o = json_object(), *ra = json_array(), *rb = json_array();
	json_object_set_new(o, "a", gl_json_text(set->slices[ov->a].expr));
	json_object_set_new(o, "b", gl_json_text(set->slices[ov->b].expr));
	gl_json_set_addr(o, "from", ov->from);
	gl_json_set_addr(o, "to", ov->to);
	json_object_set_new(o, "elements", json_integer((json_int_t)ov->elements));
	json_array_append_new(ra, json_integer((json_int_t)ov->a_lo));
	json_array_append_new(ra, json_integer((json_int_t)ov->a_hi));
	json_array_append_new(rb, json_integer((json_int_t)ov->b_lo));
	json_array_append_new(rb, json_integer((json_int_t)ov->b_hi));
	json_object_set_new(o, "a_range", ra);
	json_object_set_new(o, "b_range", rb);
	return o;
}

static json_t *array_json(const struct gl_slice_set *set, const struct gl_slice_array *a)
{
	json_t *o = json_object(), *mem = json_array(), *ov = json_array();
	gl_json_set_addr(o, "base", a->base);
	gl_json_set_addr(o, "end", a->end);
	json_object_set_new(o, "elem_size", json_integer((json_int_t)a->es));
	for (int k = 0; k < a->nmembers; k++) {
		const struct gl_slice *s = &set->slices[a->members[k].slice];
		json_t *m = json_object();
		json_object_set_new(m, "expr", gl_json_text(s->expr));
		json_object_set_new(m, "start", json_integer((json_int_t)a->members[k].start));
		json_object_set_new(m, "len", json_integer((json_int_t)s->len));
		json_object_set_new(m, "cap", json_integer((json_int_t)s->cap));
		json_array_append_new(mem, m);
	}
	for (int k = 0; k < a->noverlaps; k++)
		json_array_append_new(ov, overlap_json(set, &set->overlaps[a->first_overlap + k]));
	json_object_set_new(o, "slices", mem);
	json_object_set_new(o, "overlaps", ov);
	return o;
}

json_t *gl_slices_doc(struct gl_ctx *c, const struct gl_slice_set *set)
{
	json_t *d = gl_doc_new(c, "slices", NULL, false, 0), *arr = json_array(), *arrays = json_array();
	if (!d)
		return NULL;
	for (int i = 0; i < set->n; i++) {
		json_t *s = gl_slice_doc(c, set, i);
		if (s)
			json_array_append_new(arr, s);
	}
	for (int g = 0; g < set->narrays; g++)
		json_array_append_new(arrays, array_json(set, &set->arrays[g]));
	json_object_set_new(d, "slices", arr);
	json_object_set_new(d, "arrays", arrays);
	return d;
}
