/* golayout map EXPR: the runtime layout behind a Go map. */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "eval/expr.h"
#include "doc/home_doc.h"
#include "runtime/maps.h"
#include "eval/value.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_MAP, "a map", &v);
	if (err)
		return err;
	uint64_t ptr = gl_get_uint(v.bytes, 8);
	json_t *d = gl_doc_new(c, "map", v.type->name, ptr != 0, ptr);
	if (!d) {
		gl_value_deinit(&v);
		return &gl_error_nomem;
	}
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	if (v.in_memory)
		gl_json_set_addr(d, "variable_address", v.addr);
	json_object_set_new(d, "where", json_string(v.where));
	json_object_set_new(d, "key_type", gl_json_text(v.type->key ? v.type->key->name : "?"));
	json_object_set_new(d, "elem_type", gl_json_text(v.type->elem ? v.type->elem->name : "?"));
	json_object_set_new(d, "summary_only", json_boolean(c->opts.summary));
	if (ptr) { /* where the header lives: heap span, size class, object */
		struct gl_home home;
		gl_home_of(c, ptr, &home);
		json_object_set_new(d, "home", gl_home_json(&home));
	}
	if (!ptr) {
		json_object_set_new(d, "nil", json_true());
		json_object_set_new(d, "count", json_integer(0));
		json_object_set_new(d, "entries", json_array());
		gl_value_deinit(&v);
		return NULL;
	}
	struct gl_map_walk w = {
		.doc = d,
		.want_doc = !c->opts.summary,
		.want_entries = c->opts.json && !c->opts.summary,
		.max_entries = c->opts.limit_set ? (size_t)c->opts.limit : (size_t)-1,
		.show_limit = c->opts.all ? -1 : c->opts.limit,
		.only_index = c->opts.index,
	};
	uint64_t reads0 = c->mem->cmd_stats.backend_reads;
	err = gl_map_walk_run(c, v.type, ptr, &w);
	if (w.want_entries) {
		gl_map_sort_entries(c, &w);
		json_t *ents = json_array();
		for (size_t i = 0; i < w.nentries; i++) {
			json_t *e = json_object();
			json_t *k_json = gl_format_value_json(c, w.key_type, w.entries[i].key);
			json_t *val_json = gl_format_value_json(c, w.elem_type, w.entries[i].elem);
			json_object_set_new(e, "key", k_json);
			json_object_set_new(e, "value", val_json);
			json_array_append_new(ents, e);
		}
		json_object_set_new(d, "entries", ents);
		json_object_set_new(d, "entries_truncated", json_boolean(w.entries_truncated));
	}
	long total = (long)json_integer_value(json_object_get(d, json_object_get(d, "groups_total") ? "groups_total" : "buckets_total"));
	if (!err && c->opts.index >= 0 && c->opts.index >= total)
		err = gl_error_create(GL_ERR_LOOKUP, "%s %ld out of range: the map has %ld (0..%ld)",
				      json_object_get(d, "groups_total") ? "group" : "bucket", c->opts.index, total,
				      total - 1);
	json_object_set_new(d, "backend_reads",
			    json_integer((json_int_t)(c->mem->cmd_stats.backend_reads - reads0)));
	gl_map_walk_deinit(&w);
	gl_value_deinit(&v);
	return err;
}

/* ---- text ----------------------------------------------------------------- */

static void render_header(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *hdr = json_object_get(d, "header");
	for (size_t i = 0; i < json_array_size(hdr); i++) {
		json_t *f = json_array_get(hdr, i);
		sb_addf(o, "  +%-3lld %-18s ", (long long)gl_jint(f, "offset"), gl_jstr(f, "name"));
		gl_clip(o, gl_jstr(f, "type"), 19);
		sb_pad(o, 2 + 4 + 1 + 18 + 1 + 21);
		gl_clip(o, gl_jstr(f, "value"), 20);
		if (json_object_get(f, "note")) {
			sb_pad(o, 68);
			sb_addf(o, "%s%s%s", gl_c(c, "dim"), gl_jstr(f, "note"), gl_c(c, "reset"));
		}
		sb_addc(o, '\n');
	}
}

static bool slot_is_empty(json_t *s)
{
	const char *st = gl_jstr(s, "state");
	return !strcmp(st, "empty") || !strcmp(st, "emptyRest") || !strcmp(st, "emptyOne") ||
	       !strcmp(st, "evacuatedEmpty");
}

/* Slots of a group or cells of a bucket: full and deleted ones on a line
 * each, runs of empty ones folded into one line. */
static void render_slots(struct gl_ctx *c, json_t *slots, bool swiss)
{
	struct strbuf *o = &c->out;
	size_t n = json_array_size(slots);
	for (size_t i = 0; i < n;) {
		json_t *s = json_array_get(slots, i);
		if (slot_is_empty(s)) {
			size_t j = i;
			while (j + 1 < n && slot_is_empty(json_array_get(slots, j + 1)))
				j++;
			if (j > i)
				sb_addf(o, "%s      slot %zu-%zu  empty%s\n", gl_c(c, "dim"), i, j, gl_c(c, "reset"));
			else
				sb_addf(o, "%s      slot %zu  %s%s\n", gl_c(c, "dim"), i, gl_jstr(s, "state"),
					gl_c(c, "reset"));
			i = j + 1;
			continue;
		}
		if (swiss)
			sb_addf(o, "      slot %lld  %s %-7s +%-4lld ", (long long)gl_jint(s, "slot"), gl_jstr(s, "ctrl"),
				gl_jstr(s, "state"), (long long)gl_jint(s, "key_offset"));
		else
			sb_addf(o, "      slot %lld  th=%-3lld %-10s +%-4lld ", (long long)gl_jint(s, "slot"),
				(long long)gl_jint(s, "tophash"), gl_jstr(s, "state"), (long long)gl_jint(s, "key_offset"));
		if (json_object_get(s, "key")) {
			gl_clip(o, gl_jstr(s, "key"), 28);
			sb_add(o, " : ");
			gl_clip(o, gl_jstr(s, "value"), 30);
			if (json_object_get(s, "key_indirect"))
				sb_addf(o, "  (key at %s)", gl_jstr(s, "key_indirect"));
			if (json_object_get(s, "elem_indirect"))
				sb_addf(o, "  (value at %s)", gl_jstr(s, "elem_indirect"));
		} else if (json_object_get(s, "error")) {
			sb_addf(o, "%s", gl_jstr(s, "error"));
		}
		sb_addc(o, '\n');
		i++;
	}
}

static bool group_is_empty(json_t *g)
{
	return gl_jint(g, "full") == 0 && !strstr(gl_jstr(g, "ctrl"), "fe");
}

static void render_groups(struct gl_ctx *c, json_t *groups)
{
	struct strbuf *o = &c->out;
	size_t n = json_array_size(groups);
	for (size_t i = 0; i < n;) {
		json_t *g = json_array_get(groups, i);
		if (group_is_empty(g)) {
			size_t j = i;
			while (j + 1 < n && group_is_empty(json_array_get(groups, j + 1)))
				j++;
			if (j > i) {
				sb_addf(o, "%s    groups %lld-%lld: %zu empty groups%s\n", gl_c(c, "dim"),
					(long long)gl_jint(g, "index"),
					(long long)gl_jint(json_array_get(groups, j), "index"), j - i + 1,
					gl_c(c, "reset"));
				i = j + 1;
				continue;
			}
		}
		sb_addf(o, "    group %lld at %s%s%s  ctrl %s  (%lld full)\n", (long long)gl_jint(g, "index"),
			gl_c(c, "addr"), gl_jstr(g, "address"), gl_c(c, "reset"), gl_jstr(g, "ctrl"),
			(long long)gl_jint(g, "full"));
		render_slots(c, json_object_get(g, "slots"), true);
		i++;
	}
}

static void render_summary(struct gl_ctx *c, json_t *d, bool swiss)
{
	struct strbuf *o = &c->out;
	json_t *s = json_object_get(d, "summary");
	if (!s)
		return;
	sb_addf(o, "%ssummary%s\n", gl_c(c, "bold"), gl_c(c, "reset"));
	if (swiss) {
		sb_addf(o, "  entries %lld in %lld table%s, %lld groups, %lld slots: load %.1f%%, %lld tombstones\n",
			(long long)gl_jint(s, "entries"), (long long)gl_jint(s, "tables"),
			gl_jint(s, "tables") == 1 ? "" : "s", (long long)gl_jint(s, "groups"),
			(long long)gl_jint(s, "slots"), 100 * json_real_value(json_object_get(s, "load_factor")),
			(long long)gl_jint(s, "tombstones"));
		sb_add(o, "  groups by full slots:");
		json_t *h = json_object_get(s, "group_fill_histogram");
		for (size_t i = 0; i < json_array_size(h); i++)
			sb_addf(o, " %zu:%lld", i, (long long)json_integer_value(json_array_get(h, i)));
		sb_addf(o, "\n  bytes: header %lld, directory %lld, tables %lld, groups %lld; "
			   "wasted: %lld in empty slots, %lld slot padding\n",
			(long long)gl_jint(s, "bytes_header"), (long long)gl_jint(s, "bytes_directory"),
			(long long)gl_jint(s, "bytes_tables"), (long long)gl_jint(s, "bytes_groups"),
			(long long)gl_jint(s, "bytes_wasted_empty_slots"),
			(long long)gl_jint(s, "bytes_wasted_slot_padding"));
	} else {
		sb_addf(o, "  entries %lld in %lld buckets + %lld overflow: load %.2f per bucket (of 8)\n",
			(long long)gl_jint(s, "entries"), (long long)gl_jint(s, "buckets"),
			(long long)gl_jint(s, "overflow_buckets"),
			8 * json_real_value(json_object_get(s, "load_factor")));
		sb_add(o, "  chains by overflow length:");
		json_t *h = json_object_get(s, "overflow_chain_histogram");
		for (size_t i = 0; i < json_array_size(h); i++)
			sb_addf(o, " %zu%s:%lld", i, i == 8 ? "+" : "", (long long)json_integer_value(json_array_get(h, i)));
		if (gl_jint(s, "old_buckets"))
			sb_addf(o, "\n  growing: %lld of %lld old buckets evacuated",
				(long long)gl_jint(s, "old_evacuated"), (long long)gl_jint(s, "old_buckets"));
		sb_addf(o, "\n  bytes: header %lld, buckets %lld, overflow %lld, old %lld; wasted: %lld in "
			   "empty cells, %lld bucket padding\n",
			(long long)gl_jint(s, "bytes_header"), (long long)gl_jint(s, "bytes_buckets"),
			(long long)gl_jint(s, "bytes_overflow"), (long long)gl_jint(s, "bytes_old_buckets"),
			(long long)gl_jint(s, "bytes_wasted_empty_cells"),
			(long long)gl_jint(s, "bytes_bucket_padding"));
	}
}

static void render_buckets(struct gl_ctx *c, json_t *arr, const char *what)
{
	struct strbuf *o = &c->out;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *b = json_array_get(arr, i);
		json_t *chain = json_object_get(b, "chain");
		sb_addf(o, "  %s %lld at %s%s%s", what, (long long)gl_jint(b, "index"), gl_c(c, "addr"),
			gl_jstr(b, "address"), gl_c(c, "reset"));
		if (json_object_get(b, "evacuated"))
			sb_add(o, json_is_true(json_object_get(b, "evacuated")) ? "  evacuated" : "  not evacuated");
		if (gl_jint(b, "overflow_buckets"))
			sb_addf(o, "  +%lld overflow", (long long)gl_jint(b, "overflow_buckets"));
		sb_addc(o, '\n');
		for (size_t j = 0; j < json_array_size(chain); j++) {
			json_t *cb = json_array_get(chain, j);
			if (j)
				sb_addf(o, "    overflow -> %s%s%s\n", gl_c(c, "addr"), gl_jstr(cb, "address"), gl_c(c, "reset"));
			render_slots(c, json_object_get(cb, "cells"), false);
		}
		if (json_object_get(b, "error"))
			sb_addf(o, "    %s!! %s%s\n", gl_c(c, "err"), gl_jstr(b, "error"), gl_c(c, "reset"));
	}
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	bool swiss = !strcmp(gl_jstr(d, "impl"), "swiss");
	const char *addr = json_string_value(json_object_get(d, "address"));
	sb_addf(o, "%s%s%s %s", gl_c(c, "bold"), gl_jstr(d, "expr"), gl_c(c, "reset"), gl_jstr(d, "type"));
	if (json_is_true(json_object_get(d, "nil"))) {
		sb_addf(o, " = nil map (no header allocated)  [%s]\n", gl_jstr(d, "go_version"));
		return;
	}
	sb_addf(o, "  %s", gl_jstr(d, "impl"));
	if (swiss)
		sb_addf(o, " (%s groups)", gl_jstr(d, "groups_layout"));
	sb_addf(o, "  header at %s%s%s, %lld entries  [%s]\n", gl_c(c, "addr"), addr ? addr : "?",
		gl_c(c, "reset"), (long long)gl_jint(d, "count"), gl_jstr(d, "go_version"));
	render_header(c, d);
	if (!json_is_true(json_object_get(d, "summary_only"))) {
		if (swiss) {
			json_t *dir = json_object_get(d, "directory");
			if (dir)
				sb_addf(o, "directory at %s, %lld slots (globalDepth %lld)\n", gl_jstr(dir, "address"),
					(long long)gl_jint(dir, "len"), (long long)gl_jint(dir, "global_depth"));
			json_t *tables = json_object_get(d, "tables");
			for (size_t i = 0; i < json_array_size(tables); i++) {
				json_t *t = json_array_get(tables, i);
				if (json_is_true(json_object_get(t, "small_group"))) {
					sb_add(o, "small map: one group, no tables\n");
				} else {
					sb_addf(o, "table at %s%s%s  dir[%lld..%lld]  used %lld/%lld, growthLeft %lld, "
						   "localDepth %lld, index %lld\n",
						gl_c(c, "addr"), gl_jstr(t, "address"), gl_c(c, "reset"),
						(long long)gl_jint(t, "dir_first"), (long long)gl_jint(t, "dir_last"),
						(long long)gl_jint(t, "used"), (long long)gl_jint(t, "capacity"),
						(long long)gl_jint(t, "growth_left"), (long long)gl_jint(t, "local_depth"),
						(long long)gl_jint(t, "index"));
					if (json_object_get(t, "groups_address"))
						sb_addf(o, "  groups at %s: %lld x %lld bytes\n", gl_jstr(t, "groups_address"),
							(long long)gl_jint(t, "ngroups"), (long long)gl_jint(d, "group_size"));
				}
				if (json_object_get(t, "error"))
					sb_addf(o, "  %s!! %s%s\n", gl_c(c, "err"), gl_jstr(t, "error"), gl_c(c, "reset"));
				render_groups(c, json_object_get(t, "groups"));
			}
			sb_addf(o, "%lld of %lld groups shown%s\n", (long long)gl_jint(d, "groups_shown"),
				(long long)gl_jint(d, "groups_total"),
				gl_jint(d, "groups_shown") < gl_jint(d, "groups_total") ? " (--limit N, --all, --group I)" : "");
		} else {
			sb_addf(o, "buckets at %s: 2^%lld x %lld bytes (%s)\n",
				gl_jstr(json_array_get(json_object_get(d, "header"), 5), "value"), (long long)gl_jint(d, "B"),
				(long long)gl_jint(d, "bucket_size"), gl_jstr(d, "bucket_type"));
			render_buckets(c, json_object_get(d, "buckets"), "bucket");
			if (json_object_get(d, "old_buckets")) {
				sb_addf(o, "growing (%s): oldbuckets at %s, %lld old buckets, nevacuate %lld\n",
					json_is_true(json_object_get(d, "same_size_grow")) ? "same-size" : "doubling",
					gl_jstr(d, "oldbuckets"), (long long)gl_jint(d, "noldbuckets"),
					(long long)gl_jint(d, "nevacuate"));
				render_buckets(c, json_object_get(d, "old_buckets"), "old bucket");
			}
			sb_addf(o, "%lld of %lld buckets shown%s\n", (long long)gl_jint(d, "buckets_shown"),
				(long long)gl_jint(d, "buckets_total"),
				gl_jint(d, "buckets_shown") < gl_jint(d, "buckets_total") ? " (--limit N, --all, --bucket I)" : "");
		}
	}
	render_summary(c, d, swiss);
}

const struct gl_command gl_cmd_map = {
	.name = "map",
	.summary = "Show the runtime layout of a map: header, buckets or tables and groups.",
	.help = "Usage: golayout map EXPR [--summary] [--limit N | --all] [--bucket I | --group I] [--json]\n"
		"\n"
		"Classic maps (Go <= 1.23, noswissmap): the hmap header field by field, each\n"
		"bucket with its tophash bytes decoded, keys and values at their offsets,\n"
		"overflow chains, and growth state (oldbuckets, evacuated buckets).\n"
		"Swiss maps (Go >= 1.24): the Map header, the directory with each table shown\n"
		"once, each table's groups with control bytes decoded (empty/deleted/full+H2)\n"
		"and slots; small maps as their single group.\n"
		"--summary  load factor, histograms, tombstones, bytes used and wasted\n"
		"--limit N  draw N buckets/groups (default 16); --all draws every one\n"
		"--group I  draw only group I; groups are numbered across all tables in\n"
		"           directory order (--bucket I: bucket I of the bucket array)\n"
		"--json     also lists every entry as {key, value} (%v text), all of them\n"
		"           unless --limit is given",
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE | GL_OPT_SUMMARY | GL_OPT_INDEX,
	.min_args = 1,
	.max_args = 1,
	.run = run,
	.render = render,
};
