/* The session's watches (`golayout watch`): the objects followed, the
 * breakpoints the core asked the debugger for, the calls between a
 * growth function's entry and its return, and what a breakpoint hit
 * does. Design:
 *
 *  - one breakpoint at the entry of each growth function (growth.h) of a
 *    kind any watch needs; a hit reads the one argument that names the
 *    object (hmap*, Map*, the slice's array) and resumes at once unless it
 *    is a watched one;
 *  - for a watched one, the state before is kept, and a breakpoint is set
 *    at the return address (one per address, shared, counted); its hits
 *    are matched to the call by goroutine (g register) or stack pointer,
 *    read the state after, record one event, print it (or append it to
 *    the watch's --out file) and resume, or stay stopped with --stop;
 *  - breakpoints live as long as something needs them; `watch stop`
 *    removes them. They belong to one run of the program. */
#ifndef GL_WATCH_H
#define GL_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "runtime/growth.h"
#include "target/ctx.h"

#define GL_WATCHES_MAX 16

struct gl_watches;

void gl_watches_destroy(struct gl_watches *ws);

struct gl_watch_spec {
	enum gl_watch_what what;
	const char *expr;
	uint64_t object;      /* the map header, or the slice's array */
	uint64_t len, cap, elem_size; /* slices */
	const struct gl_type *type;
	bool stop, json;
	const char *out_path; /* NULL: events are printed */
};

/* Add a watch (creating *ws); its number in *id. */
struct gl_error *gl_watch_add(struct gl_ctx *c, struct gl_watches **ws,
			      const struct gl_watch_spec *spec, unsigned *id);
/* Remove watch id (0: all), and the breakpoints nothing needs any more. */
struct gl_error *gl_watch_remove(struct gl_ctx *c, struct gl_watches *ws, unsigned id);

/* One watch as `watch list` shows it. */
struct gl_watch_info {
	unsigned id;
	enum gl_watch_what what;
	const char *expr, *out_path;
	uint64_t object, events, cap;
	bool stop, json;
};
/* The i-th live watch (i from 0), false past the last. */
bool gl_watch_info(const struct gl_watches *ws, size_t i, struct gl_watch_info *info);
/* Breakpoints the core holds, and calls between entry and return. */
size_t gl_watch_breakpoints(const struct gl_watches *ws);

/* A breakpoint hit (gl_session_breakpoint_hit): text to print goes to
 * out; true when the program should stay stopped. */
bool gl_watch_hit(struct gl_ctx *c, struct gl_watches *ws, uint64_t bp, struct gl_error **err);

#endif
