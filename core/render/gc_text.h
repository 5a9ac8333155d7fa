/* `golayout gc` as text, from the model (runtime/gcstate.h). */
#ifndef GL_GC_TEXT_H
#define GL_GC_TEXT_H

#include "runtime/gcstate.h"

void gl_gc_text(struct gl_ctx *c, const struct gl_gc_state *st);

#endif
