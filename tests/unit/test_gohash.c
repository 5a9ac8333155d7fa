/* The runtime's hash functions in software (core/runtime/gohash.c):
 * one AES round against FIPS-197's worked example, and memhash,
 * memhash32 and memhash64 against what the Go runtime itself computed
 * (gohash_vectors.inc: Go 1.25 and Go 1.22 on amd64, Go 1.26 and Go 1.22
 * on 386 and on arm64, Go 1.27 on all three, each with the AES hash and
 * with the fallback, every length class of both); Arm's AESE and AESMC
 * against FIPS-197. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/gohash.h"
#include "base/aes_host.h"

struct vec {
	int go_minor;
	bool aes;
	enum gl_gohash_arch arch;
	unsigned char aeskeysched[128];
	uint64_t hashkey[4];
	struct { int off, len; uint64_t seed, hash; } mem[34];
	struct { uint64_t v, seed, h64, h32; } words[8];
};

static const struct vec vecs[] = {
#include "gohash_vectors.inc"
};

/* FIPS-197 appendix B, round 1: the state at the start of the round, the
 * round key, and the state at the start of round 2. */
/* Each test runs twice: on the host's AES instructions where it has them
 * (state: &hw_on) and on the software round (&hw_off). */
static bool hw_on = true, hw_off = false;

static int pick_aes(void **state)
{
	gl_host_aes_enable(*(bool *)*state);
	return 0;
}

static int restore_aes(void **state)
{
	(void)state;
	gl_host_aes_enable(true);
	return 0;
}

static void test_aesenc_fips197(void **state)
{
	(void)state;
	unsigned char s[16] = {0x19, 0x3d, 0xe3, 0xbe, 0xa0, 0xf4, 0xe2, 0x2b,
			       0x9a, 0xc6, 0x8d, 0x2a, 0xe9, 0xf8, 0x48, 0x08};
	const unsigned char k[16] = {0xa0, 0xfa, 0xfe, 0x17, 0x88, 0x54, 0x2c, 0xb1,
				     0x23, 0xa3, 0x39, 0x39, 0x2a, 0x6c, 0x76, 0x05};
	const unsigned char want[16] = {0xa4, 0x9c, 0x7f, 0xf2, 0x68, 0x9f, 0x35, 0x2b,
					0x6b, 0x5b, 0xea, 0x43, 0x02, 0x6a, 0x50, 0x49};
	gl_aesenc(s, k);
	assert_memory_equal(s, want, 16);
}

/* The same round the Arm way: AESE with a zero key (ShiftRows, SubBytes),
 * AESMC (MixColumns), then the round key; and AESE's XOR comes first:
 * AESE(s, k) is SubBytes(ShiftRows(s ^ k)). */
static void test_aese_aesmc_fips197(void **state)
{
	(void)state;
	unsigned char s[16] = {0x19, 0x3d, 0xe3, 0xbe, 0xa0, 0xf4, 0xe2, 0x2b,
			       0x9a, 0xc6, 0x8d, 0x2a, 0xe9, 0xf8, 0x48, 0x08};
	const unsigned char zero[16] = {0};
	const unsigned char k[16] = {0xa0, 0xfa, 0xfe, 0x17, 0x88, 0x54, 0x2c, 0xb1,
				     0x23, 0xa3, 0x39, 0x39, 0x2a, 0x6c, 0x76, 0x05};
	const unsigned char want[16] = {0xa4, 0x9c, 0x7f, 0xf2, 0x68, 0x9f, 0x35, 0x2b,
					0x6b, 0x5b, 0xea, 0x43, 0x02, 0x6a, 0x50, 0x49};
	/* FIPS-197 appendix B: the round-1 state after SubBytes and ShiftRows */
	const unsigned char shifted[16] = {0xd4, 0xbf, 0x5d, 0x30, 0xe0, 0xb4, 0x52, 0xae,
					   0xb8, 0x41, 0x11, 0xf1, 0x1e, 0x27, 0x98, 0xe5};
	unsigned char t[16];
	memcpy(t, s, 16);
	gl_aese(t, zero);
	assert_memory_equal(t, shifted, 16);
	gl_aesmc(t);
	for (int i = 0; i < 16; i++)
		t[i] ^= k[i];
	assert_memory_equal(t, want, 16);
	/* the key goes in before the S-box: AESE(s ^ k, k) == AESE(s, 0) */
	for (int i = 0; i < 16; i++)
		t[i] = s[i] ^ k[i];
	gl_aese(t, k);
	assert_memory_equal(t, shifted, 16);
}

static void keys_of(const struct vec *v, struct gl_gohash_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->aes = v->aes;
	k->arch = v->arch;
	memcpy(k->aeskeysched, v->aeskeysched, sizeof(k->aeskeysched));
	gl_gohash_keys_fallback(k, v->hashkey, v->go_minor);
}

/* The host's round and the software round agree on states and keys that
 * run through every byte value (nothing to compare without AES-NI). */
static void test_aesenc_host_matches_software(void **state)
{
	(void)state;
	unsigned char s[16], k[16], hw[16];
	gl_host_aes_enable(true);
	memset(s, 0, 16);
	if (!gl_host_aesenc(s, s))
		skip();
	uint32_t x = 12345;
	for (int n = 0; n < 10000; n++) {
		for (int i = 0; i < 16; i++) {
			x = x * 1103515245u + 12345u;
			s[i] = (unsigned char)(x >> 16);
			x = x * 1103515245u + 12345u;
			k[i] = (unsigned char)(x >> 16);
		}
		memcpy(hw, s, 16);
		assert_true(gl_host_aesenc(hw, k));
		gl_host_aes_enable(false);
		gl_aesenc(s, k);
		gl_host_aes_enable(true);
		assert_memory_equal(s, hw, 16);
	}
}

static void test_runtime_vectors(void **state)
{
	(void)state;
	unsigned char data[700];
	for (int i = 0; i < 700; i++)
		data[i] = (unsigned char)(i * 7 + (i >> 3) + 1);
	int aes[3] = {0}, fallback[3] = {0};
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct gl_gohash_keys k;
		keys_of(v, &k);
		(v->aes ? aes : fallback)[v->arch] += 1;
		for (size_t j = 0; j < sizeof(v->mem) / sizeof(v->mem[0]); j++) {
			uint64_t h = gl_gohash_mem(&k, data + v->mem[j].off, (uint64_t)v->mem[j].len, v->mem[j].seed);
			if (h != v->mem[j].hash)
				fail_msg("go1.%d arch %d aes=%d memhash of %d bytes: 0x%llx, runtime 0x%llx",
					 v->go_minor, (int)v->arch, v->aes, v->mem[j].len, (unsigned long long)h,
					 (unsigned long long)v->mem[j].hash);
		}
		for (size_t j = 0; j < 8; j++) {
			assert_int_equal(gl_gohash_mem64(&k, v->words[j].v, v->words[j].seed), v->words[j].h64);
			assert_int_equal(gl_gohash_mem32(&k, (uint32_t)(v->words[j].v >> 7), v->words[j].seed),
					 v->words[j].h32);
		}
	}
	/* both algorithms of each architecture are covered (the generating
	 * CPUs had AES) */
	for (int a = GL_GOHASH_AMD64; a <= GL_GOHASH_ARM64; a++)
		assert_true(aes[a] >= 1 && fallback[a] >= 2);
}

/* Several one-word keys at once (eight lanes on AES-NI) give what each
 * gives alone, which the runtime's vectors pin: every count of keys up to
 * three batches, both widths, every architecture and algorithm. */
static void test_words_batch(void **state)
{
	(void)state;
	uint64_t v[20], out[20];
	uint32_t x = 777;
	for (int i = 0; i < 20; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = (uint64_t)x << 32 | (x * 2654435761u);
	}
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		struct gl_gohash_keys k;
		keys_of(&vecs[i], &k);
		uint64_t seed = vecs[i].words[0].seed;
		for (int n = 0; n <= 20; n++)
			for (int bytes = 4; bytes <= 8; bytes += 4) {
				memset(out, 0, sizeof(out));
				gl_gohash_words(&k, v, n, bytes, seed, out);
				for (int j = 0; j < n; j++)
					assert_int_equal(out[j], bytes == 8 ? gl_gohash_mem64(&k, v[j], seed)
									    : gl_gohash_mem32(&k, (uint32_t)v[j], seed));
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_aesenc_fips197, pick_aes, restore_aes, &hw_on),
		cmocka_unit_test_prestate_setup_teardown(test_aesenc_fips197, pick_aes, restore_aes, &hw_off),
		cmocka_unit_test_prestate_setup_teardown(test_runtime_vectors, pick_aes, restore_aes, &hw_on),
		cmocka_unit_test_prestate_setup_teardown(test_runtime_vectors, pick_aes, restore_aes, &hw_off),
		cmocka_unit_test_prestate_setup_teardown(test_words_batch, pick_aes, restore_aes, &hw_on),
		cmocka_unit_test_prestate_setup_teardown(test_words_batch, pick_aes, restore_aes, &hw_off),
		cmocka_unit_test(test_aesenc_host_matches_software),
		cmocka_unit_test(test_aese_aesmc_fips197),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
