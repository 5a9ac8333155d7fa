/* `golayout gc` (runtime/gcstate.h) as a golayout/1 document, and the
 * heat map cells documents and text share. */
#ifndef GL_GC_DOC_H
#define GL_GC_DOC_H

#include <jansson.h>

#include "runtime/gcstate.h"

json_t *gl_gc_doc(struct gl_ctx *c, const struct gl_gc_state *st);
/* One arena's row of the heat map: GL_GC_CELLS characters and a NUL. */
void gl_gc_heat_cells(const struct gl_gc_arena *a, char out[GL_GC_CELLS + 1]);
extern const char gl_gc_heat_legend[];

#endif
