/* Goroutines and the unwinder: allgs, the g structs (status, stack
 * bounds, sched sp/pc, goid, wait reason) and the stacks (return
 * addresses, frames) of four goroutines of the structs program corrupted;
 * `goroutines` lists them, `stack N` unwinds one with the pclntab. */
#include "fuzz.h"
#include "scene_goroutines.h"

static const char *const CMDS[] = {"goroutines", "goroutines --dead", "goroutines --status waiting",
				   "stack 1", "stack 2", "stack 3", NULL};
static struct fz_scene Z;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct g_bin *b = g_bin_get();
	if (!b)
		fz_die("%s", G_BIN.why);
	struct g_scene g = {.bin = b, .ft = fake_new()};
	build_four_goroutines(&g);
	fz_scene_capture(&Z, g.ft, CMDS);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scene_run(&Z, data, size);
	return 0;
}
