/* `golayout map` as text: the header field by field, then buckets with
 * their overflow chains (classic) or the directory, tables and groups
 * (swiss), then the summary. Drawn from the model, not the document. */
#include <stdio.h>
#include <string.h>

#include "render/map_text.h"
#include "render/render.h"
#include "doc/doc.h"
#include "doc/map_doc.h"
#include "render/text.h"

/* A %v value in a column of max characters (gl_clip), spelled as the
 * document spells it (invalid UTF-8 as U+FFFD), a NUL byte as U+2400. */
static void clip_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, size_t max)
{
	struct strbuf v;
	sb_init(&v);
	gl_member_str(c, t, b, &v); /* as inside the map */
	gl_clip(c, gl_sb_str(&v), max);
	sb_deinit(&v);
}

static void render_header(struct gl_ctx *c, const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	for (int i = 0; i < m->nheader; i++) {
		const struct gl_map_hfield *f = &m->header[i];
		char buf[128];
		sb_addf(o, "  +%-3lld %-18s ", (long long)f->offset, f->name);
		gl_clip(c, f->type->name ? f->type->name : "", 19);
		gl_pad(c, 2 + 4 + 1 + 18 + 1 + 21);
		gl_map_hfield_value(f, buf, sizeof(buf));
		gl_clip(c, buf, 20);
		if (gl_map_hfield_note(m, f, buf, sizeof(buf))) {
			gl_pad(c, 68);
			sb_addf(o, "%s%s%s", gl_c(c, "dim"), buf, gl_c(c, "reset"));
		}
		sb_addc(o, '\n');
	}
}

/* Slots of a group or cells of a bucket: full and deleted ones on a line
 * each, runs of empty ones folded into one line. */
static void render_slots(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_slot *slots)
{
	struct strbuf *o = &c->out;
	size_t n = GL_MAP_SLOTS;
	for (size_t i = 0; i < n;) {
		const struct gl_map_slot *s = &slots[i];
		if (gl_slot_state_is_empty(s->state)) {
			size_t j = i;
			while (j + 1 < n && gl_slot_state_is_empty(slots[j + 1].state))
				j++;
			if (j > i)
				sb_addf(o, "%s      slot %zu-%zu  empty%s\n", gl_c(c, "dim"), i, j, gl_c(c, "reset"));
			else
				sb_addf(o, "%s      slot %zu  %s%s\n", gl_c(c, "dim"), i, gl_slot_state_name(s->state),
					gl_c(c, "reset"));
			i = j + 1;
			continue;
		}
		if (m->impl == GL_MAP_SWISS)
			sb_addf(o, "      slot %zu  0x%02x %-7s +%-4llu ", i, s->ctrl, gl_slot_state_name(s->state),
				(unsigned long long)s->key_offset);
		else
			sb_addf(o, "      slot %zu  th=%-3u %-10s +%-4llu ", i, s->ctrl, gl_slot_state_name(s->state),
				(unsigned long long)s->key_offset);
		if (s->hashed && s->hash_random)
			sb_add(o, "h=random (NaN)     ");
		else if (s->hashed)
			sb_addf(o, "h=%016llx ", (unsigned long long)s->hash);
		if (s->hashed && s->probe > 1)
			sb_addf(o, "probe %d ", s->probe);
		if (s->misplaced)
			sb_add(o, "MISPLACED ");
		if (s->state == GL_SLOT_FULL && !s->err) {
			clip_value(c, m->entries.key_type, s->kv.key, 28);
			sb_add(o, " : ");
			clip_value(c, m->entries.elem_type, s->kv.elem, 30);
			if (m->indirect_key)
				sb_addf(o, "  (key at 0x%llx)", (unsigned long long)s->key_ptr);
			if (m->indirect_elem)
				sb_addf(o, "  (value at 0x%llx)", (unsigned long long)s->elem_ptr);
		} else if (s->state == GL_SLOT_FULL) {
			sb_add(o, s->err->message);
		}
		sb_addc(o, '\n');
		i++;
	}
}

/* The end of a summary's hash line (whose text came before): entries not
 * where their hash puts them, NaN keys (line: that line is open), and why
 * keys are not hashed. */
static void hash_tail(struct gl_ctx *c, const struct gl_map *m, bool line, uint64_t misplaced,
		      uint64_t random)
{
	struct strbuf *o = &c->out;
	if (line && misplaced)
		sb_addf(o, "; %llu NOT where their hash puts them", (unsigned long long)misplaced);
	if (line && random)
		sb_addf(o, "; %llu NaN keys (random hash)", (unsigned long long)random);
	if (line)
		sb_addc(o, '\n');
	if (m->hash_err)
		sb_addf(o, "  hashes: %s\n", m->hash_err->message);
}

/* ---- swiss ------------------------------------------------------------------ */

static bool group_is_empty(const struct gl_map_group *g)
{
	for (int i = 0; i < GL_MAP_SLOTS; i++)
		if (g->slots[i].state != GL_SLOT_EMPTY)
			return false;
	return true;
}

static void render_groups(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_table *t)
{
	struct strbuf *o = &c->out;
	size_t n = t->ngroups_shown;
	/* --all draws every group of a big map: say how far, stop on Ctrl-C */
	for (size_t i = 0; i < n && !gl_interrupted(c);) {
		const struct gl_map_group *g = &t->groups[i];
		gl_progress(c, "map groups drawn", (uint64_t)g->index, (uint64_t)m->swiss.total_groups);
		if (group_is_empty(g)) {
			size_t j = i;
			while (j + 1 < n && group_is_empty(&t->groups[j + 1]))
				j++;
			if (j > i) {
				sb_addf(o, "%s    groups %ld-%ld: %zu empty groups%s\n", gl_c(c, "dim"), g->index,
					t->groups[j].index, j - i + 1, gl_c(c, "reset"));
				i = j + 1;
				continue;
			}
		}
		sb_addf(o, "    group %ld at %s0x%llx%s  ctrl 0x%016llx  (%d full)\n", g->index, gl_c(c, "addr"),
			(unsigned long long)g->address, gl_c(c, "reset"), (unsigned long long)g->ctrl, g->full);
		render_slots(c, m, g->slots);
		i++;
	}
}

static void render_swiss(struct gl_ctx *c, const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	const struct gl_map_swiss *ms = &m->swiss;
	if (ms->dir_read)
		sb_addf(o, "directory at 0x%llx, %lld slots (globalDepth %u)\n", (unsigned long long)ms->dir,
			(long long)ms->dirlen, ms->global_depth);
	for (size_t i = 0; i < ms->ntables; i++) {
		const struct gl_map_table *t = &ms->tables[i];
		if (t->small_group) {
			sb_add(o, "small map: one group, no tables\n");
		} else {
			sb_addf(o, "table at %s0x%llx%s  dir[%ld..%ld]  used %llu/%llu, growthLeft %llu, "
				   "localDepth %llu, index %lld\n",
				gl_c(c, "addr"), (unsigned long long)t->address, gl_c(c, "reset"), t->dir_first,
				t->dir_last, (unsigned long long)t->used, (unsigned long long)t->capacity,
				(unsigned long long)t->growth_left, (unsigned long long)t->local_depth,
				(long long)t->index);
			if (t->read)
				sb_addf(o, "  groups at 0x%llx: %llu x %llu bytes\n",
					(unsigned long long)t->groups_address, (unsigned long long)t->ngroups,
					(unsigned long long)ms->group_size);
		}
		if (t->err)
			sb_addf(o, "  %s!! %s%s\n", gl_c(c, "err"), t->err->message, gl_c(c, "reset"));
		render_groups(c, m, t);
	}
	sb_addf(o, "%ld of %ld groups shown%s\n", ms->shown, ms->total_groups,
		ms->shown < ms->total_groups ? " (--limit N, --all, --group I)" : "");
}

static void render_swiss_summary(struct gl_ctx *c, const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	const struct gl_map_swiss_summary *s = &m->swiss.sum;
	sb_addf(o, "  entries %llu in %llu table%s, %llu groups, %llu slots: load %.1f%%, %llu tombstones\n",
		(unsigned long long)m->count, (unsigned long long)s->tables, s->tables == 1 ? "" : "s",
		(unsigned long long)s->groups, (unsigned long long)s->slots, 100 * s->load_factor,
		(unsigned long long)s->tombstones);
	sb_add(o, "  groups by full slots:");
	for (int i = 0; i <= GL_MAP_SLOTS; i++)
		sb_addf(o, " %d:%llu", i, (unsigned long long)s->fill_hist[i]);
	sb_addf(o, "\n  bytes: header %llu, directory %llu, tables %llu, groups %llu; "
		   "wasted: %llu in empty slots, %llu slot padding\n",
		(unsigned long long)s->bytes_header, (unsigned long long)s->bytes_directory,
		(unsigned long long)s->bytes_tables, (unsigned long long)s->bytes_groups,
		(unsigned long long)s->bytes_wasted_empty_slots, (unsigned long long)s->bytes_wasted_slot_padding);
	if (s->hashed) {
		uint64_t n = 0;
		for (int i = 0; i < GL_MAP_PROBE_HIST; i++)
			n += s->probe_hist[i];
		sb_add(o, "  probe lengths (groups a lookup visits):");
		for (int i = 0; i < GL_MAP_PROBE_HIST; i++)
			sb_addf(o, " %d%s:%llu", i + 1, i == GL_MAP_PROBE_HIST - 1 ? "+" : "",
				(unsigned long long)s->probe_hist[i]);
		sb_addf(o, "; mean %.2f, max %llu", n ? (double)s->probe_total / (double)n : 0.0,
			(unsigned long long)s->probe_max);
	}
	hash_tail(c, m, s->hashed, s->misplaced, s->random);
}

/* ---- classic ---------------------------------------------------------------- */

static void render_buckets(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_bucket *b,
			   size_t n, const char *what)
{
	struct strbuf *o = &c->out;
	for (size_t i = 0; i < n && !gl_interrupted(c); i++) {
		gl_progress(c, "map buckets drawn", (uint64_t)b[i].index, m->classic.sum.buckets);
		sb_addf(o, "  %s %ld at %s0x%llx%s", what, b[i].index, gl_c(c, "addr"),
			(unsigned long long)b[i].address, gl_c(c, "reset"));
		if (b[i].old)
			sb_add(o, b[i].evacuated ? "  evacuated" : "  not evacuated");
		if (b[i].overflow_buckets)
			sb_addf(o, "  +%u overflow", b[i].overflow_buckets);
		sb_addc(o, '\n');
		for (size_t j = 0; j < b[i].nchain; j++) {
			if (j)
				sb_addf(o, "    overflow -> %s0x%llx%s\n", gl_c(c, "addr"),
					(unsigned long long)b[i].chain[j].address, gl_c(c, "reset"));
			render_slots(c, m, b[i].chain[j].cells);
		}
		if (b[i].err)
			sb_addf(o, "    %s!! %s%s\n", gl_c(c, "err"), b[i].err->message, gl_c(c, "reset"));
	}
}

/* Only for a decoded header: there is nothing to draw without one. */
static void render_classic(struct gl_ctx *c, const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	const struct gl_map_classic *mc = &m->classic;
	sb_addf(o, "buckets at 0x%llx: 2^%u x %llu bytes (%s)\n", (unsigned long long)mc->buckets, mc->B,
		(unsigned long long)mc->bucket_size, mc->bucket_type ? mc->bucket_type : "");
	render_buckets(c, m, mc->bkt, mc->nbkt, "bucket");
	if (m->opts.layout && mc->oldbuckets) {
		sb_addf(o, "growing (%s): oldbuckets at 0x%llx, %llu old buckets, nevacuate %llu\n",
			mc->same_size_grow ? "same-size" : "doubling", (unsigned long long)mc->oldbuckets,
			(unsigned long long)mc->noldbuckets, (unsigned long long)mc->nevacuate);
		render_buckets(c, m, mc->old, mc->nold, "old bucket");
	}
	long total = (long)mc->sum.buckets;
	sb_addf(o, "%ld of %ld buckets shown%s\n", mc->shown, total,
		mc->shown < total ? " (--limit N, --all, --bucket I)" : "");
}

static void render_classic_summary(struct gl_ctx *c, const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	const struct gl_map_classic_summary *s = &m->classic.sum;
	sb_addf(o, "  entries %llu in %llu buckets + %llu overflow: load %.2f per bucket (of 8)\n",
		(unsigned long long)m->count, (unsigned long long)s->buckets, (unsigned long long)s->overflow,
		8 * s->load_factor);
	sb_add(o, "  chains by overflow length:");
	for (int i = 0; i < 9; i++)
		sb_addf(o, " %d%s:%llu", i, i == 8 ? "+" : "", (unsigned long long)s->chain_hist[i]);
	if (s->old_buckets)
		sb_addf(o, "\n  growing: %llu of %llu old buckets evacuated", (unsigned long long)s->old_evacuated,
			(unsigned long long)s->old_buckets);
	sb_addf(o, "\n  bytes: header %llu, buckets %llu, overflow %llu, old %llu; wasted: %llu in "
		   "empty cells, %llu bucket padding\n",
		(unsigned long long)s->bytes_header, (unsigned long long)s->bytes_buckets,
		(unsigned long long)s->bytes_overflow, (unsigned long long)s->bytes_old_buckets,
		(unsigned long long)s->bytes_wasted_empty_cells, (unsigned long long)s->bytes_bucket_padding);
	if (s->hashed) {
		uint64_t placed = s->home_first + s->home_overflow + s->home_old;
		sb_addf(o, "  entries outside their home bucket: %.1f%% (%llu in overflow buckets",
			placed ? 100.0 * (double)(s->home_overflow + s->home_old) / (double)placed : 0.0,
			(unsigned long long)s->home_overflow);
		if (s->home_old)
			sb_addf(o, ", %llu in old buckets not yet evacuated", (unsigned long long)s->home_old);
		sb_add(o, ")");
	}
	hash_tail(c, m, s->hashed, s->misplaced, s->random);
}

static void slot_bits(struct strbuf *o, const char *what, uint8_t bits)
{
	if (!bits)
		return;
	sb_addf(o, "  %s", what);
	const char *sep = " ";
	for (int i = 0; i < GL_MAP_SLOTS; i++)
		if (bits & (1u << i)) {
			sb_addf(o, "%s%d", sep, i);
			sep = ",";
		}
}

/* --key: the lookup's path, found or not, and where an insert goes. */
static void render_lookup(struct gl_ctx *c, const struct gl_map *m, const struct gl_map_lookup *l)
{
	struct strbuf *o = &c->out;
	bool swiss = m->impl == GL_MAP_SWISS;
	if (l->random) {
		sb_add(o, "  hash: random. The key is or holds a NaN: the runtime hashes it to a random\n"
			  "  number, so no lookup finds it and every insert adds a new entry\n");
		return;
	}
	sb_addf(o, "  hash %s0x%016llx%s  (%s hash, seed 0x%llx)\n", gl_c(c, "bold"), (unsigned long long)l->hash,
		gl_c(c, "reset"), m->keys.aes ? "AES" : "fallback", (unsigned long long)m->seed);
	if (swiss && l->small) {
		sb_addf(o, "  H2 0x%02x (hash & 0x7f); small map: its one group, no probing\n", l->top);
	} else if (swiss) {
		sb_addf(o, "  H1 0x%llx (hash >> 7), H2 0x%02x (hash & 0x7f)\n", (unsigned long long)l->h1, l->top);
		sb_addf(o, "  directory slot %lld (hash >> globalShift %u) -> table %s0x%llx%s, %llu groups, "
			   "growthLeft %llu\n",
			(long long)l->dir_index, m->swiss.global_shift, gl_c(c, "addr"), (unsigned long long)l->table,
			gl_c(c, "reset"), (unsigned long long)l->ngroups, (unsigned long long)l->growth_left);
		sb_addf(o, "  probe sequence from group H1 & %llu = %llu:\n", (unsigned long long)(l->ngroups - 1),
			(unsigned long long)l->first_group);
	} else {
		sb_addf(o, "  tophash 0x%02x (hash >> 56), home bucket %llu (hash & %llu)\n", l->top,
			(unsigned long long)l->bucket, (unsigned long long)(m->classic.nbuckets - 1));
		if (l->growing)
			sb_addf(o, "  growing: old bucket %llu (hash & %llu) %s\n", (unsigned long long)l->old_bucket,
				(unsigned long long)(m->classic.noldbuckets - 1),
				l->old_evacuated ? "was evacuated: the new bucket is searched"
						 : "is not evacuated yet: it is searched");
	}
	for (size_t i = 0; i < l->nprobes; i++) {
		const struct gl_map_probe *p = &l->probes[i];
		if (swiss)
			sb_addf(o, "    %zu. group %ld (--group %ld) at %s0x%llx%s  ctrl 0x%016llx", i + 1, p->index,
				p->model_index, gl_c(c, "addr"), (unsigned long long)p->address, gl_c(c, "reset"),
				(unsigned long long)p->ctrl);
		else
			sb_addf(o, "    %s%s %ld at %s0x%llx%s  tophash 0x%016llx", p->chain_pos ? "overflow of " : "",
				p->old ? "old bucket" : "bucket", p->index, gl_c(c, "addr"),
				(unsigned long long)p->address, gl_c(c, "reset"), (unsigned long long)p->ctrl);
		if (!p->match)
			sb_add(o, "  no match");
		slot_bits(o, swiss ? "H2 matches slot" : "tophash matches slot", p->match);
		slot_bits(o, "empty", p->empty);
		slot_bits(o, "deleted", p->deleted);
		sb_addc(o, '\n');
		if (p->found >= 0 && p->slot && !p->slot->err) {
			sb_addf(o, "       %sfound in slot %d%s: ", gl_c(c, "bold"), p->found, gl_c(c, "reset"));
			clip_value(c, m->entries.key_type, p->slot->kv.key, 40);
			sb_add(o, " : ");
			clip_value(c, m->entries.elem_type, p->slot->kv.elem, 40);
			sb_addc(o, '\n');
		}
	}
	if (l->found)
		return;
	sb_addf(o, "  not in the map; ");
	if (l->insert_known && swiss)
		sb_addf(o, "an insert would take group %ld (--group) slot %d at 0x%llx%s\n", l->insert_index,
			l->insert_slot, (unsigned long long)l->insert_address,
			l->insert_reuses_tombstone ? " (a tombstone)" : "");
	else if (l->insert_known)
		sb_addf(o, "an insert would take bucket %ld%s cell %d at 0x%llx\n", l->insert_index,
			l->insert_chain_pos ? "'s overflow bucket" : "", l->insert_slot,
			(unsigned long long)l->insert_address);
	else
		sb_addf(o, "%s\n", l->insert_note);
}

void gl_map_key_text(struct gl_ctx *c, const char *expr, const char *type_name, const char *key,
		     const struct gl_map *m, const struct gl_map_lookup *l)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "%s%s%s %s  --key %s\n", gl_c(c, "bold"), expr, gl_c(c, "reset"), type_name ? type_name : "",
		key);
	if (!m || !m->decoded)
		return;
	sb_addf(o, "  %s map, header at %s0x%llx%s, %llu entries  [%s]\n", gl_map_impl_name(m), gl_c(c, "addr"),
		(unsigned long long)m->address, gl_c(c, "reset"), (unsigned long long)m->count,
		c->t ? c->t->go_version : "");
	if (l)
		render_lookup(c, m, l);
}

void gl_map_text(struct gl_ctx *c, const char *expr, const char *type_name, bool summary_only,
		 const struct gl_map *m)
{
	struct strbuf *o = &c->out;
	const char *go = c->t ? c->t->go_version : "";
	sb_addf(o, "%s%s%s %s", gl_c(c, "bold"), expr, gl_c(c, "reset"), type_name ? type_name : "");
	if (!m) {
		sb_addf(o, " = nil map (no header allocated)  [%s]\n", go);
		return;
	}
	/* An undecoded header (unreadable, no DWARF): its address only; the
	 * error line says why. Nothing about it is made up. */
	if (!m->decoded) {
		sb_addf(o, "  header at %s0x%llx%s  [%s]\n", gl_c(c, "addr"), (unsigned long long)m->address,
			gl_c(c, "reset"), go);
		return;
	}
	bool swiss = m->impl == GL_MAP_SWISS;
	sb_addf(o, "  %s", gl_map_impl_name(m));
	if (swiss)
		sb_addf(o, " (%s groups)", m->swiss.split ? "split" : "interleaved");
	sb_addf(o, "  header at %s0x%llx%s, %llu entries  [%s]\n", gl_c(c, "addr"), (unsigned long long)m->address,
		gl_c(c, "reset"), (unsigned long long)m->count, go);
	render_header(c, m);
	if (!summary_only) {
		if (swiss)
			render_swiss(c, m);
		else
			render_classic(c, m);
	}
	sb_addf(o, "%ssummary%s\n", gl_c(c, "bold"), gl_c(c, "reset"));
	gl_map_summary_text(c, m);
}

void gl_map_summary_text(struct gl_ctx *c, const struct gl_map *m)
{
	if (m->impl == GL_MAP_SWISS)
		render_swiss_summary(c, m);
	else
		render_classic_summary(c, m);
}
