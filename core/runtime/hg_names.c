/* Names in heap-graph answers: an object's slot, data and type, and a
 * hop's pointer word as a field path (DWARF: the global's type, or the
 * object's malloc-header/largeType type) or an offset. The word is found
 * again by reading the source (object or global) once: edges keep no
 * offsets, paths are short. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/hg_names.h"

#define MAX_DEPTH 16
#define MAX_SCAN (16u << 20) /* bytes of a source searched for the word */

void gl_hg_describe(struct gl_heapgraph *hg, uint32_t node, struct gl_hg_obj *o)
{
	memset(o, 0, sizeof(*o));
	const struct gl_hg_span *s = gl_hg_span_of(hg, node);
	if (!s)
		return;
	o->slot = s->base + (uint64_t)(node - s->first) * s->elemsize;
	o->size = s->elemsize;
	o->data = o->slot;
	if (s->kind == GL_PTRMAP_HEADER)
		o->data += (uint64_t)gl_heap_const(&hg->h, GL_RTC_MALLOC_HEADER_SIZE);
	uint64_t tp = gl_hg_type_of(hg, node);
	const struct gl_type *it;
	if (tp)
		gl_heap_type_name(&hg->h, tp, o->type, sizeof(o->type));
	else if ((it = gl_hg_inferred_type(hg, node)) && it->name) {
		snprintf(o->type, sizeof(o->type), "%s", it->name);
		o->inferred = true;
	}
}

/* t's field path at off appended to buf ("" when t is unknown). */
static void field_path(const struct gl_type *t, uint64_t off, char *buf, size_t len)
{
	size_t at = strlen(buf);
	for (int d = 0; t && d < MAX_DEPTH && at < len; d++) {
		if (t->kind == GL_K_STRUCT && t->nfields) {
			const struct gl_field *f = NULL;
			for (size_t i = 0; i < t->nfields; i++)
				if (t->fields[i].offset <= off && t->fields[i].type &&
				    off - t->fields[i].offset < (t->fields[i].type->size ? t->fields[i].type->size : 1))
					f = &t->fields[i];
			if (!f)
				break;
			at += (size_t)snprintf(buf + at, len - at, ".%s", f->name);
			off -= f->offset;
			t = f->type;
		} else if (t->kind == GL_K_ARRAY && t->elem && t->elem->size) {
			at += (size_t)snprintf(buf + at, len - at, "[%llu]", (unsigned long long)(off / t->elem->size));
			off %= t->elem->size;
			t = t->elem;
		} else {
			break;
		}
	}
	if (off && at < len)
		snprintf(buf + at, len - at, "+0x%llx", (unsigned long long)off);
}

static struct gl_type *dwarf_type(struct gl_heapgraph *hg, const char *name)
{
	struct gl_target *t = hg->h.c->t;
	return t && t->dw && name[0] ? gl_dwarf_find_type(t->dw, name) : NULL;
}

/* The offset in [a, a + len) of the first pointer-sized word resolving to
 * node `to` (words where map says pointer, every word when map is NULL). */
static bool find_word(struct gl_heapgraph *hg, uint64_t a, uint64_t len, const struct gl_ptrmap *pm,
		      uint64_t first_word, uint32_t to, uint64_t *off)
{
	unsigned ps = hg->h.ptr;
	if (len > MAX_SCAN)
		len = MAX_SCAN;
	unsigned char *buf = malloc(len ? len : 1);
	bool found = false;
	struct gl_error *err = buf ? gl_mem_read(hg->h.c->mem, a, buf, len) : &gl_error_nomem;
	struct gl_hg_counts saved = hg->n; /* resolving again counts nothing new */
	for (uint64_t i = 0; !err && (i + 1) * ps <= len && !found; i++) {
		if (pm && !gl_ptrmap_is_pointer(pm, first_word + i))
			continue;
		uint64_t v = gl_get_uint(buf + i * ps, ps);
		if (v && gl_hg_resolve(hg, v) == to) {
			*off = i * ps;
			found = true;
		}
	}
	hg->n = saved;
	gl_error_destroy(err);
	free(buf);
	return found;
}

void gl_hg_hop_name(struct gl_heapgraph *hg, uint32_t from, uint32_t to, struct gl_hg_hop *hop)
{
	memset(hop, 0, sizeof(*hop));
	gl_hg_describe(hg, to, &hop->to);
	uint64_t off = 0;
	if (gl_hg_is_root(hg, from)) {
		const struct gl_hg_root *r = gl_hg_root(hg, from);
		const char *name = gl_hg_root_name(hg, r);
		if (r->kind == GL_ROOT_GLOBAL && !strncmp(name, "global ", 7) && r->size &&
		    find_word(hg, r->addr, r->size, NULL, 0, to, &off)) {
			hop->offset = off;
			snprintf(hop->via, sizeof(hop->via), "%s", name + 7);
			struct gl_type *t = NULL;
			uint64_t ga;
			if (hg->h.c->t->dw && !gl_dwarf_find_global(hg->h.c->t->dw, name + 7, &ga, &t))
				t = NULL;
			if (t)
				field_path(t, off, hop->via, sizeof(hop->via));
			else if (off)
				snprintf(hop->via + strlen(hop->via), sizeof(hop->via) - strlen(hop->via), "+0x%llx",
					 (unsigned long long)off);
			return;
		}
		if (r->kind == GL_ROOT_FINALIZER && r->object) {
			/* the finalized object's own word */
			const char *why;
			uint32_t obj = gl_hg_object_at(hg, r->object, &why);
			if (obj != GL_DG_NONE) {
				struct gl_hg_hop inner;
				gl_hg_hop_name(hg, obj, to, &inner);
				snprintf(hop->via, sizeof(hop->via), "(0x%llx)%.200s", (unsigned long long)r->object,
					 inner.via[0] == '+' || inner.via[0] == '.' ? inner.via : "");
				hop->offset = inner.offset;
				return;
			}
		}
		snprintf(hop->via, sizeof(hop->via), "%s", name);
		return;
	}
	/* an object: its pointer map, its type's fields */
	struct gl_hg_obj src;
	gl_hg_describe(hg, from, &src);
	const struct gl_hg_span *s = gl_hg_span_of(hg, from);
	struct gl_span span;
	struct gl_ptrmap pm;
	memset(&pm, 0, sizeof(pm));
	struct gl_error *err = s ? gl_heap_read_span(&hg->h, s->mspan, &span) : &gl_error_nomem;
	if (!err)
		err = gl_heap_pointer_map(&hg->h, &span, src.slot, src.size / hg->h.ptr, &pm);
	bool found = !err && find_word(hg, src.slot, src.size, pm.decoded ? &pm : NULL, 0, to, &off);
	if (err != &gl_error_nomem)
		gl_error_destroy(err);
	gl_ptrmap_deinit(&pm);
	if (!found) {
		snprintf(hop->via, sizeof(hop->via), "?");
		return;
	}
	hop->offset = off - (src.data - src.slot);
	/* an inferred type is the DWARF type itself, no name lookup */
	const struct gl_type *t = src.inferred ? gl_hg_inferred_type(hg, from) : dwarf_type(hg, src.type);
	if (t && t->size) {
		snprintf(hop->via, sizeof(hop->via), "%s", t->name);
		field_path(t, hop->offset % t->size, hop->via, sizeof(hop->via));
		/* an array of them (a slice's, a channel's ring): which element */
		if (hop->offset >= t->size || src.size - (src.data - src.slot) >= 2 * t->size)
			snprintf(hop->via + strlen(hop->via), sizeof(hop->via) - strlen(hop->via), " (element %llu)",
				 (unsigned long long)(hop->offset / t->size));
	} else {
		snprintf(hop->via, sizeof(hop->via), "+0x%llx", (unsigned long long)hop->offset);
	}
}
