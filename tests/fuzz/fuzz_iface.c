/* Interfaces: main.gIface's type (itab) and data words, and what the data
 * word points to, corrupted. */
#include "fuzz.h"

static const char *const GLOBALS[] = {"main.gIface", NULL};
static const char *const CMDS[] = {"iface main.gIface", "value main.gIface", NULL};
FZ_STRUCTS_TARGET(GLOBALS, false, CMDS)
