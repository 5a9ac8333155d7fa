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

void gl_stack_vars_read(struct gl_ctx *c, const struct gl_uframe *frames, size_t n,
			const struct gl_escapes *esc, struct gl_frame_vars **out)
{
	*out = NULL;
	if (!c->t->dw || !(*out = calloc(n ? n : 1, sizeof(**out))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct gl_uframe *u = &frames[i];
		struct gl_frame f;
		gl_uframe_to_frame(c, u, &f);
		if (!f.func || u->size < 0 || u->inlined)
			continue;
		struct gl_var_list vl;
		struct gl_error *err = gl_dwarf_func_vars(c->t->dw, f.func, f.lookup_pc, &vl);
		if (!err && vl.n && ((*out)[i].v = calloc(vl.n, sizeof(struct gl_stack_var)))) {
			for (size_t k = 0; k < vl.n; k++)
				read_var(c, &f, u->line, vl.v[k], esc, &(*out)[i].v[k]);
			(*out)[i].n = vl.n;
		}
		gl_var_list_deinit(&vl);
		gl_error_destroy(err);
	}
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
	free(s->frames);
	memset(s, 0, sizeof(*s));
}
