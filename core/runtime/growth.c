/* The growth functions of the runtime and the state around them (see
 * growth.h): symbols per map implementation, arguments at entry, results
 * at return, headers of maps and tables, and evacuated cells. */
#include <string.h>

#include "base/le.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "runtime/growth.h"
#include "target/elfsyms.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Argument positions from the functions' Go signatures (growth.h). */
static const struct gl_hook_site classic_sites[] = {
	{GL_HOOK_HASHGROW, "runtime.hashGrow", 0, 1, 2},
	{GL_HOOK_EVACUATE, "runtime.evacuate", 0, 1, 3},
	{GL_HOOK_EVACUATE, "runtime.evacuate_fast32", 0, 1, 3},
	{GL_HOOK_EVACUATE, "runtime.evacuate_fast64", 0, 1, 3},
	{GL_HOOK_EVACUATE, "runtime.evacuate_faststr", 0, 1, 3},
};
static const struct gl_hook_site swiss_sites[] = {
	{GL_HOOK_GROW_TO_TABLE, "internal/runtime/maps.(*Map).growToTable", 0, 0, 2},
	{GL_HOOK_TABLE_GROW, "internal/runtime/maps.(*table).grow", 0, 2, 4},
	{GL_HOOK_TABLE_SPLIT, "internal/runtime/maps.(*table).split", 0, 2, 3},
};
static const struct gl_hook_site slice_sites[] = {
	{GL_HOOK_GROWSLICE, "runtime.growslice", 0, 0, 5},
};

size_t gl_growth_sites(const struct gl_target *t, enum gl_watch_what what,
		       struct gl_hook_site *out, size_t max)
{
	const struct gl_hook_site *list = slice_sites;
	size_t n = N(slice_sites), got = 0;
	if (what == GL_WATCH_MAP) {
		bool swiss = t->map_impl && !strcmp(t->map_impl, "swiss");
		list = swiss ? swiss_sites : classic_sites;
		n = swiss ? N(swiss_sites) : N(classic_sites);
	}
	for (size_t i = 0; i < n && got < max; i++) {
		uint64_t addr, size;
		if (!gl_elf_symbol(&t->elf, list[i].symbol, &addr, &size))
			continue;
		out[got] = list[i];
		out[got++].addr = addr;
	}
	return got;
}

static struct gl_error *reg(struct gl_ctx *c, const char *name, uint64_t *v)
{
	if (!c->be->read_register || c->be->read_register(c->be->ctx, name, v) != GL_BACKEND_OK)
		return gl_error_create(GL_ERR_UNAVAILABLE, "the debugger cannot read register %s", name);
	return NULL;
}

static struct gl_error *word(struct gl_ctx *c, uint64_t addr, uint64_t *v)
{
	unsigned char b[8];
	unsigned ps = (unsigned)c->t->ptr_size;
	struct gl_error *err = gl_mem_read_once(c->mem, addr, b, ps);
	if (!err)
		*v = gl_get_uint(b, ps);
	return err;
}

static struct gl_error *frame_regs(struct gl_ctx *c, struct gl_frame_regs *r)
{
	const struct gl_arch *a = c->t->arch;
	struct gl_error *err = reg(c, a->reg_sp, &r->sp);
	if (!err)
		err = reg(c, a->reg_pc, &r->pc);
	r->g = 0;
	if (!err && a->reg_g)
		err = reg(c, a->reg_g, &r->g);
	return err;
}

struct gl_error *gl_growth_entry(struct gl_ctx *c, unsigned n, uint64_t *args, uint64_t *ra,
				 struct gl_frame_regs *regs)
{
	const struct gl_arch *a = c->t->arch;
	if (!a)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of this machine's registers");
	struct gl_error *err = frame_regs(c, regs);
	if (err)
		return err;
	/* the first instruction: CALL has just pushed the return address
	 * (x86), or left it in the link register (arm64) */
	err = a->ra == GL_RA_IN_LR ? reg(c, a->reg_lr, ra) : word(c, regs->sp, ra);
	for (unsigned i = 0; !err && i < n; i++) {
		if (i < a->nint_arg_regs)
			err = reg(c, a->int_arg_regs[i], &args[i]);
		else if (!a->nint_arg_regs) /* ABI0: arguments above the return address */
			err = word(c, regs->sp + a->ra_stack_bytes + (uint64_t)i * a->ptr_size, &args[i]);
		else
			err = gl_error_create(GL_ERR_UNSUPPORTED, "argument %u is not in a register", i);
	}
	return err;
}

struct gl_error *gl_growth_arg(struct gl_ctx *c, unsigned i, uint64_t *v)
{
	const struct gl_arch *a = c->t->arch;
	uint64_t sp;
	if (!a)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of this machine's registers");
	if (i < a->nint_arg_regs)
		return reg(c, a->int_arg_regs[i], v);
	if (a->nint_arg_regs)
		return gl_error_create(GL_ERR_UNSUPPORTED, "argument %u is not in a register", i);
	struct gl_error *err = reg(c, a->reg_sp, &sp);
	return err ? err : word(c, sp + a->ra_stack_bytes + (uint64_t)i * a->ptr_size, v);
}

struct gl_error *gl_growth_at_return(struct gl_ctx *c, struct gl_frame_regs *regs)
{
	if (!c->t->arch)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no description of this machine's registers");
	return frame_regs(c, regs);
}

bool gl_growth_same_call(const struct gl_target *t, const struct gl_frame_regs *entry,
			 const struct gl_frame_regs *ret)
{
	/* RET pops the return address: the caller's SP is the entry SP plus
	 * it. The stack may have moved in between (the callee grew it), so
	 * where the goroutine is known, it decides. */
	if (entry->g && ret->g)
		return entry->g == ret->g;
	return ret->sp == entry->sp + t->arch->ra_stack_bytes;
}

struct gl_error *gl_growth_results(struct gl_ctx *c, const struct gl_frame_regs *ret,
				   unsigned nargs, unsigned n, uint64_t *res)
{
	const struct gl_arch *a = c->t->arch;
	struct gl_error *err = NULL;
	for (unsigned i = 0; !err && i < n; i++) {
		if (i < a->nint_arg_regs)
			err = reg(c, a->int_arg_regs[i], &res[i]);
		else if (!a->nint_arg_regs) /* ABI0: results follow the arguments */
			err = word(c, ret->sp + (uint64_t)(nargs + i) * a->ptr_size, &res[i]);
		else
			err = gl_error_create(GL_ERR_UNSUPPORTED, "result %u is not in a register", i);
	}
	return err;
}

/* ---- headers ---- */

static struct gl_error *read_struct(struct gl_ctx *c, enum gl_rts s, uint64_t addr,
				    const struct gl_rtlayout **L, unsigned char *buf, size_t max)
{
	struct gl_error *err = gl_rt_load_globals(c, L);
	if (err)
		return err;
	const struct gl_type *ty = gl_rt_struct(*L, s);
	if (!ty || ty->size > max)
		return gl_error_create(GL_ERR_NODWARF, "no usable layout of %s", ty ? ty->name : "the runtime struct");
	if (!addr)
		return gl_error_create(GL_ERR_NIL, "nil %s", ty->name);
	return gl_mem_read_once(c->mem, addr, buf, ty->size);
}

struct gl_error *gl_hmap_read(struct gl_ctx *c, uint64_t h, struct gl_hmap_state *s)
{
	const struct gl_rtlayout *L;
	unsigned char b[256];
	struct gl_error *err = read_struct(c, GL_RTS_HMAP, h, &L, b, sizeof(b));
	if (err || (err = gl_rt_need(L, GL_RTF_HMAP_COUNT, GL_RTF_HMAP_FLAGS, GL_RTF_HMAP_B,
				     GL_RTF_HMAP_BUCKETS, GL_RTF_HMAP_OLDBUCKETS, GL_RTF_HMAP_NEVACUATE)))
		return err;
	s->count = gl_rt_get(L, GL_RTF_HMAP_COUNT, b);
	s->flags = (uint8_t)gl_rt_get(L, GL_RTF_HMAP_FLAGS, b);
	s->B = (uint8_t)gl_rt_get(L, GL_RTF_HMAP_B, b);
	s->buckets = gl_rt_get(L, GL_RTF_HMAP_BUCKETS, b);
	s->oldbuckets = gl_rt_get(L, GL_RTF_HMAP_OLDBUCKETS, b);
	s->nevacuate = gl_rt_get(L, GL_RTF_HMAP_NEVACUATE, b);
	s->writing = s->flags & gl_rt_const(L, GL_RTC_HMAP_F_WRITING);
	s->same_size = s->flags & gl_rt_const(L, GL_RTC_HMAP_F_SAME_SIZE);
	if (s->B > 63)
		return gl_error_create(GL_ERR_CORRUPT, "hmap at 0x%llx has B = %u", (unsigned long long)h, s->B);
	return NULL;
}

struct gl_error *gl_smap_read(struct gl_ctx *c, uint64_t m, struct gl_smap_state *s)
{
	const struct gl_rtlayout *L;
	unsigned char b[256];
	struct gl_error *err = read_struct(c, GL_RTS_SMAP, m, &L, b, sizeof(b));
	if (err || (err = gl_rt_need(L, GL_RTF_SMAP_USED, GL_RTF_SMAP_DIRPTR, GL_RTF_SMAP_DIRLEN,
				     GL_RTF_SMAP_GLOBAL_DEPTH)))
		return err;
	s->used = gl_rt_get(L, GL_RTF_SMAP_USED, b);
	s->dirptr = gl_rt_get(L, GL_RTF_SMAP_DIRPTR, b);
	s->dirlen = gl_rt_get(L, GL_RTF_SMAP_DIRLEN, b);
	s->global_depth = (uint8_t)gl_rt_get(L, GL_RTF_SMAP_GLOBAL_DEPTH, b);
	s->writing = gl_rt_have(L, GL_RTF_SMAP_WRITING) && gl_rt_get(L, GL_RTF_SMAP_WRITING, b);
	return NULL;
}

struct gl_error *gl_stable_read(struct gl_ctx *c, uint64_t t, struct gl_stable_state *s)
{
	const struct gl_rtlayout *L;
	unsigned char b[256];
	struct gl_error *err = read_struct(c, GL_RTS_STABLE, t, &L, b, sizeof(b));
	if (err || (err = gl_rt_need(L, GL_RTF_STABLE_USED, GL_RTF_STABLE_CAPACITY,
				     GL_RTF_STABLE_LOCAL_DEPTH, GL_RTF_STABLE_INDEX)))
		return err;
	s->addr = t;
	s->used = gl_rt_get(L, GL_RTF_STABLE_USED, b);
	s->capacity = gl_rt_get(L, GL_RTF_STABLE_CAPACITY, b);
	s->local_depth = (uint8_t)gl_rt_get(L, GL_RTF_STABLE_LOCAL_DEPTH, b);
	uint64_t ix = gl_rt_get(L, GL_RTF_STABLE_INDEX, b);
	unsigned bits = (unsigned)gl_rt_field(L, GL_RTF_STABLE_INDEX).size * 8;
	s->index = bits && bits < 64 && (ix >> (bits - 1)) ? (int64_t)(ix | (~0ull << bits)) : (int64_t)ix;
	return NULL;
}

struct gl_error *gl_smap_dir_table(struct gl_ctx *c, const struct gl_smap_state *m, uint64_t i,
				   uint64_t *table)
{
	if (i >= m->dirlen)
		return gl_error_create(GL_ERR_CORRUPT, "directory slot %llu out of %llu",
				       (unsigned long long)i, (unsigned long long)m->dirlen);
	return word(c, m->dirptr + i * (uint64_t)c->t->ptr_size, table);
}

/* ---- classic buckets ---- */

struct gl_error *gl_bucket_geometry(struct gl_ctx *c, const struct gl_type *map_type,
				    struct gl_bucket_geometry *g)
{
	const struct gl_type *hdr = map_type ? map_type->target : NULL;
	const struct gl_field *b = hdr ? gl_type_field(hdr, "buckets") : NULL;
	const struct gl_type *bt = b && b->type->kind == GL_K_POINTER ? b->type->elem : NULL;
	const struct gl_field *th = bt ? gl_type_field(bt, "tophash") : NULL;
	const struct gl_field *o = bt ? gl_type_field(bt, "overflow") : NULL;
	(void)c;
	if (!th || !o || !th->type->count || th->type->count > 64)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for the buckets of %s",
				       map_type ? map_type->name : "the map");
	*g = (struct gl_bucket_geometry){.size = bt->size, .tophash_off = th->offset,
					 .overflow_off = o->offset, .cells = th->type->count};
	return NULL;
}

/* evacuated(b) of map.go: the first tophash is a marker between
 * emptyOne and minTopHash. */
static struct gl_error *bucket_evacuated(struct gl_ctx *c, const struct gl_bucket_geometry *g,
					 uint64_t bucket, bool *done)
{
	const struct gl_rtlayout *L;
	unsigned char th0 = 0;
	struct gl_error *err = gl_rt_load_globals(c, &L);
	if (!err)
		err = gl_mem_read(c->mem, bucket + g->tophash_off, &th0, 1);
	*done = !err && th0 > gl_rt_const(L, GL_RTC_TOPHASH_EMPTY_ONE) &&
		th0 < gl_rt_const(L, GL_RTC_TOPHASH_MIN);
	return err;
}

#define EVAC_SAMPLES 8
#define EVAC_ADVANCE_MAX 1024 /* advanceEvacuationMark's stop */

struct gl_error *gl_evac_may_finish(struct gl_ctx *c, const struct gl_bucket_geometry *g,
				    const struct gl_hmap_state *h, uint64_t oldbucket, bool *may)
{
	uint64_t nold = h->same_size || !h->B ? 1ull << h->B : 1ull << (h->B - 1);
	*may = false;
	if (!h->oldbuckets || oldbucket != h->nevacuate || nold - oldbucket > EVAC_ADVANCE_MAX + 1)
		return NULL;
	uint64_t rest = nold - oldbucket - 1;
	for (uint64_t i = 1; i <= EVAC_SAMPLES && i <= rest; i++) {
		/* the last bucket first, then evenly back towards oldbucket */
		uint64_t b = nold - 1 - (rest - 1) * (i - 1) / (rest < EVAC_SAMPLES ? rest : EVAC_SAMPLES);
		bool done;
		struct gl_error *err = bucket_evacuated(c, g, h->oldbuckets + b * g->size, &done);
		if (err || !done)
			return err;
	}
	*may = true;
	return NULL;
}

struct gl_error *gl_evac_chain_read(struct gl_ctx *c, const struct gl_bucket_geometry *g,
				    uint64_t bucket, struct gl_evac_chain *ch)
{
	ch->n = 0;
	bool done = false;
	struct gl_error *err = bucket ? bucket_evacuated(c, g, bucket, &done) : NULL;
	/* growWork asks to evacuate a bucket that may be done already:
	 * nothing of it moves in this call */
	if (err || !bucket || done)
		return err;
	/* bounded: a chain longer than the bound (or a cycle) is cut */
	while (bucket && ch->n < GL_EVAC_CHAIN_MAX && !err) {
		for (unsigned i = 0; i < ch->n; i++)
			if (ch->bucket[i] == bucket)
				return NULL;
		ch->bucket[ch->n++] = bucket;
		err = word(c, bucket + g->overflow_off, &bucket);
	}
	return err;
}

struct gl_error *gl_evac_count(struct gl_ctx *c, const struct gl_bucket_geometry *g,
			       const struct gl_evac_chain *ch, uint64_t *x, uint64_t *y)
{
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load_globals(c, &L);
	int64_t ex = gl_rt_const(L, GL_RTC_TOPHASH_EVAC_X), ey = gl_rt_const(L, GL_RTC_TOPHASH_EVAC_Y);
	*x = *y = 0;
	for (unsigned i = 0; !err && i < ch->n; i++) {
		unsigned char th[64];
		/* evacuate keeps the tophash bytes: the evacuation state lives there */
		err = gl_mem_read_once(c->mem, ch->bucket[i] + g->tophash_off, th, g->cells);
		for (uint64_t k = 0; !err && k < g->cells; k++) {
			*x += th[k] == ex;
			*y += th[k] == ey;
		}
	}
	return err;
}

const char *gl_growth_kind_name(enum gl_growth_kind k)
{
	switch (k) {
	case GL_EV_HASHGROW: return "hashgrow";
	case GL_EV_EVACUATED: return "evacuated";
	case GL_EV_TO_TABLE: return "to-table";
	case GL_EV_TABLE_GROW: return "table-grow";
	case GL_EV_SPLIT: return "split";
	case GL_EV_SLICE: return "growslice";
	}
	return "?";
}
