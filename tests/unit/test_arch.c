/* The arch descriptions (core/base/arch.c) and the ELF reader on both
 * classes: minimal ELF32 and ELF64 files written here, read back by
 * gl_elf_open, and the arch chosen from their machine; Go's alignment
 * rules per pointer size (unsafe.Alignof on amd64 and 386); a real 386
 * Go binary (build-testdata.sh: structs-386), its pclntab read with
 * 4-byte header words and checked against its DWARF; the signal-frame
 * offsets against this (x86-64) host's own ucontext and siginfo, and
 * their reading from a synthetic kernel signal frame on each machine. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/arch.h"
#include "fake_target.h"
#include "target/elffile.h"
#include "target/target.h"
#include "target/types.h"
#include "gotypes/struct_layout.h"
#include "runtime/sigframe.h"
#include "runtime/unwind.h"
#include "target/ctx.h"

/* A file of: header, ".data" (8 bytes at vaddr 0x1000), the section name
 * table, and three section headers (null, .data, .shstrtab). */
static const char names[] = "\0.data\0.shstrtab";
static const unsigned char payload[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static void write_elf(const char *path, bool is64, uint16_t machine)
{
	unsigned char buf[512] = {0};
	size_t eh = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t data_off = eh, names_off = data_off + sizeof(payload);
	size_t sh_off = (names_off + sizeof(names) + 7) & ~(size_t)7;
	memcpy(buf + data_off, payload, sizeof(payload));
	memcpy(buf + names_off, names, sizeof(names));
	struct { uint32_t name, type; uint64_t flags, addr, off, size; } sh[3] = {
		{0, SHT_NULL, 0, 0, 0, 0},
		{1, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x1000, data_off, sizeof(payload)},
		{7, SHT_STRTAB, 0, 0, names_off, sizeof(names)},
	};
	size_t shsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	for (int i = 0; i < 3; i++) {
		unsigned char *p = buf + sh_off + i * shsize;
		if (is64) {
			Elf64_Shdr s = {.sh_name = sh[i].name, .sh_type = sh[i].type, .sh_flags = sh[i].flags,
					.sh_addr = sh[i].addr, .sh_offset = sh[i].off, .sh_size = sh[i].size};
			memcpy(p, &s, sizeof(s));
		} else {
			Elf32_Shdr s = {.sh_name = sh[i].name, .sh_type = sh[i].type,
					.sh_flags = (uint32_t)sh[i].flags, .sh_addr = (uint32_t)sh[i].addr,
					.sh_offset = (uint32_t)sh[i].off, .sh_size = (uint32_t)sh[i].size};
			memcpy(p, &s, sizeof(s));
		}
	}
	unsigned char ident[EI_NIDENT] = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
					  is64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB, EV_CURRENT};
	if (is64) {
		Elf64_Ehdr h = {.e_type = ET_EXEC, .e_machine = machine, .e_version = EV_CURRENT,
				.e_shoff = sh_off, .e_ehsize = sizeof(h), .e_shentsize = sizeof(Elf64_Shdr),
				.e_shnum = 3, .e_shstrndx = 2};
		memcpy(h.e_ident, ident, EI_NIDENT);
		memcpy(buf, &h, sizeof(h));
	} else {
		Elf32_Ehdr h = {.e_type = ET_EXEC, .e_machine = machine, .e_version = EV_CURRENT,
				.e_shoff = (uint32_t)sh_off, .e_ehsize = sizeof(h),
				.e_shentsize = sizeof(Elf32_Shdr), .e_shnum = 3, .e_shstrndx = 2};
		memcpy(h.e_ident, ident, EI_NIDENT);
		memcpy(buf, &h, sizeof(h));
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, sh_off + 3 * shsize, f), sh_off + 3 * shsize);
	fclose(f);
}

static void check_file(bool is64, uint16_t machine, const char *goarch, unsigned ptr_size,
		       const char *sp, const char *pc)
{
	char path[] = "/tmp/golayout-test-elf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_elf(path, is64, machine);
	struct gl_elf elf;
	struct gl_error *err = gl_elf_open(path, &elf);
	unlink(path);
	assert_null(err);
	assert_int_equal(elf.ptr_size, ptr_size);
	assert_int_equal(elf.machine, machine);
	assert_false(elf.pie);
	const struct gl_elf_section *s = gl_elf_section(&elf, ".data");
	assert_non_null(s);
	assert_int_equal(s->addr, 0x1000);
	unsigned char got[4];
	assert_null(gl_elf_read_vaddr(&elf, 0x1002, got, 4));
	assert_memory_equal(got, payload + 2, 4);
	err = gl_elf_read_vaddr(&elf, 0x1006, got, 4); /* runs past .data */
	assert_non_null(err);
	gl_error_destroy(err);
	const struct gl_arch *a = gl_arch_for_elf_machine(elf.machine);
	assert_non_null(a);
	assert_string_equal(a->goarch, goarch);
	assert_int_equal(a->ptr_size, ptr_size);
	assert_string_equal(a->reg_sp, sp);
	assert_string_equal(a->reg_pc, pc);
	/* the DWARF numbers name the same registers */
	assert_string_equal(gl_arch_dwarf_regname(a, (uint64_t)a->dwarf_sp), sp);
	assert_string_equal(gl_arch_dwarf_regname(a, (uint64_t)a->dwarf_pc), pc);
	assert_string_equal(gl_arch_dwarf_regname(a, (uint64_t)a->dwarf_fp), a->reg_fp);
	gl_elf_close(&elf);
}

static void test_elf64_amd64(void **state)
{
	(void)state;
	check_file(true, EM_X86_64, "amd64", 8, "rsp", "rip");
}

static void test_elf32_386(void **state)
{
	(void)state;
	check_file(false, EM_386, "386", 4, "esp", "eip");
}

static void test_elf64_arm64(void **state)
{
	(void)state;
	check_file(true, EM_AARCH64, "arm64", 8, "sp", "pc");
}

/* runtime/malloc.go's maxAlloc on linux: 1<<48 on 64-bit machines,
 * 1<<32 - 1 on 32-bit ones. */
static void test_max_alloc(void **state)
{
	(void)state;
	assert_int_equal(gl_arch_max_alloc(gl_arch_for_elf_machine(EM_X86_64)), 1ull << 48);
	assert_int_equal(gl_arch_max_alloc(gl_arch_for_elf_machine(EM_AARCH64)), 1ull << 48);
	assert_int_equal(gl_arch_max_alloc(gl_arch_for_elf_machine(EM_386)), 0xffffffffull);
}

/* Where a call leaves the return address decides the CFA. */
static void test_return_address(void **state)
{
	(void)state;
	const struct gl_arch *amd64 = gl_arch_for_elf_machine(EM_X86_64);
	const struct gl_arch *i386 = gl_arch_for_elf_machine(EM_386);
	const struct gl_arch *arm64 = gl_arch_for_elf_machine(EM_AARCH64);
	assert_int_equal(amd64->ra, GL_RA_ON_STACK);
	assert_int_equal(amd64->ra_stack_bytes, 8);
	assert_null(amd64->reg_lr);
	assert_int_equal(i386->ra_stack_bytes, 4);
	assert_int_equal(arm64->ra, GL_RA_IN_LR);
	assert_int_equal(arm64->ra_stack_bytes, 0);
	assert_string_equal(arm64->reg_lr, "lr");
	assert_string_equal(gl_arch_dwarf_regname(arm64, (uint64_t)arm64->dwarf_lr), "lr");
	/* above frame 0, only SP, FP and PC are the frame's own */
	assert_true(gl_arch_reg_survives_call(amd64, 7));
	assert_true(gl_arch_reg_survives_call(amd64, 6));
	assert_true(gl_arch_reg_survives_call(amd64, 16));
	assert_false(gl_arch_reg_survives_call(amd64, 0));
	assert_false(gl_arch_reg_survives_call(arm64, 30));
	assert_null(gl_arch_dwarf_regname(amd64, 999));
	assert_null(gl_arch_for_elf_machine(EM_RISCV));
}

static void test_not_elf(void **state)
{
	(void)state;
	char path[] = "/tmp/golayout-test-elf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\177ELF\003\001", 6), 6); /* a bad class */
	close(fd);
	struct gl_elf elf;
	struct gl_error *err = gl_elf_open(path, &elf);
	unlink(path);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "not a little-endian ELF file"));
	gl_error_destroy(err);
}

/* struct { A bool; B int64; C bool } as the compiler lays it out for
 * the pointer size (DWARF gives the offsets): int64 aligns to 8 on
 * amd64, to 4 on 386, and so do the struct and its best order. */
static void check_layout(unsigned ptr_size, uint64_t off_b, uint64_t size, uint64_t align, uint64_t best)
{
	struct gl_type b = {.kind = GL_K_BOOL, .name = "bool", .size = 1};
	struct gl_type i64 = {.kind = GL_K_INT64, .name = "int64", .size = 8};
	struct gl_type f64 = {.kind = GL_K_FLOAT64, .name = "float64", .size = 8};
	struct gl_type c128 = {.kind = GL_K_COMPLEX128, .name = "complex128", .size = 16};
	struct gl_type ptr = {.kind = GL_K_POINTER, .name = "*int", .size = ptr_size};
	struct gl_field fields[] = {{"A", 0, &b, false}, {"B", off_b, &i64, false}, {"C", off_b + 8, &b, false}};
	struct gl_type st = {.kind = GL_K_STRUCT, .name = "main.S", .size = size, .fields = fields, .nfields = 3};
	assert_int_equal(gl_type_align(&i64, ptr_size), align);
	assert_int_equal(gl_type_align(&f64, ptr_size), align);
	assert_int_equal(gl_type_align(&c128, ptr_size), align);
	assert_int_equal(gl_type_align(&ptr, ptr_size), ptr_size);
	assert_int_equal(gl_type_align(&st, ptr_size), align);
	struct gl_struct_layout l;
	assert_null(gl_struct_layout(&st, ptr_size, &l));
	assert_int_equal(l.align, align);
	assert_int_equal(l.field_align[1], align);
	assert_int_equal(l.padding_bytes, size - 10);
	assert_int_equal(l.best_size, best);
	assert_int_equal(l.best_order[0], 1); /* B first */
	gl_struct_layout_deinit(&l);
}

static void test_alignment(void **state)
{
	(void)state;
	check_layout(8, 8, 24, 8, 16);
	check_layout(4, 4, 16, 4, 12);
}

/* The target of a test program build-testdata.sh makes (missing: fails). */
static struct gl_target *open_testdata(const char *name)
{
	const char *path = fake_testdata(name);
	if (!path)
		fail_msg("no %s: run tests/unit/build-testdata.sh", name);
	struct gl_target *t = NULL;
	struct gl_error *err = gl_target_open(path, &t);
	if (err)
		fail_msg("gl_target_open: %s", err->message);
	assert_non_null(t->arch);
	return t;
}

/* Every function the 386 binary's DWARF knows at a PC, the pclntab names
 * too, with the same entry: the header's fields are 4 bytes there. */
static void test_pclntab_386(void **state)
{
	(void)state;
	struct gl_target *t = open_testdata("structs-386");
	assert_int_equal(t->arch->id, GL_ARCH_386);
	assert_int_equal(t->ptr_size, 4);
	assert_true(t->has_pcln);
	assert_int_equal(t->pcln.ptr_size, 4);
	assert_non_null(t->dw);
	const struct gl_elf_section *text = gl_elf_section(&t->elf, ".text");
	assert_non_null(text);
	int compared = 0;
	for (uint64_t pc = text->addr; pc < text->addr + text->size; pc += 97) {
		const struct gl_func *d = gl_dwarf_func_at(t->dw, pc);
		struct gl_pcfunc f;
		if (!d)
			continue;
		if (!gl_pclntab_func(&t->pcln, pc, &f))
			fail_msg("pc 0x%llx: DWARF has %s, the pclntab nothing", (unsigned long long)pc, d->name);
		if (strcmp(f.name, d->name) || f.entry != d->lo)
			fail_msg("pc 0x%llx: pclntab %s at 0x%llx, DWARF %s at 0x%llx", (unsigned long long)pc,
				 f.name, (unsigned long long)f.entry, d->name, (unsigned long long)d->lo);
		compared++;
	}
	assert_true(compared > 1000);
	gl_target_destroy(t);
}

/* The function named name of t (scanning .text instruction by
 * instruction: the pclntab has no lookup by name), into *f. */
static void find_func(struct gl_target *t, const char *name, struct gl_pcfunc *f)
{
	const struct gl_elf_section *text = gl_elf_section(&t->elf, ".text");
	assert_non_null(text);
	for (uint64_t pc = text->addr; pc < text->addr + text->size; pc += 4)
		if (gl_pclntab_func(&t->pcln, pc, f) && !strcmp(f->name, name))
			return;
	fail_msg("no function %s", name);
}

/* A PC inside f where its frame is open (the largest pcsp value): where a
 * call in f returns to, as far as the unwinder is concerned. */
static uint64_t pc_in_frame(struct gl_target *t, const struct gl_pcfunc *f, int64_t *size)
{
	uint64_t best = 0;
	*size = -1;
	for (uint64_t pc = f->entry; pc < f->entry + 4096; pc += 4) {
		struct gl_pcfunc g;
		if (!gl_pclntab_func(&t->pcln, pc, &g) || g.entry != f->entry)
			break;
		int64_t d = gl_pclntab_spdelta(&t->pcln, f, pc);
		if (d > *size) {
			*size = d;
			best = pc;
		}
	}
	assert_true(*size > 0);
	return best + 4; /* a return address: the instruction after a call */
}

/* Link-register unwinding on the arm64 build of the structs program, over
 * a stack built by hand: main.stopHere is frameless (its return address
 * is still in LR), main.level3 and main.level2 spilled LR at 0(SP) in
 * their prologues and saved the frame pointer just below SP
 * (runtime/traceback.go, usesLR; cmd/internal/obj/arm64/obj7.go). */
static void test_unwind_arm64(void **state)
{
	(void)state;
	struct gl_target *t = open_testdata("structs-arm64");
	assert_int_equal(t->arch->id, GL_ARCH_ARM64);
	struct gl_pcfunc stop, l3, l2;
	find_func(t, "main.stopHere", &stop);
	find_func(t, "main.level3", &l3);
	find_func(t, "main.level2", &l2);
	assert_int_equal(gl_pclntab_spdelta(&t->pcln, &stop, stop.entry), 0);
	int64_t s3, s2;
	uint64_t r3 = pc_in_frame(t, &l3, &s3), r2 = pc_in_frame(t, &l2, &s2);

	const uint64_t lo = 0x4000000000ull, hi = lo + 0x10000, sp0 = lo + 0x1000;
	uint64_t sp2 = sp0 + (uint64_t)s3;
	struct fake_target *ft = fake_new();
	fake_map_pattern(ft, lo, hi - lo);
	fake_poke_u64(ft, sp0, r2);     /* level3's saved LR: into level2 */
	fake_poke_u64(ft, sp2, 0);      /* level2's: the end */
	struct gl_mem mem;
	gl_mem_init(&mem);
	gl_mem_begin(&mem, fake_backend(ft));
	struct gl_ctx c = {.t = t, .mem = &mem, .be = fake_backend(ft)};

	/* LR known (the debugger's, at frame 0) */
	struct gl_uframe *fr = NULL;
	size_t n = 0;
	assert_null(gl_unwind(&c, stop.entry, sp0, r3, 0, lo, hi, &fr, &n));
	assert_int_equal(n, 3);
	assert_string_equal(fr[0].func, "main.stopHere");
	assert_int_equal(fr[0].size, 0);
	assert_int_equal(fr[0].cfa, sp0);
	assert_int_equal(fr[0].ret_slot, 0); /* still in LR */
	assert_int_equal(fr[0].fp_slot, 0);
	assert_string_equal(fr[1].func, "main.level3");
	assert_int_equal(fr[1].pc, r3);
	assert_int_equal(fr[1].sp, sp0);
	assert_int_equal(fr[1].cfa, sp2);
	assert_int_equal(fr[1].ret_slot, sp0);
	assert_int_equal(fr[1].fp_slot, sp0 - 8);
	assert_string_equal(fr[2].func, "main.level2");
	assert_int_equal(fr[2].sp, sp2);
	assert_int_equal(fr[2].cfa, sp2 + (uint64_t)s2);
	assert_int_equal(fr[2].ret_slot, sp2);
	assert_int_equal(fr[2].stop, GL_STOP_RET_ZERO);
	free(fr);

	/* LR unknown (a goroutine parked with g.sched.lr 0): as Go's
	 * traceback, the frameless function's return address is read at
	 * 0(SP) (here level3's saved LR, so level3 is skipped) */
	assert_null(gl_unwind(&c, stop.entry, sp0, 0, -1, lo, hi, &fr, &n));
	assert_true(n >= 2);
	assert_int_equal(fr[0].ret_slot, sp0);
	assert_string_equal(fr[1].func, "main.level2");
	assert_int_equal(fr[1].sp, sp0);
	free(fr);

	/* an outer frame that is frameless is not trusted with cfa == sp:
	 * a loop on one slot would never end */
	fake_poke_u64(ft, sp0, stop.entry + 4);
	gl_mem_flush(&mem);
	assert_null(gl_unwind(&c, stop.entry, sp0, 0, -1, lo, hi, &fr, &n));
	assert_int_equal(n, 2);
	assert_int_equal(fr[1].stop, GL_STOP_LEAVES_STACK);
	free(fr);

	gl_mem_end(&mem);
	gl_mem_deinit(&mem);
	fake_free(ft);
	gl_target_destroy(t);
}

#if defined(__x86_64__)
/* amd64's signal frame against the host's headers: glibc's ucontext_t
 * starts as the kernel's (uc_flags, uc_link, uc_stack, then the
 * sigcontext's general registers in the order of REG_*), the kernel's
 * ucontext is those and struct sigcontext and an 8-byte sigset, and the
 * kernel's rt_sigframe puts siginfo right after it. */
static void test_sigframe_amd64_headers(void **state)
{
	(void)state;
	const struct gl_sigframe *f = &gl_arch_for_elf_machine(EM_X86_64)->sigframe;
	size_t gregs = offsetof(ucontext_t, uc_mcontext.gregs);
	assert_int_equal(f->mc_pc, gregs + REG_RIP * 8);
	assert_int_equal(f->mc_sp, gregs + REG_RSP * 8);
	assert_int_equal(f->mc_fp, gregs + REG_RBP * 8);
	assert_int_equal(f->uc_at, 0);
	assert_int_equal(f->info_at, gregs + sizeof(struct sigcontext) + 8);
	assert_int_equal(f->info_addr, offsetof(siginfo_t, si_addr));
}
#endif

/* A kernel signal frame, as each machine lays it out, below a
 * runtime.sigtramp frame whose CFA is cfa: the interrupted registers,
 * the signal and its address come back. */
static void sigframe_case(uint16_t machine)
{
	struct gl_target t = {0};
	t.arch = gl_arch_for_elf_machine(machine);
	t.ptr_size = t.arch->ptr_size;
	t.goarch = t.arch->goarch;
	const struct gl_sigframe *f = &t.arch->sigframe;
	const uint64_t lo = 0x10000, cfa = lo + 0x100, w = t.arch->ptr_size;
	struct fake_target *ft = fake_new();
	fake_map(ft, lo, NULL, 0x1000);
	uint64_t uc = cfa + (uint64_t)f->uc_at, info = cfa + (uint64_t)f->info_at;
	if (f->uc_ptr_at >= 0) {
		uc = lo + 0x600;
		info = lo + 0x500;
		fake_poke(ft, cfa + (uint64_t)f->uc_ptr_at, &uc, w);
		fake_poke(ft, cfa + (uint64_t)f->info_ptr_at, &info, w);
	}
	const uint64_t pc = 0x4a1b2c, sp = 0xc000123450, fp = 0xc000123480, lr = 0x4a0000, addr = 0x18;
	uint64_t spw = w == 4 ? (uint32_t)sp : sp, fpw = w == 4 ? (uint32_t)fp : fp;
	fake_poke(ft, uc + (uint64_t)f->mc_pc, &pc, w);
	fake_poke(ft, uc + (uint64_t)f->mc_sp, &spw, w);
	fake_poke(ft, uc + (uint64_t)f->mc_fp, &fpw, w);
	if (f->mc_lr >= 0)
		fake_poke(ft, uc + (uint64_t)f->mc_lr, &lr, w);
	uint32_t signo = 11;
	fake_poke(ft, info, &signo, 4);
	fake_poke(ft, info + f->info_addr, &addr, w);
	struct gl_mem mem;
	gl_mem_init(&mem);
	gl_mem_begin(&mem, fake_backend(ft));
	struct gl_ctx c = {.t = &t, .mem = &mem, .be = fake_backend(ft)};
	struct gl_uframe u = {.func = "runtime.sigtramp", .cfa = cfa, .size = 0x40};
	struct gl_sigctx sc;
	assert_null(gl_sigframe_read(&c, &u, &sc));
	assert_int_equal(sc.uc, uc);
	assert_int_equal(sc.pc, pc);
	assert_int_equal(sc.sp, spw);
	assert_int_equal(sc.fp, fpw);
	assert_int_equal(sc.lr, f->mc_lr >= 0 ? lr : 0);
	assert_int_equal(sc.signo, 11);
	assert_int_equal(sc.addr, addr);
	assert_string_equal(gl_signal_name(sc.signo), "SIGSEGV");
	/* a frame whose size is unknown has no CFA to find it by; an
	 * unreadable one is an error */
	u.size = -1;
	struct gl_error *err = gl_sigframe_read(&c, &u, &sc);
	assert_non_null(err);
	gl_error_destroy(err);
	u.size = 0x40;
	u.cfa = 0x900000;
	err = gl_sigframe_read(&c, &u, &sc);
	assert_non_null(err);
	gl_error_destroy(err);
	gl_mem_end(&mem);
	gl_mem_deinit(&mem);
	fake_free(ft);
}

static void test_sigframe_read(void **state)
{
	(void)state;
	sigframe_case(EM_X86_64);
	sigframe_case(EM_386);
	sigframe_case(EM_AARCH64);
	assert_null(gl_signal_name(0));
	assert_null(gl_signal_name(64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64_amd64),
		cmocka_unit_test(test_elf32_386),
		cmocka_unit_test(test_elf64_arm64),
		cmocka_unit_test(test_return_address),
		cmocka_unit_test(test_max_alloc),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_pclntab_386),
		cmocka_unit_test(test_unwind_arm64),
#if defined(__x86_64__)
		cmocka_unit_test(test_sigframe_amd64_headers),
#endif
		cmocka_unit_test(test_sigframe_read),
	};
	return cmocka_run_group_tests_name("arch", tests, NULL, NULL);
}
