#include "render/render.h"
#include "render/text.h"
#include "render/value_text.h"

void gl_value_text(struct gl_ctx *c, const char *expr, const struct gl_value *v)
{
	struct strbuf *o = &c->out, val;
	sb_add(o, gl_c(c, "bold"));
	gl_text_add(o, expr);
	sb_addf(o, "%s %s%s%s (%lld bytes) ", gl_c(c, "reset"), gl_c(c, "type"), v->type->name,
		gl_c(c, "reset"), (long long)v->type->size);
	if (v->in_memory)
		sb_addf(o, "at %s0x%llx%s (%s)\n", gl_c(c, "addr"), (unsigned long long)v->addr,
			gl_c(c, "reset"), v->where);
	else
		sb_addf(o, "in %s\n", v->where);
	sb_init(&val);
	gl_value_noted_str(c, v->type, v->bytes, &val);
	sb_add(o, gl_sb_str(&val));
	if (v->partial[0])
		sb_addf(o, "  (%s)", v->partial);
	sb_addc(o, '\n');
	sb_deinit(&val);
}
