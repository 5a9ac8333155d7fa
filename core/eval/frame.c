#include <dwarf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/frame.h"

static struct gl_error *read_reg(struct gl_ctx *c, const char *name, uint64_t *v)
{
	if (!c->be->read_register || c->be->read_register(c->be->ctx, name, v) != GL_BACKEND_OK)
		return gl_error_create(GL_ERR_UNAVAILABLE, "register %s is not available", name);
	return NULL;
}

struct gl_error *gl_frame_selected(struct gl_ctx *c, struct gl_frame *f)
{
	memset(f, 0, sizeof(*f));
	struct gl_error *err = gl_ctx_need_process(c);
	if (err)
		return err;
	const struct gl_arch *a = c->t->arch;
	if (!a)
		return gl_error_create(GL_ERR_UNSUPPORTED, "golayout has no register description for %s",
				       c->t->goarch);
	if ((err = read_reg(c, a->reg_pc, &f->pc)) || (err = read_reg(c, a->reg_sp, &f->sp)))
		return gl_error_wrap(err, "no selected frame");
	if (c->be->frame_level)
		c->be->frame_level(c->be->ctx, &f->level);
	f->lookup_pc = f->level > 0 && f->pc > 0 ? f->pc - 1 : f->pc;
	if (c->t->dw)
		f->func = gl_dwarf_func_at(c->t->dw, f->lookup_pc);
	f->func_name = f->func ? f->func->name : "?";
	/* CFA = SP + frame size (+ the return address CALL pushed, on x86),
	 * from the pcsp table: the same answer in every debugger, and in
	 * core files. */
	struct gl_pcfunc pf;
	int64_t delta;
	if (c->t->has_pcln && gl_pclntab_func(&c->t->pcln, f->lookup_pc, &pf) &&
	    (delta = gl_pclntab_spdelta(&c->t->pcln, &pf, f->lookup_pc)) >= 0) {
		f->cfa = f->sp + (uint64_t)delta + a->ra_stack_bytes;
		if (!f->func)
			f->func_name = pf.name;
	} else if (c->be->frame_cfa && c->be->frame_cfa(c->be->ctx, &f->cfa) == GL_BACKEND_OK) {
		/* the debugger's own unwind info */
	} else {
		return gl_error_create(GL_ERR_UNAVAILABLE, "cannot find the frame's CFA at pc 0x%llx",
				       (unsigned long long)f->pc);
	}
	return NULL;
}

/* A tiny DWARF expression machine for the operations Go emits:
 * call_frame_cfa, fbreg, addr, reg*, regx, breg*, piece, plus_uconst,
 * consts, lit*, stack_value, deref. */
struct eval {
	struct gl_ctx *c;
	const struct gl_frame *f;
	const struct gl_var *v;
	uint64_t stack[16];
	int sp;
	int reg;            /* register location pending, -1 if none */
	bool stack_value;
	unsigned char *bytes; /* the value being assembled */
	uint64_t size, filled;
	bool all_memory;    /* every piece came from one contiguous address */
	uint64_t first_addr;
	char where[64];
	/* the first piece the compiler left without a location (an empty
	 * DW_OP_piece), [gap_lo, gap_hi); gap_hi 0: none */
	uint64_t gap_lo, gap_hi, gap_bytes;
	int ngaps;
};

static struct gl_error *push(struct eval *e, uint64_t x)
{
	if (e->sp >= 16)
		return gl_error_create(GL_ERR_LIMIT, "location expression too deep");
	e->stack[e->sp++] = x;
	return NULL;
}

static struct gl_error *reg_value(struct eval *e, uint64_t regno, uint64_t *val)
{
	const struct gl_arch *a = e->c->t->arch;
	const char *name = gl_arch_dwarf_regname(a, regno);
	if (!name)
		return gl_error_create(GL_ERR_UNAVAILABLE, "%s is in unknown register %llu", e->v->name,
				       (unsigned long long)regno);
	/* Above frame 0 only the stack and frame pointers survive a call. */
	if (e->f->level > 0 && !gl_arch_reg_survives_call(a, regno))
		return gl_error_create(GL_ERR_UNAVAILABLE,
				       "%s is in register %s, not preserved across calls (frame %u)",
				       e->v->name, name, e->f->level);
	struct gl_error *err = read_reg(e->c, name, val);
	if (err)
		return gl_error_wrap(err, "%s", e->v->name);
	return NULL;
}

/* The low n bytes of a register or DWARF stack value (at most its own
 * width) into bytes [filled, filled+n), little-endian. */
static void put_value(struct eval *e, uint64_t val, uint64_t n)
{
	for (uint64_t i = 0; i < n && i < sizeof(val); i++)
		e->bytes[e->filled + i] = (unsigned char)(val >> (CHAR_BIT * i));
}

/* Move the pending location (register, stack value, or address on the
 * stack) into bytes [filled, filled+n). */
static struct gl_error *take_piece(struct eval *e, uint64_t n)
{
	if (n > e->size - e->filled)
		n = e->size - e->filled;
	struct gl_error *err = NULL;
	if (e->reg >= 0) {
		uint64_t val;
		if ((err = reg_value(e, (uint64_t)e->reg, &val)))
			return err;
		put_value(e, val, n);
		snprintf(e->where, sizeof(e->where), "%sregister %s", e->filled ? "registers, " : "",
			 gl_arch_dwarf_regname(e->c->t->arch, (uint64_t)e->reg));
		e->all_memory = false;
	} else if (e->sp > 0 && e->stack_value) {
		uint64_t val = e->stack[e->sp - 1];
		put_value(e, val, n);
		e->all_memory = false;
	} else if (e->sp > 0) {
		uint64_t addr = e->stack[e->sp - 1];
		if (e->filled == 0)
			e->first_addr = addr;
		else if (addr != e->first_addr + e->filled)
			e->all_memory = false;
		if ((err = gl_mem_read(e->c->mem, addr, e->bytes + e->filled, n)))
			return gl_error_wrap(err, "reading %s", e->v->name);
	} else if (e->filled + n < e->size || e->filled) {
		/* a piece with no location: the rest may still be there */
		if (!e->ngaps++) {
			e->gap_lo = e->filled;
			e->gap_hi = e->filled + n;
		}
		e->gap_bytes += n;
	} else {
		return gl_error_create(GL_ERR_UNAVAILABLE, "%s was optimized out", e->v->name);
	}
	e->filled += n;
	e->reg = -1;
	e->sp = 0;
	e->stack_value = false;
	return NULL;
}

static struct gl_error *run_ops(struct eval *e, const struct gl_locexpr *le)
{
	struct gl_error *err = NULL;
	bool pieces = false;
	for (size_t i = 0; i < le->nops && !err; i++) {
		const struct gl_op *op = &le->ops[i];
		uint8_t a = op->atom;
		if (a == DW_OP_call_frame_cfa) {
			err = push(e, e->f->cfa);
		} else if (a == DW_OP_fbreg) {
			err = push(e, e->f->cfa + op->op1); /* Go's frame base is the CFA */
		} else if (a == DW_OP_addr || a == DW_OP_constu || a == DW_OP_consts) {
			err = push(e, op->op1);
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			err = push(e, (uint64_t)(a - DW_OP_lit0));
		} else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
			e->reg = a - DW_OP_reg0;
		} else if (a == DW_OP_regx) {
			e->reg = (int)op->op1;
		} else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			uint64_t r;
			if (!(err = reg_value(e, (uint64_t)(a - DW_OP_breg0), &r)))
				err = push(e, r + op->op1);
		} else if (a == DW_OP_plus_uconst) {
			if (e->sp < 1)
				return gl_error_create(GL_ERR_CORRUPT, "bad location expression");
			e->stack[e->sp - 1] += op->op1;
		} else if (a == DW_OP_deref) {
			if (e->sp < 1)
				return gl_error_create(GL_ERR_CORRUPT, "bad location expression");
			err = gl_target_read_word(e->c->t, e->c->mem, e->stack[e->sp - 1], &e->stack[e->sp - 1]);
		} else if (a == DW_OP_stack_value) {
			e->stack_value = true;
		} else if (a == DW_OP_piece) {
			pieces = true;
			err = take_piece(e, op->op1);
		} else {
			return gl_error_create(GL_ERR_UNAVAILABLE,
					       "%s has a location golayout cannot evaluate (op 0x%x)",
					       e->v->name, a);
		}
	}
	if (!err && !pieces)
		err = take_piece(e, e->size);
	return err;
}

/* A value the compiler kept only in part. A slice whose cap alone is gone
 * (as runtime.selectgo's lockorder at its calls) still shows: its
 * elements need only the array and len; anything else is an error that
 * names the missing part. */
static struct gl_error *partial(const struct eval *e, struct gl_value *out)
{
	const struct gl_type *t = e->v->type;
	const struct gl_field *f = NULL;
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].offset == e->gap_lo)
			f = &t->fields[i];
	if (e->gap_bytes >= e->size)
		return gl_error_create(GL_ERR_UNAVAILABLE, "%s was optimized out", e->v->name);
	bool only_cap = t->kind == GL_K_SLICE && e->ngaps == 1 && f && !strcmp(f->name, "cap") &&
			e->gap_hi == e->size;
	if (!only_cap)
		return gl_error_create(GL_ERR_UNAVAILABLE, "part of %s (%s) was optimized out", e->v->name,
				       f ? f->name : "bytes");
	snprintf(out->partial, sizeof(out->partial), "cap optimized out");
	return NULL;
}

static const struct gl_locexpr *loc_at(const struct gl_var *v, uint64_t pc)
{
	for (size_t i = 0; i < v->nlocs; i++)
		if (pc >= v->locs[i].lo && pc < v->locs[i].hi)
			return &v->locs[i];
	return NULL;
}

static struct gl_error *value_from(struct gl_ctx *c, const struct gl_frame *f, const struct gl_var *v,
				   const struct gl_locexpr *le, struct gl_value *out);

/* In an outer frame the PC is a return address. The Go compiler starts
 * the entry that has a value spilled to the stack across the call exactly
 * there, while the entry before it (the call itself, pc-1) often holds
 * the value in a register the call does not preserve: the return address
 * is looked up first, as Delve does, and the call's entry serves when it
 * gives a value and the return address's does not. */
struct gl_error *gl_var_value(struct gl_ctx *c, const struct gl_frame *f, const struct gl_var *v,
			      struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	const struct gl_locexpr *at_ret = f->lookup_pc != f->pc ? loc_at(v, f->pc) : NULL;
	const struct gl_locexpr *at_pc = loc_at(v, f->lookup_pc);
	if (!at_ret && !at_pc)
		return gl_error_create(GL_ERR_UNAVAILABLE,
				       "%s has no location at pc 0x%llx in %s (optimized away here)",
				       v->name, (unsigned long long)f->pc, f->func_name);
	struct gl_error *err = value_from(c, f, v, at_ret ? at_ret : at_pc, out);
	if (err && at_ret && at_pc && at_pc != at_ret && err->code == GL_ERR_UNAVAILABLE) {
		struct gl_error *err2 = value_from(c, f, v, at_pc, out);
		if (!err2) {
			gl_error_destroy(err);
			return NULL;
		}
		gl_error_destroy(err2);
	}
	return err;
}

static struct gl_error *value_from(struct gl_ctx *c, const struct gl_frame *f, const struct gl_var *v,
				   const struct gl_locexpr *le, struct gl_value *out)
{
	memset(out, 0, sizeof(*out));
	if (v->type->size > GL_MAX_VALUE_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "%s is too large to read (%llu bytes)", v->name,
				       (unsigned long long)v->type->size);
	struct eval e = {.c = c, .f = f, .v = v, .reg = -1, .size = v->type->size, .all_memory = true};
	e.bytes = calloc(1, v->type->size ? v->type->size : 1);
	if (!e.bytes)
		return &gl_error_nomem;
	struct gl_error *err = run_ops(&e, le);
	if (!err && e.filled < e.size)
		err = gl_error_create(GL_ERR_UNAVAILABLE, "part of %s was optimized out", v->name);
	if (!err && e.ngaps)
		err = partial(&e, out);
	if (err) {
		free(e.bytes);
		return err;
	}
	out->type = v->type;
	out->bytes = e.bytes;
	if (e.all_memory) {
		out->in_memory = true;
		out->addr = e.first_addr;
		snprintf(out->where, sizeof(out->where), "stack");
	} else {
		snprintf(out->where, sizeof(out->where), "%s", e.where[0] ? e.where : "registers");
	}
	return NULL;
}
