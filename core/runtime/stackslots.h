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
 * The frames are those gl_unwind gives for the goroutine from its saved
 * state (g.sched or the system-call state: where the GC finds it), on
 * its own stack, not the system stacks of its M. A stack object is
 * listed when a slot found before points into it (the runtime scans only
 * those). Slots come frame by frame, innermost first, by address within
 * a frame; a word two maps name is listed once, for the innermost frame.
 * Not listed: g.sched.ctxt and the defer and panic records the runtime
 * also scans, which are no frame's. */
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
	const char *var;        /* the DWARF variable holding the slot ("&x": x moved to the heap,
				 * the slot holds its address), NULL if unknown or without DWARF */
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

/* The same over frames already unwound (gl_goroutine_unwind's, as
 * `golayout stack` shows them): frames on a system stack, or outside the
 * goroutine's stack [lo, hi), are not scanned (nor counted); s->frame
 * indexes frames[]. A pc where a thread is (the debugger's frame 0) is
 * looked up as it is, a return address at the call (pc-1), as the
 * runtime does. scanned (NULL, or n entries): which frames were scanned
 * (a scanned frame without slots holds no pointer there). */
struct gl_error *gl_frames_pointer_slots(struct gl_ctx *c, const struct gl_uframe *frames, size_t n,
					 uint64_t lo, uint64_t hi, gl_stack_slot_fn fn, void *arg,
					 bool *scanned, uint64_t *unscanned);

#endif
