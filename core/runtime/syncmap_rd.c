/* sync.Map before Go 1.24 (and with GOEXPERIMENT=nosynchashtriemap):
 * Map.read, an atomic pointer to readOnly{m map[any]*entry, amended},
 * Map.dirty (map[any]*entry), Map.misses. Both maps are decoded by the
 * map decoders; each key's *entry holds p: the value's *any, nil once
 * deleted, or sync.expunged once deleted and left out of dirty. The
 * entries as Load sees them: a key of read by its entry; a key only in
 * dirty, when read is amended, by its entry in dirty. */
#include <stdlib.h>
#include <string.h>

#include "runtime/syncmap.h"
#include "gotypes/rtlayout.h"
#include "base/le.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The entry's p and, when live, the value it points to. */
static void read_entry(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_syncmap *m,
		       struct gl_syncmap_slot *s)
{
	struct gl_rt_field pf = gl_rt_field(rt, GL_RTF_SYNC_ENTRY_P);
	unsigned char w[8] = {0};
	unsigned ps = rt->ptr_size;
	s->state = GL_SYNCMAP_UNREADABLE;
	if (!s->entry || !gl_mem_try_read(c->mem, s->entry + pf.off, w, ps))
		return;
	s->p = gl_get_uint(w, ps);
	if (!s->p) {
		s->state = GL_SYNCMAP_DELETED;
		return;
	}
	if (s->p == m->rd.expunged) {
		s->state = GL_SYNCMAP_EXPUNGED;
		return;
	}
	unsigned char *v = gl_arena_alloc(&m->bytes, m->iface->size);
	if (!v || !gl_mem_try_read(c->mem, s->p, v, m->iface->size))
		return;
	s->kv.value = v;
	s->state = GL_SYNCMAP_LIVE;
}

/* One of the two maps: its header, and every key with its entry. */
static void decode_rdmap(struct gl_ctx *c, const struct gl_rtlayout *rt, const struct gl_type *mt,
			 struct gl_syncmap *m, struct gl_syncmap_rdmap *r)
{
	if (!r->address)
		return;
	struct gl_map mm;
	struct gl_map_opts o = {.entries = true, .max_entries = GL_SYNCMAP_MAX_NODES, .only_index = -1};
	r->err = gl_map_decode(c, mt, r->address, &o, &mm);
	r->decoded = mm.decoded;
	r->impl = mm.decoded ? (mm.impl == GL_MAP_SWISS ? "swiss" : "classic") : NULL;
	r->count = mm.count;
	if (mm.entries.truncated && !r->err)
		r->err = gl_error_create(GL_ERR_LIMIT, "more than %u entries", GL_SYNCMAP_MAX_NODES);
	r->v = mm.entries.n ? calloc(mm.entries.n, sizeof(*r->v)) : NULL;
	if (mm.entries.n && !r->v) {
		gl_error_destroy(r->err);
		r->err = &gl_error_nomem;
	}
	for (size_t i = 0; r->v && i < mm.entries.n && !gl_interrupted(c); i++) {
		struct gl_syncmap_slot *s = &r->v[r->n++];
		s->kv.key = gl_syncmap_copy(m, mm.entries.v[i].key, m->iface->size);
		s->entry = gl_rt_word(rt, mm.entries.v[i].elem);
		if (s->kv.key)
			read_entry(c, rt, m, s);
		else
			s->state = GL_SYNCMAP_UNREADABLE;
	}
	gl_map_deinit(&mm);
}

static void count_state(struct gl_syncmap_rd *rd, enum gl_syncmap_estate s)
{
	if (s == GL_SYNCMAP_LIVE)
		rd->live++;
	else if (s == GL_SYNCMAP_DELETED)
		rd->deleted++;
	else if (s == GL_SYNCMAP_EXPUNGED)
		rd->expunged_n++;
}

struct gl_error *gl_syncmap_decode_rd(struct gl_ctx *c, const struct gl_rtlayout *rt,
				      const unsigned char *mb, struct gl_syncmap *m)
{
	struct gl_syncmap_rd *rd = &m->rd;
	m->impl = GL_SYNCMAP_READDIRTY;
	struct gl_error *err = gl_rt_need(rt, GL_RTF_SYNCMAP_READ, GL_RTF_SYNCMAP_DIRTY, GL_RTF_SYNCMAP_MISSES,
					  GL_RTF_SYNC_READONLY_M, GL_RTF_SYNC_READONLY_AMENDED, GL_RTF_SYNC_ENTRY_P);
	if (err)
		return err;
	const struct gl_type *mt = gl_rt_field(rt, GL_RTF_SYNCMAP_DIRTY).type;
	const struct gl_type *ro = gl_rt_struct(rt, GL_RTS_SYNC_READONLY);
	if (!mt || mt->kind != GL_K_MAP || !mt->key || mt->key->kind != GL_K_INTERFACE || !ro)
		return gl_error_create(GL_ERR_NODWARF, "sync.Map.dirty is not a map[any]*entry in DWARF");
	m->iface = mt->key;
	m->entries.key_type = m->entries.elem_type = m->iface;
	struct gl_rt_field mis = gl_rt_field(rt, GL_RTF_SYNCMAP_MISSES);
	rd->misses = gl_get_int(mb + mis.off, mis.size);
	rd->read = gl_rt_word(rt, mb + gl_rt_field(rt, GL_RTF_SYNCMAP_READ).off);
	rd->dm.address = gl_rt_word(rt, mb + gl_rt_field(rt, GL_RTF_SYNCMAP_DIRTY).off);
	/* the sentinel: the pointer sync.expunged holds */
	struct gl_rt_global xg = gl_rt_global(rt, GL_RTG_SYNC_EXPUNGED);
	unsigned char w[8] = {0};
	if (xg.present && gl_mem_try_read(c->mem, xg.addr, w, rt->ptr_size))
		rd->expunged = gl_get_uint(w, rt->ptr_size);
	m->decoded = true;
	if (rd->read) {
		unsigned char rb[64];
		if (ro->size > sizeof(rb))
			return gl_error_create(GL_ERR_CORRUPT, "sync.readOnly of %llu bytes", (unsigned long long)ro->size);
		if ((err = gl_mem_read(c->mem, rd->read, rb, ro->size)))
			return gl_error_wrap(err, "reading sync.Map.read at 0x%llx", (unsigned long long)rd->read);
		rd->rm.address = gl_rt_word(rt, rb + gl_rt_field(rt, GL_RTF_SYNC_READONLY_M).off);
		rd->amended = rb[gl_rt_field(rt, GL_RTF_SYNC_READONLY_AMENDED).off] != 0;
	}
	decode_rdmap(c, rt, gl_rt_field(rt, GL_RTF_SYNC_READONLY_M).type, m, &rd->rm);
	decode_rdmap(c, rt, mt, m, &rd->dm);
	/* a key in both maps shares its *entry (dirtyLocked copies read's
	 * entries, Store and Delete change them in place): dirty's entries
	 * found in read are the same keys */
	uint64_t *ents = rd->rm.n ? malloc(rd->rm.n * sizeof(*ents)) : NULL;
	if (rd->rm.n && !ents)
		return &gl_error_nomem;
	for (size_t i = 0; i < rd->rm.n; i++)
		ents[i] = rd->rm.v[i].entry;
	if (ents)
		qsort(ents, rd->rm.n, sizeof(*ents), cmp_u64);
	for (size_t i = 0; i < rd->dm.n; i++)
		rd->dm.v[i].in_read = ents && bsearch(&rd->dm.v[i].entry, ents, rd->rm.n, sizeof(*ents), cmp_u64);
	free(ents);
	for (size_t i = 0; i < rd->rm.n && !err; i++) {
		count_state(rd, rd->rm.v[i].state);
		if (rd->rm.v[i].state == GL_SYNCMAP_LIVE)
			err = gl_syncmap_add_entry(c, rt, m, &rd->rm.v[i].kv);
	}
	for (size_t i = 0; i < rd->dm.n && !err; i++) {
		const struct gl_syncmap_slot *s = &rd->dm.v[i];
		if (s->in_read)
			continue;
		count_state(rd, s->state);
		/* Load looks in dirty only while read is amended */
		if (rd->amended && s->state == GL_SYNCMAP_LIVE)
			err = gl_syncmap_add_entry(c, rt, m, &s->kv);
	}
	if (!err && gl_interrupted(c))
		err = gl_error_create(GL_ERR_INTERRUPTED, "interrupted");
	if (!err && (rd->rm.err || rd->dm.err))
		err = gl_error_create((rd->rm.err ? rd->rm.err : rd->dm.err)->code, "%s map: %s",
				      rd->rm.err ? "read" : "dirty", (rd->rm.err ? rd->rm.err : rd->dm.err)->message);
	return err;
}
