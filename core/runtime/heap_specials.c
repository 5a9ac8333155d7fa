/* An object's specials: the span's sorted list of runtime.special records
 * (finalizers, cleanups, weak handles, pin counters, profiles...) that
 * fall in the object's slot, with the data golayout shows of each kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/heap.h"

#define MAX_SPECIALS 100000 /* per span: the walk stops there */

/* The runtime's kind value -> its DWARF name and golayout's enum. */
static void special_kind(const struct gl_heap *h, int64_t v, struct gl_special *o)
{
	static const struct {
		const char *name;
		enum gl_special_kind kind;
	} shown[] = {
		{"finalizer", GL_SPECIAL_FINALIZER},
		{"cleanup", GL_SPECIAL_CLEANUP},
		{"weak_handle", GL_SPECIAL_WEAK_HANDLE},
		{"pin_counter", GL_SPECIAL_PIN_COUNTER},
	};
	o->value = v;
	o->kind = GL_SPECIAL_UNKNOWN;
	snprintf(o->name, sizeof(o->name), "unknown");
	for (int i = 0; i < h->nkinds; i++) {
		if (h->kinds[i].value != v)
			continue;
		snprintf(o->name, sizeof(o->name), "%s", h->kinds[i].name);
		o->kind = GL_SPECIAL_OTHER;
		for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
			if (!strcmp(o->name, shown[k].name))
				o->kind = shown[k].kind;
		return;
	}
}

/* A word of the special record at sp + f.off; false if absent/unreadable. */
static bool word(struct gl_heap *h, uint64_t sp, struct gl_heap_field f, uint64_t *w)
{
	if (!f.size)
		return false;
	struct gl_error *err = gl_mem_read_u64(h->c->mem, sp + f.off, w);
	gl_error_destroy(err);
	return !err;
}

/* Go 1.24-1.25 keep a closure func() { cleanup(arg) } made in AddCleanup:
 * one of its first two captured words is the user's function value (a
 * *funcval whose PC names a function), or a pointer to it. */
static void cleanup_user_fn(struct gl_heap *h, uint64_t closure, struct gl_special *o)
{
	unsigned char cw[16];
	char iname[GL_HEAP_NAME];
	struct gl_error *e2 = gl_mem_read(h->c->mem, closure + 8, cw, sizeof(cw));
	/* k: which word; deref: captured by reference (1.25 takes &cleanup,
	 * so the closure holds a pointer to the func value) */
	for (int k = 0; !e2 && k < 4; k++) {
		uint64_t inner = gl_get_uint(cw + 8 * (k % 2), 8);
		if (k >= 2) {
			struct gl_error *e3 = inner >= 4096 ? gl_mem_read_u64(h->c->mem, inner, &inner) : NULL;
			if (e3)
				inner = 0;
			gl_error_destroy(e3);
		}
		if (inner < 4096)
			continue;
		gl_heap_funcval_name(h, inner, iname, sizeof(iname));
		if (iname[0] && strncmp(iname, "runtime.AddCleanup", 18)) {
			snprintf(o->wrapper, sizeof(o->wrapper), "%s", o->function);
			snprintf(o->function, sizeof(o->function), "%s", iname);
			break;
		}
	}
	gl_error_destroy(e2);
}

static void special_details(struct gl_heap *h, uint64_t sp, struct gl_special *o)
{
	uint64_t w;
	switch (o->kind) {
	case GL_SPECIAL_FINALIZER:
		if (!h->fin_fn.size)
			break;
		if ((o->has_funcval = word(h, sp, h->fin_fn, &o->funcval)))
			gl_heap_funcval_name(h, o->funcval, o->function, sizeof(o->function));
		if (word(h, sp, h->fin_fint, &w))
			gl_heap_type_name(h, w, o->arg_type, sizeof(o->arg_type));
		if (word(h, sp, h->fin_ot, &w))
			gl_heap_type_name(h, w, o->object_type, sizeof(o->object_type));
		break;
	case GL_SPECIAL_CLEANUP:
		if (!h->cl_fn.size)
			break;
		if ((o->has_funcval = word(h, sp, h->cl_fn, &o->funcval))) {
			gl_heap_funcval_name(h, o->funcval, o->function, sizeof(o->function));
			if (!h->cl_direct && !strncmp(o->function, "runtime.AddCleanup", 18))
				cleanup_user_fn(h, o->funcval, o);
		}
		if (h->cl_id.size) {
			unsigned char b[8];
			struct gl_error *err = gl_mem_read(h->c->mem, sp + h->cl_id.off, b, h->cl_id.size);
			if (!err) {
				o->has_id = true;
				o->id = gl_get_uint(b, h->cl_id.size);
			}
			gl_error_destroy(err);
		}
		break;
	case GL_SPECIAL_WEAK_HANDLE:
		if ((o->has_handle = word(h, sp, h->wk_handle, &o->handle)) && o->handle) {
			struct gl_error *e2 = gl_mem_read_u64(h->c->mem, o->handle, &o->points_to);
			o->has_points_to = !e2;
			gl_error_destroy(e2);
		}
		break;
	case GL_SPECIAL_PIN_COUNTER:
		o->has_counter = word(h, sp, h->pin_counter, &o->counter);
		break;
	default:
		break;
	}
}

static struct gl_special *push(struct gl_specials *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		struct gl_special *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	struct gl_special *o = &l->v[l->n++];
	memset(o, 0, sizeof(*o));
	return o;
}

struct gl_error *gl_heap_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo,
				  uint64_t hi, struct gl_specials *out)
{
	if (!h->sp_size || !h->sp_next.size || !h->sp_offset.size || !h->sp_kind.size || h->sp_size > 64)
		return s->specials ? gl_error_create(GL_ERR_NODWARF, "no runtime.special layout in DWARF") : NULL;
	/* Floyd's cycle check on top of the count bound; the list is sorted
	 * by offset, which is checked too. */
	uint64_t p = s->specials, slow = p, prev_off = 0;
	for (uint64_t n = 0; p; n++) {
		if (n >= MAX_SPECIALS)
			return gl_error_create(GL_ERR_LIMIT, "span 0x%llx: more than %u specials, stopped",
					       (unsigned long long)s->addr, MAX_SPECIALS);
		unsigned char b[64];
		struct gl_error *err = gl_mem_read(h->c->mem, p, b, h->sp_size);
		if (err)
			return gl_error_wrap(err, "reading special %llu of span 0x%llx", (unsigned long long)n,
					     (unsigned long long)s->addr);
		uint64_t off = gl_heap_get(b, h->sp_offset), kind = gl_heap_get(b, h->sp_kind),
			 next = gl_heap_get(b, h->sp_next);
		if (off < prev_off)
			return gl_error_create(GL_ERR_CORRUPT, "specials of span 0x%llx out of order at 0x%llx (corrupt?)",
					       (unsigned long long)s->addr, (unsigned long long)p);
		prev_off = off;
		if (s->base + off >= hi)
			break; /* sorted: nothing further is ours */
		if (s->base + off >= lo) {
			struct gl_special *o = push(out);
			if (!o)
				return &gl_error_nomem;
			o->addr = p;
			o->offset = s->base + off - lo;
			special_kind(h, (int64_t)kind, o);
			special_details(h, p, o);
		}
		p = next;
		if (n % 2 == 1) {
			uint64_t sn;
			struct gl_error *e2 = gl_mem_read_u64(h->c->mem, slow + h->sp_next.off, &sn);
			if (e2) {
				gl_error_destroy(e2);
				break;
			}
			slow = sn;
		}
		if (p && p == slow)
			return gl_error_create(GL_ERR_CORRUPT, "specials list of span 0x%llx has a cycle",
					       (unsigned long long)s->addr);
	}
	return NULL;
}

void gl_specials_deinit(struct gl_specials *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
