/* A Go string's bytes as %v prints them, bounded: in a file of its own, as
 * both format.c and the well-known types (known_*.c) print strings. */
#include <stdlib.h>

#include "fmt/format.h"

void gl_format_string(struct gl_ctx *c, uint64_t ptr, uint64_t len, struct strbuf *sb)
{
	if (len == 0)
		return;
	uint64_t n = len > GL_FORMAT_BUDGET ? GL_FORMAT_BUDGET : len;
	char *s = malloc(n);
	if (!s)
		return;
	struct gl_error *err = gl_mem_read(c->mem, ptr, s, n);
	if (err) {
		sb_addf(sb, "<unreadable 0x%llx>", (unsigned long long)err->address);
		gl_error_destroy(err);
	} else {
		sb_addn(sb, s, n);
		if (n < len)
			sb_addf(sb, "...(%llu more bytes)", (unsigned long long)(len - n));
	}
	free(s);
}

