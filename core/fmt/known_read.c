/* Reading the fields of a standard library value and the memory behind
 * them, for the known_*.c files (known_impl.h). */
#include <stdlib.h>

#include "base/le.h"
#include "fmt/known_impl.h"
#include "target/elfsyms.h"
#include "target/target.h"

const struct gl_field *gl_known_field(const struct gl_type *t, const char *name, enum gl_kind k)
{
	if (!t || t->kind != GL_K_STRUCT)
		return NULL;
	const struct gl_field *f = gl_type_field(t, name);
	if (!f || !f->type || (k != GL_K_INVALID && f->type->kind != k) || f->offset > t->size ||
	    f->type->size > t->size - f->offset)
		return NULL;
	return f;
}

bool gl_known_int(const struct gl_type *t, const unsigned char *b, const char *name, int64_t *v)
{
	const struct gl_field *f = gl_known_field(t, name, GL_K_INVALID);
	if (!f || f->type->size > 8 || !(gl_kind_is_int(f->type->kind) || gl_kind_is_uint(f->type->kind)))
		return false;
	*v = gl_kind_is_int(f->type->kind) ? gl_get_int(b + f->offset, f->type->size)
					    : (int64_t)gl_get_uint(b + f->offset, f->type->size);
	return true;
}

bool gl_known_read(struct gl_ctx *c, uint64_t addr, void *buf, uint64_t n)
{
	struct gl_error *err = gl_mem_read(c->mem, addr, buf, n);
	bool ok = !err;
	gl_error_destroy(err);
	return ok;
}

uint64_t gl_known_global(struct gl_ctx *c, const char *name)
{
	uint64_t addr = 0, size;
	struct gl_type *type;
	if (!c->t)
		return 0;
	/* without DWARF: the symbol table, when there is one */
	if (!c->t->dw)
		return gl_elf_symbol(&c->t->elf, name, &addr, &size) ? addr : 0;
	if (!gl_dwarf_find_global(c->t->dw, name, &addr, &type))
		return 0;
	return addr;
}

unsigned gl_known_ptr_size(const struct gl_ctx *c)
{
	return c->t ? (unsigned)c->t->ptr_size : 8;
}

unsigned char *gl_known_load(struct gl_ctx *c, const struct gl_type *t, uint64_t addr)
{
	if (!addr || t->size > GL_MAX_VALUE_BYTES)
		return NULL;
	unsigned char *b = malloc(t->size ? t->size : 1);
	if (b && !gl_known_read(c, addr, b, t->size)) {
		free(b);
		b = NULL;
	}
	return b;
}

