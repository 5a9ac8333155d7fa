#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "base/number.h"

bool gl_parse_u64_prefix(const char *s, const char **end, uint64_t *v)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	char *e;
	errno = 0;
	unsigned long long n = strtoull(s, &e, 0);
	if (errno == ERANGE)
		return false;
	*end = e;
	*v = n;
	return true;
}

bool gl_parse_u64(const char *s, uint64_t *v)
{
	const char *end;
	uint64_t n;
	if (!gl_parse_u64_prefix(s, &end, &n) || *end)
		return false;
	*v = n;
	return true;
}
