#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/elffile.h"

static struct gl_error *read_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gl_error_create(GL_ERR_EXECUTABLE, "cannot open %s", path);
	struct gl_error *err = NULL;
	if (fseek(f, 0, SEEK_END) != 0) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "cannot read %s", path);
		goto out;
	}
	long n = ftell(f);
	rewind(f);
	if (n <= 0) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s is empty", path);
		goto out;
	}
	*data = malloc((size_t)n);
	if (!*data) {
		err = &gl_error_nomem;
		goto out;
	}
	if (fread(*data, 1, (size_t)n, f) != (size_t)n) {
		free(*data);
		*data = NULL;
		err = gl_error_create(GL_ERR_EXECUTABLE, "cannot read %s", path);
		goto out;
	}
	*size = (size_t)n;
out:
	fclose(f);
	return err;
}

struct gl_error *gl_elf_open(const char *path, struct gl_elf *elf)
{
	memset(elf, 0, sizeof(*elf));
	struct gl_error *err = read_file(path, &elf->data, &elf->size);
	if (err)
		return err;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf->data;
	if (elf->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		err = gl_error_create(GL_ERR_UNSUPPORTED, "%s is not a 64-bit little-endian ELF file", path);
		goto fail;
	}
	elf->machine = eh->e_machine;
	elf->pie = eh->e_type == ET_DYN;
	elf->ptr_size = 8;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > elf->size ||
	    (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > elf->size - eh->e_shoff ||
	    eh->e_shstrndx >= eh->e_shnum) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s has no usable section table", path);
		goto fail;
	}
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(elf->data + eh->e_shoff);
	const Elf64_Shdr *strsh = &sh[eh->e_shstrndx];
	if (strsh->sh_offset > elf->size || strsh->sh_size > elf->size - strsh->sh_offset) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s: bad section name table", path);
		goto fail;
	}
	elf->sections = calloc(eh->e_shnum, sizeof(*elf->sections));
	if (!elf->sections) {
		err = &gl_error_nomem;
		goto fail;
	}
	for (size_t i = 0; i < eh->e_shnum; i++) {
		struct gl_elf_section *s = &elf->sections[elf->nsections];
		if (sh[i].sh_name >= strsh->sh_size)
			continue;
		const char *nm = (const char *)elf->data + strsh->sh_offset + sh[i].sh_name;
		size_t maxlen = strsh->sh_size - sh[i].sh_name;
		s->name = strndup(nm, maxlen);
		if (!s->name) {
			err = &gl_error_nomem;
			goto fail;
		}
		s->type = sh[i].sh_type;
		s->flags = sh[i].sh_flags;
		s->addr = sh[i].sh_addr;
		s->offset = sh[i].sh_offset;
		s->size = sh[i].sh_size;
		elf->nsections++;
	}
	return NULL;
fail:
	gl_elf_close(elf);
	return err;
}

void gl_elf_close(struct gl_elf *elf)
{
	for (size_t i = 0; i < elf->nsections; i++)
		free(elf->sections[i].name);
	free(elf->sections);
	free(elf->data);
	memset(elf, 0, sizeof(*elf));
}

const struct gl_elf_section *gl_elf_section(const struct gl_elf *elf, const char *name)
{
	for (size_t i = 0; i < elf->nsections; i++)
		if (strcmp(elf->sections[i].name, name) == 0)
			return &elf->sections[i];
	return NULL;
}

const struct gl_elf_section *gl_elf_section_at(const struct gl_elf *elf, uint64_t addr)
{
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct gl_elf_section *s = &elf->sections[i];
		if ((s->flags & SHF_ALLOC) && addr >= s->addr && addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

struct gl_error *gl_elf_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len)
{
	const struct gl_elf_section *s = gl_elf_section_at(elf, addr);
	if (!s || s->type == SHT_NOBITS || len > s->size - (addr - s->addr) ||
	    s->offset + (addr - s->addr) + len > elf->size)
		return gl_error_fault(addr, "0x%llx is not initialised data in the executable",
				      (unsigned long long)addr);
	memcpy(buf, elf->data + s->offset + (addr - s->addr), len);
	return NULL;
}

const char *gl_elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "amd64";
	case EM_AARCH64: return "arm64";
	case EM_386: return "386";
	case EM_RISCV: return "riscv64";
	case EM_PPC64: return "ppc64le";
	case EM_S390: return "s390x";
	default: return "unknown";
	}
}
