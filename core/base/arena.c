/* See arena.h. Blocks in a list, allocation taking from the newest: the
 * first of 4 KiB, each next one twice the last up to 1 MiB (or one
 * object's size when larger), so that the few entries of a small map do
 * not take (and the allocator clear) a megabyte, while a million entries
 * still cost one malloc a megabyte. */
#include <stdint.h>
#include <stdlib.h>

#include "base/arena.h"

#define FIRST_BLOCK_BYTES (4u << 10)
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
		size_t bytes = !b ? FIRST_BLOCK_BYTES : b->size >= BLOCK_BYTES / 2 ? BLOCK_BYTES : 2 * b->size;
		if (bytes < size)
			bytes = size;
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
