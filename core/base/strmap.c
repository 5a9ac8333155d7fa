#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h | 1; /* never 0, the empty mark */
}

static uint64_t hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static size_t home_slot(const struct gl_hmap *m, uint64_t key, bool str)
{
	return (str ? key : hash_u64(key)) & (m->cap - 1);
}

/* The slot holding key (and skey for string maps), or the empty slot
 * where it would go. m->cap must be nonzero. */
static struct gl_hmap_entry *probe(const struct gl_hmap *m, uint64_t key, const char *skey)
{
	size_t j = home_slot(m, key, skey != NULL);
	while (m->e[j].key && (m->e[j].key != key || (skey && strcmp(m->e[j].skey, skey))))
		j = (j + 1) & (m->cap - 1);
	return &m->e[j];
}

/* Keep the load factor at most 1/2. */
static bool reserve(struct gl_hmap *m)
{
	if ((m->len + 1) * 2 <= m->cap)
		return true;
	struct gl_hmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	if (!(m->e = calloc(m->cap, sizeof(*m->e)))) {
		*m = old;
		return false;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.e[i].key)
			*probe(m, old.e[i].key, old.e[i].skey) = old.e[i];
	free(old.e);
	return true;
}

static void hmap_deinit(struct gl_hmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].skey);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_deinit(struct strmap *m)
{
	hmap_deinit(&m->h);
}

bool strmap_put(struct strmap *m, const char *key, uint64_t value)
{
	if (!reserve(&m->h))
		return false;
	uint64_t h = hash_str(key);
	struct gl_hmap_entry *e = probe(&m->h, h, key);
	if (e->key)
		return true;
	if (!(e->skey = strdup(key)))
		return false;
	e->key = h;
	e->value = value;
	m->h.len++;
	return true;
}

bool strmap_set(struct strmap *m, const char *key, uint64_t value)
{
	if (!strmap_put(m, key, value))
		return false;
	probe(&m->h, hash_str(key), key)->value = value;
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, uint64_t *value)
{
	if (!m->h.cap)
		return false;
	const struct gl_hmap_entry *e = probe(&m->h, hash_str(key), key);
	if (e->key)
		*value = e->value;
	return e->key != 0;
}

bool strmap_next(const struct strmap *m, size_t *pos, const char **key, uint64_t *value)
{
	for (; *pos < m->h.cap; ++*pos) {
		const struct gl_hmap_entry *e = &m->h.e[*pos];
		if (e->key) {
			*key = e->skey;
			*value = e->value;
			++*pos;
			return true;
		}
	}
	return false;
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_deinit(struct u64map *m)
{
	hmap_deinit(&m->h);
}

bool u64map_put(struct u64map *m, uint64_t key, void *value)
{
	if (!key || !reserve(&m->h))
		return false;
	struct gl_hmap_entry *e = probe(&m->h, key, NULL);
	if (!e->key)
		m->h.len++;
	e->key = key;
	e->value = (uint64_t)(uintptr_t)value;
	return true;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->h.cap || !key)
		return NULL;
	const struct gl_hmap_entry *e = probe(&m->h, key, NULL);
	return e->key ? (void *)(uintptr_t)e->value : NULL;
}
