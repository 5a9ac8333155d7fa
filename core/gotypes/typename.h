/* Types named in Go syntax: "map[string]*main.Order", "[]main.Item",
 * "main.Order", "*main.Order", "chan int", "[4]int". */
#ifndef GL_TYPENAME_H
#define GL_TYPENAME_H

#include "target/ctx.h"
#include "target/types.h"

/* The type text names: DWARF's, else the runtime's type descriptor of
 * that spelling, else composed from known parts (a pointer, slice, array
 * or channel of a known type). A one-line error says which part is
 * unknown; a map type that no descriptor has cannot be composed (the
 * compiler lays out its groups). */
struct gl_error *gl_type_by_go_name(struct gl_ctx *c, const char *text, struct gl_type **out);

#endif
