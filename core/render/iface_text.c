#include "doc/home_doc.h"
#include "render/iface_text.h"
#include "render/render.h"
#include "render/text.h"

void gl_iface_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		   const struct gl_iface *i)
{
	struct strbuf *o = &c->out;
	sb_add(o, gl_c(c, "bold"));
	gl_text_add(o, expr);
	sb_addf(o, "%s %s (%s)  at ", gl_c(c, "reset"), v->type->name, i->empty ? "eface" : "iface");
	if (v->in_memory)
		sb_addf(o, "0x%llx", (unsigned long long)v->addr);
	else
		sb_add(o, "(registers)");
	sb_addf(o, " (%s)  [%s]\n", v->where, gl_go_version_text(c));
	sb_addf(o, "  +%-3llu %-6s 0x%llx\n", (unsigned long long)i->word0_offset, i->empty ? "_type" : "tab",
		(unsigned long long)i->word0);
	sb_addf(o, "  +%-3llu data   0x%llx\n", (unsigned long long)i->data_offset, (unsigned long long)i->data);
	if (i->nil) {
		sb_add(o, "nil interface: no type, no value\n");
		return;
	}
	sb_add(o, "dynamic type ");
	gl_text_add(o, i->dyn ? i->dyn->name : "?");
	sb_addf(o, " (descriptor 0x%llx%s)\n", (unsigned long long)i->type_descriptor,
		i->empty ? "" : ", via the itab");
	if (!i->dyn)
		return;
	sb_addf(o, "%s\n", i->direct ? "stored directly: the data word is the value (pointer-shaped type)"
				     : "stored indirectly: data points to a copy of the value");
	if (!i->direct) {
		char desc[128];
		gl_home_describe(&i->data_home, desc, sizeof(desc));
		sb_addf(o, "value lives in %s\n", desc);
	}
	struct strbuf val;
	sb_init(&val);
	gl_value_str(c, v->type, v->bytes, &val);
	sb_addf(o, "value: %s\n", gl_sb_str(&val));
	sb_deinit(&val);
}
