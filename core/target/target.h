/* The executable being debugged, as golayout understands it: ELF image,
 * DWARF index, pclntab, Go version and the runtime variants it was built
 * with (detected from its DWARF, not guessed from the version; without
 * DWARF, from the release and GOEXPERIMENT its build info records). */
#ifndef GL_TARGET_H
#define GL_TARGET_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "base/arch.h"
#include "target/dwarfinfo.h"
#include "target/mem.h"
#include "target/elffile.h"
#include "target/pclntab.h"

/* The Go releases golayout decodes the runtime of: the oldest it keeps
 * working with, and the newest tested (scripts/toolchains.txt). */
#define GL_GO_MIN_MINOR 22
#define GL_GO_MAX_MINOR 27

struct gl_rtlayout;

struct gl_target {
	char *path;
	time_t mtime;
	off_t fsize;
	struct gl_elf elf;
	struct gl_dwarf *dw;   /* NULL when the binary has no DWARF */
	char *dwarf_error;     /* why dw is NULL */
	struct gl_pclntab pcln;
	bool has_pcln;
	char go_version[64];   /* "go1.26.8", or "unknown" */
	int go_minor;          /* 26 for go1.26.x; 0 if unknown */
	const char *goarch;
	const struct gl_arch *arch; /* NULL: a machine golayout has no description for */
	int ptr_size;
	const char *map_impl;   /* "classic", "swiss", "unknown" */
	const char *map_groups; /* "interleaved", "split", "unknown", or NULL (classic) */
	const char *gc;         /* "greentea", "classic" */
	const char *variants_source; /* where map_impl and gc come from: "dwarf", "build info" */
	char goexperiment[128]; /* GOEXPERIMENT from the build info ("" when none) */
	/* map_impl, map_groups and gc as the release and GOEXPERIMENT of the
	 * build info imply them: what they are without DWARF */
	const char *bi_map_impl, *bi_map_groups, *bi_gc;
	uint64_t types_base;    /* firstmoduledata.types: base of DW_AT_go_runtime_type; 0 unknown
				 * (in the process: types_link + the load bias) */
	uint64_t types_link;    /* the same, link-time, as the file holds it */
	/* The runtime-layout table (gotypes/rtlayout.c), loaded on first use;
	 * freed through rt_free, which its loader sets. */
	struct gl_rtlayout *rt;
	void (*rt_free)(struct gl_rtlayout *rt);
	/* The DWARF variables on the stack at each pc the pointer-slot
	 * walk met (runtime/stackslot_names.c), freed through its function. */
	void *slot_names;
	void (*slot_names_free)(void *memo);
};

/* Opens with a load bias of 0: until gl_target_set_bias, the addresses of
 * the target are the file's. */
struct gl_error *gl_target_open(const char *path, struct gl_target **out);
/* The load bias of the process being read (process address - link-time
 * address; 0 for a fixed-address executable or without a process), set
 * before every command: the parsed executable outlives a run, the bias
 * does not. The ELF, pclntab and DWARF readers relocate what they give
 * with it, so nothing above the target layer sees a link-time address. */
void gl_target_set_bias(struct gl_target *t, uint64_t bias);
static inline uint64_t gl_target_bias(const struct gl_target *t)
{
	return t->elf.bias;
}
void gl_target_destroy(struct gl_target *t);
/* Whether the file on disk is still the one loaded. */
bool gl_target_is_current(const struct gl_target *t, const char *path);
/* Whether the executable is a Go program at all: it has the Go pclntab
 * (even stripped Go binaries keep it) or Go's build info. */
bool gl_target_is_go(const struct gl_target *t);
/* The DWARF, or a GL_ERR_NODWARF error saying why there is none. */
struct gl_error *gl_target_need_dwarf(struct gl_target *t);
/* What decoding runtime structures needs: DWARF and a Go release in
 * [GL_GO_MIN_MINOR, GL_GO_MAX_MINOR] (an unknown release is let through);
 * else an error whose message is one line saying so. */
struct gl_error *gl_target_need_runtime(struct gl_target *t);
/* The release check alone: what the built-in layouts (no DWARF) need. */
struct gl_error *gl_target_need_release(const struct gl_target *t);
/* A pointer-sized little-endian word of the target's memory at addr. */
struct gl_error *gl_target_read_word(const struct gl_target *t, struct gl_mem *m, uint64_t addr,
				     uint64_t *v);

#endif
