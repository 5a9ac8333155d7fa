/* Strings (runtime/string.h) as text: header, hex dump, text. */
#ifndef GL_STRING_TEXT_H
#define GL_STRING_TEXT_H

#include "runtime/string.h"

void gl_string_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		    const struct gl_string *s);

#endif
