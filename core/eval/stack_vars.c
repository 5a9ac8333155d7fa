#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "eval/stack_vars.h"

static void read_var(struct gl_ctx *c, const struct gl_frame *fr, int64_t line, const struct gl_var *v,
		     const struct gl_escapes *esc, struct gl_stack_var *s)
{
	memset(s, 0, sizeof(*s));
	s->heap = v->name[0] == '&'; /* Go's DWARF name for a local moved to the heap */
	s->name = strdup(s->heap ? v->name + 1 : v->name);
	if (!s->name) {
		s->err = &gl_error_nomem;
		return;
	}
	s->param = v->is_param;
	s->decl_line = v->decl_line;
	/* Go's DWARF scopes a local to its whole block; it is declared (and
	 * its slot initialised) only from decl_line on, as Delve reads it */
	s->undeclared = !v->is_param && v->decl_line > 0 && line > 0 && v->decl_line > line;
	s->escape = gl_escapes_find(esc, s->name, v->decl_line, &s->escape_ref);
	s->type = v->type;
	if (s->heap && v->type->kind == GL_K_POINTER && v->type->elem)
		s->type = v->type->elem;
	if ((s->err = gl_var_value(c, fr, v, &s->val)) || !s->heap)
		return;
	/* the stack slot holds &x; the variable itself is on the heap */
	s->heap_addr = gl_get_uint(s->val.bytes, c->t->ptr_size);
	s->heap_err = gl_value_at(c, (struct gl_type *)s->type, s->heap_addr, "heap", &s->heap_val);
}

#define GL_MAX_INLINED 16 /* inlined calls per physical frame the unwinder lists at most */

/* The frame a variable of physical frame i belongs to: the call inlined
 * inline_depth levels deep is the entry that many places before i (the
 * unwinder lists inlined calls innermost first, just before their
 * physical frame: ninl of them); i itself when DWARF and the pclntab's
 * inline tree disagree. */
static size_t owner(size_t i, size_t ninl, int inline_depth)
{
	return inline_depth >= 1 && (size_t)inline_depth <= ninl ? i - (size_t)inline_depth : i;
}

/* The variables of physical frame i and of the calls inlined into it. */
static void frame_vars(struct gl_ctx *c, const struct gl_uframe *frames, size_t i,
		       const struct gl_escapes *esc, struct gl_frame_vars *out)
{
	const struct gl_uframe *u = &frames[i];
	struct gl_frame f;
	gl_uframe_to_frame(c, u, &f);
	if (!f.func || u->size < 0)
		return;
	size_t ninl = 0;
	while (ninl < i && ninl < GL_MAX_INLINED && frames[i - 1 - ninl].inlined)
		ninl++;
	struct gl_var_list vl;
	struct gl_error *err = gl_dwarf_func_vars(c->t->dw, f.func, f.lookup_pc, &vl);
	for (size_t k = 0; !err && k < vl.n; k++)
		out[owner(i, ninl, vl.v[k]->inline_depth)].n++;
	for (size_t j = i - ninl; !err && j <= i; j++)
		if (out[j].n && !(out[j].v = calloc(out[j].n, sizeof(struct gl_stack_var))))
			out[j].n = 0;
	size_t filled[GL_MAX_INLINED + 1] = {0}; /* per owner, i - ninl .. i */
	for (size_t k = 0; !err && k < vl.n; k++) {
		size_t j = owner(i, ninl, vl.v[k]->inline_depth);
		size_t *fi = &filled[j - (i - ninl)];
		/* a local's declaration is compared with its own frame's line */
		if (*fi < out[j].n)
			read_var(c, &f, frames[j].line, vl.v[k], esc, &out[j].v[(*fi)++]);
	}
	for (size_t j = i - ninl; j <= i; j++)
		out[j].n = filled[j - (i - ninl)];
	gl_var_list_deinit(&vl);
	gl_error_destroy(err);
}

void gl_stack_vars_read(struct gl_ctx *c, const struct gl_uframe *frames, size_t n,
			const struct gl_escapes *esc, struct gl_frame_vars **out)
{
	*out = NULL;
	if (!c->t->dw || !(*out = calloc(n ? n : 1, sizeof(**out))))
		return;
	for (size_t i = 0; i < n; i++)
		if (!frames[i].inlined)
			frame_vars(c, frames, i, esc, *out);
}

void gl_stack_vars_free(struct gl_frame_vars *vars, size_t n)
{
	for (size_t i = 0; vars && i < n; i++) {
		for (size_t k = 0; k < vars[i].n; k++) {
			struct gl_stack_var *s = &vars[i].v[k];
			free(s->name);
			gl_error_destroy(s->err);
			gl_error_destroy(s->heap_err);
			if (!s->err)
				gl_value_deinit(&s->val);
			if (s->heap && !s->err && !s->heap_err)
				gl_value_deinit(&s->heap_val);
		}
		free(vars[i].v);
	}
	free(vars);
}

void gl_stack_deinit(struct gl_stack *s)
{
	gl_stack_vars_free(s->vars, s->n);
	gl_stack_ptrs_free(s->ptrs, s->n);
	gl_error_destroy(s->ptrs_err);
	free(s->frames);
	memset(s, 0, sizeof(*s));
}
