/* golayout escape load FILE | clear | show: the compiler's escape analysis
 * for golayout stack to annotate locals with. */
#include <string.h>

#include "commands/commands.h"
#include "runtime/escape.h"

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
	const struct gl_escapes *e = *c->escapes;
	json_t *d = gl_doc_new(c, "escape", NULL, false, 0);
	*docp = d;
	json_object_set_new(d, "file", e ? gl_json_text(gl_escapes_path(e)) : json_null());
	json_object_set_new(d, "entries", json_integer((json_int_t)gl_escapes_count(e)));
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	const char *f = json_string_value(json_object_get(d, "file"));
	if (f)
		sb_addf(&c->out, "escape analysis from %s: %lld statements about variables\n", f,
			(long long)json_integer_value(json_object_get(d, "entries")));
	else
		sb_add(&c->out, "no escape analysis loaded (golayout escape load FILE)\n");
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
	.render = render,
};
