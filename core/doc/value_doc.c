#include "doc/doc.h"
#include "doc/value_doc.h"

json_t *gl_expr_doc_new(struct gl_ctx *c, const char *kind, const char *expr, const struct gl_value *v)
{
	json_t *d = gl_doc_new(c, kind, v->type->name, v->in_memory, v->addr);
	if (!d)
		return NULL;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v->where));
	return d;
}

json_t *gl_pointee_doc_new(struct gl_ctx *c, const char *kind, const char *expr,
			   const struct gl_value *v, uint64_t addr)
{
	json_t *d = gl_doc_new(c, kind, v->type->name, addr != 0, addr);
	if (!d)
		return NULL;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v->where));
	if (v->in_memory)
		gl_json_set_addr(d, "variable_address", v->addr);
	return d;
}

json_t *gl_value_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v)
{
	json_t *d = gl_doc_new(c, "value", v->type->name, v->in_memory, v->addr);
	if (!d)
		return NULL;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "size", json_integer((json_int_t)v->type->size));
	json_object_set_new(d, "go_kind", json_string(gl_kind_name(v->type->kind)));
	json_object_set_new(d, "where", json_string(v->where));
	gl_value_json(c, v->type, v->bytes, d);
	if (v->partial[0])
		json_object_set_new(d, "partial", json_string(v->partial));
	return d;
}
