/* Interface values (runtime/iface.h) as text. */
#ifndef GL_IFACE_TEXT_H
#define GL_IFACE_TEXT_H

#include "runtime/iface.h"

void gl_iface_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		   const struct gl_iface *i);

#endif
