/* golayout escape load FILE | clear | show: the compiler's escape analysis
 * for golayout stack to annotate locals with. */
#include <string.h>

#include "commands/commands.h"
#include "runtime/escape.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	const char *verb = o->nargs ? o->args[0] : "show";
	struct gl_error *err = NULL;
	if (!strcmp(verb, "load")) {
		if (o->nargs != 2)
			return gl_error_create(GL_ERR_USAGE, "usage: golayout escape load FILE");
		struct gl_escapes *e;
		if ((err = gl_escapes_load(o->args[1], &e)))
			return err;
		gl_escapes_destroy(*c->escapes);
		*c->escapes = e;
	} else if (!strcmp(verb, "clear")) {
		gl_escapes_destroy(*c->escapes);
		*c->escapes = NULL;
	} else if (strcmp(verb, "show")) {
		return gl_error_create(GL_ERR_USAGE, "golayout escape load FILE | clear | show");
	}
	w->kind = GL_VIEW_ESCAPE;
	w->u.escapes = *c->escapes;
	return NULL;
}

const struct gl_command gl_cmd_escape = {
	.name = "escape",
	.summary = "Load the compiler's escape analysis (-gcflags=-m) for golayout stack.",
	.help = "Usage: golayout escape load FILE | clear | show\n"
		"\n"
		"FILE holds the output of: go build -gcflags=-m ./... 2> FILE (one or two -m).\n"
		"golayout stack then marks each local \"moved to heap\", \"escapes to heap\",\n"
		"\"does not escape\" or \"leaking param\", with the compiler's file:line:col.",
	.min_args = 0,
	.max_args = 2,
	.run = run,
};
