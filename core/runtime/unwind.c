#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/unwind.h"

const char *gl_stack_kind_name(enum gl_stack_kind k)
{
	switch (k) {
	case GL_ON_GOROUTINE: return "goroutine";
	case GL_ON_G0: return "g0";
	case GL_ON_GSIGNAL: return "gsignal";
	case GL_ON_NONE: break;
	}
	return "";
}

/* Functions where a goroutine's stack ends, or where the stack switches
 * to the system stack: stop at the frame, do not guess past it. */
static enum gl_unwind_stop boundary(const char *fn)
{
	static const struct { const char *fn; enum gl_unwind_stop why; } stops[] = {
		{"runtime.goexit", GL_STOP_BOTTOM_GOROUTINE},
		{"runtime.mstart", GL_STOP_BOTTOM_SYSTEM},
		{"runtime.mstart0", GL_STOP_BOTTOM_SYSTEM},
		{"runtime.mstart1", GL_STOP_BOTTOM_SYSTEM},
		{"runtime.rt0_go", GL_STOP_BOTTOM_MAIN},
		{"runtime.systemstack", GL_STOP_SYSTEMSTACK},
		{"runtime.mcall", GL_STOP_SYSTEMSTACK},
		{"runtime.morestack", GL_STOP_MORESTACK},
		{"runtime.asmcgocall", GL_STOP_CGO},
		{"runtime.cgocallback", GL_STOP_CGO_CALLBACK},
		{"runtime.sigtramp", GL_STOP_SIGNAL},
	};
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (!strcmp(fn, stops[i].fn))
			return stops[i].why;
	return GL_STOP_NONE;
}

/* Calls the compiler inlined have no frame of their own; the pclntab's
 * inline tree names them. Give each one an entry before its physical frame
 * (innermost first, as tracebacks print them), sharing that frame's SP/CFA. */
static void expand_inlined(struct gl_ctx *c, struct gl_uframe **frames, size_t *nframes)
{
	size_t n = *nframes, extra = 0;
	struct gl_inline inl[16];
	for (size_t i = 0; i < n; i++) {
		struct gl_pcfunc pf;
		if (gl_pclntab_func(&c->t->pcln, (*frames)[i].lookup_pc, &pf))
			extra += gl_pclntab_inlined(&c->t->pcln, &pf, (*frames)[i].lookup_pc, inl, 16) - 1;
	}
	if (!extra)
		return;
	struct gl_uframe *out = calloc(n + extra, sizeof(*out));
	if (!out)
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct gl_uframe *u = &(*frames)[i];
		struct gl_pcfunc pf;
		size_t ni = gl_pclntab_func(&c->t->pcln, u->lookup_pc, &pf)
				    ? gl_pclntab_inlined(&c->t->pcln, &pf, u->lookup_pc, inl, 16)
				    : 0;
		for (size_t j = 0; j + 1 < ni; j++) {
			struct gl_uframe *v = &out[k++];
			*v = *u;
			v->inlined = true;
			v->selected = false; /* the physical frame carries the mark */
			v->inlined_into = u->func;
			v->func = inl[j].func;
			v->file = inl[j].file;
			v->line = inl[j].line;
			v->ret_slot = v->fp_slot = 0;
			v->stop = GL_STOP_NONE;
		}
		out[k] = *u;
		if (ni) {
			out[k].file = inl[ni - 1].file;
			out[k].line = inl[ni - 1].line;
		}
		k++;
	}
	free(*frames);
	*frames = out;
	*nframes = k;
}

/* One frame at (pc, sp): its function, line and extent; the reason to
 * stop here, if any. lr: the link register's value when the frame is the
 * innermost one and the caller knows it (LR machines), else 0. */
static enum gl_unwind_stop frame_at(struct gl_ctx *c, struct gl_uframe *u, bool return_address,
				    bool innermost, uint64_t lr, uint64_t lo, uint64_t hi)
{
	/* Above the innermost frame the pc is a return address: look up
	 * pc-1 so a call at the very end of a function stays in it. */
	uint64_t lpc = return_address ? u->pc - 1 : u->pc;
	u->lookup_pc = lpc;
	struct gl_pcfunc pf;
	if (!gl_pclntab_func(&c->t->pcln, lpc, &pf))
		return GL_STOP_NO_FUNC;
	u->func = pf.name;
	u->args = pf.args;
	gl_pclntab_line(&c->t->pcln, &pf, lpc, &u->file, &u->line);
	if (u->sp < lo || u->sp >= hi)
		return GL_STOP_SP_OUTSIDE;
	u->size = gl_pclntab_spdelta(&c->t->pcln, &pf, lpc);
	if (u->size < 0)
		return GL_STOP_NO_FRAME_SIZE;
	const struct gl_arch *a = c->t->arch;
	uint64_t w = a->ptr_size;
	if (a->ra == GL_RA_ON_STACK) {
		/* CALL pushed the return address just above the frame */
		u->cfa = u->sp + (uint64_t)u->size + a->ra_stack_bytes;
		u->ret_slot = u->cfa - w;
	} else {
		/* LR machines (traceback.go, usesLR): the prologue spills LR
		 * at the frame's bottom, 0(SP); a frameless function keeps it
		 * in the register, which only the innermost frame has (lr);
		 * without it, Go's traceback reads 0(SP) too */
		u->cfa = u->sp + (uint64_t)u->size;
		u->ret_slot = u->size > 0 || !lr ? u->sp : 0;
	}
	/* the caller's outgoing arguments: just above the return address, or
	 * above the caller's saved LR */
	u->args_at = a->ra == GL_RA_ON_STACK ? u->cfa : u->cfa + w;
	/* Go's amd64 prologue saves BP just below the return address
	 * in every frame that has one (size > 0); arm64's saves R29 just
	 * below the new SP (obj7.go: MOVD R29, -8(RSP); traceback.go: "we
	 * decided to write the FP link *below* the stack pointer"); 386
	 * keeps no frame pointer. */
	if (a->id == GL_ARCH_AMD64 && (uint64_t)u->size >= w)
		u->fp_slot = u->cfa - 2 * w;
	else if (a->id == GL_ARCH_ARM64 && u->size > 0)
		u->fp_slot = u->sp - w;
	enum gl_unwind_stop why = boundary(pf.name);
	if (why != GL_STOP_NONE)
		return why;
	/* (a frameless innermost function on an LR machine has cfa == sp;
	 * further out that would unwind to the same sp again) */
	if (u->cfa < u->sp || (u->cfa == u->sp && !innermost) || u->cfa > hi)
		return GL_STOP_LEAVES_STACK;
	return GL_STOP_NONE;
}

struct gl_error *gl_unwind(struct gl_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, int live_level,
			   uint64_t lo, uint64_t hi, struct gl_uframe **frames, size_t *nframes)
{
	return gl_unwind_max(c, pc, sp, lr, live_level, lo, hi, GL_MAX_FRAMES, frames, nframes);
}

struct gl_error *gl_unwind_max(struct gl_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, int live_level,
			       uint64_t lo, uint64_t hi, size_t max, struct gl_uframe **frames, size_t *nframes)
{
	*frames = NULL;
	*nframes = 0;
	if (!c->t->has_pcln)
		return gl_error_create(GL_ERR_NODWARF, "no .gopclntab: cannot unwind");
	if (!c->t->arch)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of %s frames: cannot unwind",
				       c->t->goarch);
	size_t cap = 0, n = 0;
	struct gl_uframe *f = NULL;
	if (!GL_ARRAY_RESERVE(f, cap, n, 16))
		return &gl_error_nomem;
	/* Above runtime.sigpanic the "return address" is the instruction that
	 * faulted: the signal handler made it look as if that instruction had
	 * called sigpanic. It is where the frame is, not after a call (as
	 * Delve: no pc-1, which may even be in the function before). */
	bool faulted = false;
	if (max > GL_MAX_FRAMES)
		max = GL_MAX_FRAMES;
	for (size_t depth = 0; depth < max; depth++) {
		struct gl_uframe *u = GL_ARRAY_PUSH(f, n, cap, 16);
		if (!u)
			break;
		u->pc = pc;
		u->sp = sp;
		u->live = u->selected = live_level >= 0 && depth == 0;
		u->level = u->live ? (uint32_t)live_level : (uint32_t)(depth + 1);
		u->size = -1;
		u->func = "?";
		u->exact_pc = faulted;
		uint64_t first_lr = depth == 0 && c->t->arch->ra == GL_RA_IN_LR ? lr : 0;
		if ((u->stop = frame_at(c, u, (depth > 0 || live_level > 0) && !faulted, depth == 0, first_lr, lo,
					hi)) != GL_STOP_NONE)
			break;
		faulted = !strcmp(u->func, "runtime.sigpanic");
		/* no slot: a frameless innermost function's return address is
		 * still in the link register */
		uint64_t ret = first_lr;
		struct gl_error *err = NULL;
		if ((!u->ret_slot && !ret) ||
		    (u->ret_slot && (err = gl_target_read_word(c->t, c->mem, u->ret_slot, &ret)))) {
			u->stop = GL_STOP_RET_UNREADABLE;
			gl_error_destroy(err);
			break;
		}
		if (ret == 0) {
			u->stop = GL_STOP_RET_ZERO;
			break;
		}
		pc = ret;
		sp = u->cfa;
	}
	if (n == max && f[n - 1].stop == GL_STOP_NONE)
		f[n - 1].stop = GL_STOP_MAX_FRAMES;
	*frames = f;
	*nframes = n;
	expand_inlined(c, frames, nframes);
	return NULL;
}
