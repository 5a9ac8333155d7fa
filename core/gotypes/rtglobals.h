/* The runtime's globals without a symbol table (-ldflags='-s -w'): found
 * in the process's memory by their layout signatures. The module data
 * (found by its pclntab address, rtlayout_db.h) bounds where globals live:
 * .bss and .noptrbss are read once each, in bulk, and every candidate
 * place is tested against what the runtime keeps true of the global, with
 * the offsets of the built-in runtime-layout table:
 *
 *   runtime.mheap_       mheap_.central[i].spanclass == i for every span
 *                        class, then arenas, allspans and the arena list set
 *                        up, sweepgen even;
 *   runtime.allgs        a []*g whose first g has goid 1, whose first gs
 *                        have distinct goids, sane statuses and stacks;
 *   runtime.gcController heapMinimum == defaultHeapMinimum * GOGC / 100,
 *                        heapInUse whole pages, a memory limit >= 0;
 *   runtime.memstats     enablegc set, span and mcache memory counted, and
 *                        the last cycle's end in pause_end and last_gc_unix;
 *   runtime.work         the mark-root bases chained as gcMarkRootPrepare
 *                        sets them, the data and bss root counts those of
 *                        the module's sections (after the first GC cycle);
 *   the size class table  N increasing multiples of 8 from 0 to
 *                        MaxSmallSize in .noptrdata (from the file);
 *   runtime.waitReasonStrings  N strings in .data, the first empty, the
 *                        others short lower-case texts.
 *
 * A global is taken only when exactly one place in its section fits: no
 * place, or several, leave it absent, with the reason
 * (gl_rt_global_why). Globals with no signature (gcphase, writeBarrier,
 * the hash keys, the memory profile's) stay absent, and the commands
 * that read them say so. */
#ifndef GL_RTGLOBALS_H
#define GL_RTGLOBALS_H

#include "gotypes/rtlayout.h"
#include "target/ctx.h"

/* The runtime-layout table of the command's target with its globals: as
 * gl_rt_load, and on a binary without DWARF and symbol table the globals
 * found in memory (searched at most once per stop while some are
 * missing; kept once found, as their addresses are static). Fails like
 * gl_rt_load_types; a global that could not be found is absent. */
struct gl_error *gl_rt_load_globals(struct gl_ctx *c, const struct gl_rtlayout **out);
/* Why global g is absent from L, in a phrase ("runtime.mheap_ is not in
 * the binary's DWARF", "no symbol table, and runtime.gcphase has no
 * layout signature golayout can find it by"). */
const char *gl_rt_global_why(const struct gl_rtlayout *L, enum gl_rtg g, char *buf, size_t len);
/* An error for an absent global: GL_ERR_NODWARF with gl_rt_global_why. */
struct gl_error *gl_rt_global_error(const struct gl_rtlayout *L, enum gl_rtg g);

#endif
