/* golayout map EXPR --key K: K as a key of the map's key type, in Go
 * literal syntax ("text", 42, -1.5, true, nil, 0xc000012345 for pointers,
 * Pair{A: 1, B: "x"} or {1, "x"} for structs, [3]int{1, 2, 3} or {1, 2, 3}
 * for arrays, nested), or else any expression golayout evaluates (a
 * variable of the key type). Literal strings live in the key's own
 * memory, read through its gl_key_reader. */
#ifndef GL_KEYLIT_H
#define GL_KEYLIT_H

#include "base/strbuf.h"
#include "runtime/maphash.h"
#include "target/ctx.h"

struct gl_keylit {
	unsigned char *bytes;      /* the key type's size */
	struct strbuf mem;         /* literal strings, at base + offset */
	uint64_t base;             /* GL_KEYLIT_BASE or GL_KEYLIT_BASE_32 */
	struct gl_key_reader rd;   /* reads mem, and target memory elsewhere */
	struct gl_ctx *c;
};

/* Addresses no Go program has: non-canonical on amd64 and arm64; on
 * 32-bit targets the pages below 64 KiB, which Linux never maps
 * (vm.mmap_min_addr), so literal strings there total under 60 KiB. */
#define GL_KEYLIT_BASE UINT64_C(0xfff0000000000000)
#define GL_KEYLIT_BASE_32 UINT64_C(0x1000)
#define GL_KEYLIT_MAX_32 (UINT64_C(0x10000) - GL_KEYLIT_BASE_32)

struct gl_error *gl_keylit_parse(struct gl_ctx *c, const struct gl_type *t, const char *text,
				 struct gl_keylit *out);
void gl_keylit_deinit(struct gl_keylit *k);

#endif
