/* The stack-map decoder (core/runtime/stackslots.c) on a pclntab written
 * here byte by byte: one amd64 function, main.f, with a 56-byte frame,
 * two stack-map indexes (PCDATA_StackMapIndex 0 below +0x40, 1 above),
 * locals and arguments pointer maps for each, and one stack object; the
 * slots a frame of it has at either index (a return address looked up at
 * the call), the stack object only when a slot points into it, an
 * asynchronously preempted frame word by word, none for a frame a fault
 * made dead, and a frame
 * whose index the maps do not have counted as not scanned. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_target.h"
#include "runtime/stackslots.h"
#include "target/ctx.h"
#include "target/target.h"

#define TEXT 0x401000ull
#define PCLN 0x500000ull
#define FRAME 56 /* bytes below the return address */
#define ARGS 16

/* offsets in .gopclntab */
#define NAMES 0x80
#define PCTAB 0x100
#define FTAB 0x200
#define FUNC 0x40 /* from FTAB */
#define GOFUNC 0x400 /* moduledata.gofunc: funcdata offsets from here */
#define ARGMAP 0x00
#define LOCMAP 0x20
#define OBJS 0x40
#define GCMASK 0x80
#define SIZE 0x500

static unsigned char pcln[SIZE];

static void put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A pcvalue table: (value, pc bytes) runs, zig-zag value deltas from -1. */
static size_t table(unsigned char *p, const int64_t *vals, const uint64_t *lens, size_t n)
{
	size_t k = 0;
	int64_t prev = -1;
	for (size_t i = 0; i < n; i++) {
		int64_t d = vals[i] - prev;
		uint64_t uv = d < 0 ? ((uint64_t)(-d) << 1) - 1 : (uint64_t)d << 1;
		for (uint64_t v = uv;; v >>= 7) {
			p[k++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
			if (v < 0x80)
				break;
		}
		for (uint64_t v = lens[i];; v >>= 7) {
			p[k++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
			if (v < 0x80)
				break;
		}
		prev = vals[i];
	}
	p[k++] = 0;
	return k;
}

/* index_hi: the stack-map index of [+0x40, +0x100) */
static void build_pclntab(int64_t index_hi)
{
	memset(pcln, 0, sizeof(pcln));
	put(pcln, 0xfffffff1, 4);
	pcln[6] = 1; /* minLC */
	pcln[7] = 8; /* ptrsize */
	put(pcln + 8, 1, 8); /* nfunc */
	put(pcln + 24, TEXT, 8);
	put(pcln + 32, NAMES, 8);
	put(pcln + 56, PCTAB, 8);
	put(pcln + 64, FTAB, 8);
	memcpy(pcln + NAMES, "main.f", 7);
	/* pctab offset 0 means "no table" */
	size_t pcsp = 1, idx;
	idx = pcsp + table(pcln + PCTAB + pcsp, (int64_t[]){FRAME}, (uint64_t[]){0x100}, 1);
	table(pcln + PCTAB + idx, (int64_t[]){0, index_hi}, (uint64_t[]){0x40, 0xc0}, 2);
	put(pcln + FTAB, 0, 4);
	put(pcln + FTAB + 4, FUNC, 4);
	put(pcln + FTAB + 8, 0x100, 4); /* the end of the text */
	unsigned char *fn = pcln + FTAB + FUNC;
	put(fn + 8, ARGS, 4);
	put(fn + 16, pcsp, 4);
	put(fn + 28, 2, 4); /* npcdata */
	fn[43] = 3;         /* nfuncdata */
	put(fn + 44, 0, 4); /* PCDATA_UnsafePoint: none */
	put(fn + 48, idx, 4);
	put(fn + 52, ARGMAP, 4);
	put(fn + 56, LOCMAP, 4);
	put(fn + 60, OBJS, 4);
	unsigned char *fd = pcln + GOFUNC;
	/* runtime.stackmap {n, nbit int32; bytedata}: index 0, index 1 */
	put(fd + ARGMAP, 2, 4);
	put(fd + ARGMAP + 4, 2, 4);
	fd[ARGMAP + 8] = 0x1;  /* argp+0 */
	fd[ARGMAP + 9] = 0x2;  /* argp+8 */
	put(fd + LOCMAP, 2, 4);
	put(fd + LOCMAP + 4, 4, 4); /* 4 words below varp */
	fd[LOCMAP + 8] = 0x1;  /* varp-32 */
	fd[LOCMAP + 9] = 0xa;  /* varp-24, varp-8 */
	/* FUNCDATA_StackObjects: n uintptr, then {off, size, ptrBytes, gcdataoff} */
	put(fd + OBJS, 1, 8);
	put(fd + OBJS + 8, (uint64_t)(uint32_t)-48, 4); /* varp-48: sp+0 */
	put(fd + OBJS + 12, 16, 4);
	put(fd + OBJS + 16, 16, 4);
	put(fd + OBJS + 20, GCMASK, 4); /* from moduledata.rodata, here gofunc */
	fd[GCMASK] = 0x2;                /* its second word */
}

/* An ELF64 x86-64 file: .text, .gopclntab, .shstrtab. */
static void write_elf(const char *path)
{
	static const char names[] = "\0.text\0.gopclntab\0.shstrtab";
	unsigned char buf[4096] = {0};
	size_t pcln_off = 0x100, names_off = pcln_off + SIZE, sh_off = (names_off + sizeof(names) + 7) & ~7ul;
	memcpy(buf + pcln_off, pcln, SIZE);
	memcpy(buf + names_off, names, sizeof(names));
	Elf64_Shdr sh[4] = {
		{0},
		{.sh_name = 1, .sh_type = SHT_NOBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR, .sh_addr = TEXT,
		 .sh_offset = pcln_off, .sh_size = 0x100},
		{.sh_name = 7, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC, .sh_addr = PCLN, .sh_offset = pcln_off,
		 .sh_size = SIZE},
		{.sh_name = 18, .sh_type = SHT_STRTAB, .sh_offset = names_off, .sh_size = sizeof(names)},
	};
	memcpy(buf + sh_off, sh, sizeof(sh));
	Elf64_Ehdr h = {.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT, .e_shoff = sh_off,
			.e_ehsize = sizeof(h), .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = 4, .e_shstrndx = 3};
	unsigned char ident[EI_NIDENT] = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
	memcpy(h.e_ident, ident, EI_NIDENT);
	memcpy(buf, &h, sizeof(h));
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, sh_off + sizeof(sh), f), sh_off + sizeof(sh));
	fclose(f);
}

struct got {
	struct gl_stack_slot s[16];
	size_t n;
};

static bool keep(void *arg, const struct gl_stack_slot *s)
{
	struct got *g = arg;
	if (g->n < 16)
		g->s[g->n++] = *s;
	return true;
}

struct world {
	struct gl_target *t;
	struct fake_target *ft;
	struct gl_mem mem;
	struct gl_ctx c;
};

static const uint64_t LO = 0xc000100000ull, HI = LO + 0x1000, SP = LO + 0x800;
#define CFA (SP + FRAME + 8)
#define VARP (CFA - 16) /* below the return address and the saved frame pointer */

static void open_world(struct world *w, int64_t index_hi)
{
	char path[] = "/tmp/golayout-test-stackslots-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	build_pclntab(index_hi);
	write_elf(path);
	struct gl_error *err = gl_target_open(path, &w->t);
	unlink(path);
	if (err)
		fail_msg("gl_target_open: %s", err->message);
	assert_true(w->t->has_pcln);
	/* what the target reads from moduledata with DWARF or symbols */
	w->t->pcln.gofunc = w->t->pcln.rodata = PCLN + GOFUNC;
	w->ft = fake_new();
	fake_map(w->ft, LO, NULL, HI - LO);
	for (uint64_t a = SP; a < CFA + ARGS; a += 8)
		fake_poke_u64(w->ft, a, 0x1000 + (a - SP)); /* a word's value says where it is */
	gl_mem_init(&w->mem);
	gl_mem_begin(&w->mem, fake_backend(w->ft));
	w->c = (struct gl_ctx){.t = w->t, .mem = &w->mem, .be = fake_backend(w->ft)};
}

static void close_world(struct world *w)
{
	gl_mem_end(&w->mem);
	gl_mem_deinit(&w->mem);
	fake_free(w->ft);
	gl_target_destroy(w->t);
}

/* main.f's frame, stopped at the call that returns to entry + ret. */
static struct gl_uframe frame_f(uint64_t ret)
{
	return (struct gl_uframe){.pc = TEXT + ret, .sp = SP, .cfa = CFA, .size = FRAME, .level = 1,
				  .func = "main.f", .lookup_pc = TEXT + ret - 1, .ret_slot = CFA - 8,
				  .fp_slot = CFA - 16, .args = ARGS, .args_at = CFA,
				  .stop = GL_STOP_BOTTOM_GOROUTINE};
}

static void expect(const struct gl_stack_slot *s, uint64_t addr, enum gl_stack_slot_kind k)
{
	assert_int_equal(s->addr, addr);
	assert_int_equal(s->kind, k);
	assert_int_equal(s->value, 0x1000 + (addr - SP));
	assert_null(s->var); /* no DWARF */
}

static void test_index_1(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 1);
	/* varp-24 points into the stack object at sp+0: it is scanned */
	fake_poke_u64(w.ft, VARP - 24, SP + 4);
	gl_mem_flush(&w.mem);
	struct gl_uframe f = frame_f(0x51); /* the call at +0x50: index 1 */
	struct got g = {0};
	bool scanned = false;
	uint64_t unscanned = 9;
	assert_null(gl_frames_pointer_slots(&w.c, &f, 1, LO, HI, keep, &g, &scanned, &unscanned));
	assert_true(scanned);
	assert_int_equal(unscanned, 0);
	assert_int_equal(g.n, 4);
	expect(&g.s[0], SP + 8, GL_SLOT_STACK_OBJECT);
	assert_int_equal(g.s[1].addr, VARP - 24);
	assert_int_equal(g.s[1].value, SP + 4);
	assert_int_equal(g.s[1].kind, GL_SLOT_LOCAL);
	expect(&g.s[2], VARP - 8, GL_SLOT_LOCAL);
	expect(&g.s[3], CFA + 8, GL_SLOT_ARG);
	for (size_t i = 0; i < g.n; i++) {
		assert_int_equal(g.s[i].frame, 0);
		assert_ptr_equal(g.s[i].f, &f);
	}
	close_world(&w);
}

static void test_index_0(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 1);
	struct gl_uframe f = frame_f(0x11); /* the call at +0x10: index 0 */
	struct got g = {0};
	assert_null(gl_frames_pointer_slots(&w.c, &f, 1, LO, HI, keep, &g, NULL, NULL));
	/* varp-32 holds no pointer into the stack object: not scanned */
	assert_int_equal(g.n, 2);
	expect(&g.s[0], VARP - 32, GL_SLOT_LOCAL);
	expect(&g.s[1], CFA, GL_SLOT_ARG);
	close_world(&w);
}

/* A return address at +0x40 follows a call in index 0's range: the map is
 * looked up at pc-1, as getStackMap does; a pc where the thread is (the
 * debugger's frame 0) is looked up as it is. */
static void test_return_address_at_boundary(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 1);
	struct gl_uframe f = frame_f(0x40);
	struct got g = {0};
	assert_null(gl_frames_pointer_slots(&w.c, &f, 1, LO, HI, keep, &g, NULL, NULL));
	assert_int_equal(g.n, 2);
	expect(&g.s[0], VARP - 32, GL_SLOT_LOCAL);
	f.exact_pc = true;
	g.n = 0;
	assert_null(gl_frames_pointer_slots(&w.c, &f, 1, LO, HI, keep, &g, NULL, NULL));
	assert_int_equal(g.n, 3);
	expect(&g.s[0], VARP - 24, GL_SLOT_LOCAL);
	close_world(&w);
}

/* A frame of runtime.asyncPreempt and the frame it interrupted are
 * scanned word by word (mgcmark.go: state.conservative), arguments too;
 * the interrupted frame's stack map is not used. */
static void test_async_preempted(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 1);
	struct gl_uframe fr[2] = {frame_f(0x51), frame_f(0x51)};
	/* (its pc is in main.f here: only its name and extent matter) */
	fr[0].func = "runtime.asyncPreempt";
	fr[0].sp = SP - 64;
	fr[0].cfa = SP;
	fr[0].size = 56;
	fr[0].level = 0;
	fr[0].exact_pc = true;
	fr[1].level = 2;
	struct got g = {0};
	assert_null(gl_frames_pointer_slots(&w.c, fr, 2, LO, HI, keep, &g, NULL, NULL));
	/* [sp, varp) of each, and their argument areas: asyncPreempt's 16
	 * bytes are the first words of main.f's frame, listed once */
	assert_int_equal(g.n, 6 + 6 + 2);
	for (size_t i = 0; i < g.n; i++)
		assert_int_equal(g.s[i].kind, GL_SLOT_CONSERVATIVE);
	assert_int_equal(g.s[0].addr, SP - 64);
	assert_int_equal(g.s[5].addr, SP - 24);
	assert_int_equal(g.s[6].addr, SP);
	assert_int_equal(g.s[6].frame, 0);
	assert_int_equal(g.s[8].addr, SP + 16);
	assert_int_equal(g.s[8].frame, 1);
	assert_int_equal(g.s[13].addr, CFA + 8);
	close_world(&w);
}

/* Above runtime.sigpanic a function without a deferreturn call is dead
 * (stkframe.go: continpc 0): scanned, no slots. */
static void test_dead_after_fault(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 1);
	struct gl_uframe fr[2] = {{.func = "runtime.sigpanic", .size = 0, .on = GL_ON_G0}, frame_f(0x51)};
	struct got g = {0};
	bool scanned[2] = {true, false};
	assert_null(gl_frames_pointer_slots(&w.c, fr, 2, LO, HI, keep, &g, scanned, NULL));
	assert_false(scanned[0]); /* not on the goroutine's stack */
	assert_true(scanned[1]);
	assert_int_equal(g.n, 0);
	close_world(&w);
}

/* An index the maps do not have (2 of 2): the frame is not scanned, and
 * counted. */
static void test_index_out_of_range(void **state)
{
	(void)state;
	struct world w;
	open_world(&w, 2);
	struct gl_uframe f = frame_f(0x51);
	struct got g = {0};
	bool scanned = true;
	uint64_t unscanned = 0;
	assert_null(gl_frames_pointer_slots(&w.c, &f, 1, LO, HI, keep, &g, &scanned, &unscanned));
	assert_false(scanned);
	assert_int_equal(unscanned, 1);
	assert_int_equal(g.n, 0);
	close_world(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_1),
		cmocka_unit_test(test_index_0),
		cmocka_unit_test(test_return_address_at_boundary),
		cmocka_unit_test(test_async_preempted),
		cmocka_unit_test(test_dead_after_fault),
		cmocka_unit_test(test_index_out_of_range),
	};
	return cmocka_run_group_tests_name("stackslots", tests, NULL, NULL);
}
