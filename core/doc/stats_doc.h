/* golayout stats as a golayout/1 document: the page cache's counters. */
#ifndef GL_STATS_DOC_H
#define GL_STATS_DOC_H

#include <jansson.h>

#include "target/ctx.h"

json_t *gl_stats_doc(struct gl_ctx *c, const struct gl_mem *m);

#endif
