/* Names the heap's records point at: the function of a *funcval (a
 * finalizer's, a cleanup's) and the name of a runtime type descriptor (a
 * malloc header's, span.largeType). */
#include <stdio.h>
#include <string.h>

#include "runtime/heap.h"

void gl_heap_funcval_name(struct gl_heap *h, uint64_t funcval, char *buf, size_t len)
{
	uint64_t pc;
	struct gl_pcfunc f;
	buf[0] = '\0';
	struct gl_error *err = funcval ? gl_heap_read_word(h, funcval, &pc) : NULL;
	if (!funcval || err) {
		gl_error_destroy(err);
		return;
	}
	if (h->c->t->has_pcln && gl_pclntab_func(&h->c->t->pcln, pc, &f))
		snprintf(buf, len, "%s", f.name);
	else {
		const struct gl_func *df = gl_dwarf_func_at(h->c->t->dw, pc);
		if (df && df->name)
			snprintf(buf, len, "%s", df->name);
	}
}

void gl_heap_type_name(struct gl_heap *h, uint64_t tp, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!tp || !h->types_base || tp < h->types_base || !h->t_total || h->t_total > 256)
		return;
	struct gl_type *dt = gl_dwarf_type_by_runtime_offset(h->c->t->dw, tp - h->types_base);
	if (dt && dt->name) {
		snprintf(buf, len, "%s", dt->name);
		return;
	}
	/* The descriptor's own name: Str is a nameOff from the types base;
	 * the name is a flags byte, a varint length and the bytes. */
	unsigned char b[256], hdr[8];
	struct gl_rt_field str = gl_rt_field(h->L, GL_RTF_ABI_TYPE_STR);
	if (!str.present)
		return;
	struct gl_error *err = gl_mem_read(h->c->mem, tp, b, h->t_total);
	if (err) {
		gl_error_destroy(err);
		return;
	}
	int32_t off = (int32_t)gl_get_uint(b + str.off, 4); /* nameOff: int32 */
	uint64_t at = h->types_base + (uint64_t)(int64_t)off;
	if ((err = gl_mem_read(h->c->mem, at, hdr, sizeof(hdr)))) {
		gl_error_destroy(err);
		return;
	}
	uint64_t n = 0, pos = 1;
	for (int shift = 0; pos < sizeof(hdr) && shift < 28; shift += 7) {
		n |= (uint64_t)(hdr[pos] & 0x7f) << shift;
		if (!(hdr[pos++] & 0x80))
			break;
	}
	if (n == 0 || n >= len || n > 255)
		return;
	if ((err = gl_mem_read(h->c->mem, at + pos, buf, n))) {
		gl_error_destroy(err);
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	uint64_t tflag = gl_rt_get(h->L, GL_RTF_ABI_TYPE_TFLAG, b);
	if ((tflag & (uint64_t)gl_heap_const(h, GL_RTC_TFLAG_EXTRA_STAR)) && buf[0] == '*')
		memmove(buf, buf + 1, n);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
}
