#include <string.h>

#include "gotypes/sizeclass.h"
#include "eval/value.h"

static int64_t konst(struct gl_ctx *c, const char *a, const char *b, int64_t dflt)
{
	int64_t v;
	if (gl_dwarf_find_const(c->t->dw, a, &v) || (b && gl_dwarf_find_const(c->t->dw, b, &v)))
		return v;
	return dflt;
}

struct gl_error *gl_sizeclasses_load(struct gl_ctx *c, struct gl_sizeclasses *sc)
{
	memset(sc, 0, sizeof(*sc));
	uint64_t addr;
	struct gl_type *t;
	if (!gl_dwarf_find_global(c->t->dw, "internal/runtime/gc.SizeClassToSize", &addr, &t) &&
	    !gl_dwarf_find_global(c->t->dw, "runtime.class_to_size", &addr, &t))
		return gl_error_create(GL_ERR_NODWARF, "no size class table in the binary's DWARF");
	if (t->kind != GL_K_ARRAY || !t->elem || t->elem->size != 2 || t->count > GL_MAX_SIZE_CLASSES)
		return gl_error_create(GL_ERR_UNSUPPORTED, "unexpected size class table type %s", t->name);
	unsigned char buf[GL_MAX_SIZE_CLASSES * 2];
	/* The table is initialised data: read it from the file, so no process
	 * is needed; fall back to memory. */
	struct gl_error *err = gl_elf_read_vaddr(&c->t->elf, addr, buf, t->size);
	if (err) {
		gl_error_destroy(err);
		if ((err = gl_mem_read(c->mem, addr, buf, t->size)))
			return gl_error_wrap(err, "reading the size class table");
	}
	sc->n = (int)t->count;
	for (int i = 0; i < sc->n; i++)
		sc->size[i] = (uint32_t)gl_get_uint(buf + 2 * i, 2);
	sc->max_small = (uint64_t)konst(c, "internal/runtime/gc.MaxSmallSize", "runtime._MaxSmallSize", 32768);
	sc->page_size = (uint64_t)konst(c, "internal/runtime/gc.PageSize", "runtime._PageSize", 8192);
	sc->malloc_header = (uint64_t)konst(c, "internal/runtime/gc.MallocHeaderSize",
					    "runtime.mallocHeaderSize", c->t->go_minor >= 22 ? 8 : 0);
	sc->min_for_header = (uint64_t)konst(c, "internal/runtime/gc.MinSizeForMallocHeader",
					     "runtime.minSizeForMallocHeader", 512);
	return NULL;
}

int gl_sizeclass_of(const struct gl_sizeclasses *sc, uint64_t size)
{
	for (int i = 1; i < sc->n; i++)
		if (sc->size[i] >= size)
			return i;
	return 0;
}

uint64_t gl_roundupsize(const struct gl_sizeclasses *sc, uint64_t size, bool noscan)
{
	uint64_t req = size;
	if (req <= sc->max_small - sc->malloc_header) {
		if (!noscan && sc->malloc_header && req > sc->min_for_header)
			req += sc->malloc_header;
		int cls = gl_sizeclass_of(sc, req);
		if (cls)
			return sc->size[cls] - (req - size);
	}
	/* large object: whole pages */
	req += sc->page_size - 1;
	if (req < size)
		return size;
	return req & ~(sc->page_size - 1);
}

uint64_t gl_growslice_cap(const struct gl_sizeclasses *sc, uint64_t old_cap, uint64_t new_len,
			  uint64_t elem_size, bool noscan, uint64_t *alloc_bytes)
{
	/* runtime.nextslicecap (Go 1.20+) */
	uint64_t newcap = old_cap, dbl = old_cap + old_cap;
	const uint64_t threshold = 256;
	if (new_len > dbl) {
		newcap = new_len;
	} else if (old_cap < threshold) {
		newcap = dbl;
	} else {
		while (newcap < new_len)
			newcap += (newcap + 3 * threshold) >> 2;
	}
	if (elem_size == 0) {
		*alloc_bytes = 0;
		return newcap;
	}
	uint64_t mem = gl_roundupsize(sc, newcap * elem_size, noscan);
	*alloc_bytes = mem;
	return mem / elem_size;
}
