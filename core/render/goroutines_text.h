/* `golayout goroutines` as text: one line per goroutine. */
#ifndef GL_GOROUTINES_TEXT_H
#define GL_GOROUTINES_TEXT_H

#include "doc/goroutines_doc.h"

void gl_goroutines_text(struct gl_ctx *c, const struct gl_goroutine_list *l);

#endif
