/* The table headers of .debug_rnglists and .debug_loclists checked before
 * libdwarf sees them. libdwarf 0.5 (Debian 12) frees its list of tables
 * twice when a header in these sections is malformed (a unit length of
 * zero is enough: found by tests/fuzz/fuzz_elf.c), and it reads them while
 * it loads the first compilation unit, before any call of ours could
 * stop it. A binary whose headers are malformed is read without DWARF,
 * with one line saying why, instead of taking the debugger down. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/le.h"
#include "target/dwarfcheck.h"

#define SHF_COMPRESSED_FLAG 0x800u
#define ELFCOMPRESS_ZLIB_TYPE 1u
/* more than any Go binary's list sections, far less than memory */
#define MAX_LIST_SECTION (1ull << 30)

/* The first malformed table header in a DWARF 5 list section, as a
 * static message, or NULL: unit_length (with the 64-bit escape) fitting
 * the section, version 5, a 4- or 8-byte address size, no segment
 * selectors, and the offset array fitting its table. */
static const char *list_headers(const unsigned char *b, uint64_t n, uint64_t *at)
{
	uint64_t off = 0;
	while (off < n) {
		*at = off;
		if (n - off < 4)
			return "truncated unit length";
		uint64_t len = gl_get_uint(b + off, 4), hdr = 4, osize = 4;
		if (len == 0xffffffffu) {
			if (n - off < 12)
				return "truncated 64-bit unit length";
			len = gl_get_uint(b + off + 4, 8);
			hdr = 12;
			osize = 8;
		} else if (len >= 0xfffffff0u) {
			return "reserved unit length";
		}
		if (len < 8 || len > n - off - hdr)
			return "unit length outside the section";
		const unsigned char *h = b + off + hdr;
		if (gl_get_uint(h, 2) != 5)
			return "not version 5";
		if (h[2] != 4 && h[2] != 8)
			return "address size not 4 or 8";
		if (h[3] != 0)
			return "segment selectors";
		uint64_t count = gl_get_uint(h + 4, 4);
		if (count > (len - 8) / osize)
			return "offset array outside the table";
		off += hdr + len;
	}
	return NULL;
}

/* s's bytes, decompressed when SHF_COMPRESSED (*owned then malloc'd). */
static const unsigned char *section_bytes(const struct gl_elf *elf, const struct gl_elf_section *s, uint64_t *n,
					  unsigned char **owned, const char **why)
{
	*owned = NULL;
	if (s->offset > elf->size || s->size > elf->size - s->offset) {
		*why = "section outside the file";
		return NULL;
	}
	const unsigned char *b = elf->data + s->offset;
	if (!(s->flags & SHF_COMPRESSED_FLAG)) {
		*n = s->size;
		return b;
	}
	/* Elf32_Chdr: type, size, align (4 bytes each); Elf64_Chdr: type,
	 * reserved, size, align */
	uint64_t chdr = elf->ptr_size == 8 ? 24 : 12;
	if (s->size < chdr || gl_get_uint(b, 4) != ELFCOMPRESS_ZLIB_TYPE) {
		*why = "unknown compression";
		return NULL;
	}
	uint64_t full = elf->ptr_size == 8 ? gl_get_uint(b + 8, 8) : gl_get_uint(b + 4, 4);
	if (full > MAX_LIST_SECTION) {
		*why = "decompressed size too large";
		return NULL;
	}
	unsigned char *d = malloc(full ? full : 1);
	uLongf got = (uLongf)full;
	if (!d || uncompress(d, &got, b + chdr, (uLong)(s->size - chdr)) != Z_OK || got != full) {
		free(d);
		*why = d ? "does not decompress" : "out of memory";
		return NULL;
	}
	*owned = d;
	*n = full;
	return d;
}

struct gl_error *gl_dwarf_precheck(const struct gl_elf *elf)
{
	static const char *const names[] = {".debug_rnglists", ".debug_loclists"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct gl_elf_section *s = gl_elf_section(elf, names[i]);
		if (!s || s->type == 8 /* SHT_NOBITS */)
			continue;
		uint64_t n = 0, at = 0;
		unsigned char *owned;
		const char *why = NULL;
		const unsigned char *b = section_bytes(elf, s, &n, &owned, &why);
		if (b)
			why = list_headers(b, n, &at);
		free(owned);
		if (why)
			return gl_error_create(GL_ERR_CORRUPT, "%s is malformed (%s, table at offset 0x%llx): DWARF not read",
					       names[i], why, (unsigned long long)at);
	}
	return NULL;
}
