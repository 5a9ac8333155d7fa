/* The runtime's size classes, read from the binary's own table
 * (runtime.class_to_size, or internal/runtime/gc.SizeClassToSize since Go
 * 1.25; the runtime-layout table finds either), and the rules built on
 * them: roundupsize and growslice. */
#ifndef GL_SIZECLASS_H
#define GL_SIZECLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "target/ctx.h"

#define GL_MAX_SIZE_CLASSES 128

struct gl_sizeclasses {
	int n;
	uint32_t size[GL_MAX_SIZE_CLASSES];
	uint64_t max_small;        /* runtime._MaxSmallSize */
	uint64_t page_size;
	uint64_t malloc_header;    /* mallocHeaderSize (Go 1.22+: every supported release) */
	uint64_t min_for_header;   /* minSizeForMallocHeader */
};

struct gl_error *gl_sizeclasses_load(struct gl_ctx *c, struct gl_sizeclasses *sc);
/* Size class index for a request, 0 for a large object. */
int gl_sizeclass_of(const struct gl_sizeclasses *sc, uint64_t size);
/* What mallocgc really gives for `size` bytes (runtime.roundupsize). */
uint64_t gl_roundupsize(const struct gl_sizeclasses *sc, uint64_t size, bool noscan);
/* The capacity append gives when growing a slice of cap old_cap to hold
 * new_len elements of elem_size bytes (runtime.growslice). */
uint64_t gl_growslice_cap(const struct gl_sizeclasses *sc, uint64_t old_cap, uint64_t new_len,
			  uint64_t elem_size, bool noscan, uint64_t *alloc_bytes);

#endif
