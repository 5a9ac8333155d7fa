/* One dispatch from a view's kind to the document builder of its model. */
#include "doc/chan_doc.h"
#include "doc/escape_doc.h"
#include "doc/gc_doc.h"
#include "doc/goroutines_doc.h"
#include "doc/heap_doc.h"
#include "doc/heapgraph_doc.h"
#include "doc/iface_doc.h"
#include "doc/map_doc.h"
#include "doc/slice_doc.h"
#include "doc/stack_doc.h"
#include "doc/stats_doc.h"
#include "doc/syncmap_doc.h"
#include "doc/string_doc.h"
#include "doc/struct_doc.h"
#include "doc/value_doc.h"
#include "doc/version_doc.h"
#include "doc/view_doc.h"

json_t *gl_view_doc(struct gl_ctx *c, const struct gl_view *w, struct gl_doc_tail *tail)
{
	const struct gl_value *v = &w->value;
	*tail = (struct gl_doc_tail){0};
	switch (w->kind) {
	case GL_VIEW_NONE:
		return NULL;
	case GL_VIEW_VERSION:
		return gl_version_doc(c, &w->u.version);
	case GL_VIEW_MAP:
		return gl_map_view_doc(c, w->expr, v, &w->u.map, tail);
	case GL_VIEW_SYNCMAP:
		return gl_syncmap_view_doc(c, w->expr, v, &w->u.syncmap, tail);
	case GL_VIEW_SLICE:
		return w->u.slices->n == 1 ? gl_slice_doc(c, w->u.slices, 0) : gl_slices_doc(c, w->u.slices);
	case GL_VIEW_STRING:
		return gl_string_doc(c, w->expr, v, &w->u.string);
	case GL_VIEW_IFACE:
		return gl_iface_doc(c, w->expr, v, &w->u.iface);
	case GL_VIEW_CHAN:
		return gl_chan_doc(c, w->expr, v, &w->u.chan);
	case GL_VIEW_HEAP:
		return gl_heap_doc(c, &w->u.heap.sub, &w->u.heap.home, &w->u.heap.hv);
	case GL_VIEW_GC:
		return gl_gc_doc(c, &w->u.gc);
	case GL_VIEW_STRUCT:
		return w->has_value ? gl_struct_doc(c, w->expr, v, &w->u.layout) : gl_type_doc(c, &w->u.layout);
	case GL_VIEW_VALUE:
		return gl_value_doc(c, w->expr, v);
	case GL_VIEW_GOROUTINES:
		return gl_goroutines_json(c, &w->u.goroutines, tail);
	case GL_VIEW_STACK:
		return gl_stack_json(c, &w->u.stack);
	case GL_VIEW_ESCAPE:
		return gl_escape_doc(c, w->u.escapes);
	case GL_VIEW_STATS:
		return gl_stats_doc(c, w->u.stats);
	case GL_VIEW_HEAPGRAPH:
		return gl_heapgraph_doc(c, w->u.hg);
	}
	return NULL;
}
