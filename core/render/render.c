#include <string.h>

#include "render/render.h"
#include "target/ctx.h"

static bool starts_char(char ch)
{
	return ((unsigned char)ch & 0xc0) != 0x80;
}

void gl_clip(struct gl_ctx *c, const char *s, size_t max)
{
	struct strbuf *o = &c->out;
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (c->columns && starts_char(*p) && ++n > max) {
			sb_add(o, "\xe2\x80\xa6"); /* … */
			c->values_cut++;
			return;
		}
		sb_addc(o, (unsigned char)*p < 0x20 ? '?' : *p);
	}
}

/* Columns of the last line of o: UTF-8 characters, colour escapes
 * (ESC [ ... m) skipped. */
static size_t line_cols(const struct strbuf *o)
{
	size_t start = o->len, n = 0;
	while (start > 0 && o->s[start - 1] != '\n')
		start--;
	for (size_t i = start; i < o->len; i++) {
		if (o->s[i] == '\033') {
			while (i < o->len && o->s[i] != 'm')
				i++;
			continue;
		}
		n += starts_char(o->s[i]);
	}
	return n;
}

void gl_pad(struct gl_ctx *c, size_t col)
{
	size_t n = line_cols(&c->out);
	do
		sb_addc(&c->out, ' ');
	while (++n < col);
}

size_t gl_cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += starts_char(*s);
	return n;
}

const char *gl_c(struct gl_ctx *c, const char *which)
{
	if (!c->color)
		return "";
	if (!strcmp(which, "reset")) return "\033[0m";
	if (!strcmp(which, "dim")) return "\033[2m";
	if (!strcmp(which, "bold")) return "\033[1m";
	if (!strcmp(which, "pad")) return "\033[33m";   /* padding: yellow */
	if (!strcmp(which, "addr")) return "\033[36m";  /* addresses: cyan */
	if (!strcmp(which, "type")) return "\033[32m";  /* types: green */
	if (!strcmp(which, "err")) return "\033[31m";
	return "";
}
