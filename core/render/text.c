#include <string.h>

#include "base/utf8.h"
#include "fmt/format.h"
#include "fmt/known_types.h"
#include "render/text.h"

void gl_text_set(struct strbuf *out, const char *s, size_t len)
{
	sb_truncate(out, 0);
	out->oom = false;
	/* Text leaves golayout as a C string: a NUL byte would end it (and
	 * the rest of the command's output). It shows as U+2400, one column
	 * like the byte it stands for. */
	while (len) {
		const char *nul = memchr(s, '\0', len);
		size_t n = nul ? (size_t)(nul - s) : len;
		gl_utf8_clean(s, n, out);
		s += n;
		len -= n;
		if (nul) {
			sb_add(out, GL_TEXT_NUL);
			s++;
			len--;
		}
	}
}

void gl_text_set_clipped(struct strbuf *out, const char *s, size_t len, size_t cols)
{
	size_t room = gl_text_room(cols);
	gl_text_set(out, s, len < room ? len : room);
	if (!cols || out->oom)
		return;
	size_t col = 0, i = 0, cut = 0;
	for (; i < out->len; i++) {
		if (((unsigned char)out->s[i] & 0xc0) == 0x80)
			continue;
		if (col == cols - 1)
			cut = i;
		if (col++ == cols)
			break;
	}
	if (i < out->len || len > room) { /* more than cols columns */
		sb_truncate(out, cut);
		sb_add(out, "\xe2\x80\xa6");
	}
}

/* The formatted text in raw, cleaned for the terminal, into out; frees raw. */
static void clean_into(struct strbuf *raw, struct strbuf *out)
{
	if (raw->oom)
		sb_truncate(out, 0);
	else
		gl_text_set(out, raw->s ? raw->s : "", raw->len);
	sb_deinit(raw);
}

void gl_value_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		   struct strbuf *out)
{
	gl_value_str_at(c, t, bytes, 0, out);
}

void gl_member_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes,
		   struct strbuf *out)
{
	gl_value_str_at(c, t, bytes, 1, out);
}

void gl_field_str(struct gl_ctx *c, const struct gl_field *f, const unsigned char *bytes,
		  struct strbuf *out)
{
	struct strbuf raw;
	sb_init(&raw);
	gl_format_field(c, f, bytes, &raw, 0);
	clean_into(&raw, out);
}

void gl_reading_text(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, struct strbuf *out)
{
	struct strbuf raw, clean;
	sb_init(&raw);
	sb_init(&clean);
	if (gl_known_reading(c, t, bytes, &raw)) {
		clean_into(&raw, &clean);
		sb_add(out, "  // ");
		sb_add(out, gl_sb_str(&clean));
	}
	sb_deinit(&raw);
	sb_deinit(&clean);
}

void gl_value_noted_str(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, struct strbuf *out)
{
	struct strbuf raw;
	char method[256];
	sb_init(&raw);
	gl_format_value_noting(c, t, bytes, &raw, method, sizeof(method));
	clean_into(&raw, out);
	size_t len = out->len;
	gl_reading_text(c, t, bytes, out);
	if (out->len == len && method[0]) {
		sb_add(out, "  // ");
		gl_text_add(out, method);
		sb_add(out, " not run");
	}
}

void gl_value_str_at(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, int depth,
		     struct strbuf *out)
{
	struct strbuf raw;
	sb_init(&raw);
	gl_format_value(c, t, bytes, &raw, depth);
	clean_into(&raw, out);
}

void gl_text_add(struct strbuf *o, const char *s)
{
	struct strbuf t;
	sb_init(&t);
	gl_text_set(&t, s, strlen(s));
	sb_add(o, gl_sb_str(&t));
	sb_deinit(&t);
}

const char *gl_go_version_text(const struct gl_ctx *c)
{
	return c->t ? c->t->go_version : "";
}
