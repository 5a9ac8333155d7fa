/* One value (golayout value) as text: name, type, size, home, %v. */
#ifndef GL_VALUE_TEXT_H
#define GL_VALUE_TEXT_H

#include "eval/value.h"

void gl_value_text(struct gl_ctx *c, const char *expr, const struct gl_value *v);

#endif
