/* A map (runtime/maps.h) as the golayout/1 "map" document spells it, and
 * the header texts (value, note) the text renderer shows alike. */
#ifndef GL_MAP_DOC_H
#define GL_MAP_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "doc/doc.h"
#include "runtime/maps.h"
#include "view/view.h"

/* The value of a header field: 0x... for pointers, signed integers,
 * true/false, or unsigned. */
void gl_map_hfield_value(const struct gl_map_hfield *f, char *buf, size_t len);
/* What a header field means here ("live entries", "2^3 = 8 buckets"...),
 * or false when it has no note. */
bool gl_map_hfield_note(const struct gl_map *m, const struct gl_map_hfield *f, char *buf, size_t len);
/* "impl" of the document: "classic", "swiss", or "" before decoding. */
const char *gl_map_impl_name(const struct gl_map *m);

/* Add the decoded map to document d: impl, header, buckets or directory
 * and tables, shown/total, summary. */
void gl_map_doc_add(struct gl_ctx *c, const struct gl_map *m, json_t *d);
/* The "map" document of expr, its value v and the map behind it; of a
 * non-nil map, the entry list and the read count follow as *tail. */
json_t *gl_map_view_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
			const struct gl_map_view *mv, struct gl_doc_tail *tail);

#endif
