/* The golayout/1 "map" document from the typed model of runtime/maps.h.
 * Keys are added in the order the schema has always had them (jansson
 * keeps insertion order). */
#include <stdio.h>
#include <string.h>

#include "doc/map_doc.h"
#include "doc/doc.h"
#include "doc/home_doc.h"
#include "doc/value_doc.h"
#include "base/le.h"
#include "fmt/format.h"

static json_t *jint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* A hash as "0x" and 16 hex digits (JSON integers stop at 2^63). */
static json_t *hex64(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
	return json_string(buf);
}

void gl_map_hfield_value(const struct gl_map_hfield *f, char *buf, size_t len)
{
	enum gl_kind k = f->type->kind;
	uint64_t v = gl_get_uint(f->bytes, f->size);
	if (k == GL_K_POINTER || k == GL_K_UNSAFEPOINTER || k == GL_K_UINTPTR)
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
	else if (gl_kind_is_int(k))
		snprintf(buf, len, "%lld", (long long)gl_get_int(f->bytes, f->size));
	else if (k == GL_K_BOOL)
		snprintf(buf, len, "%s", v ? "true" : "false");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* hmap.flags as the runtime names its bits, "none" when clear. */
static void flags_text(const struct gl_map_classic *mc, char *buf, size_t len)
{
	unsigned f = mc->flags;
	snprintf(buf, len, "%s%s%s%s%s", mc->flags_raw ? "" : "none",
		 (f & GL_MAP_F_ITERATOR) ? "iterator " : "", (f & GL_MAP_F_OLD_ITERATOR) ? "oldIterator " : "",
		 (f & GL_MAP_F_HASH_WRITING) ? "hashWriting " : "",
		 (f & GL_MAP_F_SAME_SIZE_GROW) ? "sameSizeGrow " : "");
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
}

bool gl_map_hfield_note(const struct gl_map *m, const struct gl_map_hfield *f, char *buf, size_t len)
{
	const char *s = NULL;
	switch (f->id) {
	case GL_MH_COUNT: case GL_MH_USED: s = "live entries"; break;
	case GL_MH_FLAGS: flags_text(&m->classic, buf, len); return true;
	case GL_MH_B:
		snprintf(buf, len, "2^%u = %llu buckets", m->classic.B,
			 m->classic.B < 64 ? (unsigned long long)1 << m->classic.B : 0ull);
		return true;
	case GL_MH_NOVERFLOW: s = "approximate overflow bucket count"; break;
	case GL_MH_HASH0: case GL_MH_SEED: s = "hash seed"; break;
	case GL_MH_OLDBUCKETS: s = m->classic.oldbuckets ? "growing" : "not growing"; break;
	case GL_MH_NEVACUATE: s = "old buckets below this are evacuated"; break;
	case GL_MH_DIRLEN: s = m->swiss.dirlen == 0 ? "small map: dirPtr is one group" : "directory slots"; break;
	case GL_MH_GLOBALDEPTH:
		snprintf(buf, len, "2^%u directory slots", m->swiss.global_depth);
		return true;
	case GL_MH_GLOBALSHIFT: s = "hash >> shift picks the slot"; break;
	case GL_MH_WRITING: s = f->bytes[0] ? "a write is in progress" : "no write in progress"; break;
	case GL_MH_SWISS_CLEARSEQ: s = "bumped by clear()"; break;
	case GL_MH_BUCKETS: case GL_MH_CLASSIC_CLEARSEQ: case GL_MH_EXTRA: case GL_MH_DIRPTR:
	case GL_MH_TOMBSTONEPOSSIBLE:
		return false;
	}
	if (!s)
		return false;
	snprintf(buf, len, "%s", s);
	return true;
}

const char *gl_map_impl_name(const struct gl_map *m)
{
	return !m->decoded ? "" : m->impl == GL_MAP_SWISS ? "swiss" : "classic";
}

static json_t *header_json(const struct gl_map *m)
{
	json_t *arr = json_array();
	for (int i = 0; i < m->nheader; i++) {
		const struct gl_map_hfield *f = &m->header[i];
		char buf[128];
		json_t *o = json_object();
		json_object_set_new(o, "name", gl_json_text(f->name));
		json_object_set_new(o, "offset", jint(f->offset));
		json_object_set_new(o, "size", jint(f->size));
		json_object_set_new(o, "type", gl_json_text(f->type->name));
		gl_map_hfield_value(f, buf, sizeof(buf));
		json_object_set_new(o, "value", json_string(buf));
		if (gl_map_hfield_note(m, f, buf, sizeof(buf)))
			json_object_set_new(o, "note", gl_json_text(buf));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* One cell or slot: its position and state, and for a full one its key
 * and element (%v) and indirect addresses. */
static json_t *slot_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_slot *s, int i)
{
	json_t *js = json_object();
	json_object_set_new(js, "slot", json_integer(i));
	if (m->impl == GL_MAP_SWISS) {
		char buf[8];
		snprintf(buf, sizeof(buf), "0x%02x", s->ctrl);
		json_object_set_new(js, "ctrl", json_string(buf));
	} else {
		json_object_set_new(js, "tophash", json_integer(s->ctrl));
	}
	json_object_set_new(js, "state", json_string(gl_slot_state_name(s->state)));
	json_object_set_new(js, "key_offset", jint(s->key_offset));
	json_object_set_new(js, "elem_offset", jint(s->elem_offset));
	if (s->state != GL_SLOT_FULL)
		return js;
	if (m->impl == GL_MAP_SWISS)
		json_object_set_new(js, "h2", json_integer(s->ctrl));
	if (s->hashed) {
		if (s->hash_random) /* a NaN: hashed to a random number */
			json_object_set_new(js, "hash_random", json_true());
		else
			json_object_set_new(js, "hash", hex64(s->hash));
		if (s->probe)
			json_object_set_new(js, "probe", json_integer(s->probe));
		if (s->misplaced)
			json_object_set_new(js, "misplaced", json_true());
	}
	if (!s->err) {
		json_object_set_new(js, "key", gl_format_member_json(c, m->entries.key_type, s->kv.key));
		json_object_set_new(js, "value", gl_format_member_json(c, m->entries.elem_type, s->kv.elem));
	} else {
		json_object_set_new(js, "error", gl_json_text(s->err->message));
	}
	if (m->indirect_key)
		gl_json_set_addr(js, "key_indirect", s->key_ptr);
	if (m->indirect_elem)
		gl_json_set_addr(js, "elem_indirect", s->elem_ptr);
	return js;
}

static json_t *slots_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_slot *s)
{
	json_t *arr = json_array();
	for (int i = 0; i < GL_MAP_SLOTS; i++)
		json_array_append_new(arr, slot_json(c, m, &s[i], i));
	return arr;
}

/* ---- classic ---------------------------------------------------------------- */

static json_t *buckets_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_bucket *b,
			    size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *jb = json_object();
		json_object_set_new(jb, "index", json_integer(b[i].index));
		gl_json_set_addr(jb, "address", b[i].address);
		if (b[i].old)
			json_object_set_new(jb, "evacuated", json_boolean(b[i].evacuated));
		json_t *chain = json_array();
		for (size_t j = 0; j < b[i].nchain; j++) {
			const struct gl_map_cellblock *cb = &b[i].chain[j];
			json_t *jc = json_object();
			gl_json_set_addr(jc, "address", cb->address);
			json_object_set_new(jc, "cells", slots_json(c, m, cb->cells));
			gl_json_set_addr(jc, "overflow", cb->overflow);
			json_array_append_new(chain, jc);
		}
		json_object_set_new(jb, "overflow_buckets", json_integer(b[i].overflow_buckets));
		json_object_set_new(jb, "chain", chain);
		if (b[i].err)
			json_object_set_new(jb, "error", gl_json_text(b[i].err->message));
		json_array_append_new(arr, jb);
	}
	return arr;
}

static json_t *hist_json(const uint64_t *h, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, jint(h[i]));
	return arr;
}

static json_t *classic_summary_json(const struct gl_map *m)
{
	const struct gl_map_classic_summary *st = &m->classic.sum;
	json_t *s = json_object();
	json_object_set_new(s, "entries", jint(m->count));
	json_object_set_new(s, "buckets", jint(st->buckets));
	json_object_set_new(s, "overflow_buckets", jint(st->overflow));
	json_object_set_new(s, "old_buckets", jint(st->old_buckets));
	json_object_set_new(s, "old_evacuated", jint(st->old_evacuated));
	json_object_set_new(s, "cells", jint(st->cells));
	json_object_set_new(s, "full", jint(st->full));
	json_object_set_new(s, "empty_one", jint(st->empty_one));
	json_object_set_new(s, "load_factor", json_real(st->load_factor));
	json_object_set_new(s, "overflow_chain_histogram", hist_json(st->chain_hist, 9));
	json_object_set_new(s, "bytes_header", jint(st->bytes_header));
	json_object_set_new(s, "bytes_buckets", jint(st->bytes_buckets));
	json_object_set_new(s, "bytes_overflow", jint(st->bytes_overflow));
	json_object_set_new(s, "bytes_old_buckets", jint(st->bytes_old_buckets));
	json_object_set_new(s, "bytes_wasted_empty_cells", jint(st->bytes_wasted_empty_cells));
	json_object_set_new(s, "bytes_bucket_padding", jint(st->bytes_bucket_padding));
	if (st->hashed) {
		/* where the entries sit from their home bucket (hash & mask) */
		json_t *h = json_object();
		uint64_t placed = st->home_first + st->home_overflow + st->home_old;
		json_object_set_new(h, "in_home_bucket", jint(st->home_first));
		json_object_set_new(h, "in_overflow", jint(st->home_overflow));
		json_object_set_new(h, "in_old_bucket", jint(st->home_old));
		json_object_set_new(h, "outside_home_share",
				    json_real(placed ? (double)(st->home_overflow + st->home_old) / (double)placed : 0));
		json_object_set_new(h, "misplaced", jint(st->misplaced));
		json_object_set_new(h, "nan_keys", jint(st->random));
		json_object_set_new(s, "home", h);
	}
	if (m->hash_err)
		json_object_set_new(s, "hash_error", gl_json_text(m->hash_err->message));
	return s;
}

static void classic_doc(struct gl_ctx *c, const struct gl_map *m, json_t *d)
{
	const struct gl_map_classic *mc = &m->classic;
	json_object_set_new(d, "count", jint(m->count));
	json_object_set_new(d, "B", json_integer(mc->B));
	json_object_set_new(d, "bucket_type", gl_json_text(mc->bucket_type));
	json_object_set_new(d, "bucket_size", jint(mc->bucket_size));
	json_object_set_new(d, "indirect_key", json_boolean(m->indirect_key));
	json_object_set_new(d, "indirect_elem", json_boolean(m->indirect_elem));
	json_object_set_new(d, "header", header_json(m));
	json_object_set_new(d, "growing", json_boolean(mc->oldbuckets != 0));
	if (mc->oldbuckets) {
		json_object_set_new(d, "same_size_grow", json_boolean(mc->same_size_grow));
		json_object_set_new(d, "nevacuate", jint(mc->nevacuate));
		gl_json_set_addr(d, "oldbuckets", mc->oldbuckets);
	}
	if (mc->b_valid)
		json_object_set_new(d, "nbuckets", jint(mc->nbuckets));
	if (mc->old_visited)
		json_object_set_new(d, "noldbuckets", jint(mc->noldbuckets));
	if (m->opts.layout) {
		json_object_set_new(d, "buckets", buckets_json(c, m, mc->bkt, mc->nbkt));
		if (mc->oldbuckets)
			json_object_set_new(d, "old_buckets", buckets_json(c, m, mc->old, mc->nold));
	}
	json_object_set_new(d, "buckets_shown", json_integer(mc->shown));
	json_object_set_new(d, "buckets_total", jint(mc->sum.buckets));
	json_object_set_new(d, "summary", classic_summary_json(m));
}

/* ---- swiss ------------------------------------------------------------------ */

static json_t *groups_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_table *t)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < t->ngroups_shown; i++) {
		const struct gl_map_group *g = &t->groups[i];
		char buf[24];
		json_t *jg = json_object();
		json_object_set_new(jg, "index", json_integer(g->index));
		gl_json_set_addr(jg, "address", g->address);
		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)g->ctrl);
		json_object_set_new(jg, "ctrl", json_string(buf));
		json_object_set_new(jg, "full", json_integer(g->full));
		json_object_set_new(jg, "slots", slots_json(c, m, g->slots));
		json_array_append_new(arr, jg);
	}
	return arr;
}

static json_t *table_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_table *t)
{
	json_t *tj = json_object();
	if (t->small_group) {
		json_object_set_new(tj, "small_group", json_true());
	} else {
		gl_json_set_addr(tj, "address", t->address);
		json_object_set_new(tj, "dir_first", json_integer(t->dir_first));
		json_object_set_new(tj, "dir_last", json_integer(t->dir_last));
	}
	if (t->read) {
		json_object_set_new(tj, "used", jint(t->used));
		json_object_set_new(tj, "capacity", jint(t->capacity));
		json_object_set_new(tj, "growth_left", jint(t->growth_left));
		json_object_set_new(tj, "local_depth", jint(t->local_depth));
		json_object_set_new(tj, "index", json_integer(t->index));
		gl_json_set_addr(tj, "groups_address", t->groups_address);
		json_object_set_new(tj, "ngroups", jint(t->ngroups));
		if (t->depth_mismatch)
			json_object_set_new(tj, "note", json_string("directory slots disagree with localDepth"));
	}
	if (t->walked)
		json_object_set_new(tj, "groups", groups_json(c, m, t));
	if (t->err)
		json_object_set_new(tj, "error", gl_json_text(t->err->message));
	return tj;
}

static json_t *swiss_summary_json(const struct gl_map *m)
{
	const struct gl_map_swiss_summary *st = &m->swiss.sum;
	json_t *s = json_object();
	json_object_set_new(s, "entries", jint(m->count));
	json_object_set_new(s, "tables", jint(st->tables));
	json_object_set_new(s, "groups", jint(st->groups));
	json_object_set_new(s, "slots", jint(st->slots));
	json_object_set_new(s, "full", jint(st->full));
	json_object_set_new(s, "tombstones", jint(st->tombstones));
	json_object_set_new(s, "empty", jint(st->empty));
	json_object_set_new(s, "load_factor", json_real(st->load_factor));
	json_object_set_new(s, "group_fill_histogram", hist_json(st->fill_hist, GL_MAP_SLOTS + 1));
	json_object_set_new(s, "bytes_header", jint(st->bytes_header));
	json_object_set_new(s, "bytes_directory", jint(st->bytes_directory));
	json_object_set_new(s, "bytes_tables", jint(st->bytes_tables));
	json_object_set_new(s, "bytes_groups", jint(st->bytes_groups));
	json_object_set_new(s, "bytes_wasted_empty_slots", jint(st->bytes_wasted_empty_slots));
	json_object_set_new(s, "bytes_wasted_slot_padding", jint(st->bytes_wasted_slot_padding));
	json_object_set_new(s, "key_size", jint(st->key_size));
	json_object_set_new(s, "elem_size", jint(st->elem_size));
	if (st->hashed) {
		/* how many groups a lookup of each entry visits */
		uint64_t n = 0;
		for (int i = 0; i < GL_MAP_PROBE_HIST; i++)
			n += st->probe_hist[i];
		json_object_set_new(s, "probe_length_histogram", hist_json(st->probe_hist, GL_MAP_PROBE_HIST));
		json_object_set_new(s, "probe_max", jint(st->probe_max));
		json_object_set_new(s, "probe_mean", json_real(n ? (double)st->probe_total / (double)n : 0));
		json_object_set_new(s, "misplaced", jint(st->misplaced));
		json_object_set_new(s, "nan_keys", jint(st->random));
	}
	if (m->hash_err)
		json_object_set_new(s, "hash_error", gl_json_text(m->hash_err->message));
	return s;
}

static void swiss_doc(struct gl_ctx *c, const struct gl_map *m, json_t *d)
{
	const struct gl_map_swiss *ms = &m->swiss;
	json_object_set_new(d, "groups_layout", json_string(ms->split ? "split" : "interleaved"));
	json_object_set_new(d, "count", jint(m->count));
	json_object_set_new(d, "group_type", gl_json_text(ms->group_type));
	json_object_set_new(d, "group_size", jint(ms->group_size));
	json_object_set_new(d, "slot_size", jint(ms->slot_size));
	json_object_set_new(d, "indirect_key", json_boolean(m->indirect_key));
	json_object_set_new(d, "indirect_elem", json_boolean(m->indirect_elem));
	json_object_set_new(d, "header", header_json(m));
	if (ms->fields_ok)
		json_object_set_new(d, "small", json_boolean(ms->small));
	if (ms->dir_read) {
		json_t *dj = json_object(), *slots = json_array();
		for (int64_t i = 0; i < ms->dirlen; i++)
			json_array_append_new(slots, gl_json_addr(ms->dir_slots[i]));
		gl_json_set_addr(dj, "address", ms->dir);
		json_object_set_new(dj, "len", json_integer(ms->dirlen));
		json_object_set_new(dj, "global_depth", json_integer(ms->global_depth));
		json_object_set_new(dj, "slots", slots);
		json_object_set_new(d, "directory", dj);
	}
	if (m->opts.layout) {
		json_t *tables = json_array();
		for (size_t i = 0; i < ms->ntables; i++)
			json_array_append_new(tables, table_json(c, m, &ms->tables[i]));
		json_object_set_new(d, "tables", tables);
	}
	json_object_set_new(d, "groups_shown", json_integer(ms->shown));
	json_object_set_new(d, "groups_total", json_integer(ms->total_groups));
	json_object_set_new(d, "summary", swiss_summary_json(m));
}

/* The slots of a bit set, as an array of indexes. */
static json_t *bits_json(uint8_t bits)
{
	json_t *a = json_array();
	for (int i = 0; i < GL_MAP_SLOTS; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_integer(i));
	return a;
}

static json_t *lookup_json(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_lookup *l)
{
	bool swiss = m->impl == GL_MAP_SWISS;
	json_t *j = json_object();
	json_object_set_new(j, "hash_random", json_boolean(l->random));
	if (l->random)
		return j; /* a NaN: no hash to give */
	json_object_set_new(j, "hash", hex64(l->hash));
	if (swiss) {
		json_object_set_new(j, "h1", hex64(l->h1));
		json_object_set_new(j, "h2", json_integer(l->top));
		json_object_set_new(j, "small", json_boolean(l->small));
		if (!l->small) {
			json_object_set_new(j, "dir_index", json_integer(l->dir_index));
			gl_json_set_addr(j, "table", l->table);
			json_object_set_new(j, "ngroups", jint(l->ngroups));
			json_object_set_new(j, "first_group", jint(l->first_group));
		}
	} else {
		json_object_set_new(j, "tophash", json_integer(l->top));
		json_object_set_new(j, "bucket", jint(l->bucket));
		json_object_set_new(j, "growing", json_boolean(l->growing));
		if (l->growing) {
			json_object_set_new(j, "old_bucket", jint(l->old_bucket));
			json_object_set_new(j, "old_evacuated", json_boolean(l->old_evacuated));
		}
	}
	json_t *probes = json_array();
	const struct gl_map_probe *hit = NULL;
	for (size_t i = 0; i < l->nprobes; i++) {
		const struct gl_map_probe *p = &l->probes[i];
		json_t *jp = json_object();
		char buf[24];
		if (swiss) {
			json_object_set_new(jp, "group", json_integer(p->index));
			json_object_set_new(jp, "group_index", json_integer(p->model_index));
		} else {
			json_object_set_new(jp, "bucket", json_integer(p->index));
			json_object_set_new(jp, "old", json_boolean(p->old));
			json_object_set_new(jp, "chain_pos", json_integer(p->chain_pos));
		}
		gl_json_set_addr(jp, "address", p->address);
		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)p->ctrl);
		json_object_set_new(jp, swiss ? "ctrl" : "tophash", json_string(buf));
		json_object_set_new(jp, "match", bits_json(p->match));
		json_object_set_new(jp, "empty", bits_json(p->empty));
		if (swiss)
			json_object_set_new(jp, "deleted", bits_json(p->deleted));
		if (p->found >= 0) {
			json_object_set_new(jp, "found_slot", json_integer(p->found));
			hit = p;
		}
		json_array_append_new(probes, jp);
	}
	json_object_set_new(j, "probes", probes);
	json_object_set_new(j, "found", json_boolean(l->found));
	if (hit && hit->slot && !hit->slot->err) {
		json_object_set_new(j, "key", gl_format_member_json(c, m->entries.key_type, hit->slot->kv.key));
		json_object_set_new(j, "value", gl_format_member_json(c, m->entries.elem_type, hit->slot->kv.elem));
	}
	if (!l->found) {
		json_t *ins = json_object();
		if (l->insert_known) {
			json_object_set_new(ins, swiss ? "group_index" : "bucket", json_integer(l->insert_index));
			if (!swiss)
				json_object_set_new(ins, "chain_pos", json_integer(l->insert_chain_pos));
			json_object_set_new(ins, "slot", json_integer(l->insert_slot));
			gl_json_set_addr(ins, "address", l->insert_address);
			if (l->insert_reuses_tombstone)
				json_object_set_new(ins, "reuses_tombstone", json_true());
		} else {
			json_object_set_new(ins, "note", gl_json_text(l->insert_note));
		}
		json_object_set_new(j, "insert", ins);
	}
	return j;
}

void gl_map_doc_add(struct gl_ctx *c, const struct gl_map *m, json_t *d)
{
	if (m->decoded) {
		json_object_set_new(d, "impl", json_string(gl_map_impl_name(m)));
		if (m->hashing) {
			json_t *h = json_object();
			json_object_set_new(h, "algorithm", json_string(m->keys.aes ? "aes" : "fallback"));
			json_object_set_new(h, "seed", hex64(m->seed));
			json_object_set_new(d, "hash", h);
		}
		if (m->impl == GL_MAP_SWISS)
			swiss_doc(c, m, d);
		else
			classic_doc(c, m, d);
	}
}

/* The document's last members, written as text (struct gl_doc_tail):
 * "entries" (with --json and not --summary: every entry as {key, value}
 * %v texts, in fmt's order), "entries_truncated", and "backend_reads",
 * which counts the reads of formatting the entries too. */
static void write_tail(struct gl_ctx *c, const void *arg, struct strbuf *out)
{
	const struct gl_map_view *mv = arg;
	const struct gl_map *m = &mv->m;
	if (m->opts.entries) {
		const struct gl_map_entries *e = &m->entries;
		struct strbuf text;
		sb_init(&text);
		sb_add(out, ",\"entries\":[");
		size_t i;
		for (i = 0; i < e->n && !gl_interrupted(c); i++) {
			/* sorted entries lie out of memory order: ask ahead */
			if (i + 16 < e->n)
				__builtin_prefetch(e->v[i + 16].key);
			sb_add(out, i ? ",{\"key\":" : "{\"key\":");
			gl_json_write_member(c, e->key_type, e->v[i].key, &text, out);
			sb_add(out, ",\"value\":");
			gl_json_write_member(c, e->elem_type, e->v[i].elem, &text, out);
			sb_addc(out, '}');
			gl_out_flush(c);
		}
		sb_deinit(&text);
		sb_addf(out, "],\"entries_truncated\":%s", e->truncated || i < e->n ? "true" : "false");
	}
	sb_addf(out, ",\"backend_reads\":%llu",
		(unsigned long long)(c->mem->cmd_stats.backend_reads - mv->reads0));
}

json_t *gl_map_view_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
			const struct gl_map_view *mv, struct gl_doc_tail *tail)
{
	json_t *d = gl_pointee_doc_new(c, "map", expr, v, mv->ptr);
	if (!d)
		return NULL;
	json_object_set_new(d, "key_type", gl_json_text(v->type->key ? v->type->key->name : "?"));
	json_object_set_new(d, "elem_type", gl_json_text(v->type->elem ? v->type->elem->name : "?"));
	json_object_set_new(d, "summary_only", json_boolean(mv->summary));
	if (!mv->ptr) {
		json_object_set_new(d, "nil", json_true());
		json_object_set_new(d, "count", json_integer(0));
		json_object_set_new(d, "entries", json_array());
		return d;
	}
	json_object_set_new(d, "home", gl_home_json(&mv->home));
	gl_map_doc_add(c, &mv->m, d);
	if (mv->key_text) {
		/* the lookup, not the layout it walked */
		json_object_del(d, "buckets");
		json_object_del(d, "old_buckets");
		json_object_del(d, "tables");
		json_object_set_new(d, "key_query", gl_json_text(mv->key_text));
		if (mv->looked_up)
			json_object_set_new(d, "lookup", lookup_json(c, &mv->m, &mv->lookup));
	}
	*tail = (struct gl_doc_tail){.write = write_tail, .arg = mv};
	return d;
}
