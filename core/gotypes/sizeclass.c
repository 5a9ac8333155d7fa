#include <string.h>

#include "base/le.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "gotypes/sizeclass.h"
#include "eval/value.h"

struct gl_error *gl_sizeclasses_load(struct gl_ctx *c, struct gl_sizeclasses *sc)
{
	memset(sc, 0, sizeof(*sc));
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load_globals(c, &L);
	if (err)
		return err;
	struct gl_rt_global g = gl_rt_global(L, GL_RTG_SIZE_CLASS_TO_SIZE);
	const struct gl_type *t = g.type;
	if (!g.present || !t)
		return gl_rt_global_error(L, GL_RTG_SIZE_CLASS_TO_SIZE);
	if (t->kind != GL_K_ARRAY || !t->elem || t->elem->size != 2 || t->count > GL_MAX_SIZE_CLASSES)
		return gl_error_create(GL_ERR_UNSUPPORTED, "unexpected size class table type %s", t->name);
	unsigned char buf[GL_MAX_SIZE_CLASSES * 2];
	/* The table is initialised data: read it from the file, so no process
	 * is needed; fall back to memory. */
	err = gl_elf_read_vaddr(&c->t->elf, g.addr, buf, t->size);
	if (err) {
		gl_error_destroy(err);
		if ((err = gl_mem_read(c->mem, g.addr, buf, t->size)))
			return gl_error_wrap(err, "reading the size class table");
	}
	sc->n = (int)t->count;
	for (int i = 0; i < sc->n; i++)
		sc->size[i] = (uint32_t)gl_get_uint(buf + 2 * i, 2);
	sc->max_small = (uint64_t)gl_rt_const(L, GL_RTC_MAX_SMALL_SIZE);
	sc->page_size = (uint64_t)gl_rt_const(L, GL_RTC_PAGE_SIZE);
	sc->malloc_header = (uint64_t)gl_rt_const(L, GL_RTC_MALLOC_HEADER_SIZE);
	sc->min_for_header = (uint64_t)gl_rt_const(L, GL_RTC_MIN_SIZE_FOR_MALLOC_HEADER);
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
