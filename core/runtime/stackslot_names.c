#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/stackslot_names.h"

static const struct gl_locexpr *loc_at(const struct gl_var *v, uint64_t pc)
{
	for (size_t i = 0; i < v->nlocs; i++)
		if (pc >= v->locs[i].lo && pc < v->locs[i].hi)
			return &v->locs[i];
	return NULL;
}

static void add_piece(struct gl_frame_pieces *out, size_t *cap, uint64_t addr, uint64_t size,
		      const char *var, uint64_t var_offset)
{
	struct gl_var_piece *p = size ? GL_ARRAY_PUSH(out->p, out->n, *cap, 16) : NULL;
	if (p)
		*p = (struct gl_var_piece){addr, size, var, var_offset};
}

/* The stack-resident pieces of one location expression. Go describes a
 * variable on the stack as an offset from the CFA (call_frame_cfa or
 * fbreg, then constants), in whole or in DW_OP_piece parts; a piece in a
 * register, a computed value or anything this does not follow is left
 * out (its words are then unnamed, never misnamed). */
static void pieces_of(const struct gl_locexpr *le, uint64_t cfa, const struct gl_var *v,
		      struct gl_frame_pieces *out, size_t *cap)
{
	uint64_t st[8], off = 0;
	int sp = 0;
	bool memory = true, any_piece = false;
	for (size_t i = 0; i < le->nops; i++) {
		const struct gl_op *op = &le->ops[i];
		uint8_t a = op->atom;
		if (a == DW_OP_piece) {
			if (memory && sp > 0)
				add_piece(out, cap, st[sp - 1], op->op1, v->name, off);
			off += op->op1;
			sp = 0;
			memory = true;
			any_piece = true;
			continue;
		}
		if (!memory)
			continue;
		if (sp >= 8) {
			memory = false;
		} else if (a == DW_OP_call_frame_cfa) {
			st[sp++] = cfa;
		} else if (a == DW_OP_fbreg) {
			st[sp++] = cfa + op->op1;
		} else if (a == DW_OP_consts || a == DW_OP_constu) {
			st[sp++] = op->op1;
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			st[sp++] = (uint64_t)(a - DW_OP_lit0);
		} else if (a == DW_OP_plus_uconst && sp >= 1) {
			st[sp - 1] += op->op1;
		} else if (a == DW_OP_plus && sp >= 2) {
			st[sp - 2] += st[sp - 1];
			sp--;
		} else if (a == DW_OP_minus && sp >= 2) {
			st[sp - 2] -= st[sp - 1];
			sp--;
		} else {
			memory = false; /* a register, a value, a dereference */
		}
	}
	if (!any_piece && memory && sp > 0 && v->type)
		add_piece(out, cap, st[sp - 1], v->type->size, v->name, 0);
}

void gl_frame_pieces_read(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame_pieces *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->t->dw || u->size < 0)
		return;
	/* as gl_uframe_to_frame: above frame 0 and at a goroutine's saved
	 * state the pc is a return address, the call is at pc-1 */
	uint64_t call_pc = u->level > 0 && u->pc && !u->exact_pc ? u->pc - 1 : u->pc;
	const struct gl_func *f = gl_dwarf_func_at(c->t->dw, call_pc);
	if (!f || !(out->vars = calloc(1, sizeof(*out->vars))))
		return;
	struct gl_error *err = gl_dwarf_func_vars(c->t->dw, f, call_pc, out->vars);
	gl_error_destroy(err); /* (the list is then empty) */
	size_t cap = 0;
	for (size_t k = 0; k < out->vars->n; k++) {
		const struct gl_var *v = out->vars->v[k];
		/* the return address's entry first, as gl_var_value reads it:
		 * Go starts the spilled location of a value there */
		const struct gl_locexpr *le = call_pc != u->pc ? loc_at(v, u->pc) : NULL;
		if (!le)
			le = loc_at(v, call_pc);
		if (le)
			pieces_of(le, u->cfa, v, out, &cap);
	}
}

void gl_frame_pieces_free(struct gl_frame_pieces *fp)
{
	if (fp->vars) {
		gl_var_list_deinit(fp->vars);
		free(fp->vars);
	}
	free(fp->p);
	memset(fp, 0, sizeof(*fp));
}

const struct gl_var_piece *gl_frame_pieces_find(const struct gl_frame_pieces *fp, uint64_t addr)
{
	/* the list is outermost scope first: a later variable shadows */
	for (size_t i = fp->n; i-- > 0;)
		if (addr >= fp->p[i].addr && addr - fp->p[i].addr < fp->p[i].size)
			return &fp->p[i];
	return NULL;
}
