/* The pictures of the views (--svg), one file each, drawn with the
 * shared writer (render/svg.h) from the same typed models as the text. */
#ifndef GL_RENDER_SVG_VIEWS_H
#define GL_RENDER_SVG_VIEWS_H

#include "render/svg.h"
#include "view/view.h"

void gl_map_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const char *type_name,
		bool summary_only, const struct gl_map *m);
void gl_syncmap_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const char *type_name,
		    const struct gl_syncmap_view *sv, uint64_t limit);
void gl_struct_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_struct_layout *l,
		   const struct gl_value *v);
void gl_slices_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_slice_set *set);
void gl_string_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		   const struct gl_string *str);
void gl_iface_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		  const struct gl_iface *i);
void gl_chan_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		 const struct gl_chan *ch, uint64_t limit);
void gl_goroutines_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_goroutine_list *l);
void gl_stack_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_stack *st);
void gl_heap_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_heap_cmd_view *h);
void gl_gc_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_gc_state *st, uint64_t limit);

/* Catch what a text renderer writes to c->out between begin and end,
 * then draw it as title lines (gl_svg_text_lines): the pictures show the
 * texts' summaries as they read. */
void gl_svg_capture_begin(struct gl_ctx *c, struct strbuf *saved);
void gl_svg_capture_end(struct gl_svg *s, struct gl_ctx *c, struct strbuf *saved);

/* Whether a value of type t holds an address the picture draws as an
 * arrow (pointers, maps, channels, unsafe.Pointer). */
bool gl_svg_pointer_shaped(const struct gl_type *t);

#endif
