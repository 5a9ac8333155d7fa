/* Interface values decoded into runtime/iface.h's model. */
#include <string.h>

#include "gotypes/rtype.h"
#include "runtime/iface.h"
#include "runtime/words.h"

struct gl_error *gl_iface_decode(struct gl_ctx *c, const struct gl_value *v, struct gl_iface *i)
{
	memset(i, 0, sizeof(*i));
	i->empty = v->type->empty_iface;
	i->word0 = gl_header_word(c, v->type, v->bytes, i->empty ? "_type" : "tab", 0, &i->word0_offset);
	i->data = gl_header_word(c, v->type, v->bytes, "data", 1, &i->data_offset);
	i->nil = i->word0 == 0;
	if (i->nil)
		return NULL;
	i->dyn = gl_iface_dynamic_type(c, v->type, v->bytes, &i->type_descriptor);
	if (!i->dyn)
		return gl_error_create(GL_ERR_LOOKUP, "no DWARF type for the type descriptor at 0x%llx",
				       (unsigned long long)i->type_descriptor);
	i->direct = gl_type_is_direct_iface(i->dyn);
	gl_home_of(c, i->data, &i->data_home);
	return NULL;
}
