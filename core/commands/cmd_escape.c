/* golayout escape load FILE | clear | show: the compiler's escape analysis
 * for golayout stack to annotate locals with. */
#include <string.h>

#include "commands/commands.h"
#include "doc/escape_doc.h"
#include "render/escape_text.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *verb = c->opts.nargs ? c->opts.args[0] : "show";
	struct gl_error *err = NULL;
	if (!strcmp(verb, "load")) {
		if (c->opts.nargs != 2)
			return gl_error_create(GL_ERR_USAGE, "usage: golayout escape load FILE");
		struct gl_escapes *e;
		if ((err = gl_escapes_load(c->opts.args[1], &e)))
			return err;
		gl_escapes_destroy(*c->escapes);
		*c->escapes = e;
	} else if (!strcmp(verb, "clear")) {
		gl_escapes_destroy(*c->escapes);
		*c->escapes = NULL;
	} else if (strcmp(verb, "show")) {
		return gl_error_create(GL_ERR_USAGE, "golayout escape load FILE | clear | show");
	}
	if (!c->opts.json)
		gl_escape_text(c, *c->escapes);
	else if (!(*docp = gl_escape_doc(c, *c->escapes)))
		return &gl_error_nomem;
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
