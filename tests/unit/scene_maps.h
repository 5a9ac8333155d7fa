/* Map scenes for the unit tests: the DWARF of the maps test programs
 * (build/tests/testdata/maps-classic, maps-swiss: tests/unit/testdata/maps.go)
 * gives every runtime layout; these helpers write classic buckets and swiss
 * tables, groups and directories into a fake backend from those layouts.
 * Shared by test_maps (decoder checks) and test_golden (output goldens). */
#ifndef GL_SCENE_MAPS_H
#define GL_SCENE_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_target.h"
#include "target/dwarfinfo.h"

#define UNMAPPED 0xdead0000ull
#define A_HDR 0x10000000ull
#define A_BUCKETS 0x10100000ull
#define A_OLD 0x10200000ull
#define A_OVF 0x10300000ull
#define A_STR 0x10400000ull
#define A_DIR 0x10500000ull
#define A_TABLE 0x10600000ull  /* + 0x1000 per table */
#define A_GROUPS 0x10700000ull /* + 0x100000 per table */
#define A_ELEMS 0x10800000ull
/* A maps test program and its DWARF. */
struct map_bin {
	const char *file; /* in the test-data directory */
	bool tried;
	char path[4096];
	struct gl_dwarf *dw;
};

struct mglobal {
	const char *name;
	uint64_t addr;
	struct gl_type *type; /* kind GL_K_MAP */
};

struct classic {
	struct mglobal g;
	const struct gl_type *hdr, *bucket;
	uint64_t hsize;
	uint64_t bsize, tophash, keys, elems, overflow, kslot, eslot;
	uint8_t empty_rest, empty_one, evac_x, evac_y, evac_empty, min_top, same_size;
};

struct swiss {
	struct mglobal g;
	const struct gl_type *hdr, *table, *group;
	const struct gl_type *gref; /* groupReference<K,V>, at goff in the table */
	uint64_t hsize, tsize, goff;
	uint64_t gsize, ctrl;
	bool split;
	uint64_t keys, key_stride, elems, elem_stride; /* slot i's key at keys + i*key_stride */
	uint64_t kslot, eslot;
	uint8_t ctrl_empty, ctrl_deleted;
};


/* maps-swiss-split: swiss maps with split groups (go1.27 mapsplitgroup) */
extern struct map_bin B_CLASSIC, B_SWISS, B_SWISS_SPLIT;
/* The DWARF of a test binary, opened once per process; NULL when missing. */
struct map_bin *map_bin_get(struct map_bin *b);
/* map_bin_get, failing the test when the program is missing. */
struct map_bin *map_bin_need(struct map_bin *b);
void map_bins_close(void);

/* A fake target being filled with map memory; its allocations live until
 * map_scene_deinit. */
struct map_scene {
	struct map_bin *bin;
	struct fake_target *ft;
	uint64_t str_next; /* next free address for string bytes */
	void *owned[256];
	size_t nowned;
};

/* bin may be NULL (the program is missing): then only ft is set up. */
void map_scene_init(struct map_scene *f, struct map_bin *bin);
void map_scene_deinit(struct map_scene *f);
/* Zeroed memory owned by the scene last initialised. */
void *ms_calloc(size_t n);

/* Growing classic map[int64]int: B=2, 2 old buckets, old bucket 0
 * evacuated (stale keys under evacuation marks), bucket 1 not. *hp and
 * *obp (when not NULL) get the header's and the old buckets' bytes. */
void build_classic_growing(struct map_scene *f, struct classic *L, unsigned char **hp,
			   unsigned char **obp);
/* Small swiss map[string]int{"zeta": -1, "alpha": 42, "": 7}: one group. */
void build_swiss_small(struct map_scene *f, struct swiss *L);

uint64_t ms_field_off(const struct gl_type *t, const char *name);
const struct gl_type *ms_field_type(const struct gl_type *t, const char *name);
int64_t ms_konst(struct gl_dwarf *dw, const char *name, int64_t dflt);
struct mglobal find_map_global(struct map_bin *b, const char *name);
struct classic classic_layout(struct map_bin *b, const char *global);
/* The same for a map type (no global: L.g is empty). */
struct classic classic_layout_of(struct map_bin *b, const struct gl_type *map);
struct swiss swiss_layout(struct map_bin *b, const char *global);
void ms_put(unsigned char *p, uint64_t v, unsigned size);
void ms_put64(unsigned char *p, uint64_t v);
void ms_setf(unsigned char *b, const struct gl_type *t, const char *name, uint64_t v);
void poke_field(struct map_scene *f, uint64_t addr, const struct gl_type *t, const char *name,
		       uint64_t v);
void set_global(struct map_scene *f, const struct mglobal *g, uint64_t map_ptr);
void go_string(struct map_scene *f, const char *s, unsigned char hdr[16]);
void c_header(const struct classic *L, unsigned char *h, uint64_t count, uint8_t flags,
		     uint8_t B, uint64_t buckets, uint64_t old, uint64_t nevac);
void c_cell(const struct classic *L, unsigned char *b, int i, uint8_t tophash,
		   const void *k, const void *e);
void c_cell_ii(const struct classic *L, unsigned char *b, int i, int64_t k, int64_t v);
void c_overflow(const struct classic *L, unsigned char *b, uint64_t next);
void c_map_header(struct map_scene *f, const struct classic *L, const unsigned char *h);
void build_classic_strint(struct map_scene *f, struct classic *L);
void build_classic_four(struct map_scene *f, struct classic *L);
void s_header(const struct swiss *L, unsigned char *h, uint64_t used, uint64_t dir,
		     int64_t dirlen, uint8_t gdepth);
void s_table(const struct swiss *L, unsigned char *t, uint16_t used, uint64_t ngroups,
		    uint8_t ldepth, int64_t index, uint64_t groups);
unsigned char *s_groups(const struct swiss *L, uint64_t n);
void s_slot(const struct swiss *L, unsigned char *g, int i, uint8_t ctrl, const void *k,
		   const void *e);
void s_slot_ii(const struct swiss *L, unsigned char *g, int i, int64_t k, int64_t v);
void s_map_header(struct map_scene *f, const struct swiss *L, const unsigned char *h);
void build_swiss_dir(struct map_scene *f, struct swiss *L, uint64_t used, uint64_t table1);

/* The runtime's hash keys as a process has them: useAeshash set, and
 * aeskeysched and hashkey of fixed bytes (at the binary's own globals). */
void ms_map_hash_keys(struct map_scene *f);

#endif
