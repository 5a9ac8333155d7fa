#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scene_syncmap.h"

static const struct gl_type *need_type(struct gl_dwarf *dw, const char *a, const char *b)
{
	const struct gl_type *t = gl_dwarf_find_type(dw, a);
	if (!t && b)
		t = gl_dwarf_find_type(dw, b);
	if (!t)
		fail_msg("no DWARF type %s in the swiss test program", a);
	return t;
}

/* Offset of field path "a.b" (one level of nesting, or none). */
static uint64_t path_off(const struct gl_type *t, const char *a, const char *b)
{
	return ms_field_off(t, a) + (b ? ms_field_off(ms_field_type(t, a), b) : 0);
}

void sm_trie_layout(struct map_scene *m, struct sm_trie *L)
{
	struct gl_dwarf *dw = m->bin->dw;
	const struct gl_type *sm = need_type(dw, "sync.Map", NULL);
	const struct gl_type *ht = need_type(dw, "internal/sync.HashTrieMap[interface {},interface {}]", NULL);
	const struct gl_type *in = need_type(dw, "internal/sync.indirect[interface {},interface {}]",
					     "internal/sync.indirect[go.shape.interface {},go.shape.interface {}]");
	const struct gl_type *en = need_type(dw, "internal/sync.entry[interface {},interface {}]",
					     "internal/sync.entry[go.shape.interface {},go.shape.interface {}]");
	L->sm_size = sm->size;
	L->m_off = ms_field_off(sm, "m");
	L->root = L->m_off + path_off(ht, "root", "v");
	L->inited = L->m_off + path_off(ht, "inited", "v");
	L->node_size = in->size;
	L->kids = ms_field_off(in, "children");
	L->parent = ms_field_off(in, "parent");
	L->entry_size = en->size;
	L->overflow = path_off(en, "overflow", "v");
	L->is_entry = path_off(en, "node", "isEntry");
}

uint64_t sm_node_addr(int i)
{
	return A_NODES + 0x100ull * (uint64_t)i;
}

uint64_t sm_entry_addr(int i)
{
	return A_ENTS + 0x40ull * (uint64_t)i;
}

void sm_put_map(struct map_scene *m, const struct sm_trie *L, uint64_t root)
{
	unsigned char *b = ms_calloc(L->sm_size);
	ms_put64(b + L->root, root);
	ms_put(b + L->inited, 1, 4);
	fake_map(m->ft, A_SM, b, L->sm_size);
}

void sm_put_node(struct map_scene *m, const struct sm_trie *L, int i, uint64_t parent, ...)
{
	unsigned char *b = ms_calloc(L->node_size);
	ms_put64(b + L->parent, parent);
	va_list ap;
	va_start(ap, parent);
	for (int slot; (slot = va_arg(ap, int)) >= 0;)
		ms_put64(b + L->kids + 8u * (unsigned)slot, va_arg(ap, uint64_t));
	va_end(ap);
	fake_map(m->ft, sm_node_addr(i), b, L->node_size);
}

void sm_put_entry(struct map_scene *m, const struct sm_trie *L, int i, uint64_t overflow)
{
	unsigned char *b = ms_calloc(L->entry_size);
	b[L->is_entry] = 1;
	ms_put64(b + L->overflow, overflow);
	fake_map(m->ft, sm_entry_addr(i), b, L->entry_size);
}

void sm_put_good_trie(struct map_scene *m, const struct sm_trie *L)
{
	sm_put_map(m, L, sm_node_addr(0));
	sm_put_node(m, L, 0, 0, 3, sm_entry_addr(0), 5, sm_node_addr(1), -1);
	sm_put_node(m, L, 1, sm_node_addr(0), 0, sm_entry_addr(2), -1);
	sm_put_entry(m, L, 0, sm_entry_addr(1));
	sm_put_entry(m, L, 1, 0);
	sm_put_entry(m, L, 2, 0);
}
