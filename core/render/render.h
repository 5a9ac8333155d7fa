/* Small helpers shared by the text renderers: they render the typed
 * models (never the target, never the JSON) in columns into c->out. */
#ifndef GL_RENDER_H
#define GL_RENDER_H

#include "base/strbuf.h"

struct gl_ctx;
/* Append a value that has a column of max characters to c->out; control
 * characters show as '?' so a value cannot break the layout. Only when
 * the text has a width (c->columns: a terminal or --width N) is a longer
 * value cut, to max characters and an ellipsis, and counted in
 * c->values_cut so that the closing note says so; otherwise it is whole
 * and its line grows. */
void gl_clip(struct gl_ctx *c, const char *s, size_t max);
/* Spaces up to column col of the last line of c->out (colour escapes take
 * no column), and at least one: a value that ran past its column still
 * stands apart from the next. */
void gl_pad(struct gl_ctx *c, size_t col);
/* Columns of s: its UTF-8 characters. */
size_t gl_cols(const char *s);
/* Colours: empty strings unless colour is on. */
const char *gl_c(struct gl_ctx *c, const char *which);

#endif
