/* See aes_host.h. x86-64 only: the instruction is AESENC itself (the round
 * the Go runtime's amd64 and 386 hashes use), reached through the
 * compiler's intrinsics in a function compiled for AES-NI, and called only
 * when cpuid says the host has it. */
#include "base/aes_host.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <wmmintrin.h>

static int state = -1; /* -1 not asked yet, 0 no, 1 yes */

__attribute__((target("aes,sse2"))) static void round_ni(unsigned char s[16], const unsigned char key[16])
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i k = _mm_loadu_si128((const __m128i *)(const void *)key);
	_mm_storeu_si128((__m128i *)(void *)s, _mm_aesenc_si128(x, k));
}

__attribute__((target("aes,sse2"))) static void rounds_ni(unsigned char s[16], const unsigned char *keys, int n)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	for (int r = 0; r < n; r++)
		x = _mm_aesenc_si128(x, _mm_loadu_si128((const __m128i *)(const void *)(keys + 16 * r)));
	_mm_storeu_si128((__m128i *)(void *)s, x);
}

static bool have_aes(void)
{
	if (state < 0) {
		__builtin_cpu_init();
		state = __builtin_cpu_supports("aes") ? 1 : 0;
	}
	return state;
}

bool gl_host_aesenc(unsigned char s[16], const unsigned char key[16])
{
	if (!have_aes())
		return false;
	round_ni(s, key);
	return true;
}

bool gl_host_aesenc_rounds(unsigned char s[16], const unsigned char *keys, int n)
{
	if (!have_aes())
		return false;
	rounds_ni(s, keys, n);
	return true;
}

/* compiled for AES-NI as a whole (one call a key), entered only when
 * cpuid has said yes */
__attribute__((target("aes,sse2"))) bool gl_host_aesenc_rounds_u64(uint64_t lo, uint64_t hi, const unsigned char *keys,
								    int n, uint64_t *lo_out)
{
	if (state <= 0 && !have_aes())
		return false;
	__m128i x = _mm_set_epi64x((long long)hi, (long long)lo);
	for (int r = 0; r < n; r++)
		x = _mm_aesenc_si128(x, _mm_loadu_si128((const __m128i *)(const void *)(keys + 16 * r)));
	*lo_out = (uint64_t)_mm_cvtsi128_si64(x);
	return true;
}

__attribute__((target("aes,sse2"))) bool gl_host_aesenc3_u64s(uint64_t lo, const uint64_t *hi, int n,
							       const unsigned char *keys, uint64_t *out)
{
	if (n < 0 || n > GL_AES_LANES || (state <= 0 && !have_aes()))
		return false;
	const __m128i *kp = (const __m128i *)(const void *)keys;
	__m128i k0 = _mm_loadu_si128(kp), k1 = _mm_loadu_si128(kp + 1), k2 = _mm_loadu_si128(kp + 2);
	__m128i x[GL_AES_LANES];
	for (int i = 0; i < GL_AES_LANES; i++) /* all lanes: fixed trip counts the compiler unrolls */
		x[i] = _mm_set_epi64x((long long)(i < n ? hi[i] : 0), (long long)lo);
	for (int i = 0; i < GL_AES_LANES; i++)
		x[i] = _mm_aesenc_si128(x[i], k0);
	for (int i = 0; i < GL_AES_LANES; i++)
		x[i] = _mm_aesenc_si128(x[i], k1);
	for (int i = 0; i < GL_AES_LANES; i++)
		x[i] = _mm_aesenc_si128(x[i], k2);
	for (int i = 0; i < n; i++)
		out[i] = (uint64_t)_mm_cvtsi128_si64(x[i]);
	return true;
}

void gl_host_aes_enable(bool on)
{
	state = on ? -1 : 0;
}

#else

bool gl_host_aesenc(unsigned char s[16], const unsigned char key[16])
{
	(void)s;
	(void)key;
	return false;
}

bool gl_host_aesenc_rounds(unsigned char s[16], const unsigned char *keys, int n)
{
	(void)s;
	(void)keys;
	(void)n;
	return false;
}

bool gl_host_aesenc_rounds_u64(uint64_t lo, uint64_t hi, const unsigned char *keys, int n, uint64_t *lo_out)
{
	(void)lo;
	(void)hi;
	(void)keys;
	(void)n;
	(void)lo_out;
	return false;
}

bool gl_host_aesenc3_u64s(uint64_t lo, const uint64_t *hi, int n, const unsigned char *keys, uint64_t *out)
{
	(void)lo;
	(void)hi;
	(void)n;
	(void)keys;
	(void)out;
	return false;
}

void gl_host_aes_enable(bool on)
{
	(void)on;
}

#endif
