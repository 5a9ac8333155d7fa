#include "doc/doc.h"
#include "doc/escape_doc.h"

json_t *gl_escape_doc(struct gl_ctx *c, const struct gl_escapes *e)
{
	json_t *d = gl_doc_new(c, "escape", NULL, false, 0);
	if (!d)
		return NULL;
	json_object_set_new(d, "file", e ? gl_json_text(gl_escapes_path(e)) : json_null());
	json_object_set_new(d, "entries", json_integer((json_int_t)gl_escapes_count(e)));
	return d;
}
