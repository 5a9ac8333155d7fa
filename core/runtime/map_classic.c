/* Classic maps (Go <= 1.23, and 1.24/1.25 with GOEXPERIMENT=noswissmap):
 * hmap header, 2^B buckets of 8 cells with tophash bytes, overflow chains,
 * and incremental growth through oldbuckets. Offsets come from the DWARF
 * the linker synthesises (hash<K,V>, bucket<K,V>); the tophash markers and
 * flag bits from the runtime's own constants in DWARF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "base/strmap.h"
#include "eval/value.h"

#define CELLS 8

struct classic_layout {
	const struct gl_type *hdr, *bucket;
	const struct gl_type *slot_key, *slot_elem;
	uint64_t tophash_off, keys_off, elems_off, overflow_off;
	int64_t empty_rest, empty_one, evac_x, evac_y, evac_empty, min_top;
	int64_t f_iterator, f_old_iterator, f_writing, f_same_size;
};

struct classic_stats {
	uint64_t buckets, overflow, cells, full, empty_one, empty_rest;
	uint64_t chain_hist[9]; /* overflow buckets per chain: 0..7, 8+ */
	uint64_t old_buckets, old_evacuated;
	long shown, total;
	uint64_t overflow_total; /* bound against cycles and garbage */
	/* the bucket arrays: an overflow pointer into them is a cycle */
	uint64_t arr_lo, arr_hi, old_lo, old_hi;
};

static int64_t konst(struct gl_ctx *c, const char *name, int64_t dflt)
{
	int64_t v;
	return gl_dwarf_find_const(c->t->dw, name, &v) ? v : dflt;
}

static struct gl_error *layout_init(struct gl_ctx *c, const struct gl_type *t, struct classic_layout *L)
{
	memset(L, 0, sizeof(*L));
	L->hdr = t->target;
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
	L->empty_rest = konst(c, "runtime.emptyRest", 0);
	L->empty_one = konst(c, "runtime.emptyOne", 1);
	L->evac_x = konst(c, "runtime.evacuatedX", 2);
	L->evac_y = konst(c, "runtime.evacuatedY", 3);
	L->evac_empty = konst(c, "runtime.evacuatedEmpty", 4);
	L->min_top = konst(c, "runtime.minTopHash", 5);
	L->f_iterator = konst(c, "runtime.iterator", 1);
	L->f_old_iterator = konst(c, "runtime.oldIterator", 2);
	L->f_writing = konst(c, "runtime.hashWriting", 4);
	L->f_same_size = konst(c, "runtime.sameSizeGrow", 8);
	return NULL;
}

static const char *tophash_state(const struct classic_layout *L, uint8_t th)
{
	if (th == L->empty_rest) return "emptyRest";
	if (th == L->empty_one) return "emptyOne";
	if (th == L->evac_x) return "evacuatedX";
	if (th == L->evac_y) return "evacuatedY";
	if (th == L->evac_empty) return "evacuatedEmpty";
	return th >= L->min_top ? "full" : "invalid";
}

static bool evacuated(const struct classic_layout *L, const unsigned char *b)
{
	uint8_t h = b[L->tophash_off];
	return h > L->empty_one && h < L->min_top;
}

static json_t *cells_json(struct gl_ctx *c, struct gl_map_walk *w, const struct classic_layout *L,
			  const unsigned char *b)
{
	json_t *arr = json_array();
	for (int i = 0; i < CELLS; i++) {
		uint8_t th = b[L->tophash_off + i];
		const char *state = tophash_state(L, th);
		const unsigned char *kb = b + L->keys_off + (uint64_t)i * L->slot_key->size;
		const unsigned char *eb = b + L->elems_off + (uint64_t)i * L->slot_elem->size;
		json_t *js = json_object();
		json_object_set_new(js, "slot", json_integer(i));
		json_object_set_new(js, "tophash", json_integer(th));
		json_object_set_new(js, "state", json_string(state));
		json_object_set_new(js, "key_offset", json_integer((json_int_t)(kb - b)));
		json_object_set_new(js, "elem_offset", json_integer((json_int_t)(eb - b)));
		if (!strcmp(state, "full"))
			gl_map_slot_json(c, w, L->slot_key, kb, L->slot_elem, eb, js);
		json_array_append_new(arr, js);
	}
	return arr;
}

/* Count and collect a bucket's live cells. */
static struct gl_error *collect_cells(struct gl_ctx *c, struct gl_map_walk *w,
				      const struct classic_layout *L, const unsigned char *b,
				      struct classic_stats *st)
{
	struct gl_error *first = NULL;
	for (int i = 0; i < CELLS; i++) {
		uint8_t th = b[L->tophash_off + i];
		st->cells++;
		if (th >= L->min_top) {
			st->full++;
			struct gl_error *err = gl_map_add_entry(
				c, w, L->slot_key, b + L->keys_off + (uint64_t)i * L->slot_key->size,
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

/* One bucket and its overflow chain. `arr` holds the bucket array bytes. */
static struct gl_error *visit_chain(struct gl_ctx *c, struct gl_map_walk *w,
				    const struct classic_layout *L, const unsigned char *first_b,
				    uint64_t addr, long index, bool old, json_t *out,
				    struct classic_stats *st, struct u64map *seen)
{
	uint64_t bsize = L->bucket->size;
	bool show = out && (w->only_index >= 0 ? index == w->only_index
					       : (w->show_limit < 0 || st->shown < w->show_limit));
	bool evac = old && evacuated(L, first_b);
	json_t *jb = NULL, *chain = NULL;
	if (show) {
		jb = json_object();
		json_object_set_new(jb, "index", json_integer(index));
		gl_json_set_addr(jb, "address", addr);
		if (old)
			json_object_set_new(jb, "evacuated", json_boolean(evac));
		chain = json_array();
		st->shown++;
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
		if (!evac) {
			struct gl_error *cerr = collect_cells(c, w, L, buf, st);
			if (cerr && !first)
				first = cerr;
			else
				gl_error_destroy(cerr);
		}
		if (chain) {
			json_t *jc = json_object();
			gl_json_set_addr(jc, "address", cur);
			json_object_set_new(jc, "cells", cells_json(c, w, L, buf));
			uint64_t ov = gl_get_uint(buf + L->overflow_off, 8);
			gl_json_set_addr(jc, "overflow", ov);
			json_array_append_new(chain, jc);
		}
		uint64_t next = gl_get_uint(buf + L->overflow_off, 8);
		if (!next)
			break;
		if (u64map_get(seen, next) || (next >= st->arr_lo && next < st->arr_hi) ||
		    (next >= st->old_lo && next < st->old_hi)) {
			err = gl_error_create(GL_ERR_CORRUPT, "overflow chain of bucket %ld cycles back to 0x%llx",
					      index, (unsigned long long)next);
			break;
		}
		if (++st->overflow_total > GL_MAP_MAX_OVERFLOW) {
			err = gl_error_create(GL_ERR_LIMIT, "more than %u overflow buckets: giving up",
					      GL_MAP_MAX_OVERFLOW);
			break;
		}
		u64map_put(seen, next, (void *)1);
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
	if (jb) {
		json_object_set_new(jb, "overflow_buckets", json_integer(n));
		json_object_set_new(jb, "chain", chain);
		if (err)
			json_object_set_new(jb, "error", gl_json_text(err->message));
		json_array_append_new(out, jb);
	}
	free(buf);
	if (err) {
		gl_error_destroy(first);
		return err;
	}
	return first;
}

static struct gl_error *visit_array(struct gl_ctx *c, struct gl_map_walk *w,
				    const struct classic_layout *L, uint64_t addr, uint64_t n,
				    bool old, json_t *out, struct classic_stats *st,
				    struct u64map *seen)
{
	uint64_t bsize = L->bucket->size;
	if (bsize == 0 || n > GL_MAP_MAX_READ / bsize)
		return gl_error_create(GL_ERR_CORRUPT, "implausible bucket array at 0x%llx: %llu buckets of %llu bytes",
				       (unsigned long long)addr, (unsigned long long)n, (unsigned long long)bsize);
	/* Probe both ends before allocating: a garbage pointer with a large
	 * B must fail fast, not after a huge allocation. */
	if (n * bsize > (1u << 20) &&
	    (!gl_mem_readable(c->mem, addr, 1) || !gl_mem_readable(c->mem, addr + n * bsize - 1, 1)))
		return gl_error_fault(addr, "cannot read %llu %sbuckets at 0x%llx", (unsigned long long)n,
				      old ? "old " : "", (unsigned long long)addr);
	unsigned char *arr = malloc(n * bsize);
	if (!arr)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, addr, arr, n * bsize);
	if (err) {
		free(arr);
		return gl_error_wrap(err, "reading %llu %sbuckets at 0x%llx", (unsigned long long)n,
				     old ? "old " : "", (unsigned long long)addr);
	}
	struct gl_error *first = NULL;
	/* old buckets have a display budget of their own */
	long saved_shown = st->shown;
	if (old)
		st->shown = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (old)
			st->old_buckets++;
		else
			st->buckets++;
		err = visit_chain(c, w, L, arr + i * bsize, addr + i * bsize, (long)i, old, out, st, seen);
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	if (old)
		st->shown = saved_shown;
	free(arr);
	return first;
}

static void flags_text(const struct classic_layout *L, uint8_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", f ? "" : "none",
		 (f & L->f_iterator) ? "iterator " : "", (f & L->f_old_iterator) ? "oldIterator " : "",
		 (f & L->f_writing) ? "hashWriting " : "", (f & L->f_same_size) ? "sameSizeGrow " : "");
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
}

struct gl_error *gl_map_walk_classic(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				     struct gl_map_walk *w)
{
	struct classic_layout L;
	struct gl_error *err = layout_init(c, t, &L);
	if (err)
		return err;
	json_t *d = w->doc;
	const struct gl_type *H = L.hdr;
	unsigned char *h = malloc(H->size);
	if (!h)
		return &gl_error_nomem;
	if ((err = gl_mem_read(c->mem, ptr, h, H->size))) {
		free(h);
		return gl_error_wrap(err, "reading the map header %s at 0x%llx", H->name,
				     (unsigned long long)ptr);
	}
	const struct gl_field *fc = gl_type_field(H, "count"), *ff = gl_type_field(H, "flags"),
			      *fB = gl_type_field(H, "B"), *fb = gl_type_field(H, "buckets"),
			      *fo = gl_type_field(H, "oldbuckets"), *fn = gl_type_field(H, "nevacuate");
	if (!fc || !ff || !fB || !fb || !fo || !fn) {
		free(h);
		return gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", H->name);
	}
	uint64_t count = gl_get_uint(h + fc->offset, fc->type->size);
	uint8_t flags = h[ff->offset], B = h[fB->offset];
	uint64_t buckets = gl_get_uint(h + fb->offset, 8), old = gl_get_uint(h + fo->offset, 8);
	uint64_t nevac = gl_get_uint(h + fn->offset, 8);
	bool same = (flags & L.f_same_size) != 0;
	struct classic_stats st = {0};
	struct u64map seen;
	u64map_init(&seen);
	json_t *bj = d && w->want_doc ? json_array() : NULL;
	json_t *oj = d && w->want_doc && old ? json_array() : NULL;
	char note[128], ftext[96];
	if (d) {
		json_object_set_new(d, "impl", json_string("classic"));
		json_object_set_new(d, "count", json_integer((json_int_t)count));
		json_object_set_new(d, "B", json_integer(B));
		json_object_set_new(d, "bucket_type", gl_json_text(L.bucket->name));
		json_object_set_new(d, "bucket_size", json_integer((json_int_t)L.bucket->size));
		json_object_set_new(d, "indirect_key", json_boolean(gl_map_slot_indirect(L.slot_key, w->key_type)));
		json_object_set_new(d, "indirect_elem", json_boolean(gl_map_slot_indirect(L.slot_elem, w->elem_type)));
		json_t *arr = json_array();
		gl_map_header_field(arr, H, "count", h, NULL, "live entries");
		flags_text(&L, flags, ftext, sizeof(ftext));
		gl_map_header_field(arr, H, "flags", h, NULL, ftext);
		snprintf(note, sizeof(note), "2^%u = %llu buckets", B, B < 64 ? (unsigned long long)1 << B : 0ull);
		gl_map_header_field(arr, H, "B", h, NULL, note);
		gl_map_header_field(arr, H, "noverflow", h, NULL, "approximate overflow bucket count");
		gl_map_header_field(arr, H, "hash0", h, NULL, "hash seed");
		gl_map_header_field(arr, H, "buckets", h, NULL, NULL);
		gl_map_header_field(arr, H, "oldbuckets", h, NULL, old ? "growing" : "not growing");
		gl_map_header_field(arr, H, "nevacuate", h, NULL, "old buckets below this are evacuated");
		gl_map_header_field(arr, H, "clearSeq", h, NULL, NULL);
		gl_map_header_field(arr, H, "extra", h, NULL, NULL);
		json_object_set_new(d, "header", arr);
		json_object_set_new(d, "growing", json_boolean(old != 0));
		if (old) {
			json_object_set_new(d, "same_size_grow", json_boolean(same));
			json_object_set_new(d, "nevacuate", json_integer((json_int_t)nevac));
			gl_json_set_addr(d, "oldbuckets", old);
		}
	}
	if (B > GL_MAP_MAX_B) {
		err = gl_error_create(GL_ERR_CORRUPT, "garbage B = %u (corrupt map header?)", B);
		goto out;
	}
	uint64_t nb = (uint64_t)1 << B;
	if (d)
		json_object_set_new(d, "nbuckets", json_integer((json_int_t)nb));
	if (buckets == 0) {
		if (count)
			err = gl_error_create(GL_ERR_CORRUPT, "map has %llu entries but no buckets",
					      (unsigned long long)count);
		goto out;
	}
	st.arr_lo = buckets;
	st.arr_hi = buckets + nb * L.bucket->size;
	if (old) {
		uint64_t nold = same ? nb : nb / 2;
		st.old_lo = old;
		st.old_hi = old + nold * L.bucket->size;
	}
	struct gl_error *e1 = visit_array(c, w, &L, buckets, nb, false, bj, &st, &seen), *e2 = NULL;
	if (old) {
		uint64_t nold = same ? nb : nb / 2;
		if (d)
			json_object_set_new(d, "noldbuckets", json_integer((json_int_t)nold));
		e2 = nold ? visit_array(c, w, &L, old, nold, true, oj, &st, &seen) : NULL;
	}
	err = e1 ? e1 : e2;
	if (e1 && e2)
		gl_error_destroy(e2);
out:
	if (d) {
		if (bj)
			json_object_set_new(d, "buckets", bj);
		if (oj)
			json_object_set_new(d, "old_buckets", oj);
		json_object_set_new(d, "buckets_shown", json_integer(st.shown));
		json_object_set_new(d, "buckets_total", json_integer((json_int_t)st.buckets));
		json_t *s = json_object();
		json_object_set_new(s, "entries", json_integer((json_int_t)count));
		json_object_set_new(s, "buckets", json_integer((json_int_t)st.buckets));
		json_object_set_new(s, "overflow_buckets", json_integer((json_int_t)st.overflow));
		json_object_set_new(s, "old_buckets", json_integer((json_int_t)st.old_buckets));
		json_object_set_new(s, "old_evacuated", json_integer((json_int_t)st.old_evacuated));
		json_object_set_new(s, "cells", json_integer((json_int_t)st.cells));
		json_object_set_new(s, "full", json_integer((json_int_t)st.full));
		json_object_set_new(s, "empty_one", json_integer((json_int_t)st.empty_one));
		json_object_set_new(s, "load_factor",
				    json_real(st.buckets ? (double)count / (double)(st.buckets * CELLS) : 0));
		json_t *hist = json_array();
		for (int i = 0; i < 9; i++)
			json_array_append_new(hist, json_integer((json_int_t)st.chain_hist[i]));
		json_object_set_new(s, "overflow_chain_histogram", hist);
		uint64_t bs = L.bucket->size;
		uint64_t stored = L.slot_key->size + L.slot_elem->size;
		json_object_set_new(s, "bytes_header", json_integer((json_int_t)H->size));
		json_object_set_new(s, "bytes_buckets", json_integer((json_int_t)(st.buckets * bs)));
		json_object_set_new(s, "bytes_overflow", json_integer((json_int_t)(st.overflow * bs)));
		json_object_set_new(s, "bytes_old_buckets", json_integer((json_int_t)(st.old_buckets * bs)));
		json_object_set_new(s, "bytes_wasted_empty_cells",
				    json_integer((json_int_t)((st.cells - st.full) * (stored + 1))));
		json_object_set_new(s, "bytes_bucket_padding",
				    json_integer((json_int_t)((st.buckets + st.overflow) *
							      (bs - CELLS * (stored + 1) - 8))));
		json_object_set_new(d, "summary", s);
	}
	if (!err && st.full != count && !w->entries_truncated)
		err = gl_error_create(GL_ERR_CORRUPT, "header says %llu entries but %llu live cells were found",
				      (unsigned long long)count, (unsigned long long)st.full);
	u64map_deinit(&seen);
	free(h);
	return err;
}
