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
	fake_set_exe(g.ft, b->path);
	fake_set_reg(g.ft, "rsp", 0x7ff000000000ull);
	fake_set_reg(g.ft, "rip", 0);
	/* as test_golden's goroutines: 1 parked at main.main's entry, 2
	 * parked three frames deep, 3 runnable, 4 dead */
	struct gspec s1 = parked(&g, 1);
	add_g(&g, &s1);
	struct gspec s2 = three_frames(&g, 2);
	add_g(&g, &s2);
	struct gspec s3 = parked(&g, 3);
	s3.status = b->g_runnable;
	s3.waitreason = -1;
	add_g(&g, &s3);
	struct gspec s4 = {.goid = 4, .status = b->g_dead, .waitreason = -1};
	add_g(&g, &s4);
	commit(&g);
	fz_scene_capture(&Z, g.ft, CMDS);
	fake_fill_pages(g.ft);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scene_run(&Z, data, size);
	return 0;
}
