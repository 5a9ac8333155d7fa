/* The sync.Map hash-trie decoder (Go 1.24+, internal/sync.HashTrieMap) on
 * a trie of the swiss maps test program's layout (scene_syncmap.h): the
 * sync.Map, two inner nodes, three entries (one in an overflow chain) and
 * the runtime's hash keys corrupted; children, parents, overflow chains
 * and isEntry flags point anywhere. The read/dirty sync.Map of Go 1.22
 * and 1.23 (syncmap_rd.c: two classic maps of *entry) has no scene here
 * yet; the integration tests check it on real programs.
 * Input: a command byte, then patches (fuzz.h). */
#include <stdio.h>

#include "fuzz.h"
#include "scene_syncmap.h"

static char cmd[4][64];
static const char *const CMDS[] = {cmd[0], cmd[1], cmd[2], cmd[3], NULL};
static struct fz_scene Z;
static struct map_scene M;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!map_bin_get(&B_SWISS))
		fz_die("no %s test program: run tests/unit/build-testdata.sh", B_SWISS.file);
	static const char *const opts[] = {"", " --summary", " --limit 1", " --all"};
	for (int i = 0; i < 4; i++)
		snprintf(cmd[i], sizeof(cmd[i]), "map 0x%llx --type sync.Map%s", (unsigned long long)A_SM, opts[i]);
	struct sm_trie L;
	map_scene_init(&M, &B_SWISS);
	sm_trie_layout(&M, &L);
	sm_put_good_trie(&M, &L);
	ms_map_hash_keys(&M); /* each entry's hash is computed and checked */
	fz_scene_capture(&Z, M.ft, CMDS);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scene_run(&Z, data, size);
	return 0;
}
