#include <string.h>

#include "render/render.h"
#include "target/ctx.h"

json_int_t gl_jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

const char *gl_jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void gl_clip(struct strbuf *o, const char *s, size_t max)
{
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++n > max) {
			sb_add(o, "\xe2\x80\xa6"); /* … */
			return;
		}
		sb_addc(o, (unsigned char)*p < 0x20 ? '?' : *p);
	}
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
