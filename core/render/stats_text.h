/* golayout stats as text. */
#ifndef GL_STATS_TEXT_H
#define GL_STATS_TEXT_H

#include "target/ctx.h"

void gl_stats_text(struct gl_ctx *c, const struct gl_mem *m);

#endif
