/* The watch table and its breakpoints (see watch.h for the design). */
#include <stdlib.h>
#include <string.h>

#include "commands/outfile.h"
#include "commands/watch.h"
#include "doc/watch_doc.h"
#include "render/watch_text.h"

#define BPS_MAX 64
#define PENDING_MAX 32

struct watch {
	unsigned id; /* 0: a free slot */
	enum gl_watch_what what;
	char *expr, *out_path;
	bool stop, json;
	uint64_t object, cap, elem_size;
	struct gl_bucket_geometry geo;
	bool has_geo;
	uint64_t events;
	/* classic: the evacuation of the last hashGrow */
	uint64_t evac_calls, to_x, to_y, old_nbuckets;
	/* the chain of the last evacuate call that could not end the growth:
	 * counted at the next call (the runtime evacuates one map's buckets
	 * one call after the other), with no breakpoint at its return */
	struct gl_evac_chain lazy;
};

struct bp {
	uint64_t id; /* the debugger's; 0: a free slot */
	uint64_t addr;
	bool is_return;
	struct gl_hook_site site; /* entry breakpoints */
	/* return breakpoints: pending calls using it. One no call uses stays
	 * (the same call sites return again and again: setting and removing a
	 * breakpoint costs more than a hit) until its slot is needed. */
	unsigned refs;
};

/* A call of a growth function on a watched object, between its entry and
 * its return. */
struct pending {
	bool used;
	unsigned watch;
	struct gl_hook_site site;
	uint64_t ra;
	struct gl_frame_regs regs;
	uint64_t args[5];
	struct gl_hmap_state h;
	struct gl_smap_state m;
	struct gl_stable_state t;
	struct gl_evac_chain chain;
};

struct gl_watches {
	struct watch w[GL_WATCHES_MAX];
	unsigned next_id;
	struct bp bps[BPS_MAX];
	struct pending pend[PENDING_MAX];
};

static struct watch *find_watch(struct gl_watches *ws, unsigned id)
{
	for (size_t i = 0; ws && id && i < GL_WATCHES_MAX; i++)
		if (ws->w[i].id == id)
			return &ws->w[i];
	return NULL;
}

static void watch_free(struct watch *w)
{
	free(w->expr);
	free(w->out_path);
	memset(w, 0, sizeof(*w));
}

void gl_watches_destroy(struct gl_watches *ws)
{
	if (!ws)
		return;
	for (size_t i = 0; i < GL_WATCHES_MAX; i++)
		watch_free(&ws->w[i]);
	free(ws);
}

static bool have_backend_v5(const struct gl_ctx *c)
{
	return c->be->version >= 5 && c->be->set_breakpoint && c->be->delete_breakpoint;
}

static void bp_delete(struct gl_ctx *c, struct bp *b);

static struct gl_error *bp_set(struct gl_ctx *c, struct gl_watches *ws, uint64_t addr,
			       bool is_return, const struct gl_hook_site *site, struct bp **out)
{
	struct bp *slot = NULL, *idle = NULL;
	for (size_t i = 0; i < BPS_MAX; i++) {
		struct bp *b = &ws->bps[i];
		if (b->id && b->addr == addr && b->is_return == is_return) {
			*out = b;
			return NULL;
		}
		if (!b->id && !slot)
			slot = b;
		if (b->id && b->is_return && !b->refs && !idle)
			idle = b;
	}
	if (!slot && idle) {
		bp_delete(c, idle);
		slot = idle;
	}
	if (!slot)
		return gl_error_create(GL_ERR_LIMIT, "golayout holds %d breakpoints already", BPS_MAX);
	uint64_t id = 0;
	if (c->be->set_breakpoint(c->be->ctx, addr, &id) != GL_BACKEND_OK || !id)
		return gl_error_create(GL_ERR_UNAVAILABLE, "the debugger cannot set a breakpoint at 0x%llx",
				       (unsigned long long)addr);
	*slot = (struct bp){.id = id, .addr = addr, .is_return = is_return};
	if (site)
		slot->site = *site;
	*out = slot;
	return NULL;
}

static void bp_delete(struct gl_ctx *c, struct bp *b)
{
	if (b->id)
		c->be->delete_breakpoint(c->be->ctx, b->id);
	memset(b, 0, sizeof(*b));
}

static bool watches_of(const struct gl_watches *ws, enum gl_watch_what what)
{
	for (size_t i = 0; i < GL_WATCHES_MAX; i++)
		if (ws->w[i].id && ws->w[i].what == what)
			return true;
	return false;
}

/* The entry breakpoints follow the watches: set for a kind some watch
 * needs, removed when none does. */
static struct gl_error *sync_entry_bps(struct gl_ctx *c, struct gl_watches *ws,
				       enum gl_watch_what what)
{
	bool need = watches_of(ws, what);
	struct gl_hook_site sites[GL_HOOK_SITES_MAX];
	size_t n = gl_growth_sites(c->t, what, sites, GL_HOOK_SITES_MAX);
	if (need && !n)
		return gl_error_create(GL_ERR_UNSUPPORTED, "no %s growth function in the symbol table "
				       "(a stripped binary?)", what == GL_WATCH_MAP ? "map" : "slice");
	for (size_t i = 0; i < n; i++) {
		struct bp *b = NULL;
		for (size_t k = 0; k < BPS_MAX && !b; k++)
			if (ws->bps[k].id && !ws->bps[k].is_return && ws->bps[k].addr == sites[i].addr)
				b = &ws->bps[k];
		if (need && !b) {
			struct gl_error *err = bp_set(c, ws, sites[i].addr, false, &sites[i], &b);
			if (err)
				return err;
		} else if (!need && b) {
			bp_delete(c, b);
		}
	}
	return NULL;
}

struct gl_error *gl_watch_add(struct gl_ctx *c, struct gl_watches **wsp,
			      const struct gl_watch_spec *spec, unsigned *id)
{
	if (!have_backend_v5(c))
		return gl_error_create(GL_ERR_UNSUPPORTED, "this debugger's golayout shim cannot set "
				       "breakpoints (backend version %u; watch needs 5)", c->be->version);
	if (!*wsp && !(*wsp = calloc(1, sizeof(**wsp))))
		return &gl_error_nomem;
	struct gl_watches *ws = *wsp;
	struct watch *w = NULL;
	for (size_t i = 0; i < GL_WATCHES_MAX; i++) {
		if (ws->w[i].id && ws->w[i].what == spec->what && ws->w[i].object == spec->object)
			return gl_error_create(GL_ERR_USAGE, "watch %u already follows that %s at 0x%llx",
					       ws->w[i].id, spec->what == GL_WATCH_MAP ? "map" : "array",
					       (unsigned long long)spec->object);
		if (!ws->w[i].id && !w)
			w = &ws->w[i];
	}
	if (!w)
		return gl_error_create(GL_ERR_LIMIT, "%d watches already (golayout watch stop N)", GL_WATCHES_MAX);
	*w = (struct watch){.what = spec->what, .stop = spec->stop, .json = spec->json,
			    .object = spec->object, .cap = spec->cap, .elem_size = spec->elem_size};
	if (spec->what == GL_WATCH_MAP && c->t->map_impl && !strcmp(c->t->map_impl, "classic")) {
		struct gl_error *err = gl_bucket_geometry(c, spec->type, &w->geo);
		if (err)
			return err;
		w->has_geo = true;
	}
	w->expr = strdup(spec->expr);
	w->out_path = spec->out_path ? strdup(spec->out_path) : NULL;
	if (!w->expr || (spec->out_path && !w->out_path)) {
		watch_free(w);
		return &gl_error_nomem;
	}
	w->id = ++ws->next_id;
	struct gl_error *err = sync_entry_bps(c, ws, spec->what);
	if (err) {
		watch_free(w);
		gl_error_destroy(sync_entry_bps(c, ws, spec->what));
		return err;
	}
	*id = w->id;
	return NULL;
}

static void pending_drop(struct gl_ctx *c, struct gl_watches *ws, struct pending *p)
{
	for (size_t i = 0; i < BPS_MAX; i++) {
		struct bp *b = &ws->bps[i];
		if (b->id && b->is_return && b->addr == p->ra && b->refs)
			b->refs--;
	}
	(void)c;
	memset(p, 0, sizeof(*p));
}

struct gl_error *gl_watch_remove(struct gl_ctx *c, struct gl_watches *ws, unsigned id)
{
	if (id && !find_watch(ws, id))
		return gl_error_create(GL_ERR_LOOKUP, "no watch %u (golayout watch list)", id);
	if (!ws)
		return NULL;
	for (size_t i = 0; i < GL_WATCHES_MAX; i++)
		if (ws->w[i].id && (!id || ws->w[i].id == id))
			watch_free(&ws->w[i]);
	for (size_t i = 0; i < PENDING_MAX; i++)
		if (ws->pend[i].used && !find_watch(ws, ws->pend[i].watch))
			pending_drop(c, ws, &ws->pend[i]);
	if (!have_backend_v5(c))
		return NULL;
	for (size_t i = 0; i < BPS_MAX; i++)
		if (ws->bps[i].id && ws->bps[i].is_return && !ws->bps[i].refs)
			bp_delete(c, &ws->bps[i]);
	struct gl_error *err = sync_entry_bps(c, ws, GL_WATCH_MAP);
	gl_error_destroy(err);
	return sync_entry_bps(c, ws, GL_WATCH_SLICE);
}

bool gl_watch_info(const struct gl_watches *ws, size_t i, struct gl_watch_info *info)
{
	for (size_t k = 0; ws && k < GL_WATCHES_MAX; k++) {
		const struct watch *w = &ws->w[k];
		if (!w->id || i--)
			continue;
		*info = (struct gl_watch_info){.id = w->id, .what = w->what, .expr = w->expr,
					       .out_path = w->out_path, .object = w->object,
					       .events = w->events, .cap = w->cap, .stop = w->stop,
					       .json = w->json};
		return true;
	}
	return false;
}

size_t gl_watch_breakpoints(const struct gl_watches *ws)
{
	size_t n = 0;
	for (size_t i = 0; ws && i < BPS_MAX; i++)
		n += ws->bps[i].id != 0;
	return n;
}

/* ---- hits ---- */

static struct watch *watch_of_object(struct gl_watches *ws, enum gl_watch_what what, uint64_t obj)
{
	for (size_t i = 0; obj && i < GL_WATCHES_MAX; i++)
		if (ws->w[i].id && ws->w[i].what == what && ws->w[i].object == obj)
			return &ws->w[i];
	return NULL;
}

/* The cells the last evacuate call moved, once it has returned. */
static struct gl_error *count_evacuated(struct gl_ctx *c, struct watch *w,
					const struct gl_evac_chain *ch)
{
	uint64_t x = 0, y = 0;
	struct gl_error *err = gl_evac_count(c, &w->geo, ch, &x, &y);
	w->evac_calls++;
	w->to_x += x;
	w->to_y += y;
	return err;
}

/* The state before the call, kept for its return; *ret false when the
 * return need not be seen. */
static struct gl_error *before(struct gl_ctx *c, struct watch *w, struct pending *p, bool *ret)
{
	*ret = true;
	switch (p->site.kind) {
	case GL_HOOK_HASHGROW:
		return gl_hmap_read(c, w->object, &p->h);
	case GL_HOOK_EVACUATE: {
		struct gl_error *err = NULL;
		if (w->lazy.n) {
			err = count_evacuated(c, w, &w->lazy);
			w->lazy.n = 0;
		}
		if (err || (err = gl_hmap_read(c, w->object, &p->h)))
			return err;
		if (!p->h.oldbuckets) { /* not growing: nothing moves */
			*ret = false;
			return NULL;
		}
		err = gl_evac_chain_read(c, &w->geo, p->h.oldbuckets + p->args[2] * w->geo.size, &p->chain);
		if (!err)
			err = gl_evac_may_finish(c, &w->geo, &p->h, p->args[2], ret);
		if (!err && !*ret) {
			w->lazy = p->chain;
			if (!w->lazy.n) /* already evacuated: nothing to count, the call is seen */
				w->evac_calls++;
		}
		return err;
	}
	case GL_HOOK_GROW_TO_TABLE:
		return gl_smap_read(c, w->object, &p->m);
	case GL_HOOK_TABLE_GROW:
	case GL_HOOK_TABLE_SPLIT: {
		struct gl_error *err = gl_smap_read(c, w->object, &p->m);
		return err ? err : gl_stable_read(c, p->args[0], &p->t);
	}
	case GL_HOOK_GROWSLICE:
		return NULL; /* the arguments say it all */
	}
	return NULL;
}

static void slice_sharers(struct gl_watches *ws, const struct watch *w, struct gl_growth_event *e)
{
	uint64_t lo = e->u.slice.old_array, hi = lo + e->u.slice.old_cap * w->elem_size;
	for (size_t i = 0; i < GL_WATCHES_MAX && e->u.slice.nsharers < GL_WATCH_SHARERS_MAX; i++) {
		const struct watch *o = &ws->w[i];
		if (o->id && o != w && o->what == GL_WATCH_SLICE && o->object >= lo && o->object < hi) {
			e->u.slice.sharers[e->u.slice.nsharers] = o->id;
			e->u.slice.sharer_exprs[e->u.slice.nsharers++] = o->expr;
		}
	}
}

/* The state after the call: the event, or none (*has false) for an
 * evacuation step that did not end the growth. */
static struct gl_error *after(struct gl_ctx *c, struct gl_watches *ws, struct watch *w,
			      struct pending *p, const struct gl_frame_regs *ret,
			      struct gl_growth_event *e, bool *has)
{
	struct gl_error *err = NULL;
	*has = true;
	e->object = w->object;
	switch (p->site.kind) {
	case GL_HOOK_HASHGROW: {
		struct gl_hmap_state h;
		if ((err = gl_hmap_read(c, w->object, &h)))
			return err;
		e->kind = GL_EV_HASHGROW;
		e->len = h.count;
		e->u.hashgrow.old_b = p->h.B;
		e->u.hashgrow.new_b = h.B;
		e->u.hashgrow.same_size = h.same_size;
		e->u.hashgrow.old_buckets = h.oldbuckets;
		e->u.hashgrow.new_buckets = h.buckets;
		w->evac_calls = w->to_x = w->to_y = 0;
		w->old_nbuckets = 1ull << p->h.B;
		return NULL;
	}
	case GL_HOOK_EVACUATE: {
		struct gl_hmap_state h;
		if ((err = gl_hmap_read(c, w->object, &h)) || (err = count_evacuated(c, w, &p->chain)))
			return err;
		*has = p->h.oldbuckets && !h.oldbuckets; /* this call ended the growth */
		e->kind = GL_EV_EVACUATED;
		e->len = h.count;
		e->u.evacuated.b = h.B;
		e->u.evacuated.old_nbuckets = w->old_nbuckets;
		e->u.evacuated.calls = w->evac_calls;
		e->u.evacuated.to_x = w->to_x;
		e->u.evacuated.to_y = w->to_y;
		return NULL;
	}
	case GL_HOOK_GROW_TO_TABLE: {
		struct gl_smap_state m;
		struct gl_stable_state t;
		uint64_t tab = 0;
		if ((err = gl_smap_read(c, w->object, &m)) || (err = gl_smap_dir_table(c, &m, 0, &tab)) ||
		    (err = gl_stable_read(c, tab, &t)))
			return err;
		e->kind = GL_EV_TO_TABLE;
		e->len = m.used;
		e->u.to_table.group = p->m.dirptr;
		e->u.to_table.table = tab;
		e->u.to_table.capacity = t.capacity;
		e->u.to_table.moved = p->m.used;
		return NULL;
	}
	case GL_HOOK_TABLE_GROW:
	case GL_HOOK_TABLE_SPLIT: {
		struct gl_smap_state m;
		uint64_t left = 0, right = 0;
		if ((err = gl_smap_read(c, w->object, &m)))
			return err;
		if (p->t.index < 0 || !p->m.dirlen || m.dirlen < p->m.dirlen)
			return gl_error_create(GL_ERR_CORRUPT, "table index %lld in a directory of %llu",
					       (long long)p->t.index, (unsigned long long)p->m.dirlen);
		/* a directory that doubled moved every table's first slot to 2i */
		uint64_t slot = (uint64_t)p->t.index * (m.dirlen / p->m.dirlen);
		if ((err = gl_smap_dir_table(c, &m, slot, &left)) ||
		    (err = gl_stable_read(c, left, &e->u.table.left)))
			return err;
		e->kind = p->site.kind == GL_HOOK_TABLE_SPLIT ? GL_EV_SPLIT : GL_EV_TABLE_GROW;
		if (e->kind == GL_EV_SPLIT) {
			uint64_t span = e->u.table.left.local_depth <= m.global_depth
						? 1ull << (m.global_depth - e->u.table.left.local_depth) : 1;
			if ((err = gl_smap_dir_table(c, &m, slot + span, &right)) ||
			    (err = gl_stable_read(c, right, &e->u.table.right)))
				return err;
		}
		e->len = m.used;
		e->u.table.old = p->t;
		e->u.table.old_global_depth = p->m.global_depth;
		e->u.table.new_global_depth = m.global_depth;
		e->u.table.old_dirlen = p->m.dirlen;
		e->u.table.new_dirlen = m.dirlen;
		return NULL;
	}
	case GL_HOOK_GROWSLICE: {
		uint64_t res[3];
		if ((err = gl_growth_results(c, ret, p->site.nargs, 3, res)))
			return err;
		e->kind = GL_EV_SLICE;
		e->object = p->args[0];
		e->len = res[1];
		e->u.slice.old_array = p->args[0];
		e->u.slice.new_array = res[0];
		e->u.slice.old_cap = p->args[2];
		e->u.slice.new_cap = res[2];
		e->u.slice.elem_size = w->elem_size;
		/* growslice copies the old length: newLen - num elements */
		e->u.slice.copied_bytes = (p->args[1] - p->args[3]) * w->elem_size;
		slice_sharers(ws, w, e);
		/* the watch follows the slice onto its new array */
		w->object = res[0];
		w->cap = res[2];
		return NULL;
	}
	}
	*has = false;
	return NULL;
}

/* The event's line: printed (into c->out), or appended to the watch's file. */
static struct gl_error *emit(struct gl_ctx *c, const struct watch *w, const struct gl_growth_event *e)
{
	struct strbuf line;
	sb_init(&line);
	if (w->json) {
		json_t *d = gl_watch_event_doc(c, e);
		char *s = d ? json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		if (s)
			sb_addf(&line, "%s\n", s);
		free(s);
		json_decref(d);
	} else {
		gl_watch_event_text(e, &line);
	}
	struct gl_error *err = NULL;
	if (line.oom || !line.len)
		err = &gl_error_nomem;
	else if (w->out_path)
		err = gl_outfile_write("--out", w->out_path, line.s, line.len, true);
	else
		sb_addn(&c->out, line.s, line.len);
	sb_deinit(&line);
	return err;
}

static bool entry_hit(struct gl_ctx *c, struct gl_watches *ws, const struct bp *b,
		      struct gl_error **err)
{
	const struct gl_hook_site *site = &b->site;
	uint64_t args[5] = {0}, ra = 0;
	struct gl_frame_regs regs;
	/* the common case, a map or slice nobody watches, costs one argument */
	uint64_t obj;
	if ((*err = gl_growth_arg(c, site->obj_arg, &obj)))
		return false;
	enum gl_watch_what what = site->kind == GL_HOOK_GROWSLICE ? GL_WATCH_SLICE : GL_WATCH_MAP;
	struct watch *w = watch_of_object(ws, what, obj);
	if (!w || (*err = gl_growth_entry(c, site->nargs, args, &ra, &regs)))
		return false;
	/* a call entered twice (the prologue grew the stack and restarted
	 * it) keeps one record */
	struct pending *p = NULL;
	for (size_t i = 0; i < PENDING_MAX && !p; i++)
		if (ws->pend[i].used && ws->pend[i].watch == w->id && ws->pend[i].site.addr == site->addr &&
		    ws->pend[i].ra == ra && (regs.g ? ws->pend[i].regs.g == regs.g : ws->pend[i].regs.sp == regs.sp))
			p = &ws->pend[i];
	bool fresh = !p;
	for (size_t i = 0; i < PENDING_MAX && !p; i++)
		if (!ws->pend[i].used)
			p = &ws->pend[i];
	if (!p) {
		*err = gl_error_create(GL_ERR_LIMIT, "%d growth calls in flight: one not followed", PENDING_MAX);
		return false;
	}
	*p = (struct pending){.used = true, .watch = w->id, .site = *site, .ra = ra, .regs = regs};
	memcpy(p->args, args, sizeof(args));
	bool ret = true;
	if ((*err = before(c, w, p, &ret)) || !ret) {
		memset(p, 0, sizeof(*p));
		return false;
	}
	if (fresh) {
		struct bp *rb;
		if ((*err = bp_set(c, ws, ra, true, NULL, &rb))) {
			memset(p, 0, sizeof(*p));
			return false;
		}
		rb->refs++;
	}
	return false;
}

static bool return_hit(struct gl_ctx *c, struct gl_watches *ws, const struct bp *b,
		       struct gl_error **err)
{
	struct gl_frame_regs regs;
	if ((*err = gl_growth_at_return(c, &regs)))
		return false;
	for (size_t i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &ws->pend[i];
		if (!p->used || p->ra != b->addr || !gl_growth_same_call(c->t, &p->regs, &regs))
			continue;
		struct watch *w = find_watch(ws, p->watch);
		struct gl_growth_event e = {0};
		bool has = false, stop = false;
		if (w && !(*err = after(c, ws, w, p, &regs, &e, &has)) && has) {
			e.watch = w->id;
			e.expr = w->expr;
			e.seq = ++w->events;
			*err = emit(c, w, &e);
			stop = w->stop;
		}
		pending_drop(c, ws, p);
		return stop;
	}
	return false;
}

bool gl_watch_hit(struct gl_ctx *c, struct gl_watches *ws, uint64_t id, struct gl_error **err)
{
	*err = NULL;
	for (size_t i = 0; ws && i < BPS_MAX; i++) {
		struct bp *b = &ws->bps[i];
		if (b->id != id || !id)
			continue;
		struct bp copy = *b; /* the hit may free the slot */
		return copy.is_return ? return_hit(c, ws, &copy, err) : entry_hit(c, ws, &copy, err);
	}
	return false;
}
