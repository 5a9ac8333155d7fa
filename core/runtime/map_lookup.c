/* See map_lookup.h. The walks follow the runtime's own: mapaccess1 and
 * mapassign of runtime/map.go (classic), getWithKey / getWithKeySmall
 * and PutSlot / putSlotSmall of internal/runtime/maps (swiss), over the
 * model the decoder built, so nothing here reads memory but the keys'
 * strings and interface values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtglobals.h"
#include "runtime/map_lookup.h"
#include "base/array.h"

void gl_map_lookup_deinit(struct gl_map_lookup *l)
{
	free(l->probes);
	memset(l, 0, sizeof(*l));
}

static struct gl_map_probe *add_probe(struct gl_map_lookup *l)
{
	struct gl_map_probe *p = GL_ARRAY_PUSH(l->probes, l->nprobes, l->probes_cap, 8);
	if (p)
		p->found = -1;
	return p;
}

/* Whether full slot s holds key. */
static struct gl_error *holds(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_slot *s,
			      const unsigned char *key, const struct gl_key_reader *rd, bool *eq)
{
	*eq = false;
	if (!s->kv.key)
		return NULL; /* a key that could not be read */
	return gl_mapkey_equal(c, m->entries.key_type, key, rd, s->kv.key, NULL, eq);
}

static uint64_t header_u64(const struct gl_map *m, enum gl_map_hfield_id id)
{
	for (int i = 0; i < m->nheader; i++)
		if (m->header[i].id == id) {
			uint64_t v = 0;
			for (uint64_t b = 0; b < m->header[i].size && b < 8; b++)
				v |= (uint64_t)m->header[i].bytes[b] << (8 * b);
			return v;
		}
	return 0;
}

static const struct gl_map_bucket *find_bucket(const struct gl_map_bucket *b, size_t n, uint64_t index)
{
	/* buckets are kept in index order, all of them */
	return index < n && (uint64_t)b[index].index == index ? &b[index] : NULL;
}

/* ---- classic -------------------------------------------------------------------- */

static struct gl_error *classic(struct gl_ctx *c, const struct gl_map *m, const unsigned char *key,
				const struct gl_key_reader *rd, struct gl_map_lookup *l)
{
	const struct gl_map_classic *mc = &m->classic;
	const struct gl_rtlayout *rt;
	struct gl_error *err = gl_rt_load_globals(c, &rt);
	if (err)
		return err;
	if (!mc->b_valid || !mc->buckets)
		return gl_error_create(GL_ERR_LOOKUP, "the map has no buckets yet: an insert allocates them");
	uint8_t top = (uint8_t)(l->hash >> (8 * rt->ptr_size - 8)); /* the top byte of a uintptr */
	int64_t min_top = gl_rt_const(rt, GL_RTC_TOPHASH_MIN);
	if (top < min_top)
		top = (uint8_t)(top + min_top);
	l->top = top;
	l->bucket = l->hash & (mc->nbuckets - 1);
	const struct gl_map_bucket *b = find_bucket(mc->bkt, mc->nbkt, l->bucket);
	l->growing = mc->oldbuckets != 0;
	if (l->growing && mc->old_visited && mc->noldbuckets) {
		l->old_bucket = l->hash & (mc->noldbuckets - 1);
		const struct gl_map_bucket *ob = find_bucket(mc->old, mc->nold, l->old_bucket);
		if (!ob)
			return gl_error_create(GL_ERR_CORRUPT, "old bucket %llu was not decoded",
					       (unsigned long long)l->old_bucket);
		l->old_evacuated = ob->evacuated;
		if (!ob->evacuated)
			b = ob; /* mapaccess: not yet moved, the old bucket holds it */
	}
	if (!b)
		return gl_error_create(GL_ERR_CORRUPT, "bucket %llu was not decoded", (unsigned long long)l->bucket);
	bool stop = false;
	for (size_t pos = 0; pos < b->nchain && !stop && !l->found; pos++) {
		const struct gl_map_cellblock *cb = &b->chain[pos];
		struct gl_map_probe *p = add_probe(l);
		if (!p)
			return &gl_error_nomem;
		p->index = b->index;
		p->model_index = b->index;
		p->old = b->old;
		p->chain_pos = (unsigned)pos;
		p->address = cb->address;
		for (int i = 0; i < GL_MAP_SLOTS; i++) {
			const struct gl_map_slot *s = &cb->cells[i];
			p->ctrl |= (uint64_t)s->ctrl << (8 * i);
			if (s->state == GL_SLOT_FULL && s->ctrl == top)
				p->match |= (uint8_t)(1u << i);
			if (s->state == GL_SLOT_EMPTY_ONE || s->state == GL_SLOT_EMPTY_REST)
				p->empty |= (uint8_t)(1u << i);
		}
		for (int i = 0; i < GL_MAP_SLOTS && !stop; i++) {
			const struct gl_map_slot *s = &cb->cells[i];
			if (!(p->match & (1u << i))) {
				if (s->state == GL_SLOT_EMPTY_ONE || s->state == GL_SLOT_EMPTY_REST) {
					/* mapassign: the first free cell on the way */
					if (!l->insert_known && !b->old) {
						l->insert_known = true;
						l->insert_index = b->index;
						l->insert_chain_pos = (unsigned)pos;
						l->insert_slot = i;
						l->insert_address = cb->address;
					}
					stop = s->state == GL_SLOT_EMPTY_REST; /* nothing after it */
				}
				continue;
			}
			bool eq;
			if ((err = holds(c, m, s, key, rd, &eq)))
				return err;
			if (eq) {
				p->found = i;
				p->slot = s;
				l->found = true;
				break;
			}
		}
	}
	if (l->found)
		return NULL;
	uint64_t count = m->count, nb = mc->nbuckets;
	/* overLoadFactor: loadFactorNum/loadFactorDen = 13/2 in every classic
	 * release (swiss runtimes reuse the names for 7/8, so DWARF's
	 * constants cannot be taken by name) */
	unsigned bcap = mc->B > 15 ? 15 : mc->B;
	bool over_load = count + 1 > GL_MAP_SLOTS && count + 1 > 13 * (nb / 2);
	bool many_overflow = header_u64(m, GL_MH_NOVERFLOW) >= (1u << bcap);
	if (l->growing) {
		l->insert_known = false;
		snprintf(l->insert_note, sizeof(l->insert_note),
			 "the map is growing: an insert first evacuates old bucket %llu (growWork), then takes "
			 "the first free cell of bucket %llu's chain",
			 (unsigned long long)(l->hash & (mc->noldbuckets ? mc->noldbuckets - 1 : 0)),
			 (unsigned long long)l->bucket);
	} else if (over_load || many_overflow) {
		l->insert_known = false;
		snprintf(l->insert_note, sizeof(l->insert_note),
			 "an insert starts a growth first (%s), then goes to the new buckets",
			 over_load ? "more than 6.5 entries a bucket" : "too many overflow buckets");
	} else if (!l->insert_known) {
		snprintf(l->insert_note, sizeof(l->insert_note),
			 "bucket %llu's chain is full: an insert adds an overflow bucket",
			 (unsigned long long)l->bucket);
	}
	return NULL;
}

/* ---- swiss ---------------------------------------------------------------------- */

/* The control word's matches for group g (bits by slot). */
static void ctrl_bits(const struct gl_map_group *g, uint8_t h2, struct gl_map_probe *p)
{
	p->ctrl = g->ctrl;
	for (int i = 0; i < GL_MAP_SLOTS; i++) {
		const struct gl_map_slot *s = &g->slots[i];
		if (s->state == GL_SLOT_FULL && s->ctrl == h2)
			p->match |= (uint8_t)(1u << i);
		else if (s->state == GL_SLOT_EMPTY)
			p->empty |= (uint8_t)(1u << i);
		else if (s->state == GL_SLOT_DELETED)
			p->deleted |= (uint8_t)(1u << i);
	}
}

/* Probe group g: record it, compare the keys of the matching slots. */
static struct gl_error *probe_group(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_group *g,
				    long index, const unsigned char *key, const struct gl_key_reader *rd,
				    struct gl_map_lookup *l, struct gl_map_probe **out)
{
	struct gl_map_probe *p = add_probe(l);
	if (!p)
		return &gl_error_nomem;
	*out = p;
	p->index = index;
	p->model_index = g->index;
	p->address = g->address;
	ctrl_bits(g, l->top, p);
	for (int i = 0; i < GL_MAP_SLOTS; i++) {
		if (!(p->match & (1u << i)))
			continue;
		bool eq;
		struct gl_error *err = holds(c, m, &g->slots[i], key, rd, &eq);
		if (err)
			return err;
		if (eq) {
			p->found = i;
			p->slot = &g->slots[i];
			l->found = true;
			break;
		}
	}
	return NULL;
}

static void insert_at(struct gl_map_lookup *l, const struct gl_map_group *g, int slot)
{
	l->insert_known = true;
	l->insert_index = g->index;
	l->insert_slot = slot;
	l->insert_address = g->address;
}

static int lowest(uint8_t bits)
{
	for (int i = 0; i < GL_MAP_SLOTS; i++)
		if (bits & (1u << i))
			return i;
	return -1;
}

static struct gl_error *swiss(struct gl_ctx *c, const struct gl_map *m, const unsigned char *key,
			      const struct gl_key_reader *rd, struct gl_map_lookup *l)
{
	const struct gl_map_swiss *ms = &m->swiss;
	l->top = (uint8_t)(l->hash & 0x7f);
	l->h1 = l->hash >> 7;
	l->small = ms->small;
	struct gl_map_probe *p;
	struct gl_error *err;
	if (ms->small) {
		if (!ms->ntables || !ms->tables[0].ngroups_shown)
			return gl_error_create(GL_ERR_LOOKUP, "the map has no group yet: an insert allocates it");
		const struct gl_map_group *g = &ms->tables[0].groups[0];
		if ((err = probe_group(c, m, g, 0, key, rd, l, &p)))
			return err;
		if (!l->found) {
			int i = lowest(p->empty | p->deleted);
			if (i >= 0)
				insert_at(l, g, i);
			else
				snprintf(l->insert_note, sizeof(l->insert_note),
					 "the group is full: an insert turns the small map into a table first");
		}
		return NULL;
	}
	if (!ms->dir_read || !ms->dir_slots)
		return gl_error_create(GL_ERR_CORRUPT, "the directory was not decoded");
	l->dir_index = ms->dirlen == 1 ? 0 : (int64_t)(l->hash >> (ms->global_shift & 63));
	if (l->dir_index < 0 || l->dir_index >= ms->dirlen)
		return gl_error_create(GL_ERR_CORRUPT, "directory index %lld outside the directory of %lld",
				       (long long)l->dir_index, (long long)ms->dirlen);
	l->table = ms->dir_slots[l->dir_index];
	const struct gl_map_table *t = NULL;
	for (size_t i = 0; i < ms->ntables && !t; i++)
		if (ms->tables[i].address == l->table && ms->tables[i].read)
			t = &ms->tables[i];
	if (!t || !t->walked || t->ngroups_shown != t->ngroups || !t->ngroups)
		return gl_error_create(GL_ERR_CORRUPT, "table 0x%llx was not decoded", (unsigned long long)l->table);
	uint64_t mask = t->ngroups - 1;
	l->ngroups = t->ngroups;
	l->growth_left = t->growth_left;
	l->first_group = l->h1 & mask;
	/* getWithKey: probe until the key, or a group with an empty slot */
	uint64_t off = l->first_group;
	for (uint64_t i = 0; i <= mask && !l->found; i++) {
		if ((err = probe_group(c, m, &t->groups[off], (long)off, key, rd, l, &p)))
			return err;
		if (p->empty)
			break;
		off = (off + i + 1) & mask;
	}
	if (l->found)
		return NULL;
	/* PutSlot: the first deleted slot on the way, else the first empty
	 * one of the group that ends the sequence; with neither and no
	 * growthLeft, the table grows (or splits) first */
	const struct gl_map_group *del_g = NULL;
	int del_i = -1;
	off = l->first_group;
	for (uint64_t i = 0; i <= mask; i++) {
		struct gl_map_probe q = {0};
		const struct gl_map_group *g = &t->groups[off];
		ctrl_bits(g, l->top, &q);
		int first = lowest(q.empty | q.deleted);
		if (first >= 0 && (q.deleted & (1u << first))) {
			if (!del_g) {
				del_g = g;
				del_i = first;
			}
		} else if (first >= 0) {
			if (del_g) {
				insert_at(l, del_g, del_i);
				l->insert_reuses_tombstone = true;
			} else if (t->growth_left > 0) {
				insert_at(l, g, first);
			} else {
				snprintf(l->insert_note, sizeof(l->insert_note),
					 "table 0x%llx has no growthLeft: an insert grows or splits it first",
					 (unsigned long long)t->address);
			}
			return NULL;
		}
		off = (off + i + 1) & mask;
	}
	snprintf(l->insert_note, sizeof(l->insert_note), "no group of the table has an empty slot");
	return NULL;
}

struct gl_error *gl_map_lookup(struct gl_ctx *c, const struct gl_map *m, const unsigned char *key,
			       const struct gl_key_reader *rd, struct gl_map_lookup *out)
{
	memset(out, 0, sizeof(*out));
	/* stopped inside a write (mapassign, mapdelete, a grow): buckets or
	 * groups may be half moved; the runtime itself throws "concurrent
	 * map read and map write" on such a read */
	bool writing = m->impl == GL_MAP_SWISS ? header_u64(m, GL_MH_WRITING) != 0
					      : (m->classic.flags & GL_MAP_F_HASH_WRITING) != 0;
	if (writing)
		return gl_error_create(GL_ERR_CORRUPT, "the map is being written (%s set): a lookup now could "
				       "see it half changed", m->impl == GL_MAP_SWISS ? "writing" : "hashWriting");
	if (!m->hashing)
		return m->hash_err ? gl_map_error_copy(m->hash_err)
				   : gl_error_create(GL_ERR_UNSUPPORTED, "the map's keys cannot be hashed");
	struct gl_error *err = gl_maphash_key(c, &m->keys, m->entries.key_type, key, m->seed, rd, &out->hash,
					      &out->random);
	if (err || out->random)
		return err; /* a NaN: hashed to a random number, never found */
	return m->impl == GL_MAP_SWISS ? swiss(c, m, key, rd, out) : classic(c, m, key, rd, out);
}
