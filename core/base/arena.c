/* See arena.h. Blocks of 1 MiB (or one object's size when larger) in a
 * list; allocation takes from the newest. */
#include <stdint.h>
#include <stdlib.h>

#include "base/arena.h"

#define BLOCK_BYTES (1u << 20)

struct gl_arena_block {
	struct gl_arena_block *next;
	size_t used, size;
	_Alignas(8) unsigned char data[];
};

void *gl_arena_alloc(struct gl_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (size == 0)
		size = 8;
	if (size > SIZE_MAX - sizeof(struct gl_arena_block))
		return NULL;
	struct gl_arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bytes = size > BLOCK_BYTES ? size : BLOCK_BYTES;
		b = malloc(sizeof(*b) + bytes);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = bytes;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	return p;
}

void gl_arena_free(struct gl_arena *a)
{
	while (a->head) {
		struct gl_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}
