#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/le.h"
#include "runtime/stackslot_names.h"
#include "runtime/stackslots.h"

/* internal/abi/symtab.go, the same in Go 1.22-1.27 */
#define PCDATA_STACK_MAP_INDEX 1
#define FUNCDATA_ARGS_POINTER_MAPS 0
#define FUNCDATA_LOCALS_POINTER_MAPS 1
#define FUNCDATA_STACK_OBJECTS 2
#define ARGS_SIZE_UNKNOWN INT32_MIN /* abi.ArgsSizeUnknown */

/* Bounds on what a pclntab may claim, so a corrupt table costs little:
 * a frame's map of more words than the largest goroutine stack (1 GiB)
 * has, more stack objects than any compiled function. */
#define MAX_MAP_BITS (1u << 27)
#define MAX_MAP_ENTRIES (1u << 20)
#define MAX_STACK_OBJECTS (1u << 16)

struct slot {
	uint64_t addr, value;
	uint32_t frame;
	enum gl_stack_slot_kind kind;
};

/* A stack object (runtime.stackObjectRecord placed in its frame). */
struct object {
	uint64_t addr, size, ptr_bytes, gcdata; /* gcdata: link-time, moduledata.rodata + gcdataoff */
	uint32_t frame;
	bool gcprog;  /* Go <= 1.23: a GC program instead of a mask (not decoded) */
	bool reached; /* a pointer to it was found: the runtime scans it */
};

struct scan {
	struct gl_ctx *c;
	uint64_t lo, hi;
	unsigned w;
	struct slot *s;
	size_t ns, cap;
	struct object *o;
	size_t no, ocap;
	bool nomem;
};

static void add_slot(struct scan *sc, uint64_t addr, uint64_t value, uint32_t frame, enum gl_stack_slot_kind k)
{
	struct slot *s = GL_ARRAY_PUSH(sc->s, sc->ns, sc->cap, 64);
	if (!s) {
		sc->nomem = true;
		return;
	}
	*s = (struct slot){addr, value, frame, k};
}

/* The words [at, at + nwords*w) whose bit is set in mask (NULL: all),
 * read in one request; false when they cannot be read. */
static bool add_words(struct scan *sc, uint64_t at, uint64_t nwords, const unsigned char *mask, uint32_t frame,
		      enum gl_stack_slot_kind k)
{
	if (!nwords)
		return true;
	if (nwords > MAX_MAP_BITS)
		return false;
	unsigned char *buf = malloc(nwords * sc->w);
	if (!buf) {
		sc->nomem = true;
		return false;
	}
	struct gl_error *err = gl_mem_read(sc->c->mem, at, buf, nwords * sc->w);
	for (uint64_t i = 0; !err && i < nwords; i++)
		if (!mask || (mask[i / 8] >> (i % 8) & 1))
			add_slot(sc, at + i * sc->w, gl_get_uint(buf + i * sc->w, sc->w), frame, k);
	free(buf);
	bool ok = !err;
	gl_error_destroy(err);
	return ok;
}

/* runtime.stackmapdata: bit vector `index` of the stackmap at link-time
 * address at ({n int32, nbit int32, bytedata}) into *mask (malloc'd, NULL
 * when nbit is 0); false when the map is missing, corrupt or too short. */
static bool stackmap(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint8_t which, int64_t index,
		     unsigned char **mask, uint32_t *nbit)
{
	uint64_t at;
	unsigned char h[8];
	*mask = NULL;
	*nbit = 0;
	struct gl_error *err = NULL;
	if (!gl_pclntab_funcdata(t, f, which, &at) || (err = gl_elf_read_link(t->elf, at, h, 8))) {
		gl_error_destroy(err);
		return false;
	}
	int32_t n = (int32_t)gl_get_uint(h, 4), bits = (int32_t)gl_get_uint(h + 4, 4);
	if (n <= 0 || (uint32_t)n > MAX_MAP_ENTRIES || bits < 0 || (uint32_t)bits > MAX_MAP_BITS)
		return false;
	if (bits == 0)
		return true;
	if (index < 0 || index >= n)
		return false;
	uint64_t bytes = ((uint64_t)bits + 7) / 8;
	if (!(*mask = malloc(bytes)))
		return false;
	if ((err = gl_elf_read_link(t->elf, at + 8 + bytes * (uint64_t)index, *mask, bytes))) {
		gl_error_destroy(err);
		free(*mask);
		*mask = NULL;
		return false;
	}
	*nbit = (uint32_t)bits;
	return true;
}

/* FUNCDATA_StackObjects: {n uintptr; [n]stackObjectRecord{off, size,
 * ptrBytes int32; gcdataoff uint32}}, placed as scanframeworker places
 * them (off < 0 from varp, else from argp; not yet allocated below sp). */
static void add_objects(struct scan *sc, const struct gl_pcfunc *f, uint64_t sp, uint64_t varp, uint64_t argp,
			uint32_t frame)
{
	const struct gl_pclntab *t = &sc->c->t->pcln;
	uint64_t at, n;
	unsigned char h[8], r[16];
	struct gl_error *err = NULL;
	if (!gl_pclntab_funcdata(t, f, FUNCDATA_STACK_OBJECTS, &at) || (err = gl_elf_read_link(t->elf, at, h, sc->w))) {
		gl_error_destroy(err);
		return;
	}
	n = gl_get_uint(h, sc->w);
	for (uint64_t i = 0; i < n && i < MAX_STACK_OBJECTS; i++) {
		if ((err = gl_elf_read_link(t->elf, at + sc->w + 16 * i, r, 16))) {
			gl_error_destroy(err);
			return;
		}
		int32_t off = (int32_t)gl_get_uint(r, 4), size = (int32_t)gl_get_uint(r + 4, 4);
		int32_t ptr = (int32_t)gl_get_uint(r + 8, 4);
		uint64_t addr = (off < 0 ? varp : argp) + (uint64_t)(int64_t)off;
		if (addr < sp || size <= 0)
			continue;
		struct object *o = GL_ARRAY_PUSH(sc->o, sc->no, sc->ocap, 16);
		if (!o) {
			sc->nomem = true;
			return;
		}
		*o = (struct object){addr, (uint64_t)size, ptr < 0 ? (uint64_t)-(int64_t)ptr : (uint64_t)ptr,
				     t->rodata + gl_get_uint(r + 12, 4), frame, ptr < 0, false};
	}
}

static bool is_func(const struct gl_uframe *u, const char *name)
{
	return u->func && !strcmp(u->func, name);
}

/* One physical frame as scanframeworker scans it; false when its maps
 * cannot be read. *conservative carries the runtime's
 * state.conservative from frame to frame. */
static bool scan_frame(struct scan *sc, const struct gl_uframe *fr, size_t i, const struct gl_uframe *callee,
		       bool *conservative)
{
	struct gl_ctx *c = sc->c;
	const struct gl_arch *a = c->t->arch;
	const struct gl_uframe *u = &fr[i];
	uint64_t w = sc->w;
	struct gl_pcfunc f;
	if (!gl_pclntab_func(&c->t->pcln, u->lookup_pc, &f))
		return false;
	/* traceback.go (unwinder.resolveInternal): fp is our CFA; the return
	 * address (x86) and the saved frame pointer (amd64, arm64, in any
	 * frame with locals) lie below it, then the locals */
	uint64_t varp = u->cfa - (a->ra == GL_RA_ON_STACK ? w : 0);
	if (varp > u->sp && (a->id == GL_ARCH_AMD64 || a->id == GL_ARCH_ARM64))
		varp -= w;
	uint64_t argp = u->cfa + a->min_frame_size;
	uint64_t arg_bytes = f.args != ARGS_SIZE_UNKNOWN && f.args > 0 ? (uint64_t)f.args : 0;
	uint32_t idx = (uint32_t)i;

	bool async = is_func(u, "runtime.asyncPreempt") || is_func(u, "runtime.debugCallV2");
	if (*conservative || async) {
		/* mgcmark.go: the frame and its arguments, word by word; the
		 * frame asyncPreempt interrupted is scanned so too */
		uint64_t size = varp - u->sp;
		bool injected = async || is_func(u, "runtime.sigpanic");
		if (a->ra == GL_RA_IN_LR && injected && c->t->go_minor >= 26 && size)
			size += 16; /* the frame (*sigctxt).pushCall made, with LR (Go 1.26.x+) */
		*conservative = async;
		return add_words(sc, u->sp, size / w, NULL, idx, GL_SLOT_CONSERVATIVE) &&
		       add_words(sc, argp, arg_bytes / w, NULL, idx, GL_SLOT_CONSERVATIVE);
	}

	/* stkframe.go getStackMap: the continuation pc; a frame a fault
	 * stopped continues at its deferreturn call, or is dead */
	uint64_t targetpc = u->pc;
	if (callee && is_func(callee, "runtime.sigpanic"))
		targetpc = f.deferreturn ? f.entry + f.deferreturn + 1 : 0;
	if (!targetpc)
		return true;
	/* a pc where the goroutine is (the debugger's frame 0) is no return
	 * address: its own stack map index, not the one before */
	bool exact = u->exact_pc || (u->live && u->level == 0);
	int64_t pcdata = -1;
	if (targetpc != f.entry) {
		if (!exact)
			targetpc--;
		pcdata = gl_pclntab_pcdata(&c->t->pcln, &f, PCDATA_STACK_MAP_INDEX, targetpc);
	}
	if (pcdata == -1)
		pcdata = 0;

	unsigned char *mask;
	uint32_t nbit;
	uint64_t minsize = a->id == GL_ARCH_ARM64 ? a->stack_align : a->min_frame_size;
	if (varp - u->sp > minsize) {
		if (!stackmap(&c->t->pcln, &f, FUNCDATA_LOCALS_POINTER_MAPS, pcdata, &mask, &nbit))
			return false;
		/* a map larger than the frame is not this frame's */
		bool ok = nbit * w <= varp - u->sp && add_words(sc, varp - nbit * w, nbit, mask, idx, GL_SLOT_LOCAL);
		free(mask);
		if (!ok)
			return false;
	}
	if (arg_bytes >= w) {
		if (!stackmap(&c->t->pcln, &f, FUNCDATA_ARGS_POINTER_MAPS, pcdata, &mask, &nbit))
			return false;
		bool ok = nbit * w <= arg_bytes && add_words(sc, argp, nbit, mask, idx, GL_SLOT_ARG);
		free(mask);
		if (!ok)
			return false;
	}
	add_objects(sc, &f, u->sp, varp, argp, idx);
	return true;
}

static int object_cmp(const void *a, const void *b)
{
	const struct object *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static struct object *object_at(struct scan *sc, uint64_t p)
{
	size_t lo = 0, hi = sc->no;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->o[mid].addr <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && p - sc->o[lo - 1].addr < sc->o[lo - 1].size ? &sc->o[lo - 1] : NULL;
}

/* scanstack's second half: a stack object is scanned (with its type's
 * pointer mask) once some pointer into it was found, in a frame's slots
 * or in another object reached so. Each object is scanned once, so the
 * walk ends. */
static void reach_objects(struct scan *sc)
{
	if (sc->no)
		qsort(sc->o, sc->no, sizeof(*sc->o), object_cmp);
	for (size_t k = 0; k < sc->ns && !sc->nomem; k++) {
		uint64_t v = sc->s[k].value;
		struct object *o = v >= sc->lo && v < sc->hi ? object_at(sc, v) : NULL;
		if (!o || o->reached)
			continue;
		o->reached = true;
		uint64_t words = o->ptr_bytes / sc->w;
		if (o->gcprog || !words || o->ptr_bytes > o->size || o->size > sc->hi - o->addr)
			continue; /* (an object past the stack's top is a corrupt record) */
		unsigned char *mask = malloc((words + 7) / 8);
		struct gl_error *err = mask ? gl_elf_read_link(&sc->c->t->elf, o->gcdata, mask, (words + 7) / 8) : NULL;
		if (mask && !err)
			add_words(sc, o->addr, words, mask, o->frame, GL_SLOT_STACK_OBJECT);
		gl_error_destroy(err);
		free(mask);
	}
}

static int slot_addr_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static int slot_frame_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* A word two maps name (a callee's argument that its caller's stack
 * object also covers) is one slot: the innermost frame's. */
static void dedup(struct scan *sc)
{
	if (!sc->ns)
		return;
	qsort(sc->s, sc->ns, sizeof(*sc->s), slot_addr_cmp);
	size_t k = 0;
	for (size_t i = 0; i < sc->ns; i++)
		if (!k || sc->s[k - 1].addr != sc->s[i].addr)
			sc->s[k++] = sc->s[i];
	sc->ns = k;
	qsort(sc->s, sc->ns, sizeof(*sc->s), slot_frame_cmp);
}

/* Hand the slots to fn, frame by frame, named from DWARF. */
static bool emit(struct scan *sc, const struct gl_uframe *frames, gl_stack_slot_fn fn, void *arg)
{
	struct gl_frame_pieces names = {0};
	uint32_t named = UINT32_MAX;
	bool go_on = true;
	for (size_t k = 0; k < sc->ns && go_on; k++) {
		const struct slot *s = &sc->s[k];
		if (s->frame != named) {
			gl_frame_pieces_free(&names);
			gl_frame_pieces_read(sc->c, &frames[s->frame], &names);
			named = s->frame;
		}
		const struct gl_var_piece *p = gl_frame_pieces_find(&names, s->addr);
		struct gl_stack_slot out = {
			.addr = s->addr,
			.value = s->value,
			.frame = s->frame,
			.f = &frames[s->frame],
			.kind = s->kind,
			.var = p ? p->var : NULL,
			.var_offset = p ? p->var_offset + (s->addr - names.cfa - p->off) : 0,
		};
		go_on = fn(arg, &out);
	}
	gl_frame_pieces_free(&names);
	return go_on;
}

struct gl_error *gl_frames_pointer_slots(struct gl_ctx *c, const struct gl_uframe *frames, size_t n, uint64_t lo,
					 uint64_t hi, gl_stack_slot_fn fn, void *arg, bool *scanned,
					 uint64_t *unscanned)
{
	uint64_t skipped = 0;
	if (!c->t->arch)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of %s frames: cannot find pointer slots",
				       c->t->goarch);
	if (!c->t->pcln.gofunc)
		return gl_error_create(GL_ERR_UNAVAILABLE,
				       "moduledata.gofunc is unknown: the stack maps cannot be found");
	if (scanned)
		memset(scanned, 0, n * sizeof(*scanned));
	struct scan sc = {.c = c, .lo = lo, .hi = hi, .w = c->t->arch->ptr_size};
	bool conservative = false;
	const struct gl_uframe *callee = NULL;
	for (size_t i = 0; i < n && !sc.nomem; i++) {
		const struct gl_uframe *u = &frames[i];
		if (u->inlined)
			continue; /* its variables are in the physical frame that follows */
		if (gl_interrupted(c))
			break;
		bool own = u->on == GL_ON_NONE || u->on == GL_ON_GOROUTINE;
		bool sized = u->size >= 0 && u->cfa && u->stop != GL_STOP_NO_FUNC && u->stop != GL_STOP_SP_OUTSIDE &&
			     u->stop != GL_STOP_NO_FRAME_SIZE && u->stop != GL_STOP_LEAVES_STACK;
		if (own && u->sp >= lo && u->sp < hi) {
			bool ok = sized && scan_frame(&sc, frames, i, callee, &conservative);
			if (scanned)
				scanned[i] = ok;
			skipped += !ok;
		}
		callee = u;
	}
	/* an unwind that stopped short of the stack's bottom left the rest */
	if (n && frames[n - 1].stop != GL_STOP_NONE && !gl_unwind_stop_is_bottom(frames[n - 1].stop))
		skipped++;
	if (unscanned)
		*unscanned = skipped;
	reach_objects(&sc);
	dedup(&sc);
	struct gl_error *err = NULL;
	if (sc.nomem)
		err = &gl_error_nomem;
	else if (!gl_interrupted(c))
		emit(&sc, frames, fn, arg);
	free(sc.s);
	free(sc.o);
	return err;
}

struct gl_error *gl_stack_pointer_slots(struct gl_ctx *c, const struct gl_goroutine *g, gl_stack_slot_fn fn,
					void *arg, uint64_t *unscanned)
{
	struct gl_uframe *frames;
	size_t n;
	if (unscanned)
		*unscanned = 0;
	struct gl_error *err = gl_unwind(c, g->pc, g->sp, g->lr, -1, g->stack_lo, g->stack_hi, &frames, &n);
	if (err)
		return err;
	err = gl_frames_pointer_slots(c, frames, n, g->stack_lo, g->stack_hi, fn, arg, NULL, unscanned);
	free(frames);
	return err;
}
