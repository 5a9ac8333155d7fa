/* Go types from the runtime's own type descriptors (internal/abi.Type),
 * for dynamic types the linker left out of DWARF (a type used only inside
 * interfaces has no DWARF entry) and for binaries without DWARF. The
 * descriptors' own layouts come from the runtime-layout table (DWARF or
 * its built-in database). Types made here are owned by the target. */
#ifndef GL_RTYPE_H
#define GL_RTYPE_H

#include "target/ctx.h"
#include "target/types.h"

/* The type whose descriptor is at tp; base is moduledata.types. */
struct gl_type *gl_rtype_resolve(struct gl_ctx *c, uint64_t tp, uint64_t base);

/* A type by its Go spelling ("main.Order", "[]main.Item",
 * "map[string]int") among the descriptors reachable from the module's
 * typelinked types and static itabs (moduledata.typelinks and itablinks up
 * to Go 1.26; from 1.27, which lists neither, the descriptors walked in
 * sequence as its runtime walks them), or one made here before; NULL when
 * none. */
struct gl_type *gl_rtype_find(struct gl_ctx *c, const char *name);
/* Why the module's types could not be found (one line: the walk refused
 * an inconsistent type section, say), NULL when they were. */
const char *gl_rtype_index_error(struct gl_ctx *c);
/* Types made without a descriptor: a predeclared type by name ("int",
 * "string", "unsafe.Pointer", "byte"...), and *T, []T, [n]T, chan T of a
 * known T (name: the channel type's spelling, NULL for "chan T"). NULL
 * when unknown or out of memory. */
struct gl_type *gl_rtype_basic(struct gl_ctx *c, const char *name);
struct gl_type *gl_rtype_pointer_to(struct gl_ctx *c, struct gl_type *elem);
struct gl_type *gl_rtype_slice_of(struct gl_ctx *c, struct gl_type *elem);
struct gl_type *gl_rtype_array_of(struct gl_ctx *c, struct gl_type *elem, uint64_t n);
struct gl_type *gl_rtype_chan_of(struct gl_ctx *c, struct gl_type *elem, const char *name);

/* The dynamic type of an interface value (eface/iface words), or NULL. */
struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr);
/* moduledata.types of the first module, the base DW_AT_go_runtime_type
 * offsets count from. */
bool gl_types_base(struct gl_ctx *c, uint64_t *base);
/* Whether values of t are stored directly in an interface's data word. */
bool gl_type_is_direct_iface(const struct gl_type *t);

#endif
