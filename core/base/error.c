#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/names.h"

struct gl_error gl_error_nomem = {
	.code = GL_ERR_NOMEM,
	.message = (char *)"out of memory",
};

static struct gl_error *error_vcreate(enum gl_error_code code, uint64_t addr,
				      const char *fmt, va_list ap)
{
	struct gl_error *err = malloc(sizeof(*err));
	if (!err)
		return &gl_error_nomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &gl_error_nomem;
	}
	err->code = code;
	err->address = addr;
	return err;
}

struct gl_error *gl_error_create(enum gl_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct gl_error *err = error_vcreate(code, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct gl_error *gl_error_fault(uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct gl_error *err = error_vcreate(GL_ERR_FAULT, address, fmt, ap);
	va_end(ap);
	return err;
}

struct gl_error *gl_error_wrap(struct gl_error *err, const char *fmt, ...)
{
	if (!err || err == &gl_error_nomem)
		return err;
	char *prefix, *joined;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	if (asprintf(&joined, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = joined;
	}
	free(prefix);
	return err;
}

void gl_error_destroy(struct gl_error *err)
{
	if (!err || err == &gl_error_nomem)
		return;
	free(err->message);
	free(err);
}

const char *gl_error_code_name(enum gl_error_code code)
{
	/* Part of the JSON schema: never rename one. */
	static const char *const names[] = {
		[GL_ERR_OTHER] = "other",
		[GL_ERR_NOMEM] = "nomem",
		[GL_ERR_FAULT] = "fault",
		[GL_ERR_USAGE] = "usage",
		[GL_ERR_LOOKUP] = "lookup",
		[GL_ERR_TYPE] = "type",
		[GL_ERR_NODWARF] = "nodwarf",
		[GL_ERR_NOPROCESS] = "noprocess",
		[GL_ERR_UNAVAILABLE] = "unavailable",
		[GL_ERR_EXECUTABLE] = "executable",
		[GL_ERR_UNSUPPORTED] = "unsupported",
		[GL_ERR_CORRUPT] = "corrupt",
		[GL_ERR_LIMIT] = "limit",
		[GL_ERR_NIL] = "nil",
		[GL_ERR_INTERRUPTED] = "interrupted",
		[GL_ERR_NOTREADY] = "notready",
		[GL_ERR_OUTPUT] = "output",
	};
	return GL_NAME_OF(names, code, "other");
}
