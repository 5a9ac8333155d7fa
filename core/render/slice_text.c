#include <stdio.h>
#include <string.h>

#include "doc/home_doc.h"
#include "render/render.h"
#include "render/slice_text.h"
#include "render/struct_text.h"
#include "render/text.h"

static void header_lines(struct gl_ctx *c, const struct gl_slice *s)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "%s", gl_c(c, "bold"));
	gl_text_add(o, s->expr);
	sb_addf(o, "%s %s  header at %s", gl_c(c, "reset"), s->v.type->name, gl_c(c, "addr"));
	if (s->v.in_memory)
		sb_addf(o, "0x%llx", (unsigned long long)s->v.addr);
	else
		sb_add(o, "(registers)");
	sb_addf(o, "%s (%s)  [%s]\n", gl_c(c, "reset"), s->v.where, gl_go_version_text(c));
	if (s->stage < GL_SLICE_HEADER)
		return;
	const struct gl_type *t = s->v.type;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		bool ptr = f->type->kind == GL_K_POINTER || f->type->kind == GL_K_UNSAFEPOINTER;
		sb_addf(o, "  +%-3llu %-6s %-16s ", (unsigned long long)f->offset, f->name, f->type->name);
		if (ptr)
			sb_addf(o, "0x%llx\n", (unsigned long long)s->header[i]);
		else
			sb_addf(o, "%lld\n", (long long)s->header[i]);
	}
}

/* Elements from index first on, the %v of each in a column (gl_clip). */
static void elem_lines(struct gl_ctx *c, const struct gl_slice *s, const struct gl_slice_elems *e,
		       uint64_t first, bool beyond)
{
	struct strbuf *o = &c->out, v;
	sb_init(&v);
	for (uint64_t i = 0; i < e->count; i++) {
		uint64_t addr = s->array + (first + i) * s->es;
		if (beyond)
			sb_addf(o, "%s  [%lld] 0x%llx  ", gl_c(c, "dim"), (long long)(first + i),
				(unsigned long long)addr);
		else
			sb_addf(o, "  [%llu] %s0x%llx%s  ", (unsigned long long)i, gl_c(c, "addr"),
				(unsigned long long)addr, gl_c(c, "reset"));
		if (e->bytes)
			gl_member_str(c, s->elem, e->bytes + i * s->es, &v);
		else
			gl_text_set(&v, "{}", 2);
		gl_clip(c, gl_sb_str(&v), beyond ? 50 : 64);
		if (beyond)
			sb_addf(o, "   beyond len (reserved capacity)%s", gl_c(c, "reset"));
		sb_addc(o, '\n');
	}
	sb_deinit(&v);
}

static void array_lines(struct gl_ctx *c, const struct gl_slice *s)
{
	struct strbuf *o = &c->out;
	/* Before the header is known there is nothing to say (the documents
	 * lack these keys too). */
	if (s->stage < GL_SLICE_HEADER)
		return;
	char desc[128];
	gl_home_describe(&s->home, desc, sizeof(desc));
	sb_addf(o, "backing array at %s0x%llx%s in %s: cap %lld x %llu bytes", gl_c(c, "addr"),
		(unsigned long long)s->array, gl_c(c, "reset"), desc, (long long)s->cap,
		(unsigned long long)s->es);
	uint64_t bytes;
	if (gl_slice_cap_bytes(s, &bytes))
		sb_addf(o, " = %llu bytes\n", (unsigned long long)bytes);
	else if ((int64_t)s->cap < 0)
		sb_add(o, ": negative cap (corrupt slice header)\n");
	else
		sb_add(o, ": more than the address space holds (corrupt slice header)\n");
	if (s->has_alloc)
		sb_addf(o, "allocation: %s slot of %llu bytes at 0x%llx (size class %d), array at +%llu, "
			   "%llu bytes after cap\n",
			s->alloc.size_class ? "heap" : "large heap", (unsigned long long)s->alloc.slot_bytes,
			(unsigned long long)s->alloc.object_base, s->alloc.size_class,
			(unsigned long long)s->alloc.offset, (unsigned long long)s->alloc.slack);
	/* Counts of a corrupt header (the error line says what is wrong)
	 * are not subtracted: they would wrap. */
	if (!gl_slice_header_sane(s))
		return;
	elem_lines(c, s, &s->elems, 0, false);
	if (s->elems.count < s->len)
		sb_addf(o, "  ... %llu of %llu elements shown (--limit N, --all)\n",
			(unsigned long long)s->elems.count, (unsigned long long)s->len);
	elem_lines(c, s, &s->beyond, s->len, true);
	if (s->beyond.count < s->cap - s->len)
		sb_addf(o, "%s  ... %llu more slots of reserved capacity%s\n", gl_c(c, "dim"),
			(unsigned long long)(s->cap - s->len - s->beyond.count), gl_c(c, "reset"));
}

void gl_slice_text(struct gl_ctx *c, const struct gl_slice *s)
{
	struct strbuf *o = &c->out;
	if (s->stage == GL_SLICE_NONE)
		return; /* not a slice: the error says all */
	header_lines(c, s);
	if (s->nil) {
		sb_add(o, "nil slice: no backing array\n");
		return;
	}
	array_lines(c, s);
	if (s->has_layout)
		gl_struct_padding_line(c, &s->layout);
	if (s->has_growth)
		sb_addf(o, "next append beyond cap (len %llu) would allocate cap %llu (%llu bytes): %s\n",
			(unsigned long long)s->growth.append_len, (unsigned long long)s->growth.new_cap,
			(unsigned long long)s->growth.new_alloc_bytes, gl_growth_rule_name(s->growth.rule));
}

#define WINDOW_NAME_COLS 10

/* The column of the slices' names in front of their windows: 10, or on
 * unlimited text (gl_clip cuts nothing) the widest name, so that the
 * windows still line up. */
static size_t window_name_cols(struct gl_ctx *c, const struct gl_slice_set *set,
			       const struct gl_slice_array *a)
{
	size_t w = WINDOW_NAME_COLS;
	struct strbuf name;
	sb_init(&name);
	for (int j = 0; !c->columns && j < a->nmembers; j++) {
		const char *e = set->slices[a->members[j].slice].expr;
		gl_text_set(&name, e, strlen(e));
		size_t n = gl_cols(gl_sb_str(&name));
		w = n > w ? n : w;
	}
	sb_deinit(&name);
	return w;
}

/* One column per element, up to 64: '=' in [0:len), '.' in [len:cap). */
static void window_line(struct gl_ctx *c, const struct gl_slice *s, size_t name_cols, uint64_t st,
			uint64_t total)
{
	struct strbuf *o = &c->out, name;
	uint64_t cols = total > 64 ? 64 : total, scale = total > 64 ? (total + 63) / 64 : 1;
	sb_init(&name);
	gl_text_set(&name, s->expr, strlen(s->expr));
	/* a longer name keeps name_cols - 1 characters and the ellipsis */
	sb_add(o, "  ");
	gl_clip(c, gl_sb_str(&name), gl_cols(gl_sb_str(&name)) > name_cols ? name_cols - 1 : name_cols);
	gl_pad(c, 2 + name_cols + 1);
	sb_deinit(&name);
	for (uint64_t k = 0; k < cols; k++) {
		uint64_t e = k * scale;
		sb_addc(o, e < st ? ' ' : e < st + s->len ? '=' : e < st + s->cap ? '.' : ' ');
	}
	sb_addf(o, "  [%llu:%llu:%llu]\n", (unsigned long long)st, (unsigned long long)(st + s->len),
		(unsigned long long)(st + s->cap));
}

static void overlap_line(struct gl_ctx *c, const struct gl_slice_set *set, const struct gl_slice_overlap *v)
{
	struct strbuf *o = &c->out;
	sb_add(o, "  overlap: ");
	gl_text_add(o, set->slices[v->a].expr);
	sb_addf(o, "[%lld:%lld] is ", (long long)v->a_lo, (long long)v->a_hi);
	gl_text_add(o, set->slices[v->b].expr);
	sb_addf(o, "[%lld:%lld] (%lld elements at 0x%llx): writes through one show in the other\n",
		(long long)v->b_lo, (long long)v->b_hi, (long long)v->elements, (unsigned long long)v->from);
}

static void array_text(struct gl_ctx *c, const struct gl_slice_set *set, const struct gl_slice_array *a)
{
	struct strbuf *o = &c->out;
	int64_t es = (int64_t)a->es;
	uint64_t total = es ? (a->end - a->base) / (uint64_t)es : 0;
	sb_addf(o, "\nbacking array 0x%llx..0x%llx (%llu elements) ", (unsigned long long)a->base,
		(unsigned long long)a->end, (unsigned long long)total);
	if (a->nmembers < 2) {
		sb_add(o, "used by ");
		gl_text_add(o, set->slices[a->members[0].slice].expr);
		sb_add(o, " alone\n");
		return;
	}
	sb_add(o, "SHARED by");
	for (int j = 0; j < a->nmembers; j++) {
		sb_addc(o, ' ');
		gl_text_add(o, set->slices[a->members[j].slice].expr);
	}
	sb_addc(o, '\n');
	size_t name_cols = window_name_cols(c, set, a);
	for (int j = 0; j < a->nmembers; j++)
		window_line(c, &set->slices[a->members[j].slice], name_cols, a->members[j].start, total);
	for (int k = 0; k < a->noverlaps; k++)
		overlap_line(c, set, &set->overlaps[a->first_overlap + k]);
	if (!a->noverlaps)
		sb_add(o, "  no overlap within len, but appends to the lower slice overwrite the higher one\n");
}

void gl_slices_text(struct gl_ctx *c, const struct gl_slice_set *set)
{
	bool first = true;
	for (int i = 0; i < set->n; i++) {
		const struct gl_slice *s = &set->slices[i];
		if (s->stage == GL_SLICE_NONE)
			continue;
		if (!first)
			sb_addc(&c->out, '\n');
		first = false;
		gl_slice_text(c, s);
		if (s->error) {
			sb_add(&c->out, "golayout: ");
			gl_text_add(&c->out, s->error);
			sb_addc(&c->out, '\n');
		}
	}
	for (int g = 0; g < set->narrays; g++)
		array_text(c, set, &set->arrays[g]);
}
