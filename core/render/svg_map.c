/* `golayout map --svg`: the header, then (classic) the buckets with their
 * overflow chains and the old buckets with their evacuation state, or
 * (swiss) the directory, the tables and their groups with control bytes
 * and slots; pointer fields as arrows; the summary at the top. The same
 * buckets and groups as the text (--limit, --all, --bucket, --group). */
#include <string.h>

#include "base/le.h"
#include "doc/map_doc.h"
#include "render/map_text.h"
#include "render/svg.h"
#include "render/svg_views.h"
#include "render/text.h"

#define COL_HEADER 58
#define COL_SLOTS 64

static bool is_pointer(const struct gl_type *t)
{
	return t && (t->kind == GL_K_POINTER || t->kind == GL_K_UNSAFEPOINTER);
}

static void header(struct gl_svg *s, const struct gl_map *m, uint64_t ptr_size)
{
	uint64_t size = 0;
	for (int i = 0; i < m->nheader; i++)
		if (m->header[i].offset + m->header[i].size > size)
			size = m->header[i].offset + m->header[i].size;
	gl_svg_region(s, "header", m->address, size, "%s header  " GL_SVG_A "0x%llx" GL_SVG_R,
		      m->impl == GL_MAP_SWISS ? "Map" : "hmap", (unsigned long long)m->address);
	for (int i = 0; i < m->nheader; i++) {
		const struct gl_map_hfield *f = &m->header[i];
		char val[128], note[128];
		gl_map_hfield_value(f, val, sizeof(val));
		bool has_note = gl_map_hfield_note(m, f, note, sizeof(note));
		if (is_pointer(f->type)) {
			uint64_t p = gl_get_uint(f->bytes, f->size < ptr_size ? f->size : ptr_size);
			gl_svg_ptr_row(s, f->offset, f->size, p, "%-11s " GL_SVG_A "%s" GL_SVG_R " %s%s", f->name,
				       val, has_note ? GL_SVG_D : "", has_note ? note : "");
		} else {
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->size, "%-11s %s " GL_SVG_D "%s", f->name, val,
				   has_note ? note : "");
		}
	}
	gl_svg_region_end(s);
}

/* Cells or slots: full and deleted ones a row each, runs of empty ones
 * folded into one row (as the text does). */
static void slots(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m,
		  const struct gl_map_slot *sl, uint64_t slot_size)
{
	struct strbuf k, v;
	sb_init(&k);
	sb_init(&v);
	for (size_t i = 0; i < GL_MAP_SLOTS;) {
		const struct gl_map_slot *x = &sl[i];
		if (gl_slot_state_is_empty(x->state)) {
			size_t j = i;
			while (j + 1 < GL_MAP_SLOTS && gl_slot_state_is_empty(sl[j + 1].state))
				j++;
			if (j > i)
				gl_svg_row(s, GL_SVG_EMPTY, x->key_offset, slot_size * (j - i + 1),
					   GL_SVG_D "slot %zu-%zu  empty", i, j);
			else
				gl_svg_row(s, GL_SVG_EMPTY, x->key_offset, slot_size, GL_SVG_D "slot %zu  %s", i,
					   gl_slot_state_name(x->state));
			i = j + 1;
			continue;
		}
		char ctrl[24];
		if (m->impl == GL_MAP_SWISS)
			snprintf(ctrl, sizeof(ctrl), "0x%02x", x->ctrl);
		else
			snprintf(ctrl, sizeof(ctrl), "th=%u", x->ctrl);
		if (x->state == GL_SLOT_FULL && !x->err) {
			gl_member_str(c, m->entries.key_type, x->kv.key, &k);
			gl_member_str(c, m->entries.elem_type, x->kv.elem, &v);
			gl_svg_row(s, GL_SVG_DATA, x->key_offset, slot_size, "slot %zu %s %s  %s: %s", i, ctrl,
				   gl_slot_state_name(x->state), gl_sb_str(&k), gl_sb_str(&v));
		} else if (x->state == GL_SLOT_FULL) {
			gl_svg_row(s, GL_SVG_ERROR, x->key_offset, slot_size, "slot %zu %s " GL_SVG_E "%s", i, ctrl,
				   x->err->message);
		} else {
			gl_svg_row(s, GL_SVG_DELETED, x->key_offset, slot_size, "slot %zu %s %s", i, ctrl,
				   gl_slot_state_name(x->state));
		}
		i++;
	}
	sb_deinit(&k);
	sb_deinit(&v);
}

/* ---- classic ---------------------------------------------------------------- */

/* One bucket of a chain: a region with its cells and overflow pointer. */
static void cellblock(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m,
		      const struct gl_map_bucket *b, size_t j, const char *what)
{
	const struct gl_map_classic *mc = &m->classic;
	const struct gl_map_cellblock *cb = &b->chain[j];
	uint64_t ptr = c->t->ptr_size, bs = mc->bucket_size;
	uint64_t ks = m->entries.key_type ? m->entries.key_type->size : 0;
	uint64_t es = m->entries.elem_type ? m->entries.elem_type->size : 0;
	if (m->indirect_key)
		ks = ptr;
	if (m->indirect_elem)
		es = ptr;
	const char *state = !b->old ? "" : b->evacuated ? "  evacuated" : "  not evacuated";
	if (j == 0)
		gl_svg_region(s, b->old ? "bucket old" : "bucket", cb->address, bs,
			      "%s %ld  " GL_SVG_A "0x%llx" GL_SVG_R "%s", what, b->index,
			      (unsigned long long)cb->address, state);
	else
		gl_svg_region(s, "bucket overflow", cb->address, bs,
			      "overflow of %s %ld  " GL_SVG_A "0x%llx" GL_SVG_R, what, b->index,
			      (unsigned long long)cb->address);
	gl_svg_row(s, GL_SVG_HEADER, 0, GL_MAP_SLOTS, "tophash [8]uint8");
	slots(s, c, m, cb->cells, ks + es);
	/* the overflow pointer is the bucket's last word (runtime bmap) */
	if (bs >= ptr)
		gl_svg_ptr_row(s, bs - ptr, ptr, cb->overflow, "overflow " GL_SVG_A "0x%llx" GL_SVG_R,
			       (unsigned long long)cb->overflow);
	gl_svg_region_end(s);
}

static void buckets(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m,
		    const struct gl_map_bucket *b, size_t n, const char *what)
{
	/* overflow buckets go to a column of their own, drawn after */
	for (size_t i = 0; i < n; i++) {
		cellblock(s, c, m, &b[i], 0, what);
		if (b[i].err)
			gl_svg_note(s, GL_SVG_E "%s", b[i].err->message);
	}
}

static void classic(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m)
{
	const struct gl_map_classic *mc = &m->classic;
	gl_svg_column(s, COL_SLOTS);
	gl_svg_note(s, GL_SVG_B "buckets" GL_SVG_R " 2^%u x %llu bytes (%s)", mc->B,
		    (unsigned long long)mc->bucket_size, mc->bucket_type ? mc->bucket_type : "");
	long total = (long)mc->sum.buckets;
	buckets(s, c, m, mc->bkt, mc->nbkt, "bucket");
	if (mc->shown < total)
		gl_svg_elision(s, "%ld of %ld buckets drawn (--limit N, --all, --bucket I)", mc->shown, total);
	/* the chains of the new and the old array in one column */
	bool chains = false;
	for (size_t i = 0; i < mc->nbkt; i++)
		chains = chains || mc->bkt[i].nchain > 1;
	for (size_t i = 0; i < mc->nold; i++)
		chains = chains || mc->old[i].nchain > 1;
	if (m->opts.layout && mc->oldbuckets) {
		gl_svg_column(s, COL_SLOTS);
		gl_svg_note(s, GL_SVG_B "growing" GL_SVG_R " (%s): %llu old buckets, nevacuate %llu",
			    mc->same_size_grow ? "same-size" : "doubling", (unsigned long long)mc->noldbuckets,
			    (unsigned long long)mc->nevacuate);
		buckets(s, c, m, mc->old, mc->nold, "old bucket");
	}
	if (chains) {
		gl_svg_column(s, COL_SLOTS);
		gl_svg_note(s, GL_SVG_B "overflow buckets");
		for (size_t i = 0; i < mc->nbkt; i++)
			for (size_t j = 1; j < mc->bkt[i].nchain; j++)
				cellblock(s, c, m, &mc->bkt[i], j, "bucket");
		for (size_t i = 0; i < mc->nold; i++)
			for (size_t j = 1; j < mc->old[i].nchain; j++)
				cellblock(s, c, m, &mc->old[i], j, "old bucket");
	}
}

/* ---- swiss ------------------------------------------------------------------ */

static void directory(struct gl_svg *s, const struct gl_map_swiss *ms, uint64_t ptr)
{
	gl_svg_region(s, "directory", ms->dir, (uint64_t)ms->dirlen * ptr,
		      "directory  " GL_SVG_A "0x%llx" GL_SVG_R "  %lld slots, globalDepth %u",
		      (unsigned long long)ms->dir, (long long)ms->dirlen, ms->global_depth);
	/* a run of slots naming one table: one row */
	for (int64_t i = 0; i < ms->dirlen;) {
		int64_t j = i;
		while (j + 1 < ms->dirlen && ms->dir_slots[j + 1] == ms->dir_slots[i])
			j++;
		if (j > i)
			gl_svg_ptr_row(s, (uint64_t)i * ptr, (uint64_t)(j - i + 1) * ptr, ms->dir_slots[i],
				       "dir[%lld..%lld] " GL_SVG_A "0x%llx", (long long)i, (long long)j,
				       (unsigned long long)ms->dir_slots[i]);
		else
			gl_svg_ptr_row(s, (uint64_t)i * ptr, ptr, ms->dir_slots[i], "dir[%lld] " GL_SVG_A "0x%llx",
				       (long long)i, (unsigned long long)ms->dir_slots[i]);
		i = j + 1;
	}
	gl_svg_region_end(s);
}

static void table(struct gl_svg *s, const struct gl_map_table *t, uint64_t group_size)
{
	gl_svg_region(s, "table", t->address, 0, "table  " GL_SVG_A "0x%llx" GL_SVG_R "  dir[%ld..%ld]",
		      (unsigned long long)t->address, t->dir_first, t->dir_last);
	if (t->read) {
		gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 8, "used %llu of capacity %llu",
			   (unsigned long long)t->used, (unsigned long long)t->capacity);
		gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 8, "growthLeft %llu, localDepth %llu, index %lld",
			   (unsigned long long)t->growth_left, (unsigned long long)t->local_depth,
			   (long long)t->index);
		gl_svg_ptr_row(s, GL_SVG_NOOFF, 8, t->groups_address,
			       "groups " GL_SVG_A "0x%llx" GL_SVG_R ": %llu x %llu bytes",
			       (unsigned long long)t->groups_address, (unsigned long long)t->ngroups,
			       (unsigned long long)group_size);
	}
	if (t->err)
		gl_svg_row(s, GL_SVG_ERROR, GL_SVG_NOOFF, 8, GL_SVG_E "%s", t->err->message);
	gl_svg_region_end(s);
}

static void group(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m, const struct gl_map_group *g)
{
	const struct gl_map_swiss *ms = &m->swiss;
	gl_svg_region(s, "group", g->address, ms->group_size,
		      "group %ld  " GL_SVG_A "0x%llx" GL_SVG_R "  %d full, %d deleted", g->index,
		      (unsigned long long)g->address, g->full, g->deleted);
	gl_svg_row(s, GL_SVG_HEADER, 0, 8, "ctrl 0x%016llx", (unsigned long long)g->ctrl);
	/* split groups (keys, then elems) have no one slot size: the key's */
	slots(s, c, m, g->slots, ms->split ? ms->sum.key_size : ms->slot_size);
	gl_svg_region_end(s);
}

static void swiss(struct gl_svg *s, struct gl_ctx *c, const struct gl_map *m)
{
	const struct gl_map_swiss *ms = &m->swiss;
	if (ms->dir_read) {
		gl_svg_column(s, 50);
		directory(s, ms, c->t->ptr_size);
		gl_svg_column(s, 48);
		for (size_t i = 0; i < ms->ntables; i++)
			if (!ms->tables[i].small_group)
				table(s, &ms->tables[i], ms->group_size);
	}
	gl_svg_column(s, COL_SLOTS);
	gl_svg_note(s, GL_SVG_B "groups" GL_SVG_R " of %llu bytes (%s)", (unsigned long long)ms->group_size,
		    ms->split ? "split: keys, then elems" : "interleaved slots");
	for (size_t i = 0; i < ms->ntables; i++) {
		const struct gl_map_table *t = &ms->tables[i];
		if (t->small_group)
			gl_svg_note(s, "small map: one group, no tables");
		for (size_t j = 0; j < t->ngroups_shown; j++)
			group(s, c, m, &t->groups[j]);
	}
	if (ms->shown < ms->total_groups)
		gl_svg_elision(s, "%ld of %ld groups drawn (--limit N, --all, --group I)", ms->shown,
			       ms->total_groups);
}

void gl_map_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const char *type_name,
		bool summary_only, const struct gl_map *m)
{
	const char *go = gl_go_version_text(c);
	if (!m) {
		gl_svg_title(s, "%s %s = nil map (no header allocated)  [%s]", expr, type_name, go);
		return;
	}
	if (!m->decoded) {
		gl_svg_title(s, "%s %s  header at 0x%llx, not decoded  [%s]", expr, type_name,
			     (unsigned long long)m->address, go);
		return;
	}
	bool sw = m->impl == GL_MAP_SWISS;
	gl_svg_title(s, "%s %s  %s%s map, %llu entries  [%s]", expr, type_name, gl_map_impl_name(m),
		     !sw ? "" : m->swiss.split ? " (split groups)" : " (interleaved groups)",
		     (unsigned long long)m->count, go);
	struct strbuf saved;
	gl_svg_capture_begin(c, &saved);
	gl_map_summary_text(c, m);
	gl_svg_capture_end(s, c, &saved);
	gl_svg_column(s, COL_HEADER);
	header(s, m, c->t->ptr_size);
	if (summary_only)
		return;
	if (sw)
		swiss(s, c, m);
	else
		classic(s, c, m);
}
