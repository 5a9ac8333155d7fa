/* Go types from the runtime's own type descriptors (internal/abi.Type),
 * for dynamic types the linker left out of DWARF (a type used only inside
 * interfaces has no DWARF entry). Field offsets of the descriptors
 * themselves still come from DWARF. */
#ifndef GL_RTYPE_H
#define GL_RTYPE_H

#include "target/ctx.h"
#include "target/types.h"

/* The type whose descriptor is at tp; base is moduledata.types. */
struct gl_type *gl_rtype_resolve(struct gl_ctx *c, uint64_t tp, uint64_t base);

/* The dynamic type of an interface value (eface/iface words), or NULL. */
struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr);
/* moduledata.types of the first module, the base DW_AT_go_runtime_type
 * offsets count from. */
bool gl_types_base(struct gl_ctx *c, uint64_t *base);
/* Whether values of t are stored directly in an interface's data word. */
bool gl_type_is_direct_iface(const struct gl_type *t);

#endif
