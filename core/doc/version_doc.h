/* golayout version as a golayout/1 document: golayout's version and what
 * it detected in the target (t NULL: none known). */
#ifndef GL_VERSION_DOC_H
#define GL_VERSION_DOC_H

#include <jansson.h>

#include "target/ctx.h"
#include "view/view.h"

json_t *gl_version_doc(struct gl_ctx *c, const struct gl_version_view *v);

#endif
