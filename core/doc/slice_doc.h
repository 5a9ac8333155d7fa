/* Slices (runtime/slice.h) as golayout/1 documents. */
#ifndef GL_SLICE_DOC_H
#define GL_SLICE_DOC_H

#include <jansson.h>

#include "runtime/slice.h"

/* The "slice" document of one decoded slice (NULL if it was not a slice);
 * set gives its sharing (shared_with), or NULL. */
json_t *gl_slice_doc(struct gl_ctx *c, const struct gl_slice_set *set, int i);
/* The "slices" document: each slice and the backing arrays they use. */
json_t *gl_slices_doc(struct gl_ctx *c, const struct gl_slice_set *set);

#endif
