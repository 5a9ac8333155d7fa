/* gl_known_reading (known_types.h): which types fmt prints as their fields
 * though people read them otherwise, and who reads them. */
#include <string.h>

#include "fmt/known_impl.h"
#include "fmt/known_types.h"

typedef bool (*known_fn)(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);

/* Types fmt prints as their fields, and what those fields say. */
static const struct {
	const char *type;
	known_fn fn;
} readings[] = {
	{"sync.Mutex", gl_known_mutex},
	{"sync.RWMutex", gl_known_rwmutex},
	{"strings.Builder", gl_known_builder},
	{"bytes.Buffer", gl_known_buffer},
	{"math/big.Int", gl_known_bigint},
};

bool gl_known_reading(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	if (!t->name || t->kind != GL_K_STRUCT)
		return false;
	size_t mark = sb->len;
	bool ok = false;
	if (!strncmp(t->name, "sync/atomic.", 12)) {
		ok = gl_known_atomic(c, t, b, sb);
	} else {
		for (size_t i = 0; i < sizeof(readings) / sizeof(readings[0]); i++)
			if (!strcmp(t->name, readings[i].type)) {
				ok = readings[i].fn(c, t, b, sb);
				break;
			}
	}
	if (!ok)
		sb_truncate(sb, mark);
	return ok;
}
