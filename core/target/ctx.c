/* The context helpers every layer above uses: the executable, loaded once
 * and kept while the debugger's executable stays the same, and the check
 * that there is memory to read. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "target/ctx.h"

/* Read-only, file-backed sections of the executable are the same in the
 * process; cores written without them still have them here. */
static bool read_from_executable(void *arg, uint64_t addr, void *buf, uint64_t len)
{
	const struct gl_target *t = arg;
	const struct gl_elf_section *sec = gl_elf_section_at(&t->elf, addr);
	if (!sec || (sec->flags & 1 /* SHF_WRITE */) || sec->type == 8 /* SHT_NOBITS */)
		return false;
	/* (no error formatted for a read that fails: corrupt pointers make
	 * many) */
	return gl_elf_try_read_vaddr(&t->elf, addr, buf, len);
}

static bool has_process(const struct gl_ctx *c)
{
	return c->be->has_process && c->be->has_process(c->be->ctx);
}

/* Where the debugger loaded the executable, once per command, before
 * anything is read: the target's readers relocate every link-time address
 * with it (gl_target_set_bias), so relocation happens in one place, where
 * addresses leave the executable's model, and every layer above works in
 * the process's addresses only. The parsed executable is kept across runs;
 * the bias is not, it is taken afresh. A fixed-address executable has none;
 * without a process the file's addresses are the ones shown. */
static void take_bias(struct gl_ctx *c, struct gl_target *t)
{
	uint64_t bias = 0;
	if (c->bias_taken)
		return;
	c->bias_taken = true;
	if (t->elf.pie && has_process(c) &&
	    (c->be->version < 3 || !c->be->load_bias ||
	     c->be->load_bias(c->be->ctx, &bias) != GL_BACKEND_OK)) {
		c->bias_unknown = true;
		bias = 0;
	}
	gl_target_set_bias(t, bias);
}

struct gl_error *gl_ctx_target(struct gl_ctx *c, struct gl_target **out)
{
	char path[4096];
	if (!c->be->executable_path ||
	    c->be->executable_path(c->be->ctx, path, sizeof(path)) != GL_BACKEND_OK || !path[0])
		return gl_error_create(GL_ERR_EXECUTABLE, "no executable loaded in the debugger");
	if (!*c->target_slot || !gl_target_is_current(*c->target_slot, path)) {
		gl_target_destroy(*c->target_slot);
		*c->target_slot = NULL;
		c->mem->file_fallback = NULL;
		struct gl_error *err = gl_target_open(path, &*c->target_slot);
		if (err)
			return err;

		gl_mem_flush(c->mem);
		c->mem->file_fallback = read_from_executable;
		c->mem->file_fallback_arg = *c->target_slot;
		c->bias_taken = false; /* a new executable: its own bias */
	}
	/* kept all the same: the next command need not parse it again */
	if (!gl_target_is_go(*c->target_slot))
		return gl_error_create(GL_ERR_UNSUPPORTED, "%s is not a Go program (no Go pclntab, no Go "
				       "build info)", path);
	*out = c->t = *c->target_slot;
	/* a 32-bit process's addresses wrap at 4 GiB, as GDB reads them
	 * (LLDB would fail an address computed past it) */
	c->mem->addr_mask = c->t->ptr_size == 4 ? 0xffffffffull : 0;
	take_bias(c, c->t);
	return NULL;
}

struct gl_error *gl_ctx_need_process(struct gl_ctx *c)
{
	if (!has_process(c))
		return gl_error_create(GL_ERR_NOPROCESS,
				       "no process: run the program or load a core file first");
	/* Without the load bias every address of a position-independent
	 * executable would be wrong: say so rather than read wrong memory. */
	if (c->t && c->bias_unknown)
		return gl_error_create(GL_ERR_UNSUPPORTED,
				       "%s is a position-independent executable (-buildmode=pie) and the "
				       "debugger does not tell where it is loaded", c->t->path);
	return NULL;
}

/* ---- output while the command runs --------------------------------------- */

/* About a megabyte: few calls into the debugger, little held at once. */
#define OUT_CHUNK (1u << 20)

static bool can_write(const struct gl_ctx *c)
{
	return c->be && c->be->version >= 4 && c->be->write_output;
}

void gl_out_flush(struct gl_ctx *c)
{
	if (!c->stream || c->out.len < OUT_CHUNK || c->out.oom || !can_write(c))
		return;
	if (c->be->write_output(c->be->ctx, c->out.s, c->out.len, GL_OUT_RESULT) != GL_BACKEND_OK) {
		c->stream = false; /* the rest, this chunk included, comes in *out */
		return;
	}
	sb_truncate(&c->out, 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define PROGRESS_FIRST_NS 500000000ull
#define PROGRESS_EVERY_NS 200000000ull

void gl_progress_begin(struct gl_ctx *c)
{
	c->progress_next_ns = now_ns() + PROGRESS_FIRST_NS;
}

void gl_progress(struct gl_ctx *c, const char *what, uint64_t done, uint64_t total)
{
	if (!c->progress || !can_write(c) || ++c->progress_calls % 64)
		return;
	uint64_t now = now_ns();
	if (now < c->progress_next_ns)
		return;
	c->progress_next_ns = now + PROGRESS_EVERY_NS;
	char line[160];
	int n;
	if (total)
		n = snprintf(line, sizeof(line), "\rgolayout: %s: %llu of %llu (%llu%%) - Ctrl-C stops\033[K",
			     what, (unsigned long long)done, (unsigned long long)total,
			     (unsigned long long)(done < total ? done * 100 / total : 100));
	else
		n = snprintf(line, sizeof(line), "\rgolayout: %s: %llu - Ctrl-C stops\033[K", what,
			     (unsigned long long)done);
	if (n > 0 && (size_t)n < sizeof(line) &&
	    c->be->write_output(c->be->ctx, line, (size_t)n, GL_OUT_PROGRESS) == GL_BACKEND_OK)
		c->progress_shown = true;
}

void gl_progress_end(struct gl_ctx *c)
{
	static const char erase[] = "\r\033[K";
	if (c->progress_shown && can_write(c))
		c->be->write_output(c->be->ctx, erase, sizeof(erase) - 1, GL_OUT_PROGRESS);
	c->progress_shown = false;
}
