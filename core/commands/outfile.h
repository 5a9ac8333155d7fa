/* Files a command writes instead of (--out) or besides (--svg) printing:
 * the file name's %n counter and the write itself, refusing anything but
 * a regular file, with every failure said in one line. */
#ifndef GL_OUTFILE_H
#define GL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Whether a file name has a %n to replace. */
bool gl_outfile_counts(const char *pattern);
/* The file name with each %n replaced by n (malloc'd, in *path). */
struct gl_error *gl_outfile_path(const char *pattern, unsigned long n, char **path);
/* Write len bytes of data to path: appended (append) or replacing its
 * contents. A path that exists but is not a regular file (a directory, a
 * FIFO, a device such as /dev/full) is refused before it is opened, so
 * nothing blocks or lands in a device. An append that fails part-way is
 * cut back to the file's former size, so a JSONL file never ends in half
 * a document. `opt` ("--out", "--svg") names the option in errors. */
struct gl_error *gl_outfile_write(const char *opt, const char *path, const char *data, size_t len,
				  bool append);

#endif
