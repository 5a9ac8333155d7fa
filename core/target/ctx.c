/* The context helpers every layer above uses: the executable, loaded once
 * and kept while the debugger's executable stays the same, and the check
 * that there is memory to read. */
#include <stdio.h>
#include <string.h>

#include "target/ctx.h"

/* Read-only, file-backed sections of the executable are the same in the
 * process; cores written without them still have them here. */
static bool read_from_executable(void *arg, uint64_t addr, void *buf, uint64_t len)
{
	const struct gl_target *t = arg;
	const struct gl_elf_section *sec = gl_elf_section_at(&t->elf, addr);
	if (!sec || (sec->flags & 1 /* SHF_WRITE */) || sec->type == 8 /* SHT_NOBITS */)
		return false;
	struct gl_error *err = gl_elf_read_vaddr(&t->elf, addr, buf, len);
	gl_error_destroy(err);
	return err == NULL;
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
	}
	/* kept all the same: the next command need not parse it again */
	if (!gl_target_is_go(*c->target_slot))
		return gl_error_create(GL_ERR_UNSUPPORTED, "%s is not a Go program (no Go pclntab, no Go "
				       "build info)", path);
	*out = c->t = *c->target_slot;
	return NULL;
}

struct gl_error *gl_ctx_need_process(struct gl_ctx *c)
{
	if (!c->be->has_process || !c->be->has_process(c->be->ctx))
		return gl_error_create(GL_ERR_NOPROCESS,
				       "no process: run the program or load a core file first");
	/* The core maps DWARF addresses to memory one to one; a position-
	 * independent executable would need the load bias, which the backend
	 * does not give yet. Say so rather than read the wrong memory. */
	if (c->t && c->t->elf.pie)
		return gl_error_create(GL_ERR_UNSUPPORTED,
				       "%s is a position-independent executable (-buildmode=pie): not supported "
				       "yet; build with -buildmode=exe", c->t->path);
	return NULL;
}
