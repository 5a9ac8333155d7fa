/* See gohash.h. The AES primitives, amd64's AES hash and the 64-bit
 * fallback; gohash_386.c, gohash_arm64.c and gohash32.c hold the others.
 * The amd64 hash follows aeshashbody, aeshash32 and aeshash64 of the
 * runtime's assembly instruction by instruction: in Go's operand order,
 * "AESENC X1, X2" is X2 = round(X2) ^ X1. */
#include <string.h>

#include "runtime/gohash.h"
#include "runtime/gohash_arch.h"
#include "base/aes_host.h"
#include "base/le.h"

static const unsigned char sbox[256] = {
	0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
	0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
	0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
	0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
	0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
	0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
	0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
	0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
	0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
	0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
	0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
	0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
	0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
	0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
	0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
	0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static unsigned char xtime(unsigned char b)
{
	return (unsigned char)((b << 1) ^ ((b & 0x80) ? 0x1b : 0));
}

/* ShiftRows then SubBytes (they commute); the state is column-major:
 * byte r + 4c is row r of column c, as both x86 and Arm lay it out */
static void shift_sub(unsigned char s[16])
{
	unsigned char t[16];
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < 4; r++)
			t[r + 4 * c] = sbox[s[r + 4 * ((c + r) % 4)]];
	memcpy(s, t, 16);
}

void gl_aesmc(unsigned char s[16])
{
	for (int c = 0; c < 4; c++) {
		unsigned char *col = s + 4 * c;
		unsigned char a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
		unsigned char all = a0 ^ a1 ^ a2 ^ a3;
		col[0] = a0 ^ all ^ xtime(a0 ^ a1);
		col[1] = a1 ^ all ^ xtime(a1 ^ a2);
		col[2] = a2 ^ all ^ xtime(a2 ^ a3);
		col[3] = a3 ^ all ^ xtime(a3 ^ a0);
	}
}

void gl_aesenc(unsigned char s[16], const unsigned char key[16])
{
	if (gl_host_aesenc(s, key))
		return;
	shift_sub(s);
	gl_aesmc(s);
	for (int i = 0; i < 16; i++)
		s[i] ^= key[i];
}

void gl_aese(unsigned char s[16], const unsigned char key[16])
{
	for (int i = 0; i < 16; i++)
		s[i] ^= key[i];
	shift_sub(s);
}

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
	xmm x = {{0}};
	gl_put_uint(x.b, 8, seed);
	gl_put_uint(x.b + 8, (unsigned)bytes, v);
	if (!gl_host_aesenc_rounds(x.b, k->aeskeysched, 3))
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
