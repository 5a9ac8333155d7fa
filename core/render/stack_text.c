#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/stack_doc.h"
#include "render/text.h"
#include "render/render.h"
#include "render/stack_text.h"

static const char *base_name(const char *file)
{
	const char *b = strrchr(file, '/');
	return b ? b + 1 : file;
}

static void addr_text(char *buf, size_t len, uint64_t a)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)a);
}

/* The %v text as documents carry it (invalid UTF-8 replaced), in a
 * column of 40 characters (gl_clip). */
static void value_text(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes)
{
	struct strbuf v;
	sb_init(&v);
	gl_value_noted_str(c, t, bytes, &v);
	sb_add(&c->out, " = ");
	gl_clip(c, gl_sb_str(&v), 40);
	sb_deinit(&v);
}

static void var_text(struct gl_ctx *c, const struct gl_uframe *u, const struct gl_stack_var *v)
{
	struct strbuf *o = &c->out;
	/* where the variable is: a stack slot (address and offset from SP),
	 * else its location's words */
	bool heap = v->heap && !v->err;
	const char *loc = v->err ? "" : heap ? "heap" : v->val.where;
	char a[32];
	if (!v->err && v->val.in_memory && !heap) {
		addr_text(a, sizeof(a), v->val.addr);
		sb_addf(o, "  |   %s  sp%+-5lld ", a, (long long)(v->val.addr - u->sp));
	} else {
		sb_addf(o, "  |   %-14s  %-9s", heap ? "(heap)" : loc, "");
	}
	sb_addf(o, "%s%s %s (%lld)", v->param ? "arg " : "", v->name, v->type->name,
		(long long)v->type->size);
	if (!v->err && !heap)
		value_text(c, v->type, v->val.bytes);
	else if (heap && !v->heap_err)
		value_text(c, v->type, v->heap_val.bytes);
	if (heap) {
		addr_text(a, sizeof(a), v->heap_addr);
		sb_addf(o, "  -> heap %s", a);
	}
	/* DWARF's & name says "moved to heap" when the compiler's output is not loaded */
	enum gl_escape_verdict esc = v->escape != GL_ESC_NONE ? v->escape : heap ? GL_ESC_MOVED_TO_HEAP : GL_ESC_NONE;
	if (esc != GL_ESC_NONE)
		sb_addf(o, "  [%s]", gl_escape_verdict_name(esc));
	if (v->undeclared)
		sb_addf(o, "  %s(not yet declared: line %d)%s", gl_c(c, "dim"), v->decl_line, gl_c(c, "reset"));
	if (!v->err && !heap && v->val.partial[0])
		sb_addf(o, "  %s(%s)%s", gl_c(c, "dim"), v->val.partial, gl_c(c, "reset"));
	const struct gl_error *err = v->err ? v->err : heap ? v->heap_err : NULL;
	if (err)
		sb_addf(o, "  %s(%s)%s", gl_c(c, "dim"), err->message, gl_c(c, "reset"));
	sb_addc(o, '\n');
}

/* A scanned frame's GC pointer slots, one line per kind: offset from
 * SP, the variable holding it (when DWARF names one), the word. A frame
 * without such a line holds no pointer the collector would scan (the
 * header counts the frames that could not be scanned). */
static void ptrs_text(struct gl_ctx *c, const struct gl_uframe *u, const struct gl_frame_ptrs *fp)
{
	struct strbuf *o = &c->out;
	static const struct { enum gl_stack_slot_kind k; const char *what; } kinds[] = {
		{GL_SLOT_LOCAL, "locals"},
		{GL_SLOT_ARG, "args"},
		{GL_SLOT_STACK_OBJECT, "stack objects"},
		{GL_SLOT_CONSERVATIVE, "conservative"},
	};
	for (size_t j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++) {
		size_t n = 0;
		for (size_t i = 0; i < fp->n; i++)
			n += fp->v[i].kind == kinds[j].k;
		if (!n)
			continue;
		sb_addf(o, "  |   ptr slots, %s (%zu):", kinds[j].what, n);
		for (size_t i = 0; i < fp->n; i++) {
			const struct gl_stack_ptr *p = &fp->v[i];
			if (p->kind != kinds[j].k)
				continue;
			sb_addf(o, " sp+0x%llx", (unsigned long long)(p->addr - u->sp));
			if (p->var && p->var_offset)
				sb_addf(o, " %s+%llu", p->var, (unsigned long long)p->var_offset);
			else if (p->var)
				sb_addf(o, " %s", p->var);
			sb_addf(o, "=0x%llx", (unsigned long long)p->value);
		}
		sb_addc(o, '\n');
	}
}

static void frame_text(struct gl_ctx *c, const struct gl_stack *s, size_t k)
{
	struct strbuf *o = &c->out;
	const struct gl_uframe *u = &s->frames[k];
	char a[32], b[32];
	/* * marks the debugger's selected frame */
	sb_addf(o, "  %s%c-- #%zu %s%s%s", gl_c(c, "addr"), u->selected ? '*' : '+', k, gl_c(c, "bold"),
		u->func, gl_c(c, "reset"));
	if (u->file && *u->file)
		sb_addf(o, " %s:%lld", base_name(u->file), (long long)u->line);
	bool sized = u->size >= 0 && !u->inlined;
	if (sized) {
		addr_text(a, sizeof(a), u->cfa);
		addr_text(b, sizeof(b), u->sp);
		sb_addf(o, "  cfa %s, %lld-byte frame, sp %s", a, (long long)u->size, b);
	}
	sb_addc(o, '\n');
	if (sized) {
		if (u->ret_slot) {
			addr_text(a, sizeof(a), u->ret_slot);
			sb_addf(o, "  |   %s  return address\n", a);
		} else {
			sb_addf(o, "  |   return address in the link register\n");
		}
		if (u->fp_slot) {
			addr_text(a, sizeof(a), u->fp_slot);
			sb_addf(o, "  |   %s  saved frame pointer\n", a);
		}
		if (s->no_dwarf && u->args > 0) {
			addr_text(a, sizeof(a), u->args_at);
			sb_addf(o, "  |   %s  argument area of the call, %d bytes\n", a, (int)u->args);
		}
	}
	if (s->ptrs && s->ptrs[k].scanned)
		ptrs_text(c, u, &s->ptrs[k]);
	size_t hidden = 0;
	for (size_t i = 0; s->vars && i < s->vars[k].n; i++) {
		if (s->vars[k].v[i].undeclared && !s->all_vars)
			hidden++;
		else
			var_text(c, u, &s->vars[k].v[i]);
	}
	if (hidden)
		sb_addf(o, "  |   %s-- %zu local%s declared after line %lld, not yet set (--all-vars shows %s)%s\n",
			gl_c(c, "dim"), hidden, hidden == 1 ? "" : "s", (long long)u->line,
			hidden == 1 ? "it" : "them", gl_c(c, "reset"));
	char note[160];
	if (gl_uframe_note(u, note, sizeof(note)))
		sb_addf(o, "  |   %s-- %s%s\n", gl_c(c, "dim"), note, gl_c(c, "reset"));
}

/* The unused part of the goroutine's stack, below its innermost frame. */
static void goroutine_bottom(struct gl_ctx *c, const struct gl_stack *s)
{
	struct strbuf *o = &c->out;
	const struct gl_goroutine *g = &s->g;
	char lo[32];
	addr_text(lo, sizeof(lo), g->stack_lo);
	uint64_t to = gl_stack_unused_to(s);
	char t[32];
	addr_text(t, sizeof(t), to);
	sb_addf(o, "  %s%s..%s unused (%llu bytes)%s\n", gl_c(c, "dim"), lo, t,
		(unsigned long long)(to > g->stack_lo ? to - g->stack_lo : 0), gl_c(c, "reset"));
	if (g->stackguard > g->stack_lo && g->stackguard < g->stack_hi) {
		addr_text(t, sizeof(t), g->stackguard);
		sb_addf(o, "  %s  stackguard0: a frame reaching below it makes the function grow the stack\n", t);
	}
	sb_addf(o, "  %s (lo)\n", lo);
}

/* The line joining a signal handler's frames to frame k, the innermost
 * one the signal interrupted. */
static void signal_line(struct gl_ctx *c, const struct gl_stack *s, size_t k)
{
	char sig[32], pc[32], at[32];
	gl_signal_words(s->frames[k].signo, sig, sizeof(sig));
	addr_text(pc, sizeof(pc), s->frames[k].pc);
	addr_text(at, sizeof(at), s->frames[k].signal_addr);
	sb_addf(&c->out, "  %s--- signal %s (address %s) interrupted #%zu %s at pc %s; its handler: ---%s\n",
		gl_c(c, "bold"), sig, at, k, s->frames[k].func, pc, gl_c(c, "reset"));
}

static void system_heading(struct gl_ctx *c, const struct gl_stack *s, enum gl_stack_kind on)
{
	char lo[32], hi[32];
	uint64_t l, h;
	gl_stack_kind_bounds(s, on, &l, &h);
	addr_text(lo, sizeof(lo), l);
	addr_text(hi, sizeof(hi), h);
	sb_addf(&c->out, "  %s--- system stack (%s) %s..%s", gl_c(c, "bold"), gl_stack_kind_name(on), lo, hi);
	if (s->g.thread)
		sb_addf(&c->out, " of thread %llu", (unsigned long long)s->g.thread);
	sb_addf(&c->out, ": the goroutine's thread runs here ---%s\n", gl_c(c, "reset"));
}

void gl_stack_text(struct gl_ctx *c, const struct gl_stack *s)
{
	struct strbuf *o = &c->out;
	const struct gl_goroutine *g = &s->g;
	char lo[32], hi[32];
	addr_text(lo, sizeof(lo), g->stack_lo);
	addr_text(hi, sizeof(hi), g->stack_hi);
	if (!s->has_g)
		sb_addf(o, "%s\n", gl_stack_no_dwarf_note);
	if (s->no_dwarf)
		sb_addf(o, "%s\n", gl_stack_no_names_note);
	if (s->ptrs_err)
		sb_addf(o, "%sno pointer slots: %s%s\n", gl_c(c, "dim"), s->ptrs_err->message, gl_c(c, "reset"));
	else if (s->ptrs_unscanned)
		sb_addf(o, "%spointer slots: %llu frame%s not scanned (maps unreadable, or unwinding stopped early)%s\n",
			gl_c(c, "dim"), (unsigned long long)s->ptrs_unscanned, s->ptrs_unscanned == 1 ? "" : "s",
			gl_c(c, "reset"));
	if (s->has_g && g->stack_hi) {
		/* a corrupt g can have hi < lo: no wrapped size */
		char size[64];
		if (g->stack_hi >= g->stack_lo)
			snprintf(size, sizeof(size), "%llu bytes",
				 (unsigned long long)(g->stack_hi - g->stack_lo));
		else
			snprintf(size, sizeof(size), "hi below lo: corrupt g");
		sb_addf(o, "%sgoroutine %llu [%s%s%s]%s  stack %s..%s (%s)\n  unwound from %s  [%s]\n",
			gl_c(c, "bold"), (unsigned long long)g->goid, g->status_name,
			g->wait_reason[0] ? ", " : "", g->wait_reason, gl_c(c, "reset"), lo, hi, size,
			gl_stack_unwound_from(s), c->t ? c->t->go_version : "");
		sb_addf(o, "  %s (hi)\n", hi);
	}
	/* outermost first: the stack grows down from hi; frames on the
	 * thread's system stack (the innermost ones) after the goroutine's
	 * own stack, under their own heading */
	enum gl_stack_kind on;
	uint64_t sys_lo, sys_hi;
	size_t nsys = gl_stack_system_frames(s, &on, &sys_lo, &sys_hi);
	for (size_t k = s->n; k-- > nsys;)
		frame_text(c, s, k);
	if (s->has_g)
		goroutine_bottom(c, s);
	if (!nsys)
		return;
	/* a heading where the stack changes (a signal that interrupted code
	 * on g0 has frames on both system stacks), and above the handler's
	 * frames the line that joins them to the ones the signal interrupted */
	enum gl_stack_kind cur = GL_ON_NONE;
	for (size_t k = nsys; k-- > 0;) {
		if (s->frames[k].on != cur) {
			cur = s->frames[k].on;
			if (k + 1 < s->n && s->frames[k + 1].interrupted)
				signal_line(c, s, k + 1);
			system_heading(c, s, cur);
		}
		frame_text(c, s, k);
	}
}
