/* A synthetic Go heap for the unit tests: the structs test program's DWARF
 * (runtime.mheap_, mspan, heapArena, special... layouts and constants) over
 * fake memory that holds one arena, one span and its bitmaps, built from
 * those layouts. Shared by test_heap (decoder checks), test_golden,
 * test_svg and fuzz_heap. */
#ifndef GL_SCENE_HEAP_H
#define GL_SCENE_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_target.h"
#include "target/target.h"
#include "target/types.h"

/* Synthetic addresses: the object span in the arena at 0xc000000000, the
 * runtime's own structures elsewhere. */
#define SPAN_BASE 0xc000002000ull
#define L2_ADDR 0x7f0000000000ull
#define HA_ADDR 0x7f1000000000ull
#define MSPAN_ADDR 0x7f2000000000ull
#define ALLOC_BITS 0x7f3000000000ull
#define MARK_BITS 0x7f3000001000ull
#define SPECIAL1 0x7f4000000000ull
#define SPECIAL2 0x7f4000000100ull
#define FUNCVAL 0x7f5000000000ull
#define ALLSPANS 0x7f6000000000ull
#define BUCKET 0x7f7000000000ull
#define ARENA_LIST 0x7f6000010000ull
#define ELEMSIZE 48
#define NELEMS 10
/* object i of the span */
#define HEAP_OBJ(i) (SPAN_BASE + (uint64_t)(i) * ELEMSIZE)

struct heap_layout {
	struct gl_target *t;
	uint64_t mheap, mheap_size, arenas_off, allspans_off, arena_list_off, sweepgen_off;
	uint64_t arena_bytes, arena_base, page_size, ha_size, ha_spans_off;
	struct gl_type *mspan, *special, *fin, *prof, *bucket;
	uint64_t gcphase;
	int64_t gc_mark, inuse, fin_kind, prof_kind, mem_profile;
	uint64_t main_pc;
	bool greentea;
};

extern struct heap_layout heap_L;
/* Read the layouts from the structs test program once; false when it is
 * missing (fails the test when it is there but lacks something). */
bool heap_layout_load(void);
void heap_layout_close(void);

/* The second special (object 3) as a memory-profile special instead of a
 * finalizer: its bucket's stack is 2 PCs in main.main. */
enum heap_profile { PROFILE_NONE, PROFILE_OK, PROFILE_BAD_BUCKET, PROFILE_BAD_NSTK, PROFILE_WRONG_TYPE,
		    PROFILE_NIL_BUCKET };

struct heap_opts {
	uint64_t nelems, npages;
	bool specials_cycle, specials_unordered;
	uint64_t allspans_len;
	bool phase_mark;
	enum heap_profile profile;
};

/* The synthetic heap: one arena, one span of NELEMS 48-byte objects (0, 1
 * and 3 allocated; 0 and 3 marked), a finalizer on object 1. */
void heap_scene_build(struct fake_target *ft, const struct heap_opts *o);
/* A new fake target of the structs program, with a process, holding that
 * heap (heap_layout_load first). */
struct fake_target *heap_scene_new(const struct heap_opts *o);
/* Pointers for the heap graph: object 0 -> the interior of object 1
 * (+8), 1 -> 3, 3 -> the free slot 2. */
void heap_scene_link_objects(struct fake_target *ft);

/* Roots besides the finalizers, at addresses of their own: */
#define ROOT_MASKS 0x7f8000000000ull    /* the module's data and bss pointer masks */
#define CLEANUP_BLOCK 0x7f9000000000ull /* a block of the cleanup queue */

/* A global of the structs program: its address and size from DWARF (at
 * most 64 bytes). */
struct heap_global {
	const char *name;
	uint64_t addr, size;
};
struct heap_global heap_global(const char *name);
/* Global roots: runtime.firstmoduledata (the program's own bytes) made to
 * say that its data is global d, its bss global b, with pointer masks of
 * word 0 alone, and those words pointing to d_to and b_to. */
void heap_scene_global_roots(struct fake_target *ft, struct heap_global d, uint64_t d_to, struct heap_global b,
			     uint64_t b_to);
/* runtime.gcCleanups made to hold one block (gcCleanups.all), its first n
 * cleanups queued (cleanupFn: call, fn, arg, as in Go 1.26), cleanup 1's
 * fn word pointing to obj. */
void heap_scene_cleanup_queue(struct fake_target *ft, uint64_t n, uint64_t obj);

#define HEAP_OK_OPTS {.nelems = NELEMS, .npages = 1, .allspans_len = 4}

#endif
