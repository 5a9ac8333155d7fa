/* What a command sees while it runs: the session's target and memory, the
 * backend, the parsed options, and the layout document it builds. */
#ifndef GL_CTX_H
#define GL_CTX_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"
#include "mem.h"
#include "strbuf.h"
#include "target.h"

#define GL_MAX_ARGS 32
#define GL_DEFAULT_LIMIT 16

struct gl_opts {
	bool json, all, no_color, summary, help;
	bool limit_set;
	long limit;
	const char *type;      /* --type */
	const char *status;    /* --status (goroutines) */
	const char *func;      /* --func (goroutines) */
	const char *escape;    /* --escape FILE (stack) */
	bool dead;             /* --dead: include dead goroutines */
	bool span;             /* --span (heap): every object of the span */
	long index;            /* --bucket / --group, -1 if unset */
	const char *args[GL_MAX_ARGS];
	int nargs;
};

struct gl_session;

struct gl_ctx {
	struct gl_session *session;
	const struct gl_backend *be;
	struct gl_target *t;   /* NULL when no executable is known */
	struct gl_mem *mem;
	struct gl_opts opts;
	bool color;
	struct strbuf out;     /* ASCII output */
};

/* The target, or an error saying why there is none. */
struct gl_error *gl_ctx_target(struct gl_ctx *c, struct gl_target **t);
struct gl_error *gl_ctx_need_process(struct gl_ctx *c);

/* A new document with the fields every document has. type may be NULL. */
json_t *gl_doc_new(struct gl_ctx *c, const char *kind, const char *type, bool has_addr,
		   uint64_t addr);
/* "0x..." text of an address, as every document spells addresses. */
json_t *gl_json_addr(uint64_t addr);
void gl_json_set_addr(json_t *o, const char *key, uint64_t addr);
/* A JSON string from arbitrary bytes: invalid UTF-8 becomes U+FFFD, as
 * Go's encoding/json does. Never NULL unless out of memory. */
json_t *gl_json_text(const char *s);
json_t *gl_json_textn(const char *s, size_t len);

/* Colours: empty strings unless colour is on. */
const char *gl_c(struct gl_ctx *c, const char *which);

#endif
