/* Strings: the headers and bytes of main.gStr, main.gNulStr and the
 * string field of main.gPadded corrupted. */
#include "fuzz.h"

static const char *const GLOBALS[] = {"main.gStr", "main.gNulStr", "main.gPadded", NULL};
static const char *const CMDS[] = {"string main.gStr", "string main.gNulStr",
				   "string main.gPadded.E", NULL};
FZ_STRUCTS_TARGET(GLOBALS, false, CMDS)
