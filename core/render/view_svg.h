/* One dispatch from a view's kind to its picture (--svg). */
#ifndef GL_RENDER_VIEW_SVG_H
#define GL_RENDER_VIEW_SVG_H

#include "base/strbuf.h"
#include "view/view.h"

/* The SVG document of view w into out. Views without a picture of their
 * own (the commands that take no --svg) get their title only. */
void gl_view_svg(struct gl_ctx *c, const struct gl_view *w, struct strbuf *out);

#endif
