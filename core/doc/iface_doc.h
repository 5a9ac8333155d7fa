/* Interface values (runtime/iface.h) as golayout/1 documents. */
#ifndef GL_IFACE_DOC_H
#define GL_IFACE_DOC_H

#include <jansson.h>

#include "runtime/iface.h"

json_t *gl_iface_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		     const struct gl_iface *i);

#endif
