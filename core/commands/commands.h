/* The command table: one entry per subcommand, shared by both shims, and
 * the options the session parses for them. */
#ifndef GL_COMMANDS_H
#define GL_COMMANDS_H

#include "target/ctx.h"
#include "view/view.h"

#define GL_MAX_ARGS 32
#define GL_DEFAULT_LIMIT 16

enum {
	GL_OPT_LIMIT = 1u << 0,   /* --limit N, --all */
	GL_OPT_TYPE = 1u << 1,    /* --type T */
	GL_OPT_SUMMARY = 1u << 2, /* --summary */
	GL_OPT_INDEX = 1u << 3,   /* --bucket I / --group I */
	GL_OPT_GFILTER = 1u << 4, /* --status S, --func SUB, --dead */
	GL_OPT_ESCAPE = 1u << 5,  /* --escape FILE */
	GL_OPT_SPAN = 1u << 6,    /* --span (heap) */
	GL_OPT_ALLVARS = 1u << 7, /* --all-vars (stack) */
	GL_OPT_KEY = 1u << 8,     /* --key K, --hash (map) */
	GL_OPT_SVG = 1u << 9,     /* --svg FILE: the command draws memory */
	GL_OPT_WATCH = 1u << 10,  /* --stop (watch) */
	GL_OPT_WHY = 1u << 11,    /* --why, --retains (heap) */
	GL_OPT_TOP = 1u << 12,    /* --top, --by root|type (gc) */
};

struct gl_opts {
	bool json, all, no_color, summary, help;
	bool limit_set;
	long limit;
	const char *type;      /* --type */
	const char *status;    /* --status (goroutines) */
	const char *func;      /* --func (goroutines) */
	const char *escape;    /* --escape FILE (stack) */
	const char *svg;       /* --svg FILE: also write the picture there */
	const char *out;       /* --out FILE: the output goes there, appended */
	bool dead;             /* --dead: include dead goroutines */
	bool span;             /* --span (heap): every object of the span */
	bool all_vars;         /* --all-vars (stack): locals not yet declared too */
	const char *key;       /* --key K (map) */
	bool hash;             /* --hash (map) */
	bool stop;             /* --stop (watch) */
	bool why, retains;     /* --why, --retains (heap) */
	bool top;              /* --top (gc) */
	bool no_infer;         /* --no-infer (heap --why/--retains, gc --top): heap-recorded types only */
	const char *by;        /* --by root|type (gc --top) */
	long index;            /* --bucket / --group, -1 if unset */
	long width;            /* --width N: text columns, 0 = never cut */
	bool width_set;
	const char *args[GL_MAX_ARGS];
	int nargs;
};

struct gl_command {
	const char *name;
	const char *kind;     /* the documents' "kind"; NULL: same as name */
	const char *summary;
	const char *help;     /* usage and options; the summary is prepended */
	unsigned opts;        /* GL_OPT_* accepted besides --json/--no-color */
	int min_args, max_args;
	/* Decode into the view w; the session then outputs it, the document
	 * with --json, the text otherwise. On error, what could be decoded
	 * stays in w (its kind set) and shows before the error line; a view
	 * left GL_VIEW_NONE shows nothing but the error. */
	struct gl_error *(*run)(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w);
};

/* Evaluate the command's expression o->args[0] (with --type) into w as a
 * value of `kind` (noun: "a map"...; GL_K_INVALID: of any kind), or say
 * in one line what it is instead. */
struct gl_error *gl_view_eval(struct gl_ctx *c, const struct gl_opts *o, enum gl_kind kind,
			      const char *noun, struct gl_view *w);

extern const struct gl_command gl_cmd_goroutines, gl_cmd_stack, gl_cmd_escape,
	gl_cmd_version, gl_cmd_struct, gl_cmd_type, gl_cmd_value, gl_cmd_map, gl_cmd_slice, gl_cmd_string, gl_cmd_iface, gl_cmd_chan,
	gl_cmd_stats, gl_cmd_heap, gl_cmd_gc, gl_cmd_watch;

#endif
