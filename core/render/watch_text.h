/* The text of `golayout watch`: one line per growth event. */
#ifndef GL_WATCH_TEXT_H
#define GL_WATCH_TEXT_H

#include "base/strbuf.h"
#include "runtime/growth.h"

/* "watch N EXPR: EVENT at len L: ...\n" */
void gl_watch_event_text(const struct gl_growth_event *e, struct strbuf *out);

#endif
