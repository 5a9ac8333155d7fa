/* Slices: main.gSlice's header and backing array corrupted. */
#include "fuzz.h"

static const char *const GLOBALS[] = {"main.gSlice", NULL};
static const char *const CMDS[] = {"slice main.gSlice", "slice main.gSlice --limit 1",
				   "value main.gSlice", NULL};
FZ_STRUCTS_TARGET(GLOBALS, false, CMDS)
