#include "doc/doc.h"
#include "doc/stats_doc.h"

json_t *gl_stats_doc(struct gl_ctx *c, const struct gl_mem *m)
{
	json_t *d = gl_doc_new(c, "stats", NULL, false, 0), *o = json_object();
	if (!d)
		return NULL;
	const struct gl_mem_stats *s = &m->stats;
	json_object_set_new(o, "backend_reads", json_integer((json_int_t)s->backend_reads));
	json_object_set_new(o, "backend_bytes", json_integer((json_int_t)s->backend_bytes));
	json_object_set_new(o, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "cache_hits", json_integer((json_int_t)s->cache_hits));
	json_object_set_new(o, "faults", json_integer((json_int_t)s->faults));
	json_object_set_new(d, "session", o);
	json_object_set_new(d, "cached_pages", json_integer((json_int_t)m->npages));
	return d;
}
