/* One command in a child: see child_run.h. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "child_run.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif
#if UNDER_ASAN
#include <sanitizer/lsan_interface.h>
#endif

struct job {
	struct gl_session *s;
	struct fake_target *ft;
	const char *args;
	uint64_t as_extra;
	int fd;
};

static void wr(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			_exit(3);
		c += w;
		n -= (size_t)w;
	}
}

static void wr_str(int fd, const char *s)
{
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	wr(fd, &n, 8);
	if (s)
		wr(fd, s, strlen(s));
}

/* This process's address space in bytes, from /proc/self/statm. */
static uint64_t vm_size(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long long pages = 0;
	if (fp) {
		if (fscanf(fp, "%llu", &pages) != 1)
			pages = 0;
		fclose(fp);
	}
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static double cpu_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int child(void *arg)
{
	struct job *j = arg;
	/* cmocka's handlers would catch a crash here and go on running the
	 * remaining tests in this child: let a crash end the child instead. */
	const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (!UNDER_ASAN && j->as_extra) {
		/* No corrupt count may make the core allocate gigabytes. */
		uint64_t lim = vm_size() + j->as_extra;
		struct rlimit rl = {.rlim_cur = lim, .rlim_max = lim};
		setrlimit(RLIMIT_AS, &rl);
	}
	fake_reset_counts(j->ft);
	double t0 = fake_now_ms(), c0 = cpu_now_ms();
	char *out = NULL, *err = NULL;
	int status = gl_session_run(j->s, fake_backend(j->ft), j->args, 0, &out, &err);
	double ms = fake_now_ms() - t0, cpu_ms = cpu_now_ms() - c0;
	wr(j->fd, &status, sizeof(status));
	wr_str(j->fd, out);
	wr_str(j->fd, err);
	uint64_t calls = fake_read_calls(j->ft);
	wr(j->fd, &calls, 8);
	uint64_t nlog = calls < FAKE_LOG_SIZE ? calls : FAKE_LOG_SIZE;
	wr(j->fd, &nlog, 8);
	for (uint64_t i = calls - nlog; i < calls; i++)
		wr(j->fd, fake_read_log(j->ft, i), sizeof(struct fake_read));
	wr(j->fd, &ms, sizeof(ms));
	wr(j->fd, &cpu_ms, sizeof(cpu_ms));
	gl_free(out);
	gl_free(err);
#if UNDER_ASAN
	/* The child ends in _exit, where LeakSanitizer does not look: look
	 * now, so that error paths that leak fail the test. */
	if (__lsan_do_recoverable_leak_check())
		return 1;
#endif
	return 0;
}

static bool rd(FILE *fp, void *p, size_t n)
{
	return fread(p, 1, n, fp) == n;
}

static char *rd_str(FILE *fp)
{
	uint64_t n;
	if (!rd(fp, &n, 8))
		fail_msg("short result from the child");
	if (n == UINT64_MAX)
		return NULL;
	if (n > (1ull << 30))
		fail_msg("implausible result from the child");
	char *s = malloc(n + 1);
	assert_non_null(s);
	if (!rd(fp, s, n)) {
		free(s);
		fail_msg("short result from the child");
	}
	s[n] = '\0';
	return s;
}

void child_result_free(struct child_result *r)
{
	free(r->out);
	free(r->err);
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}

/* rc of fake_run_in_child: fail the test unless the child passed. */
static void fail_unless_ok(int rc, unsigned timeout_ms, const char *what)
{
	if (rc == FAKE_CHILD_TIMEOUT)
		fail_msg("%s: did not finish within %u ms", what, timeout_ms);
	if (rc != FAKE_CHILD_OK)
		fail_msg("%s: a wrong answer, a crash or a leak (see above)", what);
}

void child_must_pass(int (*fn)(void *), void *arg, unsigned timeout_ms, const char *what)
{
	fail_unless_ok(fake_run_in_child(fn, arg, timeout_ms), timeout_ms, what);
}

void child_run_cmd(struct gl_session *s, struct fake_target *ft, const char *args,
		   unsigned timeout_ms, uint64_t as_extra, struct child_result *r)
{
	child_result_free(r);
	snprintf(r->args, sizeof(r->args), "%s", args);
	FILE *fp = tmpfile();
	assert_non_null(fp);
	struct job j = {s, ft, args, as_extra, fileno(fp)};
	int rc = fake_run_in_child(child, &j, timeout_ms);
	if (rc != FAKE_CHILD_OK) {
		fclose(fp);
		char what[sizeof(r->args) + 16];
		snprintf(what, sizeof(what), "golayout %s", args);
		fail_unless_ok(rc, timeout_ms, what);
	}
	rewind(fp);
	if (!rd(fp, &r->status, sizeof(r->status)))
		fail_msg("golayout %s: no result from the child", args);
	r->out = rd_str(fp);
	r->err = rd_str(fp);
	if (!rd(fp, &r->calls, 8) || !rd(fp, &r->nlog, 8) || r->nlog > FAKE_LOG_SIZE)
		fail_msg("short result from the child");
	for (uint64_t i = 0; i < r->nlog; i++)
		if (!rd(fp, &r->log[i], sizeof(r->log[i])))
			fail_msg("short result from the child");
	if (!rd(fp, &r->ms, sizeof(r->ms)) || !rd(fp, &r->cpu_ms, sizeof(r->cpu_ms)))
		fail_msg("short result from the child");
	fclose(fp);
	if (getenv("GL_TEST_TIMING"))
		print_message("  %.0f ms (%.0f ms CPU): golayout %s\n", r->ms, r->cpu_ms, args);
	if (strstr(args, "--json")) {
		json_error_t je;
		r->doc = r->out ? json_loads(r->out, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je) : NULL;
		if (!r->doc)
			fail_msg("golayout %s: output is not one JSON document (%s): %.500s", args,
				 r->out ? je.text : "no output", r->out ? r->out : "");
		if (!json_is_object(r->doc))
			fail_msg("golayout %s: output is not a JSON object", args);
		if (r->err)
			fail_msg("golayout %s --json: an error line besides the document: %s", args, r->err);
	}
}
