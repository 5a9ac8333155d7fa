/* A linear walk of .symtab: the table is looked up a few dozen times per
 * target (the runtime-layout table's globals), once each. */
#include <elf.h>
#include <string.h>

#include "base/le.h"
#include "target/elfsyms.h"

bool gl_elf_has_symtab(const struct gl_elf *elf)
{
	const struct gl_elf_section *s = gl_elf_section(elf, ".symtab");
	return s && s->type == SHT_SYMTAB && s->size;
}

bool gl_elf_symbol(const struct gl_elf *elf, const char *name, uint64_t *addr, uint64_t *size)
{
	const struct gl_elf_section *sym = gl_elf_section(elf, ".symtab");
	const struct gl_elf_section *str = gl_elf_section(elf, ".strtab");
	if (!sym || !str || sym->type != SHT_SYMTAB || sym->offset > elf->size ||
	    sym->size > elf->size - sym->offset || str->offset > elf->size || str->size > elf->size - str->offset)
		return false;
	bool is64 = elf->ptr_size == 8;
	size_t ent = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym), nlen = strlen(name);
	const unsigned char *p = elf->data + sym->offset, *strs = elf->data + str->offset;
	for (uint64_t at = 0; at + ent <= sym->size; at += ent) {
		/* st_name first in both classes; value and size differ in place */
		uint32_t nm = (uint32_t)gl_get_uint(p + at, 4);
		if (nm >= str->size || str->size - nm <= nlen || memcmp(strs + nm, name, nlen + 1))
			continue;
		uint64_t v = is64 ? gl_get_uint(p + at + 8, 8) : gl_get_uint(p + at + 4, 4);
		uint64_t sz = is64 ? gl_get_uint(p + at + 16, 8) : gl_get_uint(p + at + 8, 4);
		if (!v)
			continue; /* undefined */
		*addr = v + elf->bias;
		*size = sz;
		return true;
	}
	return false;
}

void gl_elf_each_object(const struct gl_elf *elf, uint64_t lo, uint64_t hi,
			void (*fn)(void *arg, const char *name, uint64_t addr, uint64_t size), void *arg)
{
	const struct gl_elf_section *sym = gl_elf_section(elf, ".symtab");
	const struct gl_elf_section *str = gl_elf_section(elf, ".strtab");
	if (!sym || !str || sym->type != SHT_SYMTAB || sym->offset > elf->size ||
	    sym->size > elf->size - sym->offset || str->offset > elf->size || str->size > elf->size - str->offset ||
	    !str->size || elf->data[str->offset + str->size - 1])
		return;
	bool is64 = elf->ptr_size == 8;
	size_t ent = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	const unsigned char *p = elf->data + sym->offset;
	const char *strs = (const char *)elf->data + str->offset;
	for (uint64_t at = 0; at + ent <= sym->size; at += ent) {
		uint32_t nm = (uint32_t)gl_get_uint(p + at, 4);
		unsigned char info = is64 ? p[at + 4] : p[at + 12];
		if (nm >= str->size || ELF64_ST_TYPE(info) != STT_OBJECT)
			continue;
		uint64_t v = is64 ? gl_get_uint(p + at + 8, 8) : gl_get_uint(p + at + 4, 4);
		uint64_t sz = is64 ? gl_get_uint(p + at + 16, 8) : gl_get_uint(p + at + 8, 4);
		if (!v || v + elf->bias < lo || v + elf->bias >= hi)
			continue;
		fn(arg, strs + nm, v + elf->bias, sz);
	}
}
