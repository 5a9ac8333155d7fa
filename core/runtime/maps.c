/* What the classic and swiss decoders share: state names, the entry
 * list, the key and element of a slot, header fields, and freeing the
 * model. */
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "runtime/maphash.h"
#include "base/arena.h"
#include "base/array.h"
#include "base/le.h"

const char *gl_slot_state_name(enum gl_slot_state s)
{
	switch (s) {
	case GL_SLOT_FULL: return "full";
	case GL_SLOT_EMPTY: return "empty";
	case GL_SLOT_EMPTY_ONE: return "emptyOne";
	case GL_SLOT_EMPTY_REST: return "emptyRest";
	case GL_SLOT_DELETED: return "deleted";
	case GL_SLOT_EVACUATED_X: return "evacuatedX";
	case GL_SLOT_EVACUATED_Y: return "evacuatedY";
	case GL_SLOT_EVACUATED_EMPTY: return "evacuatedEmpty";
	case GL_SLOT_INVALID: break;
	}
	return "invalid";
}

bool gl_slot_state_is_empty(enum gl_slot_state s)
{
	return s == GL_SLOT_EMPTY || s == GL_SLOT_EMPTY_ONE || s == GL_SLOT_EMPTY_REST ||
	       s == GL_SLOT_EVACUATED_EMPTY;
}

void gl_map_entries_deinit(struct gl_map_entries *e)
{
	gl_arena_free(&e->bytes);
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

static void slots_deinit(struct gl_map_slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].kv.key);
		free(s[i].kv.elem);
		gl_error_destroy(s[i].err);
	}
}

static void buckets_deinit(struct gl_map_bucket *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < b[i].nchain; j++)
			slots_deinit(b[i].chain[j].cells, GL_MAP_SLOTS);
		free(b[i].chain);
		gl_error_destroy(b[i].err);
	}
	free(b);
}

void gl_map_deinit(struct gl_map *m)
{
	buckets_deinit(m->classic.bkt, m->classic.nbkt);
	buckets_deinit(m->classic.old, m->classic.nold);
	for (size_t i = 0; i < m->swiss.ntables; i++) {
		struct gl_map_table *t = &m->swiss.tables[i];
		for (size_t j = 0; j < t->ngroups_shown; j++)
			slots_deinit(t->groups[j].slots, GL_MAP_SLOTS);
		free(t->groups);
		gl_error_destroy(t->err);
	}
	free(m->swiss.tables);
	free(m->swiss.dir_slots);
	gl_map_entries_deinit(&m->entries);
	gl_error_destroy(m->hash_err);
	memset(m, 0, sizeof(*m));
}

struct gl_error *gl_map_read_array(struct gl_ctx *c, uint64_t addr, uint64_t n, uint64_t size,
				   const char *what, unsigned char **out)
{
	*out = NULL;
	/* Probe both ends before allocating: a garbage pointer with a large
	 * count must fail fast, not after a huge allocation. */
	if (n * size > (1u << 20) &&
	    (!gl_mem_readable(c->mem, addr, 1) || !gl_mem_readable(c->mem, addr + n * size - 1, 1)))
		return gl_error_fault(addr, "cannot read %llu %s at 0x%llx", (unsigned long long)n, what,
				      (unsigned long long)addr);
	unsigned char *buf = malloc(n * size > 0 ? n * size : 1);
	if (!buf)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read_once(c->mem, addr, buf, n * size);
	if (err) {
		free(buf);
		return gl_error_wrap(err, "reading %llu %s at 0x%llx", (unsigned long long)n, what,
				     (unsigned long long)addr);
	}
	*out = buf;
	return NULL;
}

struct gl_error *gl_map_error_copy(const struct gl_error *err)
{
	if (err == &gl_error_nomem)
		return &gl_error_nomem;
	struct gl_error *e = gl_error_create(err->code, "%s", err->message);
	if (e != &gl_error_nomem)
		e->address = err->address;
	return e;
}

bool gl_map_slot_indirect(const struct gl_type *slot, const struct gl_type *real)
{
	return slot != real && slot->kind == GL_K_POINTER && real && real->kind != GL_K_POINTER &&
	       slot->size != real->size;
}

/* Copy a key or element out of its slot into out (the real type's size),
 * following the pointer of an indirect slot. */
static struct gl_error *slot_copy(struct gl_ctx *c, const struct gl_rtlayout *rt,
				  const struct gl_type *slot, const struct gl_type *real,
				  const unsigned char *b, unsigned char *out)
{
	uint64_t size = real ? real->size : slot->size;
	if (real && gl_map_slot_indirect(slot, real)) {
		uint64_t p = gl_rt_word(rt, b);
		return p ? gl_mem_read(c->mem, p, out, size) : gl_error_fault(0, "nil indirect slot");
	}
	memcpy(out, b, size);
	return NULL;
}

/* The same into a buffer of its own (freed by the caller). */
static struct gl_error *slot_bytes(struct gl_ctx *c, const struct gl_rtlayout *rt,
				   const struct gl_type *slot, const struct gl_type *real,
				   const unsigned char *b, unsigned char **out)
{
	uint64_t size = real ? real->size : slot->size;
	*out = malloc(size ? size : 1);
	if (!*out)
		return &gl_error_nomem;
	struct gl_error *err = slot_copy(c, rt, slot, real, b, *out);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

struct gl_error *gl_map_add_entry(struct gl_ctx *c, const struct gl_rtlayout *rt,
				  struct gl_map_entries *e, const struct gl_type *slot_key,
				  const unsigned char *kb, const struct gl_type *slot_elem,
				  const unsigned char *eb)
{
	if (!e->on)
		return NULL;
	if (e->n >= e->max) {
		e->truncated = true;
		return NULL;
	}
	/* key and element side by side in the arena (an entry that cannot be
	 * read leaves its bytes there unused, until the list is freed) */
	uint64_t ks = e->key_type ? e->key_type->size : slot_key->size;
	uint64_t es = e->elem_type ? e->elem_type->size : slot_elem->size;
	unsigned char *kv = ks + es > GL_MAX_VALUE_BYTES ? NULL : gl_arena_alloc(&e->bytes, ks + es);
	struct gl_map_entry *en = kv ? GL_ARRAY_PUSH(e->v, e->n, e->cap, 8) : NULL;
	if (!en)
		return &gl_error_nomem;
	en->key = kv;
	en->elem = kv + ks;
	struct gl_error *err = slot_copy(c, rt, slot_key, e->key_type, kb, en->key);
	if (err) {
		e->n--;
		return gl_error_wrap(err, "reading an indirect key");
	}
	if ((err = slot_copy(c, rt, slot_elem, e->elem_type, eb, en->elem))) {
		e->n--;
		return gl_error_wrap(err, "reading an indirect element");
	}
	return NULL;
}

/* A key through the generic hasher: copied out of its slot (an indirect
 * key followed), hashed as its type says. */
static void hash_generic(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_map *m,
			 const struct gl_type *slot_key, const unsigned char *kb, struct gl_map_slot *s)
{
	const struct gl_type *kt = m->entries.key_type;
	s->hashed = false;
	unsigned char small[64], *key = kt->size <= sizeof(small) ? small : malloc(kt->size);
	struct gl_error *err = key ? slot_copy(c, rt, slot_key, kt, kb, key) : &gl_error_nomem;
	if (!err)
		err = gl_maphash_key(c, &m->keys, kt, key, m->seed, NULL, &s->hash, &s->hash_random);
	if (key != small)
		free(key);
	if (err) {
		if (!m->hash_err)
			m->hash_err = gl_error_wrap(err, "hashing a key");
		else
			gl_error_destroy(err);
		return;
	}
	s->hashed = true;
}

void gl_map_hash_slots(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_map *m,
		       const struct gl_type *slot_key, const unsigned char *const *kb, int n,
		       struct gl_map_slot *s)
{
	const struct gl_type *kt = m->entries.key_type;
	if (!m->hashing || !kt) {
		for (int i = 0; i < n; i++)
			s[i].hashed = false;
		return;
	}
	if (!m->hash_word || n > 8 || gl_map_slot_indirect(slot_key, kt)) {
		for (int i = 0; i < n; i++)
			hash_generic(c, rt, m, slot_key, kb[i], &s[i]);
		return;
	}
	/* one-word keys stored in their slots: hashed together */
	uint64_t v[8] = {0}, h[8];
	for (int i = 0; i < n; i++)
		v[i] = gl_get_uint(kb[i], m->hash_word);
	gl_gohash_words(&m->keys, v, n, (int)m->hash_word, m->seed, h);
	for (int i = 0; i < n; i++) {
		s[i].hash = h[i];
		s[i].hash_random = false;
		s[i].hashed = true;
	}
}

void gl_map_hash_slot(struct gl_ctx *c, const struct gl_rtlayout *rt, struct gl_map *m,
		      const struct gl_type *slot_key, const unsigned char *kb, struct gl_map_slot *s)
{
	gl_map_hash_slots(c, rt, m, slot_key, &kb, 1, s);
}

void gl_map_fill_slot(struct gl_ctx *c, const struct gl_rtlayout *rt, const struct gl_map *m,
		      struct gl_map_slot *s, const struct gl_type *slot_key, const unsigned char *kb,
		      const struct gl_type *slot_elem, const unsigned char *eb)
{
	/* indirect slots are followed exactly as for the entry list */
	s->err = slot_bytes(c, rt, slot_key, m->entries.key_type, kb, &s->kv.key);
	if (s->err) {
		s->err = gl_error_wrap(s->err, "reading an indirect key");
	} else if ((s->err = slot_bytes(c, rt, slot_elem, m->entries.elem_type, eb, &s->kv.elem))) {
		s->err = gl_error_wrap(s->err, "reading an indirect element");
		free(s->kv.key);
		s->kv.key = NULL;
	}
	if (m->indirect_key)
		s->key_ptr = gl_rt_word(rt, kb);
	if (m->indirect_elem)
		s->elem_ptr = gl_rt_word(rt, eb);
}

void gl_map_header_add(struct gl_map *m, const struct gl_type *hdr, const char *field,
		       enum gl_map_hfield_id id, const unsigned char *hbytes)
{
	const struct gl_field *f = gl_type_field(hdr, field);
	if (!f || m->nheader >= GL_MAP_MAX_HFIELDS)
		return;
	struct gl_map_hfield *h = &m->header[m->nheader++];
	h->id = id;
	h->name = f->name;
	h->offset = f->offset;
	h->size = f->type->size;
	h->type = f->type;
	memcpy(h->bytes, hbytes + f->offset, h->size < 8 ? h->size : 8);
}
