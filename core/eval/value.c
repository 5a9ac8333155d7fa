/* Values: read from memory, and freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/value.h"

struct gl_error *gl_value_at(struct gl_ctx *c, struct gl_type *t, uint64_t addr,
			     const char *where, struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	if (t->size > GL_MAX_VALUE_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "%s is too large to read (%llu bytes)", t->name,
				       (unsigned long long)t->size);
	out->bytes = malloc(t->size ? t->size : 1);
	if (!out->bytes)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, addr, out->bytes, t->size);
	if (err) {
		free(out->bytes);
		out->bytes = NULL;
		return gl_error_wrap(err, "reading %s at 0x%llx", t->name, (unsigned long long)addr);
	}
	out->type = t;
	out->in_memory = true;
	out->addr = addr;
	snprintf(out->where, sizeof(out->where), "%s", where);
	return NULL;
}

void gl_value_deinit(struct gl_value *v)
{
	free(v->bytes);
	memset(v, 0, sizeof(*v));
}
