/* golayout goroutines: every goroutine from runtime.allgs with its status,
 * wait reason, stack bounds and use, function and thread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "runtime/goroutines.h"

/* The function a goroutine is in, and the first frame outside the
 * runtime (what a Go developer recognises). */
static void where(struct gl_ctx *c, const struct gl_goroutine *g, const char **fn, const char **user,
		  const char **file, int64_t *line)
{
	*fn = *user = *file = NULL;
	*line = 0;
	struct gl_uframe *fr;
	size_t n;
	int live = -1;
	uint64_t pc = g->pc, sp = g->sp;
	struct gl_frame sel;
	struct gl_error *err = NULL;
	if (g->current && !(err = gl_frame_selected(c, &sel))) {
		pc = sel.pc;
		sp = sel.sp;
		live = (int)sel.level;
	}
	gl_error_destroy(err);
	if (gl_unwind(c, pc, sp, live, g->stack_lo, g->stack_hi, &fr, &n))
		return;
	for (size_t i = 0; i < n && i < 64; i++) {
		if (i == 0)
			*fn = fr[i].func;
		if (strncmp(fr[i].func, "runtime.", 8) && strcmp(fr[i].func, "?")) {
			*user = fr[i].func;
			*file = fr[i].file;
			*line = fr[i].line;
			break;
		}
	}
	free(fr);
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	struct gl_goroutine *gs;
	size_t n;
	err = gl_goroutines_read(c, &gs, &n);
	if (err && n == 0) {
		free(gs);
		return err;
	}
	json_t *d = gl_doc_new(c, "goroutines", NULL, false, 0);
	*docp = d;
	json_t *arr = json_array(), *counts = json_object();
	size_t shown = 0, matched = 0;
	size_t limit = c->opts.all ? (size_t)-1 : c->opts.limit_set ? (size_t)c->opts.limit : (c->opts.json ? (size_t)-1 : 64);
	for (size_t i = 0; i < n; i++) {
		const struct gl_goroutine *g = &gs[i];
		json_t *cnt = json_object_get(counts, g->status_name);
		json_object_set_new(counts, g->status_name, json_integer(json_integer_value(cnt) + 1));
		if (!c->opts.dead && !strcmp(g->status_name, "dead") && !(c->opts.status && !strcmp(c->opts.status, "dead")))
			continue;
		if (c->opts.status && strcmp(c->opts.status, g->status_name))
			continue;
		const char *fn, *user, *file;
		int64_t line;
		where(c, g, &fn, &user, &file, &line);
		if (c->opts.func && !((fn && strstr(fn, c->opts.func)) || (user && strstr(user, c->opts.func))))
			continue;
		matched++;
		if (shown >= limit)
			continue;
		shown++;
		json_t *o = json_object();
		json_object_set_new(o, "goid", json_integer((json_int_t)g->goid));
		gl_json_set_addr(o, "g", g->g);
		json_object_set_new(o, "status", json_string(g->status_name));
		json_object_set_new(o, "status_value", json_integer(g->status));
		if (g->scan)
			json_object_set_new(o, "scan", json_true());
		if (g->wait_reason[0])
			json_object_set_new(o, "wait_reason", gl_json_text(g->wait_reason));
		gl_json_set_addr(o, "stack_lo", g->stack_lo);
		gl_json_set_addr(o, "stack_hi", g->stack_hi);
		/* a corrupt g can have hi < lo: no negative sizes */
		if (g->stack_hi >= g->stack_lo && g->stack_hi - g->stack_lo <= (uint64_t)INT64_MAX)
			json_object_set_new(o, "stack_size", json_integer((json_int_t)(g->stack_hi - g->stack_lo)));
		uint64_t sp = g->sp;
		if (g->current && c->be->read_register)
			c->be->read_register(c->be->ctx, "rsp", &sp);
		if (sp >= g->stack_lo && sp <= g->stack_hi && g->stack_hi - sp <= (uint64_t)INT64_MAX)
			json_object_set_new(o, "stack_used", json_integer((json_int_t)(g->stack_hi - sp)));
		gl_json_set_addr(o, "sp", sp);
		gl_json_set_addr(o, "pc", g->pc);
		json_object_set_new(o, "func", fn ? json_string(fn) : json_null());
		json_object_set_new(o, "user_func", user ? json_string(user) : json_null());
		if (file) {
			json_object_set_new(o, "file", gl_json_text(file));
			json_object_set_new(o, "line", json_integer(line));
		}
		if (g->thread)
			json_object_set_new(o, "thread", json_integer((json_int_t)g->thread));
		json_object_set_new(o, "current", json_boolean(g->current));
		json_array_append_new(arr, o);
	}
	json_object_set_new(d, "goroutines", arr);
	json_object_set_new(d, "counts", counts);
	json_object_set_new(d, "total", json_integer((json_int_t)n));
	json_object_set_new(d, "matched", json_integer((json_int_t)matched));
	json_object_set_new(d, "shown", json_integer((json_int_t)shown));
	free(gs);
	return err;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *arr = json_object_get(d, "goroutines");
	sb_addf(o, "%s%lld goroutines%s  [%s]:", gl_c(c, "bold"),
		(long long)json_integer_value(json_object_get(d, "total")), gl_c(c, "reset"),
		json_string_value(json_object_get(d, "go_version")));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(d, "counts"), k, v)
		sb_addf(o, " %s %lld", k, (long long)json_integer_value(v));
	sb_addf(o, "\n%s  goid  status     stack.lo         used/size     thread  where%s\n",
		gl_c(c, "dim"), gl_c(c, "reset"));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *g = json_array_get(arr, i);
		const char *wr = json_string_value(json_object_get(g, "wait_reason"));
		json_t *th = json_object_get(g, "thread");
		sb_addf(o, "%s %5lld  %-9s  %-15s  %5lld/%-6lld ", json_is_true(json_object_get(g, "current")) ? "*" : " ",
			(long long)json_integer_value(json_object_get(g, "goid")),
			json_string_value(json_object_get(g, "status")),
			json_string_value(json_object_get(g, "stack_lo")),
			(long long)json_integer_value(json_object_get(g, "stack_used")),
			(long long)json_integer_value(json_object_get(g, "stack_size")));
		if (th)
			sb_addf(o, "%7lld  ", (long long)json_integer_value(th));
		else
			sb_add(o, "      -  ");
		const char *uf = json_string_value(json_object_get(g, "user_func"));
		const char *fn = json_string_value(json_object_get(g, "func"));
		/* the "where" column takes what is left of 100 columns */
		struct strbuf w;
		sb_init(&w);
		sb_addf(&w, "%s", uf ? uf : fn ? fn : "?");
		if (json_object_get(g, "file")) {
			const char *f = json_string_value(json_object_get(g, "file"));
			const char *base = strrchr(f, '/');
			sb_addf(&w, " %s:%lld", base ? base + 1 : f, (long long)json_integer_value(json_object_get(g, "line")));
		}
		if (wr)
			sb_addf(&w, " [%s]", wr);
		size_t col = 0;
		for (size_t k = o->len; k > 0 && o->s[k - 1] != '\n'; k--)
			col++;
		gl_clip(o, w.s ? w.s : "", col < 99 ? 99 - col : 10);
		sb_deinit(&w);
		sb_addc(o, '\n');
	}
	long long shown = json_integer_value(json_object_get(d, "shown")),
		  matched = json_integer_value(json_object_get(d, "matched"));
	if (shown < matched)
		sb_addf(o, "%lld of %lld shown (--limit N, --all)\n", shown, matched);
}

const struct gl_command gl_cmd_goroutines = {
	.name = "goroutines",
	.summary = "List goroutines: status, wait reason, stack bounds and use, function.",
	.help = "Usage: golayout goroutines [--status S] [--func SUBSTR] [--dead] [--limit N | --all] [--json]\n"
		"\n"
		"Every goroutine in runtime.allgs: goid, status (names and wait reasons read\n"
		"from the binary, so new statuses of new Go versions show by name), stack\n"
		"lo..hi, bytes in use from the saved (or live) SP, the function it is in and\n"
		"the first frame outside the runtime, and the OS thread of its M.\n"
		"* marks the goroutine of the selected frame. Dead goroutines are omitted\n"
		"unless --dead or --status dead. Works in core files.",
	.opts = GL_OPT_LIMIT | GL_OPT_GFILTER,
	.min_args = 0,
	.max_args = 0,
	.run = run,
	.render = render,
};
