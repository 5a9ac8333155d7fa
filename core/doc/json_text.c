#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "doc/doc.h"
#include "fmt/format.h"
#include "fmt/known_types.h"

json_t *gl_json_text(const char *s)
{
	return gl_json_textn(s, strlen(s));
}

json_t *gl_json_textn(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	struct strbuf clean;
	sb_init(&clean);
	gl_utf8_clean(s, len, &clean);
	if (!clean.oom)
		j = json_stringn(clean.s ? clean.s : "", clean.len);
	sb_deinit(&clean);
	return j;
}

/* Valid UTF-8 s as a JSON string, spelled exactly as jansson's dump with
 * JSON_ENSURE_ASCII spells it (so a streamed member reads as the rest of
 * the document): \\ \" \b \f \n \r \t, other controls and all non-ASCII
 * as \uXXXX (upper-case hex, surrogate pairs above the BMP). */
static void write_valid(struct strbuf *out, const unsigned char *s, size_t len)
{
	sb_addc(out, '"');
	for (size_t i = 0; i < len;) {
		unsigned char b = s[i];
		if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
			size_t j = i + 1;
			while (j < len && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
				j++;
			sb_addn(out, (const char *)s + i, j - i);
			i = j;
			continue;
		}
		size_t n = b < 0x80 ? 1 : gl_utf8_len(s + i, len - i);
		uint32_t cp = b;
		if (n == 2)
			cp = (uint32_t)(b & 0x1f) << 6 | (s[i + 1] & 0x3f);
		else if (n == 3)
			cp = (uint32_t)(b & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
		else if (n == 4)
			cp = (uint32_t)(b & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
			     (uint32_t)(s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
		i += n ? n : 1;
		static const char named[] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
					     ['\t'] = 't', ['"'] = '"', ['\\'] = '\\'};
		if (cp < sizeof(named) && named[cp]) {
			sb_addc(out, '\\');
			sb_addc(out, named[cp]);
		} else if (cp < 0x10000) {
			sb_addf(out, "\\u%04X", (unsigned)cp);
		} else {
			cp -= 0x10000;
			sb_addf(out, "\\u%04X\\u%04X", (unsigned)(0xD800 | (cp >> 10)),
				(unsigned)(0xDC00 | (cp & 0x3ff)));
		}
	}
	sb_addc(out, '"');
}

void gl_json_write_text(struct strbuf *out, const char *s, size_t len)
{
	if (gl_utf8_valid(s, len)) {
		write_valid(out, (const unsigned char *)s, len);
		return;
	}
	struct strbuf clean;
	sb_init(&clean);
	gl_utf8_clean(s, len, &clean);
	if (clean.oom)
		out->oom = true;
	else
		write_valid(out, (const unsigned char *)(clean.s ? clean.s : ""), clean.len);
	sb_deinit(&clean);
}

json_t *gl_format_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes)
{
	return gl_format_json_at(c, t, bytes, 0);
}

json_t *gl_format_member_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes)
{
	return gl_format_json_at(c, t, bytes, 1);
}

/* A formatted value's text as a JSON string (json_null on OOM); frees sb. */
static json_t *text_json(struct strbuf *sb)
{
	json_t *j = sb->oom ? NULL : gl_json_textn(sb->s ? sb->s : "", sb->len);
	sb_deinit(sb);
	return j ? j : json_null();
}

json_t *gl_format_field_json(struct gl_ctx *c, const struct gl_field *f, const unsigned char *bytes)
{
	struct strbuf sb;
	sb_init(&sb);
	gl_format_field(c, f, bytes, &sb, 0);
	return text_json(&sb);
}

json_t *gl_format_json_at(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, int depth)
{
	struct strbuf sb;
	sb_init(&sb);
	gl_format_value(c, t, bytes, &sb, depth);
	return text_json(&sb);
}

void gl_reading_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, json_t *o)
{
	struct strbuf sb;
	sb_init(&sb);
	if (gl_known_reading(c, t, bytes, &sb))
		json_object_set_new(o, "reads_as", text_json(&sb));
	else
		sb_deinit(&sb);
}

void gl_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, json_t *o)
{
	struct strbuf sb;
	char method[256];
	sb_init(&sb);
	gl_format_value_noting(c, t, bytes, &sb, method, sizeof(method));
	json_object_set_new(o, "value", text_json(&sb));
	gl_reading_json(c, t, bytes, o);
	if (method[0])
		json_object_set_new(o, "method_not_run", gl_json_text(method));
}
