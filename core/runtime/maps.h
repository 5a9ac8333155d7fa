/* The typed model of a Go map as the runtime lays it out, filled by the
 * classic (hmap/bmap, map_classic.c) and swiss (Map/table/group,
 * map_swiss.c) decoders. doc/map_doc.c spells it as a golayout/1
 * document, render/map_text.c as text, and fmt prints %v of a map from
 * its entry list. Nothing here builds JSON or text. */
#ifndef GL_MAPS_H
#define GL_MAPS_H

#include "base/arena.h"
#include "gotypes/rtlayout.h"
#include "runtime/gohash.h"
#include "target/ctx.h"
#include "target/types.h"

/* Hard bounds, checked before any loop or allocation. */
#define GL_MAP_MAX_B 30                   /* 2^30 buckets would be 200+ GiB */
#define GL_MAP_MAX_DIRLEN (1u << 24)
#define GL_MAP_MAX_OVERFLOW (1u << 24)    /* overflow buckets followed in all */
#define GL_MAP_MAX_READ (512ull << 20)    /* largest bucket/group array read */
#define GL_MAP_SLOTS 8                    /* cells of a bucket, slots of a group */
#define GL_MAP_PROBE_HIST 8               /* probe lengths counted one by one: 1..7, then 8+ */

enum gl_map_impl { GL_MAP_CLASSIC, GL_MAP_SWISS };

/* What a cell (classic: its tophash byte) or slot (swiss: its control
 * byte) holds. */
enum gl_slot_state {
	GL_SLOT_FULL,
	GL_SLOT_EMPTY,            /* swiss ctrlEmpty */
	GL_SLOT_EMPTY_ONE,        /* classic emptyOne */
	GL_SLOT_EMPTY_REST,       /* classic emptyRest: this and all later cells empty */
	GL_SLOT_DELETED,          /* swiss ctrlDeleted: a tombstone */
	GL_SLOT_EVACUATED_X,      /* classic old bucket, moved to the low half */
	GL_SLOT_EVACUATED_Y,      /* ... to the high half */
	GL_SLOT_EVACUATED_EMPTY,
	GL_SLOT_INVALID,          /* a byte no state has */
};
/* The runtime's name of a state ("full", "emptyOne", "deleted"...), for display. */
const char *gl_slot_state_name(enum gl_slot_state s);
/* Whether a slot holds nothing and never will until reused. */
bool gl_slot_state_is_empty(enum gl_slot_state s);

/* Classic hmap.flags, as bits of our own (the runtime's values come from DWARF). */
enum {
	GL_MAP_F_ITERATOR = 1u << 0,
	GL_MAP_F_OLD_ITERATOR = 1u << 1,
	GL_MAP_F_HASH_WRITING = 1u << 2,
	GL_MAP_F_SAME_SIZE_GROW = 1u << 3,
};

/* A key and element, copied out of their slots (indirect ones followed). */
struct gl_map_entry {
	unsigned char *key;  /* key_type->size bytes */
	unsigned char *elem; /* elem_type->size bytes */
};

/* The entry list: what --json lists and %v prints, in fmt's key order. */
struct gl_map_entries {
	const struct gl_type *key_type, *elem_type;
	struct gl_map_entry *v;
	size_t n, cap;
	struct gl_arena bytes; /* what v's key and elem point to */
	bool on;        /* collecting at all */
	size_t max;     /* stop collecting after this many */
	bool truncated; /* more live entries than max */
};

/* One cell or slot. */
struct gl_map_slot {
	enum gl_slot_state state;
	uint8_t ctrl;                 /* classic: the tophash byte; swiss: the control byte */
	uint64_t key_offset, elem_offset; /* within the bucket or group */
	/* full slots only: */
	struct gl_map_entry kv;       /* both NULL when err */
	struct gl_error *err;         /* an indirect key/element that cannot be read */
	uint64_t key_ptr, elem_ptr;   /* the slot's pointer, when the map stores them indirectly */
	/* full slots whose key was hashed (opts.hash): */
	bool hashed;
	bool hash_random;             /* the key holds a NaN: the runtime hashed it to a random number */
	uint64_t hash;                /* the runtime's hash of the key, with the map's seed */
	int probe;                    /* swiss: groups a lookup of the key visits (1: its first) */
	bool misplaced;               /* not where its hash puts it (tophash/H2, bucket, table, group) */
};

/* Reset only a slot's hash fields (what a walk hands on from hashing):
 * zeroing whole slots, a million of them, cost more than the hashing. */
static inline void gl_map_slot_clear_hash(struct gl_map_slot *s)
{
	s->hashed = s->hash_random = s->misplaced = false;
	s->hash = 0;
	s->probe = 0;
}

/* Header fields, in the order they are shown. */
enum gl_map_hfield_id {
	/* classic hmap */
	GL_MH_COUNT, GL_MH_FLAGS, GL_MH_B, GL_MH_NOVERFLOW, GL_MH_HASH0, GL_MH_BUCKETS,
	GL_MH_OLDBUCKETS, GL_MH_NEVACUATE, GL_MH_CLASSIC_CLEARSEQ, GL_MH_EXTRA,
	/* swiss Map */
	GL_MH_USED, GL_MH_SEED, GL_MH_DIRPTR, GL_MH_DIRLEN, GL_MH_GLOBALDEPTH, GL_MH_GLOBALSHIFT,
	GL_MH_WRITING, GL_MH_TOMBSTONEPOSSIBLE, GL_MH_SWISS_CLEARSEQ,
};
#define GL_MAP_MAX_HFIELDS 10

struct gl_map_hfield {
	enum gl_map_hfield_id id;
	const char *name;             /* the DWARF field name */
	uint64_t offset, size;
	const struct gl_type *type;
	unsigned char bytes[8];       /* the raw value (the first 8 bytes) */
};

/* ---- classic ---------------------------------------------------------------- */

/* One bucket of a chain: the array's bucket, then its overflow buckets. */
struct gl_map_cellblock {
	uint64_t address, overflow;
	struct gl_map_slot cells[GL_MAP_SLOTS];
};

struct gl_map_bucket {
	long index;
	uint64_t address;
	bool old, evacuated;          /* evacuated: old buckets only */
	struct gl_map_cellblock *chain;
	size_t nchain, chain_cap;
	unsigned overflow_buckets;
	struct gl_error *err;         /* the chain could not be followed to its end */
};

struct gl_map_classic_summary {
	uint64_t buckets, overflow, cells, full, empty_one, empty_rest;
	uint64_t chain_hist[9];       /* overflow buckets per chain: 0..7, 8+ */
	uint64_t old_buckets, old_evacuated;
	double load_factor;           /* entries per cell */
	uint64_t bytes_header, bytes_buckets, bytes_overflow, bytes_old_buckets;
	uint64_t bytes_wasted_empty_cells, bytes_bucket_padding;
	/* with hashes (opts.hash): where each live entry sits from its home
	 * bucket (hash & (nbuckets-1)) */
	bool hashed;                  /* every live entry's key was hashed */
	uint64_t home_first;          /* in the home bucket itself */
	uint64_t home_overflow;       /* in an overflow bucket of its home chain */
	uint64_t home_old;            /* in an old bucket not yet evacuated (growing) */
	uint64_t misplaced, random;   /* not where the hash says; NaN keys */
};

struct gl_map_classic {
	const char *bucket_type;
	uint64_t bucket_size;
	uint8_t B, flags_raw;
	unsigned flags;               /* GL_MAP_F_* */
	uint64_t buckets, oldbuckets, nevacuate;
	bool same_size_grow;
	bool b_valid;                 /* B is within bounds: nbuckets is set */
	uint64_t nbuckets;
	bool old_visited;             /* growing and the old array was reached: noldbuckets set */
	uint64_t noldbuckets;
	struct gl_map_bucket *bkt, *old; /* the buckets shown */
	size_t nbkt, bkt_cap, nold, old_cap;
	long shown;                   /* buckets of the new array shown */
	struct gl_map_classic_summary sum;
};

/* ---- swiss ------------------------------------------------------------------ */

struct gl_map_group {
	long index;                   /* across all tables, in directory order */
	uint64_t address, ctrl;
	int full, deleted;
	struct gl_map_slot slots[GL_MAP_SLOTS];
};

struct gl_map_table {
	bool small_group;             /* a small map's single group, no table */
	uint64_t address;
	long dir_first, dir_last;     /* the directory slots it owns */
	bool read;                    /* the table was read: the fields below are set */
	uint64_t used, capacity, growth_left, local_depth, groups_address, ngroups;
	int64_t index;
	bool depth_mismatch;          /* directory slots disagree with localDepth */
	bool walked;                  /* its groups were visited (those shown are below) */
	struct gl_map_group *groups;
	size_t ngroups_shown, groups_cap;
	struct gl_error *err;         /* why the table (or part of it) cannot be decoded */
};

struct gl_map_swiss_summary {
	uint64_t tables, groups, slots, full, tombstones, empty;
	uint64_t fill_hist[GL_MAP_SLOTS + 1]; /* groups by full slots */
	double load_factor;
	uint64_t bytes_header, bytes_directory, bytes_tables, bytes_groups;
	uint64_t bytes_wasted_empty_slots, bytes_wasted_slot_padding, key_size, elem_size;
	/* with hashes (opts.hash): entries by how many groups a lookup of
	 * their key visits: probe_hist[i] holds those with i+1 (the last: or
	 * more) */
	bool hashed;                  /* every live entry's key was hashed */
	uint64_t probe_hist[GL_MAP_PROBE_HIST];
	uint64_t probe_max, probe_total;
	uint64_t misplaced, random;   /* not on their probe sequence / H2; NaN keys */
};

struct gl_map_swiss {
	bool split;                   /* all keys then all elems (mapsplitgroup) */
	const char *group_type;
	uint64_t group_size, slot_size;
	uint64_t dir;
	int64_t dirlen;
	uint8_t global_depth, global_shift;
	bool fields_ok;               /* the header has every field used: small is set */
	bool small;
	bool dir_read;                /* the directory was read and walked */
	uint64_t *dir_slots;          /* dirlen table addresses */
	struct gl_map_table *tables;  /* shown tables (only with opts.layout) */
	size_t ntables, tables_cap;
	long shown, total_groups;
	struct gl_map_swiss_summary sum;
};

/* ---- the map ---------------------------------------------------------------- */

struct gl_map_opts {
	bool layout;         /* keep the buckets/groups shown (and tables) */
	bool entries;        /* collect the entry list */
	size_t max_entries;  /* stop collecting entries after this many */
	long show_limit;     /* buckets/groups kept in full; -1 = all */
	long only_index;     /* --bucket/--group: keep only this one; -1 = all */
	bool hash;           /* hash every live key (slot hashes, home/probe summary) */
};

struct gl_map {
	struct gl_map_opts opts;
	enum gl_map_impl impl;
	bool decoded;        /* layout known and header read: impl..summary are set */
	uint64_t address;    /* the header (hmap / Map) */
	bool indirect_key, indirect_elem;
	uint64_t count;      /* live entries as the header says */
	struct gl_map_hfield header[GL_MAP_MAX_HFIELDS];
	int nheader;
	struct gl_map_classic classic;
	struct gl_map_swiss swiss;
	struct gl_map_entries entries;
	uint64_t reads;      /* backend reads of the decode */
	/* opts.hash: */
	bool hashing;        /* keys and seed known: slots get their hashes */
	unsigned hash_word;  /* gl_maphash_word_key of the key type */
	struct gl_gohash_keys keys;
	uint64_t seed;       /* hmap.hash0 / Map.seed */
	struct gl_error *hash_err; /* why keys are not (all) hashed */
};

/* Decode the map whose header is at ptr; t is the map type (kind
 * GL_K_MAP). Entries, when collected, are sorted in fmt's order. On error
 * m keeps whatever was decoded. Free m with gl_map_deinit. */
struct gl_error *gl_map_decode(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
			       const struct gl_map_opts *o, struct gl_map *m);
void gl_map_deinit(struct gl_map *m);
/* Total buckets (classic) or groups (swiss) visited: what --bucket/--group index. */
long gl_map_total(const struct gl_map *m);

/* The entry list alone (for %v): up to max entries in fmt's order. */
struct gl_error *gl_map_collect_entries(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
					size_t max, struct gl_map_entries *out);
void gl_map_entries_deinit(struct gl_map_entries *e);

/* ---- for the decoders ------------------------------------------------------- */

/* The decoders take the runtime-layout table rt (gl_rt_load) for what
 * the runtime fixes, and the map type t for what the linker lays out per
 * key and element type. Their caller (gl_map_decode) has checked that
 * the runtime's buckets or groups hold GL_MAP_SLOTS cells. */
struct gl_error *gl_map_decode_swiss(struct gl_ctx *c, const struct gl_rtlayout *rt,
				     const struct gl_type *t, uint64_t ptr, struct gl_map *m);
struct gl_error *gl_map_decode_classic(struct gl_ctx *c, const struct gl_rtlayout *rt,
				       const struct gl_type *t, uint64_t ptr, struct gl_map *m);
/* Record one live entry. Slot bytes may hold a pointer to the key or
 * element (indirect, > 128 bytes): pass the slot type, it is followed. */
struct gl_error *gl_map_add_entry(struct gl_ctx *c, const struct gl_rtlayout *rt,
				  struct gl_map_entries *e, const struct gl_type *slot_key,
				  const unsigned char *kb, const struct gl_type *slot_elem,
				  const unsigned char *eb);
/* Fill a full slot's key and element (and indirect pointers) for display. */
void gl_map_fill_slot(struct gl_ctx *c, const struct gl_rtlayout *rt, const struct gl_map *m,
		      struct gl_map_slot *s, const struct gl_type *slot_key, const unsigned char *kb,
		      const struct gl_type *slot_elem, const unsigned char *eb);
/* gl_map_hash_slot for n (<= 8) full slots of one group or bucket, their
 * keys at kb[i], into s[i]: one-word keys hashed together. */
void gl_map_hash_slots(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_map *m,
		       const struct gl_type *slot_key, const unsigned char *const *kb, int n,
		       struct gl_map_slot *s);
/* Hash the key of a full slot (an indirect key followed) into s (hashed,
 * hash_random, hash); without m->hashing or on error (the first one kept
 * in m->hash_err) s->hashed stays false. */
void gl_map_hash_slot(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_map *m,
		      const struct gl_type *slot_key, const unsigned char *kb, struct gl_map_slot *s);
/* Whether a slot type is a pointer standing for the real key/elem type. */
bool gl_map_slot_indirect(const struct gl_type *slot, const struct gl_type *real);
/* Record header field id if the header type has it. */
void gl_map_header_add(struct gl_map *m, const struct gl_type *hdr, const char *field,
		       enum gl_map_hfield_id id, const unsigned char *hbytes);
/* Read n elements of size bytes at addr in one backend read (the walk
 * reads each bucket or group array whole); n * size must already be
 * bounded. what names them in errors: "buckets", "old buckets", "groups". */
struct gl_error *gl_map_read_array(struct gl_ctx *c, uint64_t addr, uint64_t n, uint64_t size,
				   const char *what, unsigned char **out);
/* A copy of err, for the model to keep while the original goes up. */
struct gl_error *gl_map_error_copy(const struct gl_error *err);
/* Sort entries as fmt prints maps (internal/fmtsort order). */
void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_entries *e);

#endif
