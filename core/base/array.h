/* Growable arrays: a pointer, a count and a capacity kept by the caller.
 * Every list golayout builds (DWARF functions, fields, variables, owned
 * types, map buckets and tables, escapes, specials, goroutine rows) grows
 * the same way, so the doubling, its overflow check and the realloc live
 * here once. On failure the array is left as it was. */
#ifndef GL_ARRAY_H
#define GL_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/* Room for one more element: when n == *cap, the capacity doubles
 * (starting at first). itemsp is the address of the caller's pointer
 * (T **, passed as void * so that any element type fits). */
bool gl_array_reserve(void *itemsp, size_t *cap, size_t n, size_t elsize, size_t first);
/* Room for one more, then that element zeroed and counted (*n + 1);
 * NULL when out of memory. */
void *gl_array_push(void *itemsp, size_t *n, size_t *cap, size_t elsize, size_t first);

/* The same for an lvalue array pointer `items` (T *), taking T's size. */
#define GL_ARRAY_RESERVE(items, cap, n, first) \
	gl_array_reserve(&(items), &(cap), (n), sizeof(*(items)), (first))
#define GL_ARRAY_PUSH(items, n, cap, first) \
	gl_array_push(&(items), &(n), &(cap), sizeof(*(items)), (first))

#endif
