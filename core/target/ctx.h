/* What a command sees while it runs: the session's target and memory, the
 * backend, and how its text is written. */
#ifndef GL_CTX_H
#define GL_CTX_H

#include <stdbool.h>

#include "base/error.h"
#include "target/mem.h"
#include "base/strbuf.h"
#include "target/target.h"

struct gl_session;
struct gl_escapes;
struct gl_watches;

struct gl_ctx {
	struct gl_session *session;
	struct gl_target **target_slot; /* the session's cached executable */
	struct gl_escapes **escapes;     /* the session's golayout escape load */
	struct gl_watches **watches;     /* the session's golayout watch table */
	const struct gl_backend *be;
	struct gl_target *t;   /* NULL when no executable is known */
	struct gl_mem *mem;
	bool color;
	/* Text columns of this command's output (0: unlimited, the lines are
	 * never cut), known before it runs so that the renderers shorten
	 * values in their columns only when lines are cut too. */
	size_t columns;
	size_t values_cut;     /* values the renderers shortened (gl_clip) */
	struct strbuf out;     /* ASCII output */
	/* The load bias, taken from the backend once per command (the
	 * process may be another run than the last command's, ASLR). */
	bool bias_taken;
	bool bias_unknown;     /* a PIE with a process, and the debugger did not tell */
	/* out goes to the debugger in chunks while the command runs
	 * (write_output, GL_OUT_RESULT): see gl_out_flush */
	bool stream;
	/* progress lines on the terminal (GL_RUN_PROGRESS, not --json) */
	bool progress;
	bool progress_shown;   /* a line is on the screen: erase it at the end */
	uint32_t progress_calls;
	uint64_t progress_next_ns; /* when the next line may be drawn */
};

/* The target, or an error saying why there is none. */
struct gl_error *gl_ctx_target(struct gl_ctx *c, struct gl_target **t);
struct gl_error *gl_ctx_need_process(struct gl_ctx *c);

/* With streaming on, hand out's text to the debugger once it holds a
 * chunk's worth (writers of long output call it as they go); the text
 * must end between UTF-8 characters. */
void gl_out_flush(struct gl_ctx *c);
/* Progress of a long loop: "WHAT: DONE of TOTAL" (TOTAL 0: unknown) on the
 * terminal, at most every 0.2 s and only after the command has run for
 * half a second; nothing unless c->progress. Cheap enough for every
 * iteration. */
void gl_progress(struct gl_ctx *c, const char *what, uint64_t done, uint64_t total);
/* Start the clock of gl_progress (the command begins). */
void gl_progress_begin(struct gl_ctx *c);
/* Erase the progress line, if one was drawn (the command ends). */
void gl_progress_end(struct gl_ctx *c);

/* The user stopped the command (gl_mem_interrupted): loops stop. */
static inline bool gl_interrupted(struct gl_ctx *c)
{
	return gl_mem_interrupted(c->mem);
}

#endif
