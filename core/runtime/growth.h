/* The runtime's growth paths of maps and slices, as `golayout watch`
 * follows them: which functions grow what (per map implementation and
 * release), where their arguments are at entry and their results at
 * return, and the state of a map or table before and after a growth.
 * A typed model: doc/watch_doc.c and render/watch_text.c spell events.
 *
 * Functions (read in each release's source, Go 1.22-1.27):
 *   classic maps  runtime.hashGrow(t *maptype, h *hmap)
 *                 runtime.evacuate{,_fast32,_fast64,_faststr}(t, h, oldbucket)
 *   swiss maps    internal/runtime/maps.(*Map).growToTable(m, typ)
 *                 internal/runtime/maps.(*table).grow(t, typ, m, newCapacity)
 *                 internal/runtime/maps.(*table).split(t, typ, m)
 *                 ((*table).rehash, which picks one of the two, is too
 *                 small to be sure it stays a call.)
 *   slices        runtime.growslice(oldPtr, newLen, oldCap, num, et) slice */
#ifndef GL_GROWTH_H
#define GL_GROWTH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "target/ctx.h"
#include "target/types.h"

enum gl_hook_kind {
	GL_HOOK_HASHGROW,
	GL_HOOK_EVACUATE,
	GL_HOOK_GROW_TO_TABLE,
	GL_HOOK_TABLE_GROW,
	GL_HOOK_TABLE_SPLIT,
	GL_HOOK_GROWSLICE,
};

/* What a watch follows. */
enum gl_watch_what { GL_WATCH_MAP, GL_WATCH_SLICE };

/* One function to break at: its kind, entry address, and which integer
 * argument holds the object the watch compares (hmap*, Map*, array). */
struct gl_hook_site {
	enum gl_hook_kind kind;
	const char *symbol;
	uint64_t addr;
	unsigned obj_arg; /* index of the argument compared with the watched object */
	unsigned nargs;   /* argument words read at entry */
};

#define GL_HOOK_SITES_MAX 8
/* The growth functions of what (maps: those of the binary's map
 * implementation) present in t's symbol table, into out; how many. */
size_t gl_growth_sites(const struct gl_target *t, enum gl_watch_what what,
		       struct gl_hook_site *out, size_t max);

/* Where a stopped thread is, read at a function's entry or at a return. */
struct gl_frame_regs {
	uint64_t sp, pc, g; /* g: 0 where no register holds it (386) */
};

/* At a function's entry (the breakpoint at its first instruction): the
 * first n integer argument words (register ABI, or the stack on 386),
 * the return address and the registers that find the same call again
 * at its return. */
struct gl_error *gl_growth_entry(struct gl_ctx *c, unsigned n, uint64_t *args, uint64_t *ra,
				 struct gl_frame_regs *regs);
/* Only argument i at a function's entry: what a hit on an object nobody
 * watches costs (one register on register-ABI machines). */
struct gl_error *gl_growth_arg(struct gl_ctx *c, unsigned i, uint64_t *v);
/* The registers of the thread stopped at a return address. */
struct gl_error *gl_growth_at_return(struct gl_ctx *c, struct gl_frame_regs *regs);
/* Whether a stop at the return address is the return of the call whose
 * entry registers are `entry`. */
bool gl_growth_same_call(const struct gl_target *t, const struct gl_frame_regs *entry,
			 const struct gl_frame_regs *ret);
/* At the return of a function that took nargs argument words: its first
 * n integer results. */
struct gl_error *gl_growth_results(struct gl_ctx *c, const struct gl_frame_regs *ret,
				   unsigned nargs, unsigned n, uint64_t *res);

/* ---- map state ---- */

/* A classic map's header. */
struct gl_hmap_state {
	uint64_t count, buckets, oldbuckets, nevacuate;
	uint8_t flags, B;
	bool writing, same_size; /* the hashWriting and sameSizeGrow flags */
};

/* A swiss map's header. */
struct gl_smap_state {
	uint64_t used, dirptr, dirlen;
	uint8_t global_depth;
	bool writing;
};

/* A swiss table. */
struct gl_stable_state {
	uint64_t addr, used, capacity;
	uint8_t local_depth;
	int64_t index; /* first directory slot; -1 once replaced */
};

struct gl_error *gl_hmap_read(struct gl_ctx *c, uint64_t h, struct gl_hmap_state *s);
struct gl_error *gl_smap_read(struct gl_ctx *c, uint64_t m, struct gl_smap_state *s);
struct gl_error *gl_stable_read(struct gl_ctx *c, uint64_t t, struct gl_stable_state *s);
/* The table in directory slot i of a swiss map. */
struct gl_error *gl_smap_dir_table(struct gl_ctx *c, const struct gl_smap_state *m, uint64_t i,
				   uint64_t *table);

/* Where a classic map's buckets keep what evacuate reads: from the map
 * type's bucket<K,V> in DWARF. */
struct gl_bucket_geometry {
	uint64_t size, tophash_off, overflow_off, cells;
};
struct gl_error *gl_bucket_geometry(struct gl_ctx *c, const struct gl_type *map_type,
				    struct gl_bucket_geometry *g);

#define GL_EVAC_CHAIN_MAX 64
/* An old bucket and its overflow chain, at evacuate's entry; none (n 0)
 * when the bucket was evacuated before. */
struct gl_evac_chain {
	uint64_t bucket[GL_EVAC_CHAIN_MAX];
	unsigned n;
};
struct gl_error *gl_evac_chain_read(struct gl_ctx *c, const struct gl_bucket_geometry *g,
				    uint64_t bucket, struct gl_evac_chain *ch);
/* Whether evacuate(oldbucket) can end the growth, read at its entry:
 * only the call on h.nevacuate moves the mark (advanceEvacuationMark, at
 * most 1024 buckets on), and only when every old bucket after it is done
 * already; a sample of those buckets says no at the cost of a few bytes. */
struct gl_error *gl_evac_may_finish(struct gl_ctx *c, const struct gl_bucket_geometry *g,
				    const struct gl_hmap_state *h, uint64_t oldbucket, bool *may);
/* After evacuate: how many cells of the chain went to the new array's
 * first half (X, bucket i) and to its second (Y, bucket i + old count). */
struct gl_error *gl_evac_count(struct gl_ctx *c, const struct gl_bucket_geometry *g,
			       const struct gl_evac_chain *ch, uint64_t *x, uint64_t *y);

/* ---- events ---- */

enum gl_growth_kind {
	GL_EV_HASHGROW,   /* classic: a new bucket array */
	GL_EV_EVACUATED,  /* classic: the last old bucket moved, the growth ended */
	GL_EV_TO_TABLE,   /* swiss: the small group became a table */
	GL_EV_TABLE_GROW, /* swiss: a table replaced by one twice as large */
	GL_EV_SPLIT,      /* swiss: a table split in two */
	GL_EV_SLICE,      /* growslice */
};
const char *gl_growth_kind_name(enum gl_growth_kind k);

#define GL_WATCH_SHARERS_MAX 8

/* One growth of a watched object. */
struct gl_growth_event {
	enum gl_growth_kind kind;
	unsigned watch;     /* the watch's number */
	const char *expr;   /* what the user watched */
	uint64_t seq;       /* the watch's events so far, this one included */
	uint64_t object;    /* the map header, or (slices) the old array */
	uint64_t len;       /* entries (len(m)) or the slice's new len */
	union {
		struct {
			uint8_t old_b, new_b;
			bool same_size;
			uint64_t old_buckets, new_buckets;
		} hashgrow;
		struct {
			uint8_t b;                 /* B of the new array */
			uint64_t old_nbuckets;     /* buckets evacuated */
			uint64_t calls;            /* evacuate calls seen */
			uint64_t to_x, to_y;       /* entries moved to each half */
		} evacuated;
		struct {
			uint64_t group, table;     /* the small group, the new table */
			uint64_t moved;            /* entries moved */
			uint64_t capacity;         /* the table's slots */
		} to_table;
		struct {
			struct gl_stable_state old, left, right; /* right: split only */
			uint8_t old_global_depth, new_global_depth;
			uint64_t old_dirlen, new_dirlen;
		} table;
		struct {
			uint64_t old_array, new_array, old_cap, new_cap, elem_size, copied_bytes;
			unsigned nsharers;
			unsigned sharers[GL_WATCH_SHARERS_MAX]; /* watches still on the old array */
			const char *sharer_exprs[GL_WATCH_SHARERS_MAX];
		} slice;
	} u;
};

#endif
