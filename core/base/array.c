/* See array.h. The caller's pointer is read and written with memcpy: it
 * may point to any object type, and all object pointers share one
 * representation on the platforms golayout runs on (POSIX requires it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"

bool gl_array_reserve(void *itemsp, size_t *cap, size_t n, size_t elsize, size_t first)
{
	if (n < *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : first;
	if (nc <= *cap || nc > SIZE_MAX / elsize)
		return false;
	void *items;
	memcpy(&items, itemsp, sizeof(items));
	void *p = realloc(items, nc * elsize);
	if (!p)
		return false;
	memcpy(itemsp, &p, sizeof(p));
	*cap = nc;
	return true;
}

void *gl_array_push(void *itemsp, size_t *n, size_t *cap, size_t elsize, size_t first)
{
	if (!gl_array_reserve(itemsp, cap, *n, elsize, first))
		return NULL;
	char *items;
	memcpy(&items, itemsp, sizeof(items));
	void *e = items + (*n)++ * elsize;
	memset(e, 0, elsize);
	return e;
}
