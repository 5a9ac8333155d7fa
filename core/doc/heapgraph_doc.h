/* heap --why, heap --retains and gc --top (runtime/hg_query.h) as
 * golayout/1 documents. */
#ifndef GL_HEAPGRAPH_DOC_H
#define GL_HEAPGRAPH_DOC_H

#include <jansson.h>

#include "view/view.h"

json_t *gl_heapgraph_doc(struct gl_ctx *c, const struct gl_hg_view *v);

#endif
