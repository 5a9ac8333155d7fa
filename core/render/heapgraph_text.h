/* heap --why, heap --retains and gc --top as text, from the models. */
#ifndef GL_HEAPGRAPH_TEXT_H
#define GL_HEAPGRAPH_TEXT_H

#include "view/view.h"

void gl_heapgraph_text(struct gl_ctx *c, const struct gl_hg_view *v);

#endif
