/* What a command shows: one typed model per command, tagged by kind.
 * A command (commands/) fills a view; doc/view_doc.c serialises it to the
 * golayout/1 document and render/view_text.c draws it as text, each with
 * one dispatch on the kind, so that an output added later (a picture)
 * serves every command with one more. */
#ifndef GL_VIEW_H
#define GL_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/stack_vars.h"
#include "eval/uframe.h"
#include "eval/value.h"
#include "gotypes/struct_layout.h"
#include "runtime/chan.h"
#include "runtime/gcstate.h"
#include "runtime/heap_view.h"
#include "runtime/hg_query.h"
#include "runtime/home.h"
#include "runtime/iface.h"
#include "eval/keylit.h"
#include "runtime/map_lookup.h"
#include "runtime/maps.h"
#include "runtime/slice.h"
#include "runtime/string.h"
#include "runtime/syncmap.h"

enum gl_view_kind {
	GL_VIEW_NONE,       /* nothing was decoded: only the error shows */
	GL_VIEW_VERSION,
	GL_VIEW_MAP,
	GL_VIEW_SLICE,
	GL_VIEW_STRING,
	GL_VIEW_IFACE,
	GL_VIEW_CHAN,
	GL_VIEW_HEAP,
	GL_VIEW_GC,
	GL_VIEW_STRUCT,     /* a struct value, or a struct type without one */
	GL_VIEW_VALUE,
	GL_VIEW_GOROUTINES,
	GL_VIEW_STACK,
	GL_VIEW_ESCAPE,
	GL_VIEW_STATS,
	GL_VIEW_SYNCMAP,    /* `golayout map` of a sync.Map */
	GL_VIEW_HEAPGRAPH,  /* heap --why / --retains, gc --top */
};

/* `golayout map`: the header pointer, where the header lives, the map. */
struct gl_map_view {
	uint64_t ptr;              /* 0: a nil map, m is not decoded */
	struct gl_home home;       /* documents only */
	struct gl_map m;
	bool summary;              /* --summary: header and summary only */
	bool hash;                 /* --hash: each full slot's hash drawn */
	const char *key_text;      /* --key K as typed; NULL: no lookup */
	struct gl_keylit key;      /* K in the key type */
	bool looked_up;            /* lookup is set */
	struct gl_map_lookup lookup;
	/* the session's backend reads before the map was decoded: the
	 * document counts those the map took, the %v of its entries too */
	uint64_t reads0;
};

/* `golayout map` of a sync.Map (or a pointer to one). */
struct gl_syncmap_view {
	struct gl_syncmap m;       /* m.address: the sync.Map */
	bool summary;              /* --summary: the structure's figures, no nodes or entries */
	uint64_t max_entries;      /* --json: entries listed (--limit N; else all) */
	struct gl_home home;       /* documents only */
	uint64_t reads0;           /* backend reads before the decode */
};

/* `golayout heap`: what the user asked about, and what the heap says. */
struct gl_heap_subject {
	const char *expr;     /* as typed */
	const char *type;     /* the expression's type; NULL for a number */
	bool evaluated;       /* an expression, not a number */
	bool pointer;         /* the address is the value held, not the value's own */
	const char *where;    /* where the value lives ("stack", "heap"...) */
};

struct gl_heap_cmd_view {
	struct gl_heap_subject sub;
	char where[64];            /* sub.where's text */
	struct gl_home home;
	struct gl_heap_view hv;
};

/* heap --why, heap --retains, gc --top: answers from the heap graph. */
enum gl_hg_mode { GL_HG_WHY, GL_HG_RETAINS, GL_HG_TOP };

struct gl_hg_view {
	enum gl_hg_mode mode;
	struct gl_heap_subject sub;  /* WHY, RETAINS */
	char where[64];
	uint64_t addr;
	struct gl_hg_why why;
	struct gl_hg_retains retains;
	struct gl_hg_top top;
	double seconds;              /* building the graph and answering */
};

/* `golayout goroutines`: the goroutines the filters let through. */
struct gl_goroutine_row {
	struct gl_goroutine g;
	struct gl_where where;
	bool current;            /* the selected frame is on its stack */
	uint64_t sp;             /* the innermost frame's SP (the live one when current) */
};

struct gl_goroutine_count {
	char status[24];         /* a status name, as the goroutines carry it */
	uint64_t n;
};

struct gl_goroutine_list {
	struct gl_goroutine_row *rows; /* the goroutines shown */
	size_t shown, cap;
	struct gl_goroutine_count counts[40]; /* per status, in the order first seen */
	size_t ncounts;
	uint64_t total;          /* goroutines read from allgs */
	uint64_t matched;        /* of them, those the filters let through */
};

/* stack_size and stack_used of a row, false when a corrupt g gives none. */
bool gl_goroutine_row_size(const struct gl_goroutine_row *r, uint64_t *size);
bool gl_goroutine_row_used(const struct gl_goroutine_row *r, uint64_t *used);

struct gl_escapes;

/* golayout version: the target, and where each kind of knowledge comes
 * from (one line each, e.g. "built-in table go1.26 swiss maps greentea (no
 * DWARF)"). */
struct gl_version_view {
	const struct gl_target *t; /* NULL: no executable */
	char layouts[512];         /* runtime-structure layouts */
	const char *types;         /* types of values */
	const char *names;         /* names of globals and locals */
	const char *stacks;        /* stack unwinding */
};

struct gl_view {
	enum gl_view_kind kind;
	const char *expr;          /* the expression as typed, where there is one */
	bool has_value;
	struct gl_value value;     /* what expr evaluated to, when has_value */
	uint64_t limit;            /* items the text draws (--limit N; --all: UINT64_MAX) */
	union {
		struct gl_version_view version;
		struct gl_map_view map;
		struct gl_syncmap_view syncmap;
		struct gl_slice_set *slices;
		struct gl_string string;
		struct gl_iface iface;
		struct gl_chan chan;
		struct gl_heap_cmd_view heap;
		struct gl_hg_view *hg;
		struct gl_gc_state gc;
		struct gl_struct_layout layout;
		struct gl_goroutine_list goroutines;
		struct gl_stack stack;
		const struct gl_escapes *escapes;
		const struct gl_mem *stats;
	} u;
};

/* Free what the view owns and make it GL_VIEW_NONE. */
void gl_view_deinit(struct gl_view *w);

#endif
