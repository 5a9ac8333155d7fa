/* The sync.Map decoders on two scenes, both at A_SM:
 *  0: the hash-trie (Go 1.24+, internal/sync.HashTrieMap) of the swiss
 *     maps test program's layout: the sync.Map, two inner nodes, three
 *     entries (one in an overflow chain); children, parents, overflow
 *     chains and isEntry flags point anywhere;
 *  1: the read/dirty sync.Map (Go 1.22, 1.23) of the classic maps test
 *     program's layout: readOnly, the read and dirty maps of interface
 *     keys to *entry (shared entries, one deleted, one expunged), the
 *     values, and the sync.expunged sentinel;
 * with the runtime's hash keys corrupted too (scene_syncmap.h).
 * Input: a scene byte, a command byte, then patches (fuzz.h). */
#include <stdio.h>

#include "fuzz.h"
#include "scene_syncmap.h"

static char cmd[4][64];
static const char *const CMDS[] = {cmd[0], cmd[1], cmd[2], cmd[3], NULL};
static struct fz_scene Z[2];
static struct map_scene M[2];

static void need(struct map_bin *b)
{
	if (!map_bin_get(b))
		fz_die("no %s test program: run tests/unit/build-testdata.sh", b->file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	need(&B_SWISS);
	need(&B_CLASSIC);
	static const char *const opts[] = {"", " --summary", " --limit 1", " --all"};
	for (int i = 0; i < 4; i++)
		snprintf(cmd[i], sizeof(cmd[i]), "map 0x%llx --type sync.Map%s", (unsigned long long)A_SM, opts[i]);
	struct sm_trie T;
	map_scene_init(&M[0], &B_SWISS);
	sm_trie_layout(&M[0], &T);
	sm_put_good_trie(&M[0], &T);
	struct sm_rd R;
	map_scene_init(&M[1], &B_CLASSIC);
	sm_rd_layout(&M[1], &R);
	sm_put_good_rd(&M[1], &R);
	for (int i = 0; i < 2; i++) {
		ms_map_hash_keys(&M[i]); /* each entry's hash is computed and checked */
		fz_scene_capture(&Z[i], M[i].ft, CMDS);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_scenes_run(Z, 2, data, size);
	return 0;
}
