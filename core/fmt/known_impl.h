/* What the known_*.c files share: reading a standard library value's
 * fields and the memory behind them, and the entry points of each file
 * (dispatched by known_types.c on the type's name). Internal to core/fmt. */
#ifndef GL_KNOWN_IMPL_H
#define GL_KNOWN_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "target/ctx.h"
#include "target/types.h"

/* Longest chain of contexts, words of a big.Int, bytes of a buffer that
 * golayout reads for one value. */
#define GL_KNOWN_MAX_CHAIN 64
#define GL_KNOWN_MAX_WORDS 256
#define GL_KNOWN_MAX_BYTES 4096

/* Field name of struct t when it has kind k (GL_K_INVALID: any) and lies
 * inside t; else NULL (a layout golayout does not know). */
const struct gl_field *gl_known_field(const struct gl_type *t, const char *name, enum gl_kind k);
/* The integer in field name of the struct value b (signed or not by its
 * kind); false when t has no such integer field. */
bool gl_known_int(const struct gl_type *t, const unsigned char *b, const char *name, int64_t *v);
/* n bytes at addr; false when unreadable. */
bool gl_known_read(struct gl_ctx *c, uint64_t addr, void *buf, uint64_t n);
/* The address of the global name, or 0 when there is none (or no DWARF). */
uint64_t gl_known_global(struct gl_ctx *c, const char *name);
/* The target's pointer size (8 without a target). */
unsigned gl_known_ptr_size(const struct gl_ctx *c);
/* The value of type t at addr, read into a buffer the caller frees; NULL
 * when unreadable or too large. */
unsigned char *gl_known_load(struct gl_ctx *c, const struct gl_type *t, uint64_t addr);

/* A String method reproduced: appends to sb, false (sb unchanged or
 * to be cut back) for another type or unreadable memory. */
typedef bool gl_known_fn(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);

/* known_time.c: time.Time.String. */
bool gl_known_time(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* known_net.c: net.IP.String and net/netip.Addr.String. */
bool gl_known_ip(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
bool gl_known_netip(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* known_context.c: the String method of the context package's contexts
 * (t is the dynamic type: *context.cancelCtx, context.backgroundCtx...);
 * stringer prints the keys and values of WithValue contexts that have one. */
bool gl_known_context(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, gl_known_fn *stringer,
		      struct strbuf *sb);
/* known_bytes.c: the contents of a strings.Builder or bytes.Buffer (t is
 * the struct), the decimal value of a math/big.Int (the struct). */
bool gl_known_builder(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
bool gl_known_buffer(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
bool gl_known_bigint(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
/* Of those, the one for the struct type named type (whose String method
 * takes a pointer), or NULL. */
gl_known_fn *gl_known_pointer_method(const char *type);
/* known_sync.c: whether a sync.Mutex or RWMutex is locked and who waits;
 * the value of a sync/atomic type. */
bool gl_known_mutex(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
bool gl_known_rwmutex(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);
bool gl_known_atomic(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb);

#endif
