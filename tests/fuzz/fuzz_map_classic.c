/* Classic (bucket) maps of the maps-classic test program: map[string]int,
 * map[int64]int, and a map in the middle of growing (old buckets, some
 * evacuated), with headers, buckets, overflow buckets, keys and the
 * runtime's hash keys corrupted.
 * Input: a scene byte (0-2), then patches (fuzz.h). */
#include "fuzz.h"
#include "scene_maps.h"

static const char *const STRINT[] = {"map main.gStrInt", "map main.gStrInt --summary",
				     "value main.gStrInt", "map main.gStrInt --hash",
				     "map main.gStrInt --key '\"bb\"'", NULL};
static const char *const FOUR[] = {"map main.gI64Int", "map main.gI64Int --bucket 1",
				   "map main.gI64Int --limit 2", "value main.gI64Int", NULL};
static const char *const GROWING[] = {"map main.gI64Int", "map main.gI64Int --summary",
				      "map main.gI64Int --bucket 0", "map main.gI64Int --key 3", NULL};

static struct fz_scene Z[3];
static struct map_scene M[3];

static void build(int i, void (*b)(struct map_scene *, struct classic *), const char *const *cmds)
{
	struct classic L;
	map_scene_init(&M[i], map_bin_get(&B_CLASSIC));
	b(&M[i], &L);
	ms_map_hash_keys(&M[i]); /* --summary, --hash and --key hash the keys */
	fz_scene_capture(&Z[i], M[i].ft, cmds);
}

static void build_growing(struct map_scene *f, struct classic *L)
{
	build_classic_growing(f, L, NULL, NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!map_bin_get(&B_CLASSIC))
		fz_die("no maps-classic test program: run tests/unit/build-testdata.sh");
	build(0, build_classic_strint, STRINT);
	build(1, build_classic_four, FOUR);
	build(2, build_growing, GROWING);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 3, data, size);
	return 0;
}
