/* The per-architecture hashes behind gohash.c's dispatch: one file each
 * for the assembly of 386 and arm64 and for the 32-bit fallback. */
#ifndef GL_GOHASH_ARCH_H
#define GL_GOHASH_ARCH_H

#include <stdint.h>

/* asm_386.s: aeshashbody, memhash32/64 (bytes 4 or 8); 32-bit results */
uint32_t gl_gohash_386_mem(const unsigned char ks[64], const unsigned char *p, uint64_t n, uint32_t seed);
uint32_t gl_gohash_386_word(const unsigned char ks[64], uint64_t v, int bytes, uint32_t seed);

/* asm_arm64.s: aeshashbody, memhash32/64 */
uint64_t gl_gohash_arm64_mem(const unsigned char ks[128], const unsigned char *p, uint64_t n, uint64_t seed);
uint64_t gl_gohash_arm64_word(const unsigned char ks[128], uint64_t v, int bytes, uint64_t seed, int go_minor);

/* runtime/hash32.go with hashkey[0..2] in k */
uint32_t gl_gohash_fb32_mem(const uint64_t k[4], const unsigned char *p, uint64_t n, uint32_t seed);
uint32_t gl_gohash_fb32_word(const uint64_t k[4], uint64_t v, int bytes, uint32_t seed);

#endif
