#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "base/strbuf.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "runtime/goroutines.h"

/* ---- statuses and wait reasons, from the runtime-layout table --------------- */

/* The runtime's _G* statuses: the enum golayout decides on, and the
 * name shown (the constant's, without "_G"). */
static const struct {
	enum gl_rtc k;
	enum gl_gstatus state;
	const char *name;
} statuses[] = {
	{GL_RTC_G_IDLE, GL_G_IDLE, "idle"},
	{GL_RTC_G_RUNNABLE, GL_G_RUNNABLE, "runnable"},
	{GL_RTC_G_RUNNING, GL_G_RUNNING, "running"},
	{GL_RTC_G_SYSCALL, GL_G_SYSCALL, "syscall"},
	{GL_RTC_G_WAITING, GL_G_WAITING, "waiting"},
	{GL_RTC_G_MORIBUND_UNUSED, GL_G_OTHER, "moribund_unused"},
	{GL_RTC_G_DEAD, GL_G_DEAD, "dead"},
	{GL_RTC_G_ENQUEUE_UNUSED, GL_G_OTHER, "enqueue_unused"},
	{GL_RTC_G_COPYSTACK, GL_G_COPYSTACK, "copystack"},
	{GL_RTC_G_PREEMPTED, GL_G_PREEMPTED, "preempted"},
	{GL_RTC_G_LEAKED, GL_G_OTHER, "leaked"},
	{GL_RTC_G_DEADEXTRA, GL_G_OTHER, "deadextra"},
};

/* A status value's state and name; "unknown" for a value the binary's
 * release has no status for. */
static void status_of(const struct gl_rtlayout *rt, uint32_t v, struct gl_goroutine *g)
{
	g->state = GL_G_OTHER;
	snprintf(g->status_name, sizeof(g->status_name), "unknown");
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (gl_rt_has_const(rt, statuses[i].k) && gl_rt_const(rt, statuses[i].k) == (int64_t)v) {
			g->state = statuses[i].state;
			snprintf(g->status_name, sizeof(g->status_name), "%s", statuses[i].name);
			return;
		}
}

/* runtime.waitReasonStrings (an array of strings in the binary's data):
 * found once per walk, then indexed by each goroutine's reason. */
struct wait_reasons {
	uint64_t addr, count;
};

static void wait_reasons_find(const struct gl_rtlayout *rt, struct wait_reasons *w)
{
	struct gl_rt_global g = gl_rt_global(rt, GL_RTG_WAIT_REASON_STRINGS);
	w->addr = g.addr;
	w->count = g.present && g.type && g.type->kind == GL_K_ARRAY ? g.type->count : 0;
}

/* Bytes of the binary's data: from the file, else from memory. */
static bool read_data(struct gl_ctx *c, uint64_t at, void *buf, uint64_t len)
{
	struct gl_error *err = gl_elf_read_vaddr(&c->t->elf, at, buf, len);
	if (err) {
		gl_error_destroy(err);
		if ((err = gl_mem_read(c->mem, at, buf, len))) {
			gl_error_destroy(err);
			return false;
		}
	}
	return true;
}

static void wait_reason(struct gl_ctx *c, const struct gl_rtlayout *rt, const struct wait_reasons *w,
			uint8_t reason, char *out, size_t len)
{
	snprintf(out, len, "%u", reason);
	if (reason >= w->count)
		return;
	/* a string header: data pointer, length */
	unsigned char hdr[16];
	uint64_t ptr = rt->ptr_size;
	if (!read_data(c, w->addr + (uint64_t)reason * 2 * ptr, hdr, 2 * ptr))
		return;
	uint64_t p = gl_rt_word(rt, hdr), n = gl_rt_word(rt, hdr + ptr);
	if (n == 0) { /* waitReasonZero has no text */
		out[0] = '\0';
		return;
	}
	if (n >= len)
		return;
	if (!read_data(c, p, out, n)) {
		snprintf(out, len, "%u", reason);
		return;
	}
	out[n] = '\0';
}

/* ---- the g layout, from the runtime-layout table --------------------------- */

static struct gl_error *g_layout(const struct gl_rtlayout *rt)
{
	struct gl_error *err = gl_rt_need(rt, GL_RTF_G_STACK_LO, GL_RTF_G_STACK_HI, GL_RTF_G_SCHED_SP,
					  GL_RTF_G_SCHED_PC, GL_RTF_G_ATOMICSTATUS, GL_RTF_G_GOID, GL_RTF_G_M);
	if (err)
		return err;
	if (!gl_rt_global(rt, GL_RTG_ALLGS).present)
		return gl_rt_global_error(rt, GL_RTG_ALLGS);
	if (gl_rt_struct(rt, GL_RTS_G)->size > 4096)
		return gl_error_create(GL_ERR_NODWARF, "runtime.g is implausibly large");
	return NULL;
}

/* ---- the walk ------------------------------------------------------------------ */

#define CHUNK 256 /* allgs entries read per request: bounded, whatever allgs holds */
#define MAX_ODD_RUN 1023u /* gs in a row with no status before the walk gives up */

struct gl_goroutine_iter {
	struct gl_ctx *c;
	const struct gl_rtlayout *rt;
	uint64_t gsize;          /* of runtime.g */
	struct wait_reasons wr;
	uint64_t arr, n, next;   /* allgs array, length, next index */
	uint64_t ptrs[CHUNK];    /* allgs entries, widened to 64 bits */
	unsigned char raw[CHUNK * sizeof(uint64_t)]; /* the same, as the target stores them */
	uint64_t chunk_base, chunk_len;
	unsigned char *gb;       /* one runtime.g */
	struct gl_error *first;  /* the first entry that could not be read */
	unsigned odd_run;        /* gs in a row with no valid status */
	uint64_t stack_prefetch; /* bytes of each stack from sched.sp to prefetch, 0: none */
	struct gl_mem_range ranges[CHUNK];
};

struct gl_error *gl_goroutines_open(struct gl_ctx *c, struct gl_goroutine_iter **out)
{
	*out = NULL;
	const struct gl_rtlayout *rt;
	struct gl_error *err = gl_ctx_need_process(c);
	if (err || (err = gl_rt_load_globals(c, &rt)) || (err = g_layout(rt)))
		return err;
	struct gl_goroutine_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return &gl_error_nomem;
	it->c = c;
	it->rt = rt;
	it->gsize = gl_rt_struct(rt, GL_RTS_G)->size;
	wait_reasons_find(rt, &it->wr);
	/* allgs is a []*g: array pointer, length, capacity */
	unsigned char hdr[24];
	uint64_t ptr = rt->ptr_size;
	if ((err = gl_mem_read(c->mem, gl_rt_global(rt, GL_RTG_ALLGS).addr, hdr, 3 * ptr))) {
		err = gl_error_wrap(err, "reading runtime.allgs");
		goto fail;
	}
	it->arr = gl_rt_word(rt, hdr);
	it->n = gl_rt_word(rt, hdr + ptr);
	if (it->n > GL_MAX_GOROUTINES) {
		err = gl_error_create(GL_ERR_CORRUPT, "runtime.allgs has %llu entries: corrupt?",
				      (unsigned long long)it->n);
		goto fail;
	}
	if (it->n == 0) { /* even the main goroutine is made in schedinit's wake */
		err = gl_error_create(GL_ERR_NOTREADY, "runtime.allgs is empty: the Go runtime is not "
				      "initialised yet (stop in main.main or later)");
		goto fail;
	}
	if (!(it->gb = malloc(it->gsize))) {
		err = &gl_error_nomem;
		goto fail;
	}
	*out = it;
	return NULL;
fail:
	free(it);
	return err;
}

uint64_t gl_goroutines_total(const struct gl_goroutine_iter *it)
{
	return it->n;
}

static void note_unreadable(struct gl_goroutine_iter *it, struct gl_error *err, const char *what,
			    uint64_t i)
{
	if (err->code == GL_ERR_LIMIT) {
		/* too many unreadable pages: allgs is garbage; that is the
		 * error to report, and the walk ends */
		gl_error_destroy(it->first);
		it->first = gl_error_wrap(err, "walking allgs (%llu entries), at goroutine %llu",
					  (unsigned long long)it->n, (unsigned long long)i);
		it->next = it->n;
		return;
	}
	if (!it->first)
		it->first = gl_error_wrap(err, what, (unsigned long long)i); /* what may not use i */
	else
		gl_error_destroy(err);
}

static void prefetch_chunk(struct gl_goroutine_iter *it);

/* allgs[i] into *p, one chunk of the array at a time. */
static bool entry(struct gl_goroutine_iter *it, uint64_t i, uint64_t *p)
{
	if (i < it->chunk_base || i >= it->chunk_base + it->chunk_len) {
		uint64_t k = it->n - i < CHUNK ? it->n - i : CHUNK;
		uint64_t ptr = it->rt->ptr_size;
		struct gl_error *err = gl_mem_read(it->c->mem, it->arr + i * ptr, it->raw, k * ptr);
		it->chunk_base = i;
		it->chunk_len = err ? 0 : k;
		for (uint64_t j = 0; !err && j < k; j++)
			it->ptrs[j] = gl_rt_word(it->rt, it->raw + j * ptr);
		if (!err)
			prefetch_chunk(it);
		if (err) {
			/* the whole array is unreadable from here: stop the walk */
			note_unreadable(it, err, "reading the allgs array", i);
			it->next = it->n;
			return false;
		}
	}
	*p = it->ptrs[i - it->chunk_base];
	return true;
}

/* The gs of a chunk of allgs, and with stack_prefetch the tops of their
 * stacks, into the page cache with one backend call for every run of
 * nearby pages (a g is a few hundred bytes and allocated next to other
 * gs, a parked goroutine's frames lie in the kilobyte above its sched.sp,
 * and stacks are carved from the same spans): 100,000 goroutines cost a
 * few hundred calls instead of one for every page. */
static void prefetch_chunk(struct gl_goroutine_iter *it)
{
	const struct gl_rtlayout *rt = it->rt;
	size_t n = 0;
	for (uint64_t j = 0; j < it->chunk_len; j++)
		if (it->ptrs[j])
			it->ranges[n++] = (struct gl_mem_range){it->ptrs[j], it->gsize};
	gl_mem_prefetch(it->c->mem, it->ranges, n, 2 * GL_PAGE_SIZE);
	if (!it->stack_prefetch || !gl_rt_have(rt, GL_RTF_G_SCHED_SP, GL_RTF_G_STACK_HI))
		return;
	struct gl_rt_field fsp = gl_rt_field(rt, GL_RTF_G_SCHED_SP), fhi = gl_rt_field(rt, GL_RTF_G_STACK_HI);
	unsigned char w[8];
	size_t k = 0;
	for (uint64_t j = 0; j < it->chunk_len; j++) {
		uint64_t sp, hi;
		if (!it->ptrs[j] || fsp.size > sizeof(w) || fhi.size > sizeof(w))
			continue;
		/* (only gs the prefetch brought in: a g that did not read is
		 * not asked for again here) */
		if (!gl_mem_read_cached(it->c->mem, it->ptrs[j] + fsp.off, w, fsp.size))
			continue;
		sp = gl_get_uint(w, fsp.size);
		if (!gl_mem_read_cached(it->c->mem, it->ptrs[j] + fhi.off, w, fhi.size))
			continue;
		hi = gl_get_uint(w, fhi.size);
		if (sp && sp < hi)
			it->ranges[k++] = (struct gl_mem_range){sp, hi - sp < it->stack_prefetch ? hi - sp : it->stack_prefetch};
	}
	gl_mem_prefetch(it->c->mem, it->ranges, k, GL_PAGE_SIZE);
}

void gl_goroutines_prefetch_stacks(struct gl_goroutine_iter *it, uint64_t bytes)
{
	it->stack_prefetch = bytes;
}

/* A field of the runtime struct at addr, read alone (an m is a few
 * kilobytes of which golayout wants five words); false when absent or
 * unreadable. */
static bool field_at(struct gl_goroutine_iter *it, uint64_t addr, enum gl_rtf f, uint64_t *out)
{
	struct gl_rt_field fd = gl_rt_field(it->rt, f);
	unsigned char b[8];
	if (!fd.present || fd.size > sizeof(b) || !addr)
		return false;
	if (!gl_mem_try_read(it->c->mem, addr + fd.off, b, fd.size))
		return false;
	*out = gl_get_uint(b, fd.size);
	return true;
}

/* The bounds of the stack of the runtime.g at addr (a g0 or gsignal). */
static void stack_of(struct gl_goroutine_iter *it, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	if (!field_at(it, addr, GL_RTF_G_STACK_LO, lo) || !field_at(it, addr, GL_RTF_G_STACK_HI, hi) ||
	    *lo >= *hi)
		*lo = *hi = 0;
}

/* The M running g: its thread id, whether g is the goroutine it runs
 * (m.curg), and its system stacks. */
static void decode_m(struct gl_goroutine_iter *it, struct gl_goroutine *g)
{
	uint64_t v;
	if (field_at(it, g->m, GL_RTF_M_PROCID, &v))
		g->thread = v;
	g->m_runs_it = field_at(it, g->m, GL_RTF_M_CURG, &v) && v == g->g;
	if (field_at(it, g->m, GL_RTF_M_G0, &v))
		stack_of(it, v, &g->g0_lo, &g->g0_hi);
	if (field_at(it, g->m, GL_RTF_M_GSIGNAL, &v))
		stack_of(it, v, &g->gsignal_lo, &g->gsignal_hi);
}

enum gl_stack_kind gl_goroutine_stack_of(const struct gl_goroutine *g, uint64_t addr)
{
	if (gl_goroutine_holds(g, addr))
		return GL_ON_GOROUTINE;
	/* the M's stacks are this goroutine's only while the M runs it */
	if (!g->m_runs_it)
		return GL_ON_NONE;
	if (addr >= g->g0_lo && addr < g->g0_hi)
		return GL_ON_G0;
	if (addr >= g->gsignal_lo && addr < g->gsignal_hi)
		return GL_ON_GSIGNAL;
	return GL_ON_NONE;
}

static void decode(struct gl_goroutine_iter *it, uint64_t addr, struct gl_goroutine *g)
{
	const struct gl_rtlayout *rt = it->rt;
	const unsigned char *gb = it->gb;
	memset(g, 0, sizeof(*g));
	g->g = addr;
	g->goid = gl_rt_get(rt, GL_RTF_G_GOID, gb);
	uint32_t raw = (uint32_t)gl_rt_get(rt, GL_RTF_G_ATOMICSTATUS, gb);
	uint32_t scan = (uint32_t)gl_rt_const(rt, GL_RTC_G_SCAN);
	g->scan = (raw & scan) != 0;
	g->status = raw & ~scan;
	status_of(rt, g->status, g);
	g->stack_lo = gl_rt_get(rt, GL_RTF_G_STACK_LO, gb);
	g->stack_hi = gl_rt_get(rt, GL_RTF_G_STACK_HI, gb);
	g->stackguard = gl_rt_get(rt, GL_RTF_G_STACKGUARD0, gb);
	g->sp = gl_rt_get(rt, GL_RTF_G_SCHED_SP, gb);
	g->pc = gl_rt_get(rt, GL_RTF_G_SCHED_PC, gb);
	g->lr = gl_rt_have(rt, GL_RTF_G_SCHED_LR) ? gl_rt_get(rt, GL_RTF_G_SCHED_LR, gb) : 0;
	g->sched_sp = g->sp;
	g->sched_pc = g->pc;
	g->sched_lr = g->lr;
	/* in a system call the scheduling state is stale: the runtime saved
	 * where the goroutine entered the call */
	if (gl_rt_have(rt, GL_RTF_G_SYSCALLSP, GL_RTF_G_SYSCALLPC) && g->state == GL_G_SYSCALL) {
		uint64_t ssp = gl_rt_get(rt, GL_RTF_G_SYSCALLSP, gb), spc = gl_rt_get(rt, GL_RTF_G_SYSCALLPC, gb);
		if (ssp && spc) {
			g->sp = ssp;
			g->pc = spc;
			g->lr = 0; /* as traceback.go: the LR then is in the frame */
		}
	}
	if (gl_rt_have(rt, GL_RTF_G_WAITREASON) && g->state == GL_G_WAITING)
		wait_reason(it->c, rt, &it->wr, (uint8_t)gl_rt_get(rt, GL_RTF_G_WAITREASON, gb), g->wait_reason,
			    sizeof(g->wait_reason));
	g->m = gl_rt_get(rt, GL_RTF_G_M, gb);
	if (g->m)
		decode_m(it, g);
	g->gopc = gl_rt_get(rt, GL_RTF_G_GOPC, gb);
	g->startpc = gl_rt_get(rt, GL_RTF_G_STARTPC, gb);
}

bool gl_goroutines_next(struct gl_goroutine_iter *it, struct gl_goroutine *g)
{
	while (it->next < it->n && !gl_interrupted(it->c)) {
		gl_progress(it->c, "goroutines read", it->next, it->n);
		uint64_t i = it->next++, addr;
		if (!entry(it, i, &addr))
			return false;
		struct gl_error *err = gl_mem_read(it->c->mem, addr, it->gb, it->gsize);
		if (err) {
			note_unreadable(it, err, "reading goroutine %llu of allgs", i);
			continue;
		}
		decode(it, addr, g);
		/* a long run of gs whose status is no status at all: allgs
		 * points into memory that holds no goroutines */
		it->odd_run = strcmp(g->status_name, "unknown") ? 0 : it->odd_run + 1;
		if (it->odd_run > MAX_ODD_RUN) {
			gl_error_destroy(it->first);
			it->first = gl_error_create(GL_ERR_CORRUPT, "stopped at goroutine %llu of allgs: the last "
						    "%u entries hold no goroutine status (corrupt allgs?)",
						    (unsigned long long)i, MAX_ODD_RUN + 1);
			it->next = it->n;
			return false;
		}
		return true;
	}
	return false;
}

struct gl_error *gl_goroutines_close(struct gl_goroutine_iter *it)
{
	if (!it)
		return NULL;
	struct gl_error *first = it->first;
	free(it->gb);
	free(it);
	return first;
}

bool gl_goroutine_on_stack(struct gl_ctx *c, uint64_t addr, struct gl_goroutine *out)
{
	struct gl_goroutine_iter *it;
	struct gl_error *err = gl_goroutines_open(c, &it);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	bool found = false;
	while (!found && gl_goroutines_next(it, out))
		found = gl_goroutine_holds(out, addr);
	gl_error_destroy(gl_goroutines_close(it));
	return found;
}

struct gl_error *gl_goroutines_status_check(const struct gl_goroutine_iter *it, const char *name)
{
	if (!strcmp(name, "unknown"))
		return NULL;
	struct strbuf known;
	sb_init(&known);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (!gl_rt_has_const(it->rt, statuses[i].k))
			continue;
		if (!strcmp(name, statuses[i].name)) {
			sb_deinit(&known);
			return NULL;
		}
		sb_addf(&known, "%s, ", statuses[i].name);
	}
	struct gl_error *err = gl_error_create(GL_ERR_USAGE,
					       "no goroutine status \"%s\" in this Go release (statuses: %sunknown)",
					       name, known.s ? known.s : "");
	sb_deinit(&known);
	return err;
}
