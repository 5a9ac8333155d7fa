/* One AES encryption round on the host's own AES instructions, when it has
 * them: hashing a million map keys in software AES costs a tenth of a
 * second, on AES-NI a few milliseconds. The software round stays the
 * reference (and what hosts without AES-NI use). */
#ifndef GL_AES_HOST_H
#define GL_AES_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* AESENC state, key (ShiftRows, SubBytes, MixColumns, XOR key) on the host
 * CPU; false, state untouched, when the host cannot. */
bool gl_host_aesenc(unsigned char state[16], const unsigned char key[16]);

/* n rounds in a row, round r keyed by keys + 16 r: one call (and one
 * load and store of the state) instead of n. */
bool gl_host_aesenc_rounds(unsigned char state[16], const unsigned char *keys, int n);

/* The same on the state (lo, hi) (little-endian quadwords), built and
 * read in registers: a hash of one word, the commonest map key, would
 * otherwise store the state as two 8-byte halves and load it as one
 * 16-byte vector, a store-forwarding stall that costs more than the three
 * rounds. *lo_out: the low quadword of the result. */
bool gl_host_aesenc_rounds_u64(uint64_t lo, uint64_t hi, const unsigned char *keys, int n, uint64_t *lo_out);

/* Three rounds on each of n <= 8 states (lo, hi[i]), interleaved: one
 * AESENC's result waits four cycles or so for the next round, which eight
 * independent states fill. out[i]: the low quadwords. */
#define GL_AES_LANES 8
bool gl_host_aesenc3_u64s(uint64_t lo, const uint64_t *hi, int n, const unsigned char *keys, uint64_t *out);

/* Tests: false makes gl_host_aesenc refuse, so that the software round is
 * what runs. */
void gl_host_aes_enable(bool on);

#endif
