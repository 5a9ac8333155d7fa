/* A Go value found in the target: its type, where it lives and its bytes. */
#ifndef GL_VALUE_H
#define GL_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "target/ctx.h"
#include "target/types.h"

struct gl_value {
	struct gl_type *type;
	bool in_memory;        /* addr is meaningful */
	uint64_t addr;
	unsigned char *bytes;  /* type->size bytes (malloc'd) */
	char where[64];        /* "stack", "register rax", ".data", "heap"... */
	char partial[32];      /* what is missing of a value kept in part ("": whole) */
};

void gl_value_deinit(struct gl_value *v);
/* Read a value of type t at addr. */
struct gl_error *gl_value_at(struct gl_ctx *c, struct gl_type *t, uint64_t addr,
			     const char *where, struct gl_value *out);

#endif
