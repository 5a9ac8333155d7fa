/* A command's view (view/view.h) as its golayout/1 document. */
#ifndef GL_VIEW_DOC_H
#define GL_VIEW_DOC_H

#include <jansson.h>

#include "doc/doc.h"
#include "view/view.h"

/* NULL when out of memory. Members written after the document as text,
 * if any, are set in *tail (tail->write NULL: none). */
json_t *gl_view_doc(struct gl_ctx *c, const struct gl_view *w, struct gl_doc_tail *tail);

#endif
