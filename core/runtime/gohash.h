/* The Go runtime's hash functions, computed in software exactly as the
 * target's runtime computes them:
 *  - the AES-based hashes of the runtime's assembly: amd64
 *    (runtime/asm_amd64.s, internal/runtime/maps/memhash_amd64.s from Go
 *    1.27), 386 (asm_386.s / memhash_386.s) and arm64 (asm_arm64.s /
 *    memhash_arm64.s), with the AES instructions (AESENC; AESE, AESMC) in
 *    plain C;
 *  - the wyhash-like fallbacks the runtime uses when the CPU has no AES:
 *    runtime/hash64.go on 64-bit targets, runtime/hash32.go on 386.
 * On 386 seeds and results are 32 bits (uintptr). The per-process keys
 * are the target's own (gl_gohash_load in maphash.c reads them); nothing
 * here reads memory. */
#ifndef GL_GOHASH_H
#define GL_GOHASH_H

#include <stdbool.h>
#include <stdint.h>

#define GL_GOHASH_AESKEY_BYTES 128 /* runtime.hashRandomBytes on 64-bit targets */
#define GL_GOHASH_AESKEY_BYTES_32 64 /* ... and on 32-bit ones */

/* Whose assembly hashes (with AES) and how wide uintptr is. */
enum gl_gohash_arch {
	GL_GOHASH_AMD64,
	GL_GOHASH_386,
	GL_GOHASH_ARM64,
};

struct gl_gohash_keys {
	bool aes;               /* runtime.useAeshash: the AES hash is in use */
	enum gl_gohash_arch arch;
	int go_minor;           /* Go 1.27 changed arm64's memhash32 */
	unsigned char aeskeysched[GL_GOHASH_AESKEY_BYTES]; /* 386: the first 64 */
	/* The fallback's keys as it mixes them: Go >= 1.23 uses hashkey[0..3];
	 * Go 1.22's 64-bit fallback used hashkey[0]^m1 and the constants m2,
	 * m3, m4 (see gl_gohash_keys_fallback); 386: hashkey[0..2], 32 bits. */
	uint64_t k[4];
};

/* Fill keys->k (and go_minor) from the process's hashkey for a Go release
 * (minor); keys->arch must be set. */
void gl_gohash_keys_fallback(struct gl_gohash_keys *keys, const uint64_t hashkey[4], int go_minor);

/* One AES encryption round as the AESENC instruction does it:
 * ShiftRows, SubBytes, MixColumns, then XOR with the round key. */
void gl_aesenc(unsigned char state[16], const unsigned char key[16]);
/* Arm's AESE: XOR with the key, then ShiftRows and SubBytes. */
void gl_aese(unsigned char state[16], const unsigned char key[16]);
/* Arm's AESMC: MixColumns. */
void gl_aesmc(unsigned char state[16]);

/* runtime.memhash(p, seed, n), memhash32, memhash64 (the value as the
 * runtime reads it: little-endian). */
uint64_t gl_gohash_mem(const struct gl_gohash_keys *k, const unsigned char *p, uint64_t n, uint64_t seed);
uint64_t gl_gohash_mem32(const struct gl_gohash_keys *k, uint32_t v, uint64_t seed);
uint64_t gl_gohash_mem64(const struct gl_gohash_keys *k, uint64_t v, uint64_t seed);
/* out[i] = memhash32 or memhash64 (bytes 4 or 8) of v[i], i < n: several
 * keys at once, as fast as the host allows (amd64's AES hash on AES-NI:
 * eight at a time). */
void gl_gohash_words(const struct gl_gohash_keys *k, const uint64_t *v, int n, int bytes, uint64_t seed,
		     uint64_t *out);
/* f32hash / f64hash of +0 or -0 (c1 * (c0 ^ seed)); other values hash
 * their bytes, and NaN hashes to a random number. */
uint64_t gl_gohash_zero(const struct gl_gohash_keys *k, uint64_t seed);
/* interhash / nilinterhash: c1 * typehash(type, value, seed ^ c0), with
 * runtime.c0 and c1 uintptr-sized. */
uint64_t gl_gohash_xor_c0(const struct gl_gohash_keys *k, uint64_t seed);
uint64_t gl_gohash_mul_c1(const struct gl_gohash_keys *k, uint64_t h);

#endif
