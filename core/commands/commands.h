/* The command table: one entry per subcommand, shared by both shims. */
#ifndef GL_COMMANDS_H
#define GL_COMMANDS_H

#include "doc/doc.h"
#include "render/render.h"
#include "target/ctx.h"

enum {
	GL_OPT_LIMIT = 1u << 0,   /* --limit N, --all */
	GL_OPT_TYPE = 1u << 1,    /* --type T */
	GL_OPT_SUMMARY = 1u << 2, /* --summary */
	GL_OPT_INDEX = 1u << 3,   /* --bucket I / --group I */
	GL_OPT_GFILTER = 1u << 4, /* --status S, --func SUB, --dead */
	GL_OPT_ESCAPE = 1u << 5,  /* --escape FILE */
	GL_OPT_SPAN = 1u << 6,    /* --span (heap) */
};

struct gl_command {
	const char *name;
	const char *kind;     /* the documents' "kind"; NULL: same as name */
	const char *summary;
	const char *help;     /* usage and options; the summary is prepended */
	unsigned opts;        /* GL_OPT_* accepted besides --json/--no-color */
	int min_args, max_args;
	/* Decode, then serialise the model to the document *doc (--json) or
	 * render it as text into c->out. On error, what could be decoded is
	 * still output, before the error line. */
	struct gl_error *(*run)(struct gl_ctx *c, json_t **doc);
};

extern const struct gl_command gl_cmd_goroutines, gl_cmd_stack, gl_cmd_escape,
	gl_cmd_version, gl_cmd_struct, gl_cmd_type, gl_cmd_value, gl_cmd_map, gl_cmd_slice, gl_cmd_string, gl_cmd_iface, gl_cmd_chan,
	gl_cmd_stats, gl_cmd_heap, gl_cmd_gc;

#endif
