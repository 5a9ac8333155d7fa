#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/goroutines.h"
#include "eval/value.h"

/* ---- status names and wait reasons, from the binary ------------------------ */

struct status_names {
	int64_t value[32];
	char name[32][24];
	int n;
	int64_t scan; /* the _Gscan bit */
};

static void collect_status(void *arg, const char *name, int64_t v)
{
	struct status_names *s = arg;
	const char *short_name = name + strlen("runtime._G");
	if (!strcmp(short_name, "scan")) {
		s->scan = v;
		return;
	}
	/* _Gscanrunning etc. are combinations; status names are lower case
	 * (_Grunning): _GCoff, _GCmark, _GoidCacheBatch are other constants
	 * that merely share the prefix */
	if (!strncmp(short_name, "scan", 4) || s->n == 32 || !*short_name ||
	    !(short_name[0] >= 'a' && short_name[0] <= 'z') || !strncmp(short_name, "oid", 3))
		return;
	s->value[s->n] = v;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", short_name);
	s->n++;
}

static const char *status_name(const struct status_names *s, uint32_t v)
{
	for (int i = 0; i < s->n; i++)
		if (s->value[i] == (int64_t)v)
			return s->name[i];
	return "unknown";
}

/* runtime.waitReasonStrings (an array of strings in the binary's data):
 * found once per listing, then indexed by each goroutine's reason. */
struct wait_reasons {
	uint64_t addr, count;
};

static void wait_reasons_find(struct gl_ctx *c, struct wait_reasons *w)
{
	struct gl_type *t;
	w->count = 0;
	if (gl_dwarf_find_global(c->t->dw, "runtime.waitReasonStrings", &w->addr, &t) &&
	    t->kind == GL_K_ARRAY)
		w->count = t->count;
}

static void wait_reason(struct gl_ctx *c, const struct wait_reasons *w, uint8_t reason, char *out,
			size_t len)
{
	snprintf(out, len, "%u", reason);
	if (reason >= w->count)
		return;
	uint64_t addr = w->addr;
	unsigned char hdr[16];
	uint64_t at = addr + (uint64_t)reason * 16;
	struct gl_error *err = gl_elf_read_vaddr(&c->t->elf, at, hdr, 16);
	if (err) {
		gl_error_destroy(err);
		if ((err = gl_mem_read(c->mem, at, hdr, 16))) {
			gl_error_destroy(err);
			return;
		}
	}
	uint64_t p = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
	if (n == 0) { /* waitReasonZero has no text */
		out[0] = '\0';
		return;
	}
	if (n >= len)
		return;
	err = gl_elf_read_vaddr(&c->t->elf, p, out, n);
	if (err) {
		gl_error_destroy(err);
		if ((err = gl_mem_read(c->mem, p, out, n))) {
			gl_error_destroy(err);
			snprintf(out, len, "%u", reason);
			return;
		}
	}
	out[n] = '\0';
}

/* ---- the g list -------------------------------------------------------------- */

struct g_layout {
	const struct gl_type *g;
	uint64_t stack, lo, hi, sched, sched_sp, sched_pc, status, goid, waitreason, m;
	uint64_t syscallsp, syscallpc, gopc, startpc, guard;
	bool has_syscall, has_gopc, has_startpc, has_guard;
	uint64_t m_procid;
	bool has_procid;
};

static bool off_of(const struct gl_type *t, const char *name, uint64_t *off)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (f)
		*off = f->offset;
	return f != NULL;
}

static struct gl_error *g_layout(struct gl_ctx *c, struct g_layout *L)
{
	memset(L, 0, sizeof(*L));
	L->g = gl_dwarf_find_type(c->t->dw, "runtime.g");
	const struct gl_field *st = L->g ? gl_type_field(L->g, "stack") : NULL;
	const struct gl_field *sc = L->g ? gl_type_field(L->g, "sched") : NULL;
	const struct gl_field *as = L->g ? gl_type_field(L->g, "atomicstatus") : NULL;
	if (!st || !sc || !as || !off_of(st->type, "lo", &L->lo) || !off_of(st->type, "hi", &L->hi) ||
	    !off_of(sc->type, "sp", &L->sched_sp) || !off_of(sc->type, "pc", &L->sched_pc) ||
	    !off_of(L->g, "goid", &L->goid) || !off_of(L->g, "m", &L->m))
		return gl_error_create(GL_ERR_NODWARF, "no usable DWARF for runtime.g");
	L->stack = st->offset;
	L->sched = sc->offset;
	/* atomicstatus is an atomic.Uint32 {noCopy; value} (or a plain uint32) */
	uint64_t v = 0;
	L->status = as->offset + (as->type->kind == GL_K_STRUCT && off_of(as->type, "value", &v) ? v : 0);
	off_of(L->g, "waitreason", &L->waitreason);
	L->has_syscall = off_of(L->g, "syscallsp", &L->syscallsp) && off_of(L->g, "syscallpc", &L->syscallpc);
	L->has_gopc = off_of(L->g, "gopc", &L->gopc);
	L->has_guard = off_of(L->g, "stackguard0", &L->guard);
	L->has_startpc = off_of(L->g, "startpc", &L->startpc);
	L->has_procid = off_of(gl_dwarf_find_type(c->t->dw, "runtime.m"), "procid", &L->m_procid);
	if (L->g->size > 4096)
		return gl_error_create(GL_ERR_NODWARF, "runtime.g is implausibly large");
	return NULL;
}

struct gl_error *gl_goroutines_read(struct gl_ctx *c, struct gl_goroutine **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	struct gl_error *err = gl_ctx_need_process(c);
	if (err || (err = gl_target_need_dwarf(c->t)))
		return err;
	struct g_layout L;
	if ((err = g_layout(c, &L)))
		return err;
	struct status_names sn = {.scan = 0x1000};
	struct wait_reasons wr;
	wait_reasons_find(c, &wr);
	gl_dwarf_each_const(c->t->dw, "runtime._G", collect_status, &sn);
	int64_t syscall_v = -1;
	for (int i = 0; i < sn.n; i++)
		if (!strcmp(sn.name[i], "syscall"))
			syscall_v = sn.value[i];
	uint64_t allgs;
	struct gl_type *t;
	if (!gl_dwarf_find_global(c->t->dw, "runtime.allgs", &allgs, &t))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.allgs in DWARF");
	unsigned char hdr[24];
	if ((err = gl_mem_read(c->mem, allgs, hdr, 24)))
		return gl_error_wrap(err, "reading runtime.allgs");
	uint64_t arr = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
	if (n > GL_MAX_GOROUTINES)
		return gl_error_create(GL_ERR_CORRUPT, "runtime.allgs has %llu entries: corrupt?",
				       (unsigned long long)n);
	uint64_t *ptrs = malloc((n ? n : 1) * 8);
	struct gl_goroutine *gs = calloc(n ? n : 1, sizeof(*gs));
	unsigned char *gb = malloc(L.g->size);
	if (!ptrs || !gs || !gb) {
		free(ptrs);
		free(gs);
		free(gb);
		return &gl_error_nomem;
	}
	if (n && (err = gl_mem_read(c->mem, arr, ptrs, n * 8))) {
		free(ptrs);
		free(gs);
		free(gb);
		return gl_error_wrap(err, "reading the allgs array");
	}
	/* The selected frame's SP tells which goroutine is current. */
	uint64_t sel_sp = 0;
	if (c->be->read_register && c->be->read_register(c->be->ctx, "rsp", &sel_sp) != GL_BACKEND_OK)
		sel_sp = 0;
	size_t k = 0;
	struct gl_error *first = NULL;
	for (uint64_t i = 0; i < n; i++) {
		if ((err = gl_mem_read(c->mem, ptrs[i], gb, L.g->size))) {
			if (!first)
				first = gl_error_wrap(err, "reading goroutine %llu of allgs", (unsigned long long)i);
			else
				gl_error_destroy(err);
			continue;
		}
		struct gl_goroutine *g = &gs[k++];
		g->g = ptrs[i];
		g->goid = gl_get_uint(gb + L.goid, 8);
		uint32_t raw = (uint32_t)gl_get_uint(gb + L.status, 4);
		g->scan = (raw & (uint32_t)sn.scan) != 0;
		g->status = raw & ~(uint32_t)sn.scan;
		snprintf(g->status_name, sizeof(g->status_name), "%s", status_name(&sn, g->status));
		g->stack_lo = gl_get_uint(gb + L.stack + L.lo, 8);
		g->stack_hi = gl_get_uint(gb + L.stack + L.hi, 8);
		if (L.has_guard)
			g->stackguard = gl_get_uint(gb + L.guard, 8);
		g->sp = gl_get_uint(gb + L.sched + L.sched_sp, 8);
		g->pc = gl_get_uint(gb + L.sched + L.sched_pc, 8);
		if (L.has_syscall && (int64_t)g->status == syscall_v) {
			uint64_t ssp = gl_get_uint(gb + L.syscallsp, 8), spc = gl_get_uint(gb + L.syscallpc, 8);
			if (ssp && spc) {
				g->sp = ssp;
				g->pc = spc;
			}
		}
		if (L.waitreason && !strcmp(g->status_name, "waiting"))
			wait_reason(c, &wr, gb[L.waitreason], g->wait_reason, sizeof(g->wait_reason));
		g->m = gl_get_uint(gb + L.m, 8);
		if (g->m && L.has_procid) {
			struct gl_error *e = gl_mem_read_u64(c->mem, g->m + L.m_procid, &g->thread);
			gl_error_destroy(e);
		}
		if (L.has_gopc)
			g->gopc = gl_get_uint(gb + L.gopc, 8);
		if (L.has_startpc)
			g->startpc = gl_get_uint(gb + L.startpc, 8);
		g->current = sel_sp && sel_sp >= g->stack_lo && sel_sp < g->stack_hi;
	}
	free(ptrs);
	free(gb);
	*out = gs;
	*nout = k;
	return first;
}

/* ---- the unwinder ------------------------------------------------------------- */

/* Functions where a goroutine's stack ends, or where the stack switches
 * to the system stack: mark the frame, do not guess past it. */
static const char *boundary(const char *fn)
{
	static const struct { const char *fn, *why; } stops[] = {
		{"runtime.goexit", "bottom of the goroutine stack"},
		{"runtime.mstart", "bottom of a system stack"},
		{"runtime.mstart0", "bottom of a system stack"},
		{"runtime.mstart1", "bottom of a system stack"},
		{"runtime.rt0_go", "bottom of the main thread stack"},
		{"runtime.systemstack", "switches to the system stack"},
		{"runtime.mcall", "switches to the system stack"},
		{"runtime.morestack", "stack growth: switches to the system stack"},
		{"runtime.asmcgocall", "cgo: switches to the system stack"},
		{"runtime.cgocallback", "cgo callback"},
		{"runtime.sigtramp", "signal handler"},
	};
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (!strcmp(fn, stops[i].fn))
			return stops[i].why;
	return NULL;
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
			v->func = inl[j].func;
			v->file = inl[j].file;
			v->line = inl[j].line;
			v->ret_slot = v->fp_slot = 0;
			snprintf(v->note, sizeof(v->note), "inlined into %s", u->func);
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

struct gl_error *gl_unwind(struct gl_ctx *c, uint64_t pc, uint64_t sp, int live_level, uint64_t lo,
			   uint64_t hi, struct gl_uframe **frames, size_t *nframes)
{
	*frames = NULL;
	*nframes = 0;
	if (!c->t->has_pcln)
		return gl_error_create(GL_ERR_NODWARF, "no .gopclntab: cannot unwind");
	size_t cap = 16, n = 0;
	struct gl_uframe *f = calloc(cap, sizeof(*f));
	if (!f)
		return &gl_error_nomem;
	for (size_t depth = 0; depth < GL_MAX_FRAMES; depth++) {
		if (n == cap) {
			struct gl_uframe *nf = realloc(f, cap * 2 * sizeof(*f));
			if (!nf)
				break;
			f = nf;
			cap *= 2;
		}
		struct gl_uframe *u = &f[n++];
		memset(u, 0, sizeof(*u));
		u->pc = pc;
		u->sp = sp;
		u->live = live_level >= 0 && depth == 0;
		u->level = u->live ? (uint32_t)live_level : (uint32_t)(depth + 1);
		u->size = -1;
		u->func = "?";
		/* Above the innermost frame the pc is a return address: look up
		 * pc-1 so a call at the very end of a function stays in it. */
		uint64_t lpc = depth > 0 || (live_level > 0) ? pc - 1 : pc;
		u->lookup_pc = lpc;
		struct gl_pcfunc pf;
		if (!gl_pclntab_func(&c->t->pcln, lpc, &pf)) {
			snprintf(u->note, sizeof(u->note), "pc 0x%llx is in no Go function: unwinding stops",
				 (unsigned long long)pc);
			break;
		}
		u->func = pf.name;
		gl_pclntab_line(&c->t->pcln, &pf, lpc, &u->file, &u->line);
		if (sp < lo || sp >= hi) {
			snprintf(u->note, sizeof(u->note), "sp 0x%llx is outside the stack: unwinding stops",
				 (unsigned long long)sp);
			break;
		}
		u->size = gl_pclntab_spdelta(&c->t->pcln, &pf, lpc);
		if (u->size < 0) {
			snprintf(u->note, sizeof(u->note), "no frame size at this pc: unwinding stops");
			break;
		}
		u->cfa = sp + (uint64_t)u->size + 8;
		u->ret_slot = u->cfa - 8;
		/* Go's amd64 prologue saves BP just below the return address
		 * in every frame that has one (size > 0). */
		if (u->size >= 8)
			u->fp_slot = u->cfa - 16;
		const char *why = boundary(pf.name);
		if (why) {
			snprintf(u->note, sizeof(u->note), "%s", why);
			break;
		}
		if (u->cfa <= sp || u->cfa > hi) {
			snprintf(u->note, sizeof(u->note), "frame leaves the stack: unwinding stops");
			break;
		}
		uint64_t ret;
		struct gl_error *err = gl_mem_read_u64(c->mem, u->ret_slot, &ret);
		if (err) {
			snprintf(u->note, sizeof(u->note), "cannot read the return address at 0x%llx",
				 (unsigned long long)u->ret_slot);
			gl_error_destroy(err);
			break;
		}
		if (ret == 0) {
			snprintf(u->note, sizeof(u->note), "return address 0: end of the stack");
			break;
		}
		pc = ret;
		sp = u->cfa;
	}
	if (n == GL_MAX_FRAMES && !f[n - 1].note[0])
		snprintf(f[n - 1].note, sizeof(f[n - 1].note), "%u frames: unwinding stops", GL_MAX_FRAMES);
	*frames = f;
	*nframes = n;
	expand_inlined(c, frames, nframes);
	return NULL;
}

void gl_uframe_to_frame(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->level = u->level;
	f->pc = u->pc;
	f->sp = u->sp;
	f->cfa = u->cfa;
	f->lookup_pc = u->level > 0 && u->pc ? u->pc - 1 : u->pc;
	f->func = c->t->dw ? gl_dwarf_func_at(c->t->dw, f->lookup_pc) : NULL;
	f->func_name = u->func;
}
