/* The golayout/1 "map" document of a sync.Map, from runtime/syncmap.h:
 * the structure (read/dirty maps with each key's entry state, or the
 * hash-trie's nodes and entries), a summary, and "entries" as Load and
 * Range see them, [{key, value}] as for any map. */
#include <stdio.h>

#include "doc/syncmap_doc.h"
#include "doc/home_doc.h"
#include "doc/value_doc.h"

/* A hash or seed: 16 hex digits (JSON integers stop at 2^63). */
static void set_hex64(json_t *o, const char *key, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
	json_object_set_new(o, key, json_string(buf));
}

const char *gl_syncmap_impl_name(const struct gl_syncmap *m)
{
	if (!m->decoded)
		return "";
	return m->impl == GL_SYNCMAP_TRIE ? "sync.Map/hashtrie" : "sync.Map/readdirty";
}

void gl_syncmap_level_bits(const struct gl_syncmap_trie *t, int level, char *buf, size_t len)
{
	int hi = t->hash_bits - 1 - level * t->log2;
	snprintf(buf, len, "%d..%d", hi, hi - t->log2 + 1);
}

static void set_err(json_t *o, const struct gl_error *err)
{
	if (err)
		json_object_set_new(o, "error", gl_json_text(err->message));
}

/* ---- read/dirty ------------------------------------------------------------- */

static json_t *rdmap_json(struct gl_ctx *c, const struct gl_syncmap *m, const struct gl_syncmap_rdmap *r)
{
	json_t *o = json_object();
	gl_json_set_addr(o, "address", r->address);
	if (r->decoded) {
		json_object_set_new(o, "impl", json_string(r->impl));
		gl_json_set_uint(o, "count", r->count);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct gl_syncmap_slot *s = &r->v[i];
		json_t *e = json_object();
		if (s->kv.key)
			json_object_set_new(e, "key", gl_format_member_json(c, m->iface, s->kv.key));
		gl_json_set_addr(e, "entry", s->entry);
		gl_json_set_addr(e, "p", s->p);
		json_object_set_new(e, "state", json_string(gl_syncmap_estate_name(s->state)));
		if (s->state == GL_SYNCMAP_LIVE)
			json_object_set_new(e, "value", gl_format_member_json(c, m->iface, s->kv.value));
		if (r == &m->rd.dm)
			json_object_set_new(e, "in_read", json_boolean(s->in_read));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "keys", arr);
	set_err(o, r->err);
	return o;
}

static void rd_doc(struct gl_ctx *c, const struct gl_syncmap *m, json_t *d)
{
	const struct gl_syncmap_rd *rd = &m->rd;
	json_t *r = rdmap_json(c, m, &rd->rm);
	gl_json_set_addr(r, "readonly", rd->read);
	json_object_set_new(r, "amended", json_boolean(rd->amended));
	json_object_set_new(d, "read", r);
	json_object_set_new(d, "dirty", rdmap_json(c, m, &rd->dm));
	json_object_set_new(d, "misses", json_integer(rd->misses));
	gl_json_set_addr(d, "expunged_sentinel", rd->expunged);
	json_t *s = json_object();
	gl_json_set_uint(s, "entries", m->entries.n);
	gl_json_set_uint(s, "read_keys", rd->rm.n);
	gl_json_set_uint(s, "dirty_keys", rd->dm.n);
	gl_json_set_uint(s, "live", rd->live);
	gl_json_set_uint(s, "deleted", rd->deleted);
	gl_json_set_uint(s, "expunged", rd->expunged_n);
	json_object_set_new(s, "amended", json_boolean(rd->amended));
	json_object_set_new(s, "misses", json_integer(rd->misses));
	json_object_set_new(d, "summary", s);
}

/* ---- hash-trie -------------------------------------------------------------- */

static json_t *levels_json(const uint64_t *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

static json_t *node_json(const struct gl_syncmap_trie *t, const struct gl_syncmap_node *n)
{
	char buf[32];
	json_t *o = json_object();
	gl_json_set_addr(o, "address", n->address);
	json_object_set_new(o, "level", json_integer(n->level));
	gl_syncmap_level_bits(t, n->level, buf, sizeof(buf));
	json_object_set_new(o, "hash_bits", json_string(buf));
	json_object_set_new(o, "up", json_integer(n->up));
	json_object_set_new(o, "slot", json_integer(n->slot));
	gl_json_set_addr(o, "parent", n->parent);
	json_object_set_new(o, "parent_ok", json_boolean(n->parent_ok));
	json_object_set_new(o, "dead", json_boolean(n->dead));
	json_object_set_new(o, "nchildren", json_integer(n->nchildren));
	json_t *kids = json_array();
	for (int i = 0; i < t->nchildren; i++)
		json_array_append_new(kids, gl_json_addr(n->children[i]));
	json_object_set_new(o, "children", kids);
	return o;
}

static json_t *tentry_json(struct gl_ctx *c, const struct gl_syncmap *m, const struct gl_syncmap_tentry *e)
{
	json_t *o = json_object();
	gl_json_set_addr(o, "address", e->address);
	json_object_set_new(o, "node", json_integer(e->node));
	json_object_set_new(o, "level", json_integer(e->level));
	json_object_set_new(o, "slot", json_integer(e->slot));
	json_object_set_new(o, "chain", json_integer(e->chain));
	gl_json_set_addr(o, "overflow", e->overflow);
	json_object_set_new(o, "key", gl_format_member_json(c, m->iface, e->kv.key));
	json_object_set_new(o, "value", gl_format_member_json(c, m->iface, e->kv.value));
	if (e->hashed && e->hash_random)
		json_object_set_new(o, "hash_random", json_true());
	else if (e->hashed)
		set_hex64(o, "hash", e->hash);
	if (e->misplaced)
		json_object_set_new(o, "misplaced", json_true());
	return o;
}

static void trie_doc(struct gl_ctx *c, const struct gl_syncmap *m, bool summary_only, json_t *d)
{
	const struct gl_syncmap_trie *t = &m->trie;
	json_t *o = json_object();
	gl_json_set_addr(o, "address", t->htm);
	json_object_set_new(o, "inited", json_boolean(t->inited));
	gl_json_set_addr(o, "root", t->root);
	set_hex64(o, "seed", t->seed);
	gl_json_set_addr(o, "key_hash", t->key_hash);
	json_object_set_new(o, "children_log2", json_integer(t->log2));
	json_object_set_new(o, "children", json_integer(t->nchildren));
	json_object_set_new(o, "hash_bits", json_integer(t->hash_bits));
	json_object_set_new(o, "max_levels", json_integer(t->max_levels));
	gl_json_set_uint(o, "node_size", t->node_size);
	gl_json_set_uint(o, "entry_size", t->entry_size);
	if (!summary_only) {
		json_t *nodes = json_array(), *ents = json_array();
		for (size_t i = 0; i < t->nnodes && !gl_interrupted(c); i++)
			json_array_append_new(nodes, node_json(t, &t->nodes[i]));
		for (size_t i = 0; i < t->nentries && !gl_interrupted(c); i++)
			json_array_append_new(ents, tentry_json(c, m, &t->entries[i]));
		json_object_set_new(o, "nodes", nodes);
		json_object_set_new(o, "trie_entries", ents);
	}
	set_err(o, t->err);
	json_object_set_new(d, "trie", o);
	json_t *s = json_object();
	gl_json_set_uint(s, "entries", m->entries.n);
	gl_json_set_uint(s, "trie_entries", t->nentries);
	gl_json_set_uint(s, "nodes", t->nnodes);
	gl_json_set_uint(s, "dead_nodes", t->dead_nodes);
	json_object_set_new(s, "depth", json_integer(t->depth));
	json_object_set_new(s, "nodes_per_level", levels_json(t->level_nodes, t->depth));
	json_object_set_new(s, "entries_per_level", levels_json(t->level_entries, t->depth));
	gl_json_set_uint(s, "chains", t->chains);
	gl_json_set_uint(s, "overflow_entries", t->overflow_entries);
	gl_json_set_uint(s, "longest_chain", t->longest_chain);
	gl_json_set_uint(s, "bytes_nodes", t->nnodes * t->node_size);
	gl_json_set_uint(s, "bytes_entries", t->nentries * t->entry_size);
	if (t->hash_err)
		json_object_set_new(s, "hash_error", gl_json_text(t->hash_err->message));
	else
		gl_json_set_uint(s, "misplaced", t->misplaced);
	json_object_set_new(d, "summary", s);
}

json_t *gl_syncmap_view_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
			    const struct gl_syncmap_view *sv, struct gl_doc_tail *tail)
{
	(void)tail;
	const struct gl_syncmap *m = &sv->m;
	json_t *d = gl_pointee_doc_new(c, "map", expr, v, m->address);
	if (!d)
		return NULL;
	json_object_set_new(d, "key_type", json_string("interface {}"));
	json_object_set_new(d, "elem_type", json_string("interface {}"));
	json_object_set_new(d, "summary_only", json_boolean(sv->summary));
	json_object_set_new(d, "home", gl_home_json(&sv->home));
	if (!m->decoded)
		return d;
	json_object_set_new(d, "impl", json_string(gl_syncmap_impl_name(m)));
	gl_json_set_uint(d, "count", m->entries.n);
	if (m->impl == GL_SYNCMAP_TRIE)
		trie_doc(c, m, sv->summary, d);
	else
		rd_doc(c, m, d);
	if (!sv->summary) {
		json_t *arr = json_array();
		size_t n = m->entries.n < sv->max_entries ? m->entries.n : (size_t)sv->max_entries;
		for (size_t i = 0; i < n && !gl_interrupted(c); i++) {
			json_t *e = json_object();
			json_object_set_new(e, "key", gl_format_member_json(c, m->iface, m->entries.v[i].key));
			json_object_set_new(e, "value", gl_format_member_json(c, m->iface, m->entries.v[i].elem));
			json_array_append_new(arr, e);
		}
		json_object_set_new(d, "entries", arr);
		json_object_set_new(d, "entries_truncated", json_boolean(m->entries.truncated || n < m->entries.n));
	}
	gl_json_set_uint(d, "backend_reads", c->mem->cmd_stats.backend_reads - sv->reads0);
	return d;
}
