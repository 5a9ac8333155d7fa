/* Slices (runtime/slice.h) as text. */
#ifndef GL_SLICE_TEXT_H
#define GL_SLICE_TEXT_H

#include "runtime/slice.h"

/* One slice: header, backing array, elements, reserved capacity, element
 * layout and growth. */
void gl_slice_text(struct gl_ctx *c, const struct gl_slice *s);
/* Several slices, each followed by its error, then the backing arrays with
 * their [start:len:cap] windows and overlaps. */
void gl_slices_text(struct gl_ctx *c, const struct gl_slice_set *set);

#endif
