/* The arguments and locals DWARF places in each frame of an unwound
 * stack, with their values read: the model `golayout stack` serialises
 * (doc/stack_doc.c) and renders (render/stack_text.c). */
#ifndef GL_STACK_VARS_H
#define GL_STACK_VARS_H

#include "eval/uframe.h"
#include "eval/value.h"
#include "runtime/escape.h"
#include "runtime/stackslots.h"

struct gl_stack_var {
	char *name;              /* without the '&' of a local moved to the heap */
	bool param;
	bool heap;               /* moved to the heap: the stack slot holds &name */
	int decl_line;           /* 0 unknown */
	/* a local whose declaration (decl_line) comes after the line the
	 * frame is at: its slot holds whatever was there before */
	bool undeclared;
	enum gl_escape_verdict escape; /* what the compiler said */
	const char *escape_ref;  /* its file:line:col */
	const struct gl_type *type; /* the variable's type (heap: the pointee's) */
	struct gl_error *err;    /* why there is no value; NULL when val is read */
	struct gl_value val;     /* the variable (heap: its stack slot) */
	uint64_t heap_addr;      /* heap: where the variable is */
	struct gl_error *heap_err; /* heap: why the heap value could not be read */
	struct gl_value heap_val;
};

struct gl_frame_vars {
	struct gl_stack_var *v;
	size_t n;
};

/* The variables of every physical frame with a known size (inlined calls
 * and frames the unwinder could not size get none): vars[i] for frames[i],
 * *vars malloc'd (NULL without DWARF). esc may be NULL. */
void gl_stack_vars_read(struct gl_ctx *c, const struct gl_uframe *frames, size_t n,
			const struct gl_escapes *esc, struct gl_frame_vars **vars);
void gl_stack_vars_free(struct gl_frame_vars *vars, size_t n);


/* A frame's GC pointer slot (runtime/stackslots.h), kept for the view. */
struct gl_stack_ptr {
	uint64_t addr, value;
	enum gl_stack_slot_kind kind;
	char *var;              /* NULL: no DWARF variable holds it */
	uint64_t var_offset;
};

struct gl_frame_ptrs {
	bool scanned;           /* false: not scanned (inlined, on a system stack, maps unreadable) */
	struct gl_stack_ptr *v;
	size_t n;
};

/* What `golayout stack` shows: a goroutine (when DWARF names one), its
 * frames and their variables. */
struct gl_stack {
	bool has_g;                 /* false without DWARF: frames of the pclntab only */
	struct gl_goroutine g;
	enum gl_unwound_from from;
	const char *escape_file;    /* the loaded escape analysis, NULL if none */
	struct gl_uframe *frames;
	size_t n;
	struct gl_frame_vars *vars; /* vars[i] for frames[i]; NULL without DWARF */
	bool all_vars;              /* show locals not yet declared too (--all-vars) */
	bool no_dwarf;              /* a goroutine's stack without DWARF: argument
				     * areas shown, variables unnamed (said once) */
	struct gl_frame_ptrs *ptrs; /* ptrs[i] for frames[i]; NULL when not found: */
	struct gl_error *ptrs_err;  /* why */
	uint64_t ptrs_unscanned;    /* frames whose maps could not be read */
};

/* The pointer slots of s's frames on the stack [lo, hi) into s->ptrs (or
 * s->ptrs_err). */
void gl_stack_ptrs_read(struct gl_ctx *c, struct gl_stack *s, uint64_t lo, uint64_t hi);
void gl_stack_ptrs_free(struct gl_frame_ptrs *ptrs, size_t n);

void gl_stack_deinit(struct gl_stack *s);

#endif
