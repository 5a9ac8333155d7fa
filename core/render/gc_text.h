/* `golayout gc` as text, from the model (runtime/gcstate.h). */
#ifndef GL_GC_TEXT_H
#define GL_GC_TEXT_H

#include "runtime/gcstate.h"

/* limit: the arenas the heat map draws (UINT64_MAX: all). */
void gl_gc_text(struct gl_ctx *c, const struct gl_gc_state *st, uint64_t limit);
/* Its first lines: phase, write barrier, cycles, GOGC, goal, spans (the
 * picture shows them too). */
void gl_gc_head_text(struct gl_ctx *c, const struct gl_gc_state *st);

#endif
