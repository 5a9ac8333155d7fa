/* `golayout map` of a sync.Map as text: before Go 1.24 the read and
 * dirty maps with each key's entry state; from Go 1.24 the hash-trie,
 * nodes indented by level with the hash bits each takes, entries and
 * their overflow chains at their slots. Then the entries as Load and
 * Range see them, and the summary. Drawn from the model. */
#include <stdio.h>

#include "render/syncmap_text.h"
#include "render/render.h"
#include "render/text.h"
#include "doc/syncmap_doc.h"

static void kv_text(struct gl_ctx *c, const struct gl_syncmap *m, const unsigned char *b, size_t max)
{
	struct strbuf v;
	sb_init(&v);
	gl_member_str(c, m->iface, b, &v);
	gl_clip(c, gl_sb_str(&v), max);
	sb_deinit(&v);
}

static void err_line(struct gl_ctx *c, const char *indent, const struct gl_error *err)
{
	if (err)
		sb_addf(&c->out, "%s%s!! %s%s\n", indent, gl_c(c, "err"), err->message, gl_c(c, "reset"));
}

/* ---- read/dirty ------------------------------------------------------------- */

static void rdmap_text(struct gl_ctx *c, const struct gl_syncmap *m, const struct gl_syncmap_rdmap *r,
		       const char *what, uint64_t limit)
{
	struct strbuf *o = &c->out;
	size_t n = r->n < limit ? r->n : (size_t)limit;
	if (!r->address) {
		sb_addf(o, "  %s: nil map\n", what);
		return;
	}
	sb_addf(o, "  %s: map at %s0x%llx%s", what, gl_c(c, "addr"), (unsigned long long)r->address, gl_c(c, "reset"));
	if (r->decoded)
		sb_addf(o, " (%s, %llu keys)", r->impl, (unsigned long long)r->count);
	sb_addc(o, '\n');
	for (size_t i = 0; i < n && !gl_interrupted(c); i++) {
		const struct gl_syncmap_slot *s = &r->v[i];
		sb_add(o, "    ");
		if (s->kv.key)
			kv_text(c, m, s->kv.key, 28);
		gl_pad(c, 34);
		sb_addf(o, "entry 0x%llx  ", (unsigned long long)s->entry);
		if (s->state == GL_SYNCMAP_LIVE) {
			sb_addf(o, "p=0x%llx -> ", (unsigned long long)s->p);
			kv_text(c, m, s->kv.value, 30);
		} else if (s->state == GL_SYNCMAP_DELETED) {
			sb_addf(o, "%sp=nil: deleted%s", gl_c(c, "dim"), gl_c(c, "reset"));
		} else if (s->state == GL_SYNCMAP_EXPUNGED) {
			sb_addf(o, "%sp=expunged: deleted, not in dirty%s", gl_c(c, "dim"), gl_c(c, "reset"));
		} else {
			sb_add(o, "unreadable");
		}
		if (s->in_read)
			sb_addf(o, "  %s(same entry in read)%s", gl_c(c, "dim"), gl_c(c, "reset"));
		sb_addc(o, '\n');
	}
	if (n < r->n)
		sb_addf(o, "    ... %zu more keys (--limit N, --all)\n", r->n - n);
	err_line(c, "    ", r->err);
}

static void rd_text(struct gl_ctx *c, const struct gl_syncmap *m, bool summary_only, uint64_t limit)
{
	struct strbuf *o = &c->out;
	const struct gl_syncmap_rd *rd = &m->rd;
	sb_addf(o, "  read    atomic.Pointer[readOnly] -> %s0x%llx%s", gl_c(c, "addr"), (unsigned long long)rd->read,
		gl_c(c, "reset"));
	sb_addf(o, rd->read ? "  amended %s%s\n" : "  (nothing stored yet)\n", rd->amended ? "true" : "false",
		rd->amended ? ": dirty holds keys read lacks" : "");
	sb_addf(o, "  misses  %lld  (loads that missed read since the last promotion of dirty)\n",
		(long long)rd->misses);
	if (rd->expunged)
		sb_addf(o, "  expunged sentinel 0x%llx (sync.expunged)\n", (unsigned long long)rd->expunged);
	if (summary_only)
		return;
	rdmap_text(c, m, &rd->rm, "read.m", limit);
	rdmap_text(c, m, &rd->dm, "dirty ", limit);
}

static void rd_summary(struct gl_ctx *c, const struct gl_syncmap *m)
{
	const struct gl_syncmap_rd *rd = &m->rd;
	sb_addf(&c->out, "  entries %zu: read %zu keys, dirty %zu keys; entries %llu live, %llu deleted (nil), "
			 "%llu expunged; amended %s, misses %lld\n",
		m->entries.n, rd->rm.n, rd->dm.n, (unsigned long long)rd->live, (unsigned long long)rd->deleted,
		(unsigned long long)rd->expunged_n, rd->amended ? "true" : "false", (long long)rd->misses);
}

/* ---- hash-trie -------------------------------------------------------------- */

struct trie_draw {
	struct gl_ctx *c;
	const struct gl_syncmap *m;
	size_t node, entry;  /* cursors: the next node and entry in walk order */
	uint64_t drawn, limit;
};

static void indent(struct strbuf *o, int level)
{
	for (int i = 0; i <= level; i++)
		sb_add(o, "  ");
}

static void draw_node(struct trie_draw *d, size_t ni)
{
	struct gl_ctx *c = d->c;
	struct strbuf *o = &c->out;
	const struct gl_syncmap_trie *t = &d->m->trie;
	const struct gl_syncmap_node *n = &t->nodes[ni];
	char bits[32];
	gl_syncmap_level_bits(t, n->level, bits, sizeof(bits));
	indent(o, n->level);
	sb_addf(o, "node %s0x%llx%s  level %d, hash bits %s  %d/%d slots%s%s\n", gl_c(c, "addr"),
		(unsigned long long)n->address, gl_c(c, "reset"), n->level, bits, n->nchildren, t->nchildren,
		n->dead ? "  DEAD" : "", n->parent_ok ? "" : "  (parent pointer disagrees)");
	/* the limit stops the drawing: nodes without entries drawn say nothing */
	for (int s = 0; s < t->nchildren && d->drawn < d->limit && !gl_interrupted(c); s++) {
		if (!n->children[s])
			continue;
		if (d->node < t->nnodes && t->nodes[d->node].up == (long)ni && t->nodes[d->node].slot == s) {
			indent(o, n->level + 1);
			sb_addf(o, "[%x] ->\n", s);
			draw_node(d, d->node++);
			continue;
		}
		for (int k = 0; d->entry < t->nentries && t->entries[d->entry].node == (long)ni &&
				t->entries[d->entry].slot == s;
		     k++, d->entry++) {
			const struct gl_syncmap_tentry *e = &t->entries[d->entry];
			if (d->drawn++ >= d->limit)
				break;
			indent(o, n->level + 1);
			if (k)
				sb_addf(o, "    overflow %s0x%llx%s ", gl_c(c, "addr"), (unsigned long long)e->address,
					gl_c(c, "reset"));
			else
				sb_addf(o, "[%x] entry %s0x%llx%s ", s, gl_c(c, "addr"), (unsigned long long)e->address,
					gl_c(c, "reset"));
			if (e->hashed && !e->hash_random)
				sb_addf(o, "h=%0*llx ", t->hash_bits / 4, (unsigned long long)e->hash);
			if (e->misplaced)
				sb_add(o, "MISPLACED ");
			kv_text(c, d->m, e->kv.key, 28);
			sb_add(o, " : ");
			kv_text(c, d->m, e->kv.value, 30);
			sb_addc(o, '\n');
		}
	}
}

static void trie_text(struct gl_ctx *c, const struct gl_syncmap *m, bool summary_only, uint64_t limit)
{
	struct strbuf *o = &c->out;
	const struct gl_syncmap_trie *t = &m->trie;
	sb_addf(o, "  HashTrieMap[any,any] at 0x%llx: root %s0x%llx%s, seed 0x%llx, keyHash 0x%llx%s\n",
		(unsigned long long)t->htm, gl_c(c, "addr"), (unsigned long long)t->root, gl_c(c, "reset"),
		(unsigned long long)t->seed, (unsigned long long)t->key_hash,
		t->inited ? "" : "  (not initialised: never used)");
	sb_addf(o, "  %d children a node: each level takes %d bits of the %d-bit hash, from the top (at most %d "
		   "levels)\n",
		t->nchildren, t->log2, t->hash_bits, t->max_levels);
	if (!summary_only && t->nnodes) {
		struct trie_draw d = {.c = c, .m = m, .node = 1, .limit = limit};
		draw_node(&d, 0);
		if (d.drawn >= limit && limit < t->nentries)
			sb_addf(o, "%llu of %zu trie entries drawn (--limit N, --all)\n", (unsigned long long)limit,
				t->nentries);
	}
	err_line(c, "  ", t->err);
}

static void trie_summary(struct gl_ctx *c, const struct gl_syncmap *m)
{
	struct strbuf *o = &c->out;
	const struct gl_syncmap_trie *t = &m->trie;
	sb_addf(o, "  entries %zu in %zu nodes, depth %d; %llu dead nodes\n", m->entries.n, t->nnodes, t->depth,
		(unsigned long long)t->dead_nodes);
	sb_add(o, "  by level (nodes/entries):");
	for (int i = 0; i < t->depth; i++)
		sb_addf(o, " %d:%llu/%llu", i, (unsigned long long)t->level_nodes[i],
			(unsigned long long)t->level_entries[i]);
	sb_addf(o, "\n  overflow chains: %llu entries beyond a chain's head (longest chain %llu)\n",
		(unsigned long long)t->overflow_entries, (unsigned long long)t->longest_chain);
	sb_addf(o, "  bytes: nodes %llu (%llu each), entries %llu (%llu each)\n",
		(unsigned long long)(t->nnodes * t->node_size), (unsigned long long)t->node_size,
		(unsigned long long)(t->nentries * t->entry_size), (unsigned long long)t->entry_size);
	if (t->hash_err)
		sb_addf(o, "  hashes: %s\n", t->hash_err->message);
	else if (t->nentries)
		sb_addf(o, "  hashes: %llu entries NOT where their hash bits lead\n", (unsigned long long)t->misplaced);
}

void gl_syncmap_text(struct gl_ctx *c, const char *expr, const char *type_name, bool summary_only,
		     uint64_t limit, const struct gl_syncmap *m)
{
	struct strbuf *o = &c->out;
	const char *go = c->t ? c->t->go_version : "";
	sb_addf(o, "%s%s%s %s", gl_c(c, "bold"), expr, gl_c(c, "reset"), type_name ? type_name : "");
	if (!m->decoded) {
		sb_addf(o, "  at %s0x%llx%s  [%s]\n", gl_c(c, "addr"), (unsigned long long)m->address, gl_c(c, "reset"), go);
		return;
	}
	sb_addf(o, "  %s at %s0x%llx%s, %zu entries  [%s]\n", gl_syncmap_impl_name(m), gl_c(c, "addr"),
		(unsigned long long)m->address, gl_c(c, "reset"), m->entries.n, go);
	if (m->impl == GL_SYNCMAP_TRIE)
		trie_text(c, m, summary_only, limit);
	else
		rd_text(c, m, summary_only, limit);
	if (!summary_only) {
		size_t n = m->entries.n < limit ? m->entries.n : (size_t)limit;
		sb_addf(o, "%sentries%s (as Load and Range see them)\n", gl_c(c, "bold"), gl_c(c, "reset"));
		for (size_t i = 0; i < n && !gl_interrupted(c); i++) {
			sb_add(o, "  ");
			kv_text(c, m, m->entries.v[i].key, 40);
			sb_add(o, " : ");
			kv_text(c, m, m->entries.v[i].elem, 40);
			sb_addc(o, '\n');
		}
		if (n < m->entries.n)
			sb_addf(o, "  ... %zu more (--limit N, --all)\n", m->entries.n - n);
	}
	sb_addf(o, "%ssummary%s\n", gl_c(c, "bold"), gl_c(c, "reset"));
	gl_syncmap_summary_text(c, m);
}

void gl_syncmap_summary_text(struct gl_ctx *c, const struct gl_syncmap *m)
{
	if (m->impl == GL_SYNCMAP_TRIE)
		trie_summary(c, m);
	else
		rd_summary(c, m);
}
