/* golayout stats: how much golayout asked of the debugger. */
#include "commands/commands.h"

static void put(json_t *o, const struct gl_mem_stats *s)
{
	json_object_set_new(o, "backend_reads", json_integer((json_int_t)s->backend_reads));
	json_object_set_new(o, "backend_bytes", json_integer((json_int_t)s->backend_bytes));
	json_object_set_new(o, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "cache_hits", json_integer((json_int_t)s->cache_hits));
	json_object_set_new(o, "faults", json_integer((json_int_t)s->faults));
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	json_t *d = gl_doc_new(c, "stats", NULL, false, 0);
	if (!d)
		return &gl_error_nomem;
	*docp = d;
	json_t *total = json_object();
	put(total, &c->mem->stats);
	json_object_set_new(d, "session", total);
	json_object_set_new(d, "cached_pages", json_integer((json_int_t)c->mem->npages));
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	json_t *s = json_object_get(d, "session");
	sb_addf(&c->out,
		"memory reads this session: %lld backend reads, %lld bytes; %lld requests, "
		"%lld served from cache; %lld unreadable pages; %lld pages cached now\n",
		(long long)json_integer_value(json_object_get(s, "backend_reads")),
		(long long)json_integer_value(json_object_get(s, "backend_bytes")),
		(long long)json_integer_value(json_object_get(s, "requests")),
		(long long)json_integer_value(json_object_get(s, "cache_hits")),
		(long long)json_integer_value(json_object_get(s, "faults")),
		(long long)json_integer_value(json_object_get(d, "cached_pages")));
}

const struct gl_command gl_cmd_stats = {
	.name = "stats",
	.summary = "Show how many memory reads golayout made through the debugger.",
	.help = "Usage: golayout stats [--json]\n"
		"\n"
		"Counts backend reads and bytes, requests served from golayout's per-stop\n"
		"page cache, and unreadable pages, since the debugger session began.",
	.min_args = 0,
	.max_args = 0,
	.run = run,
	.render = render,
};
