#include "render/stats_text.h"

void gl_stats_text(struct gl_ctx *c, const struct gl_mem *m)
{
	const struct gl_mem_stats *s = &m->stats;
	sb_addf(&c->out,
		"memory reads this session: %lld backend reads, %lld bytes; %lld requests, "
		"%lld served from cache; %lld unreadable pages; %lld pages cached now\n",
		(long long)s->backend_reads, (long long)s->backend_bytes, (long long)s->requests,
		(long long)s->cache_hits, (long long)s->faults, (long long)m->npages);
}
