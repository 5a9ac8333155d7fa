#include <stdio.h>
#include <string.h>

#include "runtime/heap.h"
#include "runtime/home.h"
#include "eval/value.h"

#define MAX_GS (1u << 20)

/* Find the goroutine whose stack holds addr, through runtime.allgs. */
static bool stack_owner(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	uint64_t allgs;
	struct gl_type *t;
	struct gl_type *g = gl_dwarf_find_type(c->t->dw, "runtime.g");
	if (!g || !gl_dwarf_find_global(c->t->dw, "runtime.allgs", &allgs, &t))
		return false;
	const struct gl_field *stack = gl_type_field(g, "stack"), *goid = gl_type_field(g, "goid");
	if (!stack || !goid)
		return false;
	const struct gl_field *lo = gl_type_field(stack->type, "lo"), *hi = gl_type_field(stack->type, "hi");
	if (!lo || !hi)
		return false;
	unsigned char sl[24];
	struct gl_error *err = gl_mem_read(c->mem, allgs, sl, 24);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	uint64_t arr = gl_get_uint(sl, 8), n = gl_get_uint(sl + 8, 8);
	if (n > MAX_GS)
		return false;
	uint64_t ptrs[256];
	for (uint64_t base = 0; base < n; base += 256) {
		uint64_t k = n - base < 256 ? n - base : 256;
		if ((err = gl_mem_read(c->mem, arr + base * 8, ptrs, k * 8))) {
			gl_error_destroy(err);
			return false;
		}
		for (uint64_t i = 0; i < k; i++) {
			unsigned char s[16];
			uint64_t id;
			if ((err = gl_mem_read(c->mem, ptrs[i] + stack->offset, s, 16))) {
				gl_error_destroy(err);
				continue;
			}
			uint64_t slo = gl_get_uint(s + lo->offset, 8), shi = gl_get_uint(s + hi->offset, 8);
			if (addr < slo || addr >= shi)
				continue;
			if ((err = gl_mem_read_u64(c->mem, ptrs[i] + goid->offset, &id))) {
				gl_error_destroy(err);
				id = 0;
			}
			h->goid = id;
			h->lo = slo;
			h->hi = shi;
			snprintf(h->kind, sizeof(h->kind), "stack");
			snprintf(h->desc, sizeof(h->desc), "stack of goroutine %llu", (unsigned long long)id);
			return true;
		}
	}
	return false;
}

/* Refine a "heap" home with the span and object, when the heap's
 * structures can be read; otherwise keep the plain description. */
static void heap_home(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	struct gl_heap hp;
	struct gl_heap_loc loc;
	struct gl_error *err = c->t->dw ? gl_heap_init(c, &hp) : NULL;
	if (!c->t->dw || err || (err = gl_heap_locate(&hp, addr, &loc))) {
		gl_error_destroy(err);
		return;
	}
	if (!loc.in_arena) {
		snprintf(h->kind, sizeof(h->kind), "offheap");
		snprintf(h->desc, sizeof(h->desc), "mapped memory outside Go's heap arenas");
		return;
	}
	if (!loc.has_span || !loc.span_ok) {
		snprintf(h->desc, sizeof(h->desc), "heap arena %llu, free pages (no span)",
			 (unsigned long long)loc.arena_index);
		return;
	}
	const struct gl_span *s = &loc.span;
	if (!gl_heap_span_in_use(&hp, s)) {
		snprintf(h->desc, sizeof(h->desc), "heap arena %llu, %s span 0x%llx (not Go objects)",
			 (unsigned long long)loc.arena_index, gl_heap_state_name(&hp, s->state),
			 (unsigned long long)s->addr);
		return;
	}
	struct gl_heap_object o;
	if ((err = gl_heap_object(&hp, s, addr, &o)) || !o.in_slot) {
		gl_error_destroy(err);
		return;
	}
	h->has_span = true;
	h->span = s->addr;
	h->size_class = s->size_class;
	h->elemsize = s->elemsize;
	h->object_base = o.base;
	h->allocated = o.allocated;
	snprintf(h->marked, sizeof(h->marked), "%s", gl_heap_mark_name(o.mark));
	if (s->size_class)
		snprintf(h->desc, sizeof(h->desc), "heap, size class %d (%llu-byte slots), %s object",
			 s->size_class, (unsigned long long)s->elemsize, o.allocated ? "allocated" : "free");
	else
		snprintf(h->desc, sizeof(h->desc), "heap, large object (%llu pages), %s",
			 (unsigned long long)s->npages, o.allocated ? "allocated" : "free");
}

void gl_home_of(struct gl_ctx *c, uint64_t addr, struct gl_home *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->kind, sizeof(h->kind), "unknown");
	snprintf(h->desc, sizeof(h->desc), "unknown");
	if (addr == 0) {
		snprintf(h->kind, sizeof(h->kind), "nil");
		snprintf(h->desc, sizeof(h->desc), "nil");
		return;
	}
	const struct gl_elf_section *s = gl_elf_section_at(&c->t->elf, addr);
	if (s) {
		snprintf(h->kind, sizeof(h->kind), "data");
		snprintf(h->desc, sizeof(h->desc), "%s of the binary", s->name);
		h->lo = s->addr;
		h->hi = s->addr + s->size;
		return;
	}
	if (!gl_mem_readable(c->mem, addr, 1)) {
		snprintf(h->kind, sizeof(h->kind), "unmapped");
		snprintf(h->desc, sizeof(h->desc), "unmapped or unreadable");
		return;
	}
	if (c->t->dw && stack_owner(c, addr, h))
		return;
	snprintf(h->kind, sizeof(h->kind), "heap");
	snprintf(h->desc, sizeof(h->desc), "heap (not a stack, not the binary)");
	heap_home(c, addr, h);
}

json_t *gl_home_json(const struct gl_home *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(h->kind));
	json_object_set_new(o, "description", json_string(h->desc));
	if (!strcmp(h->kind, "stack"))
		json_object_set_new(o, "goroutine", json_integer((json_int_t)h->goid));
	if (h->hi) {
		gl_json_set_addr(o, "region_lo", h->lo);
		gl_json_set_addr(o, "region_hi", h->hi);
	}
	if (h->has_span) {
		gl_json_set_addr(o, "span", h->span);
		json_object_set_new(o, "size_class", json_integer(h->size_class));
		json_object_set_new(o, "elemsize", json_integer((json_int_t)h->elemsize));
		gl_json_set_addr(o, "object_base", h->object_base);
		json_object_set_new(o, "allocated", json_boolean(h->allocated));
		json_object_set_new(o, "marked", json_string(h->marked));
	}
	return o;
}
