#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "target/elffile.h"
#include "target/elfsyms.h"

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

/* ---- read/dirty ----------------------------------------------------------- */

/* The runtime type descriptor of the type named `name`: moduledata.types
 * (the symbol runtime.types of a non-PIE program) plus the offset DWARF
 * gives it (DW_AT_go_runtime_type), found by trying every aligned offset
 * of the types section. */
static uint64_t runtime_type(struct map_scene *m, const char *name)
{
	struct gl_elf elf;
	struct gl_error *err = gl_elf_open(m->bin->path, &elf);
	if (err)
		fail_msg("%s: %s", m->bin->path, err->message);
	uint64_t base = 0, end = 0, size, found = 0;
	if (!gl_elf_symbol(&elf, "runtime.types", &base, &size) || !gl_elf_symbol(&elf, "runtime.etypes", &end, &size))
		fail_msg("%s has no runtime.types and runtime.etypes symbols", m->bin->path);
	gl_elf_close(&elf);
	for (uint64_t off = 0; off < end - base && !found; off += 8) {
		const struct gl_type *t = gl_dwarf_type_by_runtime_offset(m->bin->dw, off);
		if (t && t->name && !strcmp(t->name, name))
			found = base + off;
	}
	if (!found)
		fail_msg("%s: no runtime type descriptor of %s", m->bin->path, name);
	return found;
}

void sm_rd_layout(struct map_scene *m, struct sm_rd *L)
{
	struct gl_dwarf *dw = m->bin->dw;
	const struct gl_type *sm = need_type(dw, "sync.Map", NULL);
	const struct gl_type *ro = need_type(dw, "sync.readOnly", NULL);
	const struct gl_type *en = need_type(dw, "sync.entry", NULL);
	L->map = classic_layout_of(m->bin, ms_field_type(sm, "dirty"));
	L->sm_size = sm->size;
	L->read = path_off(sm, "read", "v");
	L->dirty = ms_field_off(sm, "dirty");
	L->misses = ms_field_off(sm, "misses");
	L->ro_size = ro->size;
	L->ro_m = ms_field_off(ro, "m");
	L->ro_amended = ms_field_off(ro, "amended");
	L->entry_size = en->size;
	L->entry_p = path_off(en, "p", "v");
	struct gl_type *xt;
	if (!gl_dwarf_find_global(dw, "sync.expunged", &L->expunged, &xt))
		fail_msg("%s has no global sync.expunged", m->bin->path);
	L->t_int = runtime_type(m, "int");
	L->t_string = runtime_type(m, "string");
}

/* An interface {t, data}: its two words. */
static void put_eface(unsigned char *b, uint64_t t, uint64_t data)
{
	ms_put64(b, t);
	ms_put64(b + 8, data);
}

/* Interface values mapped at A_ELEMS + 0x20 * i (an eface, then the
 * int or string header its data word points to); e gets the eface. */
static uint64_t int_iface(struct map_scene *m, const struct sm_rd *L, int i, int64_t v, unsigned char e[16])
{
	uint64_t a = A_ELEMS + 0x20ull * (uint64_t)i;
	unsigned char b[24];
	put_eface(b, L->t_int, a + 16);
	ms_put64(b + 16, (uint64_t)v);
	fake_map(m->ft, a, b, sizeof(b));
	memcpy(e, b, 16);
	return a;
}

static uint64_t string_iface(struct map_scene *m, const struct sm_rd *L, int i, const char *s,
			     unsigned char e[16])
{
	uint64_t a = A_ELEMS + 0x20ull * (uint64_t)i;
	unsigned char b[32];
	put_eface(b, L->t_string, a + 16);
	go_string(m, s, b + 16);
	fake_map(m->ft, a, b, sizeof(b));
	memcpy(e, b, 16);
	return a;
}

static void put_rd_entry(struct map_scene *m, const struct sm_rd *L, int i, uint64_t p)
{
	unsigned char *b = ms_calloc(L->entry_size);
	ms_put64(b + L->entry_p, p);
	fake_map(m->ft, sm_entry_addr(i), b, L->entry_size);
}

/* A one-bucket map at hdr of n keys (the efaces key[i]) to entries;
 * with poke, over the one mapped there. */
static void put_rd_map(struct map_scene *m, const struct sm_rd *L, uint64_t hdr, uint64_t bucket, int n,
		       unsigned char (*key)[16], const int *entry, bool poke)
{
	const struct classic *C = &L->map;
	unsigned char *h = ms_calloc(C->hsize), *bk = ms_calloc(C->bsize);
	c_header(C, h, (uint64_t)n, 0, 0, bucket, 0, 0);
	for (int i = 0; i < n; i++) {
		unsigned char e[8];
		ms_put64(e, sm_entry_addr(entry[i]));
		c_cell(C, bk, i, (uint8_t)(C->min_top + 3 * i + 1), key[i], e);
	}
	(poke ? fake_poke : fake_map)(m->ft, bucket, bk, C->bsize);
	(poke ? fake_poke : fake_map)(m->ft, hdr, h, C->hsize);
}

void sm_put_good_rd(struct map_scene *m, const struct sm_rd *L)
{
	const uint64_t sentinel = A_ELEMS + 0x3000; /* new(any), as sync's init made it */
	unsigned char w[16] = {0};
	fake_map(m->ft, sentinel, w, 16);
	ms_put64(w, sentinel);
	fake_map(m->ft, L->expunged, w, 8);
	/* keys 1, 2, "x", "y"; values 10 and "hello" */
	unsigned char k[4][16], v[16], rk[3][16], dk[3][16];
	int_iface(m, L, 0, 1, k[0]);
	int_iface(m, L, 1, 2, k[1]);
	string_iface(m, L, 2, "x", k[2]);
	string_iface(m, L, 3, "y", k[3]);
	put_rd_entry(m, L, 0, int_iface(m, L, 4, 10, v));
	put_rd_entry(m, L, 1, sentinel);
	put_rd_entry(m, L, 2, 0);
	put_rd_entry(m, L, 3, string_iface(m, L, 5, "hello", v));
	memcpy(rk[0], k[0], 16), memcpy(rk[1], k[1], 16), memcpy(rk[2], k[2], 16);
	memcpy(dk[0], k[0], 16), memcpy(dk[1], k[2], 16), memcpy(dk[2], k[3], 16);
	put_rd_map(m, L, A_HDR, A_BUCKETS, 3, rk, (const int[]){0, 1, 2}, false);
	put_rd_map(m, L, A_HDR + 0x100, A_BUCKETS + 0x1000, 3, dk, (const int[]){0, 2, 3}, false);
	unsigned char *ro = ms_calloc(L->ro_size);
	ms_put64(ro + L->ro_m, A_HDR);
	ro[L->ro_amended] = 1;
	fake_map(m->ft, A_RO, ro, L->ro_size);
	unsigned char *b = ms_calloc(L->sm_size);
	ms_put64(b + L->read, A_RO);
	ms_put64(b + L->dirty, A_HDR + 0x100);
	ms_put(b + L->misses, 1, 8);
	fake_map(m->ft, A_SM, b, L->sm_size);
}

void sm_put_rd_dirty_keys(struct map_scene *m, const struct sm_rd *L, int n, uint64_t type_word)
{
	unsigned char k[8][16];
	int ents[8] = {0};
	for (int i = 0; i < n && i < 8; i++) {
		int_iface(m, L, 8 + i, i, k[i]);
		ms_put64(k[i], type_word);
	}
	put_rd_map(m, L, A_HDR + 0x100, A_BUCKETS + 0x1000, n < 8 ? n : 8, k, ents, true);
}
