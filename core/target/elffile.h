/* A minimal little-endian ELF reader (ELF64, and ELF32 for 386): sections
 * and reading the file's bytes by virtual address. Enough to find .gopclntab and to read
 * initialised data (runtime.buildVersion) without a process. */
#ifndef GL_ELFFILE_H
#define GL_ELFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct gl_elf_section {
	char *name;
	uint32_t type;
	uint64_t flags, addr, offset, size;
};

struct gl_elf {
	unsigned char *data; /* the whole file, read into memory */
	size_t size;
	uint16_t machine;
	bool pie;              /* ET_DYN: addresses in DWARF are relative to a load bias */
	uint8_t ptr_size;      /* 8 for ELFCLASS64, 4 for ELFCLASS32 */
	struct gl_elf_section *sections;
	size_t nsections;
};

struct gl_error *gl_elf_open(const char *path, struct gl_elf *elf);
void gl_elf_close(struct gl_elf *elf);
const struct gl_elf_section *gl_elf_section(const struct gl_elf *elf, const char *name);
/* Copy len bytes at virtual address addr from an allocated, file-backed
 * section. Fails on .bss or unmapped addresses. */
struct gl_error *gl_elf_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len);
/* The section containing a virtual address, or NULL. */
const struct gl_elf_section *gl_elf_section_at(const struct gl_elf *elf, uint64_t addr);
const char *gl_elf_machine_name(uint16_t machine);

#endif
