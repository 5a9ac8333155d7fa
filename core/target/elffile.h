/* A minimal little-endian ELF reader (ELF64, and ELF32 for 386): sections
 * and reading the file's bytes by virtual address. Enough to find .gopclntab and to read
 * initialised data (runtime.buildVersion) without a process.
 *
 * Two kinds of addresses: the link-time ones the file itself holds (section
 * headers, the pclntab's offsets) and the process's, which differ by the
 * load bias of a position-independent executable (gl_elf_set_bias; 0
 * without a process, and always for a fixed-address executable).
 * gl_elf_section_at and gl_elf_read_vaddr take the process's addresses and
 * give the bytes as the loader made them (relative relocations applied);
 * gl_elf_read_link reads the file as it is, by link-time address. */
#ifndef GL_ELFFILE_H
#define GL_ELFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct gl_elf_section {
	char *name;
	uint32_t type;
	uint64_t flags, addr, offset, size; /* addr: link-time (gl_elf_section_start) */
};

/* A relative relocation: the word at link-time address addr holds
 * load bias + addend in the process. */
struct gl_elf_reloc {
	uint64_t addr, addend;
};

struct gl_elf {
	unsigned char *data; /* the whole file, read into memory */
	size_t size;
	uint16_t machine;
	bool pie;              /* ET_DYN: addresses in DWARF are relative to a load bias */
	uint8_t ptr_size;      /* 8 for ELFCLASS64, 4 for ELFCLASS32 */
	struct gl_elf_section *sections;
	size_t nsections;
	struct gl_elf_reloc *relocs; /* relative relocations by addr (PIE only) */
	size_t nrelocs;
	/* Process address - link-time address of the process being read:
	 * per process, set before each command (gl_target_set_bias), never
	 * kept from one run to the next. */
	uint64_t bias;
};

struct gl_error *gl_elf_open(const char *path, struct gl_elf *elf);
void gl_elf_close(struct gl_elf *elf);
const struct gl_elf_section *gl_elf_section(const struct gl_elf *elf, const char *name);
/* Copy len bytes at process address addr from an allocated, file-backed
 * section, relocated as the loader does. Fails on .bss or unmapped
 * addresses. */
struct gl_error *gl_elf_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len);
/* The same without an error (none is formatted): for a caller that only
 * asks whether the bytes are there. */
bool gl_elf_try_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len);
/* The same at a link-time address, the file's bytes as they are: for the
 * addresses the file itself holds (funcdata, relocation targets). */
struct gl_error *gl_elf_read_link(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len);
/* The allocated section containing a process address, or NULL. */
const struct gl_elf_section *gl_elf_section_at(const struct gl_elf *elf, uint64_t addr);
/* Where an allocated section starts in the process. */
static inline uint64_t gl_elf_section_start(const struct gl_elf *elf, const struct gl_elf_section *s)
{
	return s->addr + elf->bias;
}
static inline void gl_elf_set_bias(struct gl_elf *elf, uint64_t bias)
{
	elf->bias = bias;
}

const char *gl_elf_machine_name(uint16_t machine);

#endif
