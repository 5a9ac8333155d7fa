/* One golayout command in a forked, time-limited child (fake_run_in_child):
 * for commands on corrupt memory that must give a bounded answer, never a
 * hang, a crash, a leak or a huge allocation. The child sends back the
 * output, the error line and the fake backend's read log; the checks run
 * in the parent. Shared by test_maps and test_goroutines. */
#ifndef GL_CHILD_RUN_H
#define GL_CHILD_RUN_H

#include <jansson.h>
#include <stdint.h>

#include "fake_target.h"

struct child_result {
	char args[512]; /* the command, for messages */
	int status;
	char *out, *err;
	json_t *doc; /* with --json: the one JSON object printed */
	uint64_t calls; /* backend reads of the command */
	uint64_t nlog;
	struct fake_read log[FAKE_LOG_SIZE]; /* the last nlog of them */
	double ms;     /* wall time of gl_session_run */
	double cpu_ms; /* CPU time of it: what "quick" checks use, as wall time
			* depends on how busy the machine is */
};

/* Run "golayout <args>" with session s on ft in a child killed after
 * timeout_ms, its address space limited to what it has plus as_extra
 * bytes (outside ASan). Fills r (freed first). Fails the test when the
 * child hangs, crashes or leaks, or when --json gives anything but one
 * JSON object and no error line. */
void child_run_cmd(struct gl_session *s, struct fake_target *ft, const char *args,
		   unsigned timeout_ms, uint64_t as_extra, struct child_result *r);
void child_result_free(struct child_result *r);

/* Run fn(arg) in a child killed after timeout_ms (fake_run_in_child) and
 * fail the test, naming what, unless it returned 0: a hang, a crash, a
 * leak or a wrong answer (which fn reports on stderr). The one check of
 * a child's end for every test that runs code in one. */
void child_must_pass(int (*fn)(void *), void *arg, unsigned timeout_ms, const char *what);

#endif
