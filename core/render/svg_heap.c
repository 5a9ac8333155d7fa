/* `golayout heap --svg`: the span as a region (its slots, the object's
 * highlighted; with --span every slot as a square of a grid, marked,
 * unmarked, allocated and free drawn apart), the object as a
 * region with its pointer map word by word (pointer words with the
 * pointer fill, the malloc header as a header row), and each special
 * (finalizer, cleanup, weak handle) as a region with an arrow to the
 * object. The GC phase and what the mark bits mean head the picture. */
#include <stdio.h>

#include "doc/heap_doc.h"
#include "doc/home_doc.h"
#include "render/svg_views.h"
#include "render/text.h"

/* The states of --span's slots (enum gl_heap_slot_state), as cells. */
static const struct gl_svg_cell_kind slot_kinds[] = {
	[GL_HSLOT_FREE] = {GL_SVG_FREE, "free", "free"},
	[GL_HSLOT_ALLOCATED] = {GL_SVG_ALLOCATED, "allocated", "allocated, mark unknown"},
	[GL_HSLOT_MARKED] = {GL_SVG_MARKED, "marked", "allocated, marked"},
	[GL_HSLOT_UNMARKED] = {GL_SVG_UNMARKED, "unmarked", "allocated, unmarked"},
	[GL_HSLOT_FREE_MARKED] = {GL_SVG_FREE_MARKED, "free-marked", "free (mark bit set)"},
};

static const char *slot_text(uint8_t st)
{
	return st < sizeof(slot_kinds) / sizeof(slot_kinds[0]) ? slot_kinds[st].text : "state unknown";
}

static enum gl_svg_fill object_fill(const struct gl_heap_view *v)
{
	if (!v->obj.allocated)
		return GL_SVG_FREE;
	return v->obj.mark == GL_MARK_MARKED ? GL_SVG_MARKED
	       : v->obj.mark == GL_MARK_UNMARKED ? GL_SVG_UNMARKED
						 : GL_SVG_ALLOCATED;
}

static void span(struct gl_svg *s, const struct gl_heap_view *v)
{
	const struct gl_span *sp = &v->loc.span;
	gl_svg_region(s, "span", sp->base, v->span_end - sp->base,
		      "span  " GL_SVG_A "0x%llx" GL_SVG_R "  %llu page%s, %s%s%s", (unsigned long long)sp->base,
		      (unsigned long long)sp->npages, sp->npages == 1 ? "" : "s", gl_span_state_name(sp->kind),
		      v->sweep != GL_SWEEP_NONE ? ", " : "", v->sweep != GL_SWEEP_NONE ? gl_sweep_name(v->sweep) : "");
	if (sp->kind == GL_SPAN_INUSE)
		gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 8, "size class %d (%llu-byte slots), %s; %llu allocated of %llu",
			   sp->size_class, (unsigned long long)sp->elemsize, sp->noscan ? "noscan" : "scan",
			   (unsigned long long)sp->alloc_count, (unsigned long long)sp->nelems);
	if (v->has_slots) {
		const struct gl_span_slots *sl = &v->slots;
		gl_svg_slot_grid(s, sl->state, sl->n, slot_kinds, sizeof(slot_kinds) / sizeof(slot_kinds[0]),
				 sp->elemsize, v->place == GL_PLACE_OBJECT ? v->obj.index : sl->n);
	} else if (v->place == GL_PLACE_OBJECT) {
		uint64_t idx = v->obj.index, es = sp->elemsize;
		if (idx)
			gl_svg_row(s, GL_SVG_ELIDED, 0, idx * es, "slots 0-%llu (--span draws them)",
				   (unsigned long long)(idx - 1));
		gl_svg_row(s, object_fill(v), idx * es, es, GL_SVG_B "slot %llu: this object", (unsigned long long)idx);
		if (idx + 1 < sp->nelems)
			gl_svg_row(s, GL_SVG_ELIDED, (idx + 1) * es, (sp->nelems - idx - 1) * es,
				   "slots %llu-%llu (--span draws them)", (unsigned long long)(idx + 1),
				   (unsigned long long)(sp->nelems - 1));
	}
	gl_svg_region_end(s);
	if (!v->has_slots)
		return;
	if (v->place == GL_PLACE_OBJECT && v->obj.index < v->slots.n)
		gl_svg_note(s, GL_SVG_B "slot %llu" GL_SVG_R " (outlined): this object, %s", (unsigned long long)v->obj.index,
			    slot_text(v->slots.state[v->obj.index]));
	if (v->slots.mark_known)
		gl_svg_note(s, "%llu slots: %llu allocated, %llu marked", (unsigned long long)v->slots.n,
			    (unsigned long long)v->slots.allocated, (unsigned long long)v->slots.marked);
	else
		gl_svg_note(s, "%llu slots: %llu allocated (no cycle running: marks unknown)",
			    (unsigned long long)v->slots.n, (unsigned long long)v->slots.allocated);
	gl_svg_legend_note(s, "span slots: a square per slot, row by row from slot 0 (the row's first index at "
			      "its left), as the text's cells; the object's slot outlined");
}

/* The pointer map: runs of pointer or scalar words of w bytes. */
static void words(struct gl_svg *s, const struct gl_heap_view *v, uint64_t w)
{
	const struct gl_ptrmap *pm = &v->ptrmap;
	uint64_t off0 = v->obj.base;
	for (uint64_t i = 0; i < pm->shown;) {
		bool hdr = i == 0 && pm->header_word;
		bool p = gl_ptrmap_is_pointer(pm, i);
		uint64_t j = i;
		while (!hdr && j + 1 < pm->shown && gl_ptrmap_is_pointer(pm, j + 1) == p)
			j++;
		uint64_t off = v->data - off0 + i * w;
		if (hdr)
			gl_svg_row(s, GL_SVG_HEADER, 0, w, "malloc header (type " GL_SVG_A "0x%llx" GL_SVG_R ")",
				   (unsigned long long)pm->header);
		else if (j > i)
			gl_svg_row(s, p ? GL_SVG_POINTER : GL_SVG_DATA, off, (j - i + 1) * w, "words %llu-%llu: %s",
				   (unsigned long long)i, (unsigned long long)j, p ? "pointers" : "scalars");
		else
			gl_svg_row(s, p ? GL_SVG_POINTER : GL_SVG_DATA, off, w, "word %llu: %s",
				   (unsigned long long)i, p ? "pointer" : "scalar");
		i = j + 1;
	}
	if (pm->shown < pm->words)
		gl_svg_row(s, GL_SVG_ELIDED, v->data - off0 + pm->shown * w, (pm->words - pm->shown) * w,
			   "... %llu of %llu words drawn (--limit N, --all)", (unsigned long long)pm->shown,
			   (unsigned long long)pm->words);
}

static void object(struct gl_svg *s, const struct gl_heap_view *v, uint64_t w)
{
	const char *mark = v->obj.mark == GL_MARK_MARKED ? "marked"
			   : v->obj.mark == GL_MARK_UNMARKED ? "not marked"
							     : "mark unknown";
	gl_svg_region(s, "object", v->obj.base, v->obj_end - v->obj.base,
		      "object #%llu  " GL_SVG_A "0x%llx" GL_SVG_R "  %s, %s", (unsigned long long)v->obj.index,
		      (unsigned long long)v->obj.base, v->obj.allocated ? "allocated" : "free", mark);
	gl_svg_row(s, object_fill(v), GL_SVG_NOOFF, 8, "%s (%s); %s (%s)", v->obj.allocated ? "allocated" : "free",
		   gl_alloc_by_name(v->alloc_by), mark, gl_mark_source_name(v->mark_source));
	const struct gl_ptrmap *pm = &v->ptrmap;
	if (v->has_ptrmap && pm->bits && !v->loc.span.noscan) {
		words(s, v, w);
	} else if (v->has_ptrmap) {
		char why[256];
		gl_ptrmap_why(pm, why, sizeof(why));
		gl_svg_row(s, GL_SVG_DATA, v->data - v->obj.base, v->obj_end - v->data, "%s: %s",
			   gl_ptrmap_source_name(pm->source), why);
	}
	gl_svg_region_end(s);
	if (pm->type[0])
		gl_svg_note(s, "type " GL_SVG_T "%s" GL_SVG_R " (%s)", pm->type, gl_ptrmap_source_name(pm->source));
}

static void specials(struct gl_svg *s, const struct gl_heap_view *v)
{
	for (size_t i = 0; i < v->specials.n; i++) {
		const struct gl_special *x = &v->specials.v[i];
		gl_svg_region(s, "special", x->addr, 0, "special %s  " GL_SVG_A "0x%llx", x->name,
			      (unsigned long long)x->addr);
		if (x->has_funcval)
			gl_svg_row(s, GL_SVG_SPECIAL, GL_SVG_NOOFF, 8, "%s %s%s%s%s", x->name, x->function,
				   x->arg_type[0] ? " (arg " : "", x->arg_type, x->arg_type[0] ? ")" : "");
		if (x->has_id)
			gl_svg_row(s, GL_SVG_SPECIAL, GL_SVG_NOOFF, 8, "cleanup id %lld", (long long)x->id);
		if (x->has_points_to)
			gl_svg_row(s, GL_SVG_SPECIAL, GL_SVG_NOOFF, 8, "handle 0x%llx -> 0x%llx",
				   (unsigned long long)x->handle, (unsigned long long)x->points_to);
		gl_svg_row(s, GL_SVG_SPECIAL, GL_SVG_NOOFF, 8, "for the object at +%lld", (long long)x->offset);
		gl_svg_arrow_from_row(s, v->obj.base + x->offset);
		gl_svg_region_end(s);
	}
}

void gl_heap_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_heap_cmd_view *h)
{
	const struct gl_heap_view *v = &h->hv;
	char desc[128];
	gl_home_describe(&h->home, desc, sizeof(desc));
	gl_svg_title(s, "0x%llx (%s%s%s)  [%s]", (unsigned long long)v->addr, h->sub.expr, h->sub.type ? " " : "",
		     h->sub.type ? h->sub.type : "", gl_go_version_text(c));
	gl_svg_title(s, "home: %s", desc);
	if (v->have_heap)
		gl_svg_title(s, "GC phase %s%s, %s collector", gl_gc_phase_name(v->phase),
			     v->phase == GL_GC_MARK ? " (marking: the write barrier is on)" : "",
			     v->greentea ? "Green Tea" : "classic");
	if (!v->loc.in_arena) {
		gl_svg_title(s, "not in the Go heap's arenas");
		return;
	}
	gl_svg_title(s, "arena %llu at 0x%llx, page %llu", (unsigned long long)v->loc.arena_index,
		     (unsigned long long)v->loc.arena_base, (unsigned long long)v->loc.page);
	const char *note = gl_heap_place_note(v);
	if (note)
		gl_svg_title(s, "%s", note);
	if (v->place < GL_PLACE_IDLE_SPAN)
		return;
	/* the slot grid: 32 squares a row */
	gl_svg_column(s, v->has_slots ? 64 : 56);
	span(s, v);
	if (v->place != GL_PLACE_OBJECT)
		return;
	gl_svg_column(s, 60);
	object(s, v, c->t ? c->t->ptr_size : 8);
	if (v->specials.n) {
		gl_svg_column(s, 56);
		specials(s, v);
	}
}
