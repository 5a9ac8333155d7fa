/* One table of the Go runtime's layouts: the structs, fields, globals and
 * constants golayout reads (listed, with why, in rtlayout.def), loaded from
 * a target's DWARF once and kept with the target. A decoder asks by id:
 *
 *	const struct gl_rtlayout *L;
 *	if ((err = gl_rt_load(c->t, &L)))      // DWARF or the built-in table, supported Go version
 *		return err;
 *	if ((err = gl_rt_need(L, GL_RTF_MSPAN_NPAGES, GL_RTF_MSPAN_STATE)))
 *		return err;                    // names the first missing field
 *	uint64_t npages = gl_rt_get(L, GL_RTF_MSPAN_NPAGES, span_bytes);
 *	int64_t in_use = gl_rt_const(L, GL_RTC_MSPAN_IN_USE);
 *
 * Entries outside the binary's variant (classic or swiss maps, Green Tea)
 * or Go release are absent; constants then still give their fallback,
 * which tests/unit/check_rtlayout.c keeps equal to every tested DWARF. */
#ifndef GL_RTLAYOUT_H
#define GL_RTLAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arch.h"
#include "base/error.h"
#include "target/target.h"
#include "target/types.h"

enum gl_rts {
#define STRUCT(id, ...) GL_RTS_##id,
#include "gotypes/rtlayout.def"
	GL_RTS__COUNT
};
enum gl_rtf {
#define FIELD(id, ...) GL_RTF_##id,
#include "gotypes/rtlayout.def"
	GL_RTF__COUNT
};
enum gl_rtg {
#define GLOBAL(id, ...) GL_RTG_##id,
#include "gotypes/rtlayout.def"
	GL_RTG__COUNT
};
enum gl_rtc {
#define CONST(id, ...) GL_RTC_##id,
#include "gotypes/rtlayout.def"
	GL_RTC__COUNT
};

/* Runtime variants an entry can belong to (bits; V_ANY is 0). */
enum {
	GL_RTV_ANY = 0,
	GL_RTV_CLASSIC = 1u << 0,  /* classic hashmaps */
	GL_RTV_SWISS = 1u << 1,    /* swiss-table maps */
	GL_RTV_GREENTEA = 1u << 2, /* Green Tea GC */
	/* GOEXPERIMENT=nosynchashtriemap (Go 1.24, 1.25): sync.Map as the
	 * read-only and dirty maps of before 1.24, not the hash-trie */
	GL_RTV_NOSYNCTRIE = 1u << 3,
};

/* What the table says of one entry, as declared (for checks and errors). */
struct gl_rt_desc {
	const char *id;      /* "MSPAN_NPAGES" */
	const char *names;   /* DWARF names or field path, '|' between alternatives */
	int parent;          /* fields: enum gl_rts of the struct; else -1 */
	unsigned variant;    /* GL_RTV_* bits the binary must have */
	int min_minor, max_minor; /* Go 1.x releases (max 0: open) */
	bool required;
	const char *why;
};

struct gl_rt_struct {
	const struct gl_type *type; /* NULL: absent */
	const char *name;           /* the alternative found */
};
struct gl_rt_field {
	uint64_t off;               /* from the struct's start (nested paths summed) */
	uint64_t size;              /* of the field's type */
	const struct gl_type *type;
	bool present;
};
struct gl_rt_global {
	uint64_t addr;
	const struct gl_type *type;
	bool present;
};
struct gl_rt_konst {
	int64_t value;       /* DWARF's, else the fallback */
	int64_t fallback;
	bool applies;        /* the entry belongs to this binary's variant and release */
	bool from_dwarf;
};

struct gl_rtlayout {
	const struct gl_arch *arch; /* NULL: an ELF machine golayout has no description for */
	unsigned ptr_size;
	unsigned variants;          /* GL_RTV_* of the binary */
	int go_minor;
	struct gl_rt_struct structs[GL_RTS__COUNT];
	struct gl_rt_field fields[GL_RTF__COUNT];
	struct gl_rt_global globals[GL_RTG__COUNT];
	struct gl_rt_konst consts[GL_RTC__COUNT];
	uint64_t bias;              /* the load bias globals[].addr include */
	/* Where the layouts come from: "DWARF", or "built-in table go1.26
	 * swiss greentea (no DWARF)". */
	char source[96];
	/* Set when the layouts cannot be used (no DWARF and no built-in entry
	 * that fits the binary): the one-line reason gl_rt_load gives. */
	char *unusable;
	/* Set when the layouts are usable but the runtime's globals cannot be
	 * found (no DWARF, no symbol table): gl_rt_load refuses with it,
	 * gl_rt_load_types does not. */
	char *no_symbols;
	/* With no_symbols: the globals searched for in memory by their
	 * layout signatures (gotypes/rtglobals.c), when, and for each one
	 * still absent why (static text). */
	struct {
		bool ran;
		uint64_t stop;          /* gl_mem stop id of the last search */
		const char *why[GL_RTG__COUNT];
	} search;
	/* Types made for the built-in table's entries (rtlayout_db_load),
	 * freed with the table. */
	struct gl_type **made;
	size_t nmade;
};

/* The table of t, loaded on first use and freed with t (its globals'
 * addresses follow t's load bias from one run to the next); fails with the
 * reason when t has no DWARF or its Go release is outside the supported
 * range (gl_target_need_runtime). */
struct gl_error *gl_rt_load(struct gl_target *t, const struct gl_rtlayout **out);
/* The same, also when the runtime's globals cannot be found (a binary
 * built with -ldflags='-s -w'): for decoders of values at addresses the
 * user gives and of type descriptors, which need the layouts but no
 * global (firstmoduledata is present when it could be found without). */
struct gl_error *gl_rt_load_types(struct gl_target *t, const struct gl_rtlayout **out);
/* A table from the built-in database for t's build info, even when t has
 * DWARF (to check the database against binaries with DWARF); L->unusable
 * says why it cannot be used. Freed with gl_rt_free. */
struct gl_rtlayout *gl_rt_builtin(struct gl_target *t);
void gl_rt_free(struct gl_rtlayout *L);
/* The same without the release check (tests, golayout version); NULL
 * without memory. Without DWARF the built-in table (rtlayout_db.h) is
 * used when an entry fits the binary, else L->unusable says why. */
const struct gl_rtlayout *gl_rt_of(struct gl_target *t);

static inline struct gl_rt_field gl_rt_field(const struct gl_rtlayout *L, enum gl_rtf f)
{
	return L->fields[f];
}
static inline const struct gl_type *gl_rt_struct(const struct gl_rtlayout *L, enum gl_rts s)
{
	return L->structs[s].type;
}
static inline struct gl_rt_global gl_rt_global(const struct gl_rtlayout *L, enum gl_rtg g)
{
	return L->globals[g];
}
/* A constant's value: DWARF's, else the fallback. */
static inline int64_t gl_rt_const(const struct gl_rtlayout *L, enum gl_rtc k)
{
	return L->consts[k].value;
}
/* Whether the constant exists in this binary's release and variant. */
static inline bool gl_rt_has_const(const struct gl_rtlayout *L, enum gl_rtc k)
{
	return L->consts[k].applies;
}
/* The field's value in the struct bytes at base (its DWARF size, at most
 * 8 bytes, little-endian); 0 when the field is absent. */
uint64_t gl_rt_get(const struct gl_rtlayout *L, enum gl_rtf f, const unsigned char *base);
/* A pointer-sized word of the target at p. */
uint64_t gl_rt_word(const struct gl_rtlayout *L, const unsigned char *p);

/* NULL when every listed field is present, else a GL_ERR_NODWARF error
 * naming the first one missing. gl_rt_need(L, GL_RTF_A, GL_RTF_B, ...). */
struct gl_error *gl_rt_need_fields(const struct gl_rtlayout *L, const enum gl_rtf *ids, size_t n);
/* The first of the listed fields that is absent, or -1. */
int gl_rt_missing_field(const struct gl_rtlayout *L, const enum gl_rtf *ids, size_t n);
#define GL_RTF_LIST(...) (const enum gl_rtf[]){__VA_ARGS__}, \
	sizeof((const enum gl_rtf[]){__VA_ARGS__}) / sizeof(enum gl_rtf)
#define gl_rt_need(L, ...) gl_rt_need_fields((L), GL_RTF_LIST(__VA_ARGS__))
/* Whether every listed field is present (no error object to free). */
#define gl_rt_have(L, ...) (gl_rt_missing_field((L), GL_RTF_LIST(__VA_ARGS__)) < 0)

/* The declarations, for checks and messages. */
const struct gl_rt_desc *gl_rt_struct_desc(enum gl_rts s);
const struct gl_rt_desc *gl_rt_field_desc(enum gl_rtf f);
const struct gl_rt_desc *gl_rt_global_desc(enum gl_rtg g);
const struct gl_rt_desc *gl_rt_const_desc(enum gl_rtc k);
/* Whether an entry applies to the binary the table was loaded for. */
bool gl_rt_applies(const struct gl_rtlayout *L, const struct gl_rt_desc *d);

#endif
