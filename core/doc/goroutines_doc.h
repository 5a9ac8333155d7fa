/* `golayout goroutines` (view/view.h: struct gl_goroutine_list) as a
 * golayout/1 document. render/goroutines_text.c draws the same model. */
#ifndef GL_GOROUTINES_DOC_H
#define GL_GOROUTINES_DOC_H

#include <jansson.h>

#include "doc/doc.h"
#include "view/view.h"

/* The document but its "goroutines" rows, which *tail writes. */
json_t *gl_goroutines_json(struct gl_ctx *c, const struct gl_goroutine_list *l, struct gl_doc_tail *tail);

#endif
