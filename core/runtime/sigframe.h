/* The registers a signal interrupted, from the frame the kernel built for
 * the handler (linux): where an unwinder that reached runtime.sigtramp,
 * the handler the runtime installs, goes on. The layout is the
 * machine's (base/arch.h, gl_sigframe); which function is the handler
 * is Go's (unwind.c: GL_STOP_SIGNAL). */
#ifndef GL_SIGFRAME_H
#define GL_SIGFRAME_H

#include <stdint.h>

#include "runtime/unwind.h"

struct gl_sigctx {
	uint32_t signo;
	uint64_t addr; /* siginfo's si_addr: the faulting address of SIGSEGV, SIGBUS, SIGFPE */
	uint64_t pc;   /* the interrupted (or faulting) instruction: no return address */
	uint64_t sp, fp;
	uint64_t lr;   /* LR machines; 0 elsewhere */
	uint64_t uc;   /* where the ucontext is */
};

/* The context saved below the frame of runtime.sigtramp u (its CFA is
 * the stack pointer the kernel entered it with). An error when the
 * machine's frame is not known or cannot be read. */
struct gl_error *gl_sigframe_read(struct gl_ctx *c, const struct gl_uframe *u, struct gl_sigctx *out);

/* "SIGSEGV", ... for Linux's signal numbers; NULL for one without a name here. */
const char *gl_signal_name(uint32_t signo);

#endif
