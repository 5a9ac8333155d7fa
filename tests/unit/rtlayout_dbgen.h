/* The generator of the built-in runtime-layout database
 * (core/gotypes/rtlayout_db.inc), used by check_rtlayout: every fixture's
 * table, loaded from its DWARF, is added; fixtures of one release,
 * variants and GOARCH must agree (each fills in what the others' linkers
 * dropped); the result is rendered as C initialisers. */
#ifndef GL_RTLAYOUT_DBGEN_H
#define GL_RTLAYOUT_DBGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "gotypes/rtlayout_db.h"

/* Add the table L of target t (configuration label); false, with the
 * reason in err, when it contradicts what was added before. */
bool gl_dbgen_add(const char *label, struct gl_target *t, const struct gl_rtlayout *L, char *err, size_t len);
/* The database file's text (malloc'd), or NULL without memory. */
char *gl_dbgen_render(void);

#endif
