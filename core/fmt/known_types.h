/* Standard library types whose String or Error method fmt calls when it
 * prints them, reproduced without running target code, and types whose
 * fields fmt prints though people read them as something else (a mutex's
 * state, an atomic's value). */
#ifndef GL_KNOWN_TYPES_H
#define GL_KNOWN_TYPES_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "target/ctx.h"
#include "target/types.h"

/* A time.Duration b as Duration.String spells it, appended to sb; false
 * (nothing appended) for another type. */
bool gl_known_duration(const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* The value b of type t as fmt prints it when it calls the type's String or
 * Error method, appended to sb: time.Duration and time.Time, net.IP and
 * netip.Addr, the contexts of package context (the chain of parents),
 * *strings.Builder and *bytes.Buffer (their contents), *big.Int, and the
 * errors errors.New and fmt.Errorf make. False (nothing appended) for
 * another type or when the memory behind b cannot be read. */
bool gl_known_format(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* The same for String methods only (what package context's stringify
 * tests: an error is no Stringer). */
bool gl_known_stringer(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* For a value of type t whose String or Error method fmt would call, one
 * golayout does not reproduce: that method's name ("main.Celsius.String",
 * "main.(*T).Error") into out (n bytes). False when the program has none. */
bool gl_known_unrun_method(struct gl_ctx *c, const struct gl_type *t, char *out, size_t n);
/* For a type fmt prints as its fields although people read it otherwise,
 * that reading, appended to sb: whether a sync.Mutex or RWMutex is locked
 * and who waits, the value of a sync/atomic type, the contents of a
 * strings.Builder or bytes.Buffer, the decimal value of a big.Int. False
 * (nothing appended) for another type or unreadable memory. */
bool gl_known_reading(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);

#endif
