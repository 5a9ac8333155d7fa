/* `golayout gc` as text: the collector's state in three lines, the spans,
 * a table per size class, and the heap map (--limit N arenas, --all). */
#include <stdio.h>
#include <string.h>

#include "doc/gc_doc.h"
#include "render/gc_text.h"
#include "render/render.h"

/* 123 B, 4.5 KiB, ...; "?" when unknown. */
static void bytes_text(struct strbuf *o, struct gl_gc_num n)
{
	if (!n.ok) {
		sb_add(o, "?");
		return;
	}
	double b = (double)n.v;
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	if (i == 0)
		sb_addf(o, "%lld B", (long long)n.v);
	else
		sb_addf(o, "%.1f %s", b, u[i]);
}

static void bytes_u(struct strbuf *o, uint64_t v)
{
	bytes_text(o, (struct gl_gc_num){true, (int64_t)v});
}

/* A counter as documents read back: 0 when unknown. */
static long long cnt(const struct gl_gc_state *st, enum gl_gc_counter k)
{
	return st->n[k].ok ? (long long)st->n[k].v : 0;
}

/* A counter, "?" when unknown. */
static void count_text(struct strbuf *o, const struct gl_gc_state *st, enum gl_gc_counter k)
{
	if (st->n[k].ok)
		sb_addf(o, "%lld", (long long)st->n[k].v);
	else
		sb_addc(o, '?');
}

static void head_text(struct gl_ctx *c, const struct gl_gc_state *st)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "%sGC%s  phase %s, write barrier %s, %s collector  [%s]\n", gl_c(c, "bold"),
		gl_c(c, "reset"), st->phase != GL_GC_UNKNOWN ? gl_gc_phase_name(st->phase) : "?",
		st->write_barrier.ok ? (st->write_barrier.v ? "on" : "off") : "?",
		st->greentea ? "Green Tea" : "classic", c->t ? c->t->go_version : "");
	sb_add(o, "  cycles ");
	count_text(o, st, GL_GC_CYCLES);
	sb_add(o, " (work.cycles), memstats.numgc ");
	count_text(o, st, GL_GC_NUMGC);
	sb_add(o, ", sweepgen ");
	count_text(o, st, GL_GC_SWEEPGEN);
	sb_addc(o, '\n');
	if (!st->n[GL_GC_GOGC].ok)
		sb_add(o, "  GOGC ?");
	else if (cnt(st, GL_GC_GOGC) < 0)
		sb_add(o, "  GOGC off");
	else
		sb_addf(o, "  GOGC %lld", cnt(st, GL_GC_GOGC));
	sb_add(o, ", memory limit ");
	if (st->memory_limit_set)
		bytes_text(o, st->n[GL_GC_MEMORY_LIMIT]);
	else
		sb_add(o, st->n[GL_GC_MEMORY_LIMIT].ok ? "none" : "?");
	sb_add(o, "\n  heap goal ");
	if (st->goal == GL_GOAL_GOGC)
		bytes_u(o, st->heap_goal);
	else
		sb_add(o, st->goal == GL_GOAL_UNKNOWN ? "?" : "none");
	sb_add(o, ", live ");
	bytes_text(o, st->n[GL_GC_HEAP_LIVE]);
	sb_add(o, ", marked last cycle ");
	bytes_text(o, st->n[GL_GC_HEAP_MARKED]);
	sb_add(o, ", in spans ");
	bytes_text(o, st->n[GL_GC_HEAP_IN_USE]);
	sb_addc(o, '\n');
	/* what could not be found, once: its figures show as "?" */
	for (int i = 0; i < st->nmissing; i++) {
		/* globals of the same reason on one line */
		if (i && !strcmp(st->missing[i].why, st->missing[i - 1].why))
			continue;
		sb_addf(o, "  unknown: %s", st->missing[i].global);
		for (int j = i + 1; j < st->nmissing && !strcmp(st->missing[j].why, st->missing[i].why); j++)
			sb_addf(o, ", %s", st->missing[j].global);
		sb_addf(o, " (%s)\n", st->missing[i].why);
	}
	if (st->mem_profile_rate.ok) {
		sb_addf(o, "  memory profile: MemProfileRate %lld", (long long)st->mem_profile_rate.v);
		if (st->have_mbuckets)
			sb_addf(o, ", profile buckets %s%llu (one per allocation stack and size)",
				st->mbuckets_more ? "over " : "", (unsigned long long)st->mbuckets);
		sb_addc(o, '\n');
	}
}

static void spans_text(struct gl_ctx *c, const struct gl_gc_spans *sp)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "  spans %lld: %lld in use (", (long long)sp->allspans, (long long)sp->in_use);
	bytes_u(o, sp->in_use_bytes);
	sb_addf(o, "; %lld objects, ", (long long)sp->objects);
	bytes_u(o, sp->object_bytes);
	sb_addf(o, "), %lld manual (", (long long)sp->manual);
	bytes_u(o, sp->manual_bytes);
	sb_addf(o, "), %lld dead\n", (long long)sp->dead);
	if (sp->unreadable || sp->inconsistent)
		sb_addf(o, "  %lld spans unreadable, %lld inconsistent (skipped)\n", (long long)sp->unreadable,
			(long long)sp->inconsistent);
}

static void classes_text(struct gl_ctx *c, const struct gl_gc_state *st)
{
	struct strbuf *o = &c->out;
	if (!st->nclasses)
		return;
	sb_addf(o, "%s  class   size  spans   pages     objects /   slots    bytes used   span bytes   frag%s\n",
		gl_c(c, "dim"), gl_c(c, "reset"));
	for (int i = 0; i < st->nclasses; i++) {
		const struct gl_gc_class *r = &st->classes[i];
		if (r->size_class)
			sb_addf(o, "  %5d %6lld", r->size_class, (long long)r->size);
		else
			sb_add(o, "  large       ");
		sb_addf(o, " %6lld %7lld %11lld / %7lld %13lld %12lld %5.1f%%\n", (long long)r->spans,
			(long long)r->pages, (long long)r->objects, (long long)r->slots, (long long)r->bytes_used,
			(long long)r->bytes_spans, gl_gc_class_fragmentation(r));
	}
}

static void heat_text(struct gl_ctx *c, const struct gl_gc_state *st, uint64_t limit)
{
	struct strbuf *o = &c->out;
	size_t n = st->narenas, lim = limit < n ? (size_t)limit : n;
	if (!n)
		return;
	sb_add(o, "heap map: one row per arena (");
	bytes_u(o, st->arena_bytes);
	sb_add(o, "), one cell per ");
	bytes_u(o, st->cell_bytes);
	sb_addf(o, "\n  legend: %s\n", gl_gc_heat_legend);
	for (size_t i = 0; i < n && i < lim; i++) {
		char line[GL_GC_CELLS + 1], base[32];
		gl_gc_heat_cells(&st->arenas[i], line);
		snprintf(base, sizeof(base), "0x%llx", (unsigned long long)st->arenas[i].base);
		sb_addf(o, "  %-16s |%s|\n", base, line);
	}
	if (n > lim)
		sb_addf(o, "  ... %zu of %zu arenas shown (--limit N, --all)\n", lim, n);
}

/* Nothing when the heap could not be set up: the head would be all "?"
 * but for a collector kind that was never read (the error says why). */
void gl_gc_head_text(struct gl_ctx *c, const struct gl_gc_state *st)
{
	if (!st->have_heap)
		return;
	head_text(c, st);
	if (st->have_spans)
		spans_text(c, &st->spans);
}

/* As the document: nothing past the head when the heap's layout could not
 * be read, "?" for each figure not found after it was. */
void gl_gc_text(struct gl_ctx *c, const struct gl_gc_state *st, uint64_t limit)
{
	if (!st->have_heap)
		return;
	gl_gc_head_text(c, st);
	classes_text(c, st);
	heat_text(c, st, limit);
}
