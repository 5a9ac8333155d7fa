/* golayout heap and gc on a synthetic Go heap: the Go test program's DWARF
 * (runtime.mheap_, mspan, heapArena, special... layouts and constants) over
 * fake memory that holds one arena, one span and its bitmaps, built here
 * from those layouts. Checks what is decoded (slot, allocation and mark
 * bits, finalizer name, pointer map) and that corrupt structures (a cycle
 * in the specials list, out-of-order specials, an insane span, a huge
 * allspans) end in bounded time with one error line and no crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "target/dwarfinfo.h"
#include "fake_target.h"
#include "target/target.h"
#include "target/types.h"

#define TIME_LIMIT_MS 10000

/* Synthetic addresses: the object span in the arena at 0xc000000000, the
 * runtime's own structures elsewhere. */
#define SPAN_BASE 0xc000002000ull
#define L2_ADDR 0x7f0000000000ull
#define HA_ADDR 0x7f1000000000ull
#define MSPAN_ADDR 0x7f2000000000ull
#define ALLOC_BITS 0x7f3000000000ull
#define MARK_BITS 0x7f3000001000ull
#define SPECIAL1 0x7f4000000000ull
#define SPECIAL2 0x7f4000000100ull
#define FUNCVAL 0x7f5000000000ull
#define ALLSPANS 0x7f6000000000ull
#define ARENA_LIST 0x7f6000010000ull
#define ELEMSIZE 48
#define NELEMS 10

struct layout {
	struct gl_target *t;
	uint64_t mheap, mheap_size, arenas_off, allspans_off, arena_list_off, sweepgen_off;
	uint64_t arena_bytes, arena_base, page_size, ha_size, ha_spans_off;
	struct gl_type *mspan, *special, *fin;
	uint64_t gcphase;
	int64_t gc_mark, inuse, fin_kind;
	uint64_t main_pc;
	bool greentea;
};

static struct layout L;
static bool have_layout;

static uint64_t off(const struct gl_type *t, const char *f)
{
	const struct gl_field *x = t ? gl_type_field(t, f) : NULL;
	if (!x)
		fail_msg("no field %s in %s", f, t ? t->name : "?");
	return x->offset;
}

static int64_t konst(const char *name)
{
	int64_t v;
	if (!gl_dwarf_find_const(L.t->dw, name, &v))
		fail_msg("no constant %s in DWARF", name);
	return v;
}

static bool load_layout(void)
{
	if (have_layout)
		return true;
	const char *bin = fake_go_binary();
	if (!bin)
		return false;
	struct gl_error *err = gl_target_open(bin, &L.t);
	if (err || !L.t->dw)
		fail_msg("cannot open %s", bin);
	struct gl_dwarf *dw = L.t->dw;
	struct gl_type *mh, *gp;
	assert_true(gl_dwarf_find_global(dw, "runtime.mheap_", &L.mheap, &mh));
	L.mheap_size = mh->size;
	L.arenas_off = off(mh, "arenas");
	L.allspans_off = off(mh, "allspans");
	L.arena_list_off = gl_type_field(mh, "heapArenas") ? off(mh, "heapArenas") : off(mh, "allArenas");
	L.sweepgen_off = off(mh, "sweepgen");
	L.arena_bytes = (uint64_t)konst("runtime.heapArenaBytes");
	L.arena_base = (uint64_t)konst("runtime.arenaBaseOffsetUintptr");
	L.page_size = (uint64_t)konst("runtime._PageSize");
	struct gl_type *ha = gl_dwarf_find_type(dw, "runtime.heapArena");
	L.ha_size = ha->size;
	L.ha_spans_off = off(ha, "spans");
	L.mspan = gl_dwarf_find_type(dw, "runtime.mspan");
	L.special = gl_dwarf_find_type(dw, "runtime.special");
	L.fin = gl_dwarf_find_type(dw, "runtime.specialfinalizer");
	assert_non_null(L.mspan);
	assert_non_null(L.special);
	assert_non_null(L.fin);
	assert_true(gl_dwarf_find_global(dw, "runtime.gcphase", &L.gcphase, &gp));
	L.gc_mark = konst("runtime._GCmark");
	L.inuse = konst("runtime.mSpanInUse");
	L.fin_kind = konst("runtime._KindSpecialFinalizer");
	struct gl_type *imb = gl_dwarf_find_type(dw, "runtime.spanInlineMarkBits");
	L.greentea = imb && gl_type_field(imb, "marks");
	/* a function for the finalizer: main.main's entry */
	for (uint64_t pc = 0x401000; pc < 0x800000 && !L.main_pc; pc += 0x40) {
		const struct gl_func *fn = gl_dwarf_func_at(dw, pc);
		if (fn && fn->name && !strcmp(fn->name, "main.main"))
			L.main_pc = fn->lo;
	}
	assert_true(L.main_pc != 0);
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

struct heap_opts {
	uint64_t nelems, npages;
	bool specials_cycle, specials_unordered;
	uint64_t allspans_len;
	bool phase_mark;
};

/* The synthetic heap: one arena, one span of NELEMS 48-byte objects (0, 1
 * and 3 allocated; 0 and 3 marked), a finalizer on object 1. */
static void build_heap(struct fake_target *ft, const struct heap_opts *o)
{
	unsigned char *mh = calloc(1, L.mheap_size);
	uint64_t ri = (SPAN_BASE - L.arena_base) / L.arena_bytes;
	put(mh, L.arenas_off, L2_ADDR, 8);
	put(mh, L.allspans_off, ALLSPANS, 8);
	put(mh, L.allspans_off + 8, o->allspans_len, 8);
	put(mh, L.allspans_off + 16, o->allspans_len, 8);
	put(mh, L.arena_list_off, ARENA_LIST, 8);
	put(mh, L.arena_list_off + 8, 1, 8);
	put(mh, L.sweepgen_off, 4, 4);
	fake_map(ft, L.mheap, mh, L.mheap_size);
	free(mh);
	uint32_t phase = o->phase_mark ? (uint32_t)L.gc_mark : 0;
	fake_map(ft, L.gcphase, &phase, 4);
	fake_map(ft, ARENA_LIST, &ri, 8);
	uint64_t ha = HA_ADDR;
	fake_map(ft, L2_ADDR + (ri & ((1ull << 22) - 1)) * 8, &ha, 8);

	unsigned char *har = calloc(1, L.ha_size);
	uint64_t page = (SPAN_BASE / L.page_size) % (L.arena_bytes / L.page_size);
	put(har, L.ha_spans_off + page * 8, MSPAN_ADDR, 8);
	fake_map(ft, HA_ADDR, har, L.ha_size);
	free(har);

	unsigned char ms[1024] = {0};
	put_field(ms, L.mspan, "startAddr", SPAN_BASE);
	put_field(ms, L.mspan, "npages", o->npages);
	put_field(ms, L.mspan, "nelems", o->nelems);
	put_field(ms, L.mspan, "freeindex", 0);
	put_field(ms, L.mspan, "allocBits", ALLOC_BITS);
	put_field(ms, L.mspan, "gcmarkBits", MARK_BITS);
	put_field(ms, L.mspan, "allocCount", 3);
	put_field(ms, L.mspan, "spanclass", 5 << 1); /* size class 5 (48 bytes), scan */
	put_field(ms, L.mspan, "state", (uint64_t)L.inuse);
	put_field(ms, L.mspan, "elemsize", ELEMSIZE);
	put_field(ms, L.mspan, "limit", SPAN_BASE + NELEMS * ELEMSIZE);
	put_field(ms, L.mspan, "specials", SPECIAL1);
	put_field(ms, L.mspan, "sweepgen", 4);
	fake_map(ft, MSPAN_ADDR, ms, L.mspan->size);
	unsigned char ab[64] = {0x0b}, mb[64] = {0x09}; /* alloc 0,1,3; marked 0,3 */
	fake_map(ft, ALLOC_BITS, ab, sizeof(ab));
	fake_map(ft, MARK_BITS, mb, sizeof(mb));
	uint64_t as[4] = {MSPAN_ADDR, MSPAN_ADDR, 0, MSPAN_ADDR};
	fake_map(ft, ALLSPANS, as, sizeof(as));

	/* the span's page: objects, heap bits (word 0 of each object is a
	 * pointer), inline mark bits (none) */
	unsigned char *pg = calloc(1, L.page_size);
	uint64_t hb = L.page_size - L.page_size / 64 - (L.greentea ? 128 : 0);
	for (uint64_t i = 0; i < NELEMS; i++) {
		uint64_t w = i * ELEMSIZE / 8;
		pg[hb + w / 8] |= (unsigned char)(1u << (w % 8));
	}
	fake_map(ft, SPAN_BASE, pg, L.page_size);
	free(pg);
	fake_map(ft, SPAN_BASE + L.page_size, NULL, L.page_size); /* a free page */

	/* specials: a finalizer on object 1, then a second special */
	unsigned char s1[256] = {0}, s2[256] = {0};
	uint64_t so = off(L.fin, "special");
	put_field(s1 + so, L.special, "next", SPECIAL2);
	put_field(s1 + so, L.special, "offset", ELEMSIZE);
	put_field(s1 + so, L.special, "kind", (uint64_t)L.fin_kind);
	put_field(s1, L.fin, "fn", FUNCVAL);
	put_field(s2 + so, L.special, "next", o->specials_cycle ? SPECIAL1 : 0);
	put_field(s2 + so, L.special, "offset",
		  o->specials_unordered ? 0 : o->specials_cycle ? ELEMSIZE : 3 * ELEMSIZE);
	put_field(s2 + so, L.special, "kind", (uint64_t)L.fin_kind);
	put_field(s2, L.fin, "fn", FUNCVAL);
	fake_map(ft, SPECIAL1, s1, L.fin->size);
	fake_map(ft, SPECIAL2, s2, L.fin->size);
	fake_map(ft, FUNCVAL, &L.main_pc, 8);
	fake_fill_pages(ft);
}

struct job {
	struct heap_opts o;
	const char *cmd;
	/* checks, in the child */
	const char *want_error;       /* substring of the error, or NULL for success */
	const char *want_allocated;   /* "true"/"false" or NULL */
	const char *want_marked;
	const char *want_function;    /* of the first special */
	const char *want_map_prefix;  /* of pointer_map.map */
};

static int child(void *arg)
{
	struct job *j = arg;
	struct fake_target *ft = fake_new();
	struct gl_session *s = gl_session_create();
	fake_set_exe(ft, fake_go_binary());
	fake_set_has_process(ft, true);
	build_heap(ft, &j->o);
	struct fake_result r;
	fake_run(s, ft, &r, "%s", j->cmd);
	int bad = 0;
	if (!r.doc) {
		fprintf(stderr, "  %s: no JSON document (%s): %s\n", j->cmd, r.json_error, r.out ? r.out : "");
		bad = 1;
		goto out;
	}
	const char *e = fake_doc_str(&r, "error");
	if (j->want_error ? !e || !strstr(e, j->want_error) : e != NULL) {
		fprintf(stderr, "  %s: error %s, want %s\n", j->cmd, e ? e : "(none)",
			j->want_error ? j->want_error : "none");
		bad = 1;
	}
	json_t *a = json_object_get(r.doc, "allocated");
	if (j->want_allocated && (!a || strcmp(json_is_true(a) ? "true" : "false", j->want_allocated))) {
		fprintf(stderr, "  %s: allocated wrong\n", j->cmd);
		bad = 1;
	}
	const char *m = fake_doc_str(&r, "marked");
	if (j->want_marked && (!m || strcmp(m, j->want_marked))) {
		fprintf(stderr, "  %s: marked %s, want %s\n", j->cmd, m ? m : "(none)", j->want_marked);
		bad = 1;
	}
	if (j->want_function) {
		json_t *sp = json_array_get(json_object_get(r.doc, "specials"), 0);
		const char *fn = json_string_value(json_object_get(sp, "function"));
		if (!fn || strcmp(fn, j->want_function)) {
			fprintf(stderr, "  %s: finalizer %s, want %s\n", j->cmd, fn ? fn : "(none)",
				j->want_function);
			bad = 1;
		}
	}
	if (j->want_map_prefix) {
		const char *mp = json_string_value(json_object_get(json_object_get(r.doc, "pointer_map"), "map"));
		if (!mp || strncmp(mp, j->want_map_prefix, strlen(j->want_map_prefix))) {
			fprintf(stderr, "  %s: pointer map %s, want %s...\n", j->cmd, mp ? mp : "(none)",
				j->want_map_prefix);
			bad = 1;
		}
	}
out:
	if (bad && r.out)
		fprintf(stderr, "  output: %.2000s\n", r.out);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
	return bad;
}

static void run_job(struct job *j)
{
	if (!load_layout()) {
		print_message("no Go test program: run tests/unit/build-testdata.sh\n");
		skip();
	}
	int rc = fake_run_in_child(child, j, TIME_LIMIT_MS);
	if (rc == FAKE_CHILD_TIMEOUT)
		fail_msg("%s: no answer within %d ms", j->cmd, TIME_LIMIT_MS);
	if (rc != FAKE_CHILD_OK)
		fail_msg("%s: wrong answer or crash (see above)", j->cmd);
}

#define OK_HEAP {.nelems = NELEMS, .npages = 1, .allspans_len = 4}

static void test_object_outside_gc(void **state)
{
	(void)state;
	struct job j = {.o = OK_HEAP, .want_allocated = "true", .want_marked = "unknown",
			.want_function = "main.main", .want_map_prefix = "p....."};
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE + 8));
	j.cmd = cmd;
	run_job(&j);
}

static void test_object_during_mark(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.phase_mark = true;
	char cmd[64];
	/* object 1: allocated, not marked; object 3: marked; object 2: free */
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_allocated = "true", .want_marked = "unmarked"};
	run_job(&j);
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 3 * ELEMSIZE));
	struct job k = {.o = o, .cmd = cmd, .want_allocated = "true", .want_marked = "marked"};
	run_job(&k);
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --span --json", (unsigned long long)(SPAN_BASE + 2 * ELEMSIZE));
	struct job l = {.o = o, .cmd = cmd, .want_allocated = "false", .want_marked = "unmarked"};
	run_job(&l);
}

static void test_specials_cycle(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.specials_cycle = true;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 5 * ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_error = "cycle"};
	run_job(&j);
}

static void test_specials_unordered(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.specials_unordered = true;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + 5 * ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_error = "out of order"};
	run_job(&j);
}

static void test_insane_span(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.nelems = 60000; /* more 48-byte slots than a page holds */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	struct job j = {.o = o, .cmd = cmd, .want_allocated = "false"};
	run_job(&j);
	struct job k = {.o = o, .cmd = "gc --json"};
	run_job(&k);
}

static void test_gc_small(void **state)
{
	(void)state;
	struct job j = {.o = OK_HEAP, .cmd = "gc --json"};
	run_job(&j);
}

static void test_gc_huge_allspans(void **state)
{
	(void)state;
	struct heap_opts o = OK_HEAP;
	o.allspans_len = 1ull << 40;
	struct job j = {.o = o, .cmd = "gc --json", .want_error = "allspans"};
	run_job(&j);
}

static void test_unmapped(void **state)
{
	(void)state;
	struct job j = {.o = OK_HEAP, .cmd = "heap 0x10 --json", .want_error = "not in mapped memory"};
	run_job(&j);
	/* in an arena with no span: a free page */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "heap 0x%llx --json", (unsigned long long)(SPAN_BASE + L.page_size + 8));
	struct job k = {.o = OK_HEAP, .cmd = cmd};
	run_job(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_outside_gc),
		cmocka_unit_test(test_object_during_mark),
		cmocka_unit_test(test_specials_cycle),
		cmocka_unit_test(test_specials_unordered),
		cmocka_unit_test(test_insane_span),
		cmocka_unit_test(test_gc_small),
		cmocka_unit_test(test_gc_huge_allspans),
		cmocka_unit_test(test_unmapped),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (have_layout)
		gl_target_destroy(L.t);
	return rc;
}
