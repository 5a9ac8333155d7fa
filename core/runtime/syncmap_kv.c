/* What both sync.Map decoders (syncmap_rd.c, syncmap_trie.c) keep of a
 * key and value: copies in the model's arena, and the Range list. */
#include <string.h>

#include "runtime/syncmap.h"

unsigned char *gl_syncmap_copy(struct gl_syncmap *m, const unsigned char *b, size_t n)
{
	unsigned char *p = gl_arena_alloc(&m->bytes, n);
	if (p)
		memcpy(p, b, n);
	return p;
}

struct gl_error *gl_syncmap_add_entry(struct gl_ctx *c, const struct gl_rtlayout *rt,
				      struct gl_syncmap *m, const struct gl_syncmap_kv *kv)
{
	return gl_map_add_entry(c, rt, &m->entries, m->iface, kv->key, m->iface, kv->value);
}
