/* `golayout map --svg` of a sync.Map, from runtime/syncmap.h. Before Go
 * 1.24 (and with nosynchashtriemap): the sync.Map with its atomic read
 * pointer to the readOnly (m, amended), the dirty map and misses; the
 * keys of read.m and of dirty with an arrow each to its *entry, and the
 * entries once each (read and dirty share them): a value, nil (deleted)
 * or the expunged sentinel. From Go 1.24: the HashTrieMap's root and
 * seed, then one column per trie level (the hash bits it takes) with the
 * inner nodes and their child slots (a node, an entry, empty runs
 * folded), then the entries with their keys, hashes and overflow chains.
 * The same keys and trie entries as the text (--limit N, --all), and at
 * most SVG_MAX_* of each whatever the limit: the rest elided with its
 * count. */
#include <stdlib.h>

#include "doc/syncmap_doc.h"
#include "render/svg_views.h"
#include "render/syncmap_text.h"
#include "render/text.h"

/* librsvg renders nothing taller than 32767 px, and a picture of
 * thousands of regions is no longer read: beyond this many trie nodes
 * (up to ~290 px each), trie entries (~82 px) or keys of read and of
 * dirty (an entry of ~48 px each) the rest is a count. */
#define SVG_MAX_NODES 96
#define SVG_MAX_ENTRIES 320
#define SVG_MAX_KEYS 256
#define COL_HEAD 52
#define COL_NODE 50
#define COL_KEYS 60

static void kv_str(struct gl_ctx *c, const struct gl_syncmap *m, const unsigned char *b, struct strbuf *out)
{
	if (b)
		gl_member_str(c, m->iface, b, out);
	else
		gl_text_set(out, "?", 1);
}

/* ---- read/dirty ------------------------------------------------------------- */

static uint64_t keys_drawn(const struct gl_syncmap_rdmap *r, uint64_t limit)
{
	uint64_t n = r->n < limit ? r->n : limit;
	return n < SVG_MAX_KEYS ? n : SVG_MAX_KEYS;
}

static void rd_header(struct gl_svg *s, const struct gl_syncmap *m, uint64_t ptr)
{
	const struct gl_syncmap_rd *rd = &m->rd;
	gl_svg_region(s, "syncmap", m->address, 0, "sync.Map  " GL_SVG_A "0x%llx", (unsigned long long)m->address);
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, "mu     " GL_SVG_T "sync.Mutex");
	gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, rd->read, "read   atomic.Pointer[readOnly] " GL_SVG_A "0x%llx",
		       (unsigned long long)rd->read);
	gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, rd->dm.address, "dirty  map " GL_SVG_A "0x%llx" GL_SVG_R "%s",
		       (unsigned long long)rd->dm.address, rd->dm.address ? "" : " (nil)");
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, "misses %lld " GL_SVG_D "(loads that missed read)",
		   (long long)rd->misses);
	gl_svg_region_end(s);
	if (!rd->read) {
		gl_svg_note(s, "nothing stored yet: no readOnly");
		return;
	}
	gl_svg_region(s, "readonly", rd->read, 0, "readOnly  " GL_SVG_A "0x%llx", (unsigned long long)rd->read);
	gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, rd->rm.address, "m       map " GL_SVG_A "0x%llx" GL_SVG_R "%s",
		       (unsigned long long)rd->rm.address, rd->rm.address ? "" : " (nil)");
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 1, "amended %s" GL_SVG_D "%s", rd->amended ? "true" : "false",
		   rd->amended ? "  dirty holds keys read lacks" : "");
	gl_svg_region_end(s);
	if (rd->expunged)
		gl_svg_note(s, "expunged sentinel " GL_SVG_A "0x%llx" GL_SVG_R " (sync.expunged)",
			    (unsigned long long)rd->expunged);
}

/* read.m or dirty: a row per key drawn, with an arrow to its *entry. */
static void rd_keys(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m,
		    const struct gl_syncmap_rdmap *r, const char *kind, const char *what, uint64_t limit)
{
	if (!r->address)
		return;
	uint64_t n = keys_drawn(r, limit), ptr = c->t->ptr_size;
	gl_svg_region(s, kind, r->address, 0, "%s  map " GL_SVG_A "0x%llx" GL_SVG_R "  %s, %llu keys", what,
		      (unsigned long long)r->address, r->decoded ? r->impl : "not decoded",
		      (unsigned long long)r->count);
	struct strbuf k;
	sb_init(&k);
	for (uint64_t i = 0; i < n && !gl_interrupted(c); i++) {
		const struct gl_syncmap_slot *x = &r->v[i];
		enum gl_svg_fill f = x->state == GL_SYNCMAP_LIVE	 ? GL_SVG_DATA
				     : x->state == GL_SYNCMAP_UNREADABLE ? GL_SVG_ERROR
									 : GL_SVG_DELETED;
		kv_str(c, m, x->kv.key, &k);
		gl_svg_row(s, f, GL_SVG_NOOFF, ptr, "%s  -> entry " GL_SVG_A "0x%llx" GL_SVG_R " %s%s", gl_sb_str(&k),
			   (unsigned long long)x->entry, gl_syncmap_estate_name(x->state),
			   x->in_read ? GL_SVG_D " (read's entry)" : "");
		gl_svg_arrow_from_row(s, x->entry);
	}
	sb_deinit(&k);
	if (n < r->n)
		gl_svg_row(s, GL_SVG_ELIDED, GL_SVG_NOOFF, ptr, "... %llu of %zu keys drawn (--limit N, --all%s)",
			   (unsigned long long)n, r->n, n < limit ? "; a picture draws 256 at most" : "");
	if (r->err)
		gl_svg_row(s, GL_SVG_ERROR, GL_SVG_NOOFF, ptr, GL_SVG_E "%s", r->err->message);
	gl_svg_region_end(s);
}

/* The *entry of x, unless an earlier key drew it (read and dirty share
 * entries): p and what it means. */
static void rd_entry(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m,
		     const struct gl_syncmap_slot *x, struct strbuf *v)
{
	if (!x->entry)
		return;
	for (size_t i = 0; i < s->nregions; i++)
		if (s->regions[i].addr == x->entry)
			return;
	uint64_t ptr = c->t->ptr_size;
	gl_svg_region(s, "entry", x->entry, ptr, "entry  " GL_SVG_A "0x%llx", (unsigned long long)x->entry);
	switch (x->state) {
	case GL_SYNCMAP_LIVE:
		kv_str(c, m, x->kv.value, v);
		gl_svg_row(s, GL_SVG_DATA, 0, ptr, "p " GL_SVG_A "0x%llx" GL_SVG_R " -> %s", (unsigned long long)x->p,
			   gl_sb_str(v));
		break;
	case GL_SYNCMAP_DELETED:
		gl_svg_row(s, GL_SVG_DELETED, 0, ptr, "p nil: deleted");
		break;
	case GL_SYNCMAP_EXPUNGED:
		gl_svg_row(s, GL_SVG_DELETED, 0, ptr, "p " GL_SVG_A "0x%llx" GL_SVG_R " expunged: not in dirty",
			   (unsigned long long)x->p);
		break;
	case GL_SYNCMAP_UNREADABLE:
		gl_svg_row(s, GL_SVG_ERROR, 0, ptr, GL_SVG_E "unreadable");
		break;
	}
	gl_svg_region_end(s);
}

static void readdirty(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m, bool summary_only,
		      uint64_t limit)
{
	const struct gl_syncmap_rd *rd = &m->rd;
	gl_svg_column(s, COL_HEAD);
	rd_header(s, m, c->t->ptr_size);
	if (summary_only)
		return;
	gl_svg_column(s, COL_KEYS);
	rd_keys(s, c, m, &rd->rm, "map read", "read.m", limit);
	rd_keys(s, c, m, &rd->dm, "map dirty", "dirty", limit);
	gl_svg_column(s, COL_KEYS);
	gl_svg_note(s, GL_SVG_B "entries" GL_SVG_R " (*entry, shared by read and dirty)");
	struct strbuf v;
	sb_init(&v);
	const struct gl_syncmap_rdmap *maps[] = {&rd->rm, &rd->dm};
	for (int j = 0; j < 2; j++)
		for (uint64_t i = 0; i < keys_drawn(maps[j], limit) && !gl_interrupted(c); i++)
			rd_entry(s, c, m, &maps[j]->v[i], &v);
	sb_deinit(&v);
	gl_svg_legend_note(s, "deleted: p nil (still a key); expunged: p = sync.expunged (deleted, not in dirty)");
}

/* ---- hash-trie -------------------------------------------------------------- */

/* What the picture draws of the trie: the text's walk (depth first, in
 * slot order, until `limit` entries), whose nodes are a prefix of
 * nodes[] and entries a prefix of entries[]; what each slot of a node
 * drawn leads to. */
struct tmark {
	const struct gl_syncmap_trie *t;
	size_t node, entry;  /* the walk's cursors: nodes and entries drawn */
	uint64_t drawn, limit;
	long *ref;           /* [node * nchildren + slot]: node index, -2 - entry index, -1 */
};

static void mark_node(struct tmark *d, size_t ni)
{
	const struct gl_syncmap_trie *t = d->t;
	const struct gl_syncmap_node *n = &t->nodes[ni];
	for (int s = 0; s < t->nchildren && d->drawn < d->limit; s++) {
		if (!n->children[s])
			continue;
		if (d->node < t->nnodes && t->nodes[d->node].up == (long)ni && t->nodes[d->node].slot == s) {
			if (d->node >= SVG_MAX_NODES) {
				d->limit = d->drawn; /* no more nodes: the walk ends here */
				return;
			}
			d->ref[ni * (size_t)t->nchildren + (size_t)s] = (long)d->node;
			mark_node(d, d->node++);
			continue;
		}
		for (int k = 0; d->entry < t->nentries && t->entries[d->entry].node == (long)ni &&
				t->entries[d->entry].slot == s && d->drawn < d->limit;
		     k++, d->entry++, d->drawn++)
			if (!k)
				d->ref[ni * (size_t)t->nchildren + (size_t)s] = -2 - (long)d->entry;
	}
}

static void trie_node(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m, const struct tmark *d,
		      size_t ni, struct strbuf *k)
{
	const struct gl_syncmap_trie *t = &m->trie;
	const struct gl_syncmap_node *n = &t->nodes[ni];
	uint64_t ptr = c->t->ptr_size;
	if (n->up < 0)
		gl_svg_region(s, "node", n->address, t->node_size, "root  " GL_SVG_A "0x%llx" GL_SVG_R "  %d/%d slots%s",
			      (unsigned long long)n->address, n->nchildren, t->nchildren, n->dead ? "  DEAD" : "");
	else
		gl_svg_region(s, "node", n->address, t->node_size,
			      "node  " GL_SVG_A "0x%llx" GL_SVG_R "  [%x] of node %ld, %d/%d slots%s%s",
			      (unsigned long long)n->address, n->slot, n->up, n->nchildren, t->nchildren,
			      n->dead ? "  DEAD" : "", n->parent_ok ? "" : "  parent pointer disagrees");
	for (int sl = 0; sl < t->nchildren;) {
		uint64_t a = n->children[sl];
		if (!a) {
			int j = sl;
			while (j + 1 < t->nchildren && !n->children[j + 1])
				j++;
			if (j > sl)
				gl_svg_row(s, GL_SVG_EMPTY, GL_SVG_NOOFF, ptr * (uint64_t)(j - sl + 1),
					   GL_SVG_D "[%x-%x] empty", sl, j);
			else
				gl_svg_row(s, GL_SVG_EMPTY, GL_SVG_NOOFF, ptr, GL_SVG_D "[%x] empty", sl);
			sl = j + 1;
			continue;
		}
		long r = d->ref[ni * (size_t)t->nchildren + (size_t)sl];
		if (r >= 0) {
			gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, a, "[%x] node  " GL_SVG_A "0x%llx", sl, (unsigned long long)a);
		} else if (r <= -2) {
			const struct gl_syncmap_tentry *e = &t->entries[-2 - r];
			kv_str(c, m, e->kv.key, k);
			gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, a, "[%x] entry " GL_SVG_A "0x%llx" GL_SVG_R "  %s", sl,
				       (unsigned long long)a, gl_sb_str(k));
		} else {
			gl_svg_row(s, GL_SVG_ELIDED, GL_SVG_NOOFF, ptr, "[%x] " GL_SVG_A "0x%llx" GL_SVG_R " not drawn", sl,
				   (unsigned long long)a);
		}
		sl++;
	}
	gl_svg_region_end(s);
}

static void trie_entry(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m, size_t ei, size_t ndrawn,
		       struct strbuf *k, struct strbuf *v)
{
	const struct gl_syncmap_trie *t = &m->trie;
	const struct gl_syncmap_tentry *e = &t->entries[ei];
	uint64_t ptr = c->t->ptr_size;
	if (e->chain)
		gl_svg_region(s, "entry overflow", e->address, t->entry_size,
			      "overflow %d  " GL_SVG_A "0x%llx" GL_SVG_R "  (same hash)", e->chain,
			      (unsigned long long)e->address);
	else
		gl_svg_region(s, "entry", e->address, t->entry_size,
			      "entry  " GL_SVG_A "0x%llx" GL_SVG_R "  [%x] of node %ld, level %d",
			      (unsigned long long)e->address, e->slot, e->node, e->level);
	kv_str(c, m, e->kv.key, k);
	kv_str(c, m, e->kv.value, v);
	gl_svg_row(s, GL_SVG_DATA, GL_SVG_NOOFF, 2 * ptr, "%s: %s", gl_sb_str(k), gl_sb_str(v));
	if (e->hashed && !e->hash_random)
		gl_svg_row(s, e->misplaced ? GL_SVG_ERROR : GL_SVG_HEADER, GL_SVG_NOOFF, ptr, "hash %0*llx%s",
			   t->hash_bits / 4, (unsigned long long)e->hash,
			   e->misplaced ? "  MISPLACED: its bits lead elsewhere" : "");
	else if (e->hashed)
		gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, GL_SVG_D "hash random (a NaN key)");
	if (!e->overflow)
		gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, GL_SVG_D "overflow nil");
	else if (ei + 1 < ndrawn && t->entries[ei + 1].address == e->overflow)
		gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, e->overflow, "overflow " GL_SVG_A "0x%llx",
			       (unsigned long long)e->overflow);
	else
		gl_svg_row(s, GL_SVG_ELIDED, GL_SVG_NOOFF, ptr, "overflow " GL_SVG_A "0x%llx" GL_SVG_R " not drawn",
			   (unsigned long long)e->overflow);
	gl_svg_region_end(s);
}

static void trie_head(struct gl_svg *s, const struct gl_syncmap *m, uint64_t ptr)
{
	const struct gl_syncmap_trie *t = &m->trie;
	gl_svg_region(s, "syncmap", m->address, 0, "sync.Map  " GL_SVG_A "0x%llx" GL_SVG_R "  HashTrieMap[any,any]",
		      (unsigned long long)m->address);
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 4, "inited %s", t->inited ? "true" : "false (never used)");
	gl_svg_ptr_row(s, GL_SVG_NOOFF, ptr, t->root, "root    " GL_SVG_A "0x%llx", (unsigned long long)t->root);
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, "seed    0x%llx", (unsigned long long)t->seed);
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, ptr, "keyHash " GL_SVG_A "0x%llx", (unsigned long long)t->key_hash);
	gl_svg_region_end(s);
	gl_svg_note(s, "%d children a node: a level takes %d of", t->nchildren, t->log2);
	gl_svg_note(s, "the hash's %d bits, from the top", t->hash_bits);
}

static void trie(struct gl_svg *s, struct gl_ctx *c, const struct gl_syncmap *m, bool summary_only,
		 uint64_t limit)
{
	const struct gl_syncmap_trie *t = &m->trie;
	gl_svg_column(s, COL_HEAD);
	trie_head(s, m, c->t->ptr_size);
	if (t->err) {
		gl_svg_note(s, GL_SVG_E "%s", t->err->message);
		gl_svg_note(s, "(drawn: what was read before)");
	}
	if (summary_only || !t->nnodes)
		return;
	size_t cap = t->nnodes < SVG_MAX_NODES ? t->nnodes : SVG_MAX_NODES;
	struct tmark d = {.t = t, .node = 1, .limit = limit < SVG_MAX_ENTRIES ? limit : SVG_MAX_ENTRIES, .ref = malloc(cap * (size_t)t->nchildren * sizeof(long))};
	if (!d.ref) {
		gl_svg_note(s, GL_SVG_E "out of memory drawing the trie");
		return;
	}
	for (size_t i = 0; i < cap * (size_t)t->nchildren; i++)
		d.ref[i] = -1;
	mark_node(&d, 0);
	struct strbuf k, v;
	sb_init(&k);
	sb_init(&v);
	for (int lv = 0; lv < t->depth && lv < GL_SYNCMAP_MAX_LEVELS && !gl_interrupted(c); lv++) {
		uint64_t shown = 0;
		for (size_t i = 0; i < d.node; i++)
			shown += t->nodes[i].level == lv;
		if (!shown)
			break;
		char bits[32];
		gl_syncmap_level_bits(t, lv, bits, sizeof(bits));
		gl_svg_column(s, COL_NODE);
		gl_svg_note(s, GL_SVG_B "level %d" GL_SVG_R ": hash bits %s, %llu of %llu nodes", lv, bits,
			    (unsigned long long)shown, (unsigned long long)t->level_nodes[lv]);
		for (size_t i = 0; i < d.node && !gl_interrupted(c); i++)
			if (t->nodes[i].level == lv)
				trie_node(s, c, m, &d, i, &k);
	}
	gl_svg_column(s, COL_KEYS);
	gl_svg_note(s, GL_SVG_B "entries" GL_SVG_R " (key: value), overflow chains of equal hashes");
	for (size_t i = 0; i < d.entry && !gl_interrupted(c); i++)
		trie_entry(s, c, m, i, d.entry, &k, &v);
	if (d.entry < t->nentries)
		gl_svg_elision(s, "%zu of %zu trie entries drawn (--limit N, --all%s)", d.entry, t->nentries,
			       d.drawn < limit ? "; a picture draws 96 nodes, 320 entries at most" : "");
	if (d.node < t->nnodes)
		gl_svg_elision(s, "%zu of %zu nodes drawn", d.node, t->nnodes);
	sb_deinit(&k);
	sb_deinit(&v);
	free(d.ref);
	gl_svg_legend_note(s, "node: an indirect node; its slots hold nil, a node one level down, or an entry");
}

void gl_syncmap_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const char *type_name,
		    const struct gl_syncmap_view *sv, uint64_t limit)
{
	const struct gl_syncmap *m = &sv->m;
	const char *go = gl_go_version_text(c);
	if (!m->decoded) {
		gl_svg_title(s, "%s %s  at 0x%llx, not decoded  [%s]", expr, type_name, (unsigned long long)m->address,
			     go);
		return;
	}
	gl_svg_title(s, "%s %s  %s at 0x%llx, %zu entries  [%s]", expr, type_name, gl_syncmap_impl_name(m),
		     (unsigned long long)m->address, m->entries.n, go);
	struct strbuf saved;
	gl_svg_capture_begin(c, &saved);
	gl_syncmap_summary_text(c, m);
	gl_svg_capture_end(s, c, &saved);
	if (m->impl == GL_SYNCMAP_TRIE)
		trie(s, c, m, sv->summary, limit);
	else
		readdirty(s, c, m, sv->summary, limit);
}
