/* Where an address lives (runtime/home.h), as documents and text spell it. */
#ifndef GL_HOME_DOC_H
#define GL_HOME_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "runtime/home.h"

/* "stack of goroutine 1", ".rodata of the binary", "heap, size class 5
 * (48-byte slots), allocated object"... into buf. */
void gl_home_describe(const struct gl_home *h, char *buf, size_t len);
/* {"kind", "description", ...} of the golayout/1 schema. */
json_t *gl_home_json(const struct gl_home *h);

#endif
