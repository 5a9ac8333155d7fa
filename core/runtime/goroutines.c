#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "runtime/goroutines.h"

/* ---- status names and wait reasons, from the binary ------------------------ */

struct status_names {
	int64_t value[32];
	char name[32][24];
	int n;
	int64_t scan; /* the _Gscan bit */
};

static void collect_status(void *arg, const char *name, int64_t v)
{
	struct status_names *s = arg;
	const char *short_name = name + strlen("runtime._G");
	if (!strcmp(short_name, "scan")) {
		s->scan = v;
		return;
	}
	/* _Gscanrunning etc. are combinations; status names are lower case
	 * (_Grunning): _GCoff, _GCmark, _GoidCacheBatch are other constants
	 * that merely share the prefix */
	if (!strncmp(short_name, "scan", 4) || s->n == 32 || !*short_name ||
	    !(short_name[0] >= 'a' && short_name[0] <= 'z') || !strncmp(short_name, "oid", 3))
		return;
	s->value[s->n] = v;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", short_name);
	s->n++;
}

static const char *status_name(const struct status_names *s, uint32_t v)
{
	for (int i = 0; i < s->n; i++)
		if (s->value[i] == (int64_t)v)
			return s->name[i];
	return "unknown";
}

/* The enum of a status, by the name the runtime gives it. */
static enum gl_gstatus status_state(const char *name)
{
	static const struct { const char *name; enum gl_gstatus state; } known[] = {
		{"idle", GL_G_IDLE},       {"runnable", GL_G_RUNNABLE},   {"running", GL_G_RUNNING},
		{"syscall", GL_G_SYSCALL}, {"waiting", GL_G_WAITING},     {"dead", GL_G_DEAD},
		{"copystack", GL_G_COPYSTACK}, {"preempted", GL_G_PREEMPTED},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i].name))
			return known[i].state;
	return GL_G_OTHER;
}

/* runtime.waitReasonStrings (an array of strings in the binary's data):
 * found once per walk, then indexed by each goroutine's reason. */
struct wait_reasons {
	uint64_t addr, count;
};

static void wait_reasons_find(struct gl_ctx *c, struct wait_reasons *w)
{
	struct gl_type *t;
	w->count = 0;
	if (gl_dwarf_find_global(c->t->dw, "runtime.waitReasonStrings", &w->addr, &t) &&
	    t->kind == GL_K_ARRAY)
		w->count = t->count;
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

static void wait_reason(struct gl_ctx *c, const struct wait_reasons *w, uint8_t reason, char *out,
			size_t len)
{
	snprintf(out, len, "%u", reason);
	if (reason >= w->count)
		return;
	unsigned char hdr[16];
	if (!read_data(c, w->addr + (uint64_t)reason * 16, hdr, 16))
		return;
	uint64_t p = gl_get_uint(hdr, 8), n = gl_get_uint(hdr + 8, 8);
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

/* ---- the g layout, from DWARF ------------------------------------------------ */

struct g_layout {
	const struct gl_type *g;
	uint64_t stack, lo, hi, sched, sched_sp, sched_pc, status, goid, waitreason, m;
	uint64_t syscallsp, syscallpc, gopc, startpc, guard;
	bool has_syscall, has_gopc, has_startpc, has_guard;
	uint64_t m_procid;
	bool has_procid;
};

static bool off_of(const struct gl_type *t, const char *name, uint64_t *off)
{
	const struct gl_field *f = t ? gl_type_field(t, name) : NULL;
	if (f)
		*off = f->offset;
	return f != NULL;
}

static struct gl_error *g_layout(struct gl_ctx *c, struct g_layout *L)
{
	memset(L, 0, sizeof(*L));
	L->g = gl_dwarf_find_type(c->t->dw, "runtime.g");
	const struct gl_field *st = L->g ? gl_type_field(L->g, "stack") : NULL;
	const struct gl_field *sc = L->g ? gl_type_field(L->g, "sched") : NULL;
	const struct gl_field *as = L->g ? gl_type_field(L->g, "atomicstatus") : NULL;
	if (!st || !sc || !as || !off_of(st->type, "lo", &L->lo) || !off_of(st->type, "hi", &L->hi) ||
	    !off_of(sc->type, "sp", &L->sched_sp) || !off_of(sc->type, "pc", &L->sched_pc) ||
	    !off_of(L->g, "goid", &L->goid) || !off_of(L->g, "m", &L->m))
		return gl_error_create(GL_ERR_NODWARF, "no usable DWARF for runtime.g");
	L->stack = st->offset;
	L->sched = sc->offset;
	/* atomicstatus is an atomic.Uint32 {noCopy; value} (or a plain uint32) */
	uint64_t v = 0;
	L->status = as->offset + (as->type->kind == GL_K_STRUCT && off_of(as->type, "value", &v) ? v : 0);
	off_of(L->g, "waitreason", &L->waitreason);
	L->has_syscall = off_of(L->g, "syscallsp", &L->syscallsp) && off_of(L->g, "syscallpc", &L->syscallpc);
	L->has_gopc = off_of(L->g, "gopc", &L->gopc);
	L->has_guard = off_of(L->g, "stackguard0", &L->guard);
	L->has_startpc = off_of(L->g, "startpc", &L->startpc);
	L->has_procid = off_of(gl_dwarf_find_type(c->t->dw, "runtime.m"), "procid", &L->m_procid);
	if (L->g->size > 4096)
		return gl_error_create(GL_ERR_NODWARF, "runtime.g is implausibly large");
	return NULL;
}

/* ---- the walk ------------------------------------------------------------------ */

#define CHUNK 256 /* allgs entries read per request: bounded, whatever allgs holds */

struct gl_goroutine_iter {
	struct gl_ctx *c;
	struct g_layout L;
	struct status_names sn;
	struct wait_reasons wr;
	uint64_t arr, n, next;   /* allgs array, length, next index */
	uint64_t ptrs[CHUNK];
	uint64_t chunk_base, chunk_len;
	unsigned char *gb;       /* one runtime.g */
	struct gl_error *first;  /* the first entry that could not be read */
};

struct gl_error *gl_goroutines_open(struct gl_ctx *c, struct gl_goroutine_iter **out)
{
	*out = NULL;
	struct gl_error *err = gl_ctx_need_process(c);
	if (err || (err = gl_target_need_dwarf(c->t)))
		return err;
	struct gl_goroutine_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return &gl_error_nomem;
	it->c = c;
	it->sn.scan = 0x1000;
	uint64_t allgs;
	struct gl_type *t;
	unsigned char hdr[24];
	if ((err = g_layout(c, &it->L)))
		goto fail;
	wait_reasons_find(c, &it->wr);
	gl_dwarf_each_const(c->t->dw, "runtime._G", collect_status, &it->sn);
	if (!gl_dwarf_find_global(c->t->dw, "runtime.allgs", &allgs, &t)) {
		err = gl_error_create(GL_ERR_NODWARF, "no runtime.allgs in DWARF");
		goto fail;
	}
	if ((err = gl_mem_read(c->mem, allgs, hdr, 24))) {
		err = gl_error_wrap(err, "reading runtime.allgs");
		goto fail;
	}
	it->arr = gl_get_uint(hdr, 8);
	it->n = gl_get_uint(hdr + 8, 8);
	if (it->n > GL_MAX_GOROUTINES) {
		err = gl_error_create(GL_ERR_CORRUPT, "runtime.allgs has %llu entries: corrupt?",
				      (unsigned long long)it->n);
		goto fail;
	}
	if (!(it->gb = malloc(it->L.g->size))) {
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
	if (!it->first)
		it->first = gl_error_wrap(err, what, (unsigned long long)i); /* what may not use i */
	else
		gl_error_destroy(err);
}

/* allgs[i] into *p, one chunk of the array at a time. */
static bool entry(struct gl_goroutine_iter *it, uint64_t i, uint64_t *p)
{
	if (i < it->chunk_base || i >= it->chunk_base + it->chunk_len) {
		uint64_t k = it->n - i < CHUNK ? it->n - i : CHUNK;
		struct gl_error *err = gl_mem_read(it->c->mem, it->arr + i * 8, it->ptrs, k * 8);
		it->chunk_base = i;
		it->chunk_len = err ? 0 : k;
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

static void decode(struct gl_goroutine_iter *it, uint64_t addr, struct gl_goroutine *g)
{
	const struct g_layout *L = &it->L;
	const unsigned char *gb = it->gb;
	memset(g, 0, sizeof(*g));
	g->g = addr;
	g->goid = gl_get_uint(gb + L->goid, 8);
	uint32_t raw = (uint32_t)gl_get_uint(gb + L->status, 4);
	g->scan = (raw & (uint32_t)it->sn.scan) != 0;
	g->status = raw & ~(uint32_t)it->sn.scan;
	snprintf(g->status_name, sizeof(g->status_name), "%s", status_name(&it->sn, g->status));
	g->state = status_state(g->status_name);
	g->stack_lo = gl_get_uint(gb + L->stack + L->lo, 8);
	g->stack_hi = gl_get_uint(gb + L->stack + L->hi, 8);
	if (L->has_guard)
		g->stackguard = gl_get_uint(gb + L->guard, 8);
	g->sp = gl_get_uint(gb + L->sched + L->sched_sp, 8);
	g->pc = gl_get_uint(gb + L->sched + L->sched_pc, 8);
	/* in a system call the scheduling state is stale: the runtime saved
	 * where the goroutine entered the call */
	if (L->has_syscall && g->state == GL_G_SYSCALL) {
		uint64_t ssp = gl_get_uint(gb + L->syscallsp, 8), spc = gl_get_uint(gb + L->syscallpc, 8);
		if (ssp && spc) {
			g->sp = ssp;
			g->pc = spc;
		}
	}
	if (L->waitreason && g->state == GL_G_WAITING)
		wait_reason(it->c, &it->wr, gb[L->waitreason], g->wait_reason, sizeof(g->wait_reason));
	g->m = gl_get_uint(gb + L->m, 8);
	if (g->m && L->has_procid)
		gl_error_destroy(gl_mem_read_u64(it->c->mem, g->m + L->m_procid, &g->thread));
	if (L->has_gopc)
		g->gopc = gl_get_uint(gb + L->gopc, 8);
	if (L->has_startpc)
		g->startpc = gl_get_uint(gb + L->startpc, 8);
}

bool gl_goroutines_next(struct gl_goroutine_iter *it, struct gl_goroutine *g)
{
	while (it->next < it->n) {
		uint64_t i = it->next++, addr;
		if (!entry(it, i, &addr))
			return false;
		struct gl_error *err = gl_mem_read(it->c->mem, addr, it->gb, it->L.g->size);
		if (err) {
			note_unreadable(it, err, "reading goroutine %llu of allgs", i);
			continue;
		}
		decode(it, addr, g);
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
