/* golayout escape as a golayout/1 document: the loaded escape analysis
 * (e NULL: none). */
#ifndef GL_ESCAPE_DOC_H
#define GL_ESCAPE_DOC_H

#include <jansson.h>

#include "runtime/escape.h"

json_t *gl_escape_doc(struct gl_ctx *c, const struct gl_escapes *e);

#endif
