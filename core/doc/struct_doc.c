#include "doc/doc.h"
#include "doc/value_doc.h"
#include "doc/struct_doc.h"

static json_t *field_json(struct gl_ctx *c, const struct gl_struct_layout *l, size_t i,
			  const unsigned char *bytes)
{
	const struct gl_field *f = &l->type->fields[i];
	json_t *jf = json_object();
	json_object_set_new(jf, "name", gl_json_text(f->name));
	json_object_set_new(jf, "offset", json_integer((json_int_t)f->offset));
	json_object_set_new(jf, "size", json_integer((json_int_t)f->type->size));
	json_object_set_new(jf, "align", json_integer((json_int_t)l->field_align[i]));
	json_object_set_new(jf, "type", gl_json_text(f->type->name));
	if (f->embedded)
		json_object_set_new(jf, "embedded", json_true());
	if (bytes && gl_struct_field_in_bounds(l, i)) {
		json_object_set_new(jf, "value", gl_format_field_json(c, f, bytes + f->offset));
		gl_reading_json(c, f->type, bytes + f->offset, jf);
	}
	return jf;
}

json_t *gl_header_field_json(const struct gl_field *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
	json_object_set_new(o, "size", json_integer((json_int_t)f->type->size));
	json_object_set_new(o, "type", gl_json_text(f->type->name));
	return o;
}

void gl_struct_layout_json(struct gl_ctx *c, const struct gl_struct_layout *l,
			   const unsigned char *bytes, json_t *d)
{
	const struct gl_type *t = l->type;
	json_t *fields = json_array(), *pads = json_array(), *order = json_array();
	json_object_set_new(d, "size", json_integer((json_int_t)l->size));
	json_object_set_new(d, "align", json_integer((json_int_t)l->align));
	for (size_t i = 0; i < t->nfields; i++)
		json_array_append_new(fields, field_json(c, l, i, bytes));
	for (size_t i = 0; i < l->npads; i++) {
		json_t *p = json_object();
		json_object_set_new(p, "offset", json_integer((json_int_t)l->pads[i].offset));
		json_object_set_new(p, "size", json_integer((json_int_t)l->pads[i].size));
		json_object_set_new(p, "trailing", json_boolean(l->pads[i].trailing));
		json_array_append_new(pads, p);
	}
	json_object_set_new(d, "fields", fields);
	json_object_set_new(d, "padding", pads);
	json_object_set_new(d, "padding_bytes", json_integer((json_int_t)l->padding_bytes));
	json_object_set_new(d, "pointer_bytes", json_integer((json_int_t)l->pointer_bytes));
	for (size_t i = 0; i < t->nfields; i++)
		json_array_append_new(order, gl_json_text(t->fields[l->best_order[i]].name));
	json_object_set_new(d, "best_order", order);
	json_object_set_new(d, "best_size", json_integer((json_int_t)l->best_size));
}

json_t *gl_struct_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		      const struct gl_struct_layout *l)
{
	json_t *d = gl_expr_doc_new(c, "struct", expr, v);
	if (!d)
		return NULL;
	gl_struct_layout_json(c, l, v->bytes, d);
	gl_value_json(c, v->type, v->bytes, d);
	return d;
}

json_t *gl_type_doc(struct gl_ctx *c, const struct gl_struct_layout *l)
{
	json_t *d = gl_doc_new(c, "struct", l->type->name, false, 0);
	if (d)
		gl_struct_layout_json(c, l, NULL, d);
	return d;
}
