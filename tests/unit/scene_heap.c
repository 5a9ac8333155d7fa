/* The synthetic Go heap: see scene_heap.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scene_heap.h"
#include "target/dwarfinfo.h"
#include "target/elffile.h"

struct heap_layout heap_L;
static bool have_layout;

static uint64_t hoff(const struct gl_type *t, const char *f)
{
	const struct gl_field *x = t ? gl_type_field(t, f) : NULL;
	if (!x)
		fail_msg("no field %s in %s", f, t ? t->name : "?");
	return x->offset;
}

static int64_t konst(const char *name)
{
	int64_t v;
	if (!gl_dwarf_find_const(heap_L.t->dw, name, &v))
		fail_msg("no constant %s in DWARF", name);
	return v;
}

bool heap_layout_load(void)
{
	if (have_layout)
		return true;
	const char *bin = fake_go_binary();
	if (!bin)
		return false;
	struct gl_error *err = gl_target_open(bin, &heap_L.t);
	if (err || !heap_L.t->dw)
		fail_msg("cannot open %s", bin);
	struct gl_dwarf *dw = heap_L.t->dw;
	struct gl_type *mh, *gp;
	assert_true(gl_dwarf_find_global(dw, "runtime.mheap_", &heap_L.mheap, &mh));
	heap_L.mheap_size = mh->size;
	heap_L.arenas_off = hoff(mh, "arenas");
	heap_L.allspans_off = hoff(mh, "allspans");
	heap_L.arena_list_off = gl_type_field(mh, "heapArenas") ? hoff(mh, "heapArenas") : hoff(mh, "allArenas");
	heap_L.sweepgen_off = hoff(mh, "sweepgen");
	heap_L.arena_bytes = (uint64_t)konst("runtime.heapArenaBytes");
	heap_L.arena_base = (uint64_t)konst("runtime.arenaBaseOffsetUintptr");
	heap_L.page_size = (uint64_t)konst("runtime._PageSize");
	struct gl_type *ha = gl_dwarf_find_type(dw, "runtime.heapArena");
	heap_L.ha_size = ha->size;
	heap_L.ha_spans_off = hoff(ha, "spans");
	heap_L.mspan = gl_dwarf_find_type(dw, "runtime.mspan");
	heap_L.special = gl_dwarf_find_type(dw, "runtime.special");
	heap_L.fin = gl_dwarf_find_type(dw, "runtime.specialfinalizer");
	assert_non_null(heap_L.mspan);
	assert_non_null(heap_L.special);
	assert_non_null(heap_L.fin);
	heap_L.prof = gl_dwarf_find_type(dw, "runtime.specialprofile");
	heap_L.bucket = gl_dwarf_find_type(dw, "runtime.bucket");
	assert_non_null(heap_L.prof);
	assert_non_null(heap_L.bucket);
	heap_L.prof_kind = konst("runtime._KindSpecialProfile");
	heap_L.mem_profile = konst("runtime.memProfile");
	assert_true(gl_dwarf_find_global(dw, "runtime.gcphase", &heap_L.gcphase, &gp));
	heap_L.gc_mark = konst("runtime._GCmark");
	heap_L.inuse = konst("runtime.mSpanInUse");
	heap_L.fin_kind = konst("runtime._KindSpecialFinalizer");
	struct gl_type *imb = gl_dwarf_find_type(dw, "runtime.spanInlineMarkBits");
	heap_L.greentea = imb && gl_type_field(imb, "marks");
	/* a function for the finalizer: main.main's entry */
	for (uint64_t pc = 0x401000; pc < 0x800000 && !heap_L.main_pc; pc += 0x40) {
		const struct gl_func *fn = gl_dwarf_func_at(dw, pc);
		if (fn && fn->name && !strcmp(fn->name, "main.main"))
			heap_L.main_pc = fn->lo;
	}
	assert_true(heap_L.main_pc != 0);
	have_layout = true;
	return true;
}

static void put(unsigned char *b, uint64_t off, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

static void put_field(unsigned char *b, const struct gl_type *t, const char *f, uint64_t v)
{
	const struct gl_field *x = gl_type_field(t, f);
	if (!x)
		fail_msg("no field %s in %s", f, t->name);
	put(b, x->offset, v, x->type->size > 8 ? 8 : (unsigned)x->type->size);
}



/* SPECIAL2 as a profile special; its bucket at BUCKET (or a bad one). */
static void profile_special(struct fake_target *ft, unsigned char *s2, enum heap_profile p)
{
	uint64_t so = hoff(heap_L.prof, "special");
	put_field(s2 + so, heap_L.special, "kind", (uint64_t)heap_L.prof_kind);
	put_field(s2, heap_L.prof, "b", p == PROFILE_BAD_BUCKET ? 0xdead0000ull : p == PROFILE_NIL_BUCKET ? 0 : BUCKET);
	unsigned char b[512] = {0};
	uint64_t hs = heap_L.bucket->size;
	put_field(b, heap_L.bucket, "typ", (uint64_t)heap_L.mem_profile + (p == PROFILE_WRONG_TYPE));
	put_field(b, heap_L.bucket, "size", ELEMSIZE);
	put_field(b, heap_L.bucket, "nstk", p == PROFILE_BAD_NSTK ? 1ull << 40 : 2);
	put(b, hs, heap_L.main_pc + 1, 8);  /* return PCs: pc - 1 is looked up */
	put(b, hs + 8, heap_L.main_pc + 1, 8);
	fake_map(ft, BUCKET, b, hs + 16 + 64);
}

/* The synthetic heap: one arena, one span of NELEMS 48-byte objects (0, 1
 * and 3 allocated; 0 and 3 marked), a finalizer on object 1. */
void heap_scene_build(struct fake_target *ft, const struct heap_opts *o)
{
	unsigned char *mh = calloc(1, heap_L.mheap_size);
	uint64_t ri = (SPAN_BASE - heap_L.arena_base) / heap_L.arena_bytes;
	put(mh, heap_L.arenas_off, L2_ADDR, 8);
	put(mh, heap_L.allspans_off, ALLSPANS, 8);
	put(mh, heap_L.allspans_off + 8, o->allspans_len, 8);
	put(mh, heap_L.allspans_off + 16, o->allspans_len, 8);
	put(mh, heap_L.arena_list_off, ARENA_LIST, 8);
	put(mh, heap_L.arena_list_off + 8, 1, 8);
	put(mh, heap_L.sweepgen_off, 4, 4);
	fake_map(ft, heap_L.mheap, mh, heap_L.mheap_size);
	free(mh);
	uint32_t phase = o->phase_mark ? (uint32_t)heap_L.gc_mark : 0;
	fake_map(ft, heap_L.gcphase, &phase, 4);
	fake_map(ft, ARENA_LIST, &ri, 8);
	uint64_t ha = HA_ADDR;
	fake_map(ft, L2_ADDR + (ri & ((1ull << 22) - 1)) * 8, &ha, 8);

	unsigned char *har = calloc(1, heap_L.ha_size);
	uint64_t page = (SPAN_BASE / heap_L.page_size) % (heap_L.arena_bytes / heap_L.page_size);
	put(har, heap_L.ha_spans_off + page * 8, MSPAN_ADDR, 8);
	fake_map(ft, HA_ADDR, har, heap_L.ha_size);
	free(har);

	unsigned char ms[1024] = {0};
	put_field(ms, heap_L.mspan, "startAddr", SPAN_BASE);
	put_field(ms, heap_L.mspan, "npages", o->npages);
	put_field(ms, heap_L.mspan, "nelems", o->nelems);
	put_field(ms, heap_L.mspan, "freeindex", 0);
	put_field(ms, heap_L.mspan, "allocBits", ALLOC_BITS);
	put_field(ms, heap_L.mspan, "gcmarkBits", MARK_BITS);
	put_field(ms, heap_L.mspan, "allocCount", 3);
	put_field(ms, heap_L.mspan, "spanclass", 5 << 1); /* size class 5 (48 bytes), scan */
	put_field(ms, heap_L.mspan, "state", (uint64_t)heap_L.inuse);
	put_field(ms, heap_L.mspan, "elemsize", ELEMSIZE);
	put_field(ms, heap_L.mspan, "limit", SPAN_BASE + NELEMS * ELEMSIZE);
	put_field(ms, heap_L.mspan, "specials", SPECIAL1);
	put_field(ms, heap_L.mspan, "sweepgen", 4);
	fake_map(ft, MSPAN_ADDR, ms, heap_L.mspan->size);
	unsigned char ab[64] = {0x0b}, mb[64] = {0x09}; /* alloc 0,1,3; marked 0,3 */
	fake_map(ft, ALLOC_BITS, ab, sizeof(ab));
	fake_map(ft, MARK_BITS, mb, sizeof(mb));
	uint64_t as[4] = {MSPAN_ADDR, MSPAN_ADDR, 0, MSPAN_ADDR};
	fake_map(ft, ALLSPANS, as, sizeof(as));

	/* the span's page: objects, heap bits (word 0 of each object is a
	 * pointer), inline mark bits (none) */
	unsigned char *pg = calloc(1, heap_L.page_size);
	uint64_t hb = heap_L.page_size - heap_L.page_size / 64 - (heap_L.greentea ? 128 : 0);
	for (uint64_t i = 0; i < NELEMS; i++) {
		uint64_t w = i * ELEMSIZE / 8;
		pg[hb + w / 8] |= (unsigned char)(1u << (w % 8));
	}
	fake_map(ft, SPAN_BASE, pg, heap_L.page_size);
	free(pg);
	fake_map(ft, SPAN_BASE + heap_L.page_size, NULL, heap_L.page_size); /* a free page */

	/* specials: a finalizer on object 1, then a second special */
	unsigned char s1[256] = {0}, s2[256] = {0};
	uint64_t so = hoff(heap_L.fin, "special");
	put_field(s1 + so, heap_L.special, "next", SPECIAL2);
	put_field(s1 + so, heap_L.special, "offset", ELEMSIZE);
	put_field(s1 + so, heap_L.special, "kind", (uint64_t)heap_L.fin_kind);
	put_field(s1, heap_L.fin, "fn", FUNCVAL);
	put_field(s2 + so, heap_L.special, "next", o->specials_cycle ? SPECIAL1 : 0);
	put_field(s2 + so, heap_L.special, "offset",
		  o->specials_unordered ? 0 : o->specials_cycle ? ELEMSIZE : 3 * ELEMSIZE);
	put_field(s2 + so, heap_L.special, "kind", (uint64_t)heap_L.fin_kind);
	put_field(s2, heap_L.fin, "fn", FUNCVAL);
	if (o->profile != PROFILE_NONE)
		profile_special(ft, s2, o->profile);
	fake_map(ft, SPECIAL1, s1, heap_L.fin->size);
	fake_map(ft, SPECIAL2, s2, heap_L.fin->size);
	fake_map(ft, FUNCVAL, &heap_L.main_pc, 8);
	fake_fill_pages(ft);
}

struct fake_target *heap_scene_new(const struct heap_opts *o)
{
	struct fake_target *ft = fake_new();
	fake_set_exe(ft, fake_go_binary());
	fake_set_has_process(ft, true);
	heap_scene_build(ft, o);
	return ft;
}

void heap_scene_link_objects(struct fake_target *ft)
{
	fake_poke_u64(ft, HEAP_OBJ(0), HEAP_OBJ(1) + 8);
	fake_poke_u64(ft, HEAP_OBJ(1), HEAP_OBJ(3));
	fake_poke_u64(ft, HEAP_OBJ(3), HEAP_OBJ(2));
}

void heap_layout_close(void)
{
	if (have_layout)
		gl_target_destroy(heap_L.t);
	have_layout = false;
}

/* ---- roots beyond the finalizers ---- */

struct heap_global heap_global(const char *name)
{
	struct heap_global g = {name, 0, 0};
	struct gl_type *t = NULL;
	if (!gl_dwarf_find_global(heap_L.t->dw, name, &g.addr, &t) || !t || !t->size || t->size > 64)
		fail_msg("the structs program has no global %s of at most 64 bytes", name);
	g.size = t->size;
	return g;
}

void heap_scene_global_roots(struct fake_target *ft, struct heap_global d, uint64_t d_to, struct heap_global b,
			     uint64_t b_to)
{
	struct gl_dwarf *dw = heap_L.t->dw;
	uint64_t md;
	struct gl_type *mdt = NULL;
	if (!gl_dwarf_find_global(dw, "runtime.firstmoduledata", &md, &mdt) || !mdt)
		fail_msg("the structs program has no runtime.firstmoduledata");
	unsigned char *m = calloc(1, mdt->size);
	assert_non_null(m);
	assert_true(gl_elf_try_read_vaddr(&heap_L.t->elf, md, m, mdt->size));
	const struct gl_type *bv = gl_type_field(mdt, "gcdatamask")->type;
	uint64_t n = hoff(bv, "n"), bytes = hoff(bv, "bytedata");
	put(m, hoff(mdt, "data"), d.addr, 8);
	put(m, hoff(mdt, "edata"), d.addr + d.size, 8);
	put(m, hoff(mdt, "gcdatamask") + n, d.size / 8, 4);
	put(m, hoff(mdt, "gcdatamask") + bytes, ROOT_MASKS, 8);
	put(m, hoff(mdt, "bss"), b.addr, 8);
	put(m, hoff(mdt, "ebss"), b.addr + b.size, 8);
	put(m, hoff(mdt, "gcbssmask") + n, b.size / 8, 4);
	put(m, hoff(mdt, "gcbssmask") + bytes, ROOT_MASKS + 8, 8);
	put(m, hoff(mdt, "next"), 0, 8);
	fake_map(ft, md, m, mdt->size);
	free(m);
	unsigned char masks[16] = {[0] = 1, [8] = 1};
	fake_map(ft, ROOT_MASKS, masks, sizeof(masks));
	unsigned char g[64] = {0};
	put(g, 0, d_to, 8);
	fake_map(ft, d.addr, g, d.size);
	put(g, 0, b_to, 8);
	fake_map(ft, b.addr, g, b.size);
}

void heap_scene_cleanup_queue(struct fake_target *ft, uint64_t n, uint64_t obj)
{
	struct gl_dwarf *dw = heap_L.t->dw;
	uint64_t q;
	struct gl_type *qt = NULL;
	const struct gl_type *bt = gl_dwarf_find_type(dw, "runtime.cleanupBlock");
	const struct gl_type *fn = gl_dwarf_find_type(dw, "runtime.cleanupFn");
	if (!gl_dwarf_find_global(dw, "runtime.gcCleanups", &q, &qt) || !qt || !bt || !fn)
		fail_msg("the structs program has no runtime.gcCleanups, cleanupBlock or cleanupFn");
	unsigned char *m = calloc(1, qt->size), *b = calloc(1, bt->size);
	assert_true(m && b);
	const struct gl_field *all = gl_type_field(qt, "all");
	put(m, all->offset + hoff(all->type, "value"), CLEANUP_BLOCK, 8);
	fake_map(ft, q, m, qt->size);
	const struct gl_field *hdr = gl_type_field(bt, "cleanupBlockHeader");
	put(b, hdr->offset + hoff(hdr->type, "n"), n, 4);
	put(b, hoff(bt, "cleanups") + fn->size + hoff(fn, "fn"), obj, 8);
	fake_map(ft, CLEANUP_BLOCK, b, bt->size);
	free(m);
	free(b);
}
