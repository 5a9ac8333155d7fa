/* One value (golayout value) as a golayout/1 document. */
#ifndef GL_VALUE_DOC_H
#define GL_VALUE_DOC_H

#include <jansson.h>

#include "eval/value.h"

/* A document about value v, which expr names: the head, "expr", "where". */
json_t *gl_expr_doc_new(struct gl_ctx *c, const char *kind, const char *expr, const struct gl_value *v);
/* golayout value EXPR. */
json_t *gl_value_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v);

#endif
