/* Goroutine scenes: see scene_goroutines.h. */
#include <elf.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scene_goroutines.h"
#include "target/dwarfinfo.h"

/* ---- the test binary -------------------------------------------------------- */

/* runtime.g as its DWARF lays it out. */




struct g_bin G_BIN;

static uint64_t off_in(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (!f)
		fail_msg("DWARF type %s has no field %s", t ? t->name : "(null)", name);
	return f->offset;
}

static const struct gl_type *type_of(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (!f || !f->type)
		fail_msg("DWARF type %s has no field %s", t ? t->name : "(null)", name);
	return f->type;
}

int64_t g_konst(const char *name)
{
	int64_t v;
	if (!gl_dwarf_find_const(G_BIN.t->dw, name, &v))
		fail_msg("%s has no DWARF constant %s", G_BIN.path, name);
	return v;
}

/* A function symbol's value from the ELF .symtab (an oracle independent of
 * the pclntab the unwinder reads); 0 when absent. */
static uint64_t elf_func(const char *name)
{
	const struct gl_elf *e = &G_BIN.t->elf;
	const struct gl_elf_section *st = gl_elf_section(e, ".symtab");
	const struct gl_elf_section *str = gl_elf_section(e, ".strtab");
	if (!st || !str || st->offset + st->size > e->size || str->offset + str->size > e->size)
		return 0;
	for (uint64_t o = 0; o + sizeof(Elf64_Sym) <= st->size; o += sizeof(Elf64_Sym)) {
		Elf64_Sym s;
		memcpy(&s, e->data + st->offset + o, sizeof(s));
		if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_name >= str->size)
			continue;
		const char *n = (const char *)e->data + str->offset + s.st_name;
		if (!strncmp(n, name, strlen(name)) &&
		    (!n[strlen(name)] || !strcmp(n + strlen(name), ".abi0")))
			return s.st_value;
	}
	return 0;
}

static bool pcfunc(uint64_t pc, struct gl_pcfunc *pf)
{
	return gl_pclntab_func(&G_BIN.t->pcln, pc, pf);
}

static int64_t spdelta(uint64_t pc)
{
	struct gl_pcfunc pf;
	return pcfunc(pc, &pf) ? gl_pclntab_spdelta(&G_BIN.t->pcln, &pf, pc) : -1;
}

static bool not_inlined(uint64_t pc)
{
	struct gl_pcfunc pf;
	struct gl_inline inl[16];
	return pcfunc(pc, &pf) && gl_pclntab_inlined(&G_BIN.t->pcln, &pf, pc, inl, 16) == 1;
}

/* The first pc of the function at entry (its DWARF extent) with its
 * largest frame and no inlining, or 0. */
static uint64_t body_pc(uint64_t entry, int64_t *size)
{
	const struct gl_func *f = gl_dwarf_func_at(G_BIN.t->dw, entry);
	uint64_t best = 0;
	*size = 0;
	for (uint64_t pc = entry; f && pc < f->hi; pc++) {
		int64_t s = spdelta(pc);
		if (s > *size && not_inlined(pc)) {
			*size = s;
			best = pc;
		}
	}
	return best;
}

/* A direct call (E8 rel32) in main.main to another function's entry:
 * callee and return address. Prefers a callee of package main, and one
 * whose frames fit a scene's stack (main.growStack's 32 KiB does not). */
static bool find_call(void)
{
	const struct gl_func *mf = gl_dwarf_func_at(G_BIN.t->dw, G_BIN.main_entry);
	if (!mf)
		return false;
	size_t n = mf->hi - mf->lo;
	unsigned char *code = malloc(n);
	assert_non_null(code);
	struct gl_error *err = gl_elf_read_vaddr(&G_BIN.t->elf, mf->lo, code, n);
	if (err) {
		gl_error_destroy(err);
		free(code);
		return false;
	}
	bool found = false;
	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i + 5 <= n && !found; i++) {
			if (code[i] != 0xe8)
				continue;
			int32_t rel;
			memcpy(&rel, code + i + 1, 4);
			uint64_t ret = mf->lo + i + 5, target = ret + (uint64_t)(int64_t)rel;
			struct gl_pcfunc pf;
			if (!pcfunc(target, &pf) || pf.entry != target || target == G_BIN.main_entry)
				continue;
			if (pass == 0 && strncmp(pf.name, "main.", 5))
				continue;
			int64_t csize, rsize = spdelta(ret - 1);
			uint64_t cpc = body_pc(target, &csize);
			if (!cpc || rsize <= 0 || !not_inlined(ret - 1) ||
			    (uint64_t)(csize + rsize) > STACK_SIZE / 4)
				continue;
			G_BIN.callee_entry = target;
			snprintf(G_BIN.callee_name, sizeof(G_BIN.callee_name), "%s", pf.name);
			G_BIN.callee_pc = cpc;
			G_BIN.callee_size = csize;
			G_BIN.call_ret = ret;
			G_BIN.call_ret_size = rsize;
			found = true;
		}
	free(code);
	return found;
}

struct g_bin *g_bin_get(void)
{
	if (G_BIN.tried)
		return G_BIN.t ? &G_BIN : NULL;
	G_BIN.tried = true;
	const char *p = fake_testdata("structs");
	if (!p || access(p, X_OK) != 0) {
		snprintf(G_BIN.why, sizeof(G_BIN.why), "no structs test program: run tests/unit/build-testdata.sh");
		return NULL;
	}
	snprintf(G_BIN.path, sizeof(G_BIN.path), "%s", p);
	struct gl_error *err = gl_target_open(G_BIN.path, &G_BIN.t);
	if (err) {
		snprintf(G_BIN.why, sizeof(G_BIN.why), "%s: %s", G_BIN.path, err->message);
		gl_error_destroy(err);
		G_BIN.t = NULL;
		return NULL;
	}
	if (!G_BIN.t->dw || !G_BIN.t->has_pcln) {
		snprintf(G_BIN.why, sizeof(G_BIN.why), "%s has no DWARF or no pclntab", G_BIN.path);
		gl_target_destroy(G_BIN.t);
		G_BIN.t = NULL;
		return NULL;
	}
	/* runtime.g */
	const struct gl_type *g = gl_dwarf_find_type(G_BIN.t->dw, "runtime.g");
	if (!g)
		fail_msg("%s: no runtime.g in DWARF", G_BIN.path);
	struct glayout *L = &G_BIN.L;
	L->size = g->size;
	uint64_t stack = off_in(g, "stack"), sched = off_in(g, "sched");
	L->lo = stack + off_in(type_of(g, "stack"), "lo");
	L->hi = stack + off_in(type_of(g, "stack"), "hi");
	L->sched_sp = sched + off_in(type_of(g, "sched"), "sp");
	L->sched_pc = sched + off_in(type_of(g, "sched"), "pc");
	const struct gl_type *as = type_of(g, "atomicstatus");
	L->status = off_in(g, "atomicstatus");
	L->status_size = as->size;
	if (as->kind == GL_K_STRUCT && gl_type_field(as, "value")) {
		L->status += off_in(as, "value");
		L->status_size = type_of(as, "value")->size;
	}
	L->goid = off_in(g, "goid");
	L->waitreason = off_in(g, "waitreason");
	L->m = off_in(g, "m");
	L->has_syscall = gl_type_field(g, "syscallsp") && gl_type_field(g, "syscallpc");
	if (L->has_syscall) {
		L->syscallsp = off_in(g, "syscallsp");
		L->syscallpc = off_in(g, "syscallpc");
	}
	assert_true(L->size >= L->goid + 8 && L->size <= 4096);
	const struct gl_type *m = gl_dwarf_find_type(G_BIN.t->dw, "runtime.m");
	if (!m)
		fail_msg("%s: no runtime.m in DWARF", G_BIN.path);
	L->m_size = m->size;
	L->m_procid = off_in(m, "procid");
	L->m_g0 = off_in(m, "g0");
	L->m_gsignal = off_in(m, "gsignal");
	L->m_curg = off_in(m, "curg");
	/* runtime.allgs: a []*runtime.g */
	struct gl_type *at;
	if (!gl_dwarf_find_global(G_BIN.t->dw, "runtime.allgs", &G_BIN.allgs, &at) || !at ||
	    at->kind != GL_K_SLICE)
		fail_msg("%s: no runtime.allgs slice in DWARF", G_BIN.path);
	/* statuses and a wait reason */
	G_BIN.g_idle = g_konst("runtime._Gidle");
	G_BIN.g_runnable = g_konst("runtime._Grunnable");
	G_BIN.g_running = g_konst("runtime._Grunning");
	G_BIN.g_syscall = g_konst("runtime._Gsyscall");
	G_BIN.g_waiting = g_konst("runtime._Gwaiting");
	G_BIN.g_dead = g_konst("runtime._Gdead");
	G_BIN.g_copystack = g_konst("runtime._Gcopystack");
	G_BIN.g_preempted = g_konst("runtime._Gpreempted");
	G_BIN.g_scan = g_konst("runtime._Gscan");
	G_BIN.wr_chan_receive = g_konst("runtime.waitReasonChanReceive");
	/* code */
	G_BIN.main_entry = elf_func("main.main");
	G_BIN.goexit_entry = elf_func("runtime.goexit");
	G_BIN.systemstack_entry = elf_func("runtime.systemstack.abi0");
	G_BIN.switch_entry = elf_func("runtime.systemstack_switch.abi0");
	if (!G_BIN.main_entry || !G_BIN.goexit_entry || !G_BIN.systemstack_entry || !G_BIN.switch_entry)
		fail_msg("%s: no main.main, runtime.goexit, runtime.systemstack or "
			 "runtime.systemstack_switch in .symtab", G_BIN.path);
	const struct gl_func *mf = gl_dwarf_func_at(G_BIN.t->dw, G_BIN.main_entry);
	if (!mf || mf->lo != G_BIN.main_entry || strcmp(mf->name, "main.main"))
		fail_msg("%s: DWARF does not agree that main.main starts at 0x%" PRIx64, G_BIN.path,
			 G_BIN.main_entry);
	struct gl_pcfunc pf;
	if (!pcfunc(G_BIN.goexit_entry, &pf) || pf.entry != G_BIN.goexit_entry)
		fail_msg("%s: the pclntab has no function at runtime.goexit 0x%" PRIx64, G_BIN.path,
			 G_BIN.goexit_entry);
	assert_int_equal(spdelta(G_BIN.main_entry), 0);
	G_BIN.main_body_pc = body_pc(G_BIN.main_entry, &G_BIN.main_body_size);
	if (!G_BIN.main_body_pc || G_BIN.main_body_size < 64)
		fail_msg("%s: main.main has no pc with a frame of 64 bytes or more", G_BIN.path);
	G_BIN.sigpanic_pc = body_pc(elf_func("runtime.sigpanic"), &G_BIN.sigpanic_size);
	if (!G_BIN.sigpanic_pc)
		fail_msg("%s: no runtime.sigpanic with a frame", G_BIN.path);
	if (!find_call())
		fail_msg("%s: found no direct call in main.main", G_BIN.path);
	const struct gl_elf_section *ro = gl_elf_section(&G_BIN.t->elf, ".rodata");
	if (!ro)
		fail_msg("%s: no .rodata", G_BIN.path);
	G_BIN.rodata = ro->addr + ro->size / 2;
	if (pcfunc(G_BIN.rodata, &pf))
		fail_msg("%s: .rodata 0x%" PRIx64 " is in a function?", G_BIN.path, G_BIN.rodata);
	return &G_BIN;
}

/* ---- the fixture -------------------------------------------------------------- */

/* One goroutine to build in fake memory. */


static void g_put(unsigned char *p, uint64_t v, uint64_t size)
{
	for (uint64_t i = 0; i < size && i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Map a g at addr (NULL ptr: just record addr in allgs, unmapped). */
uint64_t add_g_at(struct g_scene *f, uint64_t addr, const struct gspec *s)
{
	assert_true(f->n < MAX_G);
	f->ptrs[f->n++] = addr;
	if (!s)
		return addr;
	const struct glayout *L = &f->bin->L;
	unsigned char *b = calloc(1, L->size);
	assert_non_null(b);
	g_put(b + L->goid, s->goid, 8);
	g_put(b + L->status, (uint64_t)s->status, L->status_size);
	g_put(b + L->lo, s->lo, 8);
	g_put(b + L->hi, s->hi, 8);
	g_put(b + L->sched_sp, s->sp, 8);
	g_put(b + L->sched_pc, s->pc, 8);
	if (s->waitreason >= 0)
		b[L->waitreason] = (unsigned char)s->waitreason;
	g_put(b + L->m, s->m, 8);
	if (L->has_syscall) {
		g_put(b + L->syscallsp, s->syscallsp, 8);
		g_put(b + L->syscallpc, s->syscallpc, 8);
	}
	fake_map(f->ft, addr, b, L->size);
	free(b);
	return addr;
}

void map_m(struct g_scene *f, uint64_t addr, uint64_t procid, uint64_t curg, uint64_t g0, uint64_t g0_lo,
	   uint64_t g0_hi)
{
	const struct glayout *L = &f->bin->L;
	unsigned char *b = calloc(1, L->m_size > L->size ? L->m_size : L->size);
	assert_non_null(b);
	g_put(b + L->m_procid, procid, 8);
	g_put(b + L->m_curg, curg, 8);
	g_put(b + L->m_g0, g0, 8);
	fake_map(f->ft, addr, b, L->m_size);
	memset(b, 0, L->size);
	g_put(b + L->lo, g0_lo, 8);
	g_put(b + L->hi, g0_hi, 8);
	fake_map(f->ft, g0, b, L->size);
	free(b);
}

uint64_t add_g(struct g_scene *f, const struct gspec *s)
{
	return add_g_at(f, A_G + f->n * 0x1000, s);
}

/* The allgs slice header at the global's address. */
void set_allgs(struct g_scene *f, uint64_t arr, uint64_t len, uint64_t cap)
{
	unsigned char h[24];
	g_put(h, arr, 8);
	g_put(h + 8, len, 8);
	g_put(h + 16, cap, 8);
	fake_map(f->ft, f->bin->allgs, h, 24);
}

/* allgs = the goroutines added so far. */
void commit(struct g_scene *f)
{
	unsigned char *a = calloc(f->n ? f->n : 1, 8);
	assert_non_null(a);
	for (size_t i = 0; i < f->n; i++)
		g_put(a + 8 * i, f->ptrs[i], 8);
	if (f->n)
		fake_map(f->ft, A_ARR, a, f->n * 8);
	free(a);
	set_allgs(f, f->n ? A_ARR : 0, f->n, f->n);
}

/* A zeroed stack for goroutine slot i: its lo. */
uint64_t map_stack(struct g_scene *f, size_t i, uint64_t size)
{
	uint64_t lo = A_STACK + i * 0x100000;
	assert_true(size <= 0x100000);
	fake_map(f->ft, lo, NULL, size);
	return lo;
}

/* A parked goroutine in slot f->n, as a real one looks when it has just
 * been started (gostartcallfn): sched.pc at main.main's entry, and at
 * sched.sp the return address runtime.goexit+1 (goexit's PC plus the PC
 * quantum, as the runtime pushes it). Returns its spec. */
struct gspec parked(struct g_scene *f, uint64_t goid)
{
	uint64_t lo = map_stack(f, f->n, STACK_SIZE), hi = lo + STACK_SIZE;
	struct gspec s = {.goid = goid, .status = f->bin->g_waiting, .lo = lo, .hi = hi,
			  .sp = hi - 0x48, .pc = f->bin->main_entry,
			  .waitreason = (int)f->bin->wr_chan_receive};
	fake_poke_u64(f->ft, s.sp, f->bin->goexit_entry + 1);
	return s;
}


struct gspec three_frames(struct g_scene *f, uint64_t goid)
{
	uint64_t lo = map_stack(f, f->n, STACK_SIZE), hi = lo + STACK_SIZE;
	uint64_t sp2 = hi - 0x40;                               /* goexit's frame */
	uint64_t sp1 = sp2 - 8 - (uint64_t)f->bin->call_ret_size; /* main.main's */
	uint64_t sp0 = sp1 - 8 - (uint64_t)f->bin->callee_size;   /* the callee's */
	assert_true(sp0 > lo);
	fake_poke_u64(f->ft, sp2 - 8, f->bin->goexit_entry + 1);
	fake_poke_u64(f->ft, sp1 - 8, f->bin->call_ret);
	struct gspec s = {.goid = goid, .status = f->bin->g_waiting, .lo = lo, .hi = hi, .sp = sp0,
			  .pc = f->bin->callee_pc, .waitreason = -1};
	return s;
}

void build_four_goroutines(struct g_scene *g)
{
	struct g_bin *b = g->bin;
	fake_set_exe(g->ft, b->path);
	fake_set_reg(g->ft, "rsp", 0x7ff000000000ull);
	fake_set_reg(g->ft, "rip", 0);
	/* 1: parked at main.main's entry; 2: parked in the callee, called
	 * from main.main; 3: runnable; 4: dead */
	struct gspec s1 = parked(g, 1);
	add_g(g, &s1);
	struct gspec s2 = three_frames(g, 2);
	add_g(g, &s2);
	struct gspec s3 = parked(g, 3);
	s3.status = b->g_runnable;
	s3.waitreason = -1;
	add_g(g, &s3);
	struct gspec s4 = {.goid = 4, .status = b->g_dead, .waitreason = -1};
	add_g(g, &s4);
	commit(g);
}

struct fake_target *four_goroutines_new(void)
{
	struct g_bin *b = g_bin_get();
	if (!b)
		return NULL;
	struct g_scene g = {.bin = b, .ft = fake_new()};
	build_four_goroutines(&g);
	fake_fill_pages(g.ft);
	return g.ft;
}
