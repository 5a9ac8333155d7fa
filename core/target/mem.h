/* Target memory through the backend, with a per-stop page cache.
 * Reads of whole structures are served from cached 4 KiB pages; pages that
 * are missing are fetched in as few backend calls as possible (one call for
 * each run of missing pages). Every backend call is counted. */
#ifndef GL_MEM_H
#define GL_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "golayout/golayout.h"
#include "base/error.h"

#define GL_PAGE_SIZE 4096u
/* A command that has met this many unreadable pages is following garbage
 * (a sane structure lies in mapped memory): its further reads of pages not
 * in the cache fail at once with GL_ERR_LIMIT instead of asking the
 * debugger, so a corrupt pointer array costs a bounded time (each fault is
 * a backend call: this many take well under a second). */
#define GL_MEM_MAX_FAULTS 2048u

struct gl_mem_stats {
	uint64_t backend_reads;  /* calls to backend->read_memory */
	uint64_t backend_bytes;  /* bytes asked of the backend */
	uint64_t requests;       /* gl_mem_read calls */
	uint64_t cache_hits;     /* requests served without the backend */
	uint64_t faults;         /* unreadable pages met */
};

struct gl_page;

struct gl_mem {
	const struct gl_backend *be; /* between gl_mem_begin and gl_mem_end only */
	uint64_t stop_id;
	struct gl_page **buckets; /* hash table of cached pages */
	size_t nbuckets, npages;
	/* Where the process image has no copy of a read-only section (a core
	 * file written without file-backed mappings), the executable does. */
	bool (*file_fallback)(void *arg, uint64_t addr, void *buf, uint64_t len);
	void *file_fallback_arg;
	struct gl_mem_stats stats;      /* since the session began */
	struct gl_mem_stats cmd_stats;  /* for the current command */
	bool interrupted;               /* the user stopped the current command */
	uint64_t interrupt_polled_ns;   /* when the backend was last asked */
	uint32_t interrupt_calls;       /* gl_mem_interrupted calls since the clock was read */
};

void gl_mem_init(struct gl_mem *m);
void gl_mem_deinit(struct gl_mem *m);
/* Attach the backend for one command; drops the cache if the stop changed
 * (or if the backend cannot tell stops apart). */
void gl_mem_begin(struct gl_mem *m, const struct gl_backend *be);
/* Detach the backend at the end of the command: the session must not keep
 * a pointer into the debugger's memory between commands. */
void gl_mem_end(struct gl_mem *m);
void gl_mem_flush(struct gl_mem *m);

/* Read len bytes; all or nothing. A fault error carries the first
 * unreadable address. */
struct gl_error *gl_mem_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len);
/* The same for a large array that is read once (a map's group or bucket
 * arrays, tens of megabytes for a million entries): pages the cache holds
 * serve it, what is missing is read from the backend straight into buf
 * and not cached, so that the memory is not held twice (a warm rerun
 * asks the debugger again, which costs about what the copy costs). A
 * failed read falls back to gl_mem_read, which finds the unreadable page. */
struct gl_error *gl_mem_read_once(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len);
/* Convenience readers of little-endian target words. */
struct gl_error *gl_mem_read_u64(struct gl_mem *m, uint64_t addr, uint64_t *v);
bool gl_mem_readable(struct gl_mem *m, uint64_t addr, uint64_t len);

/* Whether the user stopped the current command (Ctrl-C). Cheap enough for
 * every iteration of a loop: the backend is asked at most every 20 ms, and
 * once it said yes the answer stays yes until the next command. Loops
 * over target data stop when it is true; the session then says the output
 * is partial. */
bool gl_mem_interrupted(struct gl_mem *m);

#endif
