/* Explicit error objects, after libdrgn: every fallible function returns a
 * struct gl_error *, NULL meaning success. Out-of-memory is a static error
 * that needs no allocation. */
#ifndef GL_ERROR_H
#define GL_ERROR_H

#include <stdint.h>

enum gl_error_code {
	GL_ERR_OTHER = 1,
	GL_ERR_NOMEM,
	GL_ERR_FAULT,     /* memory could not be read; `address` says where */
	GL_ERR_USAGE,     /* bad command line */
	GL_ERR_LOOKUP,    /* unknown name, type or field */
	GL_ERR_TYPE,      /* value of the wrong kind */
	GL_ERR_NODWARF,   /* executable without the debug info we need */
	GL_ERR_NOPROCESS, /* no live process or core file */
	GL_ERR_UNAVAILABLE, /* variable has no location here */
};

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

#endif
