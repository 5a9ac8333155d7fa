/* A Go string: its header (str, len), where the bytes live, and the bytes
 * themselves (the first GL_STRING_MAX_BYTES). A typed model:
 * doc/string_doc.c and render/string_text.c spell it. */
#ifndef GL_STRING_H
#define GL_STRING_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/value.h"
#include "runtime/home.h"

#define GL_STRING_MAX_BYTES (1u << 20)
/* How many of the bytes the outputs show in hex. */
#define GL_STRING_HEX_BYTES 4096

struct gl_string {
	uint64_t data, len;
	uint64_t data_offset, len_offset; /* in the header */
	struct gl_home home;              /* of the bytes */
	bool has_bytes;                   /* the header is sane and bytes were read */
	char *bytes;                      /* nbytes of them, NUL-terminated */
	uint64_t nbytes;
	bool valid_utf8;
	bool truncated;                   /* nbytes < len */
};

/* Decode string value v (expr names it in errors). */
struct gl_error *gl_string_decode(struct gl_ctx *c, const char *expr, const struct gl_value *v,
				  struct gl_string *s);
void gl_string_deinit(struct gl_string *s);

#endif
