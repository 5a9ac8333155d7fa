#include <stdio.h>

#include "render/svg_views.h"
#include "render/text.h"
#include "render/view_svg.h"

void gl_view_svg(struct gl_ctx *c, const struct gl_view *w, struct strbuf *out)
{
	const struct gl_value *v = &w->value;
	struct gl_svg s;
	gl_svg_init(&s);
	/* the picture is not a terminal: no colour escapes, no cut values */
	bool color = c->color;
	size_t columns = c->columns;
	c->color = false;
	c->columns = 0;
	char title[256];
	snprintf(title, sizeof(title), "golayout: %s", w->expr ? w->expr : "");
	switch (w->kind) {
	case GL_VIEW_MAP:
		gl_map_svg(&s, c, w->expr, v->type->name, w->u.map.summary, w->u.map.ptr ? &w->u.map.m : NULL);
		break;
	case GL_VIEW_SYNCMAP:
		gl_syncmap_svg(&s, c, w->expr, v->type->name, &w->u.syncmap, w->limit);
		break;
	case GL_VIEW_SLICE:
		gl_slices_svg(&s, c, w->u.slices);
		break;
	case GL_VIEW_STRING:
		gl_string_svg(&s, c, w->expr, v, &w->u.string);
		break;
	case GL_VIEW_IFACE:
		gl_iface_svg(&s, c, w->expr, v, &w->u.iface);
		break;
	case GL_VIEW_CHAN:
		gl_chan_svg(&s, c, w->expr, v, &w->u.chan, w->limit);
		break;
	case GL_VIEW_HEAP:
		gl_heap_svg(&s, c, &w->u.heap);
		break;
	case GL_VIEW_GC:
		snprintf(title, sizeof(title), "golayout: gc");
		gl_gc_svg(&s, c, &w->u.gc, w->limit);
		break;
	case GL_VIEW_STRUCT:
		gl_struct_svg(&s, c, &w->u.layout, w->has_value ? v : NULL);
		break;
	case GL_VIEW_GOROUTINES:
		snprintf(title, sizeof(title), "golayout: goroutines");
		gl_goroutines_svg(&s, c, &w->u.goroutines);
		break;
	case GL_VIEW_STACK:
		snprintf(title, sizeof(title), "golayout: stack");
		gl_stack_svg(&s, c, &w->u.stack);
		break;
	case GL_VIEW_NONE:
	case GL_VIEW_VERSION:
	case GL_VIEW_VALUE:
	case GL_VIEW_ESCAPE:
	case GL_VIEW_STATS:
	case GL_VIEW_HEAPGRAPH:
		gl_svg_title(&s, "%s: no picture of this command", title);
		break;
	}
	gl_svg_finish(&s, title, out);
	gl_svg_deinit(&s);
	c->color = color;
	c->columns = columns;
}
