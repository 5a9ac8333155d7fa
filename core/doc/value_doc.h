/* One value (golayout value) as a golayout/1 document. */
#ifndef GL_VALUE_DOC_H
#define GL_VALUE_DOC_H

#include <jansson.h>

#include "eval/value.h"

json_t *gl_value_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v);

#endif
