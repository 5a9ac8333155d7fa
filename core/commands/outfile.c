#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "commands/outfile.h"

bool gl_outfile_counts(const char *pattern)
{
	return pattern && strstr(pattern, "%n");
}

struct gl_error *gl_outfile_path(const char *pattern, unsigned long n, char **path)
{
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = pattern; *p; p++) {
		if (p[0] == '%' && p[1] == 'n') {
			sb_addf(&sb, "%lu", n);
			p++;
		} else {
			sb_addc(&sb, *p);
		}
	}
	if (sb.oom || !sb.s) {
		sb_deinit(&sb);
		return sb.oom ? &gl_error_nomem : gl_error_create(GL_ERR_USAGE, "an empty file name");
	}
	*path = sb_steal(&sb);
	return NULL;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

static struct gl_error *fail(const char *opt, const char *path, const char *what, int e)
{
	return gl_error_create(GL_ERR_OUTPUT, "%s %s: %s: %s", opt, path, what, strerror(e));
}

struct gl_error *gl_outfile_write(const char *opt, const char *path, const char *data, size_t len,
				  bool append)
{
	struct stat st;
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return gl_error_create(GL_ERR_OUTPUT, "%s %s: %s, not a regular file: not written", opt,
				       path, file_kind(st.st_mode));
	/* O_NONBLOCK: a FIFO made between the stat and the open must not
	 * block the debugger; fstat below refuses it. */
	int fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC | O_NONBLOCK |
				    (append ? O_APPEND : O_TRUNC),
		      0644);
	if (fd < 0)
		return fail(opt, path, "cannot open", errno);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return gl_error_create(GL_ERR_OUTPUT, "%s %s: not a regular file: not written", opt, path);
	}
	off_t before = st.st_size;
	size_t done = 0;
	int e = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : ENOSPC;
			break;
		}
		done += (size_t)n;
	}
	if (e && append && ftruncate(fd, before)) {
		/* the file keeps a partial document; the error says the write failed */
	}
	if (close(fd) && !e)
		e = errno;
	if (e)
		return fail(opt, path, "write failed", e);
	return NULL;
}
