/* A command's view (view/view.h) as text into c->out. */
#ifndef GL_VIEW_TEXT_H
#define GL_VIEW_TEXT_H

#include "view/view.h"

void gl_view_text(struct gl_ctx *c, const struct gl_view *w);

#endif
