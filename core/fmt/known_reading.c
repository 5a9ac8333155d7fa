/* gl_known_reading (known_types.h): which types fmt prints as their fields
 * though people read them otherwise, and who reads them. */
#include <string.h>

#include "fmt/known_impl.h"
#include "fmt/known_types.h"

/* Types fmt prints as their fields, and what those fields say; besides
 * these, those whose String method takes a pointer
 * (gl_known_pointer_method) and the sync/atomic types. */
static const struct {
	const char *type;
	gl_known_fn *fn;
} readings[] = {
	{"sync.Mutex", gl_known_mutex},
	{"sync.RWMutex", gl_known_rwmutex},
};

bool gl_known_reading(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (!t->name || t->kind != GL_K_STRUCT)
		return false;
	size_t mark = sb->len;
	gl_known_fn *fn = gl_known_pointer_method(t->name);
	if (!strncmp(t->name, "sync/atomic.", 12))
		fn = gl_known_atomic;
	for (size_t i = 0; !fn && i < sizeof(readings) / sizeof(readings[0]); i++)
		if (!strcmp(t->name, readings[i].type))
			fn = readings[i].fn;
	bool ok = fn && fn(c, t, b, sb);
	if (!ok)
		sb_truncate(sb, mark);
	return ok;
}
