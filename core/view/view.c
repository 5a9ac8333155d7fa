/* Freeing a view, and the derived figures of its goroutine rows that the
 * document and the text both show. */
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

void gl_view_deinit(struct gl_view *w)
{
	switch (w->kind) {
	case GL_VIEW_MAP:
		gl_map_deinit(&w->u.map.m);
		gl_keylit_deinit(&w->u.map.key);
		gl_map_lookup_deinit(&w->u.map.lookup);
		break;
	case GL_VIEW_SYNCMAP:
		gl_syncmap_deinit(&w->u.syncmap.m);
		break;
	case GL_VIEW_SLICE:
		for (int i = 0; w->u.slices && i < w->u.slices->n; i++) {
			gl_value_deinit(&w->u.slices->slices[i].v);
			gl_slice_deinit(&w->u.slices->slices[i]);
		}
		free(w->u.slices);
		break;
	case GL_VIEW_STRING:
		gl_string_deinit(&w->u.string);
		break;
	case GL_VIEW_CHAN:
		gl_chan_deinit(&w->u.chan);
		break;
	case GL_VIEW_HEAP:
		gl_heap_view_deinit(&w->u.heap.hv);
		break;
	case GL_VIEW_GC:
		gl_gc_state_deinit(&w->u.gc);
		break;
	case GL_VIEW_HEAPGRAPH:
		if (w->u.hg) {
			gl_hg_why_deinit(&w->u.hg->why);
			gl_hg_retains_deinit(&w->u.hg->retains);
			gl_hg_top_deinit(&w->u.hg->top);
			free(w->u.hg);
		}
		break;
	case GL_VIEW_STRUCT:
		gl_struct_layout_deinit(&w->u.layout);
		break;
	case GL_VIEW_GOROUTINES:
		free(w->u.goroutines.rows);
		break;
	case GL_VIEW_STACK:
		gl_stack_deinit(&w->u.stack);
		break;
	case GL_VIEW_NONE:
	case GL_VIEW_VERSION:
	case GL_VIEW_IFACE:
	case GL_VIEW_VALUE:
	case GL_VIEW_ESCAPE:
	case GL_VIEW_STATS:
		break;
	}
	if (w->has_value)
		gl_value_deinit(&w->value);
	memset(w, 0, sizeof(*w));
}

/* a corrupt g can have hi < lo: no negative sizes */
bool gl_goroutine_row_size(const struct gl_goroutine_row *r, uint64_t *size)
{
	const struct gl_goroutine *g = &r->g;
	*size = g->stack_hi - g->stack_lo;
	return g->stack_hi >= g->stack_lo && *size <= (uint64_t)INT64_MAX;
}

bool gl_goroutine_row_used(const struct gl_goroutine_row *r, uint64_t *used)
{
	const struct gl_goroutine *g = &r->g;
	*used = g->stack_hi - r->sp;
	return r->sp >= g->stack_lo && r->sp <= g->stack_hi && *used <= (uint64_t)INT64_MAX;
}
