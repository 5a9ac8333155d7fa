/* A sync.Map (runtime/syncmap.h) as a golayout/1 "map" document with
 * "impl" "sync.Map/readdirty" or "sync.Map/hashtrie". */
#ifndef GL_SYNCMAP_DOC_H
#define GL_SYNCMAP_DOC_H

#include <jansson.h>

#include "doc/doc.h"
#include "view/view.h"

/* "sync.Map/readdirty", "sync.Map/hashtrie", or "" before decoding. */
const char *gl_syncmap_impl_name(const struct gl_syncmap *m);
/* The hash bits a trie level takes, as "63..60". */
void gl_syncmap_level_bits(const struct gl_syncmap_trie *t, int level, char *buf, size_t len);

json_t *gl_syncmap_view_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
			    const struct gl_syncmap_view *sv, struct gl_doc_tail *tail);

#endif
