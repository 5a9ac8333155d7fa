/* Small helpers shared by the text renderers: they read the layout
 * document (never the target) and write columns into c->out. */
#ifndef GL_RENDER_H
#define GL_RENDER_H

#include <jansson.h>

#include "base/strbuf.h"

/* o[k] as an integer (0 if absent) or a string ("" if absent). */
json_int_t gl_jint(json_t *o, const char *k);
const char *gl_jstr(json_t *o, const char *k);
/* Append s, cut to at most max columns (UTF-8 aware) with an ellipsis;
 * control characters show as '?' so a value cannot break the layout. */
void gl_clip(struct strbuf *o, const char *s, size_t max);

struct gl_ctx;
/* Colours: empty strings unless colour is on. */
const char *gl_c(struct gl_ctx *c, const char *which);

#endif
