/* UTF-8 checks shared by the JSON documents and the text renderers: both
 * show invalid bytes as U+FFFD, as Go's encoding/json does. */
#ifndef GL_UTF8_H
#define GL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

/* Length of the valid UTF-8 sequence at s (1..4, NUL included) within
 * avail bytes, or 0 if it is invalid or cut off. */
size_t gl_utf8_len(const unsigned char *s, size_t avail);
bool gl_utf8_valid(const char *s, size_t len);
/* Append s[0..len) to out with each invalid byte as U+FFFD; NUL bytes are
 * kept. Returns whether s was valid UTF-8. */
bool gl_utf8_clean(const char *s, size_t len, struct strbuf *out);
/* The UTF-8 bytes of code point cp (a Unicode scalar value: at most
 * U+10FFFF, no surrogate) into out; returns how many (1..4). */
size_t gl_utf8_encode(uint32_t cp, char out[4]);

#endif
