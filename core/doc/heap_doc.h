/* `golayout heap` (runtime/heap_view.h) as a golayout/1 document, and the
 * cell strings documents and text share. */
#ifndef GL_HEAP_DOC_H
#define GL_HEAP_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "runtime/heap_view.h"
#include "runtime/home.h"
#include "view/view.h"

json_t *gl_heap_doc(struct gl_ctx *c, const struct gl_heap_subject *sub, const struct gl_home *home,
		    const struct gl_heap_view *v);

/* The pointer map word by word: "H" header, "p" pointer, "." scalar
 * (malloc'd; NULL when not decoded or out of memory). */
char *gl_ptrmap_cells(const struct gl_ptrmap *pm);
/* Why a pointer map was not decoded: the read error or the note. */
void gl_ptrmap_why(const struct gl_ptrmap *pm, char *buf, size_t len);
/* A span's slots, one cell each (malloc'd), and the legend of the cells. */
char *gl_span_slot_cells(const struct gl_span_slots *s);
const char *gl_span_slots_legend(const struct gl_span_slots *s);

#endif
