/* The heap graph's roots (see heapgraph.h): module globals through the
 * runtime's own pointer masks, finalizer/cleanup/weak-handle specials as
 * markrootSpans scans them, the finalizer queue, goroutine stacks (hg_stacks.c), and the super
 * root over all of them. Each root is a node after the object slots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/heapgraph.h"
#include "target/elfsyms.h"

#define MAX_MODULES 64
#define MAX_MASK_BYTES (64u << 20) /* a module's data+bss up to 4 GiB of words */
#define MAX_ROOTS (1u << 24)
#define READ_CHUNK (1u << 20)

struct sym {
	const char *name;
	uint64_t addr, size;
};

struct gl_hg_roots {
	struct gl_heapgraph *hg;
	uint32_t **dst, **off;
	size_t *ndst, *cap, *offcap;
	size_t cur;              /* where the open root's edges start */
	struct sym *syms;
	size_t nsyms, symcap;
	bool full;
};

/* Open a new root node: its edges start here. */
struct gl_hg_root *gl_hg_open_root(struct gl_hg_roots *r, enum gl_hg_root_kind kind, const char *name)
{
	struct gl_heapgraph *hg = r->hg;
	size_t node = (size_t)hg->nslots + hg->nroots;
	size_t rcap = hg->nroots; /* roots grow with the offsets */
	if (hg->nroots >= MAX_ROOTS || !GL_ARRAY_RESERVE(*r->off, *r->offcap, node + 2, 1024)) {
		r->full = true;
		return NULL;
	}
	struct gl_hg_root *nr = realloc(hg->roots, (rcap + 1) * sizeof(*nr));
	if (!nr) {
		r->full = true;
		return NULL;
	}
	hg->roots = nr;
	struct gl_hg_root *o = &hg->roots[hg->nroots++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->name = gl_hg_add_name(hg, name);
	if (o->name == (uint32_t)-1)
		o->name = 0, r->full = true;
	(*r->off)[node] = (uint32_t)*r->ndst;
	(*r->off)[node + 1] = (uint32_t)*r->ndst;
	r->cur = *r->ndst;
	return o;
}

void gl_hg_root_edge(struct gl_hg_roots *r, uint32_t to)
{
	if (to == GL_DG_NONE)
		return;
	for (size_t i = r->cur; i < *r->ndst; i++)
		if ((*r->dst)[i] == to)
			return; /* a root's targets once each (few per root) */
	if (*r->ndst >= UINT32_MAX || !GL_ARRAY_RESERVE(*r->dst, *r->cap, *r->ndst, 1024)) {
		r->full = true;
		return;
	}
	(*r->dst)[(*r->ndst)++] = to;
	r->hg->n.edges++;
	(*r->off)[(size_t)r->hg->nslots + r->hg->nroots] = (uint32_t)*r->ndst;
}

/* ---- globals ---------------------------------------------------------------- */

static void add_sym(void *arg, const char *name, uint64_t addr, uint64_t size)
{
	struct gl_hg_roots *r = arg;
	struct sym *s = GL_ARRAY_PUSH(r->syms, r->nsyms, r->symcap, 1024);
	if (s)
		*s = (struct sym){name, addr, size};
}

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The symbol holding addr, or NULL. */
static const struct sym *sym_at(const struct gl_hg_roots *r, uint64_t addr)
{
	size_t lo = 0, hi = r->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct sym *s = &r->syms[lo - 1];
	return addr - s->addr < (s->size ? s->size : 1) ? s : NULL;
}

/* The pointer words of [lo, hi) by the mask of nbits bits at maskp: one
 * root per symbol they fall in (or per word outside any symbol). */
static struct gl_error *scan_section(struct gl_hg_roots *r, const char *what, uint64_t lo, uint64_t hi,
				     uint64_t maskp, uint64_t nbits)
{
	struct gl_heapgraph *hg = r->hg;
	struct gl_ctx *c = hg->h.c;
	unsigned ps = hg->h.ptr;
	uint64_t words = (hi - lo) / ps;
	if (hi < lo || nbits < words || (nbits + 7) / 8 > MAX_MASK_BYTES)
		return gl_error_create(GL_ERR_CORRUPT, "module %s [0x%llx, 0x%llx) and its %llu-bit pointer mask disagree",
				       what, (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)nbits);
	unsigned char *mask = malloc((words + 7) / 8 + 1), *buf = malloc(READ_CHUNK);
	struct gl_error *err = mask && buf ? NULL : &gl_error_nomem;
	if (!err && words)
		err = gl_mem_read(c->mem, maskp, mask, (words + 7) / 8);
	const struct sym *open = NULL;
	for (uint64_t at = 0; !err && at < words * ps && !r->full && !gl_interrupted(c); at += READ_CHUNK) {
		uint64_t len = words * ps - at < READ_CHUNK ? words * ps - at : READ_CHUNK;
		if ((err = gl_mem_read(c->mem, lo + at, buf, len)))
			break;
		for (uint64_t i = at / ps; i < (at + len) / ps; i++) {
			if (!(mask[i / 8] >> (i % 8) & 1))
				continue;
			hg->n.global_words++;
			uint64_t v = gl_get_uint(buf + (i * ps - at), ps);
			if (!v)
				continue;
			hg->n.global_pointers++;
			uint32_t to = gl_hg_resolve(hg, v);
			if (to == GL_DG_NONE)
				continue;
			uint64_t a = lo + i * ps;
			const struct sym *s = sym_at(r, a);
			if (!s || s != open) {
				char name[GL_HEAP_NAME + 32];
				if (s)
					snprintf(name, sizeof(name), "global %s", s->name);
				else
					snprintf(name, sizeof(name), "global 0x%llx (%s+0x%llx)", (unsigned long long)a, what,
						 (unsigned long long)(a - lo));
				struct gl_hg_root *o = gl_hg_open_root(r, GL_ROOT_GLOBAL, name);
				if (!o)
					break;
				o->addr = s ? s->addr : a;
				o->size = s ? s->size : ps;
				open = s;
			}
			gl_hg_root_edge(r, to);
		}
	}
	free(mask);
	free(buf);
	return err ? gl_error_wrap(err, "reading the module's %s and its pointer mask", what) : NULL;
}

static struct gl_error *globals(struct gl_hg_roots *r)
{
	struct gl_heapgraph *hg = r->hg;
	struct gl_heap *h = &hg->h;
	const struct gl_rtlayout *L = h->L;
	struct gl_rt_global md = gl_rt_global(L, GL_RTG_FIRSTMODULEDATA);
	if (!md.present || !gl_rt_have(L, GL_RTF_MODULEDATA_DATA, GL_RTF_MODULEDATA_EDATA, GL_RTF_MODULEDATA_BSS,
				      GL_RTF_MODULEDATA_EBSS, GL_RTF_MODULEDATA_GCDATAMASK_N,
				      GL_RTF_MODULEDATA_GCDATAMASK_BITS, GL_RTF_MODULEDATA_GCBSSMASK_N,
				      GL_RTF_MODULEDATA_GCBSSMASK_BITS))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.moduledata data/bss and pointer masks: no global roots");
	uint64_t m = md.addr;
	for (int k = 0; m && k < MAX_MODULES; k++) {
		uint64_t v[8];
		static const enum gl_rtf f[8] = {
			GL_RTF_MODULEDATA_DATA, GL_RTF_MODULEDATA_EDATA, GL_RTF_MODULEDATA_GCDATAMASK_BITS,
			GL_RTF_MODULEDATA_GCDATAMASK_N, GL_RTF_MODULEDATA_BSS, GL_RTF_MODULEDATA_EBSS,
			GL_RTF_MODULEDATA_GCBSSMASK_BITS, GL_RTF_MODULEDATA_GCBSSMASK_N,
		};
		for (int i = 0; i < 8; i++)
			if (!gl_heap_read_field(h, m, f[i], &v[i]))
				return gl_error_create(GL_ERR_FAULT, "cannot read moduledata at 0x%llx",
						       (unsigned long long)m);
		/* the masks' n are int32 */
		v[3] &= 0xffffffffu;
		v[7] &= 0xffffffffu;
		if (!r->syms)
			gl_elf_each_object(&hg->h.c->t->elf, v[0], v[5] > v[1] ? v[5] : v[1], add_sym, r);
		if (r->nsyms)
			qsort(r->syms, r->nsyms, sizeof(*r->syms), cmp_sym);
		struct gl_error *err = scan_section(r, ".data", v[0], v[1], v[2], v[3]);
		if (!err)
			err = scan_section(r, ".bss", v[4], v[5], v[6], v[7]);
		if (err)
			return err;
		hg->n.globals = true;
		uint64_t next = 0;
		if (!gl_heap_read_field(h, m, GL_RTF_MODULEDATA_NEXT, &next))
			break;
		m = next;
	}
	return NULL;
}

/* ---- specials ----------------------------------------------------------------- */

static void special_root(struct gl_hg_roots *r, const struct gl_special *sp, uint64_t obj_addr)
{
	struct gl_heapgraph *hg = r->hg;
	const char *why;
	uint32_t obj = gl_hg_object_at(hg, obj_addr, &why);
	char name[2 * GL_HEAP_NAME + 64];
	enum gl_hg_root_kind kind;
	switch (sp->kind) {
	case GL_SPECIAL_FINALIZER:
		kind = GL_ROOT_FINALIZER;
		snprintf(name, sizeof(name), "finalizer %s of 0x%llx", sp->function[0] ? sp->function : "?",
			 (unsigned long long)obj_addr);
		break;
	case GL_SPECIAL_CLEANUP:
		kind = GL_ROOT_CLEANUP;
		snprintf(name, sizeof(name), "cleanup %s of 0x%llx",
			 sp->wrapper[0] ? sp->wrapper : sp->function[0] ? sp->function : "?", (unsigned long long)obj_addr);
		break;
	case GL_SPECIAL_WEAK_HANDLE:
		kind = GL_ROOT_WEAK_HANDLE;
		snprintf(name, sizeof(name), "weak handle of 0x%llx", (unsigned long long)obj_addr);
		break;
	default:
		return; /* other specials hold no pointers the GC follows */
	}
	struct gl_hg_root *o = gl_hg_open_root(r, kind, name);
	if (!o)
		return;
	o->object = obj_addr;
	o->addr = sp->addr;
	/* markrootSpans: a finalizer's object is scanned (what it points to
	 * is reachable, the object itself is not marked) and the funcval
	 * kept; a cleanup keeps its funcval; a weak handle its handle */
	if (kind == GL_ROOT_FINALIZER && obj != GL_DG_NONE)
		for (uint32_t e = (*r->off)[obj]; e < (*r->off)[obj + 1]; e++)
			gl_hg_root_edge(r, (*r->dst)[e]);
	if ((kind == GL_ROOT_FINALIZER || kind == GL_ROOT_CLEANUP) && sp->has_funcval)
		gl_hg_root_edge(r, gl_hg_resolve(hg, sp->funcval));
	if (kind == GL_ROOT_WEAK_HANDLE && sp->has_handle)
		gl_hg_root_edge(r, gl_hg_resolve(hg, sp->handle));
}

static void specials(struct gl_hg_roots *r)
{
	struct gl_heapgraph *hg = r->hg;
	for (uint32_t i = 0; i < hg->nspans && !r->full && !gl_interrupted(hg->h.c); i++) {
		const struct gl_hg_span *s = &hg->spans[i];
		if (!s->has_specials)
			continue;
		struct gl_span span;
		struct gl_specials l = {0};
		struct gl_error *err = gl_heap_read_span(&hg->h, s->mspan, &span);
		if (!err)
			err = gl_heap_specials(&hg->h, &span, span.base, span.base + span.npages * hg->h.page_size, &l);
		if (err) {
			gl_error_destroy(err);
			hg->n.specials_unreadable++;
		}
		for (size_t k = 0; k < l.n; k++) {
			hg->n.specials++;
			uint64_t off = l.v[k].offset;
			uint64_t obj = span.base + off / s->elemsize * s->elemsize;
			special_root(r, &l.v[k], obj);
		}
		gl_specials_deinit(&l);
	}
}

/* ---- the finalizer and cleanup queues -------------------------------------- */

#define MAX_QUEUE_BLOCKS (1u << 16)

/* A queue of the runtime's the GC scans as a root (markroot): blocks
 * from the one at head, linked by `link`, each with `count` elements of es
 * bytes in its array `array`; the words of an element that `words` marks
 * (bit i: word i) are pointers. A root `name` per block that holds any.
 * An unreadable or corrupt block ends the queue. */
struct queue {
	enum gl_hg_root_kind kind;
	const char *name;
	uint64_t head;
	enum gl_rtf link, count, array;
	uint64_t es, words;
};

static void queue_blocks(struct gl_hg_roots *r, const struct queue *q)
{
	struct gl_heapgraph *hg = r->hg;
	struct gl_heap *h = &hg->h;
	struct gl_ctx *c = h->c;
	unsigned ps = h->ptr;
	struct gl_rt_field f = gl_rt_field(h->L, q->array);
	if (!f.present || !q->es || q->es % ps || q->es / ps > 64)
		return;
	uint64_t max = f.size / q->es, b = q->head;
	unsigned char *buf = malloc(f.size ? f.size : 1);
	struct gl_error *err = buf ? NULL : &gl_error_nomem;
	for (uint32_t k = 0; !err && b && k < MAX_QUEUE_BLOCKS && !r->full && !gl_interrupted(c); k++) {
		uint64_t n = 0, next = 0;
		if (!gl_heap_read_field(h, b, q->count, &n) || !gl_heap_read_field(h, b, q->link, &next) || n > max)
			break;
		if (n && !(err = gl_mem_read(c->mem, b + f.off, buf, n * q->es)) &&
		    gl_hg_open_root(r, q->kind, q->name)) {
			for (uint64_t i = 0; i < n * q->es / ps; i++) {
				uint64_t v = q->words >> (i % (q->es / ps)) & 1 ? gl_get_uint(buf + i * ps, ps) : 0;
				if (v)
					gl_hg_root_edge(r, gl_hg_resolve(hg, v));
			}
		}
		b = next;
	}
	gl_error_destroy(err);
	free(buf);
}

/* Finalizers queued for the finalizer goroutine (their objects found
 * unreachable, not yet run), as markroot scans them: every block of
 * allfin, its first cnt entries, the words finptrmask marks (fn, arg,
 * fint, ot). A root "finalizer queue" per block that holds any (a block
 * has about a hundred). */
static void finalizer_queue(struct gl_hg_roots *r)
{
	struct gl_heap *h = &r->hg->h;
	const struct gl_rtlayout *L = h->L;
	const struct gl_type *fin = gl_rt_struct(L, GL_RTS_FINALIZER);
	if (!fin || !gl_rt_have(L, GL_RTF_FINBLOCK_ALLLINK, GL_RTF_FINBLOCK_CNT, GL_RTF_FINBLOCK_FIN,
				GL_RTF_FINALIZER_FN, GL_RTF_FINALIZER_ARG, GL_RTF_FINALIZER_FINT, GL_RTF_FINALIZER_OT))
		return;
	static const enum gl_rtf ptrs[] = {GL_RTF_FINALIZER_FN, GL_RTF_FINALIZER_ARG, GL_RTF_FINALIZER_FINT,
					   GL_RTF_FINALIZER_OT};
	struct gl_rt_global all = gl_rt_global(L, GL_RTG_ALLFIN);
	struct queue q = {GL_ROOT_FINALIZER, "finalizer queue", 0, GL_RTF_FINBLOCK_ALLLINK, GL_RTF_FINBLOCK_CNT,
			  GL_RTF_FINBLOCK_FIN, fin->size, 0};
	struct gl_error *err = all.present ? gl_heap_read_words(h, all.addr, 1, &q.head) : NULL;
	if (!all.present || err) {
		gl_error_destroy(err);
		return;
	}
	for (size_t j = 0; j < sizeof(ptrs) / sizeof(ptrs[0]); j++) {
		uint64_t w = gl_rt_field(L, ptrs[j]).off / h->ptr;
		q.words |= w < 64 ? 1ull << w : 0;
	}
	queue_blocks(r, &q);
}

/* Cleanups (runtime.AddCleanup, Go 1.25+) queued for the cleanup
 * goroutines, their objects found unreachable: every block of
 * gcCleanups.all, every word of its first n cleanups (a *funcval each in
 * 1.25; a cleanupFn, call, fn and arg, since 1.26). A root "cleanup
 * queue" per block that holds any: a cleanup that never returns keeps
 * what the cleanups queued after it capture. */
static void cleanup_queue(struct gl_hg_roots *r)
{
	struct gl_heap *h = &r->hg->h;
	const struct gl_rtlayout *L = h->L;
	if (!gl_rt_have(L, GL_RTF_CLEANUP_QUEUE_ALL, GL_RTF_CLEANUP_BLOCK_ALLLINK, GL_RTF_CLEANUP_BLOCK_N,
			GL_RTF_CLEANUP_BLOCK_CLEANUPS))
		return;
	const struct gl_type *fn = gl_rt_struct(L, GL_RTS_CLEANUP_FN);
	struct gl_rt_global g = gl_rt_global(L, GL_RTG_GC_CLEANUPS);
	struct queue q = {GL_ROOT_CLEANUP, "cleanup queue", 0, GL_RTF_CLEANUP_BLOCK_ALLLINK, GL_RTF_CLEANUP_BLOCK_N,
			  GL_RTF_CLEANUP_BLOCK_CLEANUPS, fn ? fn->size : h->ptr, ~0ull};
	if (g.present && gl_heap_read_field(h, g.addr, GL_RTF_CLEANUP_QUEUE_ALL, &q.head))
		queue_blocks(r, &q);
}

struct gl_error *gl_hg_add_roots(struct gl_ctx *c, struct gl_heapgraph *hg, uint32_t **dst, size_t *ndst,
				 size_t *cap, uint32_t **off, size_t *offcap, gl_hg_more_roots more)
{
	struct gl_hg_roots r = {.hg = hg, .dst = dst, .off = off, .ndst = ndst, .cap = cap, .offcap = offcap};
	/* name 0: "" (a root whose name could not be kept) */
	if (gl_hg_add_name(hg, "") == (uint32_t)-1)
		return &gl_error_nomem;
	struct gl_error *err = globals(&r);
	free(r.syms);
	if (err == &gl_error_nomem)
		return err;
	/* without globals the graph still has the other roots: kept, said */
	hg->globals_error = err;
	specials(&r);
	finalizer_queue(&r);
	cleanup_queue(&r);
	more(c, hg, &r);
	if (r.full)
		return gl_error_create(GL_ERR_LIMIT, "too many roots or root pointers (or out of memory)");
	if (gl_interrupted(c))
		return gl_error_create(GL_ERR_INTERRUPTED, "interrupted while reading the roots");
	/* the super root: an edge to every root */
	hg->super = hg->nslots + hg->nroots;
	if (!GL_ARRAY_RESERVE(*off, *offcap, (size_t)hg->super + 2, 1024))
		return &gl_error_nomem;
	(*off)[hg->super] = (uint32_t)*ndst;
	for (uint32_t i = 0; i < hg->nroots; i++) {
		if (*ndst >= UINT32_MAX || !GL_ARRAY_RESERVE(*dst, *cap, *ndst, 1024))
			return &gl_error_nomem;
		(*dst)[(*ndst)++] = hg->nslots + i;
	}
	(*off)[hg->super + 1] = (uint32_t)*ndst;
	hg->g.n = hg->super + 1;
	return NULL;
}
