/* Allocation sites: where an object was allocated, from the memory
 * profile. When the runtime samples an allocation (every
 * runtime.MemProfileRate bytes on average; every one at rate 1),
 * mProf_Malloc records the allocating stack in a profile bucket
 * (runtime.bucket: a header, then [nstk]uintptr, then a memRecord) shared
 * by every allocation of that stack and size, and attaches a profile
 * special (runtime.specialprofile{special; b *bucket}) to the object.
 * A site is identified by its bucket.
 *
 * The stack holds return PCs as runtime.Callers stores them, already one
 * per logical frame (inlined calls included: an outer frame of an inlined
 * call is its parentPc + 1); frames are resolved as runtime.CallersFrames
 * does: pc - 1 looked up in the pclntab, the innermost inlined function
 * there, and outer inlined frames the list lacks inserted.
 *
 * For the heap graph: gl_heap_span_profiles lists a span's profile
 * specials once (walk the span's objects in slot order beside it), or
 * gl_heap_alloc_site gives one object's bucket; gl_allocsites_get decodes
 * a bucket once per cache (one cache per command). */
#ifndef GL_ALLOCSITE_H
#define GL_ALLOCSITE_H

#include "base/strmap.h"
#include "runtime/heap.h"

/* One frame of an allocation stack, innermost first. */
struct gl_alloc_frame {
	uint64_t pc;             /* the PC as stored (0 for an outer inlined frame golayout inserted) */
	char *function;          /* as runtime.Frame.Function prints it ("main.F[...]"); "?" unknown */
	const char *file;        /* into the pclntab; NULL unknown */
	int64_t line;
	bool inlined;            /* the call was inlined (runtime.Frame.Func == nil) */
};

struct gl_alloc_site {
	uint64_t bucket;
	uint64_t size;           /* bucket.size: the sampled allocation's size */
	uint64_t nstk;
	uint64_t *pcs;           /* nstk PCs as the runtime stored them */
	struct gl_alloc_frame *frames;
	size_t nframes;
	/* the allocating frame: the first after the runtime's own leading
	 * frames (mallocgc, newobject...; how many the runtime keeps differs
	 * by release), 0 when all are the runtime's. One site's buckets
	 * differ by size too: group by frames[site_frame...] for a site. */
	size_t site_frame;
	bool has_counts;         /* memRecord.active: as of the last completed GC cycle */
	uint64_t allocs, frees;
	struct gl_error *err;    /* set when the bucket could not be decoded (one line) */
};

/* The bucket of the object in slot [lo, hi) of s that addr falls in; 0
 * when the object has no profile special (it was not sampled): the
 * special at addr, else the last one before it, else the slot's first
 * (a malloc header puts it at the data, 8 bytes in). A tiny block (16
 * bytes of noscan objects under 16 bytes) is sampled only by the
 * allocation that starts it, at the block's start: its special is the
 * block's first object's (ask with [lo, hi) = [addr, addr + 1) for an
 * object's own). */
struct gl_error *gl_heap_alloc_site(struct gl_heap *h, const struct gl_span *s, uint64_t lo, uint64_t hi,
				    uint64_t addr, uint64_t *bucket);

/* Every profile special of span s, in address order. */
struct gl_prof_mark {
	uint64_t addr;           /* the sampled address: span base + the special's offset */
	uint64_t bucket;
};
struct gl_prof_marks {
	struct gl_prof_mark *v;
	size_t n, cap;
};
struct gl_error *gl_heap_span_profiles(struct gl_heap *h, const struct gl_span *s, struct gl_prof_marks *out);
void gl_prof_marks_deinit(struct gl_prof_marks *m);

/* Buckets decoded so far, by address. Keeps a copy of *h (its ctx and
 * layouts must outlive the cache). */
struct gl_allocsites {
	struct gl_heap h;
	struct u64map by_bucket; /* bucket -> struct gl_alloc_site * */
};

struct gl_allocsites *gl_allocsites_create(const struct gl_heap *h);
/* The site of a bucket (not 0), decoded on first use; site->err says why
 * it could not be (a bad pointer, a bucket of another profile, an nstk
 * over the runtime's limit). NULL for bucket 0 or without memory. */
const struct gl_alloc_site *gl_allocsites_get(struct gl_allocsites *c, uint64_t bucket);
void gl_allocsites_destroy(struct gl_allocsites *c);

/* runtime.MemProfileRate; false when unreadable. */
bool gl_heap_mem_profile_rate(struct gl_heap *h, int64_t *rate);
/* runtime.disableMemoryProfiling (the linker saw no reader of the
 * profile); false when absent or unreadable. */
bool gl_heap_mem_profile_disabled(struct gl_heap *h, bool *disabled);
/* The buckets of the memory profile (runtime.mbuckets, allnext list),
 * counted up to max. */
struct gl_error *gl_heap_count_mbuckets(struct gl_heap *h, uint64_t max, uint64_t *n, bool *more);

#endif
