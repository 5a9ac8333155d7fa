/* Channels (runtime/chan.h) as golayout/1 documents. */
#ifndef GL_CHAN_DOC_H
#define GL_CHAN_DOC_H

#include <jansson.h>

#include "runtime/chan.h"

json_t *gl_chan_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		    const struct gl_chan *ch);

#endif
