/* `golayout stack` (eval/stack_vars.h) as golayout/1 documents spell it,
 * and the words for why unwinding stopped, shared with the text. */
#ifndef GL_STACK_DOC_H
#define GL_STACK_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "eval/stack_vars.h"

/* The note of a frame: why unwinding stopped there, or which frame an
 * inlined call belongs to. false (and "") when there is none. */
bool gl_uframe_note(const struct gl_uframe *u, char *buf, size_t len);
/* The text golayout shows when no DWARF names the goroutine. */
extern const char gl_stack_no_dwarf_note[];
/* A goroutine's stack without DWARF (struct gl_stack.no_dwarf). */
extern const char gl_stack_no_names_note[];
/* The "unwound_from" words. */
const char *gl_stack_unwound_from(const struct gl_stack *s);
/* Bytes between stack.lo and the SP of the innermost frame on the
 * goroutine's own stack. */
uint64_t gl_stack_unused_to(const struct gl_stack *s);
/* Frames s->frames[0..k) are on a system stack of the goroutine's thread
 * (runtime.systemstack, a signal handler): k, 0 when none are; *lo and
 * *hi (when not NULL) that stack's bounds. */
size_t gl_stack_system_frames(const struct gl_stack *s, enum gl_stack_kind *on, uint64_t *lo, uint64_t *hi);
/* The bounds of the thread's system stack `on` (g0, gsignal); 0, 0 else. */
void gl_stack_kind_bounds(const struct gl_stack *s, enum gl_stack_kind on, uint64_t *lo, uint64_t *hi);

/* The first frame a signal interrupted (where unwinding went on past
 * the handler, runtime.sigtramp), s->n when none is. */
size_t gl_stack_interrupted(const struct gl_stack *s);
/* "SIGSEGV", or "signal N" for one without a name. */
void gl_signal_words(uint32_t signo, char *buf, size_t len);

/* "local", "arg", "stack_object", "conservative". */
const char *gl_stack_slot_kind_word(enum gl_stack_slot_kind k);

json_t *gl_stack_json(struct gl_ctx *c, const struct gl_stack *s);

#endif
