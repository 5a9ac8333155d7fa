/* Display names of enum values, kept in designated-initializer tables
 * (static const char *const names[] = {[GL_X] = "x", ...}). Every such
 * table needs the same look-up: a value past the end, or one the table
 * leaves out, gets the caller's fallback instead of reading out of
 * bounds or returning NULL. */
#ifndef GL_NAMES_H
#define GL_NAMES_H

#include <stddef.h>

static inline const char *gl_name_at(const char *const *names, size_t n, unsigned i,
				     const char *fallback)
{
	return i < n && names[i] ? names[i] : fallback;
}

/* names must be an array (not a pointer): its length is taken here. */
#define GL_NAME_OF(names, i, fallback) \
	gl_name_at((names), sizeof(names) / sizeof((names)[0]), (unsigned)(i), (fallback))

#endif
