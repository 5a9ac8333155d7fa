/* Strings (runtime/string.h) as golayout/1 documents. */
#ifndef GL_STRING_DOC_H
#define GL_STRING_DOC_H

#include <jansson.h>

#include "runtime/string.h"

json_t *gl_string_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		      const struct gl_string *s);

#endif
