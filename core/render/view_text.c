/* One dispatch from a view's kind to the text renderer of its model. */
#include "render/chan_text.h"
#include "render/escape_text.h"
#include "render/gc_text.h"
#include "render/goroutines_text.h"
#include "render/heap_text.h"
#include "render/heapgraph_text.h"
#include "render/iface_text.h"
#include "render/map_text.h"
#include "render/slice_text.h"
#include "render/stack_text.h"
#include "render/stats_text.h"
#include "render/string_text.h"
#include "render/struct_text.h"
#include "render/syncmap_text.h"
#include "render/value_text.h"
#include "render/version_text.h"
#include "render/view_text.h"

void gl_view_text(struct gl_ctx *c, const struct gl_view *w)
{
	const struct gl_value *v = &w->value;
	switch (w->kind) {
	case GL_VIEW_NONE:
		break;
	case GL_VIEW_VERSION:
		gl_version_text(c, &w->u.version);
		break;
	case GL_VIEW_MAP:
		if (w->u.map.key_text)
			gl_map_key_text(c, w->expr, v->type->name, w->u.map.key_text,
					w->u.map.ptr ? &w->u.map.m : NULL,
					w->u.map.looked_up ? &w->u.map.lookup : NULL);
		else
			gl_map_text(c, w->expr, v->type->name, w->u.map.summary,
				    w->u.map.ptr ? &w->u.map.m : NULL);
		break;
	case GL_VIEW_SYNCMAP:
		gl_syncmap_text(c, w->expr, v->type->name, w->u.syncmap.summary, w->limit, &w->u.syncmap.m);
		break;
	case GL_VIEW_SLICE:
		if (w->u.slices->n == 1)
			gl_slice_text(c, &w->u.slices->slices[0]);
		else
			gl_slices_text(c, w->u.slices);
		break;
	case GL_VIEW_STRING:
		gl_string_text(c, w->expr, v, &w->u.string);
		break;
	case GL_VIEW_IFACE:
		gl_iface_text(c, w->expr, v, &w->u.iface);
		break;
	case GL_VIEW_CHAN:
		gl_chan_text(c, w->expr, v, &w->u.chan, w->limit);
		break;
	case GL_VIEW_HEAP:
		gl_heap_text(c, &w->u.heap.sub, &w->u.heap.home, &w->u.heap.hv);
		break;
	case GL_VIEW_GC:
		gl_gc_text(c, &w->u.gc, w->limit);
		break;
	case GL_VIEW_STRUCT:
		gl_struct_text(c, &w->u.layout, w->has_value ? v : NULL);
		break;
	case GL_VIEW_VALUE:
		gl_value_text(c, w->expr, v);
		break;
	case GL_VIEW_GOROUTINES:
		gl_goroutines_text(c, &w->u.goroutines);
		break;
	case GL_VIEW_STACK:
		gl_stack_text(c, &w->u.stack);
		break;
	case GL_VIEW_ESCAPE:
		gl_escape_text(c, w->u.escapes);
		break;
	case GL_VIEW_STATS:
		gl_stats_text(c, w->u.stats);
		break;
	case GL_VIEW_HEAPGRAPH:
		gl_heapgraph_text(c, w->u.hg);
		break;
	}
}
