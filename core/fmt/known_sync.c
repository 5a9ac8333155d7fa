/* What a sync.Mutex, sync.RWMutex or sync/atomic value says, read from its
 * fields (fmt prints those: {state sema}, {{} 5}): whether the mutex is
 * locked and who waits for it (the state bits of sync's mutex, which moved
 * into internal/sync's Mutex, field mu, in Go 1.24), an atomic's value. */
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"

/* sync's state bits (mutexLocked, mutexWoken, mutexStarving) and the
 * shift of the waiter count, unchanged since Go 1.9. */
#define MUTEX_LOCKED 1
#define MUTEX_STARVING 4
#define MUTEX_WAITER_SHIFT 3
/* rwmutexMaxReaders: a writer takes it off readerCount. */
#define RW_MAX_READERS (1 << 30)

static void count(struct strbuf *sb, int64_t n, const char *what)
{
	if (n > 0)
		sb_addf(sb, ", %lld %s%s waiting", (long long)n, what, n == 1 ? "" : "s");
}

/* The state word of a sync.Mutex: its own field before Go 1.24, its mu's
 * (internal/sync.Mutex) after. */
static bool mutex_state(const struct gl_type *t, const unsigned char *b, int64_t *state)
{
	const struct gl_field *mu = gl_known_field(t, "mu", GL_K_STRUCT);
	return mu ? gl_known_int(mu->type, b + mu->offset, "state", state) : gl_known_int(t, b, "state", state);
}

bool gl_known_mutex(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	(void)c;
	int64_t s;
	if (!mutex_state(t, b, &s))
		return false;
	sb_add(sb, s & MUTEX_LOCKED ? "locked" : "unlocked");
	count(sb, (int64_t)((uint32_t)s >> MUTEX_WAITER_SHIFT), "goroutine");
	if (s & MUTEX_STARVING)
		sb_add(sb, ", starving");
	return true;
}

/* The v of an atomic.Int32 field. */
static bool atomic_field(const struct gl_type *t, const unsigned char *b, const char *name, int64_t *v)
{
	const struct gl_field *f = gl_known_field(t, name, GL_K_STRUCT);
	return f && gl_known_int(f->type, b + f->offset, "v", v);
}

bool gl_known_rwmutex(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	(void)c;
	const struct gl_field *w = gl_known_field(t, "w", GL_K_STRUCT);
	int64_t ws, readers, departing;
	if (!w || !mutex_state(w->type, b + w->offset, &ws) || !atomic_field(t, b, "readerCount", &readers) ||
	    !atomic_field(t, b, "readerWait", &departing))
		return false;
	/* writers queue on w beyond the one that holds it */
	int64_t writers = (int64_t)((uint32_t)ws >> MUTEX_WAITER_SHIFT);
	if (readers >= 0) {
		if (readers > 0)
			sb_addf(sb, "read-locked by %lld", (long long)readers);
		else
			sb_add(sb, "unlocked");
		count(sb, writers + ((ws & MUTEX_LOCKED) != 0), "writer");
		return true;
	}
	/* a writer took RW_MAX_READERS off: readers that came since wait */
	int64_t pending = readers + RW_MAX_READERS;
	if (departing > 0) {
		sb_addf(sb, "read-locked by %lld, 1 writer waiting", (long long)departing);
		count(sb, pending - departing, "reader");
	} else {
		sb_add(sb, "write-locked");
		count(sb, pending, "reader");
	}
	count(sb, writers, "writer");
	return true;
}

bool gl_known_atomic(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	const char *name = t->name + strlen("sync/atomic.");
	const struct gl_field *v = gl_known_field(t, "v", GL_K_INVALID);
	if (!v)
		return false;
	if (!strcmp(name, "Bool")) {
		sb_add(sb, gl_get_uint(b + v->offset, v->type->size) ? "true" : "false");
	} else if (!strcmp(name, "Value") && v->type->kind == GL_K_INTERFACE) {
		gl_format_value(c, v->type, b + v->offset, sb, 0);
	} else if (!strncmp(name, "Pointer[", 8)) {
		/* its first field, _ [0]*T, gives the pointer's type */
		const struct gl_field *pt = &t->fields[0];
		if (t->nfields < 1 || pt->type->kind != GL_K_ARRAY || !pt->type->elem ||
		    pt->type->elem->kind != GL_K_POINTER || pt->type->elem->size != v->type->size)
			return false;
		gl_format_value(c, pt->type->elem, b + v->offset, sb, 0);
	} else if (!strcmp(name, "Int32") || !strcmp(name, "Int64")) {
		sb_addf(sb, "%lld", (long long)gl_get_int(b + v->offset, v->type->size));
	} else if (!strcmp(name, "Uint32") || !strcmp(name, "Uint64") || !strcmp(name, "Uintptr")) {
		sb_addf(sb, "%llu", (unsigned long long)gl_get_uint(b + v->offset, v->type->size));
	} else {
		return false;
	}
	return true;
}
