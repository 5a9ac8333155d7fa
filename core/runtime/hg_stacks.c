/* The heap graph's stack roots: every goroutine's pointer slots as the
 * runtime's scanstack finds them (runtime/stackslots.h), one root per
 * frame variable ("goroutine 12 frame main.worker local buf"), or per
 * slot when no variable is known ("... frame main.worker sp+0x18"). Dead
 * goroutines have no frames the GC scans. */
#include <stdio.h>
#include <string.h>

#include "runtime/heapgraph.h"
#include "runtime/stackslots.h"

struct walk {
	struct gl_heapgraph *hg;
	struct gl_hg_roots *r;
	const struct gl_goroutine *g;
	char open[GL_HEAP_NAME * 2]; /* the name of the root being filled */
	bool have_open;
};

static bool slot(void *arg, const struct gl_stack_slot *s)
{
	struct walk *w = arg;
	struct gl_heapgraph *hg = w->hg;
	hg->n.stack_slots++;
	if (!s->value)
		return true;
	uint32_t to = gl_hg_resolve(hg, s->value);
	if (to == GL_DG_NONE)
		return true;
	char name[GL_HEAP_NAME * 2];
	const char *fn = s->f && s->f->func ? s->f->func : "?";
	if (s->var)
		snprintf(name, sizeof(name), "goroutine %llu frame %s %s %s", (unsigned long long)w->g->goid, fn,
			 s->kind == GL_SLOT_ARG ? "arg" : "local", s->var);
	else
		snprintf(name, sizeof(name), "goroutine %llu frame %s sp+0x%llx", (unsigned long long)w->g->goid, fn,
			 (unsigned long long)(s->f ? s->addr - s->f->sp : s->addr));
	if (!w->have_open || strcmp(name, w->open)) {
		struct gl_hg_root *o = gl_hg_open_root(w->r, GL_ROOT_STACK, name);
		if (!o)
			return false;
		o->addr = s->addr - s->var_offset;
		o->size = s->var_offset + hg->h.ptr;
		o->goid = (int64_t)w->g->goid;
		if (s->var && s->f)
			o->pc = s->f->lookup_pc;
		snprintf(w->open, sizeof(w->open), "%s", name);
		w->have_open = true;
	} else {
		hg->roots[hg->nroots - 1].size = s->addr + hg->h.ptr - hg->roots[hg->nroots - 1].addr;
	}
	gl_hg_root_edge(w->r, to);
	return !gl_interrupted(hg->h.c);
}

void gl_hg_stack_roots(struct gl_ctx *c, struct gl_heapgraph *hg, struct gl_hg_roots *r)
{
	struct gl_goroutine_iter *it;
	struct gl_error *err = gl_goroutines_open(c, &it);
	if (err) {
		hg->stack_error = err;
		return;
	}
	struct gl_goroutine g;
	while (gl_goroutines_next(it, &g) && !gl_interrupted(c)) {
		if (g.state == GL_G_DEAD)
			continue;
		hg->n.goroutines++;
		struct walk w = {.hg = hg, .r = r, .g = &g};
		uint64_t unscanned = 0;
		err = gl_stack_pointer_slots(c, &g, slot, &w, &unscanned);
		hg->n.frames_unscanned += unscanned;
		if (err) {
			gl_error_destroy(err);
			hg->n.goroutines_unscanned++;
		}
	}
	hg->stack_error = gl_goroutines_close(it);
	hg->n.stacks = true;
}
