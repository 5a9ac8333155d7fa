/* `golayout heap` as text, from the model (runtime/heap_view.h). */
#ifndef GL_HEAP_TEXT_H
#define GL_HEAP_TEXT_H

#include "doc/heap_doc.h"

void gl_heap_text(struct gl_ctx *c, const struct gl_heap_subject *sub, const struct gl_home *home,
		  const struct gl_heap_view *v);

#endif
