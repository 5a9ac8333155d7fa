/* Map scenes: see scene_maps.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scene_maps.h"

/* The scene of the running test, for its allocations. */
static struct map_scene *cur;

void *ms_calloc(size_t n)
{
	assert_non_null(cur);
	assert_true(cur->nowned < sizeof(cur->owned) / sizeof(cur->owned[0]));
	void *p = calloc(1, n ? n : 1);
	assert_non_null(p);
	cur->owned[cur->nowned++] = p;
	return p;
}

void map_scene_init(struct map_scene *f, struct map_bin *bin)
{
	memset(f, 0, sizeof(*f));
	f->bin = bin ? map_bin_get(bin) : NULL;
	f->ft = fake_new();
	f->str_next = A_STR;
	if (f->bin)
		fake_set_exe(f->ft, f->bin->path);
	cur = f;
}

void map_scene_deinit(struct map_scene *f)
{
	for (size_t i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	fake_free(f->ft);
	if (cur == f)
		cur = NULL;
	memset(f, 0, sizeof(*f));
}

struct map_bin *map_bin_need(struct map_bin *b)
{
	if (!map_bin_get(b))
		fail_msg("no %s test program: run tests/unit/build-testdata.sh", b->file);
	return b;
}

void map_bins_close(void)
{
	struct map_bin *bins[] = {&B_CLASSIC, &B_SWISS, &B_SWISS_SPLIT};
	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		if (bins[i]->dw)
			gl_dwarf_close(bins[i]->dw);
		bins[i]->dw = NULL;
		bins[i]->tried = false;
	}
}
/* An address nothing is mapped at (nor in its page). */

/* Where the tests put map memory: page-aligned, far apart. */
/* ---- the test binaries and their DWARF --------------------------------- */


struct map_bin B_CLASSIC = {.file = "maps-classic"};
struct map_bin B_SWISS = {.file = "maps-swiss"};
struct map_bin B_SWISS_SPLIT = {.file = "maps-swiss-split"};

/* The DWARF of a test binary, opened once per process; NULL when missing. */
struct map_bin *map_bin_get(struct map_bin *b)
{
	if (!b->tried) {
		b->tried = true;
		const char *p = fake_testdata(b->file);
		if (p && access(p, X_OK) == 0) {
			snprintf(b->path, sizeof(b->path), "%s", p);
			struct gl_error *err = gl_dwarf_open(b->path, &b->dw);
			if (err) {
				print_error("%s: %s\n", b->path, err->message);
				gl_error_destroy(err);
				b->dw = NULL;
			}
		}
	}
	return b->dw ? b : NULL;
}

uint64_t ms_field_off(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (!f)
		fail_msg("DWARF type %s has no field %s", t ? t->name : "(null)", name);
	return f->offset;
}

const struct gl_type *ms_field_type(const struct gl_type *t, const char *name)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (!f || !f->type)
		fail_msg("DWARF type %s has no field %s", t ? t->name : "(null)", name);
	return f->type;
}

int64_t ms_konst(struct gl_dwarf *dw, const char *name, int64_t dflt)
{
	int64_t v;
	return gl_dwarf_find_const(dw, name, &v) ? v : dflt;
}

/* A map global: its address and map type. */

struct mglobal find_map_global(struct map_bin *b, const char *name)
{
	struct mglobal g = {.name = name};
	if (!gl_dwarf_find_global(b->dw, name, &g.addr, &g.type))
		fail_msg("%s has no global %s", b->path, name);
	if (!g.type || g.type->kind != GL_K_MAP || !g.type->target)
		fail_msg("%s is not a map with a runtime header in DWARF", name);
	return g;
}

/* ---- classic layout (hash<K,V>, bucket<K,V>) ------------------------------- */


struct classic classic_layout(struct map_bin *b, const char *global)
{
	struct mglobal g = find_map_global(b, global);
	struct classic L = classic_layout_of(b, g.type);
	L.g = g;
	return L;
}

struct classic classic_layout_of(struct map_bin *b, const struct gl_type *map)
{
	if (!map || map->kind != GL_K_MAP || !map->target)
		fail_msg("%s is not a map with a runtime header in DWARF", map ? map->name : "(null)");
	struct classic L = {.hdr = map->target};
	L.hsize = L.hdr->size;
	L.bucket = ms_field_type(L.hdr, "buckets")->elem;
	assert_non_null(L.bucket);
	L.bsize = L.bucket->size;
	L.tophash = ms_field_off(L.bucket, "tophash");
	L.keys = ms_field_off(L.bucket, "keys");
	L.elems = ms_field_off(L.bucket, "values");
	L.overflow = ms_field_off(L.bucket, "overflow");
	const struct gl_type *ks = ms_field_type(L.bucket, "keys")->elem;
	const struct gl_type *es = ms_field_type(L.bucket, "values")->elem;
	assert_non_null(ks);
	assert_non_null(es);
	L.kslot = ks->size;
	L.eslot = es->size;
	assert_true(L.bsize >= L.overflow + 8);
	/* the runtime's constants, as the decoder reads them */
	L.empty_rest = (uint8_t)ms_konst(b->dw, "runtime.emptyRest", 0);
	L.empty_one = (uint8_t)ms_konst(b->dw, "runtime.emptyOne", 1);
	L.evac_x = (uint8_t)ms_konst(b->dw, "runtime.evacuatedX", 2);
	L.evac_y = (uint8_t)ms_konst(b->dw, "runtime.evacuatedY", 3);
	L.evac_empty = (uint8_t)ms_konst(b->dw, "runtime.evacuatedEmpty", 4);
	L.min_top = (uint8_t)ms_konst(b->dw, "runtime.minTopHash", 5);
	L.same_size = (uint8_t)ms_konst(b->dw, "runtime.sameSizeGrow", 8);
	return L;
}

/* ---- swiss layout (map<K,V>, table<K,V>, groupReference<K,V>, group) ------- */


struct swiss swiss_layout(struct map_bin *b, const char *global)
{
	struct swiss L = {.g = find_map_global(b, global)};
	L.hdr = L.g.type->target;
	L.hsize = L.hdr->size;
	const struct gl_type *dp = ms_field_type(L.hdr, "dirPtr"); /* **table */
	assert_non_null(dp->elem);
	L.table = dp->elem->elem;
	assert_non_null(L.table);
	L.tsize = L.table->size;
	L.gref = ms_field_type(L.table, "groups");
	L.goff = ms_field_off(L.table, "groups");
	L.group = ms_field_type(L.gref, "data")->elem;
	assert_non_null(L.group);
	L.gsize = L.group->size;
	L.ctrl = ms_field_off(L.group, "ctrl");
	if (gl_type_field(L.group, "slots")) {
		const struct gl_type *slot = ms_field_type(L.group, "slots")->elem;
		assert_non_null(slot);
		uint64_t base = ms_field_off(L.group, "slots");
		L.keys = base + ms_field_off(slot, "key");
		L.elems = base + ms_field_off(slot, "elem");
		L.key_stride = L.elem_stride = slot->size;
		L.kslot = ms_field_type(slot, "key")->size;
		L.eslot = ms_field_type(slot, "elem")->size;
	} else { /* GOEXPERIMENT=mapsplitgroup: all keys, then all elems */
		L.split = true;
		L.keys = ms_field_off(L.group, "keys");
		L.elems = ms_field_off(L.group, "elems");
		L.kslot = L.key_stride = ms_field_type(L.group, "keys")->elem->size;
		L.eslot = L.elem_stride = ms_field_type(L.group, "elems")->elem->size;
	}
	L.ctrl_empty = (uint8_t)ms_konst(b->dw, "internal/runtime/maps.ctrlEmpty", 0x80);
	L.ctrl_deleted = (uint8_t)ms_konst(b->dw, "internal/runtime/maps.ctrlDeleted", 0xfe);
	return L;
}

/* ---- little-endian writers ------------------------------------------------ */

void ms_put(unsigned char *p, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void ms_put64(unsigned char *p, uint64_t v)
{
	ms_put(p, v, 8);
}

/* Field `name` of the runtime struct t in the bytes at b: at its DWARF
 * offset, in its DWARF size. */
void ms_setf(unsigned char *b, const struct gl_type *t, const char *name, uint64_t v)
{
	const struct gl_field *f = gl_type_field(t, name);
	if (!f || !f->type || f->type->size == 0 || f->type->size > 8)
		fail_msg("DWARF type %s has no scalar field %s", t->name, name);
	ms_put(b + f->offset, v, (unsigned)f->type->size);
}
/* Overwrite field `name` of the struct t mapped at addr. */
void poke_field(struct map_scene *f, uint64_t addr, const struct gl_type *t, const char *name,
		       uint64_t v)
{
	const struct gl_field *fl = gl_type_field(t, name);
	if (!fl || !fl->type || fl->type->size == 0 || fl->type->size > 8)
		fail_msg("DWARF type %s has no scalar field %s", t->name, name);
	unsigned char b[8];
	ms_put(b, v, (unsigned)fl->type->size);
	fake_poke(f->ft, addr + fl->offset, b, fl->type->size);
}

/* Put the map pointer into the global's memory. */
void set_global(struct map_scene *f, const struct mglobal *g, uint64_t map_ptr)
{
	unsigned char b[8];
	ms_put64(b, map_ptr);
	fake_map(f->ft, g->addr, b, 8);
}

/* A Go string header for s, its bytes mapped at a fresh address. */
void go_string(struct map_scene *f, const char *s, unsigned char hdr[16])
{
	size_t n = strlen(s);
	fake_map(f->ft, f->str_next, s, n);
	ms_put64(hdr, n ? f->str_next : 0);
	ms_put64(hdr + 8, n);
	f->str_next += (n + 15) & ~(uint64_t)15;
	f->str_next += 16;
}
/* ==== classic maps ========================================================= */

void c_header(const struct classic *L, unsigned char *h, uint64_t count, uint8_t flags,
		     uint8_t B, uint64_t buckets, uint64_t old, uint64_t nevac)
{
	ms_setf(h, L->hdr, "count", count);
	ms_setf(h, L->hdr, "flags", flags);
	ms_setf(h, L->hdr, "B", B);
	ms_setf(h, L->hdr, "buckets", buckets);
	ms_setf(h, L->hdr, "oldbuckets", old);
	ms_setf(h, L->hdr, "nevacuate", nevac);
}

/* Cell i of the bucket at b: tophash and the slot bytes of key and elem. */
void c_cell(const struct classic *L, unsigned char *b, int i, uint8_t tophash,
		   const void *k, const void *e)
{
	b[L->tophash + i] = tophash;
	memcpy(b + L->keys + (uint64_t)i * L->kslot, k, L->kslot);
	memcpy(b + L->elems + (uint64_t)i * L->eslot, e, L->eslot);
}

/* An int64 -> int cell (map[int64]int). */
void c_cell_ii(const struct classic *L, unsigned char *b, int i, int64_t k, int64_t v)
{
	assert_int_equal(L->kslot, 8);
	assert_int_equal(L->eslot, 8);
	c_cell(L, b, i, (uint8_t)(L->min_top + 10 + i), &k, &v);
}

void c_overflow(const struct classic *L, unsigned char *b, uint64_t next)
{
	ms_put64(b + L->overflow, next);
}

/* Map the header at A_HDR and point the global at it. */
void c_map_header(struct map_scene *f, const struct classic *L, const unsigned char *h)
{
	fake_map(f->ft, A_HDR, h, L->hsize);
	set_global(f, &L->g, A_HDR);
}
/* map[string]int{"a": 1, "bb": 2, "ccc": 3} in 2 buckets. */
void build_classic_strint(struct map_scene *f, struct classic *L)
{
	*L = classic_layout(f->bin, "main.gStrInt");
	assert_int_equal(L->kslot, 16);
	assert_int_equal(L->eslot, 8);
	unsigned char *h = ms_calloc(L->hsize), *bk = ms_calloc(2 * L->bsize), k[16];
	c_header(L, h, 3, 0, 1, A_BUCKETS, 0, 0);
	int64_t v;
	go_string(f, "a", k);
	v = 1;
	c_cell(L, bk, 0, L->min_top + 1, k, &v);
	bk[L->tophash + 1] = L->empty_one;
	go_string(f, "bb", k);
	v = 2;
	c_cell(L, bk, 2, 0xff, k, &v);
	go_string(f, "ccc", k);
	v = 3;
	c_cell(L, bk + L->bsize, 5, 0x80, k, &v);
	fake_map(f->ft, A_BUCKETS, bk, 2 * L->bsize);
	c_map_header(f, L, h);
}
/* 4 buckets, 6 entries, for --summary and --limit. */
void build_classic_four(struct map_scene *f, struct classic *L)
{
	*L = classic_layout(f->bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L->hsize), *bk = ms_calloc(4 * L->bsize);
	c_header(L, h, 6, 0, 2, A_BUCKETS, 0, 0);
	for (int i = 0; i < 6; i++)
		c_cell_ii(L, bk + (uint64_t)(i % 4) * L->bsize, i / 4, i + 1, 10 * (i + 1));
	fake_map(f->ft, A_BUCKETS, bk, 4 * L->bsize);
	c_map_header(f, L, h);
}
/* ==== swiss maps =========================================================== */

void s_header(const struct swiss *L, unsigned char *h, uint64_t used, uint64_t dir,
		     int64_t dirlen, uint8_t gdepth)
{
	ms_setf(h, L->hdr, "used", used);
	ms_setf(h, L->hdr, "dirPtr", dir);
	ms_setf(h, L->hdr, "dirLen", (uint64_t)dirlen);
	ms_setf(h, L->hdr, "globalDepth", gdepth);
	ms_setf(h, L->hdr, "globalShift", dirlen > 0 ? 64 - gdepth : 0);
}

void s_table(const struct swiss *L, unsigned char *t, uint16_t used, uint64_t ngroups,
		    uint8_t ldepth, int64_t index, uint64_t groups)
{
	uint64_t cap = ngroups * 8;
	ms_setf(t, L->table, "used", used);
	ms_setf(t, L->table, "capacity", cap);
	ms_setf(t, L->table, "growthLeft", cap * 7 / 8 - used);
	ms_setf(t, L->table, "localDepth", ldepth);
	ms_setf(t, L->table, "index", (uint64_t)index);
	ms_setf(t + L->goff, L->gref, "data", groups);
	ms_setf(t + L->goff, L->gref, "lengthMask", ngroups - 1);
}

/* n empty groups */
unsigned char *s_groups(const struct swiss *L, uint64_t n)
{
	unsigned char *g = ms_calloc(n * L->gsize);
	for (uint64_t i = 0; i < n; i++)
		memset(g + i * L->gsize + L->ctrl, L->ctrl_empty, 8);
	return g;
}

void s_slot(const struct swiss *L, unsigned char *g, int i, uint8_t ctrl, const void *k,
		   const void *e)
{
	g[L->ctrl + i] = ctrl; /* ctrl byte i is slot i: the word is little-endian */
	memcpy(g + L->keys + (uint64_t)i * L->key_stride, k, L->kslot);
	memcpy(g + L->elems + (uint64_t)i * L->elem_stride, e, L->eslot);
}

void s_slot_ii(const struct swiss *L, unsigned char *g, int i, int64_t k, int64_t v)
{
	assert_int_equal(L->kslot, 8);
	assert_int_equal(L->eslot, 8);
	s_slot(L, g, i, (uint8_t)((k * 37 + 11) & 0x7f), &k, &v);
}

void s_map_header(struct map_scene *f, const struct swiss *L, const unsigned char *h)
{
	fake_map(f->ft, A_HDR, h, L->hsize);
	set_global(f, &L->g, A_HDR);
}
/* A map with a directory: dirLen 2 (globalDepth 1), two tables of two
 * groups each; table t holds keys 10t+1 ... 10t+entries. The directory and
 * tables are mapped; tables[1] may be replaced by the caller. */
void build_swiss_dir(struct map_scene *f, struct swiss *L, uint64_t used, uint64_t table1)
{
	*L = swiss_layout(f->bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L->hsize), dir[16];
	s_header(L, h, used, A_DIR, 2, 1);
	ms_put64(dir, A_TABLE);
	ms_put64(dir + 8, table1);
	fake_map(f->ft, A_DIR, dir, 16);
	for (int t = 0; t < 2; t++) {
		unsigned char *tb = ms_calloc(L->tsize), *g = s_groups(L, 2);
		uint64_t ga = A_GROUPS + 0x100000 * (uint64_t)t;
		s_table(L, tb, 3, 2, 1, t, ga);
		for (int i = 0; i < 3; i++)
			s_slot_ii(L, g + (uint64_t)(i % 2) * L->gsize, 2 * i + t, 10 * t + i + 1,
				  100 * t + i + 1);
		fake_map(f->ft, A_TABLE + 0x1000 * (uint64_t)t, tb, L->tsize);
		fake_map(f->ft, ga, g, 2 * L->gsize);
	}
	s_map_header(f, L, h);
}
void build_classic_growing(struct map_scene *f, struct classic *L, unsigned char **hp,
			   unsigned char **obp)
{
	*L = classic_layout(f->bin, "main.gI64Int");
	unsigned char *h = ms_calloc(L->hsize), *nb = ms_calloc(4 * L->bsize), *ob = ms_calloc(2 * L->bsize);
	c_header(L, h, 5, 0, 2, A_BUCKETS, A_OLD, 1);
	/* new buckets: what was evacuated from old bucket 0, and a new key */
	c_cell_ii(L, nb, 0, 1, 10);
	c_cell_ii(L, nb + 2 * L->bsize, 0, 2, 20);
	c_cell_ii(L, nb + 2 * L->bsize, 1, 3, 30);
	/* old bucket 0: evacuated, stale keys under evacuation marks */
	c_cell_ii(L, ob, 0, 1, 10);
	c_cell_ii(L, ob, 1, 2, 20);
	c_cell_ii(L, ob, 2, 99, 990);
	ob[L->tophash + 0] = L->evac_x;
	ob[L->tophash + 1] = L->evac_y;
	ob[L->tophash + 2] = L->evac_y;
	for (int i = 3; i < 8; i++)
		ob[L->tophash + i] = L->evac_empty;
	/* old bucket 1: not evacuated, two live entries */
	c_cell_ii(L, ob + L->bsize, 0, 4, 40);
	c_cell_ii(L, ob + L->bsize, 3, 5, 50);
	fake_map(f->ft, A_BUCKETS, nb, 4 * L->bsize);
	fake_map(f->ft, A_OLD, ob, 2 * L->bsize);
	c_map_header(f, L, h);
	if (hp)
		*hp = h;
	if (obp)
		*obp = ob;
}

void build_swiss_small(struct map_scene *f, struct swiss *L)
{
	*L = swiss_layout(f->bin, "main.gStrInt");
	assert_int_equal(L->kslot, 16);
	unsigned char *h = ms_calloc(L->hsize), *g = s_groups(L, 1), k[16];
	s_header(L, h, 3, A_GROUPS, 0, 0);
	int64_t v;
	go_string(f, "zeta", k);
	v = -1;
	s_slot(L, g, 0, 0x11, k, &v);
	go_string(f, "alpha", k);
	v = 42;
	s_slot(L, g, 3, 0x7f, k, &v);
	go_string(f, "", k);
	v = 7;
	s_slot(L, g, 5, 0x00, k, &v);
	fake_map(f->ft, A_GROUPS, g, L->gsize);
	s_map_header(f, L, h);
}

void ms_map_hash_keys(struct map_scene *f)
{
	/* runtime's up to Go 1.26, internal/runtime/maps's from 1.27 */
	static const char *names[][2] = {{"runtime.useAeshash", "internal/runtime/maps.UseAeshash"},
					 {"runtime.aeskeysched", "internal/runtime/maps.aeskeysched"},
					 {"runtime.hashkey", "internal/runtime/maps.hashkey"}};
	for (int i = 0; i < 3; i++) {
		uint64_t addr;
		struct gl_type *t;
		if (!gl_dwarf_find_global(f->bin->dw, names[i][0], &addr, &t) &&
		    !gl_dwarf_find_global(f->bin->dw, names[i][1], &addr, &t))
			fail_msg("%s has no global %s", f->bin->path, names[i][0]);
		unsigned char *b = calloc(1, t->size);
		assert_non_null(b);
		for (uint64_t j = 0; j < t->size; j++)
			b[j] = i == 0 ? 1 : (unsigned char)(j * 37 + 11);
		fake_map(f->ft, addr, b, t->size); /* copies */
		free(b);
	}
}
