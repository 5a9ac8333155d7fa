/* One open-addressing hash map, used two ways: string keys -> uint64 (the
 * DWARF name indexes; keys are copied) and uint64 keys -> pointer (DWARF
 * offset caches, visited sets). Both are the same table underneath. */
#ifndef GL_STRMAP_H
#define GL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gl_hmap_entry {
	uint64_t key;   /* the u64 key, or the hash of skey; 0 marks an empty slot */
	char *skey;     /* string maps: the key itself */
	uint64_t value; /* u64map: the pointer */
};

struct gl_hmap {
	struct gl_hmap_entry *e;
	size_t cap, len;
};

struct strmap {
	struct gl_hmap h;
};

void strmap_init(struct strmap *m);
void strmap_deinit(struct strmap *m);
/* Insert unless present (first definition wins). False on OOM. */
bool strmap_put(struct strmap *m, const char *key, uint64_t value);
/* strmap_put, but an existing key gets the new value. */
bool strmap_set(struct strmap *m, const char *key, uint64_t value);
bool strmap_get(const struct strmap *m, const char *key, uint64_t *value);
/* Every entry, in no particular order: start with *pos = 0; false at the end. */
bool strmap_next(const struct strmap *m, size_t *pos, const char **key, uint64_t *value);

struct u64map {
	struct gl_hmap h;
};

void u64map_init(struct u64map *m);
void u64map_deinit(struct u64map *m);
/* Insert or replace. Key 0 cannot be stored (DWARF offsets and addresses
 * golayout maps are never 0). False on OOM. */
bool u64map_put(struct u64map *m, uint64_t key, void *value);
void *u64map_get(const struct u64map *m, uint64_t key);

#endif
