/* The text of `golayout map` of a sync.Map, from runtime/syncmap.h. */
#ifndef GL_SYNCMAP_TEXT_H
#define GL_SYNCMAP_TEXT_H

#include "runtime/syncmap.h"

/* The sync.Map expr (of type type_name) into c->out: its structure with
 * up to limit keys or trie entries drawn (none with summary_only), the
 * entries as Load and Range see them, and the summary. */
void gl_syncmap_text(struct gl_ctx *c, const char *expr, const char *type_name, bool summary_only,
		     uint64_t limit, const struct gl_syncmap *m);
/* The summary lines alone (of a decoded map), as the text ends. */
void gl_syncmap_summary_text(struct gl_ctx *c, const struct gl_syncmap *m);

#endif
