#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "doc/doc.h"
#include "fmt/format.h"

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

json_t *gl_format_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes)
{
	struct strbuf sb;
	sb_init(&sb);
	gl_format_value(c, t, bytes, &sb, 0);
	json_t *j = sb.oom ? NULL : gl_json_textn(sb.s ? sb.s : "", sb.len);
	sb_deinit(&sb);
	return j ? j : json_null();
}
