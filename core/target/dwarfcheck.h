/* Checks of a binary's DWARF that must run before libdwarf reads it
 * (see dwarfcheck.c for why). */
#ifndef GL_DWARFCHECK_H
#define GL_DWARFCHECK_H

#include "base/error.h"
#include "target/elffile.h"

/* NULL, or why the DWARF must not be handed to libdwarf. */
struct gl_error *gl_dwarf_precheck(const struct gl_elf *elf);

#endif
