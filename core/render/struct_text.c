#include "render/render.h"
#include "render/struct_text.h"
#include "render/text.h"

#define VALUE_COLS 36
#define NAME_COL (2 + 6 + 2 + 4 + 1 + 5 + 2 + 21)
#define VALUE_COL (NAME_COL + 23)

static void pad_line(struct gl_ctx *c, const struct gl_struct_pad *p)
{
	sb_addf(&c->out, "%s  %6llu  %4llu        /* XXX %llu-byte %s */%s\n", gl_c(c, "pad"),
		(unsigned long long)p->offset, (unsigned long long)p->size, (unsigned long long)p->size,
		p->trailing ? "trailing padding" : "hole, try to pack", gl_c(c, "reset"));
}

static void field_line(struct gl_ctx *c, const struct gl_struct_layout *l, size_t i,
		       const unsigned char *values, struct strbuf *scratch)
{
	struct strbuf *o = &c->out;
	const struct gl_field *f = &l->type->fields[i];
	sb_addf(o, "  %6llu  %4llu %5llu  ", (unsigned long long)f->offset,
		(unsigned long long)f->type->size, (unsigned long long)l->field_align[i]);
	gl_clip(c, f->name, 20);
	gl_pad(c, NAME_COL);
	sb_add(o, gl_c(c, "type"));
	gl_clip(c, f->type->name, 22);
	sb_add(o, gl_c(c, "reset"));
	if (values) {
		gl_pad(c, VALUE_COL);
		sb_truncate(scratch, 0);
		if (gl_struct_field_in_bounds(l, i)) {
			gl_field_str(c, f, values + f->offset, scratch);
			gl_reading_text(c, f->type, values + f->offset, scratch);
		}
		gl_clip(c, gl_sb_str(scratch), VALUE_COLS);
	}
	sb_addc(o, '\n');
}

static void summary(struct gl_ctx *c, const struct gl_struct_layout *l)
{
	struct strbuf *o = &c->out;
	size_t nf = l->type->nfields, np = l->npads;
	sb_addf(o, "%s  /* size: %llu, fields: %zu, padding: %llu bytes in %zu region%s, pointer bytes: %llu */%s\n",
		gl_c(c, "dim"), (unsigned long long)l->size, nf, (unsigned long long)l->padding_bytes, np,
		np == 1 ? "" : "s", (unsigned long long)l->pointer_bytes, gl_c(c, "reset"));
	if (l->best_size < l->size) {
		sb_add(o, "  /* best order: ");
		for (size_t i = 0; i < nf; i++) {
			sb_add(o, i ? ", " : "");
			gl_text_add(o, l->type->fields[l->best_order[i]].name);
		}
		sb_addf(o, " -> size %llu, saves %llu bytes */\n", (unsigned long long)l->best_size,
			(unsigned long long)(l->size - l->best_size));
	} else {
		sb_add(o, "  /* field order is already minimal */\n");
	}
}

void gl_struct_text(struct gl_ctx *c, const struct gl_struct_layout *l, const struct gl_value *v)
{
	struct strbuf *o = &c->out;
	/* Values show only for a struct in memory, as the table has an
	 * address column to go with them. */
	const unsigned char *values = v && v->in_memory ? v->bytes : NULL;
	sb_addf(o, "%s%s%s  size %llu, align %llu", gl_c(c, "bold"), l->type->name, gl_c(c, "reset"),
		(unsigned long long)l->size, (unsigned long long)l->align);
	if (values)
		sb_addf(o, "  at %s0x%llx%s (%s)", gl_c(c, "addr"), (unsigned long long)v->addr, gl_c(c, "reset"),
			v->where);
	sb_addf(o, "  [%s]\n", gl_go_version_text(c));
	sb_addf(o, "%s  offset  size align  %-20s %s%s\n", gl_c(c, "dim"), "field",
		values ? "type                   value" : "type", gl_c(c, "reset"));
	struct strbuf scratch;
	sb_init(&scratch);
	size_t pi = 0, nf = l->type->nfields;
	for (size_t i = 0; i <= nf; i++) {
		/* the holes before field i; after the last field, all the rest */
		uint64_t foff = i < nf ? l->type->fields[i].offset : l->size + 1;
		for (; pi < l->npads && l->pads[pi].offset < foff; pi++)
			pad_line(c, &l->pads[pi]);
		if (i < nf)
			field_line(c, l, i, values, &scratch);
	}
	sb_deinit(&scratch);
	summary(c, l);
}

void gl_struct_padding_line(struct gl_ctx *c, const struct gl_struct_layout *l)
{
	struct strbuf *o = &c->out;
	sb_add(o, "element ");
	gl_text_add(o, l->type->name);
	sb_addf(o, ": size %llu, padding %llu bytes per element", (unsigned long long)l->size,
		(unsigned long long)l->padding_bytes);
	for (size_t i = 0; i < l->npads; i++)
		sb_addf(o, "%s +%llu:%llu", i ? "," : " at", (unsigned long long)l->pads[i].offset,
			(unsigned long long)l->pads[i].size);
	if (l->best_size < l->size)
		sb_addf(o, "; reordered it would be %llu", (unsigned long long)l->best_size);
	sb_addc(o, '\n');
}
