/* Swiss maps of the maps-swiss test program: a small one-group map and a
 * directory of two tables, with the header, directory, tables, groups
 * (control words and slots) and keys corrupted.
 * Input: a scene byte (0-1), then patches (fuzz.h). */
#include "fuzz.h"
#include "scene_maps.h"

static const char *const SMALL[] = {"map main.gStrInt", "map main.gStrInt --summary",
				    "value main.gStrInt", NULL};
static const char *const DIR[] = {"map main.gI64Int", "map main.gI64Int --summary",
				  "map main.gI64Int --group 1", "map main.gI64Int --limit 1",
				  "value main.gI64Int", NULL};

static struct fz_scene Z[2];
static struct map_scene M[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct swiss L;
	if (!map_bin_get(&B_SWISS))
		fz_die("no maps-swiss test program: run tests/unit/build-testdata.sh");
	map_scene_init(&M[0], &B_SWISS);
	build_swiss_small(&M[0], &L);
	fz_scene_capture(&Z[0], M[0].ft, SMALL);
	fake_fill_pages(M[0].ft);
	map_scene_init(&M[1], &B_SWISS);
	build_swiss_dir(&M[1], &L, 6, A_TABLE + 0x1000);
	fz_scene_capture(&Z[1], M[1].ft, DIR);
	fake_fill_pages(M[1].ft);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 2, data, size);
	return 0;
}
