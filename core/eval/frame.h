/* The selected frame as the core sees it: PC, SP, CFA, function. */
#ifndef GL_FRAME_H
#define GL_FRAME_H

#include "target/ctx.h"
#include "eval/value.h"

struct gl_frame {
	uint32_t level;
	uint64_t pc, sp, cfa;
	uint64_t lookup_pc;  /* pc, or pc-1 above frame 0 (inside the call) */
	const struct gl_func *func; /* from DWARF; NULL if unknown */
	const char *func_name;
};

struct gl_error *gl_frame_selected(struct gl_ctx *c, struct gl_frame *f);
/* Evaluate a variable's location at the frame's PC into a value. */
struct gl_error *gl_var_value(struct gl_ctx *c, const struct gl_frame *f, const struct gl_var *v,
			      struct gl_value *out);

#endif
