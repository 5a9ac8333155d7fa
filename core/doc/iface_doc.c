#include "doc/doc.h"
#include "doc/value_doc.h"
#include "doc/home_doc.h"
#include "doc/iface_doc.h"

json_t *gl_iface_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		     const struct gl_iface *i)
{
	json_t *d = gl_expr_doc_new(c, "iface", expr, v);
	if (!d)
		return NULL;
	json_object_set_new(d, "empty_interface", json_boolean(i->empty));
	gl_json_set_addr(d, i->empty ? "type_word" : "itab", i->word0);
	gl_json_set_addr(d, "data", i->data);
	json_object_set_new(d, "nil", json_boolean(i->nil));
	if (i->nil) {
		json_object_set_new(d, "dynamic_type", json_null());
		json_object_set_new(d, "value", json_string("<nil>"));
		return d;
	}
	gl_json_set_addr(d, "type_descriptor", i->type_descriptor);
	json_object_set_new(d, "dynamic_type", i->dyn ? gl_json_text(i->dyn->name) : json_null());
	if (i->dyn) {
		json_object_set_new(d, "indirect", json_boolean(!i->direct));
		json_object_set_new(d, "dynamic_size", json_integer((json_int_t)i->dyn->size));
		json_object_set_new(d, "data_home", gl_home_json(&i->data_home));
		json_object_set_new(d, "value", gl_format_value_json(c, v->type, v->bytes));
	}
	return d;
}
