/* The heap and the GC walk over the synthetic heap (scene_heap.h): the
 * arena index, heapArena, mspan (counts, bitmaps, specials list,
 * finalizers), allspans and the arena list corrupted; `heap` decodes one
 * object, its span, its specials and its pointer map, `gc` walks every
 * span, and the heap graph (`heap --why`, `heap --retains`, `gc --top`)
 * follows the objects' pointers from the roots: object 0 points into 1,
 * 1 to 3, 3 to the free slot 2, and the finalizers of 1 and 3 are roots
 * (as test_heapgraph.c). Scene 2 adds global roots, whose DWARF types
 * type the objects they reach (type inference, hg_types.c: --why and gc
 * --top --by type), and the cleanup queue with a block of two cleanups
 * (the runtime's moduledata, pointer masks, globals, gcCleanups and the
 * block become patchable structures). Input: a scene byte (0: sweep
 * phase, 1: mark phase, 2: sweep phase with those roots), then patches
 * (fuzz.h). */
#include <stdio.h>

#include "fuzz.h"
#include "scene_heap.h"

#define OBJ(i) ((unsigned long long)HEAP_OBJ(i))

static char cmd[6][64];
/* the heap graph's commands after the others: an input's command byte
 * keeps its meaning for the commands that were there first */
static const char *CMDS[] = {cmd[0], cmd[1], cmd[2], cmd[3], "gc", "gc --all", cmd[4], cmd[5],
			     "gc --top", "gc --top --by type", "gc --top --by site", NULL};
static struct fz_scene Z[3];

static void build(struct fz_scene *z, bool mark, bool roots)
{
	struct heap_opts o = HEAP_OK_OPTS;
	o.phase_mark = mark;
	struct fake_target *ft = heap_scene_new(&o);
	heap_scene_link_objects(ft);
	if (roots) {
		heap_scene_global_roots(ft, heap_global("main.gBuilderPtr"), HEAP_OBJ(0), heap_global("main.gEmbedsPtr"),
					HEAP_OBJ(3));
		heap_scene_cleanup_queue(ft, 2, HEAP_OBJ(1));
	}
	fz_scene_capture(z, ft, CMDS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!heap_layout_load())
		fz_die("no structs test program: run tests/unit/build-testdata.sh");
	snprintf(cmd[0], sizeof(cmd[0]), "heap 0x%llx", (unsigned long long)(SPAN_BASE) + ELEMSIZE + 8);
	snprintf(cmd[1], sizeof(cmd[1]), "heap 0x%llx" " --span", (unsigned long long)(SPAN_BASE) + 2 * ELEMSIZE);
	snprintf(cmd[2], sizeof(cmd[2]), "heap 0x%llx" " --span --limit 4",
		 (unsigned long long)(SPAN_BASE) + 3 * ELEMSIZE);
	snprintf(cmd[3], sizeof(cmd[3]), "heap 0x%llx", (unsigned long long)(SPAN_BASE) + heap_L.page_size + 8);
	snprintf(cmd[4], sizeof(cmd[4]), "heap 0x%llx --why", OBJ(3));
	snprintf(cmd[5], sizeof(cmd[5]), "heap 0x%llx --retains", OBJ(1));
	build(&Z[0], false, false);
	build(&Z[1], true, false);
	build(&Z[2], false, true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 3, data, size);
	return 0;
}
