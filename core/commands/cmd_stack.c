/* golayout stack [GOID]: a goroutine's stack from hi down to lo, frame by
 * frame, with each frame's extent, its return-address and frame-pointer
 * slots, and the arguments and locals DWARF places in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "runtime/escape.h"
#include "runtime/goroutines.h"
#include "eval/value.h"

static json_t *var_json(struct gl_ctx *c, const struct gl_uframe *u, const struct gl_frame *fr,
			const struct gl_var *v, const struct gl_escapes *esc)
{
	json_t *o = json_object();
	bool heap = v->name[0] == '&'; /* Go's DWARF name for a local moved to the heap */
	const char *name = heap ? v->name + 1 : v->name;
	json_object_set_new(o, "name", gl_json_text(name));
	json_object_set_new(o, "param", json_boolean(v->is_param));
	if (v->decl_line)
		json_object_set_new(o, "decl_line", json_integer(v->decl_line));
	const char *where = NULL, *verdict = gl_escapes_find(esc, name, v->decl_line, &where);
	if (verdict) {
		json_object_set_new(o, "escape", json_string(verdict));
		json_object_set_new(o, "escape_ref", gl_json_text(where));
	}
	struct gl_value val;
	struct gl_error *err = gl_var_value(c, fr, v, &val);
	const struct gl_type *t = v->type;
	if (heap && t->kind == GL_K_POINTER && t->elem)
		t = t->elem;
	json_object_set_new(o, "type", gl_json_text(t->name));
	json_object_set_new(o, "size", json_integer((json_int_t)t->size));
	if (err) {
		json_object_set_new(o, "error", gl_json_text(err->message));
		gl_error_destroy(err);
		return o;
	}
	if (heap) {
		/* the stack slot holds &x; the variable itself is on the heap */
		uint64_t p = gl_get_uint(val.bytes, 8);
		if (val.in_memory) {
			gl_json_set_addr(o, "slot_address", val.addr);
			json_object_set_new(o, "offset", json_integer((json_int_t)(val.addr - u->sp)));
		}
		json_object_set_new(o, "location", json_string("heap"));
		gl_json_set_addr(o, "address", p);
		struct gl_value hv;
		err = gl_value_at(c, (struct gl_type *)t, p, "heap", &hv);
		if (err) {
			json_object_set_new(o, "error", gl_json_text(err->message));
			gl_error_destroy(err);
		} else {
			json_object_set_new(o, "value", gl_format_value_json(c, t, hv.bytes));
			gl_value_deinit(&hv);
		}
		if (!verdict) {
			json_object_set_new(o, "escape", json_string("moved to heap"));
			json_object_set_new(o, "escape_ref", json_string("DWARF"));
		}
	} else {
		json_object_set_new(o, "location", json_string(val.where));
		if (val.in_memory) {
			gl_json_set_addr(o, "address", val.addr);
			json_object_set_new(o, "offset", json_integer((json_int_t)(val.addr - u->sp)));
		}
		json_object_set_new(o, "value", gl_format_value_json(c, t, val.bytes));
	}
	gl_value_deinit(&val);
	return o;
}

static json_t *frames_json(struct gl_ctx *c, const struct gl_uframe *fr, size_t nf,
			   const struct gl_escapes *esc);

/* Without DWARF there is no goroutine list and there are no variables,
 * but the pclntab still gives functions, lines and frame sizes: unwind the
 * selected frame's stack and say what is missing. */
static struct gl_error *run_without_dwarf(struct gl_ctx *c, json_t **docp)
{
	if (c->opts.nargs)
		return gl_error_create(GL_ERR_NODWARF, "%s has no DWARF: goroutines other than the "
				       "selected one cannot be found", c->t->path);
	struct gl_frame sel;
	struct gl_error *err = gl_frame_selected(c, &sel);
	if (err)
		return err;
	struct gl_uframe *fr;
	size_t nf;
	/* no g, so no stack bounds: allow the frames up to 1 GiB above SP */
	if ((err = gl_unwind(c, sel.pc, sel.sp, (int)sel.level, sel.sp, sel.sp + (1ull << 30), &fr, &nf)))
		return err;
	json_t *d = gl_doc_new(c, "stack", NULL, false, 0);
	*docp = d;
	json_object_set_new(d, "goid", json_null());
	json_object_set_new(d, "unwound_from", json_string("selected frame"));
	json_object_set_new(d, "note", json_string("no DWARF: frames from the pclntab only; no goroutine, no variables"));
	json_object_set_new(d, "frames", frames_json(c, fr, nf, NULL));
	free(fr);
	return NULL;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err)
		return err;
	if (!t->dw)
		return run_without_dwarf(c, docp);
	if (c->opts.escape) {
		struct gl_escapes *e;
		if ((err = gl_escapes_load(c->opts.escape, &e)))
			return err;
		{ gl_escapes_destroy(*c->escapes); *c->escapes = e; }
	}
	struct gl_goroutine *gs;
	size_t n;
	if ((err = gl_goroutines_read(c, &gs, &n)) && !gs)
		return err;
	gl_error_destroy(err);
	err = NULL;
	const struct gl_goroutine *g = NULL;
	char *end = NULL;
	uint64_t want = c->opts.nargs ? strtoull(c->opts.args[0], &end, 10) : 0;
	if (c->opts.nargs && (!end || *end)) {
		free(gs);
		return gl_error_create(GL_ERR_USAGE, "GOID must be a number, not \"%s\"", c->opts.args[0]);
	}
	struct gl_goroutine gsel;
	for (size_t i = 0; i < n && !g; i++)
		if (c->opts.nargs ? gs[i].goid == want && strcmp(gs[i].status_name, "dead") : gs[i].current) {
			gsel = gs[i];
			g = &gsel;
		}
	free(gs);
	if (!g) {
		if (c->opts.nargs)
			return gl_error_create(GL_ERR_LOOKUP, "no live goroutine %llu (see golayout goroutines)",
					       (unsigned long long)want);
		return gl_error_create(GL_ERR_LOOKUP,
				       "the selected frame is on no goroutine stack (system stack?): give a GOID");
	}
	uint64_t pc = g->pc, sp = g->sp;
	int live = -1;
	struct gl_frame sel;
	if (g->current && !(err = gl_frame_selected(c, &sel))) {
		pc = sel.pc;
		sp = sel.sp;
		live = (int)sel.level;
	}
	gl_error_destroy(err);
	json_t *d = gl_doc_new(c, "stack", NULL, false, 0);
	*docp = d;
	json_object_set_new(d, "goid", json_integer((json_int_t)g->goid));
	json_object_set_new(d, "status", json_string(g->status_name));
	if (g->wait_reason[0])
		json_object_set_new(d, "wait_reason", gl_json_text(g->wait_reason));
	gl_json_set_addr(d, "stack_lo", g->stack_lo);
	gl_json_set_addr(d, "stack_hi", g->stack_hi);
	/* stackguard0 is stack.lo + the guard (StackGuard), unless the runtime
	 * poisoned it to request preemption: show it only when it is in range */
	if (g->stackguard > g->stack_lo && g->stackguard < g->stack_hi)
		gl_json_set_addr(d, "stackguard0", g->stackguard);
	json_object_set_new(d, "unwound_from", json_string(live >= 0 ? "selected frame" : "saved scheduling state (g.sched)"));
	const struct gl_escapes *esc = *c->escapes;
	if (esc)
		json_object_set_new(d, "escape_file", gl_json_text(gl_escapes_path(esc)));
	struct gl_uframe *fr;
	size_t nf;
	err = gl_unwind(c, pc, sp, live, g->stack_lo, g->stack_hi, &fr, &nf);
	if (err)
		return err;
	uint64_t lowest = nf ? fr[0].sp : sp;
	json_t *frames = frames_json(c, fr, nf, esc);
	json_object_set_new(d, "frames", frames);
	json_t *unused = json_object();
	gl_json_set_addr(unused, "from", g->stack_lo);
	gl_json_set_addr(unused, "to", lowest);
	json_object_set_new(unused, "bytes", json_integer(lowest > g->stack_lo ? (json_int_t)(lowest - g->stack_lo) : 0));
	json_object_set_new(d, "unused", unused);
	if (nf && fr[nf - 1].note[0] && !strstr(fr[nf - 1].note, "bottom"))
		json_object_set_new(d, "truncated", json_string(fr[nf - 1].note));
	free(fr);
	return NULL;
}

static json_t *frames_json(struct gl_ctx *c, const struct gl_uframe *fr, size_t nf,
			   const struct gl_escapes *esc)
{
	json_t *frames = json_array();
	for (size_t i = 0; i < nf; i++) {
		const struct gl_uframe *u = &fr[i];
		json_t *o = json_object();
		json_object_set_new(o, "index", json_integer((json_int_t)i));
		json_object_set_new(o, "func", gl_json_text(u->func));
		if (u->file) {
			json_object_set_new(o, "file", gl_json_text(u->file));
			json_object_set_new(o, "line", json_integer(u->line));
		}
		gl_json_set_addr(o, "pc", u->pc);
		gl_json_set_addr(o, "sp", u->sp);
		if (u->inlined)
			json_object_set_new(o, "inlined", json_true());
		if (u->size >= 0 && !u->inlined) {
			gl_json_set_addr(o, "cfa", u->cfa);
			json_object_set_new(o, "size", json_integer(u->size));
			gl_json_set_addr(o, "ret_addr_slot", u->ret_slot);
			if (u->fp_slot)
				gl_json_set_addr(o, "fp_slot", u->fp_slot);
		}
		if (u->note[0])
			json_object_set_new(o, "note", json_string(u->note));
		json_t *vars = json_array();
		struct gl_frame f;
		gl_uframe_to_frame(c, u, &f);
		if (c->t->dw && f.func && u->size >= 0 && !u->inlined) {
			struct gl_var_list vl;
			struct gl_error *verr = gl_dwarf_func_vars(c->t->dw, f.func, f.lookup_pc, &vl);
			for (size_t k = 0; !verr && k < vl.n; k++)
				json_array_append_new(vars, var_json(c, u, &f, vl.v[k], esc));
			gl_var_list_deinit(&vl);
			gl_error_destroy(verr);
		}
		json_object_set_new(o, "vars", vars);
		json_array_append_new(frames, o);
	}
	return frames;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	if (json_object_get(d, "note"))
		sb_addf(o, "%s\n", gl_jstr(d, "note"));
	uint64_t lo = strtoull(gl_jstr(d, "stack_lo"), NULL, 16), hi = strtoull(gl_jstr(d, "stack_hi"), NULL, 16);
	if (hi)
		sb_addf(o, "%sgoroutine %lld [%s%s%s]%s  stack %s..%s (%llu bytes)\n  unwound from %s  [%s]\n",
		gl_c(c, "bold"), (long long)gl_jint(d, "goid"), gl_jstr(d, "status"),
		json_object_get(d, "wait_reason") ? ", " : "", gl_jstr(d, "wait_reason"), gl_c(c, "reset"),
		gl_jstr(d, "stack_lo"), gl_jstr(d, "stack_hi"), (unsigned long long)(hi - lo), gl_jstr(d, "unwound_from"),
		gl_jstr(d, "go_version"));
	if (hi)
		sb_addf(o, "  %s (hi)\n", gl_jstr(d, "stack_hi"));
	json_t *frames = json_object_get(d, "frames");
	/* outermost first: the stack grows down from hi */
	for (size_t k = json_array_size(frames); k-- > 0;) {
		json_t *f = json_array_get(frames, k);
		const char *file = gl_jstr(f, "file"), *base = strrchr(file, '/');
		sb_addf(o, "  %s+-- #%lld %s%s%s", gl_c(c, "addr"), (long long)gl_jint(f, "index"), gl_c(c, "bold"),
			gl_jstr(f, "func"), gl_c(c, "reset"));
		if (*file)
			sb_addf(o, " %s:%lld", base ? base + 1 : file, (long long)gl_jint(f, "line"));
		if (json_object_get(f, "cfa"))
			sb_addf(o, "  cfa %s, %lld-byte frame, sp %s", gl_jstr(f, "cfa"), (long long)gl_jint(f, "size"), gl_jstr(f, "sp"));
		sb_addc(o, '\n');
		if (json_object_get(f, "ret_addr_slot"))
			sb_addf(o, "  |   %s  return address\n", gl_jstr(f, "ret_addr_slot"));
		if (json_object_get(f, "fp_slot"))
			sb_addf(o, "  |   %s  saved frame pointer\n", gl_jstr(f, "fp_slot"));
		json_t *vars = json_object_get(f, "vars");
		for (size_t i = 0; i < json_array_size(vars); i++) {
			json_t *v = json_array_get(vars, i);
			const char *loc = gl_jstr(v, "location");
			if (json_object_get(v, "offset") && strcmp(loc, "heap"))
				sb_addf(o, "  |   %s  sp%+-5lld ", gl_jstr(v, "address"), (long long)gl_jint(v, "offset"));
			else
				sb_addf(o, "  |   %-14s  %-9s", strcmp(loc, "heap") ? loc : "(heap)", "");
			sb_addf(o, "%s%s %s (%lld)", json_is_true(json_object_get(v, "param")) ? "arg " : "",
				gl_jstr(v, "name"), gl_jstr(v, "type"), (long long)gl_jint(v, "size"));
			if (json_object_get(v, "value")) {
				sb_add(o, " = ");
				gl_clip(o, gl_jstr(v, "value"), 40);
			}
			if (!strcmp(loc, "heap"))
				sb_addf(o, "  -> heap %s", gl_jstr(v, "address"));
			if (json_object_get(v, "escape"))
				sb_addf(o, "  [%s]", gl_jstr(v, "escape"));
			if (json_object_get(v, "error"))
				sb_addf(o, "  %s(%s)%s", gl_c(c, "dim"), gl_jstr(v, "error"), gl_c(c, "reset"));
			sb_addc(o, '\n');
		}
		if (json_object_get(f, "note"))
			sb_addf(o, "  |   %s-- %s%s\n", gl_c(c, "dim"), gl_jstr(f, "note"), gl_c(c, "reset"));
	}
	json_t *u = json_object_get(d, "unused");
	if (!u)
		return;
	sb_addf(o, "  %s%s..%s unused (%lld bytes)%s\n", gl_c(c, "dim"), gl_jstr(u, "from"), gl_jstr(u, "to"),
		(long long)gl_jint(u, "bytes"), gl_c(c, "reset"));
	if (json_object_get(d, "stackguard0"))
		sb_addf(o, "  %s  stackguard0: a frame reaching below it makes the function grow the stack\n",
			gl_jstr(d, "stackguard0"));
	sb_addf(o, "  %s (lo)\n", gl_jstr(d, "stack_lo"));
}

const struct gl_command gl_cmd_stack = {
	.name = "stack",
	.summary = "Lay out a goroutine's stack: frames, their extents, slots and locals.",
	.help = "Usage: golayout stack [GOID] [--escape FILE] [--json]\n"
		"\n"
		"Default: the goroutine of the selected frame, from that frame up. With a GOID\n"
		"(see golayout goroutines): that goroutine, unwound from its saved scheduling\n"
		"state with golayout's own unwinder over the Go pclntab, so parked goroutines\n"
		"and core files work the same. For each frame: function, file:line, SP..CFA,\n"
		"frame size, the return-address and saved-frame-pointer slots, and the\n"
		"arguments and locals DWARF places in it, with offsets and %v values.\n"
		"--escape FILE  annotate locals with the compiler's escape analysis, from the\n"
		"               output of go build -gcflags=-m (kept for later commands;\n"
		"               also: golayout escape load FILE).",
	.opts = GL_OPT_ESCAPE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
	.render = render,
};
