/* A string -> uint64 hash map (open addressing) and a uint64 -> pointer
 * map, for DWARF name and offset indexes. Keys are copied. */
#ifndef GL_STRMAP_H
#define GL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	char *key;
	uint64_t value;
};

struct strmap {
	struct strmap_entry *e;
	size_t cap, len;
};

void strmap_init(struct strmap *m);
void strmap_deinit(struct strmap *m);
/* Insert unless present (first definition wins). False on OOM. */
bool strmap_put(struct strmap *m, const char *key, uint64_t value);
bool strmap_get(const struct strmap *m, const char *key, uint64_t *value);

struct u64map_entry {
	uint64_t key;
	void *value;
};

struct u64map {
	struct u64map_entry *e;
	size_t cap, len;
};

void u64map_init(struct u64map *m);
void u64map_deinit(struct u64map *m);
bool u64map_put(struct u64map *m, uint64_t key, void *value);
void *u64map_get(const struct u64map *m, uint64_t key);

#endif
