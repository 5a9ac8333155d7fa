/* Little-endian integers of the target, as the bytes of a value hold them.
 * Every decoder reads words through these, with the width the target's
 * arch or the field's DWARF size gives, never an assumed 8. */
#ifndef GL_LE_H
#define GL_LE_H

#include <stdint.h>
#include <string.h>

/* An unsigned integer of size bytes (1..8; more reads the low 8). */
static inline uint64_t gl_get_uint(const unsigned char *p, uint64_t size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the commonest widths in one load on a little-endian host: the byte
	 * loop below cost a third of hashing a map's int keys */
	if (size == 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		return w;
	}
	if (size == 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		return w;
	}
#endif
	uint64_t v = 0;
	for (int i = (int)(size > 8 ? 8 : size) - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Store the low size bytes (1..8) of v, little-endian. */
static inline void gl_put_uint(unsigned char *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A signed integer of size bytes, sign-extended. */
static inline int64_t gl_get_int(const unsigned char *p, uint64_t size)
{
	uint64_t u = gl_get_uint(p, size);
	if (size < 8 && size > 0 && (u >> (size * 8 - 1)) & 1)
		u |= ~0ull << (size * 8);
	return (int64_t)u;
}

#endif
