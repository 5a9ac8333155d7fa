/* sync.Map from Go 1.24: internal/sync.HashTrieMap[any, any]. The root
 * is an inner (indirect) node of nChildren = 2^nChildrenLog2 child
 * pointers; a lookup takes the hash's top nChildrenLog2 bits for the
 * root's slot, the next ones a level down, and so on; a slot holds nil,
 * an inner node, or an entry (a leaf) whose overflow chain holds the
 * keys of the same full hash. Walked depth first in slot order, which
 * is Range's order; bounded by the levels a hash has, a node count, and
 * a set of the nodes seen (a cycle is one line, not a hang). */
#include <stdlib.h>
#include <string.h>

#include "runtime/syncmap.h"
#include "runtime/maphash.h"
#include "gotypes/rtlayout.h"
#include "base/array.h"
#include "base/le.h"

/* The addresses seen: an open-addressing set. */
struct seen {
	uint64_t *v;
	size_t cap, n;
};

/* false: addr was in the set already (or no memory: *nomem). */
static bool seen_add(struct seen *s, uint64_t addr, bool *nomem)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *v = calloc(cap, sizeof(*v));
		if (!v) {
			*nomem = true;
			return false;
		}
		for (size_t i = 0; i < s->cap; i++)
			for (size_t j = (s->v[i] * 0x9e3779b97f4a7c15ull) >> 20 & (cap - 1); s->v[i];
			     j = (j + 1) & (cap - 1))
				if (!v[j]) {
					v[j] = s->v[i];
					break;
				}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	for (size_t j = (addr * 0x9e3779b97f4a7c15ull) >> 20 & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->v[j] == addr)
			return false;
		if (!s->v[j]) {
			s->v[j] = addr;
			s->n++;
			return true;
		}
	}
}

/* A slot to visit: an inner node or the head of an entry chain. */
struct todo {
	uint64_t addr;
	long up;          /* the node it hangs from, -1 for the root */
	int slot, level;  /* level of the node it is, or hangs from (entries) */
	bool root;
};

struct walk {
	struct gl_ctx *c;
	const struct gl_rtlayout *rt;
	struct gl_syncmap *m;
	struct seen seen;
	bool hashing;
	struct gl_gohash_keys keys;
	struct todo *stack;
	size_t nstack, stack_cap;
};

/* Keep the first error of the walk (the model says where it stopped). */
static void fail(struct walk *w, struct gl_error *err)
{
	if (!w->m->trie.err)
		w->m->trie.err = err;
	else
		gl_error_destroy(err);
}

static bool visit(struct walk *w, uint64_t addr, const char *what)
{
	bool nomem = false;
	struct gl_syncmap_trie *t = &w->m->trie;
	if (t->nnodes + t->nentries >= GL_SYNCMAP_MAX_NODES) {
		fail(w, gl_error_create(GL_ERR_LIMIT, "more than %u trie nodes and entries", GL_SYNCMAP_MAX_NODES));
		return false;
	}
	if (seen_add(&w->seen, addr, &nomem))
		return true;
	fail(w, nomem ? &gl_error_nomem
		      : gl_error_create(GL_ERR_CORRUPT, "trie %s 0x%llx is reached twice (a cycle)", what,
					(unsigned long long)addr));
	return false;
}

/* Whether the key's hash leads from the root to slot `slot` of the node
 * at level `level` (each ancestor's slot too). */
static bool placed(const struct gl_syncmap_trie *t, uint64_t hash, long node, int slot)
{
	uint64_t mask = (uint64_t)t->nchildren - 1;
	for (;;) {
		const struct gl_syncmap_node *n = &t->nodes[node];
		int shift = t->hash_bits - (n->level + 1) * t->log2;
		if (shift < 0 || ((hash >> shift) & mask) != (uint64_t)slot)
			return false;
		if (n->up < 0)
			return true;
		slot = n->slot;
		node = n->up;
	}
}

static void hash_entry(struct walk *w, struct gl_syncmap_tentry *e)
{
	struct gl_syncmap_trie *t = &w->m->trie;
	if (!w->hashing)
		return;
	struct gl_error *err = gl_maphash_key(w->c, &w->keys, w->m->iface, e->kv.key, t->seed, NULL, &e->hash,
					      &e->hash_random);
	if (err) {
		if (!t->hash_err)
			t->hash_err = gl_error_wrap(err, "hashing a key");
		else
			gl_error_destroy(err);
		return;
	}
	if (t->hash_bits < 64)
		e->hash &= ((uint64_t)1 << t->hash_bits) - 1; /* uintptr */
	e->hashed = true;
	e->misplaced = !e->hash_random && !placed(t, e->hash, e->node, e->slot);
	t->misplaced += e->misplaced;
}

/* The chain of entries whose head hangs from slot s of node `node`. */
static void walk_chain(struct walk *w, const struct todo *s)
{
	struct gl_syncmap_trie *t = &w->m->trie;
	const struct gl_rtlayout *rt = w->rt;
	const struct gl_type *et = gl_rt_struct(rt, GL_RTS_HTRIE_ENTRY);
	uint64_t isz = w->m->iface->size, koff = gl_rt_field(rt, GL_RTF_HTRIE_ENT_KEY).off;
	uint64_t voff = gl_rt_field(rt, GL_RTF_HTRIE_ENT_VALUE).off;
	unsigned char *b = malloc(et->size);
	if (!b) {
		fail(w, &gl_error_nomem);
		return;
	}
	uint64_t len = 0;
	for (uint64_t a = s->addr; a && !gl_interrupted(w->c); len++) {
		if (!visit(w, a, "entry"))
			break;
		struct gl_error *err = gl_mem_read(w->c->mem, a, b, et->size);
		if (err) {
			fail(w, gl_error_wrap(err, "reading trie entry 0x%llx", (unsigned long long)a));
			break;
		}
		if (!gl_rt_get(rt, GL_RTF_HTRIE_ENT_ISENTRY, b)) {
			fail(w, gl_error_create(GL_ERR_CORRUPT, "overflow 0x%llx of a trie entry is not an entry",
						(unsigned long long)a));
			break;
		}
		struct gl_syncmap_tentry *e = GL_ARRAY_PUSH(t->entries, t->nentries, t->entries_cap, 64);
		if (!e) {
			fail(w, &gl_error_nomem);
			break;
		}
		e->address = a;
		e->overflow = gl_rt_word(rt, b + gl_rt_field(rt, GL_RTF_HTRIE_ENT_OVERFLOW).off);
		e->node = s->up;
		e->slot = s->slot;
		e->level = s->level;
		e->chain = (int)len;
		e->kv.key = gl_syncmap_copy(w->m, b + koff, isz);
		e->kv.value = gl_syncmap_copy(w->m, b + voff, isz);
		if (!e->kv.key || !e->kv.value) {
			t->nentries--;
			fail(w, &gl_error_nomem);
			break;
		}
		hash_entry(w, e);
		t->level_entries[s->level]++;
		struct gl_error *aerr = gl_syncmap_add_entry(w->c, rt, w->m, &e->kv);
		if (aerr) {
			fail(w, aerr);
			break;
		}
		a = e->overflow;
	}
	free(b);
	if (len) {
		t->chains++;
		t->overflow_entries += len - 1;
		if (len > t->longest_chain)
			t->longest_chain = len;
	}
}

/* An inner node: read it, record it, and queue its children in reverse
 * slot order (the stack pops them in slot order). */
static void walk_node(struct walk *w, const struct todo *s)
{
	struct gl_syncmap_trie *t = &w->m->trie;
	const struct gl_rtlayout *rt = w->rt;
	if (s->level >= t->max_levels) {
		fail(w, gl_error_create(GL_ERR_CORRUPT, "trie node 0x%llx is at level %d: a hash has only %d levels",
					(unsigned long long)s->addr, s->level, t->max_levels));
		return;
	}
	if (!visit(w, s->addr, "node"))
		return;
	unsigned char b[1024];
	struct gl_error *err = gl_mem_read(w->c->mem, s->addr, b, t->node_size);
	if (err) {
		fail(w, gl_error_wrap(err, "reading trie node 0x%llx", (unsigned long long)s->addr));
		return;
	}
	if (gl_rt_get(rt, GL_RTF_HTRIE_IND_ISENTRY, b)) {
		fail(w, gl_error_create(GL_ERR_CORRUPT, "trie node 0x%llx says it is an entry", (unsigned long long)s->addr));
		return;
	}
	uint64_t *kids = gl_arena_alloc(&w->m->bytes, (size_t)t->nchildren * sizeof(*kids));
	struct gl_syncmap_node *n = kids ? GL_ARRAY_PUSH(t->nodes, t->nnodes, t->nodes_cap, 64) : NULL;
	if (!n) {
		fail(w, &gl_error_nomem);
		return;
	}
	long self = (long)t->nnodes - 1;
	n->address = s->addr;
	n->level = s->level;
	n->up = s->up;
	n->slot = s->slot;
	n->dead = gl_rt_get(rt, GL_RTF_HTRIE_IND_DEAD, b) != 0;
	n->parent = gl_rt_word(rt, b + gl_rt_field(rt, GL_RTF_HTRIE_IND_PARENT).off);
	n->parent_ok = n->parent == (s->up < 0 ? 0 : t->nodes[s->up].address);
	n->children = kids;
	t->dead_nodes += n->dead;
	t->level_nodes[s->level]++;
	if (s->level + 1 > t->depth)
		t->depth = s->level + 1;
	uint64_t coff = gl_rt_field(rt, GL_RTF_HTRIE_IND_CHILDREN).off;
	unsigned ps = rt->ptr_size;
	for (int i = 0; i < t->nchildren; i++)
		if ((kids[i] = gl_get_uint(b + coff + (uint64_t)i * ps, ps)))
			n->nchildren++;
	for (int i = t->nchildren - 1; i >= 0; i--) {
		if (!kids[i])
			continue;
		struct todo *d = GL_ARRAY_PUSH(w->stack, w->nstack, w->stack_cap, 64);
		if (!d) {
			fail(w, &gl_error_nomem);
			return;
		}
		*d = (struct todo){.addr = kids[i], .up = self, .slot = i, .level = s->level};
	}
}

struct gl_error *gl_syncmap_decode_trie(struct gl_ctx *c, const struct gl_rtlayout *rt,
					const struct gl_syncmap_opts *o, struct gl_syncmap *m)
{
	struct gl_syncmap_trie *t = &m->trie;
	m->impl = GL_SYNCMAP_TRIE;
	struct gl_error *err = gl_rt_need(rt, GL_RTF_SYNCMAP_TRIE, GL_RTF_HTRIE_INITED, GL_RTF_HTRIE_ROOT,
					  GL_RTF_HTRIE_SEED, GL_RTF_HTRIE_IND_ISENTRY, GL_RTF_HTRIE_IND_DEAD,
					  GL_RTF_HTRIE_IND_PARENT, GL_RTF_HTRIE_IND_CHILDREN, GL_RTF_HTRIE_ENT_ISENTRY,
					  GL_RTF_HTRIE_ENT_OVERFLOW, GL_RTF_HTRIE_ENT_KEY, GL_RTF_HTRIE_ENT_VALUE);
	if (err)
		return err;
	const struct gl_type *ht = gl_rt_struct(rt, GL_RTS_HTRIE);
	const struct gl_type *it = gl_rt_struct(rt, GL_RTS_HTRIE_INDIRECT);
	const struct gl_type *et = gl_rt_struct(rt, GL_RTS_HTRIE_ENTRY);
	const struct gl_type *kids = gl_rt_field(rt, GL_RTF_HTRIE_IND_CHILDREN).type;
	m->iface = gl_rt_field(rt, GL_RTF_HTRIE_ENT_KEY).type;
	if (!ht || !it || !et || !kids || kids->kind != GL_K_ARRAY || !m->iface ||
	    m->iface->kind != GL_K_INTERFACE || ht->size > 256)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for sync.Map's hash-trie");
	m->entries.key_type = m->entries.elem_type = m->iface;
	t->log2 = (int)gl_rt_const(rt, GL_RTC_HTRIE_CHILDREN_LOG2);
	t->nchildren = (int)kids->count;
	t->hash_bits = 8 * (int)rt->ptr_size;
	t->node_size = it->size;
	t->entry_size = et->size;
	if (t->log2 < 1 || t->nchildren > GL_SYNCMAP_MAX_CHILDREN || t->nchildren != 1 << t->log2 ||
	    t->node_size < gl_rt_field(rt, GL_RTF_HTRIE_IND_CHILDREN).off + kids->size || t->node_size > 1024)
		return gl_error_create(GL_ERR_UNSUPPORTED, "hash-trie nodes of %d children (nChildrenLog2 %d)",
				       t->nchildren, t->log2);
	t->max_levels = t->hash_bits / t->log2;
	t->htm = m->address + gl_rt_field(rt, GL_RTF_SYNCMAP_TRIE).off;
	unsigned char hb[256];
	if ((err = gl_mem_read(c->mem, t->htm, hb, ht->size)))
		return gl_error_wrap(err, "reading the sync.Map at 0x%llx", (unsigned long long)m->address);
	t->inited = gl_rt_get(rt, GL_RTF_HTRIE_INITED, hb) != 0;
	t->root = gl_rt_word(rt, hb + gl_rt_field(rt, GL_RTF_HTRIE_ROOT).off);
	t->seed = gl_rt_get(rt, GL_RTF_HTRIE_SEED, hb);
	if (gl_rt_field(rt, GL_RTF_HTRIE_KEYHASH).present)
		t->key_hash = gl_rt_word(rt, hb + gl_rt_field(rt, GL_RTF_HTRIE_KEYHASH).off);
	m->decoded = true;
	if (!t->root) /* never used: the trie is made on the first call */
		return NULL;
	struct walk w = {.c = c, .rt = rt, .m = m};
	if (o->hash && !(t->hash_err = gl_gohash_load(c, &w.keys)))
		w.hashing = true;
	struct todo *r = GL_ARRAY_PUSH(w.stack, w.nstack, w.stack_cap, 64);
	if (r)
		*r = (struct todo){.addr = t->root, .up = -1, .slot = -1, .level = 0, .root = true};
	else
		fail(&w, &gl_error_nomem);
	while (w.nstack && !gl_interrupted(c)) {
		struct todo s = w.stack[--w.nstack];
		if (s.root) {
			walk_node(&w, &s);
			continue;
		}
		/* a child: an entry chain or an inner node one level down */
		unsigned char is_entry;
		struct gl_error *rerr = gl_mem_read(c->mem, s.addr + gl_rt_field(rt, GL_RTF_HTRIE_ENT_ISENTRY).off,
						    &is_entry, 1);
		if (rerr) {
			fail(&w, gl_error_wrap(rerr, "reading trie node 0x%llx", (unsigned long long)s.addr));
			continue;
		}
		if (is_entry) {
			walk_chain(&w, &s);
		} else {
			s.level++;
			walk_node(&w, &s);
		}
	}
	if (gl_interrupted(c))
		fail(&w, gl_error_create(GL_ERR_INTERRUPTED, "interrupted"));
	free(w.stack);
	free(w.seen.v);
	if (t->err)
		return gl_map_error_copy(t->err);
	return NULL;
}
