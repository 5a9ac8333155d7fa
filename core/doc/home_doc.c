#include <stdio.h>

#include "doc/doc.h"
#include "doc/home_doc.h"

void gl_home_describe(const struct gl_home *h, char *buf, size_t len)
{
	unsigned long long arena = h->arena_index;
	switch (h->kind) {
	case GL_HOME_NIL:
		snprintf(buf, len, "nil");
		return;
	case GL_HOME_DATA:
		snprintf(buf, len, "%s of the binary", h->section);
		return;
	case GL_HOME_UNMAPPED:
		snprintf(buf, len, "unmapped or unreadable");
		return;
	case GL_HOME_STACK:
		snprintf(buf, len, "stack of goroutine %llu", (unsigned long long)h->goid);
		return;
	case GL_HOME_OFFHEAP:
		snprintf(buf, len, "mapped memory outside Go's heap arenas");
		return;
	case GL_HOME_HEAP:
		break;
	default:
		snprintf(buf, len, "unknown");
		return;
	}
	switch (h->heap) {
	case GL_HOME_HEAP_PLAIN:
		snprintf(buf, len, "heap (not a stack, not the binary)");
		break;
	case GL_HOME_HEAP_NO_SPAN:
		snprintf(buf, len, "heap arena %llu, free pages (no span)", arena);
		break;
	case GL_HOME_HEAP_NOT_INUSE:
		snprintf(buf, len, "heap arena %llu, %s span 0x%llx (not Go objects)", arena, h->span_state,
			 (unsigned long long)h->span);
		break;
	case GL_HOME_HEAP_OBJECT:
		if (h->size_class)
			snprintf(buf, len, "heap, size class %d (%llu-byte slots), %s object", h->size_class,
				 (unsigned long long)h->elemsize, h->allocated ? "allocated" : "free");
		else
			snprintf(buf, len, "heap, large object (%llu pages), %s",
				 (unsigned long long)h->npages, h->allocated ? "allocated" : "free");
		break;
	}
}

json_t *gl_home_json(const struct gl_home *h)
{
	char desc[128];
	gl_home_describe(h, desc, sizeof(desc));
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(gl_home_kind_name(h->kind)));
	json_object_set_new(o, "description", json_string(desc));
	if (h->kind == GL_HOME_STACK)
		json_object_set_new(o, "goroutine", json_integer((json_int_t)h->goid));
	if (h->hi) {
		gl_json_set_addr(o, "region_lo", h->lo);
		gl_json_set_addr(o, "region_hi", h->hi);
	}
	if (gl_home_has_object(h)) {
		gl_json_set_addr(o, "span", h->span);
		json_object_set_new(o, "size_class", json_integer(h->size_class));
		json_object_set_new(o, "elemsize", json_integer((json_int_t)h->elemsize));
		gl_json_set_addr(o, "object_base", h->object_base);
		json_object_set_new(o, "allocated", json_boolean(h->allocated));
		json_object_set_new(o, "marked", json_string(gl_heap_mark_name(h->mark)));
	}
	return o;
}
