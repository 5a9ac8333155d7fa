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
/* What the compiler said about a variable. */
enum gl_escape_verdict {
	GL_ESC_NONE,              /* nothing */
	GL_ESC_MOVED_TO_HEAP,
	GL_ESC_LEAKING_PARAM_CONTENT,
	GL_ESC_LEAKING_PARAM,
	GL_ESC_DOES_NOT_ESCAPE,
	GL_ESC_ESCAPES_TO_HEAP,
};

/* The compiler's words for a verdict ("moved to heap"...), for display. */
const char *gl_escape_verdict_name(enum gl_escape_verdict v);
/* The verdict for variable `name` declared at `line`, with the
 * compiler's file:line:col in *where; GL_ESC_NONE when the compiler said
 * nothing ("moved to heap" wins over weaker statements). */
enum gl_escape_verdict gl_escapes_find(const struct gl_escapes *e, const char *name, int line,
				       const char **where);

#endif
