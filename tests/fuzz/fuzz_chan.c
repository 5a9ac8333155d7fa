/* Channels: main.gChan's hchan (counts, ring indexes, buf, elemsize, wait
 * queues) and ring buffer corrupted. */
#include "fuzz.h"

static const char *const GLOBALS[] = {NULL};
static const char *const CMDS[] = {"chan main.gChan", "chan main.gChan --limit 1",
				   "value main.gChan", NULL};
FZ_STRUCTS_TARGET(GLOBALS, true, CMDS)
