/* Where an address lives: a goroutine's stack, a section of the binary
 * (.rodata, .data, .bss...), the Go heap (with the span, size class,
 * object and mark state, from heap.c), mapped memory outside the heap's
 * arenas, or nowhere readable. A typed model: doc/home_doc.c spells it. */
#ifndef GL_HOME_H
#define GL_HOME_H

#include "runtime/heap.h"
#include "target/ctx.h"

enum gl_home_kind {
	GL_HOME_UNKNOWN,
	GL_HOME_NIL,
	GL_HOME_DATA,      /* a section of the binary */
	GL_HOME_UNMAPPED,
	GL_HOME_STACK,
	GL_HOME_HEAP,      /* readable, not a stack, not the binary */
	GL_HOME_OFFHEAP,   /* mapped, outside Go's heap arenas */
};

/* How much of the heap's view of a GL_HOME_HEAP address is known. */
enum gl_home_heap {
	GL_HOME_HEAP_PLAIN,     /* the heap's structures could not be read */
	GL_HOME_HEAP_NO_SPAN,   /* an arena's free pages */
	GL_HOME_HEAP_NOT_INUSE, /* a span that holds no Go objects (manual, dead) */
	GL_HOME_HEAP_OBJECT,    /* a slot of an in-use span */
};

struct gl_home {
	enum gl_home_kind kind;
	const char *section;    /* GL_HOME_DATA: the section's name */
	uint64_t goid;          /* GL_HOME_STACK */
	uint64_t lo, hi;        /* the stack or section bounds, when known (hi != 0) */
	enum gl_home_heap heap; /* GL_HOME_HEAP */
	uint64_t arena_index;
	uint64_t span;          /* the mspan (NOT_INUSE and OBJECT) */
	const char *span_state; /* NOT_INUSE: the span state's name */
	int size_class;         /* OBJECT: 0 for a large object */
	uint64_t elemsize, npages, object_base;
	bool allocated;
	enum gl_mark mark;
};

/* Whether the span, size class and object of a heap slot are known. */
static inline bool gl_home_has_object(const struct gl_home *h)
{
	return h->kind == GL_HOME_HEAP && h->heap == GL_HOME_HEAP_OBJECT;
}

const char *gl_home_kind_name(enum gl_home_kind k);
void gl_home_of(struct gl_ctx *c, uint64_t addr, struct gl_home *h);

#endif
