/* Go's fmt %v of a value, from its type and bytes; memory behind strings,
 * slices, maps and interfaces is read through the context's memory. */
#ifndef GL_FORMAT_H
#define GL_FORMAT_H

#include <stdbool.h>

#include "base/le.h"
#include "base/strbuf.h"
#include "target/types.h"
#include "target/ctx.h"

/* Output bound per value: a dump must never run away on a huge or
 * corrupt slice. */
#define GL_FORMAT_BUDGET 8192

/* Go's fmt %v text of a value. depth 0 is the top level (a pointer to a
 * struct prints as &{...} only there, as fmt does). Memory behind strings,
 * slices, interfaces is read through c->mem; output is bounded. */
void gl_format_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		     struct strbuf *sb, int depth);
/* A struct field's value b as fmt prints it in the struct: a String or
 * Error method is not called inside an unexported field. */
void gl_format_field(struct gl_ctx *c, const struct gl_field *f, const unsigned char *b,
		     struct strbuf *sb, int depth);
/* The string of len bytes at ptr, as %v prints it (bounded). */
void gl_format_string(struct gl_ctx *c, uint64_t ptr, uint64_t len, struct strbuf *sb);
/* gl_format_value at depth 0, and the first method fmt would call on the
 * value or inside it (String or Error) that golayout does not reproduce,
 * into method (n bytes; "" when none). */
void gl_format_value_noting(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb,
			    char *method, size_t n);
char *gl_format_value_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes);
/* Go's strconv 'g' shortest formatting, as %v prints floats. */
void gl_format_float(double v, int bits, bool plus, struct strbuf *sb);

#endif
