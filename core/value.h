/* A Go value found in the target: its type, where it lives and its bytes. */
#ifndef GL_VALUE_H
#define GL_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "types.h"

/* Largest value golayout copies out of the target in one piece. */
#define GL_MAX_VALUE_BYTES (16u << 20)

struct gl_value {
	struct gl_type *type;
	bool in_memory;        /* addr is meaningful */
	uint64_t addr;
	unsigned char *bytes;  /* type->size bytes (malloc'd) */
	char where[64];        /* "stack", "register rax", ".data", "heap"... */
};

void gl_value_deinit(struct gl_value *v);
/* Read a value of type t at addr. */
struct gl_error *gl_value_at(struct gl_ctx *c, struct gl_type *t, uint64_t addr,
			     const char *where, struct gl_value *out);

/* Little-endian word helpers over value bytes. */
uint64_t gl_get_uint(const unsigned char *p, uint64_t size);
int64_t gl_get_int(const unsigned char *p, uint64_t size);

/* Go's fmt %v text of a value. depth 0 is the top level (a pointer to a
 * struct prints as &{...} only there, as fmt does). Memory behind strings,
 * slices, interfaces is read through c->mem; output is bounded. */
void gl_format_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		     struct strbuf *sb, int depth);
char *gl_format_value_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes);
/* The %v text as a JSON string, NUL bytes and all (json_null on OOM). */
json_t *gl_format_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes);
/* Go's strconv 'g' shortest formatting, as %v prints floats. */
void gl_format_float(double v, int bits, bool plus, struct strbuf *sb);

/* The dynamic type of an interface value (eface/iface words), or NULL. */
struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr);
/* moduledata.types of the first module, the base DW_AT_go_runtime_type
 * offsets count from. */
bool gl_types_base(struct gl_ctx *c, uint64_t *base);
/* Whether values of t are stored directly in an interface's data word. */
bool gl_type_is_direct_iface(const struct gl_type *t);

/* Hook for map %v printing; implemented by the map decoder. Appends
 * "map[k:v ...]" with keys sorted as fmt sorts them. */
void gl_format_map(struct gl_ctx *c, const struct gl_type *t, uint64_t map_ptr,
		   struct strbuf *sb, int depth);

#endif
