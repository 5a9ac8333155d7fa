#include <string.h>

#include "runtime/sigframe.h"

/* Linux's numbers (asm-generic/signal.h; x86 and arm64 share them). */
const char *gl_signal_name(uint32_t signo)
{
	static const char *const names[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
		"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
		"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
		"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};
	return signo < sizeof(names) / sizeof(names[0]) ? names[signo] : NULL;
}

/* A word at base+off, or at the address the word at base+ptr_at holds
 * (ptr_at >= 0) plus off. */
static struct gl_error *locate(struct gl_ctx *c, uint64_t base, int16_t ptr_at, int16_t off, uint64_t *at)
{
	if (ptr_at < 0) {
		*at = base + (uint64_t)off;
		return NULL;
	}
	struct gl_error *err = gl_target_read_word(c->t, c->mem, base + (uint64_t)ptr_at, at);
	*at += (uint64_t)off;
	return err;
}

static struct gl_error *reg(struct gl_ctx *c, uint64_t uc, int16_t off, uint64_t *v)
{
	*v = 0;
	return off < 0 ? NULL : gl_target_read_word(c->t, c->mem, uc + (uint64_t)off, v);
}

struct gl_error *gl_sigframe_read(struct gl_ctx *c, const struct gl_uframe *u, struct gl_sigctx *out)
{
	memset(out, 0, sizeof(*out));
	const struct gl_arch *a = c->t->arch;
	if (!a || !a->sigframe.ok)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of %s signal frames",
				       c->t->goarch);
	if (u->size < 0)
		return gl_error_create(GL_ERR_UNSUPPORTED, "runtime.sigtramp's frame size is unknown");
	const struct gl_sigframe *f = &a->sigframe;
	uint64_t info, signo_word;
	struct gl_error *err;
	if ((err = locate(c, u->cfa, f->uc_ptr_at, f->uc_at, &out->uc)) ||
	    (err = locate(c, u->cfa, f->info_ptr_at, f->info_at, &info)) ||
	    (err = reg(c, out->uc, f->mc_pc, &out->pc)) || (err = reg(c, out->uc, f->mc_sp, &out->sp)) ||
	    (err = reg(c, out->uc, f->mc_fp, &out->fp)) || (err = reg(c, out->uc, f->mc_lr, &out->lr)) ||
	    (err = gl_target_read_word(c->t, c->mem, info, &signo_word)) ||
	    (err = gl_target_read_word(c->t, c->mem, info + f->info_addr, &out->addr)))
		return err;
	/* si_signo is the first int of siginfo (little-endian) */
	out->signo = (uint32_t)signo_word;
	return NULL;
}
