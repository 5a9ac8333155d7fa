/* `golayout heap` as text: one line per part (home, arena, span, object,
 * state, pointers, specials), the pointer map and --span as rows of
 * cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/home_doc.h"
#include "render/heap_text.h"
#include "render/render.h"

/* Rows of 64 cells in groups of 8, labelled by a byte offset or index. */
static void cell_rows(struct gl_ctx *c, const char *cells, uint64_t unit, bool hex, int64_t mark_at)
{
	struct strbuf *o = &c->out;
	size_t n = strlen(cells);
	for (size_t r = 0; r < n; r += 64) {
		sb_addf(o, hex ? "    +0x%-6llx " : "    %7llu  ", (unsigned long long)(r * unit));
		for (size_t i = r; i < n && i < r + 64; i++) {
			if (i > r && (i - r) % 8 == 0)
				sb_addc(o, ' ');
			if ((int64_t)i == mark_at)
				sb_addf(o, "%s%c%s", gl_c(c, "bold"), cells[i], gl_c(c, "reset"));
			else
				sb_addc(o, cells[i]);
		}
		sb_addc(o, '\n');
		if (mark_at >= (int64_t)r && mark_at < (int64_t)(r + 64)) {
			size_t col = (size_t)(mark_at - (int64_t)r);
			sb_add(o, "             ");
			for (size_t i = 0; i < col + col / 8; i++)
				sb_addc(o, ' ');
			sb_add(o, "^ this object\n");
		}
	}
}

static void span_text(struct gl_ctx *c, const struct gl_heap_view *v)
{
	struct strbuf *o = &c->out;
	const struct gl_span *s = &v->loc.span;
	sb_addf(o, "  span      mspan 0x%llx: 0x%llx-0x%llx, %llu page%s, %s", (unsigned long long)s->addr,
		(unsigned long long)s->base, (unsigned long long)v->span_end, (unsigned long long)s->npages,
		s->npages == 1 ? "" : "s", gl_span_state_name(s->kind));
	if (v->sweep != GL_SWEEP_NONE)
		sb_addf(o, ", %s", gl_sweep_name(v->sweep));
	sb_addc(o, '\n');
	if (s->kind != GL_SPAN_INUSE)
		return;
	if (s->size_class == 0)
		sb_addf(o, "            spanclass %d: large object (size class 0), %s, %llu bytes\n", s->spanclass,
			s->noscan ? "noscan" : "scan", (unsigned long long)s->elemsize);
	else
		sb_addf(o, "            spanclass %d: size class %d (%llu-byte slots), %s%s; "
			   "%llu slots, %llu allocated, freeindex %llu\n",
			s->spanclass, s->size_class, (unsigned long long)s->elemsize, s->noscan ? "noscan" : "scan",
			v->tiny ? " (tiny blocks)" : "", (unsigned long long)s->nelems,
			(unsigned long long)s->alloc_count, (unsigned long long)s->freeindex);
}

static void object_text(struct gl_ctx *c, const struct gl_heap_view *v)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "  object    #%llu  0x%llx-0x%llx  +%llu in the slot", (unsigned long long)v->obj.index,
		(unsigned long long)v->obj.base, (unsigned long long)v->obj_end,
		(unsigned long long)v->obj.offset);
	if (v->header)
		sb_add(o, ", data after the malloc header");
	sb_addc(o, '\n');
	enum gl_mark mk = v->obj.mark;
	sb_addf(o, "  state     %s%s%s (%s); %s%s%s%s (%s)\n", gl_c(c, "bold"),
		v->obj.allocated ? "allocated" : "free", gl_c(c, "reset"), gl_alloc_by_name(v->alloc_by),
		gl_c(c, "bold"), mk == GL_MARK_UNKNOWN ? "mark " : "", gl_heap_mark_name(mk), gl_c(c, "reset"),
		gl_mark_source_name(v->mark_source));
}

static void ptrmap_text(struct gl_ctx *c, const struct gl_heap_view *v)
{
	struct strbuf *o = &c->out;
	const struct gl_ptrmap *pm = &v->ptrmap;
	sb_addf(o, "  pointers  %s", gl_ptrmap_source_name(pm->source));
	if (pm->type[0])
		sb_addf(o, ", type %s", pm->type);
	/* the data after the malloc header (its size from DWARF) */
	uint64_t ts = pm->has_type_size ? pm->type_size : 0, data_bytes = v->obj_end - v->data;
	if (ts > 0 && ts < data_bytes)
		sb_addf(o, " (%llu bytes, repeated to the slot's end)", (unsigned long long)ts);
	char *map = gl_ptrmap_cells(pm);
	if (map && !v->loc.span.noscan) {
		sb_addf(o, "\n            %llu of %llu words are pointers (%sp pointer, . scalar)\n",
			(unsigned long long)pm->pointers, (unsigned long long)pm->counted,
			pm->source == GL_PTRMAP_HEADER ? "H header, " : "");
		cell_rows(c, map, 8, true, -1);
		if (pm->shown < pm->words)
			sb_addf(o, "    ... %llu of %llu words shown (--limit N, --all)\n",
				(unsigned long long)pm->shown, (unsigned long long)pm->words);
	} else if (!map) {
		char why[256];
		gl_ptrmap_why(pm, why, sizeof(why));
		sb_addf(o, ": %s\n", why);
	} else {
		sb_addc(o, '\n');
	}
	free(map);
}

static void specials_text(struct gl_ctx *c, const struct gl_specials *l)
{
	struct strbuf *o = &c->out;
	for (size_t i = 0; i < l->n; i++) {
		const struct gl_special *x = &l->v[i];
		sb_addf(o, "  %s %s", i ? "         " : "specials ", x->name);
		if (x->has_funcval)
			sb_addf(o, " %s", x->function);
		if (x->arg_type[0])
			sb_addf(o, " (arg %s)", x->arg_type);
		if (x->has_id)
			sb_addf(o, " id %lld", (long long)x->id);
		if (x->has_points_to)
			sb_addf(o, " handle 0x%llx -> 0x%llx", (unsigned long long)x->handle,
				(unsigned long long)x->points_to);
		if (x->has_bucket)
			sb_addf(o, " bucket 0x%llx", (unsigned long long)x->bucket);
		if (x->offset)
			sb_addf(o, " at +%lld", (long long)x->offset);
		sb_addf(o, "  %s(special at 0x%llx)%s\n", gl_c(c, "dim"), (unsigned long long)x->addr,
			gl_c(c, "reset"));
	}
	if (!l->n)
		sb_add(o, "  specials  none\n");
}

/* "allocated at" and the stack, or why there is none, one line. */
static void site_text(struct gl_ctx *c, const struct gl_heap_view *v)
{
	struct strbuf *o = &c->out;
	const struct gl_alloc_site *st = v->site;
	if (!st) {
		if (v->site_err) {
			sb_addf(o, "  alloc     site unknown: %s\n", v->site_err->message);
			return;
		}
		sb_add(o, "  alloc     not sampled by the memory profiler");
		if (v->has_rate)
			sb_addf(o, " (runtime.MemProfileRate = %lld%s)", (long long)v->mem_profile_rate,
				v->mem_profile_rate == 0 && v->has_disabled && v->mem_profile_disabled
					? ": off, nothing in the program reads the profile"
				: v->tiny && v->addr != v->obj.base
					? "; in a tiny block only the allocation that starts the block is sampled"
					: "");
		sb_addc(o, '\n');
		return;
	}
	if (st->err) {
		sb_addf(o, "  alloc     %s\n", st->err->message);
		return;
	}
	sb_addf(o, "  allocated at  %s(bucket 0x%llx, %llu B", gl_c(c, "dim"), (unsigned long long)st->bucket,
		(unsigned long long)st->size);
	if (st->has_counts)
		sb_addf(o, ", %llu allocs, %llu frees as of the last GC", (unsigned long long)st->allocs,
			(unsigned long long)st->frees);
	sb_addf(o, ")%s\n", gl_c(c, "reset"));
	for (size_t i = 0; i < st->nframes; i++) {
		const struct gl_alloc_frame *f = &st->frames[i];
		const char *file = f->file ? f->file : "?", *slash = strrchr(file, '/');
		sb_addf(o, "    %s%s%s  %s:%lld%s\n", gl_c(c, "bold"), f->function, gl_c(c, "reset"),
			slash ? slash + 1 : file, (long long)f->line, f->inlined ? " (inlined)" : "");
	}
}

void gl_heap_text(struct gl_ctx *c, const struct gl_heap_subject *sub, const struct gl_home *home,
		  const struct gl_heap_view *v)
{
	struct strbuf *o = &c->out;
	char addr[32], desc[128];
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)v->addr);
	sb_addf(o, "%s%s%s", gl_c(c, "addr"), addr, gl_c(c, "reset"));
	if (strcmp(sub->expr, addr)) {
		sb_addf(o, " (%s", sub->expr);
		if (sub->type)
			sb_addf(o, " %s%s%s", gl_c(c, "type"), sub->type, gl_c(c, "reset"));
		sb_addc(o, ')');
	}
	gl_home_describe(home, desc, sizeof(desc));
	sb_addf(o, "  [%s]\n  home      %s\n", c->t ? c->t->go_version : "", desc);
	if (!v->loc.in_arena) {
		if (v->have_heap)
			sb_add(o, "  not in the Go heap's arenas\n");
		return;
	}
	sb_addf(o, "  arena     %llu at 0x%llx, heapArena 0x%llx, page %llu\n",
		(unsigned long long)v->loc.arena_index, (unsigned long long)v->loc.arena_base,
		(unsigned long long)v->loc.heap_arena, (unsigned long long)v->loc.page);
	if (v->place >= GL_PLACE_IDLE_SPAN)
		span_text(c, v);
	const char *note = gl_heap_place_note(v);
	if (note)
		sb_addf(o, "  %s\n", note);
	if (v->place != GL_PLACE_OBJECT)
		return;
	object_text(c, v);
	if (v->has_ptrmap)
		ptrmap_text(c, v);
	specials_text(c, &v->specials);
	site_text(c, v);
	if (v->has_slots) {
		char *cells = gl_span_slot_cells(&v->slots);
		sb_addf(o, "  span objects (%s):\n", gl_span_slots_legend(&v->slots));
		cell_rows(c, cells ? cells : "", 1, false, (int64_t)v->obj.index);
		free(cells);
	}
}
