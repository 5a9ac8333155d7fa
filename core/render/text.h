/* Text of values and names for the renderers, spelled as the documents
 * spell them: invalid UTF-8 shows as U+FFFD, so the text and JSON outputs
 * of a command show the same characters. A NUL byte, which the documents
 * carry as \u0000, shows as GL_TEXT_NUL: the text is a C string. */
#ifndef GL_RENDER_TEXT_H
#define GL_RENDER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "target/ctx.h"
#include "target/types.h"

#define GL_TEXT_NUL "\xe2\x90\x80" /* U+2400 SYMBOL FOR NULL */

/* Replace out's contents with the cleaned text of s[0..len). Read it as
 * gl_sb_str(out). */
void gl_text_set(struct strbuf *out, const char *s, size_t len);
/* gl_text_set of no more of s than cols columns need (a column takes at
 * most 4 bytes of UTF-8), then cut to cols columns, the last an ellipsis,
 * when there is more: a megabyte of string costs what its first line
 * shows. */
void gl_text_set_clipped(struct strbuf *out, const char *s, size_t len, size_t cols);
/* The bytes of UTF-8 that hold more than cols columns, whatever they are. */
static inline size_t gl_text_room(size_t cols)
{
	return cols < SIZE_MAX / 4 - 1 ? 4 * (cols + 1) : SIZE_MAX;
}
/* Replace out's contents with the cleaned %v text of a value. */
void gl_value_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		   struct strbuf *out);
/* The same for a member of a container (as fmt prints it inside: a
 * pointer as its address), and at a given nesting depth. */
void gl_member_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		   struct strbuf *out);
/* A struct field's value (gl_format_field), cleaned. */
void gl_field_str(struct gl_ctx *c, const struct gl_field *f, const unsigned char *bytes,
		  struct strbuf *out);
/* For a type fmt prints as its fields though people read it otherwise
 * (gl_known_reading), "  // " and that reading, cleaned, appended to out. */
void gl_reading_text(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, struct strbuf *out);
/* A top-level value's cleaned %v (gl_value_str) with its reading
 * (gl_reading_text), or "  // main.T.String not run" for the first String
 * or Error method fmt would call that golayout does not reproduce. */
void gl_value_noted_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, struct strbuf *out);
void gl_value_str_at(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, int depth,
		     struct strbuf *out);
/* Append the cleaned text of the C string s to o. */
void gl_text_add(struct strbuf *o, const char *s);
/* The Go version of the target, "" when none is known (the documents
 * write null). */
const char *gl_go_version_text(const struct gl_ctx *c);
/* The C string in sb ("" when empty or out of memory). */
static inline const char *gl_sb_str(const struct strbuf *sb)
{
	return sb->s && !sb->oom ? sb->s : "";
}

#endif
