/* Struct layouts (gotypes/struct_layout.h) as golayout/1 documents. */
#ifndef GL_STRUCT_DOC_H
#define GL_STRUCT_DOC_H

#include <jansson.h>

#include "eval/value.h"
#include "gotypes/struct_layout.h"

/* Add "size", "align", "fields", "padding", "padding_bytes",
 * "pointer_bytes", "best_order", "best_size" to d; with bytes (the
 * struct's), each field in bounds also gets its %v "value". */
void gl_struct_layout_json(struct gl_ctx *c, const struct gl_struct_layout *l,
			   const unsigned char *bytes, json_t *d);
/* A header field: "name", "offset", "size", "type". */
json_t *gl_header_field_json(const struct gl_field *f);
/* golayout struct EXPR: the layout with the values of v. */
json_t *gl_struct_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		      const struct gl_struct_layout *l);
/* golayout type NAME: the layout alone. */
json_t *gl_type_doc(struct gl_ctx *c, const struct gl_struct_layout *l);

#endif
