#include "render/escape_text.h"
#include "render/text.h"

void gl_escape_text(struct gl_ctx *c, const struct gl_escapes *e)
{
	if (!e) {
		sb_add(&c->out, "no escape analysis loaded (golayout escape load FILE)\n");
		return;
	}
	sb_add(&c->out, "escape analysis from ");
	gl_text_add(&c->out, gl_escapes_path(e));
	sb_addf(&c->out, ": %lld statements about variables\n", (long long)gl_escapes_count(e));
}
