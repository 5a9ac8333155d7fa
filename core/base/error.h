/* Explicit error objects, after libdrgn: every fallible function returns a
 * struct gl_error *, NULL meaning success. Out-of-memory is a static error
 * that needs no allocation. */
#ifndef GL_ERROR_H
#define GL_ERROR_H

#include <stdint.h>

/* Each code means one thing; it reaches the --json document as
 * "error_code" (gl_error_code_name), so scripts can tell errors apart
 * without matching messages. */
enum gl_error_code {
	GL_ERR_OTHER = 1,   /* none of the below (should stay unused) */
	GL_ERR_NOMEM,       /* out of memory in the debugger's process */
	GL_ERR_FAULT,       /* memory could not be read; `address` says where */
	GL_ERR_USAGE,       /* bad command line */
	GL_ERR_LOOKUP,      /* unknown name, type or field */
	GL_ERR_TYPE,        /* value of the wrong kind for the command */
	GL_ERR_NODWARF,     /* the executable lacks debug info golayout needs */
	GL_ERR_NOPROCESS,   /* no live process or core file */
	GL_ERR_UNAVAILABLE, /* variable has no location at this pc */
	GL_ERR_EXECUTABLE,  /* no executable, or it cannot be read as ELF */
	GL_ERR_UNSUPPORTED, /* a target or layout golayout does not handle */
	GL_ERR_CORRUPT,     /* target data contradicts itself (garbage header) */
	GL_ERR_LIMIT,       /* golayout stopped at one of its size bounds */
	GL_ERR_NIL,         /* a nil pointer where an object was asked for */
	GL_ERR_INTERRUPTED, /* the user stopped the command (Ctrl-C) */
	GL_ERR_NOTREADY,    /* the Go runtime is not initialised yet */
	GL_ERR_OUTPUT,      /* the --out or --svg file could not be written */
};
#define GL_ERR_LAST GL_ERR_OUTPUT

struct gl_error {
	enum gl_error_code code;
	uint64_t address; /* GL_ERR_FAULT: first unreadable address */
	char *message;
};

extern struct gl_error gl_error_nomem;

struct gl_error *gl_error_create(enum gl_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct gl_error *gl_error_fault(uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix an existing error's message: "reading bucket 3: <message>". */
struct gl_error *gl_error_wrap(struct gl_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gl_error_destroy(struct gl_error *err);
/* The stable lowercase name of a code ("fault", "nodwarf"...). */
const char *gl_error_code_name(enum gl_error_code code);

#endif
