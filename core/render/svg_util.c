/* What the pictures of several views share beyond the writer. */
#include "render/svg_views.h"
#include "render/text.h"

bool gl_svg_pointer_shaped(const struct gl_type *t)
{
	return t && (t->kind == GL_K_POINTER || t->kind == GL_K_UNSAFEPOINTER || t->kind == GL_K_MAP ||
		     t->kind == GL_K_CHAN);
}

void gl_svg_capture_begin(struct gl_ctx *c, struct strbuf *saved)
{
	*saved = c->out;
	sb_init(&c->out);
}

void gl_svg_capture_end(struct gl_svg *s, struct gl_ctx *c, struct strbuf *saved)
{
	gl_svg_text_lines(s, gl_sb_str(&c->out));
	sb_deinit(&c->out);
	c->out = *saved;
}
