#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "fmt/format.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || (n == 2 && s[0] < 0xc2) || (n == 4 && s[0] > 0xf4))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0; /* overlong or surrogate */
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

json_t *gl_json_text(const char *s)
{
	return gl_json_textn(s, strlen(s));
}

json_t *gl_json_textn(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	char *clean = malloc(len * 3 + 1);
	if (!clean)
		return NULL;
	size_t w = 0;
	const unsigned char *end = (const unsigned char *)s + len;
	for (const unsigned char *p = (const unsigned char *)s; p < end;) {
		size_t n = *p ? utf8_len(p) : 1; /* NUL is valid UTF-8 */
		if (n > (size_t)(end - p))
			n = 0;
		if (n) {
			memcpy(clean + w, p, n);
			w += n;
			p += n;
		} else {
			memcpy(clean + w, "\xef\xbf\xbd", 3);
			w += 3;
			p++;
		}
	}
	clean[w] = '\0';
	j = json_stringn(clean, w);
	free(clean);
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
