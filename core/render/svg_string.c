/* `golayout string --svg`: the header (str, len) with an arrow to the
 * bytes, the bytes 16 to a row in hex and ASCII (the first 256), and the
 * text (its first 160 columns). */
#include <stdio.h>

#include "doc/home_doc.h"
#include "render/svg_views.h"
#include "render/text.h"

#define ROWS_BYTES 256
#define TITLE_COLS 160 /* the text, in the title: a picture is not a megabyte wide */

void gl_string_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		   const struct gl_string *str)
{
	gl_svg_title(s, "%s string  len %lld  [%s]", expr, (long long)str->len, gl_go_version_text(c));
	if (str->has_bytes) {
		struct strbuf t;
		sb_init(&t);
		gl_text_set_clipped(&t, str->bytes, str->nbytes, TITLE_COLS);
		gl_svg_title(s, "text: \"%s\"%s", gl_sb_str(&t), str->valid_utf8 ? "" : " (invalid UTF-8 as U+FFFD)");
		sb_deinit(&t);
	}
	gl_svg_column(s, 40);
	uint64_t w = c->t ? c->t->ptr_size : 8; /* a word of the header */
	char at[32] = "(registers)";
	if (v->in_memory)
		snprintf(at, sizeof(at), "0x%llx", (unsigned long long)v->addr);
	gl_svg_region(s, "string-header", v->in_memory ? v->addr : 0, v->type->size,
		      "%s string  " GL_SVG_A "%s" GL_SVG_R " (%s)", expr, at, v->where);
	gl_svg_ptr_row(s, str->data_offset, w, str->len ? str->data : 0, "str " GL_SVG_A "0x%llx",
		       (unsigned long long)str->data);
	gl_svg_row(s, GL_SVG_HEADER, str->len_offset, w, "len %lld", (long long)str->len);
	gl_svg_region_end(s);
	if (!str->has_bytes)
		return;
	char desc[128];
	gl_home_describe(&str->home, desc, sizeof(desc));
	gl_svg_column(s, 76);
	gl_svg_region(s, "bytes", str->data, str->len ? str->len : 1,
		      "bytes  " GL_SVG_A "0x%llx" GL_SVG_R "  in %s", (unsigned long long)str->data, desc);
	const unsigned char *b = (const unsigned char *)str->bytes;
	uint64_t nb = str->nbytes;
	for (uint64_t r = 0; r < nb && r < ROWS_BYTES; r += 16) {
		char hex[16 * 3 + 1] = "", asc[17] = "";
		size_t hl = 0, al = 0;
		for (uint64_t i = r; i < r + 16 && i < nb; i++) {
			hl += (size_t)snprintf(hex + hl, sizeof(hex) - hl, "%02x ", b[i]);
			asc[al++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
		}
		asc[al] = '\0';
		gl_svg_row(s, GL_SVG_DATA, r, nb - r < 16 ? nb - r : 16, "%-48s " GL_SVG_D "%s", hex, asc);
	}
	if (str->len > ROWS_BYTES && nb > ROWS_BYTES)
		gl_svg_row(s, GL_SVG_ELIDED, ROWS_BYTES, str->len - ROWS_BYTES, "... %llu more bytes",
			   (unsigned long long)(str->len - ROWS_BYTES));
	gl_svg_region_end(s);
}
