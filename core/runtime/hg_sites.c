/* The allocation site of every object of the heap graph, for gc --top
 * --by site (see hg_query.h): each span's profile specials read in one
 * walk (allocsite.h), a bucket decoded once, and buckets of one
 * allocating frame (they differ by size and by the outer stack) merged
 * into one row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/allocsite.h"
#include "runtime/hg_query.h"

enum { ROW_NOT_SAMPLED, ROW_UNREADABLE };

struct sites {
	struct gl_heapgraph *hg;
	struct gl_allocsites *cache;
	struct u64map by_bucket;   /* bucket -> row + 1 */
	struct strmap by_frame;    /* "function\tfile:line" -> row */
	struct gl_hg_top_row *rows;
	size_t nrows, cap;
};

static struct gl_hg_top_row *add_row(struct sites *s, const char *name)
{
	struct gl_hg_top_row *r = GL_ARRAY_PUSH(s->rows, s->nrows, s->cap, 64);
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->kind = "site";
	return r;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* The row of a bucket; SIZE_MAX without memory. */
static size_t bucket_row(struct sites *s, uint64_t bucket)
{
	void *got = u64map_get(&s->by_bucket, bucket);
	if (got)
		return (size_t)(uintptr_t)got - 1;
	const struct gl_alloc_site *st = gl_allocsites_get(s->cache, bucket);
	if (!st)
		return SIZE_MAX;
	size_t row = ROW_UNREADABLE;
	if (!st->err && st->site_frame < st->nframes) {
		const struct gl_alloc_frame *f = &st->frames[st->site_frame];
		const char *file = f->file ? f->file : "?";
		char key[3 * GL_HG_NAME];
		snprintf(key, sizeof(key), "%s\t%s:%lld", f->function, file, (long long)f->line);
		uint64_t v;
		if (strmap_get(&s->by_frame, key, &v)) {
			row = (size_t)v;
		} else {
			char name[GL_HG_NAME];
			snprintf(name, sizeof(name), "%.150s %.80s:%lld", f->function, base_name(file), (long long)f->line);
			struct gl_hg_top_row *r = add_row(s, name);
			if (!r || !strmap_put(&s->by_frame, key, s->nrows - 1))
				return SIZE_MAX;
			snprintf(r->function, sizeof(r->function), "%s", f->function);
			snprintf(r->file, sizeof(r->file), "%s", file);
			r->line = f->line;
			row = s->nrows - 1;
		}
	}
	if (!u64map_put(&s->by_bucket, bucket, (void *)(uintptr_t)(row + 1)))
		return SIZE_MAX;
	return row;
}

/* The rows of span i's objects; false without memory. */
static bool span_rows(struct sites *s, uint32_t i, uint32_t *row_of, struct gl_error **fatal)
{
	struct gl_heapgraph *hg = s->hg;
	const struct gl_hg_span *hs = &hg->spans[i];
	if (!hs->has_specials)
		return true;
	struct gl_span span;
	struct gl_prof_marks m = {0};
	struct gl_error *err = gl_heap_read_span(&hg->h, hs->mspan, &span);
	if (!err)
		err = gl_heap_span_profiles(&hg->h, &span, &m);
	if (err) {
		/* no profile layout at all: nothing to group by */
		if (err->code == GL_ERR_NODWARF)
			*fatal = err;
		else
			gl_error_destroy(err);
		for (uint32_t k = 0; k < hs->nelems; k++)
			row_of[hs->first + k] = ROW_UNREADABLE;
	}
	bool ok = true;
	for (size_t k = 0; k < m.n && ok; k++) {
		/* a malloc header puts the special at the data, inside the slot */
		uint64_t a = m.v[k].addr;
		if (a < hs->base || !hs->elemsize || (a - hs->base) / hs->elemsize >= hs->nelems)
			continue;
		uint32_t v = hs->first + (uint32_t)((a - hs->base) / hs->elemsize);
		size_t row = m.v[k].bucket ? bucket_row(s, m.v[k].bucket) : ROW_UNREADABLE;
		if (row == SIZE_MAX)
			ok = false;
		else
			row_of[v] = (uint32_t)row;
	}
	gl_prof_marks_deinit(&m);
	return ok;
}

struct gl_error *gl_hg_site_rows(struct gl_heapgraph *hg, struct gl_hg_top_row **rows, size_t *nrows,
				 uint32_t **row_of)
{
	*rows = NULL;
	*nrows = 0;
	*row_of = NULL;
	struct sites s = {.hg = hg};
	u64map_init(&s.by_bucket);
	strmap_init(&s.by_frame);
	uint32_t *of = calloc(hg->nslots ? hg->nslots : 1, sizeof(*of)); /* 0: ROW_NOT_SAMPLED */
	struct gl_error *err = NULL;
	if (!of || !(s.cache = gl_allocsites_create(&hg->h)) || !add_row(&s, "(not sampled)") ||
	    !add_row(&s, "(allocation site unreadable)"))
		err = &gl_error_nomem;
	for (uint32_t i = 0; !err && i < hg->nspans; i++) {
		if (gl_interrupted(hg->h.c))
			err = gl_error_create(GL_ERR_INTERRUPTED, "interrupted");
		else if (!span_rows(&s, i, of, &err) && !err)
			err = &gl_error_nomem;
	}
	if (s.cache)
		gl_allocsites_destroy(s.cache);
	u64map_deinit(&s.by_bucket);
	strmap_deinit(&s.by_frame);
	if (err) {
		free(of);
		free(s.rows);
		return err;
	}
	*rows = s.rows;
	*nrows = s.nrows;
	*row_of = of;
	return NULL;
}
