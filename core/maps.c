#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "value.h"

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
	return gl_error_create(GL_ERR_NODWARF, "unknown map header layout %s", t->target->name);
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

/* ---- fmt's key order ------------------------------------------------------ */

struct sortkey {
	size_t index;
	int cls;        /* 0 int, 1 uint, 2 float, 3 string/text */
	int64_t i;
	uint64_t u;
	double f;
	char *s;
	size_t slen;
	bool own;
};

static int cmp_keys(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;
	int r = 0;
	switch (x->cls) {
	case 0: r = x->i < y->i ? -1 : x->i > y->i; break;
	case 1: r = x->u < y->u ? -1 : x->u > y->u; break;
	case 2:
		if (isnan(x->f) || isnan(y->f)) /* fmtsort: NaN sorts first */
			r = isnan(x->f) && !isnan(y->f) ? -1 : !isnan(x->f) && isnan(y->f) ? 1 : 0;
		else
			r = x->f < y->f ? -1 : x->f > y->f;
		break;
	default: {
		size_t n = x->slen < y->slen ? x->slen : y->slen;
		r = memcmp(x->s, y->s, n);
		if (!r)
			r = x->slen < y->slen ? -1 : x->slen > y->slen;
	}
	}
	return r ? r : (x->index < y->index ? -1 : x->index > y->index);
}

void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_walk *w)
{
	const struct gl_type *kt = w->key_type;
	if (!kt || w->nentries < 2)
		return;
	struct sortkey *k = calloc(w->nentries, sizeof(*k));
	struct gl_map_entry *sorted = malloc(w->nentries * sizeof(*sorted));
	if (!k || !sorted)
		goto out;
	for (size_t i = 0; i < w->nentries; i++) {
		const unsigned char *b = w->entries[i].key;
		k[i].index = i;
		if (gl_kind_is_int(kt->kind)) {
			k[i].cls = 0;
			k[i].i = gl_get_int(b, kt->size);
		} else if (gl_kind_is_uint(kt->kind) || kt->kind == GL_K_BOOL ||
			   kt->kind == GL_K_POINTER || kt->kind == GL_K_CHAN ||
			   kt->kind == GL_K_UNSAFEPOINTER) {
			k[i].cls = 1;
			k[i].u = gl_get_uint(b, kt->size);
		} else if (kt->kind == GL_K_FLOAT32 || kt->kind == GL_K_FLOAT64) {
			k[i].cls = 2;
			if (kt->kind == GL_K_FLOAT32) {
				float f;
				memcpy(&f, b, 4);
				k[i].f = f;
			} else {
				memcpy(&k[i].f, b, 8);
			}
		} else {
			/* Strings compare by their bytes, as fmtsort does; other
			 * kinds by their %v text, which orders structs of
			 * strings and arrays the same way in the common cases. */
			k[i].cls = 3;
			k[i].s = gl_format_value_str(c, kt, b);
			k[i].own = k[i].s != NULL;
			k[i].slen = k[i].s ? strlen(k[i].s) : 0;
			if (!k[i].s)
				k[i].s = (char *)"";
		}
	}
	qsort(k, w->nentries, sizeof(*k), cmp_keys);
	for (size_t i = 0; i < w->nentries; i++)
		sorted[i] = w->entries[k[i].index];
	memcpy(w->entries, sorted, w->nentries * sizeof(*sorted));
out:
	if (k)
		for (size_t i = 0; i < w->nentries; i++)
			if (k[i].own)
				free(k[i].s);
	free(k);
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
