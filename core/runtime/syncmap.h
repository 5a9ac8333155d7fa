/* The typed model of a sync.Map: before Go 1.24 (and with
 * GOEXPERIMENT=nosynchashtriemap) a read-only map behind an atomic
 * pointer, a dirty map, misses and amended, each key's *entry holding a
 * value pointer, nil (deleted) or the expunged sentinel (syncmap_rd.c);
 * from Go 1.24 internal/sync.HashTrieMap[any, any], a hash-trie of
 * inner nodes with 16 children each and leaf entries with overflow
 * chains for equal hashes (syncmap_trie.c). doc/syncmap_doc.c spells it
 * as JSON, render/syncmap_text.c as text. */
#ifndef GL_SYNCMAP_H
#define GL_SYNCMAP_H

#include "base/arena.h"
#include "runtime/gohash.h"
#include "runtime/maps.h"
#include "target/ctx.h"
#include "target/types.h"

/* Bounds, checked before loops and allocations. */
#define GL_SYNCMAP_MAX_NODES (1u << 22)   /* trie nodes and entries, and map entries, in all */
#define GL_SYNCMAP_MAX_CHILDREN 64        /* children an inner node may have */
#define GL_SYNCMAP_MAX_LEVELS 64          /* trie levels: a 64-bit hash, 1 bit a level at worst */

enum gl_syncmap_impl { GL_SYNCMAP_READDIRTY, GL_SYNCMAP_TRIE };

/* A key and value as the user sees them: interface words (eface bytes). */
struct gl_syncmap_kv {
	unsigned char *key, *value; /* iface_type->size bytes each, in the model's arena */
};

/* ---- before Go 1.24: read + dirty --------------------------------------- */

enum gl_syncmap_estate {
	GL_SYNCMAP_LIVE,      /* p points to the value */
	GL_SYNCMAP_DELETED,   /* p == nil: deleted, still in dirty (or no dirty yet) */
	GL_SYNCMAP_EXPUNGED,  /* p == expunged: deleted and absent from dirty */
	GL_SYNCMAP_UNREADABLE,/* the entry or its value cannot be read */
};
const char *gl_syncmap_estate_name(enum gl_syncmap_estate s);

/* One key of the read or dirty map and its *entry. */
struct gl_syncmap_slot {
	struct gl_syncmap_kv kv;    /* value only when LIVE */
	uint64_t entry;             /* the *entry */
	uint64_t p;                 /* entry.p */
	enum gl_syncmap_estate state;
	bool in_read;               /* dirty slots: the same *entry is in read too */
};

struct gl_syncmap_rdmap {
	uint64_t address;           /* the runtime map header; 0: nil */
	bool decoded;
	const char *impl;           /* "classic" / "swiss" */
	uint64_t count;             /* len as its header says */
	struct gl_syncmap_slot *v;
	size_t n;
	struct gl_error *err;       /* why it is not (wholly) decoded */
};

struct gl_syncmap_rd {
	uint64_t read;              /* Map.read: the *readOnly; 0 before the first store */
	bool amended;
	int64_t misses;
	uint64_t expunged;          /* the sentinel (sync.expunged's value); 0 unknown */
	struct gl_syncmap_rdmap rm, dm; /* readOnly.m, Map.dirty */
	uint64_t live, deleted, expunged_n; /* over read ∪ dirty, each *entry once */
};

/* ---- Go 1.24+: the hash-trie --------------------------------------------- */

struct gl_syncmap_node {         /* an inner (indirect) node */
	uint64_t address, parent;
	int level;                  /* 0: the root */
	long up;                    /* index of the parent in nodes[], -1 for the root */
	int slot;                   /* its slot in the parent */
	bool dead;
	bool parent_ok;             /* parent is the node it hangs from */
	int nchildren;              /* non-nil slots */
	uint64_t *children;         /* nchildren_max words */
};

struct gl_syncmap_tentry {       /* one leaf of an overflow chain */
	uint64_t address, overflow;
	long node;                  /* index in nodes[] */
	int slot, level, chain;     /* slot of the node; level of it; position in the chain (0 head) */
	struct gl_syncmap_kv kv;
	bool hashed, hash_random;
	uint64_t hash;              /* the runtime's hash of the key, with the trie's seed */
	bool misplaced;             /* the hash bits do not lead to this slot */
};

struct gl_syncmap_trie {
	uint64_t htm;               /* the HashTrieMap's address */
	bool inited;
	uint64_t root, seed, key_hash;
	int log2, nchildren;        /* hash bits a level, children a node */
	int hash_bits;              /* 8 * pointer size */
	int max_levels;             /* hash_bits / log2 */
	struct gl_syncmap_node *nodes;
	size_t nnodes, nodes_cap;
	struct gl_syncmap_tentry *entries;
	size_t nentries, entries_cap;
	uint64_t level_nodes[GL_SYNCMAP_MAX_LEVELS];   /* inner nodes per level */
	uint64_t level_entries[GL_SYNCMAP_MAX_LEVELS]; /* entries hanging from a level's nodes */
	uint64_t chains, overflow_entries, longest_chain, dead_nodes, misplaced;
	int depth;                  /* levels with nodes */
	uint64_t node_size, entry_size;
	struct gl_error *hash_err;  /* why keys are not hashed */
	struct gl_error *err;       /* where the walk stopped (the rest is what was read) */
};

/* ---- the map ---------------------------------------------------------------- */

struct gl_syncmap_opts {
	bool hash;                  /* hash the trie's keys (checks placement) */
};

struct gl_syncmap {
	enum gl_syncmap_impl impl;
	bool decoded;               /* the layout is known: impl and one of rd/trie are set */
	uint64_t address;           /* the sync.Map */
	const struct gl_type *iface; /* the type of keys and values (interface {}) */
	struct gl_syncmap_rd rd;
	struct gl_syncmap_trie trie;
	/* the entries as Load and Range see them, in fmt's order of keys
	 * (key_type and elem_type: iface) */
	struct gl_map_entries entries;
	struct gl_arena bytes;      /* the keys and values of slots and trie entries */
	uint64_t reads;             /* backend reads of the decode */
};

/* Whether t is sync.Map (a struct value of it). */
bool gl_syncmap_is(const struct gl_type *t);
/* Decode the sync.Map at addr. On error m keeps what was decoded; free
 * it with gl_syncmap_deinit. */
struct gl_error *gl_syncmap_decode(struct gl_ctx *c, uint64_t addr, const struct gl_syncmap_opts *o,
				   struct gl_syncmap *m);
void gl_syncmap_deinit(struct gl_syncmap *m);

/* ---- for the decoders ------------------------------------------------------- */
struct gl_rtlayout;
struct gl_error *gl_syncmap_decode_rd(struct gl_ctx *c, const struct gl_rtlayout *rt,
				      const unsigned char *mb, struct gl_syncmap *m);
struct gl_error *gl_syncmap_decode_trie(struct gl_ctx *c, const struct gl_rtlayout *rt,
					const struct gl_syncmap_opts *o, struct gl_syncmap *m);
/* Add key and value (iface bytes) to the Range list. */
struct gl_error *gl_syncmap_add_entry(struct gl_ctx *c, const struct gl_rtlayout *rt,
				      struct gl_syncmap *m, const struct gl_syncmap_kv *kv);
/* Copy n bytes into the model's arena (NULL without memory). */
unsigned char *gl_syncmap_copy(struct gl_syncmap *m, const unsigned char *b, size_t n);

#endif
