/* m[key] in expressions: the value a map holds under a key, found by a
 * scan of the map's entries (the decoder's entry list). */
#ifndef GL_MAP_INDEX_H
#define GL_MAP_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/value.h"

/* A key as the expression gives it. */
enum gl_key_kind {
	GL_KEY_STRING, /* a string literal: bytes, len */
	GL_KEY_INT,    /* an integer literal: neg, mag (the magnitude) */
	GL_KEY_BOOL,   /* true / false: b */
	GL_KEY_VALUE,  /* any other expression, evaluated: value */
};

struct gl_map_key {
	enum gl_key_kind kind;
	const char *bytes;
	size_t len;
	bool neg;
	uint64_t mag;
	bool b;
	const struct gl_value *value;
	const char *text; /* the key as written, for messages */
};

/* Replace the map value *m by the element stored under key k (not in
 * memory: a map element has no address in Go either). Errors: m is no
 * map, a key that cannot be of the map's key type, no such key. */
struct gl_error *gl_map_index(struct gl_ctx *c, struct gl_value *m, const struct gl_map_key *k);

#endif
