/* Classic maps (Go <= 1.23, and 1.24/1.25 with GOEXPERIMENT=noswissmap):
 * hmap header, 2^B buckets of 8 cells with tophash bytes, overflow chains,
 * and incremental growth through oldbuckets. Offsets come from the DWARF
 * the linker synthesises (hash<K,V>, bucket<K,V>); the tophash markers and
 * flag bits from the runtime's own constants in DWARF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtlayout.h"
#include "runtime/maps.h"
#include "base/strmap.h"
#include "base/array.h"
#include "base/le.h"

#define CELLS GL_MAP_SLOTS

/* The layout of one map type: bucket<K,V> is the linker's, per key and
 * element type, so it is read from the map's own DWARF type. The hmap
 * fields, tophash markers and flag bits are the runtime's: they come from
 * the runtime-layout table (rt). */
struct classic_layout {
	const struct gl_rtlayout *rt;
	const struct gl_type *hdr, *bucket;
	const struct gl_type *slot_key, *slot_elem;
	/* bucket<K,V> */
	uint64_t tophash_off, keys_off, elems_off, overflow_off;
	/* tophash markers (gl_rt_const of the table) */
	int64_t empty_rest, empty_one, min_top;
};

/* The hmap fields shown, in order. */
static const struct {
	const char *name;
	enum gl_map_hfield_id id;
} header_fields[] = {
	{"count", GL_MH_COUNT}, {"flags", GL_MH_FLAGS}, {"B", GL_MH_B},
	{"noverflow", GL_MH_NOVERFLOW}, {"hash0", GL_MH_HASH0}, {"buckets", GL_MH_BUCKETS},
	{"oldbuckets", GL_MH_OLDBUCKETS}, {"nevacuate", GL_MH_NEVACUATE},
	{"clearSeq", GL_MH_CLASSIC_CLEARSEQ}, {"extra", GL_MH_EXTRA},
};

/* Walk state besides the model's summary. */
struct classic_walk {
	const struct classic_layout *L;
	struct gl_map *m;
	struct gl_map_classic_summary *st;
	uint64_t overflow_total; /* bound against cycles and garbage */
	/* the bucket arrays: an overflow pointer into them is a cycle */
	uint64_t arr_lo, arr_hi, old_lo, old_hi;
	struct u64map seen;
};

static struct gl_error *layout_init(const struct gl_rtlayout *rt, const struct gl_type *t,
				     struct classic_layout *L)
{
	/* gl_map_decode has checked that buckets have CELLS cells */
	*L = (struct classic_layout){.rt = rt, .hdr = t->target};
	struct gl_error *err = gl_rt_need(rt, GL_RTF_HMAP_COUNT, GL_RTF_HMAP_FLAGS, GL_RTF_HMAP_B,
					  GL_RTF_HMAP_BUCKETS, GL_RTF_HMAP_OLDBUCKETS, GL_RTF_HMAP_NEVACUATE);
	if (err)
		return err;
	const struct gl_field *b = gl_type_field(L->hdr, "buckets");
	L->bucket = b && b->type->kind == GL_K_POINTER ? b->type->elem : NULL;
	const struct gl_field *th = L->bucket ? gl_type_field(L->bucket, "tophash") : NULL;
	const struct gl_field *k = L->bucket ? gl_type_field(L->bucket, "keys") : NULL;
	const struct gl_field *e = L->bucket ? gl_type_field(L->bucket, "values") : NULL;
	const struct gl_field *o = L->bucket ? gl_type_field(L->bucket, "overflow") : NULL;
	if (!th || !k || !e || !o || !k->type->elem || !e->type->elem)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for the buckets of %s", t->name);
	L->tophash_off = th->offset;
	L->keys_off = k->offset;
	L->elems_off = e->offset;
	L->overflow_off = o->offset;
	L->slot_key = k->type->elem;
	L->slot_elem = e->type->elem;
	L->empty_rest = gl_rt_const(rt, GL_RTC_TOPHASH_EMPTY_REST);
	L->empty_one = gl_rt_const(rt, GL_RTC_TOPHASH_EMPTY_ONE);
	L->min_top = gl_rt_const(rt, GL_RTC_TOPHASH_MIN);
	return NULL;
}

static enum gl_slot_state tophash_state(const struct classic_layout *L, uint8_t th)
{
	if (th == L->empty_rest) return GL_SLOT_EMPTY_REST;
	if (th == L->empty_one) return GL_SLOT_EMPTY_ONE;
	if (th == gl_rt_const(L->rt, GL_RTC_TOPHASH_EVAC_X)) return GL_SLOT_EVACUATED_X;
	if (th == gl_rt_const(L->rt, GL_RTC_TOPHASH_EVAC_Y)) return GL_SLOT_EVACUATED_Y;
	if (th == gl_rt_const(L->rt, GL_RTC_TOPHASH_EVAC_EMPTY)) return GL_SLOT_EVACUATED_EMPTY;
	return th >= L->min_top ? GL_SLOT_FULL : GL_SLOT_INVALID;
}

static unsigned flag_bits(const struct gl_rtlayout *rt, uint8_t f)
{
	return ((f & gl_rt_const(rt, GL_RTC_HMAP_F_ITERATOR)) ? GL_MAP_F_ITERATOR : 0) |
	       ((f & gl_rt_const(rt, GL_RTC_HMAP_F_OLD_ITERATOR)) ? GL_MAP_F_OLD_ITERATOR : 0) |
	       ((f & gl_rt_const(rt, GL_RTC_HMAP_F_WRITING)) ? GL_MAP_F_HASH_WRITING : 0) |
	       ((f & gl_rt_const(rt, GL_RTC_HMAP_F_SAME_SIZE)) ? GL_MAP_F_SAME_SIZE_GROW : 0);
}

static bool evacuated(const struct classic_layout *L, const unsigned char *b)
{
	uint8_t h = b[L->tophash_off];
	return h > L->empty_one && h < L->min_top;
}

/* The cells of one bucket of a shown chain (hashes from collect_cells). */
static void fill_cells(struct gl_ctx *c, struct gl_map *m, const struct classic_layout *L,
		       const unsigned char *b, struct gl_map_slot *cells, const struct gl_map_slot *hs)
{
	for (int i = 0; i < CELLS; i++) {
		struct gl_map_slot *s = &cells[i];
		s->hashed = hs[i].hashed;
		s->hash_random = hs[i].hash_random;
		s->hash = hs[i].hash;
		s->misplaced = hs[i].misplaced;
		s->ctrl = b[L->tophash_off + i];
		s->state = tophash_state(L, s->ctrl);
		const unsigned char *kb = b + L->keys_off + (uint64_t)i * L->slot_key->size;
		const unsigned char *eb = b + L->elems_off + (uint64_t)i * L->slot_elem->size;
		s->key_offset = (uint64_t)(kb - b);
		s->elem_offset = (uint64_t)(eb - b);
		if (s->state == GL_SLOT_FULL)
			gl_map_fill_slot(c, L->rt, m, s, L->slot_key, kb, L->slot_elem, eb);
	}
}

/* runtime.tophash: the hash's top byte (of a uintptr) */
static uint8_t tophash_of(const struct classic_layout *L, uint64_t hash)
{
	uint8_t top = (uint8_t)(hash >> (8 * L->rt->ptr_size - 8));
	return top < L->min_top ? (uint8_t)(top + L->min_top) : top;
}

/* The hash of live cell i (key at kb) into hs[i], and where it sits
 * from its home bucket: bucket index of the chain (in the old array when
 * old), pos its place in the chain. */
static void hash_cell(struct gl_ctx *c, struct classic_walk *W, const unsigned char *b, int i,
		      const unsigned char *kb, long index, bool old, unsigned pos, struct gl_map_slot *hs)
{
	struct gl_map *m = W->m;
	struct gl_map_classic_summary *st = W->st;
	gl_map_hash_slot(c, W->L->rt, m, W->L->slot_key, kb, &hs[i]);
	if (!hs[i].hashed) {
		st->hashed = false;
		return;
	}
	if (hs[i].hash_random) {
		st->random++; /* a NaN: its home is random too */
		return;
	}
	uint64_t nb = old ? m->classic.noldbuckets : m->classic.nbuckets;
	hs[i].misplaced = (hs[i].hash & (nb - 1)) != (uint64_t)index ||
			  b[W->L->tophash_off + i] != tophash_of(W->L, hs[i].hash);
	if (hs[i].misplaced)
		st->misplaced++;
	else if (old)
		st->home_old++;
	else if (pos)
		st->home_overflow++;
	else
		st->home_first++;
}

/* Count and collect a bucket's live cells (and hash them into hs). */
static struct gl_error *collect_cells(struct gl_ctx *c, struct classic_walk *W, const unsigned char *b,
				      long index, bool old, unsigned pos, struct gl_map_slot *hs)
{
	const struct classic_layout *L = W->L;
	struct gl_map_classic_summary *st = W->st;
	struct gl_error *first = NULL;
	for (int i = 0; i < CELLS; i++) {
		uint8_t th = b[L->tophash_off + i];
		st->cells++;
		gl_map_slot_clear_hash(&hs[i]); /* what fill_cells takes */
		if (th >= L->min_top) {
			st->full++;
			const unsigned char *kb = b + L->keys_off + (uint64_t)i * L->slot_key->size;
			hash_cell(c, W, b, i, kb, index, old, pos, hs);
			struct gl_error *err = gl_map_add_entry(
				c, L->rt, &W->m->entries, L->slot_key, kb,
				L->slot_elem, b + L->elems_off + (uint64_t)i * L->slot_elem->size);
			if (err && !first)
				first = err;
			else
				gl_error_destroy(err);
		} else if (th == L->empty_one) {
			st->empty_one++;
		} else if (th == L->empty_rest) {
			st->empty_rest++;
		}
	}
	return first;
}

/* One bucket and its overflow chain; first_b holds the bucket's bytes
 * from the array. *shown counts the buckets kept of this array. */
static struct gl_error *visit_chain(struct gl_ctx *c, struct classic_walk *W,
				    const unsigned char *first_b, uint64_t addr, long index, bool old,
				    long *shown)
{
	const struct classic_layout *L = W->L;
	struct gl_map *m = W->m;
	struct gl_map_classic *mc = &m->classic;
	struct gl_map_classic_summary *st = W->st;
	uint64_t bsize = L->bucket->size;
	bool show = m->opts.layout &&
		    (m->opts.only_index >= 0 ? index == m->opts.only_index
					     : (m->opts.show_limit < 0 || *shown < m->opts.show_limit));
	bool evac = old && evacuated(L, first_b);
	struct gl_map_bucket *jb = NULL;
	if (show) {
		jb = old ? GL_ARRAY_PUSH(mc->old, mc->nold, mc->old_cap, 8)
			 : GL_ARRAY_PUSH(mc->bkt, mc->nbkt, mc->bkt_cap, 8);
		if (!jb)
			return &gl_error_nomem;
		jb->index = index;
		jb->address = addr;
		jb->old = old;
		jb->evacuated = evac;
		(*shown)++;
	}
	if (old && evac)
		st->old_evacuated++;
	unsigned char *buf = malloc(bsize);
	if (!buf)
		return &gl_error_nomem;
	memcpy(buf, first_b, bsize);
	struct gl_error *err = NULL, *first = NULL;
	uint64_t cur = addr;
	unsigned n = 0;
	for (;;) {
		/* Live cells: every cell of a new bucket chain; in an old
		 * bucket only while it is not yet evacuated. */
		struct gl_map_slot hs[CELLS];
		for (int i = 0; i < CELLS; i++)
			gl_map_slot_clear_hash(&hs[i]);
		if (!evac) {
			struct gl_error *cerr = collect_cells(c, W, buf, index, old, n, hs);
			if (cerr && !first)
				first = cerr;
			else
				gl_error_destroy(cerr);
		}
		uint64_t next = gl_rt_word(L->rt, buf + L->overflow_off);
		if (jb) {
			struct gl_map_cellblock *cb =
				GL_ARRAY_PUSH(jb->chain, jb->nchain, jb->chain_cap, 8);
			if (!cb) {
				err = &gl_error_nomem;
				break;
			}
			cb->address = cur;
			fill_cells(c, m, L, buf, cb->cells, hs);
			cb->overflow = next;
		}
		if (!next)
			break;
		if (u64map_get(&W->seen, next) || (next >= W->arr_lo && next < W->arr_hi) ||
		    (next >= W->old_lo && next < W->old_hi)) {
			err = gl_error_create(GL_ERR_CORRUPT, "overflow chain of bucket %ld cycles back to 0x%llx",
					      index, (unsigned long long)next);
			break;
		}
		if (++W->overflow_total > GL_MAP_MAX_OVERFLOW) {
			err = gl_error_create(GL_ERR_LIMIT, "more than %u overflow buckets: giving up",
					      GL_MAP_MAX_OVERFLOW);
			break;
		}
		u64map_put(&W->seen, next, (void *)1);
		if ((err = gl_mem_read(c->mem, next, buf, bsize))) {
			err = gl_error_wrap(err, "reading overflow bucket of bucket %ld at 0x%llx", index,
					    (unsigned long long)next);
			break;
		}
		cur = next;
		n++;
		if (!old)
			st->overflow++;
	}
	if (!old)
		st->chain_hist[n < 8 ? n : 8]++;
	free(buf);
	if (jb) {
		jb->overflow_buckets = n;
		if (err) /* the bucket keeps its error; the command reports it too */
			jb->err = gl_map_error_copy(err);
	}
	if (err) {
		gl_error_destroy(first);
		return err;
	}
	return first;
}

static struct gl_error *visit_array(struct gl_ctx *c, struct classic_walk *W, uint64_t addr,
				    uint64_t n, bool old)
{
	uint64_t bsize = W->L->bucket->size;
	struct gl_map_classic_summary *st = W->st;
	if (bsize == 0 || n > GL_MAP_MAX_READ / bsize)
		return gl_error_create(GL_ERR_CORRUPT, "implausible bucket array at 0x%llx: %llu buckets of %llu bytes",
				       (unsigned long long)addr, (unsigned long long)n, (unsigned long long)bsize);
	unsigned char *arr;
	struct gl_error *err = gl_map_read_array(c, addr, n, bsize, old ? "old buckets" : "buckets", &arr);
	if (err)
		return err;
	struct gl_error *first = NULL;
	/* old buckets have a display budget of their own */
	long old_shown = 0;
	for (uint64_t i = 0; i < n && !gl_interrupted(c); i++) {
		gl_progress(c, "map entries read", st->full, W->m->count);
		if (old)
			st->old_buckets++;
		else
			st->buckets++;
		err = visit_chain(c, W, arr + i * bsize, addr + i * bsize, (long)i, old,
				  old ? &old_shown : &W->m->classic.shown);
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	free(arr);
	return first;
}

/* Totals and bytes of the summary, from the counts of the walk. */
static void finish_summary(const struct classic_layout *L, struct gl_map *m)
{
	struct gl_map_classic_summary *s = &m->classic.sum;
	uint64_t bs = L->bucket->size;
	uint64_t stored = L->slot_key->size + L->slot_elem->size;
	s->load_factor = s->buckets ? (double)m->count / (double)(s->buckets * CELLS) : 0;
	s->bytes_header = L->hdr->size;
	s->bytes_buckets = s->buckets * bs;
	s->bytes_overflow = s->overflow * bs;
	s->bytes_old_buckets = s->old_buckets * bs;
	s->bytes_wasted_empty_cells = (s->cells - s->full) * (stored + 1);
	/* a bucket: tophash bytes, keys, elems, the overflow pointer, padding */
	s->bytes_bucket_padding = (s->buckets + s->overflow) * (bs - CELLS * (stored + 1) - L->rt->ptr_size);
}

struct gl_error *gl_map_decode_classic(struct gl_ctx *c, const struct gl_rtlayout *rt,
				       const struct gl_type *t, uint64_t ptr, struct gl_map *m)
{
	struct classic_layout L;
	struct gl_error *err = layout_init(rt, t, &L);
	if (err)
		return err;
	const struct gl_type *H = L.hdr;
	/* hash<K,V> is the linker's copy of runtime.hmap: the table's
	 * offsets must fall inside it */
	if (H->size < gl_rt_struct(rt, GL_RTS_HMAP)->size)
		return gl_error_create(GL_ERR_NODWARF, "%s is smaller than runtime.hmap", H->name);
	unsigned char *h = malloc(H->size);
	if (!h)
		return &gl_error_nomem;
	if ((err = gl_mem_read(c->mem, ptr, h, H->size))) {
		free(h);
		return gl_error_wrap(err, "reading the map header %s at 0x%llx", H->name,
				     (unsigned long long)ptr);
	}
	struct gl_map_classic *mc = &m->classic;
	m->impl = GL_MAP_CLASSIC;
	m->decoded = true;
	m->count = gl_rt_get(rt, GL_RTF_HMAP_COUNT, h);
	mc->flags_raw = (uint8_t)gl_rt_get(rt, GL_RTF_HMAP_FLAGS, h);
	mc->flags = flag_bits(rt, mc->flags_raw);
	mc->B = (uint8_t)gl_rt_get(rt, GL_RTF_HMAP_B, h);
	m->seed = gl_rt_get(rt, GL_RTF_HMAP_HASH0, h); /* t.Hasher(key, uintptr(h.hash0)) */
	mc->sum.hashed = m->hashing;
	mc->buckets = gl_rt_get(rt, GL_RTF_HMAP_BUCKETS, h);
	mc->oldbuckets = gl_rt_get(rt, GL_RTF_HMAP_OLDBUCKETS, h);
	mc->nevacuate = gl_rt_get(rt, GL_RTF_HMAP_NEVACUATE, h);
	mc->same_size_grow = (mc->flags & GL_MAP_F_SAME_SIZE_GROW) != 0;
	mc->bucket_type = L.bucket->name;
	mc->bucket_size = L.bucket->size;
	m->indirect_key = gl_map_slot_indirect(L.slot_key, m->entries.key_type);
	m->indirect_elem = gl_map_slot_indirect(L.slot_elem, m->entries.elem_type);
	for (size_t i = 0; i < sizeof(header_fields) / sizeof(header_fields[0]); i++)
		gl_map_header_add(m, H, header_fields[i].name, header_fields[i].id, h);
	struct classic_walk W = {.L = &L, .m = m, .st = &mc->sum};
	u64map_init(&W.seen);
	uint8_t B = mc->B;
	uint64_t buckets = mc->buckets, old = mc->oldbuckets;
	if (B > GL_MAP_MAX_B) {
		err = gl_error_create(GL_ERR_CORRUPT, "garbage B = %u (corrupt map header?)", B);
		goto out;
	}
	uint64_t nb = (uint64_t)1 << B;
	mc->b_valid = true;
	mc->nbuckets = nb;
	if (buckets == 0) {
		if (m->count)
			err = gl_error_create(GL_ERR_CORRUPT, "map has %llu entries but no buckets",
					      (unsigned long long)m->count);
		goto out;
	}
	uint64_t nold = mc->same_size_grow ? nb : nb / 2;
	W.arr_lo = buckets;
	W.arr_hi = buckets + nb * L.bucket->size;
	if (old) {
		W.old_lo = old;
		W.old_hi = old + nold * L.bucket->size;
	}
	struct gl_error *e1 = visit_array(c, &W, buckets, nb, false), *e2 = NULL;
	if (old) {
		mc->old_visited = true;
		mc->noldbuckets = nold;
		e2 = nold ? visit_array(c, &W, old, nold, true) : NULL;
	}
	err = e1 ? e1 : e2;
	if (e1 && e2)
		gl_error_destroy(e2);
out:
	finish_summary(&L, m);
	if (!err && mc->sum.full != m->count && !m->entries.truncated)
		err = gl_error_create(GL_ERR_CORRUPT, "header says %llu entries but %llu live cells were found",
				      (unsigned long long)m->count, (unsigned long long)mc->sum.full);
	u64map_deinit(&W.seen);
	free(h);
	return err;
}
