/* Struct layouts (gotypes/struct_layout.h) as pahole-style text. */
#ifndef GL_STRUCT_TEXT_H
#define GL_STRUCT_TEXT_H

#include "eval/value.h"
#include "gotypes/struct_layout.h"

/* The table of fields and holes with the summary and best order. v is the
 * struct's value (golayout struct) or NULL (golayout type); values show
 * when the value is in memory. */
void gl_struct_text(struct gl_ctx *c, const struct gl_struct_layout *l, const struct gl_value *v);
/* "element T: size N, padding P bytes per element at +o:s...; reordered it
 * would be B" (golayout slice), with its newline. */
void gl_struct_padding_line(struct gl_ctx *c, const struct gl_struct_layout *l);

#endif
