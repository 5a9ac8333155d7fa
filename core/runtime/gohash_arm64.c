/* The AES hash of runtime/asm_arm64.s (internal/runtime/maps/
 * memhash_arm64.s from Go 1.27), instruction by instruction. In Go's
 * operand order "AESE V1, V2" is V2 = SubBytes(ShiftRows(V2 ^ V1)) and
 * "AESMC V2, V2" is V2 = MixColumns(V2); a round here is the two. The
 * last round of each lane has no MixColumns. */
#include <string.h>

#include "runtime/gohash.h"
#include "runtime/gohash_arch.h"
#include "base/le.h"

/* AESE key, x; AESMC x, x */
static void round_mc(unsigned char x[16], const unsigned char *key)
{
	gl_aese(x, key);
	gl_aesmc(x);
}

static uint64_t low64(const unsigned char x[16])
{
	return gl_get_uint(x, 8);
}

/* n lanes st[i], each keyed by key[i]: two full rounds and an AESE,
 * then the lanes XORed together */
static uint64_t finish(unsigned char (*st)[16], unsigned char (*key)[16], int n)
{
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < n; i++)
			round_mc(st[i], key[i]);
	for (int i = 0; i < n; i++)
		gl_aese(st[i], key[i]);
	for (int i = 1; i < n; i++)
		for (int j = 0; j < 16; j++)
			st[0][j] ^= st[i][j];
	return low64(st[0]);
}

uint64_t gl_gohash_arm64_mem(const unsigned char ks[128], const unsigned char *p, uint64_t n, uint64_t seed)
{
	/* V30: the seed, then the whole 64-bit length */
	unsigned char v30[16];
	gl_put_uint(v30, 8, seed);
	gl_put_uint(v30 + 8, 8, n);
	/* seeds: aeskeysched[16i:] keyed by V30, one round (V0 first, the
	 * others as the length class needs them, all of them from 65 bytes) */
	int nseeds = n <= 32 ? 2 : n <= 64 ? 4 : 8;
	unsigned char seeds[8][16];
	for (int i = 0; i < nseeds; i++) {
		memcpy(seeds[i], ks + 16 * i, 16);
		round_mc(seeds[i], v30);
	}
	if (n == 0)
		return low64(seeds[0]);
	unsigned char st[8][16];
	if (n <= 16) {
		/* n < 16 loads 8, 4, 2 and 1 bytes (as n's bits say) into bytes
		 * 0, 8, 12 and 14 of a zeroed register */
		unsigned char *d = st[0];
		memset(d, 0, 16);
		if (n == 16) {
			memcpy(d, p, 16);
		} else {
			static const int at[4] = {0, 8, 12, 14}, len[4] = {8, 4, 2, 1};
			for (int b = 0; b < 4; b++)
				if (n & (uint64_t)len[b]) {
					memcpy(d + at[b], p, (size_t)len[b]);
					p += len[b];
				}
		}
		for (int r = 0; r < 3; r++)
			round_mc(d, seeds[0]);
		return low64(d);
	}
	if (n <= 32) {
		memcpy(st[0], p, 16);
		memcpy(st[1], p + n - 16, 16);
		return finish(st, seeds, 2);
	}
	if (n <= 64) {
		memcpy(st[0], p, 32);
		memcpy(st[2], p + n - 32, 32);
		return finish(st, seeds, 4);
	}
	if (n <= 128) {
		memcpy(st[0], p, 64);
		memcpy(st[4], p + n - 64, 64);
		return finish(st, seeds, 8);
	}
	/* 129 and more: the seeds are the lanes' state, keyed first by the
	 * last (possibly overlapping) 128 bytes, then per 128-byte block
	 * from the start by the previous block and the block itself; the
	 * finish is keyed by the last block read */
	unsigned char data[8][16];
	memcpy(data, p + n - 128, 128);
	for (uint64_t blk = 0; blk < (n - 1) >> 7; blk++) {
		for (int i = 0; i < 8; i++)
			round_mc(seeds[i], data[i]);
		memcpy(data, p + 128 * blk, 128);
		for (int i = 0; i < 8; i++)
			round_mc(seeds[i], data[i]);
	}
	return finish(seeds, data, 8);
}

/* memhash32 / memhash64: the seed in bytes 0-7 (before Go 1.27 memhash32
 * took only its low 32 bits), the value above it (memhash32: bytes 4-7
 * before Go 1.27, 8-11 since), then three rounds keyed by the first 16
 * bytes of aeskeysched, the last without MixColumns */
uint64_t gl_gohash_arm64_word(const unsigned char ks[128], uint64_t v, int bytes, uint64_t seed, int go_minor)
{
	unsigned char x[16] = {0};
	unsigned seed_bytes = bytes == 4 && go_minor < 27 ? 4 : 8;
	gl_put_uint(x, seed_bytes, seed);
	gl_put_uint(x + seed_bytes, (unsigned)bytes, v);
	round_mc(x, ks);
	round_mc(x, ks);
	gl_aese(x, ks);
	return low64(x);
}
