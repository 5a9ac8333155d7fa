/* The heap and the GC walk over the synthetic heap (scene_heap.h): the
 * arena index, heapArena, mspan (counts, bitmaps, specials list,
 * finalizers), allspans and the arena list corrupted; `heap` decodes one
 * object, its span, its specials and its pointer map, `gc` walks every
 * span. Input: a scene byte (0: sweep phase, 1: mark phase), then patches
 * (fuzz.h). */
#include <stdio.h>

#include "fuzz.h"
#include "scene_heap.h"

static char cmd[4][64];
static const char *CMDS[] = {cmd[0], cmd[1], cmd[2], cmd[3], "gc", "gc --all", NULL};
static struct fz_scene Z[2];

static void build(struct fz_scene *z, bool mark)
{
	struct heap_opts o = HEAP_OK_OPTS;
	o.phase_mark = mark;
	struct fake_target *ft = heap_scene_new(&o);
	fz_scene_capture(z, ft, CMDS);
	fake_fill_pages(ft);
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
	build(&Z[0], false);
	build(&Z[1], true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 2, data, size);
	return 0;
}
