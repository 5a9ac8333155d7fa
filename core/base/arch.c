#include <elf.h>

#include "base/arch.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* System V AMD64 psABI, table "DWARF Register Number Mapping" (3.38). */
static const char *const amd64_regs[] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
};

/* System V i386 psABI, DWARF register numbers 0..8. */
static const char *const i386_regs[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
};

/* AADWARF64: x0..x30 are 0..30 (x29 the frame pointer, x30 the link
 * register), sp is 31, pc 32. */
static const char *const arm64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp", "lr",
	"sp", "pc",
};

/* internal/abi/abi_amd64.go: RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11. */
static const char *const amd64_args[] = {"rax", "rbx", "rcx", "rdi", "rsi", "r8", "r9", "r10", "r11"};
/* internal/abi/abi_arm64.go: R0..R15. */
static const char *const arm64_args[] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7",
					 "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15"};

static const struct gl_arch arches[] = {
	{
		.id = GL_ARCH_AMD64, .goarch = "amd64", .elf_machine = EM_X86_64, .ptr_size = 8,
		.reg_sp = "rsp", .reg_pc = "rip", .reg_fp = "rbp", .reg_lr = NULL,
		.dwarf_sp = 7, .dwarf_fp = 6, .dwarf_pc = 16, .dwarf_lr = -1,
		.dwarf_regs = amd64_regs, .ndwarf_regs = N(amd64_regs),
		.ra = GL_RA_ON_STACK, .ra_stack_bytes = 8, .stack_align = 16, .min_frame_size = 0,
		.int_arg_regs = amd64_args, .nint_arg_regs = N(amd64_args), .reg_g = "r14",
		/* rt_sigframe {pretcode; ucontext uc; siginfo info}: uc at the
		 * CFA (pretcode is sigtramp's "return address"); uc_flags,
		 * uc_link, uc_stack (24) put uc_mcontext at +40: r8..r15, rdi,
		 * rsi, rbp (+80), rbx, rdx, rax, rcx, rsp (+120), rip (+128);
		 * sigcontext is 256 bytes and uc_sigmask 8, so info is at +304 */
		.sigframe = {.ok = true, .uc_ptr_at = -1, .uc_at = 0, .info_ptr_at = -1, .info_at = 304,
			     .mc_pc = 40 + 128, .mc_sp = 40 + 120, .mc_fp = 40 + 80, .mc_lr = -1, .info_addr = 16},
		.heap_addr_bits = 48,
	},
	{
		.id = GL_ARCH_386, .goarch = "386", .elf_machine = EM_386, .ptr_size = 4,
		.reg_sp = "esp", .reg_pc = "eip", .reg_fp = "ebp", .reg_lr = NULL,
		.dwarf_sp = 4, .dwarf_fp = 5, .dwarf_pc = 8, .dwarf_lr = -1,
		.dwarf_regs = i386_regs, .ndwarf_regs = N(i386_regs),
		.ra = GL_RA_ON_STACK, .ra_stack_bytes = 4, .stack_align = 4, .min_frame_size = 0,
		/* ia32 rt_sigframe {pretcode; int sig; siginfo *pinfo; ucontext
		 * *puc; ...}: the handler's arguments at the CFA; uc_flags,
		 * uc_link, uc_stack (12) put uc_mcontext at +20: gs, fs, es, ds,
		 * edi, esi, ebp (+24), esp (+28), ebx, edx, ecx, eax, trapno,
		 * err, eip (+56) */
		.sigframe = {.ok = true, .uc_ptr_at = 8, .uc_at = 0, .info_ptr_at = 4, .info_at = 0,
			     .mc_pc = 20 + 56, .mc_sp = 20 + 28, .mc_fp = 20 + 24, .mc_lr = -1, .info_addr = 12},
		.heap_addr_bits = 32,
	},
	{
		.id = GL_ARCH_ARM64, .goarch = "arm64", .elf_machine = EM_AARCH64, .ptr_size = 8,
		.reg_sp = "sp", .reg_pc = "pc", .reg_fp = "fp", .reg_lr = "lr",
		.dwarf_sp = 31, .dwarf_fp = 29, .dwarf_pc = 32, .dwarf_lr = 30,
		.dwarf_regs = arm64_regs, .ndwarf_regs = N(arm64_regs),
		.ra = GL_RA_IN_LR, .ra_stack_bytes = 0, .stack_align = 16, .min_frame_size = 8,
		.int_arg_regs = arm64_args, .nint_arg_regs = N(arm64_args), .reg_g = "x28",
		/* rt_sigframe {siginfo info (128); ucontext uc}: the kernel
		 * enters the handler with SP at info (sigtramp's CFA); uc_flags,
		 * uc_link, uc_stack (24), uc_sigmask padded to 128 bytes, and
		 * the 16-byte alignment of sigcontext put uc_mcontext at +176:
		 * fault_address, regs[31] (x29 +240, x30 +248), sp (+256), pc
		 * (+264) */
		.sigframe = {.ok = true, .uc_ptr_at = -1, .uc_at = 128, .info_ptr_at = -1, .info_at = 0,
			     .mc_pc = 176 + 264, .mc_sp = 176 + 256, .mc_fp = 176 + 240, .mc_lr = 176 + 248,
			     .info_addr = 16},
		.heap_addr_bits = 48,
	},
};

const struct gl_arch *gl_arch_for_elf_machine(uint16_t machine)
{
	for (size_t i = 0; i < N(arches); i++)
		if (arches[i].elf_machine == machine)
			return &arches[i];
	return NULL;
}

const char *gl_arch_dwarf_regname(const struct gl_arch *a, uint64_t regno)
{
	return a && regno < a->ndwarf_regs ? a->dwarf_regs[regno] : NULL;
}

uint64_t gl_arch_max_alloc(const struct gl_arch *a)
{
	return (1ull << a->heap_addr_bits) - (a->ptr_size == 4);
}

bool gl_arch_reg_survives_call(const struct gl_arch *a, uint64_t regno)
{
	return a && ((int64_t)regno == a->dwarf_sp || (int64_t)regno == a->dwarf_fp ||
		     (int64_t)regno == a->dwarf_pc);
}
