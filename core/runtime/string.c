/* Strings decoded into runtime/string.h's model. */
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "runtime/string.h"
#include "runtime/words.h"

struct gl_error *gl_string_decode(struct gl_ctx *c, const char *expr, const struct gl_value *v,
				  struct gl_string *s)
{
	memset(s, 0, sizeof(*s));
	s->data = gl_header_word(c, v->type, v->bytes, "str", 0, &s->data_offset);
	s->len = gl_header_word(c, v->type, v->bytes, "len", 1, &s->len_offset);
	gl_home_of(c, s->data, &s->home);
	if ((int64_t)s->len < 0)
		return gl_error_create(GL_ERR_CORRUPT, "%s: negative length %lld: corrupt string header", expr,
				       (long long)s->len);
	if (s->len && !s->data)
		return gl_error_create(GL_ERR_CORRUPT, "%s: nil data with length %llu: corrupt string header",
				       expr, (unsigned long long)s->len);
	uint64_t n = s->len > GL_STRING_MAX_BYTES ? GL_STRING_MAX_BYTES : s->len;
	char *buf = malloc(n + 1);
	if (!buf)
		return &gl_error_nomem;
	struct gl_error *err;
	if (n && (err = gl_mem_read(c->mem, s->data, buf, n))) {
		free(buf);
		return gl_error_wrap(err, "reading the bytes of %s", expr);
	}
	buf[n] = '\0';
	s->bytes = buf;
	s->nbytes = n;
	s->has_bytes = true;
	s->valid_utf8 = gl_utf8_valid(buf, n);
	s->truncated = n < s->len;
	return NULL;
}

void gl_string_deinit(struct gl_string *s)
{
	free(s->bytes);
	memset(s, 0, sizeof(*s));
}
