#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "runtime/goroutines.h"
#include "runtime/home.h"

/* Find the goroutine whose stack holds addr, through runtime.allgs. */
static bool stack_owner(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	struct gl_goroutine g;
	if (!gl_goroutine_on_stack(c, addr, &g))
		return false;
	h->goid = g.goid;
	h->lo = g.stack_lo;
	h->hi = g.stack_hi;
	h->kind = GL_HOME_STACK;
	return true;
}

/* Refine a "heap" home with the span and object, when the heap's
 * structures can be read; otherwise keep the plain description. */
static void heap_home(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	struct gl_heap hp;
	struct gl_heap_loc loc;
	/* without DWARF or outside the supported releases: plain "heap" */
	struct gl_error *err = gl_heap_init(c, &hp);
	if (err || (err = gl_heap_locate(&hp, addr, &loc))) {
		gl_error_destroy(err);
		return;
	}
	if (!loc.in_arena) {
		h->kind = GL_HOME_OFFHEAP;
		return;
	}
	h->arena_index = loc.arena_index;
	if (!loc.has_span || !loc.span_ok) {
		h->heap = GL_HOME_HEAP_NO_SPAN;
		return;
	}
	const struct gl_span *s = &loc.span;
	if (!gl_heap_span_in_use(&hp, s)) {
		h->heap = GL_HOME_HEAP_NOT_INUSE;
		h->span = s->addr;
		h->span_state = gl_heap_state_name(&hp, s->state);
		return;
	}
	struct gl_heap_object o;
	if ((err = gl_heap_object(&hp, s, addr, &o)) || !o.in_slot) {
		gl_error_destroy(err);
		return;
	}
	h->heap = GL_HOME_HEAP_OBJECT;
	h->span = s->addr;
	h->size_class = s->size_class;
	h->elemsize = s->elemsize;
	h->npages = s->npages;
	h->object_base = o.base;
	h->allocated = o.allocated;
	h->mark = o.mark;
}

void gl_home_of(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	memset(h, 0, sizeof(*h));
	if (addr == 0) {
		h->kind = GL_HOME_NIL;
		return;
	}
	const struct gl_elf_section *s = gl_elf_section_at(&c->t->elf, addr);
	if (s) {
		h->kind = GL_HOME_DATA;
		h->section = s->name;
		h->lo = gl_elf_section_start(&c->t->elf, s);
		h->hi = h->lo + s->size;
		return;
	}
	if (!gl_mem_readable(c->mem, addr, 1)) {
		h->kind = GL_HOME_UNMAPPED;
		return;
	}
	if (c->t->dw && stack_owner(c, addr, h))
		return;
	h->kind = GL_HOME_HEAP;
	heap_home(c, addr, h);
}

const char *gl_home_kind_name(enum gl_home_kind k)
{
	static const char *const names[] = {
		[GL_HOME_UNKNOWN] = "unknown", [GL_HOME_NIL] = "nil", [GL_HOME_DATA] = "data",
		[GL_HOME_UNMAPPED] = "unmapped", [GL_HOME_STACK] = "stack", [GL_HOME_HEAP] = "heap",
		[GL_HOME_OFFHEAP] = "offheap",
	};
	return GL_NAME_OF(names, k, "unknown");
}
