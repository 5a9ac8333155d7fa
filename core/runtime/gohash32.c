/* runtime/hash32.go (internal/runtime/maps/runtime_hash32.go from Go
 * 1.27, unchanged since Go 1.22): the hash a 32-bit runtime uses when
 * the CPU has no AES, keyed by hashkey[0..2]. */
#include "runtime/gohash.h"
#include "runtime/gohash_arch.h"
#include "base/le.h"

struct ab {
	uint32_t a, b;
};

static struct ab mix32(const uint64_t k[4], uint32_t a, uint32_t b)
{
	uint64_t c = (uint64_t)(a ^ (uint32_t)k[1]) * (b ^ (uint32_t)k[2]);
	return (struct ab){(uint32_t)c, (uint32_t)(c >> 32)};
}

static uint32_t r4(const unsigned char *p)
{
	return (uint32_t)gl_get_uint(p, 4);
}

uint32_t gl_gohash_fb32_mem(const uint64_t k[4], const unsigned char *p, uint64_t n, uint32_t seed)
{
	uint32_t s = (uint32_t)n;
	struct ab x = mix32(k, seed, s ^ (uint32_t)k[0]);
	if (s == 0)
		return x.a ^ x.b;
	for (; s > 8; s -= 8) {
		x.a ^= r4(p);
		x.b ^= r4(p + 4);
		x = mix32(k, x.a, x.b);
		p += 8;
	}
	if (s >= 4) {
		x.a ^= r4(p);
		x.b ^= r4(p + s - 4);
	} else {
		x.b ^= (uint32_t)p[0] | (uint32_t)p[s >> 1] << 8 | (uint32_t)p[s - 1] << 16;
	}
	x = mix32(k, x.a, x.b);
	x = mix32(k, x.a, x.b);
	return x.a ^ x.b;
}

/* memhash32Fallback (bytes 4): the value into both halves;
 * memhash64Fallback (bytes 8): its low half into a, high into b */
uint32_t gl_gohash_fb32_word(const uint64_t k[4], uint64_t v, int bytes, uint32_t seed)
{
	struct ab x = mix32(k, seed, (uint32_t)bytes ^ (uint32_t)k[0]);
	x.a ^= (uint32_t)v;
	x.b ^= bytes == 4 ? (uint32_t)v : (uint32_t)(v >> 32);
	x = mix32(k, x.a, x.b);
	x = mix32(k, x.a, x.b);
	return x.a ^ x.b;
}
