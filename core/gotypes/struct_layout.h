#ifndef GL_STRUCT_LAYOUT_H
#define GL_STRUCT_LAYOUT_H

#include "doc/doc.h" /* transitional: the decoder still builds JSON */
#include "target/ctx.h"

/* Fill d with "size", "align", "fields", "padding", "padding_bytes",
 * "pointer_bytes", "best_order", "best_size" for struct type t; with bytes
 * set, each field also gets its %v "value". */
struct gl_error *gl_struct_describe(struct gl_ctx *c, const struct gl_type *t,
				    const unsigned char *bytes, json_t *d);

#endif
