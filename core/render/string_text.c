#include "doc/home_doc.h"
#include "render/render.h"
#include "render/string_text.h"
#include "render/text.h"

#define DUMP_BYTES 256 /* rows of the hex dump */
#define TEXT_COLS 400 /* the text line, on a terminal (gl_clip) */

/* 16 bytes a row: offset, hex, and printable ASCII. */
static void hex_dump(struct strbuf *o, const unsigned char *b, uint64_t nb)
{
	for (uint64_t row = 0; row < nb && row < DUMP_BYTES; row += 16) {
		sb_addf(o, "  %04llx  ", (unsigned long long)row);
		for (uint64_t i = row; i < row + 16; i++)
			if (i < nb)
				sb_addf(o, "%02x ", b[i]);
			else
				sb_add(o, "   ");
		sb_add(o, " ");
		for (uint64_t i = row; i < row + 16 && i < nb; i++)
			sb_addc(o, b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.');
		sb_addc(o, '\n');
	}
	if (nb > DUMP_BYTES)
		sb_addf(o, "  ... %llu more bytes\n", (unsigned long long)(nb - DUMP_BYTES));
}

void gl_string_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		    const struct gl_string *s)
{
	struct strbuf *o = &c->out;
	sb_add(o, gl_c(c, "bold"));
	gl_text_add(o, expr);
	sb_addf(o, "%s string  header at ", gl_c(c, "reset"));
	if (v->in_memory)
		sb_addf(o, "0x%llx", (unsigned long long)v->addr);
	else
		sb_add(o, "(registers)");
	sb_addf(o, " (%s)  [%s]\n", v->where, gl_go_version_text(c));
	sb_addf(o, "  +%-3llu str  *uint8  0x%llx\n  +%-3llu len  int     %lld\n",
		(unsigned long long)s->data_offset, (unsigned long long)s->data,
		(unsigned long long)s->len_offset, (long long)s->len);
	char desc[128];
	gl_home_describe(&s->home, desc, sizeof(desc));
	sb_addf(o, "bytes at 0x%llx in %s\n", (unsigned long long)s->data, desc);
	if (!s->has_bytes)
		return;
	hex_dump(o, (const unsigned char *)s->bytes,
		 s->nbytes < GL_STRING_HEX_BYTES ? s->nbytes : GL_STRING_HEX_BYTES);
	/* The text as the document holds it: U+FFFD for invalid bytes; a NUL
	 * as U+2400, control characters as '?'. */
	struct strbuf t;
	sb_init(&t);
	/* on a terminal, only what gl_clip can show; captured output has the
	 * whole text */
	size_t room = gl_text_room(TEXT_COLS);
	size_t shown = c->columns && s->nbytes > room ? room : s->nbytes;
	gl_text_set(&t, s->bytes, shown);
	sb_add(o, "text: \"");
	gl_clip(c, gl_sb_str(&t), TEXT_COLS);
	sb_addf(o, "\"%s\n", s->valid_utf8 ? "" : "  (invalid UTF-8 shown as U+FFFD)");
	sb_deinit(&t);
}
