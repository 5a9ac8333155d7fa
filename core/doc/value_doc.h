/* One value (golayout value) as a golayout/1 document. */
#ifndef GL_VALUE_DOC_H
#define GL_VALUE_DOC_H

#include <jansson.h>

#include "eval/value.h"

/* A document about value v, which expr names: the head, "expr", "where". */
json_t *gl_expr_doc_new(struct gl_ctx *c, const char *kind, const char *expr, const struct gl_value *v);
/* A document about what value v points to (a map's header, a channel's
 * hchan) at addr, 0 for nil: the head with that address, "expr", "where",
 * and "variable_address", v's own address, when it is in memory. */
json_t *gl_pointee_doc_new(struct gl_ctx *c, const char *kind, const char *expr,
			   const struct gl_value *v, uint64_t addr);
/* golayout value EXPR. */
json_t *gl_value_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v);

#endif
