/* The built-in runtime-layout database: what rtlayout.def's entries are in
 * the DWARF of each supported configuration (Go release x map
 * implementation x Green Tea, per GOARCH), recorded by
 * scripts/gen-rtlayout-db into rtlayout_db.inc, so that binaries built
 * without DWARF (-ldflags=-w, -ldflags='-s -w') can still be decoded.
 * tests/unit/check_rtlayout.c regenerates it from the fixtures and fails
 * when the checked-in file differs.
 *
 * An entry is chosen by the Go version and GOEXPERIMENT of the binary's
 * build info (gl_target's go_minor, map_impl, gc) and checked against the
 * binary before use (gl_rtdb_check): a wrong guess is reported, never
 * decoded. */
#ifndef GL_RTLAYOUT_DB_H
#define GL_RTLAYOUT_DB_H

#include "gotypes/rtlayout.h"

/* A type as far as the decoders look into it: the type, then its element,
 * and so on through arrays, pointers and slices (reflect.Kind, size,
 * array length); kind 0 ends the chain. */
#define GL_RTDB_DEPTH 4
struct gl_rtdb_level {
	uint8_t kind;
	uint64_t size, count;
};
struct gl_rtdb_type {
	const char *name; /* NULL: absent */
	struct gl_rtdb_level levels[GL_RTDB_DEPTH];
};

struct gl_rtdb_entry {
	const char *config;  /* the scripts/toolchains.txt label it was recorded from */
	int minor;           /* Go 1.x */
	unsigned variants;   /* GL_RTV_* */
	const char *goarch;
	struct {
		const char *name; /* the alternative DWARF had; NULL: absent */
		uint64_t size;
	} structs[GL_RTS__COUNT];
	struct {
		uint64_t off;
		struct gl_rtdb_type type; /* the field's type; name NULL: absent */
	} fields[GL_RTF__COUNT];
	struct {
		const char *name; /* the symbol (alternative DWARF had); NULL: absent */
		struct gl_rtdb_type type;
	} globals[GL_RTG__COUNT];
	struct {
		int64_t value;
		bool known; /* DWARF had it; else the .def's fallback applies */
	} consts[GL_RTC__COUNT];
};

extern const struct gl_rtdb_entry gl_rtdb_entries[];
extern const size_t gl_rtdb_count;

/* The entry recorded for a binary of this release, variants and GOARCH,
 * or NULL. */
const struct gl_rtdb_entry *gl_rtdb_find(int minor, unsigned variants, const char *goarch);
/* Whether entry e fits binary t, whose table L was filled from it: NULL,
 * or the first disagreement (malloc'd). Every global that applies
 * (applies[GL_RTG_*]) must have a symbol of its recorded size (when
 * required[]), the structs of the runtime's static instances (g0, m0,
 * mheap_, firstmoduledata) their symbols' sizes, and moduledata.types and
 * .gofunc must point into the image; those two are returned as the file
 * holds them (link-time). */
char *gl_rtdb_check(const struct gl_rtdb_entry *e, struct gl_target *t, const struct gl_rtlayout *L,
		    const bool *applies, const bool *required, uint64_t *types, uint64_t *gofunc);
/* Only the moduledata part of gl_rtdb_check (L's FIRSTMODULEDATA set). */
char *gl_rtdb_check_moduledata(struct gl_target *t, const struct gl_rtlayout *L, uint64_t *types,
			       uint64_t *gofunc);
/* runtime.firstmoduledata without a symbol table: the word in the
 * executable's data that holds the pclntab's address (moduledata.pcHeader
 * comes first); its link-time address. */
bool gl_rtdb_find_moduledata(struct gl_target *t, uint64_t *addr);
/* "go1.26 swiss maps greentea" (buf of len bytes). */
const char *gl_rtdb_describe(int minor, unsigned variants, char *buf, size_t len);

#endif
