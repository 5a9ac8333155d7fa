/* Swiss maps of the maps-swiss test program (interleaved groups) and of
 * maps-swiss-split (split groups: all keys, then all elems): a small
 * one-group map and a directory of two tables of each, with the header,
 * directory, tables, groups (control words and slots), keys and the
 * runtime's hash keys corrupted.
 * Input: a scene byte (0-3), then patches (fuzz.h). */
#include "fuzz.h"
#include "scene_maps.h"

static const char *const SMALL[] = {"map main.gStrInt", "map main.gStrInt --summary",
				    "value main.gStrInt", "map main.gStrInt --key '\"zeta\"'", NULL};
static const char *const DIR[] = {"map main.gI64Int", "map main.gI64Int --summary",
				  "map main.gI64Int --group 1", "map main.gI64Int --limit 1",
				  "value main.gI64Int", "map main.gI64Int --hash --all",
				  "map main.gI64Int --key 7", NULL};

static struct fz_scene Z[4];
static struct map_scene M[4];

static void build(int i, struct map_bin *bin)
{
	struct swiss L;
	if (!map_bin_get(bin))
		fz_die("no %s test program: run tests/unit/build-testdata.sh", bin->file);
	map_scene_init(&M[i], bin);
	if (i % 2 == 0)
		build_swiss_small(&M[i], &L);
	else
		build_swiss_dir(&M[i], &L, 6, A_TABLE + 0x1000);
	ms_map_hash_keys(&M[i]); /* --summary, --hash and --key hash the keys */
	fz_scene_capture(&Z[i], M[i].ft, i % 2 == 0 ? SMALL : DIR);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	build(0, &B_SWISS);
	build(1, &B_SWISS);
	build(2, &B_SWISS_SPLIT);
	build(3, &B_SWISS_SPLIT);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 4, data, size);
	return 0;
}
