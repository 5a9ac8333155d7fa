/* golayout version: what golayout knows about the target's build. */
#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	(void)o;
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	w->kind = GL_VIEW_VERSION;
	w->u.version = err ? NULL : t;
	return err;
}

const struct gl_command gl_cmd_version = {
	.name = "version",
	.summary = "Show golayout's version and what it detected in the target.",
	.help = "Usage: golayout version [--json]\n"
		"\n"
		"Prints golayout's version and, for the executable being debugged: its Go\n"
		"version (runtime.buildVersion), GOARCH and pointer size, the map\n"
		"implementation (classic hmap or swiss tables, and the swiss group layout),\n"
		"the garbage collector (classic or Green Tea), the DWARF version, and whether\n"
		"layouts come from DWARF. Works without a running process.",
	.min_args = 0,
	.max_args = 0,
	.run = run,
};
