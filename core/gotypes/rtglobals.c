/* The runtime's globals without a symbol table, found by their layout
 * signatures. See rtglobals.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "gotypes/rtglobals.h"

/* Sections larger than this are not scanned (Go's are a few MB at most). */
#define REGION_MAX (64u << 20)
/* allgs: slice headers of .bss whose first g is read, and entries of the
 * one chosen whose gs are checked. */
#define ALLGS_CANDIDATES 4096u
#define ALLGS_SAMPLE 64u
#define ALLGS_MAX (1u << 20)
/* candidates whose array or first g cannot be read before the search
 * gives up: each costs the command one of its unreadable pages
 * (GL_MEM_MAX_FAULTS) */
#define ALLGS_MAX_UNREADABLE 32u
#define G_MAX_SIZE 4096u

/* One of the module's data sections: process addresses and its bytes. */
struct region {
	uint64_t lo, hi;
	unsigned char *b; /* NULL: not read */
};

struct search {
	struct gl_ctx *c;
	struct gl_rtlayout *L;
	unsigned ptr;
	struct region data, noptrdata, bss, noptrbss;
	uint64_t work_lo, work_hi; /* runtime.work once found (allgs is not in it) */
	int64_t cycles;            /* work.cycles once found, else -1 */
	/* the mheap_ signature's geometry */
	uint64_t central_off, central_stride, nclasses, spanclass_off;
	uint64_t roots_data, roots_bss;  /* work: the module's .data and .bss root counts */
	uint64_t classes_n, classes_max; /* the size class table: entries, last */
	uint64_t reasons_n;              /* waitReasonStrings: entries */
	/* mheap_.arenas' L1 entries once mheap_ is found: allgs' array is a
	 * heap object, candidates elsewhere are not read */
	uint64_t l1[64];
	uint64_t nl1;
};

static const char NO_SIGNATURE[] = "no layout signature golayout can find it by";

static uint64_t word(const struct search *s, const unsigned char *p)
{
	return gl_get_uint(p, s->ptr);
}

static uint64_t get(const struct search *s, const unsigned char *base, enum gl_rtf f)
{
	return gl_rt_get(s->L, f, base);
}

static uint64_t struct_size(const struct search *s, enum gl_rts st)
{
	const struct gl_type *t = gl_rt_struct(s->L, st);
	return t ? t->size : 0;
}

static uint64_t global_size(const struct search *s, enum gl_rtg g)
{
	const struct gl_type *t = s->L->globals[g].type;
	return t ? t->size : 0;
}

static void found(struct search *s, enum gl_rtg g, uint64_t addr)
{
	s->L->globals[g].addr = addr;
	s->L->globals[g].present = true;
	s->L->search.why[g] = NULL;
}

/* The outcome of a search for g: found when exactly one place fits. */
static bool settle(struct search *s, enum gl_rtg g, int n, uint64_t at, const char *several, const char *none)
{
	if (n == 1)
		found(s, g, at);
	else
		s->L->search.why[g] = n ? several : none;
	return n == 1;
}

/* Every place of r, step bytes apart, where a struct of size bytes fits
 * and fn says yes: how many (0, 1, or 2 meaning more than one), the first
 * in *at. */
typedef bool (*sig_fn)(struct search *s, const unsigned char *p);
static int scan(struct search *s, const struct region *r, uint64_t size, unsigned step, sig_fn fn, uint64_t *at)
{
	int n = 0;
	if (!r->b || !size || size > r->hi - r->lo)
		return 0;
	for (uint64_t off = 0; off + size <= r->hi - r->lo && n < 2; off += step)
		if (fn(s, r->b + off)) {
			if (!n)
				*at = r->lo + off;
			n++;
		}
	return n;
}

/* scan over .bss, then .noptrbss; a match in both is two matches. */
static int scan_bss(struct search *s, uint64_t size, unsigned step, sig_fn fn, uint64_t *at)
{
	uint64_t a = 0, b = 0;
	int n = scan(s, &s->bss, size, step, fn, &a);
	int m = n < 2 ? scan(s, &s->noptrbss, size, step, fn, &b) : 0;
	*at = n ? a : b;
	return n + m > 2 ? 2 : n + m;
}

/* ---- the module's sections ------------------------------------------------------- */

static bool region_of(struct search *s, const unsigned char *md, enum gl_rtf lo, enum gl_rtf hi, struct region *r)
{
	if (!gl_rt_have(s->L, lo, hi))
		return false;
	r->lo = get(s, md, lo);
	r->hi = get(s, md, hi);
	return r->lo && r->lo <= r->hi && r->hi - r->lo <= REGION_MAX &&
	       gl_elf_section_at(&s->c->t->elf, r->lo);
}

/* Bytes of the process (.bss, .noptrbss: zero in the file), or of the
 * file (initialised data the runtime never writes: tables). */
static void region_read(struct search *s, struct region *r, bool from_file)
{
	uint64_t n = r->hi - r->lo;
	if (!n || !(r->b = malloc(n)))
		return;
	struct gl_error *err = from_file ? gl_elf_read_vaddr(&s->c->t->elf, r->lo, r->b, n)
					 : gl_mem_read_once(s->c->mem, r->lo, r->b, n);
	if (err) {
		gl_error_destroy(err);
		free(r->b);
		r->b = NULL;
	}
}

/* The module data (initialised by the linker: read from the file) gives
 * the sections' bounds. */
static const char *regions(struct search *s)
{
	struct gl_rt_global md = s->L->globals[GL_RTG_FIRSTMODULEDATA];
	uint64_t size = struct_size(s, GL_RTS_MODULEDATA);
	unsigned char *b = md.present && size && size <= 4096 ? malloc(size) : NULL;
	if (!b)
		return "runtime.firstmoduledata was not found, which bounds the runtime's data";
	struct gl_error *err = gl_elf_read_vaddr(&s->c->t->elf, md.addr, b, size);
	const char *why = NULL;
	if (err)
		why = "runtime.firstmoduledata cannot be read from the executable";
	else if (!region_of(s, b, GL_RTF_MODULEDATA_BSS, GL_RTF_MODULEDATA_EBSS, &s->bss) ||
		 !region_of(s, b, GL_RTF_MODULEDATA_NOPTRBSS, GL_RTF_MODULEDATA_ENOPTRBSS, &s->noptrbss))
		why = "runtime.firstmoduledata's .bss and .noptrbss bounds are not in the executable";
	/* .data and .noptrdata: only their tables are looked for */
	if (!why && !region_of(s, b, GL_RTF_MODULEDATA_DATA, GL_RTF_MODULEDATA_EDATA, &s->data))
		s->data = (struct region){0};
	if (!why && !region_of(s, b, GL_RTF_MODULEDATA_NOPTRDATA, GL_RTF_MODULEDATA_ENOPTRDATA, &s->noptrdata))
		s->noptrdata = (struct region){0};
	gl_error_destroy(err);
	free(b);
	return why;
}

/* ---- runtime.mheap_ ---------------------------------------------------------------- */

static bool mheap_sig(struct search *s, const unsigned char *p)
{
	const unsigned char *c = p + s->central_off + s->spanclass_off;
	/* class 1 first: almost every place fails there */
	if (c[s->central_stride] != 1)
		return false;
	for (uint64_t i = 0; i < s->nclasses; i++)
		if (c[i * s->central_stride] != (unsigned char)i)
			return false;
	return true;
}

/* A slice header field of the struct at p: 1 <= len <= cap, array set. */
static bool slice_set(const struct search *s, const unsigned char *p, enum gl_rtf f)
{
	struct gl_rt_field sf = gl_rt_field(s->L, f);
	if (!sf.present || sf.size != 3ull * s->ptr)
		return false;
	uint64_t arr = word(s, p + sf.off), len = word(s, p + sf.off + s->ptr), cap = word(s, p + sf.off + 2 * s->ptr);
	return arr && len >= 1 && len <= cap;
}

static void find_mheap(struct search *s)
{
	enum gl_rtg g = GL_RTG_MHEAP_;
	struct gl_rt_field central = gl_rt_field(s->L, GL_RTF_MHEAP_CENTRAL);
	struct gl_rt_field sc = gl_rt_field(s->L, GL_RTF_MCENTRAL_SPANCLASS);
	const struct gl_type *ct = central.type;
	uint64_t size = struct_size(s, GL_RTS_MHEAP);
	if (!central.present || !sc.present || sc.size != 1 || !ct || ct->kind != GL_K_ARRAY || !ct->elem ||
	    ct->count < 2 || ct->count > 256 || ct->elem->size < sc.off + 1 || !size) {
		s->L->search.why[g] = "the built-in table has no mheap.central[].spanclass to find it by";
		return;
	}
	s->central_off = central.off;
	s->central_stride = ct->elem->size;
	s->nclasses = ct->count;
	s->spanclass_off = sc.off; /* the mcentral is the element's first field */
	uint64_t at = 0;
	int n = scan(s, &s->bss, size, s->ptr, mheap_sig, &at);
	if (n != 1) {
		s->L->search.why[g] = n ? "several places in .bss have mheap_'s span-class signature"
					: "no place in .bss has mheap_'s span-class signature (is the runtime "
					  "initialised? stop in main.main or later)";
		return;
	}
	const unsigned char *p = s->bss.b + (at - s->bss.lo);
	struct gl_rt_field arenas = gl_rt_field(s->L, GL_RTF_MHEAP_ARENAS);
	bool arena = false;
	for (uint64_t i = 0; arenas.present && i + s->ptr <= arenas.size && i < 64 * 8; i += s->ptr)
		arena |= word(s, p + arenas.off + i) != 0;
	if (!arena || !slice_set(s, p, GL_RTF_MHEAP_ALLSPANS) || !slice_set(s, p, GL_RTF_MHEAP_ARENA_LIST) ||
	    get(s, p, GL_RTF_MHEAP_SWEEPGEN) % 2) {
		s->L->search.why[g] = "mheap_'s span-class signature is in .bss, but its arenas and spans are not "
				      "set up (stop in main.main or later)";
		return;
	}
	found(s, g, at);
}

/* mheap_.arenas' L1 entries, from the bytes read. */
static void read_arenas(struct search *s)
{
	struct gl_rt_global m = s->L->globals[GL_RTG_MHEAP_];
	struct gl_rt_field ar = gl_rt_field(s->L, GL_RTF_MHEAP_ARENAS);
	uint64_t size = struct_size(s, GL_RTS_MHEAP);
	if (!m.present || !ar.present || !s->bss.b || m.addr < s->bss.lo || m.addr >= s->bss.hi ||
	    size > s->bss.hi - m.addr || ar.size / s->ptr > sizeof(s->l1) / sizeof(s->l1[0]))
		return;
	const unsigned char *p = s->bss.b + (m.addr - s->bss.lo) + ar.off;
	for (s->nl1 = 0; s->nl1 < ar.size / s->ptr; s->nl1++)
		s->l1[s->nl1] = word(s, p + s->nl1 * s->ptr);
}

/* Whether addr is in a heap arena: its heapArena is set (arenaIndex,
 * malloc.go: (p - arenaBaseOffset) / heapArenaBytes, split in L1 and L2;
 * the L2 arrays are ordinary anonymous memory). */
static bool in_heap(struct search *s, uint64_t addr)
{
	const struct gl_rtlayout *L = s->L;
	uint64_t bytes = (uint64_t)gl_rt_const(L, GL_RTC_HEAP_ARENA_BYTES);
	uint64_t l2bits = (uint64_t)gl_rt_const(L, GL_RTC_ARENA_L2_BITS);
	if (!s->nl1 || !bytes || l2bits >= 40)
		return false;
	uint64_t ri = (addr - (uint64_t)gl_rt_const(L, GL_RTC_ARENA_BASE_OFFSET)) / bytes;
	if (s->ptr == 4)
		ri = (uint32_t)(addr - (uint64_t)gl_rt_const(L, GL_RTC_ARENA_BASE_OFFSET)) / bytes;
	uint64_t l1 = ri >> l2bits, ha = 0;
	unsigned char w[8];
	if (l1 >= s->nl1 || !s->l1[l1])
		return false;
	struct gl_error *err = gl_mem_read(s->c->mem, s->l1[l1] + (ri & ((1ull << l2bits) - 1)) * s->ptr, w, s->ptr);
	if (!err)
		ha = word(s, w);
	gl_error_destroy(err);
	return ha != 0;
}

/* ---- runtime.gcController ---------------------------------------------------------- */

static bool gcc_sig(struct search *s, const unsigned char *p)
{
	const struct gl_rtlayout *L = s->L;
	int64_t pct = (int32_t)get(s, p, GL_RTF_GCC_GC_PERCENT);
	uint64_t in_use = get(s, p, GL_RTF_GCC_HEAP_IN_USE);
	uint64_t page = (uint64_t)gl_rt_const(L, GL_RTC_PAGE_SIZE);
	/* setGCPercent: heapMinimum = defaultHeapMinimum * uint64(in) / 100,
	 * in uint64 arithmetic (GOGC=off gives what it gives) */
	uint64_t want = (uint64_t)gl_rt_const(L, GL_RTC_DEFAULT_HEAP_MINIMUM) * (uint64_t)pct / 100;
	/* (GOGC=0 makes heapMinimum 0, like any zeroed memory: not told apart) */
	return pct >= -1 && pct && get(s, p, GL_RTF_GCC_HEAP_MINIMUM) == want &&
	       (int64_t)get(s, p, GL_RTF_GCC_MEMORY_LIMIT) > 0 && in_use && page && in_use % page == 0;
}

static void find_gc_controller(struct search *s)
{
	enum gl_rtg g = GL_RTG_GC_CONTROLLER;
	uint64_t size = global_size(s, g), at = 0;
	if (!size || !gl_rt_have(s->L, GL_RTF_GCC_GC_PERCENT, GL_RTF_GCC_HEAP_MINIMUM, GL_RTF_GCC_MEMORY_LIMIT,
				 GL_RTF_GCC_HEAP_IN_USE)) {
		s->L->search.why[g] = NO_SIGNATURE;
		return;
	}
	int n = scan_bss(s, size, s->ptr, gcc_sig, &at);
	settle(s, g, n, at, "several places have gcController's signature (heapMinimum from GOGC)",
	       "no place in .bss or .noptrbss has gcController's signature (heapMinimum from GOGC, which "
	       "must not be 0; heap in use)");
}

/* ---- runtime.memstats ---------------------------------------------------------------- */

static bool memstats_sig(struct search *s, const unsigned char *p)
{
	if (get(s, p, GL_RTF_MSTATS_ENABLEGC) != 1 || !get(s, p, GL_RTF_MSTATS_MSPAN_SYS) ||
	    !get(s, p, GL_RTF_MSTATS_MCACHE_SYS))
		return false;
	uint64_t numgc = get(s, p, GL_RTF_MSTATS_NUMGC), last = get(s, p, GL_RTF_MSTATS_LAST_GC_UNIX);
	struct gl_rt_field pe = gl_rt_field(s->L, GL_RTF_MSTATS_PAUSE_END);
	uint64_t n = pe.size / 8;
	/* work.cycles counts a cycle when it starts, numgc when it ends */
	if (s->cycles >= 0 && numgc != (uint64_t)s->cycles && numgc + 1 != (uint64_t)s->cycles)
		return false;
	if (!numgc) {
		for (uint64_t i = 0; i < n; i++)
			if (gl_get_uint(p + pe.off + i * 8, 8))
				return false;
		return !last && !get(s, p, GL_RTF_MSTATS_PAUSE_TOTAL_NS);
	}
	/* gcMarkTermination writes the same Unix time (ns, after 2001) to
	 * last_gc_unix and pause_end[numgc%256], then counts the cycle */
	return last >= 1000000000000000000ull && n &&
	       (gl_get_uint(p + pe.off + (numgc - 1) % n * 8, 8) == last ||
		gl_get_uint(p + pe.off + numgc % n * 8, 8) == last);
}

static void find_memstats(struct search *s)
{
	enum gl_rtg g = GL_RTG_MEMSTATS;
	uint64_t size = global_size(s, g), at = 0;
	struct gl_rt_field pe = gl_rt_field(s->L, GL_RTF_MSTATS_PAUSE_END);
	if (!size || !pe.present || pe.size < 8 ||
	    !gl_rt_have(s->L, GL_RTF_MSTATS_NUMGC, GL_RTF_MSTATS_LAST_GC_UNIX, GL_RTF_MSTATS_PAUSE_TOTAL_NS,
			GL_RTF_MSTATS_ENABLEGC, GL_RTF_MSTATS_MSPAN_SYS, GL_RTF_MSTATS_MCACHE_SYS)) {
		s->L->search.why[g] = NO_SIGNATURE;
		return;
	}
	int n = scan_bss(s, size, s->ptr, memstats_sig, &at);
	settle(s, g, n, at, "several places have memstats' signature",
	       "no place in .bss or .noptrbss has memstats' signature (enablegc, the last cycle's end time)");
}

/* work.cycles, from the bytes read (work found now or before). */
static void read_cycles(struct search *s)
{
	struct gl_rt_global w = s->L->globals[GL_RTG_WORK];
	uint64_t size = global_size(s, GL_RTG_WORK);
	if (w.present && s->bss.b && w.addr >= s->bss.lo && w.addr < s->bss.hi && size <= s->bss.hi - w.addr)
		s->cycles = (int64_t)get(s, s->bss.b + (w.addr - s->bss.lo), GL_RTF_WORK_CYCLES);
}

/* ---- runtime.work -------------------------------------------------------------------- */

static bool work_sig(struct search *s, const unsigned char *p)
{
	uint64_t base = get(s, p, GL_RTF_WORK_BASE_DATA);
	if (base != (uint64_t)gl_rt_const(s->L, GL_RTC_FIXED_ROOT_COUNT) ||
	    get(s, p, GL_RTF_WORK_N_DATA_ROOTS) != s->roots_data || get(s, p, GL_RTF_WORK_N_BSS_ROOTS) != s->roots_bss)
		return false;
	/* gcMarkRootPrepare chains the bases */
	uint64_t bss = get(s, p, GL_RTF_WORK_BASE_BSS), spans = get(s, p, GL_RTF_WORK_BASE_SPANS),
		 stacks = get(s, p, GL_RTF_WORK_BASE_STACKS), end = get(s, p, GL_RTF_WORK_BASE_END);
	uint64_t cycles = get(s, p, GL_RTF_WORK_CYCLES);
	return bss == base + s->roots_data && spans == bss + s->roots_bss &&
	       stacks == (uint32_t)(spans + get(s, p, GL_RTF_WORK_N_SPAN_ROOTS)) &&
	       end == (uint32_t)(stacks + get(s, p, GL_RTF_WORK_N_STACK_ROOTS)) &&
	       get(s, p, GL_RTF_WORK_START_SEMA) <= 1 && get(s, p, GL_RTF_WORK_MARK_DONE_SEMA) <= 1 && cycles >= 1;
}

static uint64_t blocks(uint64_t bytes, uint64_t block)
{
	return block ? (bytes + block - 1) / block : 0;
}

static void find_work(struct search *s)
{
	enum gl_rtg g = GL_RTG_WORK;
	uint64_t size = global_size(s, g), at = 0;
	if (!size || !s->data.lo ||
	    !gl_rt_have(s->L, GL_RTF_WORK_CYCLES, GL_RTF_WORK_N_DATA_ROOTS, GL_RTF_WORK_N_BSS_ROOTS,
			GL_RTF_WORK_N_SPAN_ROOTS, GL_RTF_WORK_N_STACK_ROOTS, GL_RTF_WORK_BASE_DATA, GL_RTF_WORK_BASE_BSS,
			GL_RTF_WORK_BASE_SPANS, GL_RTF_WORK_BASE_STACKS, GL_RTF_WORK_BASE_END, GL_RTF_WORK_START_SEMA,
			GL_RTF_WORK_MARK_DONE_SEMA)) {
		s->L->search.why[g] = NO_SIGNATURE;
		return;
	}
	uint64_t block = (uint64_t)gl_rt_const(s->L, GL_RTC_ROOT_BLOCK_BYTES);
	s->roots_data = blocks(s->data.hi - s->data.lo, block);
	s->roots_bss = blocks(s->bss.hi - s->bss.lo, block);
	int n = scan(s, &s->bss, size, s->ptr, work_sig, &at);
	if (!settle(s, g, n, at, "several places in .bss have work's signature",
		    "no place in .bss has work's signature, the mark roots of a GC cycle (none has started yet?)"))
		return;
	s->work_lo = at;
	s->work_hi = at + size;
}

/* ---- runtime.allgs ------------------------------------------------------------------- */

struct g_fields {
	struct gl_rt_field goid, lo, hi, status;
	uint64_t size, scan;
};

static bool g_sane(const struct g_fields *f, const unsigned char *gb, bool dead_ok)
{
	uint64_t st = gl_get_uint(gb + f->status.off, f->status.size) & ~f->scan;
	uint64_t lo = gl_get_uint(gb + f->lo.off, f->lo.size), hi = gl_get_uint(gb + f->hi.off, f->hi.size);
	/* a dead g may have given its stack back */
	if (st > 15 || (!(dead_ok && !lo && !hi) && (lo >= hi || hi - lo > (1ull << 30))))
		return false;
	return true;
}

/* The gs of the candidate array: the first is goroutine 1, the first
 * ALLGS_SAMPLE are gs with distinct goids. */
static bool allgs_check(struct search *s, const struct g_fields *f, uint64_t arr, uint64_t len, unsigned char *gb,
			unsigned *unreadable)
{
	uint64_t k = len < ALLGS_SAMPLE ? len : ALLGS_SAMPLE, ptrs[ALLGS_SAMPLE], goids[ALLGS_SAMPLE];
	unsigned char raw[ALLGS_SAMPLE * 8];
	struct gl_error *err = gl_mem_read(s->c->mem, arr, raw, k * s->ptr);
	for (uint64_t i = 0; !err && i < k; i++) {
		ptrs[i] = word(s, raw + i * s->ptr);
		if (!ptrs[i] || (err = gl_mem_read(s->c->mem, ptrs[i], gb, f->size)))
			break;
		goids[i] = gl_get_uint(gb + f->goid.off, f->goid.size);
		if ((i == 0 && (goids[0] != 1 || !g_sane(f, gb, false))) || !g_sane(f, gb, true))
			return false;
		for (uint64_t j = 0; j < i; j++)
			if (goids[i] && goids[j] == goids[i])
				return false;
		if (i + 1 == k)
			return true;
	}
	*unreadable += err != NULL;
	gl_error_destroy(err);
	return false;
}

static void find_allgs(struct search *s)
{
	enum gl_rtg g = GL_RTG_ALLGS;
	const struct gl_rtlayout *L = s->L;
	struct g_fields f = {gl_rt_field(L, GL_RTF_G_GOID), gl_rt_field(L, GL_RTF_G_STACK_LO),
			     gl_rt_field(L, GL_RTF_G_STACK_HI), gl_rt_field(L, GL_RTF_G_ATOMICSTATUS),
			     struct_size(s, GL_RTS_G), (uint64_t)gl_rt_const(L, GL_RTC_G_SCAN)};
	unsigned char *gb = f.size && f.size <= G_MAX_SIZE ? malloc(f.size) : NULL;
	if (!gb || !f.goid.present || !f.lo.present || !f.hi.present || !f.status.present || !s->bss.b) {
		free(gb);
		s->L->search.why[g] = "the built-in table has no runtime.g to check allgs' entries with";
		return;
	}
	if (!s->nl1) {
		free(gb);
		s->L->search.why[g] = "it is looked for in the heap's arenas, and runtime.mheap_ was not found (is the "
				      "runtime initialised? stop in main.main or later)";
		return;
	}
	int n = 0;
	uint64_t at = 0, tried = 0, span = s->bss.hi - s->bss.lo;
	unsigned unreadable = 0;
	for (uint64_t off = 0; off + 3ull * s->ptr <= span && n < 2 && tried < ALLGS_CANDIDATES &&
			       unreadable < ALLGS_MAX_UNREADABLE;
	     off += s->ptr) {
		const unsigned char *p = s->bss.b + off;
		uint64_t arr = word(s, p), len = word(s, p + s->ptr), cap = word(s, p + 2 * s->ptr);
		uint64_t addr = s->bss.lo + off;
		if (!arr || arr % s->ptr || !len || len > cap || cap > ALLGS_MAX ||
		    (addr >= s->work_lo && addr < s->work_hi) || gl_interrupted(s->c) || !in_heap(s, arr))
			continue;
		tried++;
		if (allgs_check(s, &f, arr, len, gb, &unreadable)) {
			at = n ? at : addr;
			n++;
		}
	}
	free(gb);
	if (unreadable >= ALLGS_MAX_UNREADABLE) {
		s->L->search.why[g] = "too many slices in .bss point to memory that cannot be read";
		return;
	}
	settle(s, g, n, at, "several slices in .bss look like allgs",
	       "no slice in .bss holds goroutine 1 first, as allgs does (is the runtime initialised? stop in "
	       "main.main or later)");
}

/* ---- tables the runtime never writes, from the file ---------------------------------- */

static bool classes_sig(struct search *s, const unsigned char *p)
{
	uint64_t classes_n = s->classes_n;
	if (gl_get_uint(p, 2) != 0 || gl_get_uint(p + (classes_n - 1) * 2, 2) != s->classes_max)
		return false;
	for (uint64_t i = 1; i < classes_n; i++) {
		uint64_t v = gl_get_uint(p + i * 2, 2);
		if (v % 8 || v <= gl_get_uint(p + (i - 1) * 2, 2))
			return false;
	}
	return true;
}

static void find_size_classes(struct search *s)
{
	enum gl_rtg g = GL_RTG_SIZE_CLASS_TO_SIZE;
	const struct gl_type *t = s->L->globals[g].type;
	uint64_t at = 0;
	if (!t || t->kind != GL_K_ARRAY || !t->elem || t->elem->size != 2 || t->count < 2) {
		s->L->search.why[g] = NO_SIGNATURE;
		return;
	}
	s->classes_n = t->count;
	s->classes_max = (uint64_t)gl_rt_const(s->L, GL_RTC_MAX_SMALL_SIZE);
	int n = scan(s, &s->noptrdata, t->size, 2, classes_sig, &at);
	settle(s, g, n, at, "several tables in .noptrdata look like the size classes",
	       "no table in .noptrdata has the size classes' signature");
}

/* A short text of letters, spaces and ().- in the executable; whether it
 * has several words, and capitals. */
static bool reason_text(struct search *s, uint64_t ptr, uint64_t len, bool *several, bool *upper)
{
	char txt[64];
	if (!len || len >= sizeof(txt))
		return false;
	struct gl_error *err = gl_elf_read_vaddr(&s->c->t->elf, ptr, txt, len);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	*several = memchr(txt, ' ', len) != NULL;
	*upper = false;
	for (uint64_t i = 0; i < len; i++)
		*upper |= txt[i] >= 'A' && txt[i] <= 'Z';
	for (uint64_t i = 0; i < len; i++)
		if (!((txt[i] >= 'a' && txt[i] <= 'z') || (txt[i] >= 'A' && txt[i] <= 'Z') || txt[i] == ' ' ||
		      txt[i] == '(' || txt[i] == ')' || txt[i] == '.' || txt[i] == '-'))
			return false;
	return true;
}

static bool reasons_sig(struct search *s, const unsigned char *p)
{
	unsigned w = s->ptr;
	uint64_t words = 0, caps = 0;
	if (word(s, p + w) != 0) /* waitReasonZero: "" */
		return false;
	for (uint64_t i = 1; i < s->reasons_n; i++) {
		bool several, upper;
		if (!reason_text(s, word(s, p + i * 2 * w), word(s, p + i * 2 * w + w), &several, &upper))
			return false;
		words += several;
		caps += upper;
	}
	/* most reasons are phrases ("chan receive"), unlike the lock rank
	 * names, another array of strings starting with ""; several name the
	 * GC or IO in capitals ("GC assist marking", "IO wait"), unlike the
	 * errno texts of package syscall, a third */
	return words * 2 >= s->reasons_n && caps >= 4;
}

static void find_wait_reasons(struct search *s)
{
	enum gl_rtg g = GL_RTG_WAIT_REASON_STRINGS;
	const struct gl_type *t = s->L->globals[g].type;
	uint64_t at = 0;
	if (!t || t->kind != GL_K_ARRAY || t->count < 2 || !t->elem || t->elem->size != 2ull * s->ptr) {
		s->L->search.why[g] = NO_SIGNATURE;
		return;
	}
	s->reasons_n = t->count;
	int n = scan(s, &s->data, t->size, s->ptr, reasons_sig, &at);
	settle(s, g, n, at, "several arrays in .data look like the wait reasons",
	       "no array in .data has the wait reasons' signature");
}

/* ---- the search ------------------------------------------------------------------------ */

static bool all_found(const struct gl_rtlayout *L)
{
	static const enum gl_rtg wanted[] = {GL_RTG_MHEAP_, GL_RTG_ALLGS, GL_RTG_GC_CONTROLLER, GL_RTG_MEMSTATS,
					     GL_RTG_WORK, GL_RTG_SIZE_CLASS_TO_SIZE, GL_RTG_WAIT_REASON_STRINGS};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (!L->globals[wanted[i]].present && L->globals[wanted[i]].type)
			return false;
	return true;
}

/* In .bss and .noptrbss, read: each search uses what the ones before found
 * (work's cycles check memstats; allgs lies in mheap_'s arenas, outside
 * work's copy of it). */
static void search_memory(struct search *s)
{
	const struct gl_rtlayout *L = s->L;
	if (!L->globals[GL_RTG_MHEAP_].present)
		find_mheap(s);
	if (!L->globals[GL_RTG_GC_CONTROLLER].present)
		find_gc_controller(s);
	if (!L->globals[GL_RTG_WORK].present)
		find_work(s);
	read_cycles(s);
	if (!L->globals[GL_RTG_MEMSTATS].present)
		find_memstats(s);
	struct gl_rt_global w = L->globals[GL_RTG_WORK];
	if (w.present) {
		s->work_lo = w.addr;
		s->work_hi = w.addr + global_size(s, GL_RTG_WORK);
	}
	read_arenas(s);
	if (!L->globals[GL_RTG_ALLGS].present)
		find_allgs(s);
}

static void search(struct gl_ctx *c, struct gl_rtlayout *L)
{
	struct search s = {.c = c, .L = L, .ptr = L->ptr_size, .cycles = -1};
	for (int g = 0; g < GL_RTG__COUNT; g++)
		if (!L->globals[g].present && !L->search.why[g])
			L->search.why[g] = NO_SIGNATURE;
	const char *why = regions(&s);
	if (why) {
		for (int g = 0; g < GL_RTG__COUNT; g++)
			if (!L->globals[g].present)
				L->search.why[g] = why;
		return;
	}
	if (!L->globals[GL_RTG_SIZE_CLASS_TO_SIZE].present || !L->globals[GL_RTG_WAIT_REASON_STRINGS].present) {
		region_read(&s, &s.noptrdata, true);
		region_read(&s, &s.data, true);
		if (!L->globals[GL_RTG_SIZE_CLASS_TO_SIZE].present)
			find_size_classes(&s);
		if (!L->globals[GL_RTG_WAIT_REASON_STRINGS].present)
			find_wait_reasons(&s);
	}
	/* the globals the runtime writes: in the process's memory */
	static const enum gl_rtg mem[] = {GL_RTG_MHEAP_, GL_RTG_ALLGS, GL_RTG_GC_CONTROLLER, GL_RTG_MEMSTATS,
					  GL_RTG_WORK};
	struct gl_error *err = gl_ctx_need_process(c);
	if (!err) {
		region_read(&s, &s.bss, false);
		region_read(&s, &s.noptrbss, false);
	}
	if (err || !s.bss.b || !s.noptrbss.b) {
		for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++)
			if (!L->globals[mem[i]].present)
				L->search.why[mem[i]] = err ? "it is searched for in the process's memory, and there is "
							      "no process"
							    : "the runtime's .bss or .noptrbss cannot be read";
		gl_error_destroy(err);
	} else {
		search_memory(&s);
	}
	free(s.data.b);
	free(s.noptrdata.b);
	free(s.bss.b);
	free(s.noptrbss.b);
}

struct gl_error *gl_rt_load_globals(struct gl_ctx *c, const struct gl_rtlayout **out)
{
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load_types(c->t, &L);
	if (err || !L->no_symbols) {
		*out = err ? NULL : L;
		return err;
	}
	/* the table is the target's (gl_rt_of), kept with it */
	struct gl_rtlayout *W = c->t->rt;
	uint64_t stop = c->mem ? c->mem->stop_id : 0;
	if (!all_found(W) && (!W->search.ran || !stop || stop != W->search.stop)) {
		search(c, W);
		W->search.ran = true;
		W->search.stop = stop;
	}
	*out = L;
	return NULL;
}

/* "runtime.mheap_" from "runtime.mheap_|..." */
static const char *first_name(const char *names, char *buf, size_t len)
{
	size_t n = strcspn(names, "|");
	snprintf(buf, len, "%.*s", (int)n, names);
	return buf;
}

const char *gl_rt_global_why(const struct gl_rtlayout *L, enum gl_rtg g, char *buf, size_t len)
{
	char name[96];
	first_name(gl_rt_global_desc(g)->names, name, sizeof(name));
	if (!L->no_symbols)
		snprintf(buf, len, "no %s in the binary's DWARF", name);
	else if (!L->search.ran)
		snprintf(buf, len, "no symbol table, and %s was not searched for (no process?)", name);
	else
		snprintf(buf, len, "no symbol table (-s -w), and %s was not found: %s", name,
			 L->search.why[g] ? L->search.why[g] : NO_SIGNATURE);
	return buf;
}

struct gl_error *gl_rt_global_error(const struct gl_rtlayout *L, enum gl_rtg g)
{
	char why[320];
	return gl_error_create(GL_ERR_NODWARF, "%s", gl_rt_global_why(L, g, why, sizeof(why)));
}
