/* `golayout gc --svg`: the collector's state (phase, write barrier,
 * cycles, GOGC, goal) at the top, the size-class table as a region with a
 * row per class (its fragmentation in the text), and
 * the heat map: a region per arena, one cell per 1/64 of it, darker the
 * fuller; --limit N arenas, the rest elided. */
#include "doc/gc_doc.h"
#include "render/gc_text.h"
#include "render/svg_views.h"
#include "render/text.h"

static void classes(struct gl_svg *s, const struct gl_gc_state *st)
{
	gl_svg_region(s, "classes", 0, 0, "size classes: spans, objects/slots, bytes used/in spans, frag");
	for (int i = 0; i < st->nclasses; i++) {
		const struct gl_gc_class *r = &st->classes[i];
		double frag = gl_gc_class_fragmentation(r);
		enum gl_svg_fill f = GL_SVG_DATA;
		if (r->size_class)
			gl_svg_row(s, f, GL_SVG_NOOFF, 8, "class %2d %6lld B  %4lld spans  %6lld/%-6lld  %lld/%lld  %.1f%%",
				   r->size_class, (long long)r->size, (long long)r->spans, (long long)r->objects,
				   (long long)r->slots, (long long)r->bytes_used, (long long)r->bytes_spans, frag);
		else
			gl_svg_row(s, f, GL_SVG_NOOFF, 8, "large           %4lld spans  %6lld objects  %lld/%lld  %.1f%%",
				   (long long)r->spans, (long long)r->objects, (long long)r->bytes_used,
				   (long long)r->bytes_spans, frag);
	}
	gl_svg_region_end(s);
}

static void heat(struct gl_svg *s, const struct gl_gc_state *st, uint64_t limit)
{
	size_t n = st->narenas, lim = limit < n ? (size_t)limit : n;
	for (size_t i = 0; i < lim; i++) {
		const struct gl_gc_arena *a = &st->arenas[i];
		gl_svg_region(s, "arena", a->base, st->arena_bytes, "arena %llu  " GL_SVG_A "0x%llx",
			      (unsigned long long)a->index, (unsigned long long)a->base);
		uint8_t shade[GL_GC_CELLS];
		for (size_t k = 0; k < GL_GC_CELLS; k++)
			shade[k] = a->heat[k] == GL_HEAT_MANUAL ? GL_SVG_HEAT_MANUAL
				   : a->heat[k] == GL_HEAT_NONE ? GL_SVG_HEAT_NONE
								 : a->heat[k];
		gl_svg_heat_row(s, shade, GL_GC_CELLS);
		gl_svg_region_end(s);
	}
	if (n > lim)
		gl_svg_elision(s, "%zu of %zu arenas drawn (--limit N, --all)", lim, n);
}

void gl_gc_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_gc_state *st, uint64_t limit)
{
	struct strbuf saved;
	gl_svg_capture_begin(c, &saved);
	gl_gc_head_text(c, st);
	gl_svg_capture_end(s, c, &saved);
	if (st->nclasses) {
		gl_svg_column(s, 74);
		classes(s, st);
	}
	if (st->narenas) {
		gl_svg_column(s, 70);
		gl_svg_note(s, "heap map: one cell per 1/%d of an arena", GL_GC_CELLS);
		heat(s, st, limit);
		gl_svg_legend_note(s, "heat map cells: darker = more of the cell in allocated slots "
				      "(tenths); cross-hatched: manual spans (stacks); dotted: no span");
	}
	if (st->phase == GL_GC_MARK || st->phase == GL_GC_MARKTERM)
		gl_svg_legend_note(s, "a collection is marking: the write barrier shades pointers written now");
}
