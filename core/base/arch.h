/* The machine a Go binary was built for, as golayout needs it: word size,
 * the debugger's names of the stack, program, frame and link registers,
 * DWARF's register numbering, and where a call leaves the return address.
 * Chosen once per executable from its ELF machine (target.c); every reader
 * of registers or words asks here instead of spelling "rsp" or 8. */
#ifndef GL_ARCH_H
#define GL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gl_arch_id {
	GL_ARCH_AMD64,
	GL_ARCH_386,
	GL_ARCH_ARM64,
};

/* Where CALL leaves the return address. */
enum gl_ra_convention {
	GL_RA_ON_STACK, /* pushed by CALL (x86): the CFA is SP + frame + ptr_size */
	GL_RA_IN_LR,    /* in the link register (arm64): the callee spills it */
};

/* Linux's signal frame as runtime.sigtramp, the handler the kernel
 * enters, finds it (the kernel's rt_sigframe, ucontext and sigcontext:
 * arch/x86/include/asm/sigframe.h, uapi asm/sigcontext.h, arm64's
 * uapi asm/ucontext.h), as offsets from sigtramp's CFA: the stack
 * pointer the kernel entered it with (after the return address on x86).
 * uc_ptr_at/info_ptr_at >= 0: the word there points at the ucontext /
 * siginfo (386's frame passes pointers), else uc_at/info_at are the
 * offsets themselves. mc_*: the interrupted registers in the ucontext
 * (-1: none). ok false: golayout does not read this machine's frame. */
struct gl_sigframe {
	bool ok;
	int16_t uc_ptr_at, uc_at, info_ptr_at, info_at;
	int16_t mc_pc, mc_sp, mc_fp, mc_lr;
	uint8_t info_addr; /* siginfo's si_addr (after si_signo, si_errno, si_code) */
};

struct gl_arch {
	enum gl_arch_id id;
	const char *goarch;   /* GOARCH spelling: "amd64", "386", "arm64" */
	uint16_t elf_machine; /* EM_* */
	uint8_t ptr_size;     /* goarch.PtrSize */
	/* Register names as gdb and lldb both accept them. lr is NULL when
	 * the return address is on the stack. */
	const char *reg_sp, *reg_pc, *reg_fp, *reg_lr;
	/* DWARF register numbers of the same (-1: none), and the numbering. */
	int dwarf_sp, dwarf_fp, dwarf_pc, dwarf_lr;
	const char *const *dwarf_regs;
	size_t ndwarf_regs;
	enum gl_ra_convention ra;
	/* Bytes between a callee's CFA and its caller's SP at the call:
	 * the return address CALL pushed (x86), none on arm64. */
	uint8_t ra_stack_bytes;
	uint8_t stack_align;    /* SP alignment at a call (ABI) */
	uint8_t min_frame_size; /* Go's sys.MinFrameSize: the saved LR slot on LR machines */
	/* Go's register ABI (ABIInternal, abi_*.h and cmd/compile's ABI doc):
	 * the integer argument and result registers in order; none (0) where
	 * Go passes arguments on the stack (386). reg_g: the register holding
	 * the current goroutine's g (NULL where it lives in TLS). */
	const char *const *int_arg_regs;
	size_t nint_arg_regs;
	const char *reg_g;
	struct gl_sigframe sigframe; /* linux */
	/* runtime/malloc.go heapAddrBits on linux: the largest allocation,
	 * maxAlloc, is 2^bits (less one on 32-bit machines) */
	uint8_t heap_addr_bits;
};

/* The description for an ELF e_machine, or NULL when golayout knows none. */
const struct gl_arch *gl_arch_for_elf_machine(uint16_t machine);
/* A DWARF register number's name for the debugger, or NULL. */
const char *gl_arch_dwarf_regname(const struct gl_arch *a, uint64_t regno);
/* Whether a register's value in a caller's frame (above frame 0) is the
 * one its frame had: the debugger unwinds SP, FP and PC; Go's ABI saves
 * no other register across calls. */
bool gl_arch_reg_survives_call(const struct gl_arch *a, uint64_t regno);
/* The runtime's maxAlloc: no make() allocates more (makechan, makeslice,
 * mallocgc panic first), so a header that claims more is corrupt. */
uint64_t gl_arch_max_alloc(const struct gl_arch *a);

#endif
