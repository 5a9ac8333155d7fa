/* golayout escape as text (e NULL: none loaded). */
#ifndef GL_ESCAPE_TEXT_H
#define GL_ESCAPE_TEXT_H

#include "runtime/escape.h"

void gl_escape_text(struct gl_ctx *c, const struct gl_escapes *e);

#endif
