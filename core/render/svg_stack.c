/* `golayout stack --svg`: the goroutine's stack from hi (top) to lo, a
 * region per sized frame [sp, cfa), as tall as its bytes (render/svg.h's
 * scale: stated in the picture), with the return address, the saved
 * frame pointer and each variable at its offset from SP (arrows from
 * variables moved to the heap), inlined calls as notes, the unused part
 * of the stack dotted at the bottom. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/stack_doc.h"
#include "render/svg_views.h"
#include "render/text.h"

static const char *base_name(const char *file)
{
	const char *b = file ? strrchr(file, '/') : NULL;
	return b ? b + 1 : file ? file : "";
}

static void var_row(struct gl_svg *s, struct gl_ctx *c, const struct gl_uframe *u,
		    const struct gl_stack_var *v, struct strbuf *val)
{
	bool heap = v->heap && !v->err;
	sb_truncate(val, 0);
	if (!v->err && !heap)
		gl_value_str(c, v->type, v->val.bytes, val);
	else if (heap && !v->heap_err)
		gl_value_str(c, v->type, v->heap_val.bytes, val);
	const struct gl_error *err = v->err ? v->err : heap ? v->heap_err : NULL;
	const char *undecl = v->undeclared ? " (not yet declared)" : "";
	bool on_stack = !v->err && v->val.in_memory && v->val.addr >= u->sp;
	uint64_t off = on_stack ? v->val.addr - u->sp : GL_SVG_NOOFF;
	uint64_t size = heap ? 8 : v->type->size;
	if (heap)
		gl_svg_ptr_row(s, off, size, v->heap_addr, "%s%s " GL_SVG_T "%s" GL_SVG_R " = %s  -> heap%s",
			       v->param ? "arg " : "", v->name, v->type->name, err ? err->message : gl_sb_str(val),
			       undecl);
	else if (err)
		gl_svg_row(s, GL_SVG_ERROR, off, size, "%s%s " GL_SVG_T "%s" GL_SVG_D "  %s", v->param ? "arg " : "",
			   v->name, v->type->name, err->message);
	else
		gl_svg_row(s, gl_svg_pointer_shaped(v->type) ? GL_SVG_POINTER : GL_SVG_DATA, off, size,
			   "%s%s " GL_SVG_T "%s" GL_SVG_R " = %s%s%s%s", v->param ? "arg " : "", v->name,
			   v->type->name, gl_sb_str(val), undecl, on_stack ? "" : "  in ",
			   on_stack ? "" : v->val.where);
}

/* Where a variable sorts in its frame: its address, 0 when it is not in
 * the frame's memory (a register, unreadable). */
static uint64_t var_key(const struct gl_uframe *u, const struct gl_stack_var *v)
{
	return !v->err && v->val.in_memory && v->val.addr >= u->sp ? v->val.addr : 0;
}

/* A frame that occupies stack: [sp, cfa). An LR machine's frameless
 * function (arm64, size 0) occupies none: a line, like an inlined call. */
static bool sized(const struct gl_uframe *u)
{
	return u->size >= 0 && !u->inlined && u->cfa > u->sp;
}

static void frame(struct gl_svg *s, struct gl_ctx *c, const struct gl_stack *st, size_t k,
		  const struct gl_svg_scale *sc)
{
	const struct gl_uframe *u = &st->frames[k];
	if (!sized(u)) {
		gl_svg_note(s, "#%zu %s %s:%lld%s", k, u->func ? u->func : "?", base_name(u->file),
			    (long long)u->line, u->inlined ? "  (inlined: no frame of its own)"
				       : u->size == 0 ? "  (frameless: return address in the link register)" : "");
		return;
	}
	gl_svg_region(s, u->selected ? "frame selected" : "frame", u->sp, u->cfa - u->sp,
		      "%s#%zu %s  %s:%lld  " GL_SVG_A "sp 0x%llx" GL_SVG_R ", %lld bytes", u->selected ? "* " : "",
		      k, u->func ? u->func : "?", base_name(u->file), (long long)u->line,
		      (unsigned long long)u->sp, (long long)u->size);
	if (u->ret_slot && u->ret_slot >= u->sp)
		gl_svg_row(s, GL_SVG_HEADER, u->ret_slot - u->sp, c->t->ptr_size, "return address");
	if (u->fp_slot && u->fp_slot >= u->sp)
		gl_svg_row(s, GL_SVG_HEADER, u->fp_slot - u->sp, c->t->ptr_size, "saved frame pointer");
	struct strbuf val;
	sb_init(&val);
	size_t hidden = 0, n = st->vars ? st->vars[k].n : 0;
	size_t *order = n ? malloc(n * sizeof(*order)) : NULL;
	for (size_t i = 0; order && i < n; i++)
		order[i] = i;
	/* by address, high to low as the frame is drawn; those not in
	 * the frame's memory last */
	const struct gl_stack_var *vs = n ? st->vars[k].v : NULL;
	for (size_t i = 1; order && i < n; i++)
		for (size_t j = i; j > 0 && var_key(u, &vs[order[j]]) > var_key(u, &vs[order[j - 1]]); j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		const struct gl_stack_var *v = &st->vars[k].v[order ? order[i] : i];
		if (v->undeclared && !st->all_vars)
			hidden++;
		else
			var_row(s, c, u, v, &val);
	}
	free(order);
	sb_deinit(&val);
	if (hidden)
		gl_svg_row(s, GL_SVG_ELIDED, GL_SVG_NOOFF, 8, "%zu local%s not yet declared (--all-vars)", hidden,
			   hidden == 1 ? "" : "s");
	gl_svg_region_end_scaled(s, sc, GL_SVG_NFILLS);
}

/* Frames to scale: the most pixels a byte (4, 2, 1, then 1 for 2, 4... 16
 * bytes) that draw the largest frame MAX_PX tall at the most (larger
 * frames are compressed), so that a frame with a row per local is still
 * taller than its rows; a compressed box (a huge frame, the unused stack)
 * is CUT_PX tall. */
#define MAX_PX 1024
#define CUT_PX 160

static struct gl_svg_scale scale(const struct gl_stack *st)
{
	uint64_t largest = 0;
	for (size_t k = 0; k < st->n; k++)
		if (sized(&st->frames[k]) && st->frames[k].cfa - st->frames[k].sp > largest)
			largest = st->frames[k].cfa - st->frames[k].sp;
	return gl_svg_scale_pick(largest, MAX_PX, CUT_PX, 16);
}

void gl_stack_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_stack *st)
{
	const struct gl_goroutine *g = &st->g;
	if (!st->has_g)
		gl_svg_title(s, "%s", gl_stack_no_dwarf_note);
	if (st->has_g)
		gl_svg_title(s, "goroutine %llu [%s%s%s]  stack 0x%llx..0x%llx  [%s]", (unsigned long long)g->goid,
			     g->status_name, g->wait_reason[0] ? ", " : "", g->wait_reason,
			     (unsigned long long)g->stack_lo, (unsigned long long)g->stack_hi, gl_go_version_text(c));
	gl_svg_title(s, "unwound from %s; high addresses at the top", gl_stack_unwound_from(st));
	struct gl_svg_scale sc = scale(st);
	gl_svg_title(s, "to scale: %llu px = %llu byte%s of stack; a frame is at least as tall as its rows, "
		     "one taller than %d px is broken (\xe2\x89\x88)", (unsigned long long)sc.px,
		     (unsigned long long)sc.bytes, sc.bytes == 1 ? "" : "s", MAX_PX);
	gl_svg_legend_note(s, "frame heights to the scale stated at the top; \xe2\x89\x88 over two zigzags: "
			      "a box cut short (compressed)");
	gl_svg_column(s, 84);
	if (st->has_g)
		gl_svg_note(s, GL_SVG_A "0x%llx" GL_SVG_R " (hi)", (unsigned long long)g->stack_hi);
	for (size_t k = st->n; k-- > 0;)
		frame(s, c, st, k, &sc);
	if (!st->has_g)
		return;
	uint64_t to = gl_stack_unused_to(st);
	if (to > g->stack_lo) {
		gl_svg_region(s, "unused", g->stack_lo, to - g->stack_lo, "unused  " GL_SVG_A "0x%llx..0x%llx",
			      (unsigned long long)g->stack_lo, (unsigned long long)to);
		gl_svg_row(s, GL_SVG_RESERVED, 0, to - g->stack_lo, GL_SVG_D "%llu bytes free for deeper calls",
			   (unsigned long long)(to - g->stack_lo));
		gl_svg_region_end_scaled(s, &sc, GL_SVG_RESERVED);
	}
	gl_svg_note(s, GL_SVG_A "0x%llx" GL_SVG_R " (lo)", (unsigned long long)g->stack_lo);
}
