#include <stdio.h>

#include "doc/doc.h"
#include "doc/stack_doc.h"
#include "runtime/sigframe.h"

const char gl_stack_no_dwarf_note[] = "no DWARF: frames from the pclntab only; no goroutine, no variables";
const char gl_stack_no_names_note[] =
	"no DWARF: frames, their extents and argument areas from the pclntab; variables have no names";

bool gl_uframe_note(const struct gl_uframe *u, char *buf, size_t len)
{
	unsigned long long pc = u->pc, sp = u->sp, slot = u->ret_slot;
	buf[0] = '\0';
	if (u->inlined) {
		snprintf(buf, len, "inlined into %s", u->inlined_into);
		return true;
	}
	switch (u->stop) {
	case GL_STOP_NONE: return false;
	case GL_STOP_NO_FUNC: snprintf(buf, len, "pc 0x%llx is in no Go function: unwinding stops", pc); break;
	case GL_STOP_SP_OUTSIDE: snprintf(buf, len, "sp 0x%llx is outside the stack: unwinding stops", sp); break;
	case GL_STOP_NO_FRAME_SIZE: snprintf(buf, len, "no frame size at this pc: unwinding stops"); break;
	case GL_STOP_LEAVES_STACK: snprintf(buf, len, "frame leaves the stack: unwinding stops"); break;
	case GL_STOP_RET_UNREADABLE: snprintf(buf, len, "cannot read the return address at 0x%llx", slot); break;
	case GL_STOP_RET_ZERO: snprintf(buf, len, "return address 0: end of the stack"); break;
	case GL_STOP_MAX_FRAMES: snprintf(buf, len, "%u frames: unwinding stops", GL_MAX_FRAMES); break;
	case GL_STOP_BOTTOM_GOROUTINE: snprintf(buf, len, "bottom of the goroutine stack"); break;
	case GL_STOP_BOTTOM_SYSTEM: snprintf(buf, len, "bottom of a system stack"); break;
	case GL_STOP_BOTTOM_MAIN: snprintf(buf, len, "bottom of the main thread stack"); break;
	case GL_STOP_SYSTEMSTACK: snprintf(buf, len, "switches to the system stack"); break;
	case GL_STOP_MORESTACK: snprintf(buf, len, "stack growth: switches to the system stack"); break;
	case GL_STOP_CGO: snprintf(buf, len, "cgo: switches to the system stack"); break;
	case GL_STOP_CGO_CALLBACK: snprintf(buf, len, "cgo callback"); break;
	case GL_STOP_SIGNAL: snprintf(buf, len, "signal handler"); break;
	}
	return true;
}

const char *gl_stack_unwound_from(const struct gl_stack *s)
{
	switch (s->from) {
	case GL_FROM_SELECTED: return "selected frame";
	case GL_FROM_INNERMOST: return "innermost frame";
	case GL_FROM_THREAD: return "registers of its thread";
	case GL_FROM_SCHED: break;
	}
	return "saved scheduling state (g.sched)";
}

size_t gl_stack_system_frames(const struct gl_stack *s, enum gl_stack_kind *on, uint64_t *lo, uint64_t *hi)
{
	size_t k = 0;
	while (k < s->n && (s->frames[k].on == GL_ON_G0 || s->frames[k].on == GL_ON_GSIGNAL))
		k++;
	*on = k ? s->frames[0].on : GL_ON_NONE;
	gl_stack_kind_bounds(s, *on, lo, hi);
	return k;
}

void gl_stack_kind_bounds(const struct gl_stack *s, enum gl_stack_kind on, uint64_t *lo, uint64_t *hi)
{
	*lo = on == GL_ON_G0 ? s->g.g0_lo : on == GL_ON_GSIGNAL ? s->g.gsignal_lo : 0;
	*hi = on == GL_ON_G0 ? s->g.g0_hi : on == GL_ON_GSIGNAL ? s->g.gsignal_hi : 0;
}

size_t gl_stack_interrupted(const struct gl_stack *s)
{
	size_t i = 0;
	while (i < s->n && !s->frames[i].interrupted)
		i++;
	return i;
}

void gl_signal_words(uint32_t signo, char *buf, size_t len)
{
	const char *name = gl_signal_name(signo);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "signal %u", (unsigned)signo);
}

uint64_t gl_stack_unused_to(const struct gl_stack *s)
{
	enum gl_stack_kind on;
	uint64_t lo, hi;
	size_t k = gl_stack_system_frames(s, &on, &lo, &hi);
	/* only system-stack frames (no join): the goroutine's saved SP */
	return k < s->n ? s->frames[k].sp : k ? s->g.sched_sp : s->g.sp;
}

static json_t *var_json(struct gl_ctx *c, const struct gl_uframe *u, const struct gl_stack_var *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", gl_json_text(v->name));
	json_object_set_new(o, "param", json_boolean(v->param));
	if (v->decl_line)
		json_object_set_new(o, "decl_line", json_integer(v->decl_line));
	if (v->undeclared)
		json_object_set_new(o, "not_yet_declared", json_true());
	if (v->escape != GL_ESC_NONE) {
		json_object_set_new(o, "escape", json_string(gl_escape_verdict_name(v->escape)));
		json_object_set_new(o, "escape_ref", gl_json_text(v->escape_ref));
	}
	json_object_set_new(o, "type", gl_json_text(v->type->name));
	json_object_set_new(o, "size", json_integer((json_int_t)v->type->size));
	if (v->err) {
		json_object_set_new(o, "error", gl_json_text(v->err->message));
		json_object_set_new(o, "error_code", json_string(gl_error_code_name(v->err->code)));
		return o;
	}
	if (v->heap) {
		if (v->val.in_memory) {
			gl_json_set_addr(o, "slot_address", v->val.addr);
			json_object_set_new(o, "offset", json_integer((json_int_t)(v->val.addr - u->sp)));
		}
		json_object_set_new(o, "location", json_string("heap"));
		gl_json_set_addr(o, "address", v->heap_addr);
		if (v->heap_err) {
			json_object_set_new(o, "error", gl_json_text(v->heap_err->message));
			json_object_set_new(o, "error_code", json_string(gl_error_code_name(v->heap_err->code)));
		} else {
			gl_value_json(c, v->type, v->heap_val.bytes, o);
		}
		if (v->escape == GL_ESC_NONE) {
			json_object_set_new(o, "escape", json_string(gl_escape_verdict_name(GL_ESC_MOVED_TO_HEAP)));
			json_object_set_new(o, "escape_ref", json_string("DWARF"));
		}
	} else {
		json_object_set_new(o, "location", json_string(v->val.where));
		if (v->val.in_memory) {
			gl_json_set_addr(o, "address", v->val.addr);
			json_object_set_new(o, "offset", json_integer((json_int_t)(v->val.addr - u->sp)));
		}
		gl_value_json(c, v->type, v->val.bytes, o);
		if (v->val.partial[0])
			json_object_set_new(o, "partial", json_string(v->val.partial));
	}
	return o;
}

const char *gl_stack_slot_kind_word(enum gl_stack_slot_kind k)
{
	switch (k) {
	case GL_SLOT_LOCAL: return "local";
	case GL_SLOT_ARG: return "arg";
	case GL_SLOT_STACK_OBJECT: return "stack_object";
	case GL_SLOT_CONSERVATIVE: return "conservative";
	}
	return "?";
}

/* A scanned frame's pointer slots (frames not scanned have none). */
static json_t *ptrs_json(const struct gl_uframe *u, const struct gl_frame_ptrs *fp)
{
	json_t *a = json_array();
	for (size_t k = 0; k < fp->n; k++) {
		const struct gl_stack_ptr *p = &fp->v[k];
		json_t *o = json_object();
		gl_json_set_addr(o, "address", p->addr);
		json_object_set_new(o, "offset", json_integer((json_int_t)(p->addr - u->sp)));
		json_object_set_new(o, "kind", json_string(gl_stack_slot_kind_word(p->kind)));
		gl_json_set_addr(o, "value", p->value);
		if (p->var) {
			json_object_set_new(o, "var", gl_json_text(p->var));
			json_object_set_new(o, "var_offset", json_integer((json_int_t)p->var_offset));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *frame_json(struct gl_ctx *c, const struct gl_stack *s, size_t i)
{
	const struct gl_uframe *u = &s->frames[i];
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
	if (u->selected)
		json_object_set_new(o, "selected", json_true());
	/* frames on the thread's system stack (those on the goroutine's
	 * own stack say nothing) */
	if (u->on == GL_ON_G0 || u->on == GL_ON_GSIGNAL)
		json_object_set_new(o, "stack", json_string(gl_stack_kind_name(u->on)));
	if (u->interrupted) {
		char sig[32];
		gl_signal_words(u->signo, sig, sizeof(sig));
		json_t *by = json_object();
		json_object_set_new(by, "signal", json_string(sig));
		json_object_set_new(by, "signo", json_integer(u->signo));
		gl_json_set_addr(by, "address", u->signal_addr);
		json_object_set_new(o, "interrupted_by", by);
	}
	if (u->size >= 0 && !u->inlined) {
		gl_json_set_addr(o, "cfa", u->cfa);
		json_object_set_new(o, "size", json_integer(u->size));
		if (u->ret_slot)
			gl_json_set_addr(o, "ret_addr_slot", u->ret_slot);
		if (u->fp_slot)
			gl_json_set_addr(o, "fp_slot", u->fp_slot);
		if (s->no_dwarf && u->args >= 0) {
			gl_json_set_addr(o, "args_at", u->args_at);
			json_object_set_new(o, "args_bytes", json_integer(u->args));
		}
	}
	if (s->ptrs && s->ptrs[i].scanned)
		json_object_set_new(o, "pointer_slots", ptrs_json(u, &s->ptrs[i]));
	char note[160];
	if (gl_uframe_note(u, note, sizeof(note)))
		json_object_set_new(o, "note", json_string(note));
	json_t *vars = json_array();
	size_t hidden = 0;
	for (size_t k = 0; s->vars && k < s->vars[i].n; k++) {
		const struct gl_stack_var *v = &s->vars[i].v[k];
		if (v->undeclared && !s->all_vars)
			hidden++;
		else
			json_array_append_new(vars, var_json(c, u, v));
	}
	json_object_set_new(o, "vars", vars);
	if (hidden)
		gl_json_set_uint(o, "vars_not_yet_declared", hidden);
	return o;
}

json_t *gl_stack_json(struct gl_ctx *c, const struct gl_stack *s)
{
	json_t *d = gl_doc_new(c, "stack", NULL, false, 0);
	json_t *frames = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(frames, frame_json(c, s, i));
	if (s->ptrs_err)
		json_object_set_new(d, "pointer_slots_error", gl_json_text(s->ptrs_err->message));
	else if (s->ptrs_unscanned)
		gl_json_set_uint(d, "pointer_slots_unscanned", s->ptrs_unscanned);
	if (!s->has_g) {
		json_object_set_new(d, "goid", json_null());
		json_object_set_new(d, "unwound_from", json_string(gl_stack_unwound_from(s)));
		json_object_set_new(d, "note", json_string(gl_stack_no_dwarf_note));
		json_object_set_new(d, "frames", frames);
		return d;
	}
	const struct gl_goroutine *g = &s->g;
	if (s->no_dwarf)
		json_object_set_new(d, "note", json_string(gl_stack_no_names_note));
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
	json_object_set_new(d, "unwound_from", json_string(gl_stack_unwound_from(s)));
	if (g->thread)
		gl_json_set_uint(d, "thread", g->thread);
	enum gl_stack_kind on;
	uint64_t lo, hi;
	if (gl_stack_system_frames(s, &on, &lo, &hi)) {
		json_t *sys = json_object();
		json_object_set_new(sys, "stack", json_string(gl_stack_kind_name(on)));
		gl_json_set_addr(sys, "lo", lo);
		gl_json_set_addr(sys, "hi", hi);
		json_object_set_new(d, "system_stack", sys);
	}
	size_t k = gl_stack_interrupted(s);
	if (k < s->n) {
		/* the join past the signal handler: the frame it interrupted */
		char sig[32];
		gl_signal_words(s->frames[k].signo, sig, sizeof(sig));
		json_t *j = json_object();
		json_object_set_new(j, "signal", json_string(sig));
		json_object_set_new(j, "signo", json_integer(s->frames[k].signo));
		gl_json_set_addr(j, "address", s->frames[k].signal_addr);
		json_object_set_new(j, "interrupted_frame", json_integer((json_int_t)k));
		gl_json_set_addr(j, "pc", s->frames[k].pc);
		json_object_set_new(d, "signal", j);
	}
	if (s->escape_file)
		json_object_set_new(d, "escape_file", gl_json_text(s->escape_file));
	json_object_set_new(d, "frames", frames);
	uint64_t lowest = gl_stack_unused_to(s);
	json_t *unused = json_object();
	gl_json_set_addr(unused, "from", g->stack_lo);
	gl_json_set_addr(unused, "to", lowest);
	json_object_set_new(unused, "bytes", json_integer(lowest > g->stack_lo ? (json_int_t)(lowest - g->stack_lo) : 0));
	json_object_set_new(d, "unused", unused);
	if (s->n && s->frames[s->n - 1].stop != GL_STOP_NONE && !gl_unwind_stop_is_bottom(s->frames[s->n - 1].stop)) {
		char note[160];
		gl_uframe_note(&s->frames[s->n - 1], note, sizeof(note));
		json_object_set_new(d, "truncated", json_string(note));
	}
	return d;
}
