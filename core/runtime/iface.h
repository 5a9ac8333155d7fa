/* An interface value: its two words (the type word of an eface or the
 * itab of an iface, and the data word), the dynamic type found through
 * them, and whether and where the value is stored indirectly. A typed
 * model: doc/iface_doc.c and render/iface_text.c spell it (the %v of the
 * value comes from its gl_value). */
#ifndef GL_IFACE_H
#define GL_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/value.h"
#include "runtime/home.h"

struct gl_iface {
	bool empty;                 /* interface{} / any: an eface */
	uint64_t word0, data;       /* _type or tab; data */
	uint64_t word0_offset, data_offset;
	bool nil;                   /* word0 == 0 */
	uint64_t type_descriptor;   /* !nil */
	struct gl_type *dyn;        /* !nil; NULL if no type is known for it */
	bool direct;                /* dyn: the data word is the value */
	struct gl_home data_home;   /* dyn */
};

/* Decode interface value v. */
struct gl_error *gl_iface_decode(struct gl_ctx *c, const struct gl_value *v, struct gl_iface *i);

#endif
