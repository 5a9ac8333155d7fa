/* The JSON of `golayout watch`: one document per growth event (a line of
 * the --out file), and the list of watches. */
#ifndef GL_WATCH_DOC_H
#define GL_WATCH_DOC_H

#include <jansson.h>

#include "runtime/growth.h"
#include "target/ctx.h"

/* {"kind":"watch-event", "event":"hashgrow"|..., "watch":N, ...} */
json_t *gl_watch_event_doc(struct gl_ctx *c, const struct gl_growth_event *e);

#endif
