/* Which DWARF variable of a frame holds a stack word: the memory pieces
 * of the frame's variables (locations relative to the CFA, Go's frame
 * base) at the frame's pc, to name the GC's pointer slots. Registers hold
 * no stack word, so pieces in registers are left out. */
#ifndef GL_STACKSLOT_NAMES_H
#define GL_STACKSLOT_NAMES_H

#include <stdint.h>

#include "runtime/unwind.h"
#include "target/ctx.h"

struct gl_var_piece {
	uint64_t off, size;  /* off: from the frame's CFA (modulo 2^64) */
	const char *var;
	uint64_t var_offset; /* of the piece within the variable */
};

/* The pieces of one frame's variables: those of every frame stopped at
 * the same pc, which the target keeps (a heap graph asks for 100,000
 * goroutines parked at a few pcs; DWARF is read once per pc). */
struct gl_frame_pieces {
	uint64_t cfa;
	const struct gl_var_piece *p; /* the target's, or own */
	size_t n;
	struct gl_pieces_entry *own;  /* when the target keeps none (out of memory) */
};

/* The pieces of frame u's variables that are on the stack; none (n 0)
 * without DWARF or when the frame's function has no variables. Valid
 * until the next call for another pc or gl_frame_pieces_free. */
void gl_frame_pieces_read(struct gl_ctx *c, const struct gl_uframe *u, struct gl_frame_pieces *out);
void gl_frame_pieces_free(struct gl_frame_pieces *fp);
/* The variable holding the word at addr (the innermost scope's when
 * several do), or NULL. */
const struct gl_var_piece *gl_frame_pieces_find(const struct gl_frame_pieces *fp, uint64_t addr);

#endif
