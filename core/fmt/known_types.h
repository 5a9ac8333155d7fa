/* Standard library types whose String or Error method fmt calls when it
 * prints them, reproduced without running target code: time.Duration, and
 * the errors errors.New and fmt.Errorf make (their message). */
#ifndef GL_KNOWN_TYPES_H
#define GL_KNOWN_TYPES_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "target/ctx.h"
#include "target/types.h"

/* A time.Duration b as Duration.String spells it, appended to sb; false
 * (nothing appended) for another type. */
bool gl_known_duration(const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* For a pointer b to the error errors.New or fmt.Errorf made, the string
 * its Error method returns (its message field): *ptr and *len of the
 * string; false for another type or when it cannot be read. */
bool gl_known_error(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, uint64_t *ptr,
		    uint64_t *len);

#endif
