/* A bump allocator for many small objects freed together: a million map
 * entries' keys and values cost their own bytes, not a malloc chunk each
 * (which more than doubles 8-byte objects). */
#ifndef GL_ARENA_H
#define GL_ARENA_H

#include <stddef.h>

struct gl_arena_block;

struct gl_arena {
	struct gl_arena_block *head; /* the block being filled; older ones follow */
};

/* size bytes (8-byte aligned, never NULL for size 0) that stay valid until
 * gl_arena_free; NULL when out of memory. */
void *gl_arena_alloc(struct gl_arena *a, size_t size);
void gl_arena_free(struct gl_arena *a);

#endif
