/* The Go symbol table (.gopclntab, Go 1.18+ format): functions by PC and
 * the pcsp table that gives each PC's frame size. Used to compute the CFA
 * without the debugger's help, identically in gdb and lldb. */
#ifndef GL_PCLNTAB_H
#define GL_PCLNTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "target/elffile.h"
#include "base/error.h"

struct gl_pclntab {
	const unsigned char *data;
	uint64_t size;
	uint32_t magic;
	uint8_t min_lc, ptr_size;
	uint64_t nfunc, text_start; /* text_start: link-time */
	uint64_t funcname_off, cu_off, filetab_off, pctab_off, pcln_off;
	const struct gl_elf *elf;
	uint64_t gofunc;  /* moduledata.gofunc (link-time): base of funcdata offsets; 0 unknown */
	uint64_t rodata;  /* moduledata.rodata (link-time): base of stack objects' gcdata; 0 unknown */
	/* What lookups found before (NULL: no cache): 100,000 goroutines
	 * parked at the same few PCs ask the same questions. */
	struct gl_pcln_cache *cache;
};

/* One level of inlining at a pc, innermost first. */
struct gl_inline {
	const char *func;
	const char *file;
	int64_t line;
};

struct gl_pcfunc {
	uint64_t entry;
	const char *name; /* points into the table; NUL-terminated there */
	uint32_t pcsp, pcfile, pcln, cu;
	int32_t args;
	uint32_t deferreturn; /* offset of the deferreturn call from entry, 0: none */
	uint32_t npcdata;
	uint8_t nfuncdata;
	uint64_t off;      /* of the _func in the table */
};

/* data must outlive the table (it points into the ELF image). */
struct gl_error *gl_pclntab_init(struct gl_pclntab *t, const struct gl_elf *elf);
void gl_pclntab_deinit(struct gl_pclntab *t);
/* The function holding process address pc; f->entry is a process address
 * too (the load bias of t->elf applied), as are the PCs the functions
 * below take. */
bool gl_pclntab_func(const struct gl_pclntab *t, uint64_t pc, struct gl_pcfunc *f);
/* Source position of pc: file name (points into the table) and line. */
bool gl_pclntab_line(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc,
		     const char **file, int64_t *line);
/* The functions inlined at pc, innermost first, ending with f itself;
 * returns how many were stored (at least 1). */
size_t gl_pclntab_inlined(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc,
			  struct gl_inline *out, size_t max);
/* Frame size (bytes below the return address) at pc; -1 if unknown. */
int64_t gl_pclntab_spdelta(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc);
/* runtime.pcdatavalue: the value of f's PCDATA table `table` at pc, -1
 * when f has no such table or it says nothing for pc. */
int64_t gl_pclntab_pcdata(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint32_t table,
			  uint64_t pc);
/* runtime.funcdata: the link-time address of f's FUNCDATA `i`
 * (moduledata.gofunc + its offset); false when f has none or gofunc is
 * unknown. Read it with gl_elf_read_link. */
bool gl_pclntab_funcdata(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint8_t i,
			 uint64_t *link_addr);

#endif
