/* The ELF symbol table (.symtab), for binaries built without DWARF but not
 * stripped (go build -ldflags=-w): the runtime's globals by name, with the
 * size the linker gave them. */
#ifndef GL_ELFSYMS_H
#define GL_ELFSYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "target/elffile.h"

/* Whether the executable has a symbol table (not -s). */
bool gl_elf_has_symtab(const struct gl_elf *elf);
/* A data or function symbol by name: its process address (the load bias
 * added) and st_size. False when absent or without a symbol table. */
bool gl_elf_symbol(const struct gl_elf *elf, const char *name, uint64_t *addr, uint64_t *size);

/* Every data object symbol (STT_OBJECT) whose process address is in
 * [lo, hi): fn(arg, name, addr, size); the names live as long as elf. */
void gl_elf_each_object(const struct gl_elf *elf, uint64_t lo, uint64_t hi,
			void (*fn)(void *arg, const char *name, uint64_t addr, uint64_t size), void *arg);

#endif
