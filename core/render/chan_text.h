/* Channels (runtime/chan.h) as text. */
#ifndef GL_CHAN_TEXT_H
#define GL_CHAN_TEXT_H

#include "runtime/chan.h"

/* limit: the ring slots drawn (UINT64_MAX: all). */
void gl_chan_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		  const struct gl_chan *ch, uint64_t limit);

#endif
