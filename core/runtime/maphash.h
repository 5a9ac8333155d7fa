/* The hash a Go map computes for its keys, for any comparable key type:
 * the per-process keys read from the target (gl_gohash_load), then, over
 * the key's bytes, the hash function the compiler generated for the map's
 * key type (runtime/alg.go and cmd/compile's reflectdata/alg.go: memhash
 * runs over padding-free memory, strhash, f32/f64hash, interhash with
 * typehash of the dynamic type...), with the map's seed. Equality of
 * keys as the runtime tests it is here too. */
#ifndef GL_MAPHASH_H
#define GL_MAPHASH_H

#include "runtime/gohash.h"
#include "target/ctx.h"
#include "target/types.h"

/* Reads what key bytes point to (string data, interface values): the
 * target's memory, or a key literal's own bytes (eval/keylit.c). */
struct gl_key_reader {
	struct gl_error *(*read)(void *arg, uint64_t addr, void *out, uint64_t n);
	void *arg;
};

/* The process's hash keys and which hash it uses. */
struct gl_error *gl_gohash_load(struct gl_ctx *c, struct gl_gohash_keys *k);

/* 4 or 8 when a key of type t is hashed as one 4- or 8-byte word
 * (memhash32, memhash64: integers, pointers, channels, structs and arrays
 * of them without padding), else 0: the fast path of the commonest maps. */
unsigned gl_maphash_word_key(const struct gl_type *t);

/* The hash of the key at key (t's bytes) under seed, as the map's hasher
 * computes it. *random: a NaN was hashed (the runtime hashes NaN to a
 * random number: *hash is then meaningless). rd NULL: target memory.
 * Error (GL_ERR_UNSUPPORTED) for a key that cannot be hashed: no
 * equality (slices, maps, funcs), or an unknown dynamic type. */
struct gl_error *gl_maphash_key(struct gl_ctx *c, const struct gl_gohash_keys *k,
				const struct gl_type *t, const unsigned char *key, uint64_t seed,
				const struct gl_key_reader *rd, uint64_t *hash, bool *random);

/* Whether keys a (read through ra) and b (through rb) are equal as Go's
 * == says (strings by content, floats by value, NaN never). */
struct gl_error *gl_mapkey_equal(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
				 const struct gl_key_reader *ra, const unsigned char *b,
				 const struct gl_key_reader *rb, bool *eq);

#endif
