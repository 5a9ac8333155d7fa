/* `golayout struct|type --svg`: the struct as one region, a row per field
 * and per hole or trailing padding (hatched) in offset order, each as
 * tall as its size allows; values when the struct is in memory, pointer
 * fields with an arrow to the address they hold. */
#include "base/le.h"
#include "render/svg_views.h"
#include "render/text.h"

static void field_row(struct gl_svg *s, struct gl_ctx *c, const struct gl_struct_layout *l, size_t i,
		      const unsigned char *values, struct strbuf *val)
{
	const struct gl_field *f = &l->type->fields[i];
	bool in = values && gl_struct_field_in_bounds(l, i);
	sb_truncate(val, 0);
	if (in)
		gl_field_str(c, f, values + f->offset, val);
	const char *fmt = in ? "%s " GL_SVG_T "%s" GL_SVG_R " = %s" : "%s " GL_SVG_T "%s" GL_SVG_R "%s";
	if (gl_svg_pointer_shaped(f->type)) {
		uint64_t p = in && f->type->size <= 8 ? gl_get_uint(values + f->offset, f->type->size) : 0;
		gl_svg_ptr_row(s, f->offset, f->type->size, p, fmt, f->name, f->type->name, gl_sb_str(val));
	} else {
		gl_svg_row(s, GL_SVG_DATA, f->offset, f->type->size, fmt, f->name, f->type->name,
			   gl_sb_str(val));
	}
}

void gl_struct_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_struct_layout *l,
		   const struct gl_value *v)
{
	const unsigned char *values = v && v->in_memory ? v->bytes : NULL;
	gl_svg_title(s, "%s  size %llu, align %llu  [%s]", l->type->name, (unsigned long long)l->size,
		     (unsigned long long)l->align, gl_go_version_text(c));
	gl_svg_title(s, "%zu fields, padding %llu bytes in %zu region%s, pointer bytes %llu", l->type->nfields,
		     (unsigned long long)l->padding_bytes, l->npads, l->npads == 1 ? "" : "s",
		     (unsigned long long)l->pointer_bytes);
	if (l->best_size < l->size) {
		struct strbuf order;
		sb_init(&order);
		for (size_t i = 0; i < l->type->nfields; i++)
			sb_addf(&order, "%s%s", i ? ", " : "", l->type->fields[l->best_order[i]].name);
		gl_svg_title(s, "best order: %s -> size %llu, saves %llu bytes", gl_sb_str(&order),
			     (unsigned long long)l->best_size, (unsigned long long)(l->size - l->best_size));
		sb_deinit(&order);
	}
	else
		gl_svg_title(s, "field order is already minimal");
	gl_svg_column(s, 72);
	if (values)
		gl_svg_region(s, "struct", v->addr, l->size, "%s  " GL_SVG_A "0x%llx" GL_SVG_R " (%s)",
			      l->type->name, (unsigned long long)v->addr, v->where);
	else
		gl_svg_region(s, "struct", 0, l->size, "%s", l->type->name);
	struct strbuf val;
	sb_init(&val);
	size_t pi = 0, nf = l->type->nfields;
	for (size_t i = 0; i <= nf; i++) {
		uint64_t foff = i < nf ? l->type->fields[i].offset : l->size + 1;
		for (; pi < l->npads && l->pads[pi].offset < foff; pi++)
			gl_svg_row(s, GL_SVG_PAD, l->pads[pi].offset, l->pads[pi].size,
				   GL_SVG_P "%llu-byte %s", (unsigned long long)l->pads[pi].size,
				   l->pads[pi].trailing ? "trailing padding" : "hole");
		if (i < nf)
			field_row(s, c, l, i, values, &val);
	}
	sb_deinit(&val);
	gl_svg_region_end(s);
}
