/* golayout map EXPR --key K: the path the runtime takes to look a key up
 * in a decoded map (the model of gl_map_decode with every bucket or group
 * kept and hashes on): its hash, tophash or H1/H2, the home bucket (and
 * the old bucket while the map grows) or the directory slot, table and
 * probe sequence of groups with each control word's matches; where the
 * key was found, or where an insert would put it. */
#ifndef GL_MAP_LOOKUP_H
#define GL_MAP_LOOKUP_H

#include "runtime/maphash.h"
#include "runtime/maps.h"

/* One bucket of the chain (classic) or group of the probe sequence
 * (swiss) that the lookup visits. */
struct gl_map_probe {
	long index;             /* classic: bucket index; swiss: group index in its table */
	long model_index;       /* the group's index as --group counts (swiss) */
	bool old;               /* classic: a bucket of the old array */
	unsigned chain_pos;     /* classic: 0 the bucket, 1.. its overflow buckets */
	uint64_t address;
	uint64_t ctrl;          /* swiss: the control word; classic: the 8 tophash bytes */
	uint8_t match;          /* bit i: slot i's tophash / H2 is the key's */
	uint8_t empty;          /* bit i: slot i is empty (swiss ctrlEmpty; classic emptyOne/Rest) */
	uint8_t deleted;        /* swiss: bit i is a tombstone */
	int found;              /* the slot holding the key, or -1 */
	const struct gl_map_slot *slot; /* found: the model's slot (key and value) */
};

struct gl_map_lookup {
	uint64_t hash;
	bool random;            /* the key is or holds a NaN: no lookup ever finds it */
	uint8_t top;            /* classic: tophash; swiss: H2 (hash & 0x7f) */
	uint64_t h1;            /* swiss: hash >> 7 */
	/* classic */
	uint64_t bucket;        /* hash & (2^B - 1) */
	bool growing;
	uint64_t old_bucket;    /* growing: hash & (old buckets - 1) */
	bool old_evacuated;     /* growing: the old bucket was evacuated, so the new one is used */
	/* swiss */
	bool small;             /* one group, no probing */
	int64_t dir_index;      /* hash >> globalShift (0 with one slot) */
	uint64_t table;         /* the table of that slot */
	uint64_t ngroups, growth_left;
	uint64_t first_group;   /* h1 & (groups - 1) */
	/* the walk */
	struct gl_map_probe *probes;
	size_t nprobes, probes_cap;
	bool found;
	/* not found: where an insert would put the key (insert_known), else
	 * what an insert does first (insert_note: grow, a new overflow bucket) */
	bool insert_known;
	long insert_index;       /* classic: bucket index; swiss: group index as --group counts */
	unsigned insert_chain_pos; /* classic: 0 the bucket, 1.. an overflow bucket */
	int insert_slot;
	uint64_t insert_address; /* of the bucket or group */
	bool insert_reuses_tombstone; /* swiss: a deleted slot met on the way */
	char insert_note[160];
};

/* Look up key (kt's bytes, pointing where rd reads) in m. m must have
 * been decoded with opts.layout, show_limit -1 and opts.hash. */
struct gl_error *gl_map_lookup(struct gl_ctx *c, const struct gl_map *m, const unsigned char *key,
			       const struct gl_key_reader *rd, struct gl_map_lookup *out);
void gl_map_lookup_deinit(struct gl_map_lookup *l);

#endif
