/* Go types from the runtime's own type descriptors (internal/abi.Type),
 * for dynamic types the linker left out of DWARF (a type used only inside
 * interfaces has no DWARF entry). Field offsets of the descriptors
 * themselves still come from DWARF. */
#ifndef GL_RTYPE_H
#define GL_RTYPE_H

#include "ctx.h"

/* The type whose descriptor is at tp; base is moduledata.types. */
struct gl_type *gl_rtype_resolve(struct gl_ctx *c, uint64_t tp, uint64_t base);

#endif
