/* The Go runtime's hash functions on amd64 (and any 64-bit target using
 * the portable fallback), computed in software exactly as the target's
 * runtime computes them: the AES-based hash of runtime/asm_amd64.s
 * (internal/runtime/maps/memhash_amd64.s from Go 1.27), with one AES round
 * (AESENC) in plain C, and the wyhash-like fallback of runtime/hash64.go
 * the runtime uses when the CPU has no AES. The per-process keys are the
 * target's own (gl_gohash_load in maphash.c reads them); nothing here
 * reads memory. */
#ifndef GL_GOHASH_H
#define GL_GOHASH_H

#include <stdbool.h>
#include <stdint.h>

#define GL_GOHASH_AESKEY_BYTES 128 /* runtime.hashRandomBytes on 64-bit targets */

/* runtime.c0 / c1 on 64-bit targets (f64hash, interhash). */
#define GL_GOHASH_C0 UINT64_C(33054211828000289)
#define GL_GOHASH_C1 UINT64_C(23344194077549503)

struct gl_gohash_keys {
	bool aes;               /* runtime.useAeshash: the AES hash is in use */
	unsigned char aeskeysched[GL_GOHASH_AESKEY_BYTES];
	/* The fallback's keys as it mixes them: Go >= 1.23 uses hashkey[0..3];
	 * Go 1.22 used hashkey[0]^m1 and the constants m2, m3, m4 (see
	 * gl_gohash_keys_fallback). */
	uint64_t k[4];
};

/* Fill keys->k from the process's hashkey for a Go release (minor). */
void gl_gohash_keys_fallback(struct gl_gohash_keys *keys, const uint64_t hashkey[4], int go_minor);

/* One AES encryption round as the AESENC instruction does it:
 * ShiftRows, SubBytes, MixColumns, then XOR with the round key. */
void gl_aesenc(unsigned char state[16], const unsigned char key[16]);

/* runtime.memhash(p, seed, n), memhash32, memhash64 (the value as the
 * runtime reads it: little-endian). */
uint64_t gl_gohash_mem(const struct gl_gohash_keys *k, const unsigned char *p, uint64_t n, uint64_t seed);
uint64_t gl_gohash_mem32(const struct gl_gohash_keys *k, uint32_t v, uint64_t seed);
uint64_t gl_gohash_mem64(const struct gl_gohash_keys *k, uint64_t v, uint64_t seed);
/* f32hash / f64hash of +0 or -0 (c1 * (c0 ^ seed)); other values hash
 * their bytes, and NaN hashes to a random number. */
uint64_t gl_gohash_zero(uint64_t seed);

#endif
