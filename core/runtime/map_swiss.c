/* Swiss-table maps (Go 1.24+): Map header, directory of tables, tables of
 * groups, groups of 8 slots under one control word. The group's offsets
 * come from the DWARF the linker synthesises per map type; the Map and
 * table fields and the control bytes from the runtime-layout table. The
 * group layout (interleaved slots, or all keys then all elems
 * under GOEXPERIMENT=mapsplitgroup) is told by the group type's fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtlayout.h"
#include "runtime/maps.h"
#include "base/array.h"
#include "base/le.h"

#define SLOTS GL_MAP_SLOTS
#define PROBE_MAX 4096 /* probe steps followed for one entry */

/* The layout of one map type: the group type is the linker's, per key
 * and element type, so it is read from the map's own DWARF type. The
 * Map, table and groupsReference fields and the control bytes are the
 * runtime's: they come from the runtime-layout table (rt). */
struct swiss_layout {
	const struct gl_rtlayout *rt;
	const struct gl_type *hdr, *table, *group;
	const struct gl_type *slot_key, *slot_elem; /* as stored: K or *K */
	uint64_t ctrl_off;
	bool split;
	uint64_t keys_off, key_stride, elems_off, elem_stride;
	uint64_t slot_size;       /* interleaved: size of one slot struct */
	uint8_t ctrl_empty, ctrl_deleted; /* the runtime's control bytes */
	bool ctrl_high;           /* both have bit 7 set: a full slot is a clear bit 7 */
	bool hdr_ok;              /* the Map fields the walk needs exist */
	bool table_ok;            /* the table fields the walk needs exist */
};

/* The Map fields shown, in order. */
static const struct {
	const char *name;
	enum gl_map_hfield_id id;
} header_fields[] = {
	{"used", GL_MH_USED}, {"seed", GL_MH_SEED}, {"dirPtr", GL_MH_DIRPTR},
	{"dirLen", GL_MH_DIRLEN}, {"globalDepth", GL_MH_GLOBALDEPTH},
	{"globalShift", GL_MH_GLOBALSHIFT}, {"writing", GL_MH_WRITING},
	{"tombstonePossible", GL_MH_TOMBSTONEPOSSIBLE}, {"clearSeq", GL_MH_SWISS_CLEARSEQ},
};

static struct gl_error *layout_init(const struct gl_rtlayout *rt, const struct gl_type *t,
				     struct swiss_layout *L)
{
	/* gl_map_decode has checked that groups have SLOTS slots */
	*L = (struct swiss_layout){.rt = rt, .hdr = t->target};
	const struct gl_field *dir = gl_type_field(L->hdr, "dirPtr");
	/* dirPtr is **table<K,V> */
	if (dir && dir->type->elem)
		L->table = dir->type->elem->elem;
	const struct gl_field *groups = L->table ? gl_type_field(L->table, "groups") : NULL;
	const struct gl_field *data = groups ? gl_type_field(groups->type, "data") : NULL;
	L->group = data && data->type->kind == GL_K_POINTER ? data->type->elem : NULL;
	if (!L->table || !L->group)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for the tables of %s", t->name);
	const struct gl_field *ctrl = gl_type_field(L->group, "ctrl");
	const struct gl_field *slots = gl_type_field(L->group, "slots");
	const struct gl_field *keys = gl_type_field(L->group, "keys");
	const struct gl_field *elems = gl_type_field(L->group, "elems");
	/* the control word: one byte a slot */
	if (!ctrl || ctrl->type->size != SLOTS)
		return gl_error_create(GL_ERR_NODWARF, "group type %s has no ctrl word", L->group->name);
	L->ctrl_off = ctrl->offset;
	if (slots && slots->type->elem) {
		const struct gl_type *slot = slots->type->elem;
		const struct gl_field *k = gl_type_field(slot, "key"), *e = gl_type_field(slot, "elem");
		if (!k || !e)
			return gl_error_create(GL_ERR_NODWARF, "slot type %s lacks key/elem", slot->name);
		L->slot_key = k->type;
		L->slot_elem = e->type;
		L->slot_size = slot->size;
		L->keys_off = slots->offset + k->offset;
		L->elems_off = slots->offset + e->offset;
		L->key_stride = L->elem_stride = slot->size;
	} else if (keys && elems && keys->type->elem && elems->type->elem) {
		L->split = true;
		L->slot_key = keys->type->elem;
		L->slot_elem = elems->type->elem;
		L->keys_off = keys->offset;
		L->elems_off = elems->offset;
		L->key_stride = L->slot_key->size;
		L->elem_stride = L->slot_elem->size;
		L->slot_size = L->key_stride + L->elem_stride;
	} else {
		return gl_error_create(GL_ERR_UNSUPPORTED, "unknown group layout %s", L->group->name);
	}
	L->ctrl_empty = (uint8_t)gl_rt_const(rt, GL_RTC_CTRL_EMPTY);
	L->ctrl_deleted = (uint8_t)gl_rt_const(rt, GL_RTC_CTRL_DELETED);
	L->ctrl_high = (L->ctrl_empty & L->ctrl_deleted & 0x80) != 0;
	/* map<K,V> and table<K,V> are the linker's copies of the runtime's
	 * Map and table: the table's offsets must fall inside them */
	L->hdr_ok = gl_rt_have(rt, GL_RTF_SMAP_USED, GL_RTF_SMAP_DIRPTR, GL_RTF_SMAP_DIRLEN,
			       GL_RTF_SMAP_GLOBAL_DEPTH) &&
		    L->hdr->size >= gl_rt_struct(rt, GL_RTS_SMAP)->size;
	L->table_ok = gl_rt_have(rt, GL_RTF_STABLE_USED, GL_RTF_STABLE_CAPACITY, GL_RTF_STABLE_GROWTH_LEFT,
				 GL_RTF_STABLE_LOCAL_DEPTH, GL_RTF_STABLE_INDEX, GL_RTF_STABLE_GROUPS_DATA,
				 GL_RTF_STABLE_GROUPS_MASK) &&
		      L->table->size >= gl_rt_struct(rt, GL_RTS_STABLE)->size;
	return NULL;
}

/* A signed field of the table (Map.dirLen, table.index), sign-extended
 * from its DWARF size; 0 when absent. */
static int64_t rt_get_int(const struct gl_rtlayout *rt, enum gl_rtf f, const unsigned char *base)
{
	struct gl_rt_field r = gl_rt_field(rt, f);
	return r.present ? gl_get_int(base + r.off, r.size) : 0;
}

static enum gl_slot_state ctrl_state(const struct swiss_layout *L, uint8_t cb)
{
	if (cb == L->ctrl_empty)
		return GL_SLOT_EMPTY;
	if (cb == L->ctrl_deleted)
		return GL_SLOT_DELETED;
	return (cb & 0x80) ? GL_SLOT_INVALID : GL_SLOT_FULL;
}

/* Where a group sits, for the probe sequences of its keys. */
struct probe_ctx {
	bool small;               /* a small map's one group: no probing */
	uint64_t mask;            /* groups of the table - 1 */
	uint64_t group;           /* the group's index in its table */
	int64_t dir_first, dir_last; /* the directory slots of the table */
};

/* internal/runtime/maps: the directory index of a hash (Map.directoryIndex) */
static int64_t dir_index(const struct gl_map *m, uint64_t hash)
{
	return m->swiss.dirlen == 1 ? 0 : (int64_t)(hash >> (m->swiss.global_shift & 63));
}

/* The slot's probe length (groups a lookup visits: probeSeq from
 * h1 = hash >> 7 over the table's groups, offset += ++index) and whether
 * the key is where its hash puts it. */
static void probe_slot(struct gl_map *m, const struct probe_ctx *pc, uint8_t ctrl, struct gl_map_slot *s)
{
	struct gl_map_swiss_summary *st = &m->swiss.sum;
	if (!s->hashed) {
		st->hashed = false;
		return;
	}
	if (s->hash_random) {
		st->random++;
		return;
	}
	int64_t di = dir_index(m, s->hash);
	s->misplaced = ctrl != (s->hash & 0x7f) ||
		       (!pc->small && (di < pc->dir_first || di > pc->dir_last));
	if (!pc->small && !s->misplaced) {
		/* the sequence visits every group once; a real table has at most
		 * 128 (maxTableCapacity 1024 slots), so a corrupt one of up to
		 * 65536 groups costs at most PROBE_MAX steps an entry */
		uint64_t off = (s->hash >> 7) & pc->mask;
		s->probe = 0;
		for (uint64_t i = 0; i <= pc->mask && i < PROBE_MAX; i++) {
			if (off == pc->group) {
				s->probe = (int)i + 1;
				break;
			}
			off = (off + i + 1) & pc->mask;
		}
		s->misplaced = s->probe == 0;
	} else if (!s->misplaced) {
		s->probe = 1;
	}
	if (s->misplaced) {
		st->misplaced++;
		return;
	}
	st->probe_hist[s->probe < GL_MAP_PROBE_HIST ? s->probe - 1 : GL_MAP_PROBE_HIST - 1]++;
	st->probe_total += (uint64_t)s->probe;
	if ((uint64_t)s->probe > st->probe_max)
		st->probe_max = (uint64_t)s->probe;
}

/* Bytes of w equal to b, as bit 7 of each (SWAR: exact, no carries
 * between bytes). */
static uint64_t bytes_equal(uint64_t w, uint8_t b)
{
	uint64_t x = w ^ (UINT64_C(0x0101010101010101) * b);
	uint64_t nonzero = ((x & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7f7f7f7f7f7f7f7f)) | x;
	return ~nonzero & UINT64_C(0x8080808080808080);
}

/* How many bytes of w have bit 7 set, w having no other bits (a sum by
 * multiplication: the build targets no popcount instruction). */
static int high_bits(uint64_t w)
{
	return (int)(((w >> 7) * UINT64_C(0x0101010101010101)) >> 56);
}

/* A group that is not shown, as visit_group counts it, without looking at
 * the slots that are not full: their states from the control word at once
 * (an invalid control byte counts as empty there too). */
static struct gl_error *visit_group_fast(struct gl_ctx *c, struct gl_map *m, const struct swiss_layout *L,
					 const unsigned char *g, uint64_t ctrl, const struct probe_ctx *pc)
{
	struct gl_map_swiss_summary *st = &m->swiss.sum;
	uint64_t fullbits = ~ctrl & UINT64_C(0x8080808080808080);
	int full = high_bits(fullbits), deleted = high_bits(bytes_equal(ctrl, L->ctrl_deleted));
	struct gl_error *first_err = NULL;
	const unsigned char *kb[SLOTS];
	int slot[SLOTS], n = 0;
	struct gl_map_slot hs[SLOTS];
	for (uint64_t f = fullbits; f; f &= f - 1, n++) {
		slot[n] = __builtin_ctzll(f) / 8;
		kb[n] = g + L->keys_off + (uint64_t)slot[n] * L->key_stride;
		gl_map_slot_clear_hash(&hs[n]);
	}
	gl_map_hash_slots(c, L->rt, m, L->slot_key, kb, n, hs);
	for (int j = 0; j < n; j++) {
		const unsigned char *eb = g + L->elems_off + (uint64_t)slot[j] * L->elem_stride;
		probe_slot(m, pc, (uint8_t)(ctrl >> (8 * slot[j])), &hs[j]);
		struct gl_error *err = gl_map_add_entry(c, L->rt, &m->entries, L->slot_key, kb[j], L->slot_elem, eb);
		if (err && !first_err)
			first_err = err;
		else
			gl_error_destroy(err);
	}
	st->tombstones += (uint64_t)deleted;
	st->empty += (uint64_t)(SLOTS - full - deleted);
	st->full += (uint64_t)full;
	st->fill_hist[full]++;
	return first_err;
}

/* One group: stats, entries, and (if shown) its model in table tm. */
static struct gl_error *visit_group(struct gl_ctx *c, struct gl_map *m, const struct swiss_layout *L,
				    const unsigned char *g, uint64_t addr, long index,
				    struct gl_map_table *tm, const struct probe_ctx *pc)
{
	struct gl_map_swiss *ms = &m->swiss;
	struct gl_map_swiss_summary *st = &ms->sum;
	uint64_t ctrl = gl_get_uint(g + L->ctrl_off, SLOTS);
	bool show = tm && (m->opts.only_index >= 0 ? index == m->opts.only_index
						   : (m->opts.show_limit < 0 || ms->shown < m->opts.show_limit));
	if (!show && L->ctrl_high && SLOTS == 8)
		return visit_group_fast(c, m, L, g, ctrl, pc);
	struct gl_map_group *gm = NULL;
	if (show) {
		gm = GL_ARRAY_PUSH(tm->groups, tm->ngroups_shown, tm->groups_cap, 8);
		if (!gm)
			return &gl_error_nomem;
		gm->index = index;
		gm->address = addr;
		gm->ctrl = ctrl;
		ms->shown++;
	}
	int full = 0;
	struct gl_error *first_err = NULL;
	for (int i = 0; i < SLOTS; i++) {
		uint8_t cb = (uint8_t)(ctrl >> (8 * i)); /* byte i is slot i (little-endian) */
		enum gl_slot_state state = ctrl_state(L, cb);
		const unsigned char *kb = g + L->keys_off + (uint64_t)i * L->key_stride;
		const unsigned char *eb = g + L->elems_off + (uint64_t)i * L->elem_stride;
		struct gl_map_slot hs;
		gl_map_slot_clear_hash(&hs);
		if (state == GL_SLOT_FULL) {
			full++;
			gl_map_hash_slot(c, L->rt, m, L->slot_key, kb, &hs);
			probe_slot(m, pc, cb, &hs);
			struct gl_error *err = gl_map_add_entry(c, L->rt, &m->entries, L->slot_key, kb, L->slot_elem, eb);
			if (err && !first_err)
				first_err = err;
			else
				gl_error_destroy(err);
		} else if (state == GL_SLOT_DELETED) {
			st->tombstones++;
			if (gm)
				gm->deleted++;
		} else {
			st->empty++;
		}
		if (!gm)
			continue;
		struct gl_map_slot *s = &gm->slots[i];
		*s = (struct gl_map_slot){0};
		s->hashed = hs.hashed;
		s->hash_random = hs.hash_random;
		s->misplaced = hs.misplaced;
		s->hash = hs.hash;
		s->probe = hs.probe;
		s->ctrl = cb;
		s->state = state;
		s->key_offset = (uint64_t)(kb - g);
		s->elem_offset = (uint64_t)(eb - g);
		if (state == GL_SLOT_FULL)
			gl_map_fill_slot(c, L->rt, m, s, L->slot_key, kb, L->slot_elem, eb);
	}
	st->full += full;
	st->fill_hist[full]++;
	if (gm)
		gm->full = full;
	return first_err;
}

/* Read and visit n groups at addr in one backend read (pc: the table's
 * place, its group left to fill in). */
static struct gl_error *visit_groups(struct gl_ctx *c, struct gl_map *m, const struct swiss_layout *L,
				     uint64_t addr, uint64_t n, struct gl_map_table *tm, struct probe_ctx pc)
{
	struct gl_map_swiss_summary *st = &m->swiss.sum;
	uint64_t gsize = L->group->size;
	if (tm)
		tm->walked = true;
	if (n == 0 || gsize == 0 || n > GL_MAP_MAX_READ / gsize)
		return gl_error_create(GL_ERR_CORRUPT, "implausible group array: %llu groups of %llu bytes",
				       (unsigned long long)n, (unsigned long long)gsize);
	unsigned char *buf;
	struct gl_error *err = gl_map_read_array(c, addr, n, gsize, "groups", &buf);
	if (err)
		return err;
	struct gl_error *first = NULL;
	for (uint64_t i = 0; i < n && !gl_interrupted(c); i++) {
		gl_progress(c, "map entries read", st->full, m->count);
		st->groups++;
		st->slots += SLOTS;
		pc.group = i;
		err = visit_group(c, m, L, buf + i * gsize, addr + i * gsize, m->swiss.total_groups++, tm, &pc);
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	st->bytes_groups += n * gsize;
	free(buf);
	return first;
}

/* Totals and bytes of the summary, from the counts of the walk. */
static void finish_summary(const struct swiss_layout *L, struct gl_map *m)
{
	struct gl_map_swiss_summary *s = &m->swiss.sum;
	const struct gl_type *kt = m->entries.key_type, *et = m->entries.elem_type;
	uint64_t stored = L->slot_key->size + L->slot_elem->size;
	uint64_t pad_per_slot = L->split ? 0 : L->slot_size - stored;
	s->load_factor = s->slots ? (double)s->full / (double)s->slots : 0;
	s->bytes_header = L->hdr->size;
	s->bytes_wasted_empty_slots = (s->empty + s->tombstones) * L->slot_size;
	s->bytes_wasted_slot_padding = s->full * pad_per_slot;
	s->key_size = kt ? kt->size : 0;
	s->elem_size = et ? et->size : 0;
}

/* A table that cannot be decoded: the table keeps the error, the first
 * one goes to the command, and the walk goes on with the other tables. */
static void keep_table_error(struct gl_map_table *tm, struct gl_error **first, struct gl_error *err)
{
	if (tm)
		tm->err = gl_map_error_copy(err);
	if (!*first)
		*first = err;
	else
		gl_error_destroy(err);
}

/* Table tp, owning directory slots i..j. */
static void visit_table(struct gl_ctx *c, struct gl_map *m, const struct swiss_layout *L,
			uint64_t tp, int64_t i, int64_t j, struct gl_error **first)
{
	struct gl_map_swiss *ms = &m->swiss;
	struct gl_map_table *tm = NULL;
	if (m->opts.layout) {
		tm = GL_ARRAY_PUSH(ms->tables, ms->ntables, ms->tables_cap, 8);
		if (!tm) {
			keep_table_error(NULL, first, &gl_error_nomem);
			return;
		}
		tm->address = tp;
		tm->dir_first = (long)i;
		tm->dir_last = (long)j;
	}
	ms->sum.tables++;
	unsigned char tb[64] = {0};
	const struct gl_type *T = L->table;
	struct gl_error *err = NULL;
	if (T->size > sizeof(tb) || (err = gl_mem_read(c->mem, tp, tb, T->size))) {
		if (!err)
			err = gl_error_create(GL_ERR_LIMIT, "table type too large");
		err = gl_error_wrap(err, "reading table %lld at 0x%llx", (long long)i, (unsigned long long)tp);
		keep_table_error(tm, first, err);
		return;
	}
	ms->sum.bytes_tables += T->size;
	const struct gl_rtlayout *rt = L->rt;
	uint64_t cap = gl_rt_get(rt, GL_RTF_STABLE_CAPACITY, tb);
	uint64_t ldepth = gl_rt_get(rt, GL_RTF_STABLE_LOCAL_DEPTH, tb);
	uint64_t gdata = gl_rt_get(rt, GL_RTF_STABLE_GROUPS_DATA, tb);
	uint64_t mask = gl_rt_get(rt, GL_RTF_STABLE_GROUPS_MASK, tb);
	if (tm) {
		tm->read = true;
		tm->used = gl_rt_get(rt, GL_RTF_STABLE_USED, tb);
		tm->capacity = cap;
		tm->growth_left = gl_rt_get(rt, GL_RTF_STABLE_GROWTH_LEFT, tb);
		tm->local_depth = ldepth;
		tm->index = rt_get_int(rt, GL_RTF_STABLE_INDEX, tb);
		tm->groups_address = gdata;
		tm->ngroups = mask + 1;
		uint64_t expect_slots = ldepth <= ms->global_depth ? (uint64_t)1 << (ms->global_depth - ldepth) : 0;
		tm->depth_mismatch = (uint64_t)(j - i + 1) != expect_slots;
	}
	if (!L->table_ok || mask + 1 == 0 || (mask & (mask + 1)) || (mask + 1) * SLOTS != cap ||
	    mask + 1 > (1u << 16)) {
		err = gl_error_create(GL_ERR_CORRUPT,
				      "table at 0x%llx looks corrupt (capacity %llu, lengthMask %llu, "
				      "localDepth %llu in %lld slots)",
				      (unsigned long long)tp, (unsigned long long)cap, (unsigned long long)mask,
				      (unsigned long long)ldepth, (long long)(j - i + 1));
		keep_table_error(tm, first, err);
		return;
	}
	struct probe_ctx pc = {.mask = mask, .dir_first = i, .dir_last = j};
	if ((err = visit_groups(c, m, L, gdata, mask + 1, tm, pc)))
		keep_table_error(tm, first, err);
}

/* The directory: a table with local depth l fills 2^(global-l)
 * consecutive slots; it is visited once, at its first slot. */
static struct gl_error *visit_directory(struct gl_ctx *c, struct gl_map *m, const struct swiss_layout *L)
{
	struct gl_map_swiss *ms = &m->swiss;
	int64_t dirlen = ms->dirlen;
	uint64_t ptr = L->rt->ptr_size, bytes = (uint64_t)dirlen * ptr;
	unsigned char *raw = malloc(bytes);
	uint64_t *slots = malloc((size_t)dirlen * sizeof(*slots));
	struct gl_error *err = raw && slots ? gl_mem_read(c->mem, ms->dir, raw, bytes) : &gl_error_nomem;
	for (int64_t i = 0; !err && i < dirlen; i++)
		slots[i] = gl_rt_word(L->rt, raw + (uint64_t)i * ptr);
	free(raw);
	if (err) {
		free(slots);
		return err == &gl_error_nomem ? err
					      : gl_error_wrap(err, "reading the directory at 0x%llx",
							      (unsigned long long)ms->dir);
	}
	ms->dir_slots = slots;
	ms->sum.bytes_directory = bytes;
	struct gl_error *first = NULL;
	for (int64_t i = 0; i < dirlen && !gl_interrupted(c); i++) {
		uint64_t tp = slots[i];
		if (i > 0 && slots[i - 1] == tp)
			continue;
		int64_t j = i;
		while (j + 1 < dirlen && slots[j + 1] == tp)
			j++;
		visit_table(c, m, L, tp, i, j, &first);
	}
	ms->dir_read = true;
	return first;
}

struct gl_error *gl_map_decode_swiss(struct gl_ctx *c, const struct gl_rtlayout *rt,
				     const struct gl_type *t, uint64_t ptr, struct gl_map *m)
{
	struct swiss_layout L;
	struct gl_error *err = layout_init(rt, t, &L);
	if (err)
		return err;
	unsigned char *h = malloc(L.hdr->size);
	if (!h)
		return &gl_error_nomem;
	if ((err = gl_mem_read(c->mem, ptr, h, L.hdr->size))) {
		free(h);
		return gl_error_wrap(err, "reading the map header %s at 0x%llx", L.hdr->name,
				     (unsigned long long)ptr);
	}
	struct gl_map_swiss *ms = &m->swiss;
	m->impl = GL_MAP_SWISS;
	m->decoded = true;
	if (L.hdr_ok) { /* else the table's offsets may lie outside h */
		m->count = gl_rt_get(rt, GL_RTF_SMAP_USED, h);
		ms->dir = gl_rt_get(rt, GL_RTF_SMAP_DIRPTR, h);
		ms->dirlen = rt_get_int(rt, GL_RTF_SMAP_DIRLEN, h);
		ms->global_depth = (uint8_t)gl_rt_get(rt, GL_RTF_SMAP_GLOBAL_DEPTH, h);
		ms->global_shift = (uint8_t)gl_rt_get(rt, GL_RTF_SMAP_GLOBAL_SHIFT, h);
		m->seed = gl_rt_get(rt, GL_RTF_SMAP_SEED, h); /* typ.Hasher(key, m.seed) */
		ms->sum.hashed = m->hashing;
	}
	ms->split = L.split;
	ms->group_type = L.group->name;
	ms->group_size = L.group->size;
	ms->slot_size = L.slot_size;
	m->indirect_key = gl_map_slot_indirect(L.slot_key, m->entries.key_type);
	m->indirect_elem = gl_map_slot_indirect(L.slot_elem, m->entries.elem_type);
	for (size_t i = 0; i < sizeof(header_fields) / sizeof(header_fields[0]); i++)
		gl_map_header_add(m, L.hdr, header_fields[i].name, header_fields[i].id, h);
	if (!L.hdr_ok) {
		err = gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", L.hdr->name);
		goto out;
	}
	ms->fields_ok = true;
	ms->small = ms->dirlen == 0;
	if (ms->small) {
		/* Small map: dirPtr points at a single group, no tables. */
		if (ms->dir == 0) {
			if (m->count)
				err = gl_error_create(GL_ERR_CORRUPT, "map has %llu entries but no group",
						      (unsigned long long)m->count);
			goto out;
		}
		struct gl_map_table *tm = NULL;
		if (m->opts.layout) {
			tm = GL_ARRAY_PUSH(ms->tables, ms->ntables, ms->tables_cap, 8);
			if (!tm) {
				err = &gl_error_nomem;
				goto out;
			}
			tm->small_group = true;
		}
		err = visit_groups(c, m, &L, ms->dir, 1, tm, (struct probe_ctx){.small = true});
		goto out;
	}
	int64_t dirlen = ms->dirlen;
	uint8_t gdepth = ms->global_depth;
	if (dirlen < 0 || (uint64_t)dirlen > GL_MAP_MAX_DIRLEN || (dirlen & (dirlen - 1)) ||
	    gdepth > 24 || ((int64_t)1 << gdepth) != dirlen) {
		err = gl_error_create(GL_ERR_CORRUPT,
				      "garbage directory: dirLen %lld, globalDepth %u (corrupt map header?)",
				      (long long)dirlen, gdepth);
		goto out;
	}
	err = visit_directory(c, m, &L);
out:
	finish_summary(&L, m);
	if (!err && ms->sum.full != m->count && !m->entries.truncated)
		err = gl_error_create(GL_ERR_CORRUPT,
				      "header says %llu entries but %llu full slots were found",
				      (unsigned long long)m->count, (unsigned long long)ms->sum.full);
	free(h);
	return err;
}
