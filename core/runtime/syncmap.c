/* Decoding a sync.Map: which implementation the binary's sync package has
 * (its DWARF, through the runtime-layout table), the Range list both
 * decoders fill, and freeing the model. */
#include <stdlib.h>
#include <string.h>

#include "runtime/syncmap.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"

const char *gl_syncmap_estate_name(enum gl_syncmap_estate s)
{
	switch (s) {
	case GL_SYNCMAP_LIVE: return "live";
	case GL_SYNCMAP_DELETED: return "deleted";
	case GL_SYNCMAP_EXPUNGED: return "expunged";
	case GL_SYNCMAP_UNREADABLE: break;
	}
	return "unreadable";
}

bool gl_syncmap_is(const struct gl_type *t)
{
	return t && t->kind == GL_K_STRUCT && t->name && !strcmp(t->name, "sync.Map");
}

struct gl_error *gl_syncmap_decode(struct gl_ctx *c, uint64_t addr, const struct gl_syncmap_opts *o,
				   struct gl_syncmap *m)
{
	memset(m, 0, sizeof(*m));
	m->address = addr;
	m->entries.on = true;
	m->entries.max = GL_SYNCMAP_MAX_NODES;
	uint64_t reads0 = c->mem->cmd_stats.backend_reads;
	const struct gl_rtlayout *rt;
	struct gl_error *err = gl_rt_load_globals(c, &rt);
	const struct gl_type *st = err ? NULL : gl_rt_struct(rt, GL_RTS_SYNCMAP);
	if (err)
		;
	else if (!st)
		err = gl_error_create(GL_ERR_NODWARF, "no layout of sync.Map in the binary's DWARF");
	else if (gl_rt_field(rt, GL_RTF_SYNCMAP_TRIE).present)
		err = gl_syncmap_decode_trie(c, rt, o, m);
	else if (gl_rt_field(rt, GL_RTF_SYNCMAP_READ).present) {
		unsigned char *mb = malloc(st->size ? st->size : 1);
		err = mb ? gl_mem_read(c->mem, addr, mb, st->size) : &gl_error_nomem;
		if (!err)
			err = gl_syncmap_decode_rd(c, rt, mb, m);
		else if (mb)
			err = gl_error_wrap(err, "reading the sync.Map at 0x%llx", (unsigned long long)addr);
		free(mb);
	} else
		err = gl_error_create(GL_ERR_UNSUPPORTED, "sync.Map has neither read/dirty nor a hash-trie");
	gl_map_sort_entries(c, &m->entries);
	m->reads = c->mem->cmd_stats.backend_reads - reads0;
	return err;
}

static void rdmap_deinit(struct gl_syncmap_rdmap *r)
{
	free(r->v);
	gl_error_destroy(r->err);
}

void gl_syncmap_deinit(struct gl_syncmap *m)
{
	rdmap_deinit(&m->rd.rm);
	rdmap_deinit(&m->rd.dm);
	free(m->trie.nodes);
	free(m->trie.entries);
	gl_error_destroy(m->trie.hash_err);
	gl_error_destroy(m->trie.err);
	gl_map_entries_deinit(&m->entries);
	gl_arena_free(&m->bytes);
	memset(m, 0, sizeof(*m));
}
