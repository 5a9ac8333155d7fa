/* The session: the entry point the shims call, argument tokenizing and
 * option parsing, the command table, and the output of documents. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/number.h"
#include "commands/commands.h"
#include "commands/outfile.h"
#include "commands/watch.h"
#include "doc/doc.h"
#include "doc/view_doc.h"
#include "golayout/golayout.h"
#include "render/view_svg.h"
#include "render/view_text.h"
#include "runtime/escape.h"
#include "target/ctx.h"

struct gl_session {
	struct gl_target *target;
	struct gl_mem mem;
	struct gl_escapes *escapes; /* golayout escape load FILE */
	struct gl_watches *watches; /* golayout watch */
	unsigned long files;        /* the %n of --out and --svg file names: runs that used it */
};

static const struct gl_command *const commands[] = {
	&gl_cmd_version, &gl_cmd_map, &gl_cmd_slice, &gl_cmd_string, &gl_cmd_iface, &gl_cmd_chan, &gl_cmd_heap, &gl_cmd_gc, &gl_cmd_struct, &gl_cmd_type, &gl_cmd_value, &gl_cmd_goroutines, &gl_cmd_stack, &gl_cmd_escape, &gl_cmd_stats, &gl_cmd_watch,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

struct gl_session *gl_session_create(void)
{
	struct gl_session *s = calloc(1, sizeof(*s));
	if (s)
		gl_mem_init(&s->mem);
	return s;
}

void gl_session_destroy(struct gl_session *s)
{
	if (!s)
		return;
	gl_target_destroy(s->target);
	gl_escapes_destroy(s->escapes);
	gl_watches_destroy(s->watches);
	gl_mem_deinit(&s->mem);
	free(s);
}

void gl_free(void *p)
{
	free(p);
}

size_t gl_command_count(void)
{
	return NCOMMANDS;
}

const char *gl_command_name(size_t i)
{
	return i < NCOMMANDS ? commands[i]->name : NULL;
}

const char *gl_command_summary(size_t i)
{
	return i < NCOMMANDS ? commands[i]->summary : NULL;
}

const char *gl_command_help(size_t i)
{
	return i < NCOMMANDS ? commands[i]->help : NULL;
}

/* Built once from the command table, so it can never miss a command. */
const char *gl_overview_help(void)
{
	static char text[4096];
	if (text[0])
		return text;
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, "Show how a Go program's memory is laid out.\n\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		sb_addf(&sb, "  golayout %s", commands[i]->name);
		sb_pad(&sb, 22);
		sb_addf(&sb, "%s\n", commands[i]->summary);
	}
	sb_add(&sb, "\nEXPR: a local or parameter of the selected frame, a package global (main.g or\n"
		    "g), with .field, [index] and *deref; or an address with --type TYPE.\n"
		    "Every command takes --json (one JSON document, schema golayout/1),\n"
		    "--no-color, --width N (text columns; 0 cuts no line or value) and\n"
		    "--out FILE (the output appended to FILE; with --json one document a line).\n"
		    "Commands that draw memory also take --svg FILE (a picture; see README).\n"
		    "A %n in FILE counts the commands that wrote such files: 1, 2, 3...\n"
		    "\"golayout help COMMAND\" (in GDB also \"help golayout COMMAND\") says more.");
	snprintf(text, sizeof(text), "%s", sb.s ? sb.s : "");
	sb_deinit(&sb);
	return text;
}

/* ---- tokenizer and options ----------------------------------------------- */

/* Shell-like splitting: whitespace separates, "..." and '...' group,
 * backslash escapes inside double quotes and outside quotes. */
static int tokenize(char *buf, char **argv, int max)
{
	int argc = 0;
	char *r = buf, *w = buf;
	while (*r) {
		while (*r == ' ' || *r == '\t' || *r == '\n')
			r++;
		if (!*r)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = w;
		char q = 0;
		while (*r && (q || (*r != ' ' && *r != '\t' && *r != '\n'))) {
			if (q) {
				if (*r == q) {
					q = 0;
					r++;
				} else if (q == '"' && *r == '\\' && r[1]) {
					r++;
					*w++ = *r++;
				} else {
					*w++ = *r++;
				}
			} else if (*r == '"' || *r == '\'') {
				q = *r++;
			} else if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w++ = '\0';
		/* w never overtakes r: each output byte consumed an input byte */
	}
	return argc;
}

static struct gl_error *parse_number(const char *opt, const char *s, long *out)
{
	uint64_t v;
	if (!s || !gl_parse_u64(s, &v) || v > LONG_MAX)
		return gl_error_create(GL_ERR_USAGE, "%s needs a non-negative number", opt);
	*out = (long)v;
	return NULL;
}

/* The options: which command flag (GL_OPT_*) accepts each, 0 for all
 * commands, and the field of struct gl_opts it sets. */
enum opt_arg { OPT_FLAG, OPT_NUMBER, OPT_TEXT };

struct opt_spec {
	const char *name;
	unsigned need;
	enum opt_arg arg;
	size_t field;       /* a bool, a long or a const char * */
	int set_field;      /* the bool saying a number was given, -1: none */
	const char *what;   /* OPT_TEXT: what the value is, for the error */
};

#define F(f) offsetof(struct gl_opts, f)
static const struct opt_spec options[] = {
	{"--json", 0, OPT_FLAG, F(json), -1, NULL},
	{"--no-color", 0, OPT_FLAG, F(no_color), -1, NULL},
	{"--help", 0, OPT_FLAG, F(help), -1, NULL},
	{"-h", 0, OPT_FLAG, F(help), -1, NULL},
	{"--width", 0, OPT_NUMBER, F(width), F(width_set), NULL},
	{"--limit", GL_OPT_LIMIT, OPT_NUMBER, F(limit), F(limit_set), NULL},
	{"--all", GL_OPT_LIMIT, OPT_FLAG, F(all), -1, NULL},
	{"--summary", GL_OPT_SUMMARY, OPT_FLAG, F(summary), -1, NULL},
	{"--type", GL_OPT_TYPE, OPT_TEXT, F(type), -1, "a Go type name"},
	{"--bucket", GL_OPT_INDEX, OPT_NUMBER, F(index), -1, NULL},
	{"--group", GL_OPT_INDEX, OPT_NUMBER, F(index), -1, NULL},
	{"--status", GL_OPT_GFILTER, OPT_TEXT, F(status), -1, "a value"},
	{"--func", GL_OPT_GFILTER, OPT_TEXT, F(func), -1, "a value"},
	{"--dead", GL_OPT_GFILTER, OPT_FLAG, F(dead), -1, NULL},
	{"--span", GL_OPT_SPAN, OPT_FLAG, F(span), -1, NULL},
	{"--all-vars", GL_OPT_ALLVARS, OPT_FLAG, F(all_vars), -1, NULL},
	{"--key", GL_OPT_KEY, OPT_TEXT, F(key), -1, "a key (a Go literal or an expression)"},
	{"--hash", GL_OPT_KEY, OPT_FLAG, F(hash), -1, NULL},
	{"--stop", GL_OPT_WATCH, OPT_FLAG, F(stop), -1, NULL},
	{"--why", GL_OPT_WHY, OPT_FLAG, F(why), -1, NULL},
	{"--retains", GL_OPT_WHY, OPT_FLAG, F(retains), -1, NULL},
	{"--top", GL_OPT_TOP, OPT_FLAG, F(top), -1, NULL},
	{"--no-infer", GL_OPT_WHY | GL_OPT_TOP, OPT_FLAG, F(no_infer), -1, NULL},
	{"--by", GL_OPT_TOP, OPT_TEXT, F(by), -1, "root or type"},
	{"--out", 0, OPT_TEXT, F(out), -1, "a file name"},
	{"--svg", GL_OPT_SVG, OPT_TEXT, F(svg), -1, "a file name"},
	{"--escape", GL_OPT_ESCAPE, OPT_TEXT, F(escape), -1, "the file with go build -gcflags=-m output"},
};
#undef F

/* Set option *spec from val (the next argument, or NULL); *used says val
 * was taken. */
static struct gl_error *set_option(const struct opt_spec *spec, const char *val,
				   struct gl_opts *o, bool *used)
{
	char *base = (char *)o;
	*used = spec->arg != OPT_FLAG;
	if (spec->arg == OPT_FLAG) {
		*(bool *)(base + spec->field) = true;
	} else if (spec->arg == OPT_TEXT) {
		if (!val)
			return gl_error_create(GL_ERR_USAGE, "%s needs %s", spec->name, spec->what);
		*(const char **)(base + spec->field) = val;
	} else {
		struct gl_error *err = parse_number(spec->name, val, (long *)(base + spec->field));
		if (err)
			return err;
		if (spec->set_field >= 0)
			*(bool *)(base + spec->set_field) = true;
	}
	return NULL;
}

static const struct opt_spec *find_option(const struct gl_command *cmd, const char *a)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if ((!options[i].need || (cmd->opts & options[i].need)) && !strcmp(a, options[i].name))
			return &options[i];
	return NULL;
}

static struct gl_error *parse_opts(const struct gl_command *cmd, int argc, char **argv,
				   struct gl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->limit = GL_DEFAULT_LIMIT;
	o->index = -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_spec *spec = find_option(cmd, a);
		if (spec) {
			bool used;
			struct gl_error *err = set_option(spec, i + 1 < argc ? argv[i + 1] : NULL, o, &used);
			if (err)
				return err;
			i += used;
		} else if (a[0] == '-' && a[1] == '-') {
			return gl_error_create(GL_ERR_USAGE, "unknown option %s for \"golayout %s\"", a,
					       cmd->name);
		} else {
			if (o->nargs == GL_MAX_ARGS)
				return gl_error_create(GL_ERR_USAGE, "too many arguments");
			o->args[o->nargs++] = a;
		}
	}
	if (o->help)
		return NULL;
	if (o->nargs < cmd->min_args)
		return gl_error_create(GL_ERR_USAGE, "golayout %s needs %s (see golayout help %s)",
				       cmd->name, cmd->min_args > 1 ? "more arguments" : "an argument",
				       cmd->name);
	if (cmd->max_args >= 0 && o->nargs > cmd->max_args)
		return gl_error_create(GL_ERR_USAGE, "too many arguments for golayout %s", cmd->name);
	return NULL;
}

static const struct gl_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* ---- running -------------------------------------------------------------- */

/* The columns text may use: --width, else what the debugger says of its
 * terminal; 0 (never cut) when the output is not a terminal, so batch
 * runs, pipes and scripts get every line whole. */
static size_t text_columns(const struct gl_opts *o, const struct gl_backend *be)
{
	uint32_t cols;
	if (o->width_set)
		return (size_t)o->width;
	if (be->version >= 2 && be->text_width && be->text_width(be->ctx, &cols) == GL_BACKEND_OK)
		return cols;
	return 0;
}

/* Cut every text line longer than `cols` columns (0: none) with an
 * ellipsis. Columns count UTF-8 characters, not bytes, and skip colour
 * escapes (a cut line ends with a colour reset). Returns how many lines
 * were cut. */
static size_t fit_width(struct strbuf *text, bool color, size_t cols_max)
{
	if (cols_max == 0)
		return 0;
	struct strbuf out;
	sb_init(&out);
	size_t ncut = 0;
	const char *p = text->s ? text->s : "", *end = p + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t cols = 0;
		const char *q = p, *cut = NULL;
		while (q < le) {
			if (*q == '\033') { /* ESC [ ... m */
				while (q < le && *q != 'm')
					q++;
				q++;
				continue;
			}
			if (((unsigned char)*q & 0xc0) != 0x80 && ++cols == cols_max && !cut)
				cut = q;
			q++;
		}
		if (cols > cols_max && cut) {
			sb_addn(&out, p, (size_t)(cut - p));
			sb_add(&out, "\xe2\x80\xa6");
			if (color)
				sb_add(&out, "\033[0m");
			ncut++;
		} else {
			sb_addn(&out, p, (size_t)(le - p));
		}
		if (nl)
			sb_addc(&out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (!out.oom) {
		sb_deinit(text);
		*text = out;
	} else {
		sb_deinit(&out);
		ncut = 0;
	}
	return ncut;
}

/* A cut line lost its end, a shortened value (gl_clip) its rest: say so
 * once, in one line, and how to see them whole. */
static void note_cuts(struct strbuf *text, size_t nlines, size_t nvalues, size_t cols)
{
	if (!nlines && !nvalues)
		return;
	if (text->len && text->s[text->len - 1] != '\n')
		sb_addc(text, '\n');
	sb_addc(text, '(');
	if (nlines)
		sb_addf(text, "%zu line%s cut at %zu columns", nlines, nlines == 1 ? "" : "s", cols);
	if (nlines && nvalues)
		sb_add(text, " and ");
	if (nvalues)
		sb_addf(text, "%zu value%s shortened to fit %s column%s", nvalues, nvalues == 1 ? "" : "s",
			nvalues == 1 ? "its" : "their", nvalues == 1 ? "" : "s");
	sb_addf(text, ": --width 0 shows %s whole, --json gives every value in full)\n",
		nlines + nvalues == 1 ? "it" : "them");
}

/* The --svg and --out file names, their %n replaced by the session's
 * count of runs that used one (both names of a run get the same n). */
static struct gl_error *file_names(struct gl_session *s, const struct gl_opts *o, char **svg,
				   char **out)
{
	unsigned long n = s->files;
	if (gl_outfile_counts(o->svg) || gl_outfile_counts(o->out))
		n = ++s->files;
	struct gl_error *err = NULL;
	if (o->svg)
		err = gl_outfile_path(o->svg, n, svg);
	if (!err && o->out)
		err = gl_outfile_path(o->out, n, out);
	return err;
}

/* The view's picture into path, replacing what was there. */
static struct gl_error *write_svg(struct gl_ctx *c, const struct gl_view *w, const char *path)
{
	struct strbuf pic;
	sb_init(&pic);
	gl_view_svg(c, w, &pic);
	struct gl_error *err = pic.oom ? &gl_error_nomem
				       : gl_outfile_write("--svg", path, pic.s ? pic.s : "", pic.len, false);
	sb_deinit(&pic);
	return err;
}

#define INTERRUPTED "interrupted: what is shown is what golayout had read when stopped"

static char *error_line(struct gl_error *err)
{
	char *line;
	if (asprintf(&line, "golayout: %s", err->message) < 0)
		return NULL;
	return line;
}

/* Text drawn before Ctrl-C (--all of a million entries: tens of
 * megabytes) would keep the debugger printing for seconds after the key;
 * its head is kept, and a line says how much was left out. */
#define GL_INTERRUPTED_TEXT_MAX (256u << 10)
static void cut_after_interrupt(struct strbuf *out)
{
	if (out->len <= GL_INTERRUPTED_TEXT_MAX)
		return;
	size_t keep = GL_INTERRUPTED_TEXT_MAX;
	while (keep > 0 && out->s[keep - 1] != '\n')
		keep--;
	size_t dropped = out->len - keep;
	sb_truncate(out, keep);
	sb_addf(out, "... %zu more bytes drawn before Ctrl-C not shown (--limit N draws fewer)\n", dropped);
}

int gl_session_run(struct gl_session *s, const struct gl_backend *be, const char *args,
		   unsigned flags, char **out, char **err_out)
{
	*out = NULL;
	*err_out = NULL;
	if (!s || !be || be->version < 1) {
		*err_out = strdup("golayout: bad backend");
		return 1;
	}
	char *buf = strdup(args ? args : "");
	char *argv[GL_MAX_ARGS + 8];
	if (!buf) {
		*err_out = strdup("golayout: out of memory");
		return 1;
	}
	int argc = tokenize(buf, argv, GL_MAX_ARGS + 8);
	struct gl_ctx c = {.session = s, .target_slot = &s->target, .escapes = &s->escapes, .watches = &s->watches, .be = be, .mem = &s->mem};
	sb_init(&c.out);
	struct gl_opts opts = {0};
	struct gl_view view = {0};
	struct gl_doc_tail tail = {0};
	struct gl_error *err = NULL;
	json_t *doc = NULL;
	const struct gl_command *cmd = NULL;
	char *svg_path = NULL, *out_path = NULL;
	bool svg_written = false;
	struct gl_error *out_err = NULL; /* the file names' */
	bool json_requested = false;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			json_requested = true;

	if (argc < 0) {
		err = gl_error_create(GL_ERR_USAGE, "too many arguments");
	} else if (argc >= 2 && !strcmp(argv[0], "help")) {
		/* golayout help COMMAND: what `help golayout COMMAND` shows */
		if ((cmd = find_command(argv[1])))
			sb_addf(&c.out, "%s\n\n%s", cmd->summary, cmd->help);
		else
			err = gl_error_create(GL_ERR_USAGE, "unknown command \"%s\" (try: golayout help)",
					      argv[1]);
		cmd = NULL;
	} else if (argc == 0 || !strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
		sb_add(&c.out, gl_overview_help());
	} else if (!(cmd = find_command(argv[0]))) {
		err = gl_error_create(GL_ERR_USAGE, "unknown command \"%s\" (try: golayout help)",
				      argv[0]);
	} else if (!(err = parse_opts(cmd, argc - 1, argv + 1, &opts))) {
		if (opts.help) {
			sb_addf(&c.out, "%s\n\n%s", cmd->summary, cmd->help);
		} else {
			gl_mem_begin(&s->mem, be);
			/* before the command runs: its renderers shorten
			 * values only where lines are cut too */
			c.columns = opts.json ? 0 : text_columns(&opts, be);
			const char *nc = getenv("NO_COLOR");
			c.color = (flags & GL_RUN_TTY) && !opts.no_color && !(nc && *nc) && !opts.json;
			/* a document is streamed (it can be large), unless it
			 * goes to a file (--out); text is cut to the
			 * terminal's width as a whole at the end */
			c.stream = opts.json && !opts.out;
			c.progress = (flags & GL_RUN_PROGRESS) && !opts.json;
			gl_progress_begin(&c);
			/* Load the target first so that every document names
			 * the Go version, even an error document. */
			struct gl_target *t;
			struct gl_error *terr = gl_ctx_target(&c, &t);
			gl_error_destroy(terr);
			err = cmd->run(&c, &opts, &view);
			if (!(out_err = file_names(s, &opts, &svg_path, &out_path)) && svg_path &&
			    view.kind != GL_VIEW_NONE) {
				struct gl_error *werr = write_svg(&c, &view, svg_path);
				svg_written = !werr;
				if (werr && !err)
					err = werr;
				else
					gl_error_destroy(werr);
			}
			if (view.kind != GL_VIEW_NONE && opts.json) {
				if (!(doc = gl_view_doc(&c, &view, &tail)) && !err)
					err = &gl_error_nomem;
			} else if (svg_path) {
				/* the picture instead of the text; the error
				 * line says why there is none */
				if (svg_written)
					sb_addf(&c.out, "svg written to %s\n", svg_path);
			} else if (view.kind != GL_VIEW_NONE) {
				gl_view_text(&c, &view);
			}
			/* whatever failed after Ctrl-C failed because of it */
			if (s->mem.interrupted) {
				gl_error_destroy(err);
				err = gl_error_create(GL_ERR_INTERRUPTED, INTERRUPTED);
				if (!opts.json)
					cut_after_interrupt(&c.out);
			}
		}
	}

	if (json_requested && (err || doc)) {
		if (!doc)
			doc = gl_doc_new(&c, !cmd ? "error" : cmd->kind ? cmd->kind : cmd->name, NULL, false, 0);
		if (doc && err) {
			json_object_set_new(doc, "error", gl_json_text(err->message));
			json_object_set_new(doc, "error_code", json_string(gl_error_code_name(err->code)));
		}
		char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		sb_truncate(&c.out, 0);
		if (text && tail.write) {
			/* the document without its closing brace, then its tail */
			sb_addn(&c.out, text, strlen(text) - 1);
			gl_out_flush(&c);
			bool stopped = s->mem.interrupted;
			tail.write(&c, tail.arg, &c.out);
			if (s->mem.interrupted && !stopped && !err)
				sb_addf(&c.out, ",\"error\":\"%s\",\"error_code\":\"%s\"", INTERRUPTED,
					gl_error_code_name(GL_ERR_INTERRUPTED));
			sb_addc(&c.out, '}');
			if (s->mem.interrupted && !stopped && !err)
				err = gl_error_create(GL_ERR_INTERRUPTED, INTERRUPTED);
		} else if (text) {
			sb_add(&c.out, text);
		}
		free(text);
	} else {
		if (cmd && !opts.help)
			note_cuts(&c.out, fit_width(&c.out, c.color, c.columns), c.values_cut, c.columns);
		if (err)
			*err_out = error_line(err);
	}
	if (c.out.len && c.out.s[c.out.len - 1] != '\n')
		sb_addc(&c.out, '\n');
	if (!out_err && out_path && c.out.len)
		out_err = c.out.oom ? &gl_error_nomem
				    : gl_outfile_write("--out", out_path, c.out.s, c.out.len, true);
	if (out_path || out_err)
		sb_truncate(&c.out, 0);
	if (out_err) {
		/* the output could not go where it was asked to: one line says
		 * why, after the command's own error line if any */
		char *line = error_line(out_err);
		if (*err_out && line) {
			char *both;
			if (asprintf(&both, "%s\n%s", *err_out, line) >= 0) {
				free(line);
				line = both;
			}
		}
		free(*err_out);
		*err_out = line;
		gl_error_destroy(out_err);
		if (!err)
			err = gl_error_create(GL_ERR_OUTPUT, "output not written");
	}
	free(svg_path);
	free(out_path);
	int status = err != NULL;
	gl_progress_end(&c);
	gl_mem_end(&s->mem); /* keep no pointer into the debugger */
	gl_error_destroy(err);
	json_decref(doc);
	gl_view_deinit(&view); /* after the document: it may point into the view */
	free(buf);
	*out = sb_steal(&c.out);
	return status;
}

int gl_session_breakpoint_hit(struct gl_session *s, const struct gl_backend *be, uint64_t id,
			      char **out, char **err_out)
{
	*out = NULL;
	*err_out = NULL;
	/* a watch's breakpoint needs the executable its command loaded (and
	 * the load bias it took): nothing is read afresh on the common,
	 * cheap path of a hit on an object nobody watches */
	if (!s || !be || be->version < 5 || !s->watches || !s->target)
		return GL_BP_CONTINUE;
	struct gl_ctx c = {.session = s, .target_slot = &s->target, .escapes = &s->escapes,
			   .watches = &s->watches, .be = be, .mem = &s->mem, .t = s->target,
			   .bias_taken = true};
	sb_init(&c.out);
	gl_mem_begin(&s->mem, be);
	gl_mem_flush(&s->mem); /* the program ran since the last hit */
	struct gl_error *err = NULL;
	bool stop = gl_watch_hit(&c, s->watches, id, &err);
	gl_mem_end(&s->mem);
	if (err)
		*err_out = error_line(err);
	gl_error_destroy(err);
	*out = c.out.len ? sb_steal(&c.out) : NULL;
	sb_deinit(&c.out);
	return stop ? GL_BP_STOP : GL_BP_CONTINUE;
}
