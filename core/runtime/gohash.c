/* See gohash.h. amd64's AES hash, the 64-bit fallback and the dispatch;
 * gohash_aes.c holds the AES instructions, gohash_386.c, gohash_arm64.c
 * and gohash32.c the other hashes.
 * The amd64 hash follows aeshashbody, aeshash32 and aeshash64 of the
 * runtime's assembly instruction by instruction: in Go's operand order,
 * "AESENC X1, X2" is X2 = round(X2) ^ X1. */
#include <string.h>

#include "runtime/gohash.h"
#include "runtime/gohash_arch.h"
#include "base/aes_host.h"
#include "base/le.h"

typedef struct {
	unsigned char b[16];
} xmm;

static void pxor(xmm *a, const unsigned char *b)
{
	for (int i = 0; i < 16; i++)
		a->b[i] ^= b[i];
}

/* AESENC X, X: one round keyed by the state itself */
static void scramble(xmm *a)
{
	xmm k = *a;
	gl_aesenc(a->b, k.b);
}

static uint64_t low64(const xmm *a)
{
	return gl_get_uint(a->b, 8);
}

static uint64_t aeshash(const struct gl_gohash_keys *k, const unsigned char *p, uint64_t n, uint64_t seed)
{
	const unsigned char *ks = k->aeskeysched;
	xmm x0 = {{0}}, x1;
	for (int i = 0; i < 8; i++)
		x0.b[i] = (unsigned char)(seed >> (8 * i));
	for (int i = 8; i < 16; i += 2) { /* PINSRW $4 + PSHUFHW $0: 16 bits of length, 4 times */
		x0.b[i] = (unsigned char)n;
		x0.b[i + 1] = (unsigned char)(n >> 8);
	}
	x1 = x0; /* the unscrambled seed */
	pxor(&x0, ks);
	scramble(&x0);
	if (n == 0) {
		scramble(&x0);
		return low64(&x0);
	}
	if (n <= 16) {
		/* masked load: the bytes, zero above them */
		xmm d = {{0}};
		memcpy(d.b, p, n);
		pxor(&d, x0.b);
		for (int r = 0; r < 3; r++)
			scramble(&d);
		return low64(&d);
	}
	/* more seeds: seed i (i >= 1) is the unscrambled seed ^ keysched[16i], scrambled */
	xmm seeds[8];
	seeds[0] = x0;
	for (int i = 1; i < 8; i++) {
		seeds[i] = x1;
		pxor(&seeds[i], ks + 16 * i);
		scramble(&seeds[i]);
	}
	xmm st[8];
	int nst;
	if (n <= 32) {
		nst = 2;
		memcpy(st[0].b, p, 16);
		memcpy(st[1].b, p + n - 16, 16);
	} else if (n <= 64) {
		nst = 4;
		memcpy(st[0].b, p, 16);
		memcpy(st[1].b, p + 16, 16);
		memcpy(st[2].b, p + n - 32, 16);
		memcpy(st[3].b, p + n - 16, 16);
	} else if (n <= 128) {
		nst = 8;
		for (int i = 0; i < 4; i++) {
			memcpy(st[i].b, p + 16 * i, 16);
			memcpy(st[4 + i].b, p + n - 64 + 16 * i, 16);
		}
	} else {
		/* start with the last (possibly overlapping) 128 bytes, then mix
		 * in each block of 128 from the start */
		nst = 8;
		for (int i = 0; i < 8; i++)
			memcpy(st[i].b, p + n - 128 + 16 * i, 16);
		for (int i = 0; i < 8; i++)
			pxor(&st[i], seeds[i].b);
		for (uint64_t blk = 0; blk < (n - 1) >> 7; blk++)
			for (int i = 0; i < 8; i++) {
				scramble(&st[i]);
				gl_aesenc(st[i].b, p + 128 * blk + 16 * i);
			}
		goto finish;
	}
	for (int i = 0; i < nst; i++)
		pxor(&st[i], seeds[i].b);
finish:
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < nst; i++)
			scramble(&st[i]);
	uint64_t h = 0;
	for (int i = 0; i < nst; i++)
		h ^= low64(&st[i]);
	return h;
}

/* aeshash32/64: seed in the low quadword, the value above it, three
 * rounds keyed by the first 48 bytes of aeskeysched */
static uint64_t aeshash_word(const struct gl_gohash_keys *k, uint64_t v, int bytes, uint64_t seed)
{
	uint64_t hi = bytes == 8 ? v : v & UINT32_MAX, out;
	if (gl_host_aesenc_rounds_u64(seed, hi, k->aeskeysched, 3, &out))
		return out;
	xmm x = {{0}};
	gl_put_uint(x.b, 8, seed);
	gl_put_uint(x.b + 8, 8, hi);
	for (int r = 0; r < 3; r++)
		gl_aesenc(x.b, k->aeskeysched + 16 * r);
	return low64(&x);
}

/* ---- the fallback (runtime/hash64.go) ---------------------------------------- */

#define M5 UINT64_C(0x1d8e4e27c47d124f)

static uint64_t mix(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)(r >> 64) ^ (uint64_t)r;
}

static uint64_t r8(const unsigned char *p)
{
	return gl_get_uint(p, 8);
}

static uint64_t r4(const unsigned char *p)
{
	return gl_get_uint(p, 4);
}

static uint64_t fallback(const struct gl_gohash_keys *k, const unsigned char *p, uint64_t s, uint64_t seed)
{
	uint64_t a = 0, b = 0;
	seed ^= k->k[0];
	if (s == 0)
		return seed;
	if (s < 4) {
		a = (uint64_t)p[0] | (uint64_t)p[s >> 1] << 8 | (uint64_t)p[s - 1] << 16;
	} else if (s == 4) {
		a = b = r4(p);
	} else if (s < 8) {
		a = r4(p);
		b = r4(p + s - 4);
	} else if (s == 8) {
		a = b = r8(p);
	} else if (s <= 16) {
		a = r8(p);
		b = r8(p + s - 8);
	} else {
		uint64_t l = s;
		if (l > 48) {
			uint64_t seed1 = seed, seed2 = seed;
			for (; l > 48; l -= 48) {
				seed = mix(r8(p) ^ k->k[1], r8(p + 8) ^ seed);
				seed1 = mix(r8(p + 16) ^ k->k[2], r8(p + 24) ^ seed1);
				seed2 = mix(r8(p + 32) ^ k->k[3], r8(p + 40) ^ seed2);
				p += 48;
			}
			seed ^= seed1 ^ seed2;
		}
		for (; l > 16; l -= 16) {
			seed = mix(r8(p) ^ k->k[1], r8(p + 8) ^ seed);
			p += 16;
		}
		a = r8(p + l - 16);
		b = r8(p + l - 8);
	}
	return mix(M5 ^ s, mix(a ^ k->k[1], b ^ seed));
}

void gl_gohash_keys_fallback(struct gl_gohash_keys *keys, const uint64_t hashkey[4], int go_minor)
{
	keys->go_minor = go_minor;
	if (go_minor == 22 && keys->arch != GL_GOHASH_386) {
		/* runtime/hash64.go of Go 1.22: m1..m4 where later releases use
		 * hashkey (hash32.go has not changed) */
		keys->k[0] = hashkey[0] ^ UINT64_C(0xa0761d6478bd642f);
		keys->k[1] = UINT64_C(0xe7037ed1a0b428db);
		keys->k[2] = UINT64_C(0x8ebc6af09c88c6e3);
		keys->k[3] = UINT64_C(0x589965cc75374cc3);
		return;
	}
	memcpy(keys->k, hashkey, sizeof(keys->k));
}

uint64_t gl_gohash_mem(const struct gl_gohash_keys *k, const unsigned char *p, uint64_t n, uint64_t seed)
{
	if (k->arch == GL_GOHASH_386)
		return k->aes ? gl_gohash_386_mem(k->aeskeysched, p, n, (uint32_t)seed)
			      : gl_gohash_fb32_mem(k->k, p, n, (uint32_t)seed);
	if (!k->aes)
		return fallback(k, p, n, seed);
	return k->arch == GL_GOHASH_ARM64 ? gl_gohash_arm64_mem(k->aeskeysched, p, n, seed) : aeshash(k, p, n, seed);
}

static uint64_t word(const struct gl_gohash_keys *k, uint64_t v, int bytes, uint64_t seed)
{
	if (k->arch == GL_GOHASH_386)
		return k->aes ? gl_gohash_386_word(k->aeskeysched, v, bytes, (uint32_t)seed)
			      : gl_gohash_fb32_word(k->k, v, bytes, (uint32_t)seed);
	if (!k->aes)
		return mix(M5 ^ (uint64_t)bytes, mix(v ^ k->k[1], v ^ seed ^ k->k[0]));
	if (k->arch == GL_GOHASH_ARM64)
		return gl_gohash_arm64_word(k->aeskeysched, v, bytes, seed, k->go_minor);
	return aeshash_word(k, v, bytes, seed);
}

uint64_t gl_gohash_mem32(const struct gl_gohash_keys *k, uint32_t v, uint64_t seed)
{
	return word(k, v, 4, seed);
}

uint64_t gl_gohash_mem64(const struct gl_gohash_keys *k, uint64_t v, uint64_t seed)
{
	return word(k, v, 8, seed);
}

void gl_gohash_words(const struct gl_gohash_keys *k, const uint64_t *v, int n, int bytes, uint64_t seed,
		     uint64_t *out)
{
	int i = 0;
	if (k->arch == GL_GOHASH_AMD64 && k->aes) {
		uint64_t hi[GL_AES_LANES];
		while (i < n) {
			int lanes = n - i < GL_AES_LANES ? n - i : GL_AES_LANES;
			for (int j = 0; j < lanes; j++)
				hi[j] = bytes == 8 ? v[i + j] : v[i + j] & UINT32_MAX;
			if (!gl_host_aesenc3_u64s(seed, hi, lanes, k->aeskeysched, out + i))
				break; /* no AES-NI: one at a time in software */
			i += lanes;
		}
	}
	for (; i < n; i++)
		out[i] = word(k, bytes == 8 ? v[i] : v[i] & UINT32_MAX, bytes, seed);
}

/* runtime.c0 and c1: (8-hashSize)/4*32-bit constant + (hashSize-4)/4*64-bit one */
#define C0_64 UINT64_C(33054211828000289)
#define C1_64 UINT64_C(23344194077549503)
#define C0_32 UINT32_C(2860486313)
#define C1_32 UINT32_C(3267000013)

uint64_t gl_gohash_xor_c0(const struct gl_gohash_keys *k, uint64_t seed)
{
	return k->arch == GL_GOHASH_386 ? (uint32_t)(seed ^ C0_32) : seed ^ C0_64;
}

uint64_t gl_gohash_mul_c1(const struct gl_gohash_keys *k, uint64_t h)
{
	return k->arch == GL_GOHASH_386 ? (uint32_t)(C1_32 * (uint32_t)h) : C1_64 * h;
}

uint64_t gl_gohash_zero(const struct gl_gohash_keys *k, uint64_t seed)
{
	return gl_gohash_mul_c1(k, gl_gohash_xor_c0(k, seed));
}
