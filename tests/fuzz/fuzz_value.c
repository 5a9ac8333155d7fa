/* Go %v formatting and struct layout of the structs program's composite
 * globals (arrays, padded and embedded structs, pointers, nested strings
 * and slices), their bytes and pointees corrupted. */
#include "fuzz.h"

static const char *const GLOBALS[] = {"main.gArr", "main.gPadded", "main.gEmbeds", "main.gTail",
				      "main.gScalars", "main.gTarget", "main.gC128", NULL};
static const char *const CMDS[] = {"value main.gArr", "value main.gPadded", "struct main.gEmbeds",
				   "value main.gEmbeds", "struct main.gTail", "value main.gScalars",
				   "value main.gTarget", "value main.gC128", NULL};
FZ_STRUCTS_TARGET(GLOBALS, false, CMDS)
