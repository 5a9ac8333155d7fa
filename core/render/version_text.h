/* golayout version as text (t NULL: no target known). */
#ifndef GL_VERSION_TEXT_H
#define GL_VERSION_TEXT_H

#include "target/ctx.h"
#include "view/view.h"

void gl_version_text(struct gl_ctx *c, const struct gl_version_view *v);

#endif
