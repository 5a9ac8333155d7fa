/* See map_index.h. The key is put in the map's own representation once
 * (an integer in the key type's width, a string as its bytes), then every
 * entry's key is compared with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "eval/map_index.h"
#include "runtime/maps.h"

/* The key, ready to compare: the key type's bytes, or for a string key
 * the string's bytes. */
struct want {
	bool is_string;
	unsigned char *bytes; /* malloc'd */
	uint64_t len;
};

static bool is_signed(enum gl_kind k)
{
	return k == GL_K_INT || k == GL_K_INT8 || k == GL_K_INT16 || k == GL_K_INT32 || k == GL_K_INT64;
}

static bool is_unsigned(enum gl_kind k)
{
	return k == GL_K_UINT || k == GL_K_UINT8 || k == GL_K_UINT16 || k == GL_K_UINT32 ||
	       k == GL_K_UINT64 || k == GL_K_UINTPTR;
}

/* The string a string-typed value holds. */
static struct gl_error *string_bytes(struct gl_ctx *c, const struct gl_value *v, struct want *w)
{
	unsigned ps = c->t->ptr_size;
	uint64_t p = gl_get_uint(v->bytes, ps), n = gl_get_uint(v->bytes + ps, ps);
	if (n > GL_MAX_VALUE_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "the key string is %llu bytes long", (unsigned long long)n);
	w->is_string = true;
	w->len = n;
	w->bytes = malloc(n ? n : 1);
	if (!w->bytes)
		return &gl_error_nomem;
	return n ? gl_mem_read(c->mem, p, w->bytes, n) : NULL;
}

/* An integer (negative when neg) in the key type kt, if it fits. */
static struct gl_error *int_key(const struct gl_type *kt, bool neg, uint64_t mag, const char *text,
				struct want *w)
{
	uint64_t bits = kt->size * 8;
	bool fits = is_signed(kt->kind)
			    ? (neg ? mag <= (1ull << (bits - 1)) : mag < (1ull << (bits - 1)))
			    : !neg && (bits == 64 || mag < (1ull << bits));
	if (!fits)
		return gl_error_create(GL_ERR_TYPE, "%s overflows %s, the map's key type", text, kt->name);
	uint64_t v = neg ? (uint64_t)0 - mag : mag;
	w->len = kt->size;
	w->bytes = malloc(kt->size);
	if (!w->bytes)
		return &gl_error_nomem;
	for (uint64_t i = 0; i < kt->size; i++)
		w->bytes[i] = (unsigned char)(v >> (8 * i));
	return NULL;
}

/* w's bytes: a copy of len bytes at src. */
static struct gl_error *want_bytes(struct want *w, bool is_string, const void *src, uint64_t len)
{
	w->is_string = is_string;
	w->len = len;
	w->bytes = malloc(len ? len : 1);
	if (!w->bytes)
		return &gl_error_nomem;
	memcpy(w->bytes, src, len);
	return NULL;
}

static struct gl_error *want_key(struct gl_ctx *c, const struct gl_type *kt, const struct gl_map_key *k,
				 struct want *w)
{
	const struct gl_value *v = k->value;
	if (kt->kind == GL_K_STRING) {
		if (k->kind == GL_KEY_STRING)
			return want_bytes(w, true, k->bytes, k->len);
		if (k->kind == GL_KEY_VALUE && v->type->kind == GL_K_STRING)
			return string_bytes(c, v, w);
	} else if (is_signed(kt->kind) || is_unsigned(kt->kind)) {
		if (k->kind == GL_KEY_INT)
			return int_key(kt, k->neg, k->mag, k->text, w);
		if (k->kind == GL_KEY_VALUE && is_signed(v->type->kind)) {
			int64_t x = gl_get_int(v->bytes, v->type->size);
			return int_key(kt, x < 0, x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x, k->text, w);
		}
		if (k->kind == GL_KEY_VALUE && is_unsigned(v->type->kind))
			return int_key(kt, false, gl_get_uint(v->bytes, v->type->size), k->text, w);
	} else if (kt->kind == GL_K_BOOL && k->kind == GL_KEY_BOOL) {
		unsigned char b = k->b;
		return want_bytes(w, false, &b, 1);
	} else if (kt->kind == GL_K_INTERFACE) {
		return gl_error_create(GL_ERR_UNSUPPORTED, "looking up keys of interface type (%s) is not "
				       "supported", kt->name);
	} else if (k->kind == GL_KEY_VALUE && v->type->size == kt->size &&
		   (v->type == kt || !strcmp(v->type->name, kt->name))) {
		/* pointers, channels, floats, arrays and structs of them: the
		 * same bytes (padding aside, which Go leaves zero) */
		return want_bytes(w, false, v->bytes, kt->size);
	}
	return gl_error_create(GL_ERR_TYPE, "%s cannot be a key of the map (key type %s)", k->text,
			       kt->name);
}

/* Whether the entry's key bytes kb are the wanted key. */
static struct gl_error *same_key(struct gl_ctx *c, const unsigned char *kb, const struct want *w,
				 bool *same)
{
	*same = false;
	if (!w->is_string) {
		*same = memcmp(kb, w->bytes, w->len) == 0;
		return NULL;
	}
	unsigned ps = c->t->ptr_size;
	uint64_t p = gl_get_uint(kb, ps), n = gl_get_uint(kb + ps, ps);
	if (n != w->len)
		return NULL;
	if (n == 0) {
		*same = true;
		return NULL;
	}
	unsigned char *s = malloc(n);
	if (!s)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, p, s, n);
	*same = !err && memcmp(s, w->bytes, n) == 0;
	free(s);
	return err;
}

struct gl_error *gl_map_index(struct gl_ctx *c, struct gl_value *m, const struct gl_map_key *k)
{
	const struct gl_type *t = m->type;
	if (t->kind != GL_K_MAP)
		return gl_error_create(GL_ERR_TYPE, "cannot index %s with %s (not a map, and the index is no "
				       "number)", t->name, k->text);
	if (!t->key || !t->elem)
		return gl_error_create(GL_ERR_TYPE, "%s has no key or element type", t->name);
	struct want w = {0};
	struct gl_error *err = want_key(c, t->key, k, &w);
	if (err) {
		free(w.bytes);
		return err;
	}
	uint64_t ptr = gl_get_uint(m->bytes, c->t->ptr_size);
	struct gl_map_entries e = {0};
	if (ptr)
		err = gl_map_collect_entries(c, t, ptr, (size_t)-1, &e);
	/* a map that reads only in part may still hold the key */
	struct gl_error *first = err;
	const struct gl_map_entry *hit = NULL;
	for (size_t i = 0; i < e.n && !hit; i++) {
		bool same;
		err = same_key(c, e.v[i].key, &w, &same);
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
		if (same)
			hit = &e.v[i];
	}
	free(w.bytes);
	if (!hit) {
		size_t n = e.n;
		gl_map_entries_deinit(&e);
		if (first)
			return gl_error_wrap(first, "looking up %s", k->text);
		return gl_error_create(GL_ERR_LOOKUP, "%s is not a key of the map (%zu entries)", k->text, n);
	}
	gl_error_destroy(first);
	struct gl_type *et = t->elem;
	unsigned char *b = malloc(et->size ? et->size : 1);
	if (!b) {
		gl_map_entries_deinit(&e);
		return &gl_error_nomem;
	}
	memcpy(b, hit->elem, et->size);
	gl_map_entries_deinit(&e);
	gl_value_deinit(m);
	*m = (struct gl_value){.type = et, .in_memory = false, .bytes = b};
	snprintf(m->where, sizeof(m->where), "map element");
	return NULL;
}
