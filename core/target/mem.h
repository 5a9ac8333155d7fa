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
struct gl_page_slot;

struct gl_mem {
	const struct gl_backend *be; /* between gl_mem_begin and gl_mem_end only */
	uint64_t stop_id;
	/* The cached pages: an open-addressing table of (page base, page),
	 * at most half full, so that a lookup touches one or two cache lines
	 * of the table and the one page it finds (chained pages cost a cache
	 * miss for every page walked past); and the page found last, since
	 * successive reads mostly fall on the same page. */
	struct gl_page_slot *slots;
	size_t nslots, npages;
	struct gl_page *last;
	struct gl_page *cached; /* the npages pages, linked: a flush walks them, not the table */
	/* Pages of earlier stops, kept (a few) for the next: a breakpoint
	 * script that stops ten thousand times allocates them once. */
	struct gl_page *spare;
	size_t nspare;
	/* Where the process image has no copy of a read-only section (a core
	 * file written without file-backed mappings), the executable does. */
	bool (*file_fallback)(void *arg, uint64_t addr, void *buf, uint64_t len);
	void *file_fallback_arg;
	struct gl_mem_stats stats;      /* since the session began */
	struct gl_mem_stats cmd_stats;  /* for the current command */
	/* Addresses are taken modulo this plus one (a 32-bit target's
	 * 0xffffffff; 0: none): address arithmetic on a 32-bit target's
	 * words wraps, as the target's own does. */
	uint64_t addr_mask;
	bool interrupted;               /* the user stopped the current command */
	/* Bumped whenever the cache is dropped: what a caller concluded from
	 * memory read under an older generation may no longer hold. */
	uint64_t generation;
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
/* Drop the cached pages (and start a new generation). */
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
/* Ranges of target memory a caller is about to read, for
 * gl_mem_prefetch. */
struct gl_mem_range {
	uint64_t addr, len;
};

/* Bring the pages of many small ranges into the cache with few backend
 * calls: the ranges are sorted, those at most max_gap bytes apart are
 * joined (a gap is read too: copying a page costs far less than a call
 * to the debugger, a goroutine's stack top or a runtime.g lies a page or
 * two from the next one), and each joined run of missing pages, up to a
 * megabyte, is one call. A run that does not read whole is left to the
 * reads that follow, which find the bad page themselves (prefetching
 * marks bad only the page the backend names, and counts a fault for
 * every failed call against the command's budget). Sorts r in place. */
void gl_mem_prefetch(struct gl_mem *m, struct gl_mem_range *r, size_t n, uint64_t max_gap);
/* Read len bytes only if every page of them is cached and good (no
 * backend call); false otherwise. */
bool gl_mem_read_cached(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len);
/* Convenience readers of little-endian target words. */
struct gl_error *gl_mem_read_u64(struct gl_mem *m, uint64_t addr, uint64_t *v);
bool gl_mem_readable(struct gl_mem *m, uint64_t addr, uint64_t len);
/* gl_mem_read with its error dropped: for a caller that records a failed
 * read its own way (a state, a "?"). True when buf was filled. */
bool gl_mem_try_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len);

/* Whether the user stopped the current command (Ctrl-C). Cheap enough for
 * every iteration of a loop: the backend is asked at most every 20 ms, and
 * once it said yes the answer stays yes until the next command. Loops
 * over target data stop when it is true; the session then says the output
 * is partial. */
bool gl_mem_interrupted(struct gl_mem *m);

#endif
