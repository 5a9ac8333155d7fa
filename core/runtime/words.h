/* The words of small runtime headers (string, interface values). */
#ifndef GL_WORDS_H
#define GL_WORDS_H

#include "base/le.h"
#include "target/ctx.h"
#include "target/types.h"

/* Field `name` of header bytes b of type t: at its DWARF offset and size,
 * or, where DWARF lacks it, word `index` at the target's pointer size.
 * *offset gets where it was read. */
static inline uint64_t gl_header_word(const struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *b, const char *name, unsigned index,
				      uint64_t *offset)
{
	const struct gl_field *f = gl_type_field(t, name);
	uint64_t ps = c->t->elf.ptr_size, off = f ? f->offset : index * ps;
	uint64_t size = f ? f->type->size : ps;
	*offset = off;
	return off + size <= t->size ? gl_get_uint(b + off, size) : 0;
}

#endif
