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

#endif
