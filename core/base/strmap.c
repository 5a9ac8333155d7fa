#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_deinit(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	strmap_init(m);
}

static bool strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct strmap_entry *e = calloc(cap, sizeof(*e));
	if (!e)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].key)
			continue;
		size_t j = hash_str(m->e[i].key) & (cap - 1);
		while (e[j].key)
			j = (j + 1) & (cap - 1);
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return true;
}

bool strmap_put(struct strmap *m, const char *key, uint64_t value)
{
	if ((m->len + 1) * 2 > m->cap && !strmap_grow(m))
		return false;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->e[j].key) {
		if (strcmp(m->e[j].key, key) == 0)
			return true;
		j = (j + 1) & (m->cap - 1);
	}
	m->e[j].key = strdup(key);
	if (!m->e[j].key)
		return false;
	m->e[j].value = value;
	m->len++;
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, uint64_t *value)
{
	if (!m->cap)
		return false;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->e[j].key) {
		if (strcmp(m->e[j].key, key) == 0) {
			*value = m->e[j].value;
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_deinit(struct u64map *m)
{
	free(m->e);
	u64map_init(m);
}

/* Key 0 marks an empty slot; DWARF offsets are never 0 for a DIE we map. */
bool u64map_put(struct u64map *m, uint64_t key, void *value)
{
	if ((m->len + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct u64map_entry *e = calloc(cap, sizeof(*e));
		if (!e)
			return false;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->e[i].key)
				continue;
			size_t j = hash_u64(m->e[i].key) & (cap - 1);
			while (e[j].key)
				j = (j + 1) & (cap - 1);
			e[j] = m->e[i];
		}
		free(m->e);
		m->e = e;
		m->cap = cap;
	}
	size_t j = hash_u64(key) & (m->cap - 1);
	while (m->e[j].key && m->e[j].key != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->e[j].key)
		m->len++;
	m->e[j].key = key;
	m->e[j].value = value;
	return true;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	size_t j = hash_u64(key) & (m->cap - 1);
	while (m->e[j].key) {
		if (m->e[j].key == key)
			return m->e[j].value;
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}
