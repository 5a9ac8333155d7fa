/* The text of `golayout map`, from the typed model (runtime/maps.h). */
#ifndef GL_MAP_TEXT_H
#define GL_MAP_TEXT_H

#include "runtime/map_lookup.h"
#include "runtime/maps.h"

/* The map expr of type type_name into c->out; m is NULL for a nil map.
 * summary_only: header and summary, no buckets or groups. */
void gl_map_text(struct gl_ctx *c, const char *expr, const char *type_name, bool summary_only,
		 const struct gl_map *m);
/* The summary lines of a decoded map (load, histograms, bytes) into
 * c->out, as the text shows them; the picture shows them too. */
void gl_map_summary_text(struct gl_ctx *c, const struct gl_map *m);

/* --key K: the lookup of K in m (l NULL when it failed: the error line
 * says why). */
void gl_map_key_text(struct gl_ctx *c, const char *expr, const char *type_name, const char *key,
		     const struct gl_map *m, const struct gl_map_lookup *l);

#endif
