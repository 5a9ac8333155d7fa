/* `golayout iface --svg`: the two words (type or itab, data) with arrows,
 * the dynamic type and where the value lives. */
#include <stdio.h>

#include "doc/home_doc.h"
#include "render/svg_views.h"
#include "render/text.h"

void gl_iface_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		  const struct gl_iface *i)
{
	gl_svg_title(s, "%s %s (%s)  [%s]", expr, v->type->name, i->empty ? "eface" : "iface",
		     gl_go_version_text(c));
	if (i->nil) {
		gl_svg_title(s, "nil interface: no type, no value");
	} else {
		gl_svg_title(s, "dynamic type %s (descriptor 0x%llx%s)", i->dyn ? i->dyn->name : "?",
			     (unsigned long long)i->type_descriptor, i->empty ? "" : ", via the itab");
		if (i->dyn)
			gl_svg_title(s, "%s", i->direct ? "stored directly: the data word is the value"
							: "stored indirectly: data points to a copy of the value");
	}
	gl_svg_column(s, 56);
	uint64_t w = c->t ? c->t->ptr_size : 8; /* a word of the interface */
	char at[32] = "(registers)";
	if (v->in_memory)
		snprintf(at, sizeof(at), "0x%llx", (unsigned long long)v->addr);
	gl_svg_region(s, "iface", v->in_memory ? v->addr : 0, v->type->size, "%s  " GL_SVG_A "%s" GL_SVG_R " (%s)",
		      expr, at, v->where);
	gl_svg_ptr_row(s, i->word0_offset, w, i->word0, "%-5s " GL_SVG_A "0x%llx" GL_SVG_R " %s",
		       i->empty ? "_type" : "tab", (unsigned long long)i->word0,
		       i->dyn ? i->dyn->name : "");
	struct strbuf val;
	sb_init(&val);
	if (!i->nil && i->dyn)
		gl_value_str(c, v->type, v->bytes, &val);
	if (i->direct || i->nil)
		gl_svg_row(s, GL_SVG_POINTER, i->data_offset, w, "data  " GL_SVG_A "0x%llx" GL_SVG_R " = %s",
			   (unsigned long long)i->data, gl_sb_str(&val));
	else
		gl_svg_ptr_row(s, i->data_offset, w, i->data, "data  " GL_SVG_A "0x%llx" GL_SVG_R " -> %s",
			       (unsigned long long)i->data, gl_sb_str(&val));
	gl_svg_region_end(s);
	if (!i->nil && i->dyn && !i->direct && i->data) {
		/* the copy the data word points to */
		char desc[128];
		gl_home_describe(&i->data_home, desc, sizeof(desc));
		gl_svg_column(s, 56);
		gl_svg_region(s, "value", i->data, i->dyn->size ? i->dyn->size : 1,
			      GL_SVG_T "%s" GL_SVG_R "  " GL_SVG_A "0x%llx" GL_SVG_R "  in %s", i->dyn->name,
			      (unsigned long long)i->data, desc);
		gl_svg_row(s, GL_SVG_DATA, 0, i->dyn->size, "%s", gl_sb_str(&val));
		gl_svg_region_end(s);
	}
	sb_deinit(&val);
}
