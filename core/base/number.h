/* Numbers typed by the user (addresses, indexes, GOIDs, option values):
 * strtoull alone takes "-1" as 2^64-1 and a number past 2^64 as 2^64-1,
 * which golayout then reported as if it had been asked for. */
#ifndef GL_NUMBER_H
#define GL_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/* An unsigned number at s: decimal, 0x hex or 0 octal, starting with a
 * digit (no sign, no leading space), that fits 64 bits. On success *v is
 * the number and *end the first byte after it. */
bool gl_parse_u64_prefix(const char *s, const char **end, uint64_t *v);
/* The same for a whole string: nothing may follow the number. */
bool gl_parse_u64(const char *s, uint64_t *v);

#endif
