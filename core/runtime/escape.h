/* The compiler's escape analysis (go build -gcflags=-m output), loaded by
 * the user and matched to locals by source line and name. */
#ifndef GL_ESCAPE_H
#define GL_ESCAPE_H

#include "target/ctx.h"

struct gl_escapes;

struct gl_error *gl_escapes_load(const char *path, struct gl_escapes **out);
void gl_escapes_destroy(struct gl_escapes *e);
size_t gl_escapes_count(const struct gl_escapes *e);
const char *gl_escapes_path(const struct gl_escapes *e);
/* The verdict for variable `name` declared at `line` ("moved to heap",
 * "does not escape", "escapes to heap", "leaking param"...), with the
 * compiler's file:line:col; NULL when the compiler said nothing. */
const char *gl_escapes_find(const struct gl_escapes *e, const char *name, int line,
			    const char **where);

#endif
