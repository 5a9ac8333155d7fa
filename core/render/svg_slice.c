/* `golayout slice --svg`: each slice's header (array, len, cap) with an
 * arrow to its backing array; one slice's array element by element, the
 * elements [0:len) as data and [len:cap) as reserved capacity (dotted),
 * the heap slot's slack after cap; several slices' arrays with each
 * slice's [start:len:cap] window, so sharing and overlaps show. */
#include <stdio.h>

#include "doc/home_doc.h"
#include "render/svg_views.h"
#include "render/text.h"

#define COL 64

static void header(struct gl_svg *s, const struct gl_slice *sl)
{
	const struct gl_type *t = sl->v.type;
	char at[32] = "(registers)";
	if (sl->v.in_memory)
		snprintf(at, sizeof(at), "0x%llx", (unsigned long long)sl->v.addr);
	gl_svg_region(s, "slice-header", sl->v.in_memory ? sl->v.addr : 0, t->size,
		      "%s %s  " GL_SVG_A "%s" GL_SVG_R " (%s)", sl->expr, t->name, at, sl->v.where);
	for (size_t i = 0; sl->stage >= GL_SLICE_HEADER && i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		if (gl_svg_pointer_shaped(f->type))
			gl_svg_ptr_row(s, f->offset, f->type->size, sl->nil ? 0 : sl->header[i],
				       "%-5s " GL_SVG_A "0x%llx", f->name, (unsigned long long)sl->header[i]);
		else
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->type->size, "%-5s %lld", f->name,
				   (long long)sl->header[i]);
	}
	gl_svg_region_end(s);
}

static void elems(struct gl_svg *s, struct gl_ctx *c, const struct gl_slice *sl,
		  const struct gl_slice_elems *e, uint64_t first, bool beyond)
{
	struct strbuf v;
	sb_init(&v);
	for (uint64_t i = 0; i < e->count; i++) {
		if (e->bytes)
			gl_member_str(c, sl->elem, e->bytes + i * sl->es, &v);
		else
			gl_text_set(&v, "{}", 2);
		if (beyond)
			gl_svg_row(s, GL_SVG_RESERVED, (first + i) * sl->es, sl->es, GL_SVG_D "[%llu] %s  (beyond len)",
				   (unsigned long long)(first + i), gl_sb_str(&v));
		else
			gl_svg_row(s, GL_SVG_DATA, (first + i) * sl->es, sl->es, "[%llu] %s",
				   (unsigned long long)(first + i), gl_sb_str(&v));
	}
	sb_deinit(&v);
}

/* One slice's backing array, element by element. */
static void array(struct gl_svg *s, struct gl_ctx *c, const struct gl_slice *sl)
{
	uint64_t bytes = 0;
	if (!gl_slice_header_sane(sl) || !gl_slice_cap_bytes(sl, &bytes))
		return;
	char desc[128];
	gl_home_describe(&sl->home, desc, sizeof(desc));
	gl_svg_region(s, "array", sl->array, bytes ? bytes : 1, "backing array  " GL_SVG_A "0x%llx" GL_SVG_R
							       "  cap %llu x %llu B, %s",
		      (unsigned long long)sl->array, (unsigned long long)sl->cap, (unsigned long long)sl->es,
		      desc);
	elems(s, c, sl, &sl->elems, 0, false);
	if (sl->elems.count < sl->len)
		gl_svg_row(s, GL_SVG_ELIDED, sl->elems.count * sl->es, (sl->len - sl->elems.count) * sl->es,
			   "... %llu more of len %llu not drawn (--limit N, --all)",
			   (unsigned long long)(sl->len - sl->elems.count), (unsigned long long)sl->len);
	elems(s, c, sl, &sl->beyond, sl->len, true);
	uint64_t more = sl->cap - sl->len - sl->beyond.count;
	if (more)
		gl_svg_row(s, GL_SVG_RESERVED, (sl->len + sl->beyond.count) * sl->es, more * sl->es,
			   GL_SVG_D "... %llu more slots of reserved capacity", (unsigned long long)more);
	if (sl->has_alloc && sl->alloc.slack)
		gl_svg_row(s, GL_SVG_EMPTY, bytes, sl->alloc.slack,
			   GL_SVG_D "%llu bytes of the %llu-byte heap slot after cap (size class %d)",
			   (unsigned long long)sl->alloc.slack, (unsigned long long)sl->alloc.slot_bytes,
			   sl->alloc.size_class);
	gl_svg_region_end(s);
	if (sl->has_layout && sl->layout.padding_bytes)
		gl_svg_note(s, GL_SVG_P "%llu padding bytes in each %llu-byte element",
			    (unsigned long long)sl->layout.padding_bytes, (unsigned long long)sl->layout.size);
	if (sl->has_growth)
		gl_svg_note(s, "next append beyond cap: cap %llu (%llu bytes), %s",
			    (unsigned long long)sl->growth.new_cap, (unsigned long long)sl->growth.new_alloc_bytes,
			    gl_growth_rule_name(sl->growth.rule));
}

/* A backing array several slices share: each one's window. */
static void shared(struct gl_svg *s, const struct gl_slice_set *set, const struct gl_slice_array *a)
{
	uint64_t total = a->es ? (a->end - a->base) / a->es : 0;
	gl_svg_region(s, "array", a->base, a->end - a->base ? a->end - a->base : 1,
		      "backing array  " GL_SVG_A "0x%llx" GL_SVG_R "  %llu elements%s",
		      (unsigned long long)a->base, (unsigned long long)total, a->nmembers > 1 ? ", SHARED" : "");
	for (int j = 0; j < a->nmembers; j++) {
		const struct gl_slice *sl = &set->slices[a->members[j].slice];
		uint64_t st = a->members[j].start;
		gl_svg_row(s, GL_SVG_DATA, st * a->es, sl->len * a->es, "%s [%llu:%llu] len %llu", sl->expr,
			   (unsigned long long)st, (unsigned long long)(st + sl->len), (unsigned long long)sl->len);
		if (sl->cap > sl->len)
			gl_svg_row(s, GL_SVG_RESERVED, (st + sl->len) * a->es, (sl->cap - sl->len) * a->es,
				   GL_SVG_D "%s [%llu:%llu) reserved capacity", sl->expr,
				   (unsigned long long)(st + sl->len), (unsigned long long)(st + sl->cap));
	}
	gl_svg_region_end(s);
	for (int k = 0; k < a->noverlaps; k++) {
		const struct gl_slice_overlap *v = &set->overlaps[a->first_overlap + k];
		gl_svg_note(s, GL_SVG_E "overlap" GL_SVG_R ": %s[%lld:%lld] is %s[%lld:%lld] (%lld elements)",
			    set->slices[v->a].expr, (long long)v->a_lo, (long long)v->a_hi, set->slices[v->b].expr,
			    (long long)v->b_lo, (long long)v->b_hi, (long long)v->elements);
	}
}

void gl_slices_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_slice_set *set)
{
	int n = 0;
	for (int i = 0; i < set->n; i++)
		n += set->slices[i].stage != GL_SLICE_NONE;
	if (n == 1)
		gl_svg_title(s, "%s %s  [%s]", set->slices[0].expr, set->slices[0].v.type->name,
			     gl_go_version_text(c));
	else
		gl_svg_title(s, "%d slices, %d backing arrays  [%s]", n, set->narrays, gl_go_version_text(c));
	gl_svg_column(s, 48);
	for (int i = 0; i < set->n; i++) {
		const struct gl_slice *sl = &set->slices[i];
		if (sl->stage == GL_SLICE_NONE)
			continue;
		header(s, sl);
		if (sl->nil)
			gl_svg_note(s, "nil slice: no backing array");
		if (sl->error)
			gl_svg_note(s, GL_SVG_E "%s", sl->error);
	}
	gl_svg_column(s, COL);
	if (n == 1) {
		for (int i = 0; i < set->n; i++)
			if (set->slices[i].stage != GL_SLICE_NONE && !set->slices[i].nil)
				array(s, c, &set->slices[i]);
		return;
	}
	for (int g = 0; g < set->narrays; g++)
		shared(s, set, &set->arrays[g]);
}
