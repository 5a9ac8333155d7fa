#include "doc/doc.h"
#include "doc/value_doc.h"
#include "doc/home_doc.h"
#include "doc/string_doc.h"

json_t *gl_string_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		      const struct gl_string *s)
{
	json_t *d = gl_expr_doc_new(c, "string", expr, v);
	if (!d)
		return NULL;
	gl_json_set_addr(d, "data", s->data);
	json_object_set_new(d, "len", json_integer((json_int_t)s->len));
	json_object_set_new(d, "home", gl_home_json(&s->home));
	if (!s->has_bytes)
		return d;
	/* Text with invalid UTF-8 replaced (as Go's encoding/json does), and
	 * the raw bytes in hex so nothing is hidden. */
	json_object_set_new(d, "text", gl_json_textn(s->bytes, s->nbytes));
	json_object_set_new(d, "valid_utf8", json_boolean(s->valid_utf8));
	json_object_set_new(d, "truncated", json_boolean(s->truncated));
	struct strbuf hex;
	sb_init(&hex);
	for (uint64_t i = 0; i < s->nbytes && i < GL_STRING_HEX_BYTES; i++)
		sb_addf(&hex, "%02x", (unsigned char)s->bytes[i]);
	json_object_set_new(d, "hex", json_string(hex.s ? hex.s : ""));
	sb_deinit(&hex);
	return d;
}
