#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "eval/value.h"

struct gl_error *gl_map_walk_run(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				 struct gl_map_walk *w)
{
	w->key_type = t->key;
	w->elem_type = t->elem;
	if (!t->target)
		return gl_error_create(GL_ERR_NODWARF, "no DWARF description of %s's runtime header",
				       t->name);
	if (gl_type_field(t->target, "dirPtr"))
		return gl_map_walk_swiss(c, t, ptr, w);
	if (gl_type_field(t->target, "buckets"))
		return gl_map_walk_classic(c, t, ptr, w);
	return gl_error_create(GL_ERR_UNSUPPORTED, "unknown map header layout %s", t->target->name);
}

void gl_map_walk_deinit(struct gl_map_walk *w)
{
	for (size_t i = 0; i < w->nentries; i++) {
		free(w->entries[i].key);
		free(w->entries[i].elem);
	}
	free(w->entries);
	w->entries = NULL;
	w->nentries = w->entries_cap = 0;
}

bool gl_map_slot_indirect(const struct gl_type *slot, const struct gl_type *real)
{
	return slot != real && slot->kind == GL_K_POINTER && real && real->kind != GL_K_POINTER &&
	       slot->size != real->size;
}

/* Copy a key or element out of its slot, following the pointer of an
 * indirect slot. */
static struct gl_error *slot_bytes(struct gl_ctx *c, const struct gl_type *slot,
				   const struct gl_type *real, const unsigned char *b,
				   unsigned char **out)
{
	uint64_t size = real ? real->size : slot->size;
	*out = malloc(size ? size : 1);
	if (!*out)
		return &gl_error_nomem;
	if (real && gl_map_slot_indirect(slot, real)) {
		uint64_t p = gl_get_uint(b, 8);
		struct gl_error *err = p ? gl_mem_read(c->mem, p, *out, size)
					 : gl_error_fault(0, "nil indirect slot");
		if (err) {
			free(*out);
			*out = NULL;
		}
		return err;
	}
	memcpy(*out, b, size);
	return NULL;
}

struct gl_error *gl_map_add_entry(struct gl_ctx *c, struct gl_map_walk *w,
				  const struct gl_type *slot_key, const unsigned char *kb,
				  const struct gl_type *slot_elem, const unsigned char *eb)
{
	if (!w->want_entries)
		return NULL;
	if (w->nentries >= w->max_entries) {
		w->entries_truncated = true;
		return NULL;
	}
	if (w->nentries == w->entries_cap) {
		size_t cap = w->entries_cap ? w->entries_cap * 2 : 64;
		struct gl_map_entry *e = realloc(w->entries, cap * sizeof(*e));
		if (!e)
			return &gl_error_nomem;
		w->entries = e;
		w->entries_cap = cap;
	}
	struct gl_map_entry *e = &w->entries[w->nentries];
	struct gl_error *err = slot_bytes(c, slot_key, w->key_type, kb, &e->key);
	if (err)
		return gl_error_wrap(err, "reading an indirect key");
	if ((err = slot_bytes(c, slot_elem, w->elem_type, eb, &e->elem))) {
		free(e->key);
		return gl_error_wrap(err, "reading an indirect element");
	}
	w->nentries++;
	return NULL;
}

void gl_map_slot_json(struct gl_ctx *c, const struct gl_map_walk *w, const struct gl_type *slot_key,
		      const unsigned char *kb, const struct gl_type *slot_elem, const unsigned char *eb,
		      json_t *js)
{
	/* a one-entry walk follows indirect slots exactly as the entry list does */
	struct gl_map_walk one = {.want_entries = true, .max_entries = 1,
				  .key_type = w->key_type, .elem_type = w->elem_type};
	struct gl_error *err = gl_map_add_entry(c, &one, slot_key, kb, slot_elem, eb);
	if (!err && one.nentries == 1) {
		json_object_set_new(js, "key", gl_format_value_json(c, w->key_type, one.entries[0].key));
		json_object_set_new(js, "value", gl_format_value_json(c, w->elem_type, one.entries[0].elem));
	} else {
		json_object_set_new(js, "error", gl_json_text(err ? err->message : "?"));
	}
	if (gl_map_slot_indirect(slot_key, w->key_type))
		gl_json_set_addr(js, "key_indirect", gl_get_uint(kb, 8));
	if (gl_map_slot_indirect(slot_elem, w->elem_type))
		gl_json_set_addr(js, "elem_indirect", gl_get_uint(eb, 8));
	gl_error_destroy(err);
	gl_map_walk_deinit(&one);
}

/* ---- fmt's key order (internal/fmtsort) ------------------------------------ */

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_f(double a, double b)
{
	if (isnan(a) || isnan(b)) /* NaN sorts first */
		return isnan(a) && !isnan(b) ? -1 : !isnan(a) && isnan(b) ? 1 : 0;
	return a < b ? -1 : a > b;
}

static double get_f(const struct gl_type *t, const unsigned char *b)
{
	if (t->size == 4) {
		float f;
		memcpy(&f, b, 4);
		return f;
	}
	double d;
	memcpy(&d, b, 8);
	return d;
}

static int cmp_strings(struct gl_ctx *c, const unsigned char *a, const unsigned char *b)
{
	uint64_t pa = gl_get_uint(a, 8), la = gl_get_uint(a + 8, 8);
	uint64_t pb = gl_get_uint(b, 8), lb = gl_get_uint(b + 8, 8);
	unsigned char ba[256], bb[256];
	for (uint64_t off = 0; off < la && off < lb; off += sizeof(ba)) {
		uint64_t n = la - off < lb - off ? la - off : lb - off;
		if (n > sizeof(ba))
			n = sizeof(ba);
		struct gl_error *e1 = gl_mem_read(c->mem, pa + off, ba, n);
		struct gl_error *e2 = e1 ? NULL : gl_mem_read(c->mem, pb + off, bb, n);
		bool bad = e1 || e2;
		gl_error_destroy(e1);
		gl_error_destroy(e2);
		if (bad)
			return cmp_u(pa, pb);
		int r = memcmp(ba, bb, n);
		if (r)
			return r < 0 ? -1 : 1;
	}
	return cmp_u(la, lb);
}

/* fmtsort.compare on raw bytes: numbers by value, strings by bytes,
 * pointers and channels by address, arrays and structs element by
 * element, interfaces by dynamic type, then value. */
static int cmp_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
		     const unsigned char *b, int depth)
{
	if (depth > 16)
		return 0;
	switch (t->kind) {
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64: {
		int64_t x = gl_get_int(a, t->size), y = gl_get_int(b, t->size);
		return x < y ? -1 : x > y;
	}
	case GL_K_FLOAT32: case GL_K_FLOAT64:
		return cmp_f(get_f(t, a), get_f(t, b));
	case GL_K_COMPLEX64: case GL_K_COMPLEX128: {
		struct gl_type half = {.kind = GL_K_FLOAT64, .size = t->size / 2};
		int r = cmp_f(get_f(&half, a), get_f(&half, b));
		return r ? r : cmp_f(get_f(&half, a + half.size), get_f(&half, b + half.size));
	}
	case GL_K_STRING:
		return cmp_strings(c, a, b);
	case GL_K_ARRAY:
		for (uint64_t i = 0; t->elem && i < t->count; i++) {
			int r = cmp_value(c, t->elem, a + i * t->elem->size, b + i * t->elem->size, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields; i++) {
			const struct gl_field *f = &t->fields[i];
			int r = cmp_value(c, f->type, a + f->offset, b + f->offset, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_INTERFACE: {
		uint64_t ta, tb;
		struct gl_type *da = gl_iface_dynamic_type(c, t, a, &ta);
		struct gl_type *db = gl_iface_dynamic_type(c, t, b, &tb);
		if (ta != tb || !da || !db)
			return cmp_u(ta, tb);
		unsigned char va[64], vb[64];
		if (gl_type_is_direct_iface(da))
			return cmp_value(c, da, a + 8, b + 8, depth + 1);
		if (da->size > sizeof(va))
			return cmp_u(gl_get_uint(a + 8, 8), gl_get_uint(b + 8, 8));
		struct gl_error *e1 = gl_mem_read(c->mem, gl_get_uint(a + 8, 8), va, da->size);
		struct gl_error *e2 = e1 ? NULL : gl_mem_read(c->mem, gl_get_uint(b + 8, 8), vb, da->size);
		bool bad = e1 || e2;
		gl_error_destroy(e1);
		gl_error_destroy(e2);
		return bad ? 0 : cmp_value(c, da, va, vb, depth + 1);
	}
	default: /* bool, unsigned, pointers, chans, unsafe.Pointer */
		return cmp_u(gl_get_uint(a, t->size), gl_get_uint(b, t->size));
	}
}

struct sort_ctx {
	struct gl_ctx *c;
	const struct gl_type *kt;
	const struct gl_map_entry *e;
	char **text;     /* string keys read once up front, or NULL */
	uint64_t *len;
};

static int cmp_entries(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *s = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int r;
	if (s->text) {
		uint64_t n = s->len[i] < s->len[j] ? s->len[i] : s->len[j];
		r = memcmp(s->text[i], s->text[j], n);
		r = r ? (r < 0 ? -1 : 1) : cmp_u(s->len[i], s->len[j]);
	} else {
		r = cmp_value(s->c, s->kt, s->e[i].key, s->e[j].key, 0);
	}
	return r ? r : (i < j ? -1 : i > j);
}

/* String keys: read every key's bytes once, so that sorting a million
 * entries compares memory, not reads through the cache. False when a key
 * cannot be read (the slow path then compares what it can). */
static bool preload_strings(struct gl_ctx *c, struct sort_ctx *s, size_t n)
{
	s->text = calloc(n, sizeof(*s->text));
	s->len = calloc(n, sizeof(*s->len));
	if (!s->text || !s->len)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint64_t p = gl_get_uint(s->e[i].key, 8), l = gl_get_uint(s->e[i].key + 8, 8);
		if (l > GL_MAX_VALUE_BYTES)
			return false;
		s->text[i] = malloc(l ? l : 1);
		s->len[i] = l;
		struct gl_error *err = s->text[i] && l ? gl_mem_read(c->mem, p, s->text[i], l) : NULL;
		if (!s->text[i] || err) {
			gl_error_destroy(err);
			return false;
		}
	}
	return true;
}

static void free_strings(struct sort_ctx *s, size_t n)
{
	for (size_t i = 0; s->text && i < n; i++)
		free(s->text[i]);
	free(s->text);
	free(s->len);
	s->text = NULL;
	s->len = NULL;
}

void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_walk *w)
{
	if (!w->key_type || w->nentries < 2)
		return;
	size_t *idx = malloc(w->nentries * sizeof(*idx));
	struct gl_map_entry *sorted = malloc(w->nentries * sizeof(*sorted));
	if (idx && sorted) {
		for (size_t i = 0; i < w->nentries; i++)
			idx[i] = i;
		struct sort_ctx s = {c, w->key_type, w->entries, NULL, NULL};
		if (w->key_type->kind == GL_K_STRING && !preload_strings(c, &s, w->nentries))
			free_strings(&s, w->nentries);
		qsort_r(idx, w->nentries, sizeof(*idx), cmp_entries, &s);
		free_strings(&s, w->nentries);
		for (size_t i = 0; i < w->nentries; i++)
			sorted[i] = w->entries[idx[i]];
		memcpy(w->entries, sorted, w->nentries * sizeof(*sorted));
	}
	free(idx);
	free(sorted);
}

void gl_map_header_field(json_t *arr, const struct gl_type *hdr, const char *field,
			 const unsigned char *bytes, const char *value, const char *note)
{
	const struct gl_field *f = gl_type_field(hdr, field);
	if (!f)
		return;
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(field));
	json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
	json_object_set_new(o, "size", json_integer((json_int_t)f->type->size));
	json_object_set_new(o, "type", gl_json_text(f->type->name));
	if (value) {
		json_object_set_new(o, "value", gl_json_text(value));
	} else {
		char buf[32];
		uint64_t v = gl_get_uint(bytes + f->offset, f->type->size);
		if (f->type->kind == GL_K_POINTER || f->type->kind == GL_K_UNSAFEPOINTER ||
		    f->type->kind == GL_K_UINTPTR)
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
		else if (gl_kind_is_int(f->type->kind))
			snprintf(buf, sizeof(buf), "%lld", (long long)gl_get_int(bytes + f->offset, f->type->size));
		else if (f->type->kind == GL_K_BOOL)
			snprintf(buf, sizeof(buf), "%s", v ? "true" : "false");
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		json_object_set_new(o, "value", json_string(buf));
	}
	if (note)
		json_object_set_new(o, "note", gl_json_text(note));
	json_array_append_new(arr, o);
}
