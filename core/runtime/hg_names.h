/* Names of heap-graph nodes and hops (hg_names.c). */
#ifndef GL_HG_NAMES_H
#define GL_HG_NAMES_H

#include "runtime/hg_query.h"

/* An object node's slot, data start, size and type. */
void gl_hg_describe(struct gl_heapgraph *hg, uint32_t node, struct gl_hg_obj *o);
/* The edge from -> to: the pointer word's offset and field path, and to. */
void gl_hg_hop_name(struct gl_heapgraph *hg, uint32_t from, uint32_t to, struct gl_hg_hop *hop);

#endif
