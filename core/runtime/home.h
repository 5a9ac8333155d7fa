/* Where an address lives: a goroutine's stack, a section of the binary
 * (.rodata, .data, .bss...), the Go heap (with the span, size class,
 * object and mark state, from heap.c), mapped memory outside the heap's
 * arenas, or nowhere readable. */
#ifndef GL_HOME_H
#define GL_HOME_H

#include "doc/doc.h" /* transitional: the decoder still builds JSON */
#include "target/ctx.h"

struct gl_home {
	char kind[16];    /* "stack", "data", "heap", "offheap", "unmapped", "nil", "unknown" */
	char desc[96];    /* "stack of goroutine 1", ".rodata", "heap" */
	uint64_t goid;    /* for stacks */
	uint64_t lo, hi;  /* the stack or section bounds, when known */
	/* heap: the span and object holding the address (has_span) */
	bool has_span;
	uint64_t span, object_base, elemsize;
	int size_class;
	bool allocated;
	char marked[12];  /* "marked", "unmarked", "unknown" */
};

void gl_home_of(struct gl_ctx *c, uint64_t addr, struct gl_home *h);
json_t *gl_home_json(const struct gl_home *h);

#endif
