/* The executable's relative relocations: where the dynamic loader adds the
 * load bias to a pointer of a position-independent executable. Reading the
 * file "as loaded" (gl_elf_read_vaddr) applies them, so that a pointer read
 * from the file's initialised data (runtime.buildVersion's bytes,
 * runtime.waitReasonStrings' entries) is the address the process uses. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/le.h"
#include "target/elffile.h"

/* The relocation type that means "load bias + addend" on each machine. */
static uint32_t relative_type(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return R_X86_64_RELATIVE;
	case EM_AARCH64: return R_AARCH64_RELATIVE;
	case EM_386: return R_386_RELATIVE;
	default: return 0;
	}
}

static int reloc_cmp(const void *a, const void *b)
{
	const struct gl_elf_reloc *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One SHT_RELA or SHT_REL section's relative entries into elf->relocs. A
 * REL entry keeps its addend in the word it relocates (read from the file);
 * a RELA entry carries it, whatever the linker left in the word. */
static bool add_section(struct gl_elf *elf, const struct gl_elf_section *s, uint32_t rtype,
			size_t *cap)
{
	bool is64 = elf->ptr_size == 8, rela = s->type == SHT_RELA;
	size_t w = elf->ptr_size, entsize = (rela ? 3 : 2) * w;
	if (s->offset > elf->size || s->size > elf->size - s->offset)
		return true; /* a bad section table: no relocations from it */
	const unsigned char *p = elf->data + s->offset;
	for (uint64_t at = 0; at + entsize <= s->size; at += entsize) {
		uint64_t off = gl_get_uint(p + at, w), info = gl_get_uint(p + at + w, w);
		uint32_t type = is64 ? (uint32_t)ELF64_R_TYPE(info) : ELF32_R_TYPE((uint32_t)info);
		if (type != rtype)
			continue;
		uint64_t addend = 0;
		if (rela) {
			addend = gl_get_uint(p + at + 2 * w, w);
		} else {
			unsigned char word[8];
			struct gl_error *err = gl_elf_read_link(elf, off, word, w);
			gl_error_destroy(err);
			if (err)
				continue;
			addend = gl_get_uint(word, w);
		}
		if (!GL_ARRAY_RESERVE(elf->relocs, *cap, elf->nrelocs, 1024))
			return false;
		elf->relocs[elf->nrelocs++] = (struct gl_elf_reloc){off, addend};
	}
	return true;
}

bool gl_elf_load_relocs(struct gl_elf *elf)
{
	uint32_t rtype = relative_type(elf->machine);
	size_t cap = 0;
	if (!elf->pie || !rtype)
		return true;
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct gl_elf_section *s = &elf->sections[i];
		if ((s->type == SHT_RELA || s->type == SHT_REL) && !add_section(elf, s, rtype, &cap))
			return false;
	}
	if (elf->nrelocs)
		qsort(elf->relocs, elf->nrelocs, sizeof(*elf->relocs), reloc_cmp);
	return true;
}

void gl_elf_apply_relocs(const struct gl_elf *elf, uint64_t link, unsigned char *buf, size_t len)
{
	size_t w = elf->ptr_size, lo = 0, hi = elf->nrelocs;
	/* the first relocated word that ends after link */
	uint64_t from = link >= w ? link - w + 1 : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (elf->relocs[mid].addr < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < elf->nrelocs && elf->relocs[i].addr < link + len; i++) {
		unsigned char word[8];
		uint64_t at = elf->relocs[i].addr, v = elf->relocs[i].addend + elf->bias;
		for (size_t b = 0; b < w; b++) /* little-endian */
			word[b] = (unsigned char)(v >> (8 * b));
		/* copy the part of the word that lies in [link, link+len) */
		size_t skip = at < link ? (size_t)(link - at) : 0;
		size_t dst = at < link ? 0 : (size_t)(at - link);
		size_t n = w - skip;
		if (n > len - dst)
			n = len - dst;
		memcpy(buf + dst, word + skip, n);
	}
}
