#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/stackslot_names.h"

/* What DWARF says of the frames stopped at one pc. */
struct gl_pieces_entry {
	uint64_t pc, call_pc; /* pc 0: empty */
	uint64_t bias;        /* the load bias the PCs and DWARF's ranges had */
	struct gl_var_list vars; /* owns the names the pieces point to */
	struct gl_var_piece *p;
	size_t n, cap;
};

/* Direct-mapped by pc: a new pc in a taken slot replaces its entry. */
#define PIECES_MEMO 1024

struct pieces_memo {
	struct gl_pieces_entry e[PIECES_MEMO];
};

static void entry_clear(struct gl_pieces_entry *e)
{
	gl_var_list_deinit(&e->vars);
	free(e->p);
	memset(e, 0, sizeof(*e));
}

static void memo_free(void *m)
{
	struct pieces_memo *pm = m;
	for (size_t i = 0; pm && i < PIECES_MEMO; i++)
		entry_clear(&pm->e[i]);
	free(pm);
}

static const struct gl_locexpr *loc_at(const struct gl_var *v, uint64_t pc)
{
	for (size_t i = 0; i < v->nlocs; i++)
		if (pc >= v->locs[i].lo && pc < v->locs[i].hi)
			return &v->locs[i];
	return NULL;
}

static void add_piece(struct gl_pieces_entry *e, uint64_t off, uint64_t size, const char *var, uint64_t var_offset)
{
	struct gl_var_piece *p = size ? GL_ARRAY_PUSH(e->p, e->n, e->cap, 16) : NULL;
	if (p)
		*p = (struct gl_var_piece){off, size, var, var_offset};
}

/* The stack-resident pieces of one location expression, as offsets from
 * the CFA. Go describes a variable on the stack as an offset from the
 * CFA (call_frame_cfa or fbreg, then constants), in whole or in
 * DW_OP_piece parts; a piece in a register, a computed value or anything
 * this does not follow is left out (its words are then unnamed, never
 * misnamed). */
static void pieces_of(const struct gl_locexpr *le, const struct gl_var *v, struct gl_pieces_entry *e)
{
	uint64_t st[8], off = 0;
	bool rel[8]; /* whether st[i] counts from the CFA */
	int sp = 0;
	bool memory = true, any_piece = false;
	for (size_t i = 0; i < le->nops; i++) {
		const struct gl_op *op = &le->ops[i];
		uint8_t a = op->atom;
		if (a == DW_OP_piece) {
			if (memory && sp > 0 && rel[sp - 1])
				add_piece(e, st[sp - 1], op->op1, v->name, off);
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
		} else if (a == DW_OP_call_frame_cfa || a == DW_OP_fbreg) {
			rel[sp] = true;
			st[sp++] = a == DW_OP_fbreg ? op->op1 : 0;
		} else if (a == DW_OP_consts || a == DW_OP_constu) {
			rel[sp] = false;
			st[sp++] = op->op1;
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			rel[sp] = false;
			st[sp++] = (uint64_t)(a - DW_OP_lit0);
		} else if (a == DW_OP_plus_uconst && sp >= 1) {
			st[sp - 1] += op->op1;
		} else if ((a == DW_OP_plus || a == DW_OP_minus) && sp >= 2 && !(rel[sp - 1] && (a == DW_OP_minus || rel[sp - 2]))) {
			st[sp - 2] = a == DW_OP_plus ? st[sp - 2] + st[sp - 1] : st[sp - 2] - st[sp - 1];
			rel[sp - 2] = rel[sp - 2] || rel[sp - 1];
			sp--;
		} else {
			memory = false; /* a register, a value, a dereference */
		}
	}
	if (!any_piece && memory && sp > 0 && rel[sp - 1] && v->type)
		add_piece(e, st[sp - 1], v->type->size, v->name, 0);
}

static void entry_fill(struct gl_ctx *c, const struct gl_uframe *u, uint64_t call_pc, struct gl_pieces_entry *e)
{
	e->pc = u->pc;
	e->call_pc = call_pc;
	e->bias = gl_target_bias(c->t);
	const struct gl_func *f = gl_dwarf_func_at(c->t->dw, call_pc);
	if (!f)
		return;
	gl_error_destroy(gl_dwarf_func_vars(c->t->dw, f, call_pc, &e->vars)); /* (the list is then empty) */
	for (size_t k = 0; k < e->vars.n; k++) {
		const struct gl_var *v = e->vars.v[k];
		/* the return address's entry first, as gl_var_value reads it:
		 * Go starts the spilled location of a value there */
		const struct gl_locexpr *le = call_pc != u->pc ? loc_at(v, u->pc) : NULL;
		if (!le)
			le = loc_at(v, call_pc);
		if (le)
			pieces_of(le, v, e);
	}
}

void gl_frame_pieces_read(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame_pieces *out)
{
	memset(out, 0, sizeof(*out));
	out->cfa = u->cfa;
	if (!c->t->dw || u->size < 0 || !u->pc)
		return;
	/* as gl_uframe_to_frame: above frame 0 and at a goroutine's saved
	 * state the pc is a return address, the call is at pc-1 */
	uint64_t call_pc = u->level > 0 && !u->exact_pc ? u->pc - 1 : u->pc;
	struct gl_target *t = c->t;
	if (!t->slot_names && (t->slot_names = calloc(1, sizeof(struct pieces_memo))))
		t->slot_names_free = memo_free;
	struct gl_pieces_entry *e;
	if (t->slot_names) {
		e = &((struct pieces_memo *)t->slot_names)->e[(u->pc ^ (u->pc >> 12) ^ call_pc) % PIECES_MEMO];
		if (e->pc != u->pc || e->call_pc != call_pc || e->bias != gl_target_bias(t)) {
			entry_clear(e);
			entry_fill(c, u, call_pc, e);
		}
	} else if ((e = out->own = calloc(1, sizeof(*e)))) {
		entry_fill(c, u, call_pc, e);
	} else {
		return;
	}
	out->p = e->p;
	out->n = e->n;
}

void gl_frame_pieces_free(struct gl_frame_pieces *fp)
{
	if (fp->own) {
		entry_clear(fp->own);
		free(fp->own);
	}
	memset(fp, 0, sizeof(*fp));
}

const struct gl_var_piece *gl_frame_pieces_find(const struct gl_frame_pieces *fp, uint64_t addr)
{
	uint64_t off = addr - fp->cfa;
	/* the list is outermost scope first: a later variable shadows */
	for (size_t i = fp->n; i-- > 0;)
		if (off - fp->p[i].off < fp->p[i].size)
			return &fp->p[i];
	return NULL;
}
