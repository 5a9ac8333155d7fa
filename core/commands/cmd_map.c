/* golayout map EXPR: the runtime layout behind a Go map. */
#include "commands/commands.h"

/* A sync.Map, or a pointer to one: its structure (read/dirty or the
 * hash-trie) and its entries. */
static struct gl_error *run_syncmap(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_syncmap_view *sv = &w->u.syncmap;
	const struct gl_value *v = &w->value;
	uint64_t addr = v->addr;
	w->kind = GL_VIEW_SYNCMAP;
	w->limit = o->all ? UINT64_MAX : (uint64_t)o->limit;
	sv->summary = o->summary;
	sv->max_entries = o->limit_set ? (uint64_t)o->limit : UINT64_MAX;
	if (o->key || o->index >= 0)
		return gl_error_create(GL_ERR_USAGE, "%s is not supported for a sync.Map",
				       o->key ? "--key" : "--bucket/--group");
	if (v->type->kind == GL_K_POINTER) {
		addr = gl_get_uint(v->bytes, c->t->ptr_size);
		if (!addr)
			return gl_error_create(GL_ERR_NIL, "%s is a nil *sync.Map", w->expr);
	} else if (!v->in_memory) {
		return gl_error_create(GL_ERR_UNAVAILABLE, "%s is not in memory (%s)", w->expr, v->where);
	}
	if (o->json)
		gl_home_of(c, addr, &sv->home);
	sv->reads0 = c->mem->cmd_stats.backend_reads;
	/* hashes place each trie entry: cheap next to the walk, and a check of it */
	struct gl_syncmap_opts so = {.hash = true};
	return gl_syncmap_decode(c, addr, &so, &sv->m);
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	/* a sync.Map is a struct: look at the type before asking for a map */
	struct gl_error *err = gl_view_eval(c, o, GL_K_INVALID, NULL, w);
	if (!err && (gl_syncmap_is(w->value.type) ||
		     (w->value.type->kind == GL_K_POINTER && gl_syncmap_is(w->value.type->elem))))
		return run_syncmap(c, o, w);
	if (!err) {
		gl_value_deinit(&w->value);
		w->has_value = false;
		err = gl_view_eval(c, o, GL_K_MAP, "a map", w);
	}
	if (err)
		return err;
	struct gl_map_view *mv = &w->u.map;
	w->kind = GL_VIEW_MAP;
	mv->ptr = gl_get_uint(w->value.bytes, c->t->ptr_size);
	mv->summary = o->summary;
	mv->hash = o->hash;
	mv->key_text = o->key;
	if (o->key && (o->index >= 0 || o->summary))
		return gl_error_create(GL_ERR_USAGE, "--key cannot be combined with %s",
				       o->summary ? "--summary" : "--bucket/--group");
	if (!mv->ptr)
		return o->key ? gl_error_create(GL_ERR_LOOKUP, "the map is nil: no key is in it, and an "
						"insert would panic")
			      : NULL;
	if (o->json) /* where the header lives: heap span, size class, object */
		gl_home_of(c, mv->ptr, &mv->home);
	/* backend_reads counts the map's reads, not those of the lookup above */
	mv->reads0 = c->mem->cmd_stats.backend_reads;
	/* --key walks the model: every bucket or group is kept, none drawn */
	struct gl_map_opts mo = {
		.layout = !o->summary,
		.entries = o->json && !o->summary && !o->key,
		.max_entries = o->limit_set ? (size_t)o->limit : (size_t)-1,
		.show_limit = o->all || o->key ? -1 : o->limit,
		.only_index = o->index,
		.hash = o->hash || o->summary || o->key,
	};
	err = gl_map_decode(c, w->value.type, mv->ptr, &mo, &mv->m);
	if (!err && o->key) {
		err = gl_keylit_parse(c, w->value.type->key, o->key, &mv->key);
		if (!err)
			err = gl_map_lookup(c, &mv->m, mv->key.bytes, &mv->key.rd, &mv->lookup);
		mv->looked_up = !err;
	}
	long total = gl_map_total(&mv->m);
	if (!err && o->index >= 0 && o->index >= total)
		err = gl_error_create(GL_ERR_LOOKUP, "%s %ld out of range: the map has %ld (0..%ld)",
				      mv->m.impl == GL_MAP_SWISS ? "group" : "bucket", o->index, total,
				      total - 1);
	return err;
}

const struct gl_command gl_cmd_map = {
	.name = "map",
	.summary = "Show the runtime layout of a map: header, buckets or tables and groups.",
	.help = "Usage: golayout map EXPR [--summary] [--limit N | --all] [--bucket I | --group I] [--hash]\n"
		"                    [--key K] [--json]\n"
		"\n"
		"Classic maps (Go <= 1.23, noswissmap): the hmap header field by field, each\n"
		"bucket with its tophash bytes decoded, keys and values at their offsets,\n"
		"overflow chains, and growth state (oldbuckets, evacuated buckets).\n"
		"Swiss maps (Go >= 1.24): the Map header, the directory with each table shown\n"
		"once, each table's groups with control bytes decoded (empty/deleted/full+H2)\n"
		"and slots; small maps as their single group.\n"
		"--summary  load factor, histograms, tombstones, bytes used and wasted; swiss:\n"
		"           probe lengths (groups a lookup visits); classic: entries outside\n"
		"           their home bucket (in overflow buckets)\n"
		"--hash     each full slot's hash (the runtime's hash, with the map's seed)\n"
		"--key K    look K up as the runtime does: its hash, tophash or H1/H2, home\n"
		"           bucket (and old bucket while growing) or directory slot, table\n"
		"           and probe sequence with each control word's matches; where K is,\n"
		"           or where an insert would put it. K: a Go literal (\"s\", 42, -1.5,\n"
		"           true, nil, Pair{A: 1, B: \"x\"}, {1, 2}) or an expression\n"
		"--limit N  draw N buckets/groups (default 16); --all draws every one\n"
		"--group I  draw only group I; groups are numbered across all tables in\n"
		"           directory order (--bucket I: bucket I of the bucket array)\n"
		"--json     also lists every entry as {key, value} (%v text), all of them\n"
		"           unless --limit is given\n"
		"\n"
		"A sync.Map (or *sync.Map): before Go 1.24 its read-only map behind the atomic\n"
		"pointer, the dirty map, misses and amended, and each key's entry (a value,\n"
		"nil = deleted, or expunged); from Go 1.24 its hash-trie: inner nodes by level\n"
		"with their 16 child slots and the hash bits each level takes, entries and\n"
		"their overflow chains (--limit N / --all: entries drawn). Then the entries as\n"
		"Load and Range see them; --summary gives the counts and depth histogram.",
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE | GL_OPT_SUMMARY | GL_OPT_INDEX | GL_OPT_KEY | GL_OPT_SVG,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
