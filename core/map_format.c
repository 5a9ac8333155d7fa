#include "value.h"

/* Placeholder until the map decoder lands: the map's address only. */
void gl_format_map(struct gl_ctx *c, const struct gl_type *t, uint64_t map_ptr,
		   struct strbuf *sb, int depth)
{
	(void)c;
	(void)t;
	(void)depth;
	if (!map_ptr)
		sb_add(sb, "map[]");
	else
		sb_addf(sb, "map@0x%llx", (unsigned long long)map_ptr);
}
