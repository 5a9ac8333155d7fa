/* The pointer slots the garbage collector scans in a goroutine's frames,
 * as the runtime's scanstack finds them: each live frame's locals and
 * arguments pointer maps (FUNCDATA_LocalsPointerMaps and
 * FUNCDATA_ArgsPointerMaps, indexed by the frame's PCDATA_StackMapIndex
 * at its pc), the pointer words of its stack objects
 * (FUNCDATA_StackObjects) and, for a frame stopped by asynchronous
 * preemption, every word of the frame (the runtime scans it
 * conservatively too). They are the stack roots of the heap graph and the
 * "pointer slots" of `golayout stack`, with or without DWARF.
 *
 * The frames are those gl_unwind gives for the goroutine (its own stack,
 * not the system stacks of its M). */
#ifndef GL_STACKSLOTS_H
#define GL_STACKSLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/goroutines.h"
#include "runtime/unwind.h"
#include "target/ctx.h"

enum gl_stack_slot_kind {
	GL_SLOT_LOCAL,          /* the locals pointer map */
	GL_SLOT_ARG,            /* the arguments pointer map (the frame's argument area) */
	GL_SLOT_STACK_OBJECT,   /* a pointer word of a stack object */
	GL_SLOT_CONSERVATIVE,   /* a word of a frame scanned conservatively */
};

struct gl_stack_slot {
	uint64_t addr;          /* the slot on the stack */
	uint64_t value;         /* the word it holds (0: nil) */
	uint32_t frame;         /* the frame's index, 0 innermost */
	const struct gl_uframe *f; /* that frame (valid during the callback) */
	enum gl_stack_slot_kind kind;
	const char *var;        /* the DWARF variable holding the slot, NULL if unknown */
	uint64_t var_offset;    /* the slot's offset in that variable */
};

/* Called for each slot in frame order; returning false stops the walk. */
typedef bool (*gl_stack_slot_fn)(void *arg, const struct gl_stack_slot *s);

/* Every pointer slot of g's frames. Frames whose maps cannot be read
 * (no pclntab entry, an unreadable table, a frame that ends the unwind
 * early) are skipped and counted in *unscanned (may be NULL); the error
 * is kept for what stops the whole walk. */
struct gl_error *gl_stack_pointer_slots(struct gl_ctx *c, const struct gl_goroutine *g,
					gl_stack_slot_fn fn, void *arg, uint64_t *unscanned);

#endif
