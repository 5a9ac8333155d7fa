/* Allocation sites from the memory profile: an object's profile special,
 * its bucket's stack, and the stack's frames. See allocsite.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/allocsite.h"

#define MAX_BUCKET_HEADER 256 /* bytes of runtime.bucket golayout reads */
#define MAX_INLINE 64         /* inlining levels at one PC (the pclntab's bound too) */
#define MAX_MBUCKETS_DEFAULT 1000000

/* ---- specials ------------------------------------------------------------------ */

static bool profile_kind(struct gl_heap *h, int64_t *kind)
{
	if (!gl_rt_has_const(h->L, GL_RTC_KIND_SPECIAL_PROFILE) || !gl_rt_have(h->L, GL_RTF_SPECIAL_PROFILE_B))
		return false;
	*kind = gl_heap_const(h, GL_RTC_KIND_SPECIAL_PROFILE);
	return true;
}

struct marks_arg {
	int64_t kind;
	struct gl_prof_marks *out;
};

static struct gl_error *push_mark(struct gl_heap *h, uint64_t rec, uint64_t at, int64_t kind, void *arg)
{
	struct marks_arg *a = arg;
	if (kind != a->kind)
		return NULL;
	uint64_t b;
	struct gl_error *err = gl_heap_read_word(h, rec + gl_rt_field(h->L, GL_RTF_SPECIAL_PROFILE_B).off, &b);
	if (err)
		return gl_error_wrap(err, "reading profile special 0x%llx", (unsigned long long)rec);
	struct gl_prof_mark *m = GL_ARRAY_PUSH(a->out->v, a->out->n, a->out->cap, 8);
	if (!m)
		return &gl_error_nomem;
	m->addr = at;
	m->bucket = b;
	return NULL;
}

static struct gl_error *profiles_in(struct gl_heap *h, const struct gl_span *s, uint64_t lo, uint64_t hi,
				    struct gl_prof_marks *out)
{
	struct marks_arg a = {0, out};
	if (!profile_kind(h, &a.kind))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.specialprofile layout");
	return gl_heap_walk_specials(h, s, lo, hi, push_mark, &a);
}

struct gl_error *gl_heap_span_profiles(struct gl_heap *h, const struct gl_span *s, struct gl_prof_marks *out)
{
	return profiles_in(h, s, s->base, UINT64_MAX, out);
}

void gl_prof_marks_deinit(struct gl_prof_marks *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

struct gl_error *gl_heap_alloc_site(struct gl_heap *h, const struct gl_span *s, uint64_t lo, uint64_t hi,
				    uint64_t addr, uint64_t *bucket)
{
	struct gl_prof_marks m = {0};
	struct gl_error *err = profiles_in(h, s, lo, hi, &m);
	*bucket = 0;
	/* sorted by address: the last at or before addr, else the first */
	uint64_t at = 0;
	for (size_t i = 0; i < m.n; i++)
		if (m.v[i].addr <= addr || i == 0) {
			*bucket = m.v[i].bucket;
			at = m.v[i].addr;
		}
	if (!err && m.n && !*bucket)
		err = gl_error_create(GL_ERR_CORRUPT, "the profile special of 0x%llx has a nil bucket (corrupt?)",
				      (unsigned long long)at);
	gl_prof_marks_deinit(&m);
	return err;
}

/* ---- frames ---------------------------------------------------------------------- */

/* runtime.funcNameForPrint: a generic instantiation's shape arguments
 * print as "[...]" ("main.F[go.shape.int]" -> "main.F[...]"). */
static char *name_for_print(const char *name)
{
	const char *open = strchr(name, '['), *close = strrchr(name, ']');
	if (!open || !close || close <= open)
		return strdup(name);
	size_t a = (size_t)(open - name), n = a + 5 + strlen(close + 1) + 1;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%.*s[...]%s", (int)a, name, close + 1);
	return out;
}

static bool push_frame(struct gl_alloc_site *s, size_t *cap, uint64_t pc, const char *fn, const char *file,
		       int64_t line, bool inlined)
{
	struct gl_alloc_frame *f = GL_ARRAY_PUSH(s->frames, s->nframes, *cap, 8);
	if (!f || !(f->function = name_for_print(fn))) {
		if (f)
			s->nframes--;
		return false;
	}
	f->pc = pc;
	f->file = file;
	f->line = line;
	f->inlined = inlined;
	return true;
}

/* runtime.CallersFrames over the stored PCs: each one's innermost
 * (inlined) function at pc - 1, then any outer inlined frames of it the
 * list does not hold next (Callers stores them as parentPc + 1). */
static void resolve_frames(struct gl_ctx *c, struct gl_alloc_site *s)
{
	size_t cap = 0;
	const struct gl_pclntab *t = &c->t->pcln;
	struct gl_inline in[MAX_INLINE];
	for (uint64_t i = 0; i < s->nstk; i++) {
		uint64_t pc = s->pcs[i];
		struct gl_pcfunc f;
		if (!c->t->has_pcln || !gl_pclntab_func(t, pc, &f)) {
			if (!push_frame(s, &cap, pc, "?", NULL, 0, false))
				return;
			continue;
		}
		uint64_t at = pc > f.entry ? pc - 1 : pc;
		size_t n = gl_pclntab_inlined(t, &f, at, in, MAX_INLINE);
		if (!push_frame(s, &cap, pc, in[0].func, in[0].file, in[0].line, n > 1))
			return;
		for (size_t k = 1; k < n && i + 1 < s->nstk && s->pcs[i + 1] != in[k].pc + 1; k++)
			if (!push_frame(s, &cap, 0, in[k].func, in[k].file, in[k].line, k + 1 < n))
				return;
	}
}

/* ---- buckets --------------------------------------------------------------------- */

static struct gl_error *decode_bucket(struct gl_heap *h, struct gl_alloc_site *s)
{
	const struct gl_rtlayout *L = h->L;
	const struct gl_type *bt = gl_rt_struct(L, GL_RTS_PROF_BUCKET);
	struct gl_error *err = gl_rt_need(L, GL_RTF_PROF_BUCKET_TYP, GL_RTF_PROF_BUCKET_SIZE, GL_RTF_PROF_BUCKET_NSTK);
	if (err)
		return err;
	if (!bt || !bt->size || bt->size > MAX_BUCKET_HEADER)
		return gl_error_create(GL_ERR_NODWARF, "no usable runtime.bucket layout");
	unsigned char b[MAX_BUCKET_HEADER];
	if ((err = gl_mem_read(h->c->mem, s->bucket, b, bt->size)))
		return gl_error_wrap(err, "cannot read profile bucket 0x%llx (corrupt pointer?)",
				     (unsigned long long)s->bucket);
	uint64_t typ = gl_rt_get(L, GL_RTF_PROF_BUCKET_TYP, b);
	s->size = gl_rt_get(L, GL_RTF_PROF_BUCKET_SIZE, b);
	s->nstk = gl_rt_get(L, GL_RTF_PROF_BUCKET_NSTK, b);
	if (typ != (uint64_t)gl_heap_const(h, GL_RTC_MEM_PROFILE_BUCKET))
		return gl_error_create(GL_ERR_CORRUPT, "profile bucket 0x%llx has type %llu, not a memory-profile bucket (corrupt?)",
				       (unsigned long long)s->bucket, (unsigned long long)typ);
	/* bucket.stk() throws above maxProfStackDepth: so must golayout */
	uint64_t max = (uint64_t)gl_heap_const(h, GL_RTC_MAX_PROF_STACK_DEPTH);
	if (s->nstk > max) {
		uint64_t n = s->nstk;
		s->nstk = 0;
		return gl_error_create(GL_ERR_CORRUPT, "profile bucket 0x%llx: nstk %llu is over the runtime's %llu (corrupt?)",
				       (unsigned long long)s->bucket, (unsigned long long)n, (unsigned long long)max);
	}
	uint64_t stk = s->bucket + bt->size;
	if (s->nstk && !(s->pcs = calloc(s->nstk, sizeof(*s->pcs))))
		return &gl_error_nomem;
	if (s->nstk && (err = gl_heap_read_words(h, stk, s->nstk, s->pcs))) {
		s->nstk = 0;
		return gl_error_wrap(err, "reading the stack of profile bucket 0x%llx", (unsigned long long)s->bucket);
	}
	uint64_t rec = stk + s->nstk * h->ptr;
	s->has_counts = gl_heap_read_field(h, rec, GL_RTF_MEM_RECORD_ALLOCS, &s->allocs) &&
			gl_heap_read_field(h, rec, GL_RTF_MEM_RECORD_FREES, &s->frees);
	resolve_frames(h->c, s);
	/* the runtime's own frames, and its internal packages' (a map's
	 * groups come from internal/runtime/maps.newarray) */
	while (s->site_frame < s->nframes && (!strncmp(s->frames[s->site_frame].function, "runtime.", 8) ||
					      !strncmp(s->frames[s->site_frame].function, "internal/runtime/", 17)))
		s->site_frame++;
	if (s->site_frame == s->nframes)
		s->site_frame = 0;
	return NULL;
}

struct gl_allocsites *gl_allocsites_create(const struct gl_heap *h)
{
	struct gl_allocsites *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->h = *h;
	u64map_init(&c->by_bucket);
	return c;
}

static void site_free(struct gl_alloc_site *s)
{
	for (size_t i = 0; i < s->nframes; i++)
		free(s->frames[i].function);
	free(s->frames);
	free(s->pcs);
	gl_error_destroy(s->err);
	free(s);
}

const struct gl_alloc_site *gl_allocsites_get(struct gl_allocsites *c, uint64_t bucket)
{
	if (!bucket)
		return NULL;
	struct gl_alloc_site *s = u64map_get(&c->by_bucket, bucket);
	if (s)
		return s;
	if (!(s = calloc(1, sizeof(*s))))
		return NULL;
	s->bucket = bucket;
	s->err = decode_bucket(&c->h, s);
	if (!u64map_put(&c->by_bucket, bucket, s)) {
		site_free(s);
		return NULL;
	}
	return s;
}

void gl_allocsites_destroy(struct gl_allocsites *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->by_bucket.h.cap; i++)
		if (c->by_bucket.h.e[i].key)
			site_free((struct gl_alloc_site *)(uintptr_t)c->by_bucket.h.e[i].value);
	u64map_deinit(&c->by_bucket);
	free(c);
}

/* ---- the profile's state ----------------------------------------------------------- */

bool gl_heap_mem_profile_rate(struct gl_heap *h, int64_t *rate)
{
	struct gl_rt_global g = gl_rt_global(h->L, GL_RTG_MEM_PROFILE_RATE);
	uint64_t w;
	struct gl_error *err = g.present ? gl_heap_read_word(h, g.addr, &w) : NULL;
	if (!g.present || err) {
		gl_error_destroy(err);
		return false;
	}
	*rate = h->ptr == 4 ? (int64_t)(int32_t)w : (int64_t)w; /* a Go int */
	return true;
}

bool gl_heap_mem_profile_disabled(struct gl_heap *h, bool *disabled)
{
	struct gl_rt_global g = gl_rt_global(h->L, GL_RTG_DISABLE_MEMORY_PROFILING);
	unsigned char b = 0;
	struct gl_error *err = g.present ? gl_mem_read(h->c->mem, g.addr, &b, 1) : NULL;
	if (!g.present || err) {
		gl_error_destroy(err);
		return false;
	}
	*disabled = b != 0;
	return true;
}

struct gl_error *gl_heap_count_mbuckets(struct gl_heap *h, uint64_t max, uint64_t *n, bool *more)
{
	struct gl_rt_global g = gl_rt_global(h->L, GL_RTG_MBUCKETS);
	*n = 0;
	*more = false;
	if (!g.present || !gl_rt_have(h->L, GL_RTF_PROF_BUCKET_ALLNEXT))
		return gl_error_create(GL_ERR_NODWARF, "no runtime.mbuckets");
	if (!max)
		max = MAX_MBUCKETS_DEFAULT;
	uint64_t p, off = gl_rt_field(h->L, GL_RTF_PROF_BUCKET_ALLNEXT).off;
	/* atomic.UnsafePointer: the pointer is its only word */
	struct gl_error *err = gl_heap_read_word(h, g.addr, &p);
	/* a list built by prepending: no cycle unless corrupt, and the
	 * count bound stops that */
	for (; !err && p; (*n)++) {
		if (*n >= max) {
			*more = true;
			break;
		}
		if (gl_interrupted(h->c))
			return gl_error_create(GL_ERR_INTERRUPTED, "interrupted counting profile buckets");
		err = gl_heap_read_word(h, p + off, &p);
	}
	return err ? gl_error_wrap(err, "reading runtime.mbuckets") : NULL;
}
