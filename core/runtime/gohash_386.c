/* The AES hash of runtime/asm_386.s (internal/runtime/maps/memhash_386.s
 * from Go 1.27, the same code), instruction by instruction. Unlike
 * amd64's, the seed is 32 bits, data past 64 bytes goes in 64-byte
 * blocks through four lanes, and each block is mixed in before the
 * lane's own scramble. "AESENC X1, X2" is X2 = round(X2) ^ X1. */
#include <string.h>

#include "runtime/gohash.h"
#include "runtime/gohash_arch.h"
#include "base/aes_host.h"
#include "base/le.h"

/* AESENC X, X */
static void scramble(unsigned char x[16])
{
	unsigned char k[16];
	memcpy(k, x, 16);
	gl_aesenc(x, k);
}

static void pxor(unsigned char a[16], const unsigned char *b)
{
	for (int i = 0; i < 16; i++)
		a[i] ^= b[i];
}

/* MOVL X, (DX): the low 32 bits */
static uint32_t low32(const unsigned char x[16])
{
	return (uint32_t)gl_get_uint(x, 4);
}

uint32_t gl_gohash_386_mem(const unsigned char ks[64], const unsigned char *p, uint64_t n, uint32_t seed)
{
	/* MOVL seed, X0; PINSRW $4, length; PSHUFHW $0: seed, 4 zero bytes,
	 * the low 16 bits of the length 4 times */
	unsigned char x0[16] = {0}, x1[16];
	gl_put_uint(x0, 4, seed);
	for (int i = 8; i < 16; i += 2)
		gl_put_uint(x0 + i, 2, n);
	memcpy(x1, x0, 16); /* the unscrambled seed */
	pxor(x0, ks);
	scramble(x0);
	if (n == 0) {
		scramble(x0);
		return low32(x0);
	}
	if (n <= 16) {
		/* masked load (or the shifted load near a page end): the bytes,
		 * zero above them */
		unsigned char d[16] = {0};
		memcpy(d, p, n);
		pxor(d, x0);
		for (int r = 0; r < 3; r++)
			scramble(d);
		return low32(d);
	}
	/* seeds 1..3: the unscrambled seed ^ aeskeysched[16i:], scrambled */
	unsigned char seeds[4][16];
	memcpy(seeds[0], x0, 16);
	int nseeds = n <= 32 ? 2 : 4;
	for (int i = 1; i < nseeds; i++) {
		memcpy(seeds[i], x1, 16);
		pxor(seeds[i], ks + 16 * i);
		scramble(seeds[i]);
	}
	unsigned char st[4][16];
	if (n <= 32) {
		memcpy(st[0], p, 16);
		memcpy(st[1], p + n - 16, 16);
	} else if (n <= 64) {
		memcpy(st[0], p, 16);
		memcpy(st[1], p + 16, 16);
		memcpy(st[2], p + n - 32, 16);
		memcpy(st[3], p + n - 16, 16);
	} else {
		/* the last (possibly overlapping) 64 bytes, one round keyed by
		 * the seeds, then per 64-byte block from the start: a round
		 * keyed by the block, a scramble */
		for (int i = 0; i < 4; i++) {
			memcpy(st[i], p + n - 64 + 16 * i, 16);
			gl_aesenc(st[i], seeds[i]);
		}
		for (uint64_t blk = 0; blk < (n - 1) >> 6; blk++)
			for (int i = 0; i < 4; i++) {
				gl_aesenc(st[i], p + 64 * blk + 16 * i);
				scramble(st[i]);
			}
		goto finish;
	}
	for (int i = 0; i < nseeds; i++)
		pxor(st[i], seeds[i]);
finish:
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < nseeds; i++)
			scramble(st[i]);
	for (int i = 1; i < nseeds; i++)
		pxor(st[0], st[i]);
	return low32(st[0]);
}

/* memhash32: seed in bytes 0-3, the value in 4-7 (PINSRD $1);
 * memhash64: the value in bytes 0-7, the seed in 8-11 (PINSRD $2); then
 * three rounds keyed by the first 48 bytes of aeskeysched */
uint32_t gl_gohash_386_word(const unsigned char ks[64], uint64_t v, int bytes, uint32_t seed)
{
	unsigned char x[16] = {0};
	gl_put_uint(x + (bytes == 4 ? 0 : 8), 4, seed);
	gl_put_uint(x + (bytes == 4 ? 4 : 0), (unsigned)bytes, v);
	if (!gl_host_aesenc_rounds(x, ks, 3))
		for (int r = 0; r < 3; r++)
			gl_aesenc(x, ks + 16 * r);
	return low32(x);
}
