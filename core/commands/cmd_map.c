/* golayout map EXPR: the runtime layout behind a Go map. */
#include "commands/commands.h"
#include "render/map_text.h"
#include "doc/map_doc.h"
#include "eval/expr.h"
#include "doc/home_doc.h"
#include "runtime/maps.h"
#include "eval/value.h"

/* The document: the value's head, then the model (doc/map_doc.c). */
static json_t *map_doc(struct gl_ctx *c, const struct gl_value *v, uint64_t ptr,
		       const struct gl_home *home, const struct gl_map *m, uint64_t reads0)
{
	const char *expr = c->opts.args[0];
	json_t *d = gl_doc_new(c, "map", v->type->name, ptr != 0, ptr);
	if (!d)
		return NULL;
	json_object_set_new(d, "expr", gl_json_text(expr));
	if (v->in_memory)
		gl_json_set_addr(d, "variable_address", v->addr);
	json_object_set_new(d, "where", json_string(v->where));
	json_object_set_new(d, "key_type", gl_json_text(v->type->key ? v->type->key->name : "?"));
	json_object_set_new(d, "elem_type", gl_json_text(v->type->elem ? v->type->elem->name : "?"));
	json_object_set_new(d, "summary_only", json_boolean(c->opts.summary));
	if (ptr)
		json_object_set_new(d, "home", gl_home_json(home));
	if (!m) {
		json_object_set_new(d, "nil", json_true());
		json_object_set_new(d, "count", json_integer(0));
		json_object_set_new(d, "entries", json_array());
		return d;
	}
	gl_map_doc_add(c, m, d);
	/* everything the command read, formatting of the values included */
	json_object_set_new(d, "backend_reads",
			    json_integer((json_int_t)(c->mem->cmd_stats.backend_reads - reads0)));
	return d;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_MAP, "a map", &v);
	if (err)
		return err;
	uint64_t ptr = gl_get_uint(v.bytes, c->t->ptr_size);
	struct gl_map m = {0};
	struct gl_home home = {0};
	if (ptr && c->opts.json) /* where the header lives: heap span, size class, object */
		gl_home_of(c, ptr, &home);
	/* backend_reads counts the map's reads, not those of the lookup above */
	uint64_t reads0 = c->mem->cmd_stats.backend_reads;
	if (ptr) {
		struct gl_map_opts o = {
			.layout = !c->opts.summary,
			.entries = c->opts.json && !c->opts.summary,
			.max_entries = c->opts.limit_set ? (size_t)c->opts.limit : (size_t)-1,
			.show_limit = c->opts.all ? -1 : c->opts.limit,
			.only_index = c->opts.index,
		};
		err = gl_map_decode(c, v.type, ptr, &o, &m);
		long total = gl_map_total(&m);
		if (!err && c->opts.index >= 0 && c->opts.index >= total)
			err = gl_error_create(GL_ERR_LOOKUP, "%s %ld out of range: the map has %ld (0..%ld)",
					      m.impl == GL_MAP_SWISS ? "group" : "bucket", c->opts.index, total,
					      total - 1);
	}
	if (c->opts.json) {
		*docp = map_doc(c, &v, ptr, &home, ptr ? &m : NULL, reads0);
		if (!*docp && !err)
			err = &gl_error_nomem;
	} else {
		gl_map_text(c, expr, v.type->name, c->opts.summary, ptr ? &m : NULL);
	}
	gl_map_deinit(&m);
	gl_value_deinit(&v);
	return err;
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
};
