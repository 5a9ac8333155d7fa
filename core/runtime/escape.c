#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/names.h"
#include "base/number.h"
#include "runtime/escape.h"

/* Bounds on what the user hands us: -m output of a large program is tens
 * of megabytes with lines of a few hundred bytes; anything far beyond is
 * not compiler output, and /dev/zero would otherwise be read forever. */
#define MAX_LINE (64u << 10)
#define MAX_FILE (1ull << 30)
#define MAX_ENTRIES (1u << 22)

struct esc_entry {
	char *name, *where;
	enum gl_escape_verdict verdict;
	int line;
};

struct gl_escapes {
	char *path;
	struct esc_entry *e;
	size_t n, cap;
};

static bool add(struct gl_escapes *x, const char *name, size_t nlen, const char *where,
		size_t wlen, int line, enum gl_escape_verdict verdict)
{
	if (x->n >= MAX_ENTRIES || !GL_ARRAY_RESERVE(x->e, x->cap, x->n, 256))
		return false;
	struct esc_entry *e = &x->e[x->n];
	e->name = strndup(name, nlen);
	e->where = strndup(where, wlen);
	e->verdict = verdict;
	e->line = line;
	if (!e->name || !e->where) {
		free(e->name);
		free(e->where);
		return false;
	}
	x->n++;
	return true;
}

/* One line of -m output: "FILE:LINE:COL: MESSAGE". The messages that
 * speak of a named variable:
 *   moved to heap: x        leaking param: p        leaking param content: p
 *   x does not escape       x escapes to heap
 * (with -m -m, continuation lines are indented and skipped). */
static void parse_line(struct gl_escapes *x, char *s)
{
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '#')
		return;
	char *p1 = strchr(s, ':');
	char *p2 = p1 ? strchr(p1 + 1, ':') : NULL;
	char *p3 = p2 ? strchr(p2 + 1, ':') : NULL;
	if (!p3 || p3[1] != ' ')
		return;
	const char *end;
	uint64_t line;
	if (!gl_parse_u64_prefix(p1 + 1, &end, &line) || end != p2 || line > INT_MAX)
		return; /* no line number: not a -m line */
	const char *msg = p3 + 2;
	size_t wlen = (size_t)(p3 - s);
	static const struct { const char *prefix; enum gl_escape_verdict verdict; } pre[] = {
		{"moved to heap: ", GL_ESC_MOVED_TO_HEAP},
		{"leaking param content: ", GL_ESC_LEAKING_PARAM_CONTENT},
		{"leaking param: ", GL_ESC_LEAKING_PARAM},
	};
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t pl = strlen(pre[i].prefix);
		if (!strncmp(msg, pre[i].prefix, pl)) {
			const char *name = msg + pl;
			size_t nl = strcspn(name, " \n");
			add(x, name, nl, s, wlen, (int)line, pre[i].verdict);
			return;
		}
	}
	static const struct { const char *suffix; enum gl_escape_verdict verdict; } suf[] = {
		{" does not escape", GL_ESC_DOES_NOT_ESCAPE},
		{" escapes to heap", GL_ESC_ESCAPES_TO_HEAP},
	};
	for (size_t i = 0; i < sizeof(suf) / sizeof(suf[0]); i++) {
		const char *at = strstr(msg, suf[i].suffix);
		if (!at)
			continue;
		size_t nl = (size_t)(at - msg);
		/* only plain identifiers name variables; "&T{...}" and calls are expressions */
		bool ident = nl > 0;
		for (size_t k = 0; k < nl && ident; k++)
			ident = (msg[k] >= 'a' && msg[k] <= 'z') || (msg[k] >= 'A' && msg[k] <= 'Z') ||
				(msg[k] >= '0' && msg[k] <= '9') || msg[k] == '_';
		if (ident)
			add(x, msg, nl, s, wlen, (int)line, suf[i].verdict);
		return;
	}
}

/* Open path for reading if it is a regular file of bounded size. O_NONBLOCK
 * keeps open() from waiting for a FIFO's writer; it is cleared once fstat
 * has shown a regular file (where it means nothing anyway). */
static struct gl_error *open_regular(const char *path, FILE **out)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return gl_error_create(GL_ERR_USAGE, "cannot open %s", path);
	struct stat st;
	const char *bad = NULL;
	if (fstat(fd, &st) != 0)
		bad = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		bad = "a directory, not a file";
	else if (!S_ISREG(st.st_mode))
		bad = "not a regular file (a device, FIFO or socket)";
	else if ((unsigned long long)st.st_size > MAX_FILE)
		bad = "larger than 1 GiB (not -gcflags=-m output?)";
	int fl = bad ? 0 : fcntl(fd, F_GETFL);
	if (!bad && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0))
		bad = strerror(errno);
	FILE *f = bad ? NULL : fdopen(fd, "r");
	if (!bad && !f)
		bad = strerror(errno);
	if (bad) {
		close(fd);
		return gl_error_create(GL_ERR_USAGE, "cannot load %s: %s", path, bad);
	}
	*out = f;
	return NULL;
}

/* Parse every line of f; an overlong line or a file that grew past the
 * bound since fstat is an error, as is a read error. */
static struct gl_error *parse_file(struct gl_escapes *x, FILE *f, char *buf)
{
	unsigned long long total = 0;
	for (unsigned long long lineno = 1; fgets(buf, MAX_LINE, f); lineno++) {
		size_t n = strlen(buf);
		total += n;
		if (total > MAX_FILE)
			return gl_error_create(GL_ERR_USAGE, "cannot load %s: larger than 1 GiB",
					       x->path);
		if (n == MAX_LINE - 1 && buf[n - 1] != '\n')
			return gl_error_create(GL_ERR_USAGE,
					       "cannot load %s: line %llu is longer than %u bytes "
					       "(not -gcflags=-m output?)",
					       x->path, lineno, MAX_LINE - 1);
		parse_line(x, buf);
	}
	if (ferror(f))
		return gl_error_create(GL_ERR_USAGE, "cannot read %s: %s", x->path, strerror(errno));
	return NULL;
}

struct gl_error *gl_escapes_load(const char *path, struct gl_escapes **out)
{
	FILE *f = NULL;
	struct gl_error *err = open_regular(path, &f);
	if (err)
		return err;
	struct gl_escapes *x = calloc(1, sizeof(*x));
	char *buf = malloc(MAX_LINE);
	if (!x || !buf || !(x->path = strdup(path))) {
		fclose(f);
		free(buf);
		gl_escapes_destroy(x);
		return &gl_error_nomem;
	}
	err = parse_file(x, f, buf);
	fclose(f);
	free(buf);
	if (!err && x->n == 0)
		err = gl_error_create(GL_ERR_USAGE,
				      "%s has no escape analysis lines (build with go build -gcflags=-m 2> FILE)",
				      path);
	if (err) {
		gl_escapes_destroy(x);
		return err;
	}
	*out = x;
	return NULL;
}

void gl_escapes_destroy(struct gl_escapes *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		free(x->e[i].name);
		free(x->e[i].where);
	}
	free(x->e);
	free(x->path);
	free(x);
}

size_t gl_escapes_count(const struct gl_escapes *x)
{
	return x ? x->n : 0;
}

const char *gl_escapes_path(const struct gl_escapes *x)
{
	return x ? x->path : NULL;
}

const char *gl_escape_verdict_name(enum gl_escape_verdict v)
{
	static const char *const names[] = {
		[GL_ESC_NONE] = "", [GL_ESC_MOVED_TO_HEAP] = "moved to heap",
		[GL_ESC_LEAKING_PARAM_CONTENT] = "leaking param content",
		[GL_ESC_LEAKING_PARAM] = "leaking param", [GL_ESC_DOES_NOT_ESCAPE] = "does not escape",
		[GL_ESC_ESCAPES_TO_HEAP] = "escapes to heap",
	};
	return GL_NAME_OF(names, v, "");
}

enum gl_escape_verdict gl_escapes_find(const struct gl_escapes *x, const char *name, int line,
				       const char **where)
{
	if (!x)
		return GL_ESC_NONE;
	/* "moved to heap" wins over weaker statements about the same name */
	const struct esc_entry *best = NULL;
	for (size_t i = 0; i < x->n; i++) {
		const struct esc_entry *e = &x->e[i];
		if (e->line != line || strcmp(e->name, name))
			continue;
		if (!best || e->verdict == GL_ESC_MOVED_TO_HEAP)
			best = e;
	}
	if (best && where)
		*where = best->where;
	return best ? best->verdict : GL_ESC_NONE;
}
