/* The heap graph's answers in pahole's dense style: one line per hop or
 * row, addresses, sizes, then a line on what the graph holds. */
#include <stdio.h>

#include "render/heapgraph_text.h"
#include "render/render.h"

static void bytes(struct strbuf *o, uint64_t v)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double b = (double)v;
	int i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	if (i == 0)
		sb_addf(o, "%llu B", (unsigned long long)v);
	else
		sb_addf(o, "%.1f %s", b, u[i]);
}

static void obj(struct gl_ctx *c, const struct gl_hg_obj *x)
{
	sb_addf(&c->out, "0x%llx  %llu B", (unsigned long long)x->data, (unsigned long long)x->size);
	if (x->type[0]) {
		sb_add(&c->out, "  ");
		gl_clip(c, x->type, 60);
		if (x->inferred)
			sb_add(&c->out, " (inferred)");
	}
}

static void graph(struct gl_ctx *c, const struct gl_hg_summary *s, double seconds)
{
	struct strbuf *o = &c->out;
	const struct gl_hg_counts *n = &s->n;
	sb_addf(o, "%s/* graph: %llu objects (", gl_c(c, "dim"), (unsigned long long)n->objects);
	bytes(o, n->bytes);
	sb_addf(o, ") in %llu spans, %llu roots, %llu edges", (unsigned long long)n->spans, (unsigned long long)s->roots,
		(unsigned long long)n->edges);
	if (s->have_reachable) {
		sb_addf(o, "; reachable %llu objects (", (unsigned long long)s->reachable_objects);
		bytes(o, s->reachable_bytes);
		sb_add(o, ")");
	}
	sb_addf(o, "; %.2f s */%s\n", seconds, gl_c(c, "reset"));
	sb_addf(o, "%s/* not followed: %llu pointers to free slots, %llu outside the heap; %llu objects unscanned, "
		   "%llu spans unreadable, %llu without pointer maps */%s\n",
		gl_c(c, "dim"), (unsigned long long)n->to_free_slot, (unsigned long long)n->outside_heap,
		(unsigned long long)n->objects_unscanned, (unsigned long long)n->spans_unreadable,
		(unsigned long long)n->spans_no_ptrmap, gl_c(c, "reset"));
	if (s->globals_error[0])
		sb_addf(o, "/* no global roots: %s */\n", s->globals_error);
	if (!n->stacks)
		sb_addf(o, "/* no goroutine stack roots%s%s */\n", s->stack_error[0] ? ": " : "", s->stack_error);
}

static void why(struct gl_ctx *c, const struct gl_hg_view *v)
{
	const struct gl_hg_why *w = &v->why;
	struct strbuf *o = &c->out;
	sb_addf(o, "%swhy is %s alive%s  ", gl_c(c, "bold"), v->sub.expr ? v->sub.expr : "it", gl_c(c, "reset"));
	obj(c, &w->obj);
	sb_add(o, "\n");
	if (!w->reachable) {
		sb_add(o, "  unreachable: no root reaches it (garbage the next cycle frees)\n");
	} else {
		sb_addf(o, "  root  %s (%s)\n", w->root, w->root_kind);
		for (size_t i = 0; i < w->nhops; i++) {
			sb_addf(o, "  %2zu  ", i + 1);
			gl_clip(c, w->hops[i].via, 60);
			gl_pad(c, 50);
			sb_add(o, "-> ");
			obj(c, &w->hops[i].to);
			sb_add(o, "\n");
		}
		if (w->roots_reaching >= 0)
			sb_addf(o, "  reached from %lld root%s (every root with a path to it, walked backwards)\n",
				(long long)w->roots_reaching, w->roots_reaching == 1 ? "" : "s");
	}
	graph(c, &w->sum, v->seconds);
}

static void retains(struct gl_ctx *c, const struct gl_hg_view *v)
{
	const struct gl_hg_retains *r = &v->retains;
	struct strbuf *o = &c->out;
	sb_addf(o, "%swhat %s retains%s  ", gl_c(c, "bold"), v->sub.expr ? v->sub.expr : "it", gl_c(c, "reset"));
	obj(c, &r->obj);
	sb_add(o, "\n");
	if (!r->reachable) {
		sb_add(o, "  unreachable: no root reaches it\n");
	} else {
		sb_add(o, "  retained ");
		bytes(o, r->retained);
		sb_addf(o, " (%llu B) in %llu objects: reachable only through it\n", (unsigned long long)r->retained,
			(unsigned long long)r->objects);
		sb_addf(o, "  immediate dominator  %s\n", r->dominator);
		sb_addf(o, "  dominated children   %llu, largest:\n", (unsigned long long)r->total_children);
		for (size_t i = 0; i < r->nchildren; i++) {
			sb_add(o, "    ");
			obj(c, &r->children[i].obj);
			gl_pad(c, 60);
			sb_add(o, "retains ");
			bytes(o, r->children[i].retained);
			sb_addf(o, " in %llu objects\n", (unsigned long long)r->children[i].objects);
		}
	}
	graph(c, &r->sum, v->seconds);
}

static void top(struct gl_ctx *c, const struct gl_hg_view *v)
{
	const struct gl_hg_top *t = &v->top;
	struct strbuf *o = &c->out;
	static const char *const by[] = {[GL_HG_BY_ROOT] = "roots", [GL_HG_BY_TYPE] = "types",
					 [GL_HG_BY_SITE] = "allocation sites"};
	sb_addf(o, "%s%s retaining the most%s (dominator tree: bytes reachable only through each)\n",
		gl_c(c, "bold"), by[t->by], gl_c(c, "reset"));
	if (t->by == GL_HG_BY_SITE && t->has_rate)
		sb_addf(o, "  runtime.MemProfileRate = %lld (%s)\n", (long long)t->mem_profile_rate,
			t->mem_profile_rate == 1 ? "every object sampled"
			: t->mem_profile_rate == 0 ? "profiling off: nothing sampled"
						   : "one allocation per that many bytes sampled");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct gl_hg_top_row *r = &t->rows[i];
		sb_addf(o, "  %12llu B  %8llu obj  ", (unsigned long long)r->retained, (unsigned long long)r->objects);
		if (t->by != GL_HG_BY_ROOT)
			sb_addf(o, "(%llu of it, %llu B own)  ", (unsigned long long)r->count, (unsigned long long)r->bytes);
		gl_clip(c, r->name, 80);
		if (r->inferred)
			sb_add(o, " (inferred)");
		sb_add(o, "\n");
	}
	if (t->total_rows > t->nrows)
		sb_addf(o, "  ... %zu more (--limit N, --all)\n", t->total_rows - t->nrows);
	sb_addf(o, "  shared by several roots: %llu B in %llu objects; unreachable (not yet freed): %llu B in %llu objects\n",
		(unsigned long long)t->shared_bytes, (unsigned long long)t->shared_objects,
		(unsigned long long)t->unreachable_bytes, (unsigned long long)t->unreachable_objects);
	graph(c, &t->sum, v->seconds);
}

void gl_heapgraph_text(struct gl_ctx *c, const struct gl_hg_view *v)
{
	if (v->mode == GL_HG_WHY)
		why(c, v);
	else if (v->mode == GL_HG_RETAINS)
		retains(c, v);
	else
		top(c, v);
}
