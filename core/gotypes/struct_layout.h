/* The pahole-style layout of a struct type: each field's offset, size and
 * alignment, the holes and trailing padding between them, pointer bytes,
 * and the field order that minimises the size. A typed model, built from
 * the type alone (no values): doc/struct_doc.c and render/struct_text.c
 * spell it, with values when the caller has the struct's bytes. */
#ifndef GL_STRUCT_LAYOUT_H
#define GL_STRUCT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "target/types.h"

/* A hole before a field, or the padding after the last one. */
struct gl_struct_pad {
	uint64_t offset, size;
	bool trailing;
};

struct gl_struct_layout {
	const struct gl_type *type; /* fields are type->fields[0..type->nfields) */
	uint64_t size, align;
	uint64_t *field_align;      /* per field */
	struct gl_struct_pad *pads; /* in offset order */
	size_t npads;
	uint64_t padding_bytes, pointer_bytes;
	size_t *best_order;         /* field indexes, smallest layout first */
	uint64_t best_size;         /* never more than size */
};

/* Lay out struct type t of a target with ptr_size-byte pointers into l
 * (deinit it even on error). */
struct gl_error *gl_struct_layout(const struct gl_type *t, unsigned ptr_size, struct gl_struct_layout *l);
void gl_struct_layout_deinit(struct gl_struct_layout *l);
/* Whether field i lies inside the struct's bytes, so its value can be shown. */
bool gl_struct_field_in_bounds(const struct gl_struct_layout *l, size_t i);

#endif
