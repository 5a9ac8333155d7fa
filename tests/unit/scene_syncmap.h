/* sync.Map hash-trie scenes (Go 1.24+: internal/sync.HashTrieMap) for the
 * unit tests and fuzzers, laid out from the DWARF of the swiss maps test
 * program: the sync.Map at A_SM, inner nodes at A_NODES + 0x100 * i,
 * entries (nil key and value) at A_ENTS + 0x40 * i. */
#ifndef GL_SCENE_SYNCMAP_H
#define GL_SCENE_SYNCMAP_H

#include <stdint.h>

#include "scene_maps.h"

#define A_SM 0x20000000ull    /* the sync.Map */
#define A_NODES 0x20100000ull /* + 0x100 a node */
#define A_ENTS 0x20200000ull  /* + 0x40 an entry */

/* Offsets of the trie's layout, from the program's DWARF. */
struct sm_trie {
	uint64_t sm_size, m_off, root, inited;
	uint64_t node_size, kids, parent;
	uint64_t entry_size, overflow, is_entry;
};

/* The layout from m's program (the test fails when a type is missing). */
void sm_trie_layout(struct map_scene *m, struct sm_trie *L);
uint64_t sm_node_addr(int i);
uint64_t sm_entry_addr(int i);
/* The sync.Map, initialised, with its root. */
void sm_put_map(struct map_scene *m, const struct sm_trie *L, uint64_t root);
/* Inner node i with parent p and the given children (slot, address
 * pairs; slot -1 ends the list). */
void sm_put_node(struct map_scene *m, const struct sm_trie *L, int i, uint64_t parent, ...);
/* Entry i (nil key and value) with its overflow pointer. */
void sm_put_entry(struct map_scene *m, const struct sm_trie *L, int i, uint64_t overflow);
/* Root: slot 3 an entry with one overflow entry, slot 5 a node one level
 * down whose slot 0 is an entry. */
void sm_put_good_trie(struct map_scene *m, const struct sm_trie *L);

/* ---- the read/dirty sync.Map (Go 1.22, 1.23; GOEXPERIMENT=nosynchashtriemap)
 * laid out from the DWARF of the classic maps test program (go1.22): the
 * sync.Map at A_SM, its readOnly at A_RO, the read map's header at A_HDR
 * and the dirty map's at A_HDR + 0x100 (one bucket each, at A_BUCKETS and
 * A_BUCKETS + 0x1000), entries at sm_entry_addr(i), values and key data
 * from A_ELEMS on. Keys and values are interfaces whose dynamic types are
 * the program's own descriptors of int and string. */
#define A_RO 0x20100000ull

struct sm_rd {
	struct classic map; /* map[interface {}]*sync.entry */
	uint64_t sm_size, read, dirty, misses;
	uint64_t ro_size, ro_m, ro_amended;
	uint64_t entry_size, entry_p;
	uint64_t expunged;        /* the global sync.expunged */
	uint64_t t_int, t_string; /* runtime type descriptors */
};

void sm_rd_layout(struct map_scene *m, struct sm_rd *L);
/* read {1: live 10, 2: expunged, "x": deleted}, amended; dirty {1 and "x"
 * (read's entries), "y": live "hello"}; misses 1. Load sees 1 and "y". */
void sm_put_good_rd(struct map_scene *m, const struct sm_rd *L);
/* Replace the dirty map with n (<= 8) keys whose interface type word is
 * type_word (data: ints 0..n-1), each to entry 0. */
void sm_put_rd_dirty_keys(struct map_scene *m, const struct sm_rd *L, int n, uint64_t type_word);

#endif
