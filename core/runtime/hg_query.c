/* why, retains and top on the heap graph: see hg_query.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/allocsite.h"
#include "runtime/hg_names.h"

#define MAX_HOPS (1u << 20)

static bool stop(void *arg)
{
	return gl_interrupted(arg);
}

const char *gl_hg_root_kind_name(enum gl_hg_root_kind k)
{
	switch (k) {
	case GL_ROOT_GLOBAL:
		return "global";
	case GL_ROOT_STACK:
		return "stack";
	case GL_ROOT_FINALIZER:
		return "finalizer";
	case GL_ROOT_CLEANUP:
		return "cleanup";
	case GL_ROOT_WEAK_HANDLE:
		return "weak handle";
	case GL_ROOT_OTHER:
		break;
	}
	return "other";
}

static void summary(struct gl_heapgraph *hg, struct gl_hg_summary *s)
{
	s->n = hg->n;
	s->roots = hg->nroots;
	snprintf(s->globals_error, sizeof(s->globals_error), "%s",
		 hg->globals_error ? hg->globals_error->message : "");
	snprintf(s->stack_error, sizeof(s->stack_error), "%s", hg->stack_error ? hg->stack_error->message : "");
}

/* The allocated object at addr, or an error saying why there is none. */
static struct gl_error *object(struct gl_heapgraph *hg, uint64_t addr, uint32_t *node)
{
	const char *why = "";
	*node = gl_hg_object_at(hg, addr, &why);
	if (*node == GL_DG_NONE)
		return gl_error_create(GL_ERR_TYPE, "0x%llx is not an allocated heap object: %s",
				       (unsigned long long)addr, why);
	return NULL;
}

static struct gl_error *interrupted(void)
{
	return gl_error_create(GL_ERR_INTERRUPTED, "interrupted");
}

struct gl_error *gl_hg_why(struct gl_heapgraph *hg, uint64_t addr, struct gl_hg_why *out)
{
	memset(out, 0, sizeof(*out));
	summary(hg, &out->sum);
	out->roots_reaching = -1;
	uint32_t v;
	struct gl_error *err = object(hg, addr, &v);
	if (err)
		return err;
	gl_hg_describe(hg, v, &out->obj);
	struct gl_ctx *c = hg->h.c;
	uint32_t *parent = malloc((size_t)hg->g.n * sizeof(*parent));
	if (!parent)
		return &gl_error_nomem;
	if (!gl_digraph_bfs(&hg->g, hg->super, v, parent, stop, c)) {
		free(parent);
		return gl_interrupted(c) ? interrupted() : &gl_error_nomem;
	}
	out->reachable = parent[v] != GL_DG_NONE;
	if (out->reachable) {
		/* the path backwards: its length first */
		size_t n = 0;
		for (uint32_t x = v; x != hg->super && n < MAX_HOPS; x = parent[x])
			n++;
		uint32_t *path = malloc((n + 1) * sizeof(*path));
		out->hops = calloc(n ? n : 1, sizeof(*out->hops));
		if (!path || !out->hops) {
			free(path);
			free(parent);
			return &gl_error_nomem;
		}
		size_t i = n + 1;
		for (uint32_t x = v; i > 0; x = parent[x]) {
			path[--i] = x;
			if (x == hg->super)
				break;
		}
		/* path[0] super, path[1] the root, path[2..n] objects */
		const struct gl_hg_root *r = gl_hg_root(hg, path[1]);
		snprintf(out->root, sizeof(out->root), "%s", gl_hg_root_name(hg, r));
		out->root_kind = gl_hg_root_kind_name(r->kind);
		for (size_t k = 1; k + 1 <= n && !gl_interrupted(c); k++)
			gl_hg_hop_name(hg, path[k], path[k + 1], &out->hops[out->nhops++]);
		free(path);
	}
	free(parent);
	struct gl_digraph rev;
	if (!gl_digraph_reverse(&hg->g, &rev))
		return &gl_error_nomem;
	out->roots_reaching = gl_digraph_count_reaching(&rev, v, hg->nslots, hg->super - 1, stop, c);
	if (!hg->nroots)
		out->roots_reaching = 0;
	gl_digraph_deinit(&rev);
	return gl_interrupted(c) ? interrupted() : NULL;
}

void gl_hg_why_deinit(struct gl_hg_why *w)
{
	free(w->hops);
	memset(w, 0, sizeof(*w));
}

/* ---- dominators --------------------------------------------------------------- */

struct dom {
	struct gl_domtree t;
	uint64_t *retained;
	uint32_t *count;
};

static uint64_t node_size(void *arg, uint32_t v)
{
	return gl_hg_size(arg, v);
}

static struct gl_error *dominators(struct gl_heapgraph *hg, struct dom *d, struct gl_hg_summary *sum)
{
	memset(d, 0, sizeof(*d));
	struct gl_ctx *c = hg->h.c;
	gl_progress(c, "dominators", 0, 0);
	const char *why = "";
	/* the graph's edges go into the tree: nothing after this follows them */
	bool ok = gl_domtree_build(&hg->g, hg->super, &d->t, stop, c, &why);
	if (!ok)
		return gl_interrupted(c) ? interrupted() : gl_error_create(GL_ERR_LIMIT, "dominator tree: %s", why);
	d->retained = malloc((size_t)hg->g.n * sizeof(*d->retained));
	d->count = malloc((size_t)hg->g.n * sizeof(*d->count));
	if (!d->retained || !d->count)
		return &gl_error_nomem;
	gl_domtree_retained(&d->t, node_size, hg, d->retained, d->count);
	/* the super root's count includes itself and every root node */
	sum->reachable_objects = d->count[hg->super] - 1 - hg->nroots;
	sum->reachable_bytes = d->retained[hg->super];
	sum->have_reachable = true;
	return NULL;
}

static void dom_deinit(struct dom *d)
{
	gl_domtree_deinit(&d->t);
	free(d->retained);
	free(d->count);
}

static int cmp_child(const void *a, const void *b)
{
	const struct gl_hg_child *x = a, *y = b;
	return x->retained < y->retained ? 1 : x->retained > y->retained ? -1 : (x->obj.slot > y->obj.slot) - (x->obj.slot < y->obj.slot);
}

/* Keep the max largest of a stream of children (insertion into a sorted
 * array: max is small). */
static void keep_child(struct gl_hg_child *top, size_t *n, size_t max, const struct gl_hg_child *c)
{
	if (!max)
		return;
	if (*n == max && cmp_child(c, &top[max - 1]) >= 0)
		return;
	size_t i = *n < max ? (*n)++ : max - 1;
	while (i > 0 && cmp_child(c, &top[i - 1]) < 0) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *c;
}

struct gl_error *gl_hg_retains(struct gl_heapgraph *hg, uint64_t addr, size_t max_children,
			       struct gl_hg_retains *out)
{
	memset(out, 0, sizeof(*out));
	summary(hg, &out->sum);
	uint32_t v;
	struct gl_error *err = object(hg, addr, &v);
	if (err)
		return err;
	gl_hg_describe(hg, v, &out->obj);
	struct dom d;
	if ((err = dominators(hg, &d, &out->sum))) {
		dom_deinit(&d);
		return err;
	}
	out->reachable = d.t.idom[v] != GL_DG_NONE;
	if (out->reachable) {
		out->retained = d.retained[v];
		out->objects = d.count[v];
		uint32_t id = d.t.idom[v];
		if (id == hg->super)
			snprintf(out->dominator, sizeof(out->dominator), "several roots");
		else if (gl_hg_is_root(hg, id))
			snprintf(out->dominator, sizeof(out->dominator), "%s", gl_hg_root_name(hg, gl_hg_root(hg, id)));
		else {
			struct gl_hg_obj o;
			gl_hg_describe(hg, id, &o);
			snprintf(out->dominator, sizeof(out->dominator), "0x%llx%s%.200s", (unsigned long long)o.data,
				 o.type[0] ? " " : "", o.type);
		}
		out->children = calloc(max_children ? max_children : 1, sizeof(*out->children));
		if (!out->children) {
			dom_deinit(&d);
			return &gl_error_nomem;
		}
		for (uint32_t i = 0; i < d.t.reached; i++) {
			uint32_t w = d.t.order[i];
			if (w == v || d.t.idom[w] != v)
				continue;
			out->total_children++;
			struct gl_hg_child ch = {.retained = d.retained[w], .objects = d.count[w]};
			ch.obj.slot = gl_hg_addr(hg, w);
			keep_child(out->children, &out->nchildren, max_children, &ch);
		}
		/* names only for those shown */
		for (size_t i = 0; i < out->nchildren; i++) {
			const char *why;
			uint32_t w = gl_hg_object_at(hg, out->children[i].obj.slot, &why);
			if (w != GL_DG_NONE)
				gl_hg_describe(hg, w, &out->children[i].obj);
		}
	}
	dom_deinit(&d);
	return NULL;
}

void gl_hg_retains_deinit(struct gl_hg_retains *r)
{
	free(r->children);
	memset(r, 0, sizeof(*r));
}

/* ---- top ----------------------------------------------------------------------- */

static int cmp_row(const void *a, const void *b)
{
	const struct gl_hg_top_row *x = a, *y = b;
	if (x->retained != y->retained)
		return x->retained < y->retained ? 1 : -1;
	return strcmp(x->name, y->name);
}

static struct gl_error *top_types(struct gl_heapgraph *hg, const struct dom *d, struct gl_hg_top *out)
{
	/* one row per type descriptor, per inferred type, and one for
	 * objects without a type (gl_hg_type_row) */
	size_t nt = hg->ntypes + hg->nitypes + 1;
	struct gl_hg_top_row *rows = calloc(nt, sizeof(*rows));
	if (!rows)
		return &gl_error_nomem;
	for (size_t i = 0; i + 1 < nt; i++) {
		if (i < hg->ntypes)
			gl_heap_type_name(&hg->h, hg->types[i].tp, rows[i].name, sizeof(rows[i].name));
		else
			gl_hg_inferred_row_name(hg, i - hg->ntypes, &rows[i]);
		if (!rows[i].name[0])
			snprintf(rows[i].name, sizeof(rows[i].name), "type 0x%llx",
				 (unsigned long long)(i < hg->ntypes ? hg->types[i].tp : 0));
		rows[i].kind = "type";
	}
	snprintf(rows[nt - 1].name, sizeof(rows[nt - 1].name), "(no type recorded: small objects)");
	rows[nt - 1].kind = "type";
	for (uint32_t v = 0; v < hg->nslots; v++) {
		if (d->t.idom[v] == GL_DG_NONE)
			continue;
		size_t row = gl_hg_type_row(hg, v);
		struct gl_hg_top_row *r = &rows[row];
		r->count++;
		r->bytes += gl_hg_size(hg, v);
		/* retained: not again under an object of the same type */
		uint32_t id = d->t.idom[v];
		if (id >= hg->nslots || gl_hg_type_row(hg, id) != row) {
			r->retained += d->retained[v];
			r->objects += d->count[v];
		}
	}
	out->rows = rows;
	out->nrows = nt;
	return NULL;
}

/* As top_types, per allocation site: an object's retained bytes count
 * unless its immediate dominator was allocated at the same site. */
static struct gl_error *top_sites(struct gl_heapgraph *hg, const struct dom *d, struct gl_hg_top *out)
{
	out->has_rate = gl_heap_mem_profile_rate(&hg->h, &out->mem_profile_rate);
	uint32_t *row_of;
	struct gl_error *err = gl_hg_site_rows(hg, &out->rows, &out->nrows, &row_of);
	if (err)
		return err;
	for (uint32_t v = 0; v < hg->nslots; v++) {
		if (d->t.idom[v] == GL_DG_NONE)
			continue;
		struct gl_hg_top_row *r = &out->rows[row_of[v]];
		r->count++;
		r->bytes += gl_hg_size(hg, v);
		uint32_t id = d->t.idom[v];
		if (id >= hg->nslots || row_of[id] != row_of[v]) {
			r->retained += d->retained[v];
			r->objects += d->count[v];
		}
	}
	free(row_of);
	return NULL;
}

static struct gl_error *top_roots(struct gl_heapgraph *hg, const struct dom *d, struct gl_hg_top *out)
{
	struct gl_hg_top_row *rows = calloc(hg->nroots ? hg->nroots : 1, sizeof(*rows));
	if (!rows)
		return &gl_error_nomem;
	for (uint32_t i = 0; i < hg->nroots; i++) {
		uint32_t v = hg->nslots + i;
		const struct gl_hg_root *r = gl_hg_root(hg, v);
		snprintf(rows[i].name, sizeof(rows[i].name), "%s", gl_hg_root_name(hg, r));
		rows[i].kind = gl_hg_root_kind_name(r->kind);
		/* a root node has no size: what it retains are objects */
		rows[i].retained = d->retained[v];
		rows[i].objects = d->count[v] ? d->count[v] - 1 : 0;
	}
	out->rows = rows;
	out->nrows = hg->nroots;
	return NULL;
}

struct gl_error *gl_hg_top(struct gl_heapgraph *hg, enum gl_hg_by by, size_t max_rows, struct gl_hg_top *out)
{
	memset(out, 0, sizeof(*out));
	summary(hg, &out->sum);
	out->by = by;
	struct dom d;
	struct gl_error *err = dominators(hg, &d, &out->sum);
	if (!err) {
		for (uint32_t v = 0; v < hg->nslots; v++) {
			uint64_t sz = gl_hg_size(hg, v);
			if (!sz)
				continue;
			if (d.t.idom[v] == GL_DG_NONE) {
				out->unreachable_objects++;
				out->unreachable_bytes += sz;
			} else if (d.t.idom[v] == hg->super) {
				out->shared_objects += d.count[v];
				out->shared_bytes += d.retained[v];
			}
		}
		err = by == GL_HG_BY_TYPE ? top_types(hg, &d, out)
		      : by == GL_HG_BY_SITE ? top_sites(hg, &d, out)
					    : top_roots(hg, &d, out);
	}
	dom_deinit(&d);
	if (err)
		return err;
	/* rows with nothing retained say nothing */
	size_t m = 0;
	for (size_t i = 0; i < out->nrows; i++)
		if (out->rows[i].retained || out->rows[i].count)
			out->rows[m++] = out->rows[i];
	out->total_rows = m;
	if (m)
		qsort(out->rows, m, sizeof(*out->rows), cmp_row);
	out->nrows = m < max_rows ? m : max_rows;
	return NULL;
}

void gl_hg_top_deinit(struct gl_hg_top *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
