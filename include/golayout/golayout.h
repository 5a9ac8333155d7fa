/*
 * golayout — the public C API of the golayout core.
 *
 * A debugger shim (gdb/, lldb/) does three things only:
 *   1. registers the `golayout` command and one subcommand per entry of the
 *      core's command table (gl_command_*), with the core's help text;
 *   2. implements struct gl_backend on top of its debugger;
 *   3. hands the raw argument string to gl_session_run() and prints the
 *      output and error strings it gets back.
 * Everything that knows Go, every option and every format lives in the core.
 */
#ifndef GOLAYOUT_GOLAYOUT_H
#define GOLAYOUT_GOLAYOUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GL_VERSION_STRING "0.1.0"

/* The functions of this header are the only symbols libgolayout.so and the
 * LLDB plugin export: the core is built with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define GL_PUBLIC __attribute__((visibility("default")))
#else
#define GL_PUBLIC
#endif

/* Bumped when struct gl_backend changes; the core accepts every older one.
 * 2: read_memory reports how many bytes it read (1: the fault address);
 *    selected_thread is gone (its slot stays, unused); text_width;
 *    innermost_register.
 * 3: interrupted, load_bias.
 * 4: thread_register, write_output.
 * 5: set_breakpoint, delete_breakpoint (golayout watch). */
#define GL_BACKEND_VERSION 5

/* Return values of the backend callbacks. */
#define GL_BACKEND_OK 0
#define GL_BACKEND_FAIL (-1)
/* read_memory's *nread when the debugger cannot tell (version 2). */
#define GL_NREAD_UNKNOWN UINT64_MAX

/*
 * What a debugger provides. All callbacks receive `ctx`. Any of them but
 * read_memory may be NULL, meaning "this debugger cannot tell".
 * The core never asks a backend to write anything.
 */
struct gl_backend {
	uint32_t version; /* GL_BACKEND_VERSION the shim was written against */
	void *ctx;

	/* Read `len` bytes at `addr` into `buf` and store in *nread how many
	 * bytes from `addr` on were read into `buf`. GL_BACKEND_OK when all
	 * `len` were; otherwise GL_BACKEND_FAIL, and the first *nread bytes of
	 * `buf` are valid: the core caches them and takes the page holding
	 * addr + *nread as unreadable, without asking again. The core stores
	 * GL_NREAD_UNKNOWN in *nread before the call: a debugger that cannot
	 * tell how far a failed read got leaves it, and the core finds the
	 * unreadable page itself, in few calls. Shims do no probing.
	 * The core calls this with whole pages or whole structures, never
	 * one field at a time.
	 * (Version 1: *nread was `fault`, the first unreadable address or
	 * `addr`, and `buf` held nothing usable on failure.) */
	int (*read_memory)(void *ctx, uint64_t addr, void *buf, uint64_t len,
			   uint64_t *nread);

	/* A register of the selected frame, by its DWARF-conventional name
	 * ("rip", "rsp", "rax", "xmm0"...); for a vector register its low 64
	 * bits. GL_BACKEND_FAIL when the register is unavailable in that frame
	 * (e.g. not saved by the callee). */
	int (*read_register)(void *ctx, const char *name, uint64_t *value);

	/* Canonical frame address of the selected frame, when the debugger
	 * knows it. The core computes it from the Go pclntab otherwise. */
	int (*frame_cfa)(void *ctx, uint64_t *cfa);

	/* Version 1 had selected_thread here, which the core never called.
	 * The slot keeps struct gl_backend's layout for version-1 shims. */
	void *unused_v1;

	/* Path of the main executable, NUL-terminated into buf. */
	int (*executable_path)(void *ctx, char *buf, size_t len);

	/* A number that changes whenever the target may have run (a new
	 * stop), so the core can drop its memory cache. A backend that
	 * cannot tell returns 0 and the core reads afresh on every command. */
	uint64_t (*stop_id)(void *ctx);

	/* Nonzero when there is a live process or a core file to read. */
	int (*has_process)(void *ctx);

	/* Depth of the selected frame: 0 for the innermost. Above frame 0 the
	 * PC is a return address and only SP, PC and the frame pointer are
	 * trustworthy (Go preserves no other register across a call). */
	int (*frame_level)(void *ctx, uint32_t *level);

	/* ---- version 2 ---- */

	/* A register of the innermost frame (level 0) of the selected
	 * thread, as read_register reads the selected frame's: with an outer
	 * frame selected, the core still shows the goroutine's whole stack. */
	int (*innermost_register)(void *ctx, const char *name, uint64_t *value);

	/* Columns of the terminal the output goes to (gdb's `width`, LLDB's
	 * terminal width); 0 when the debugger does not cut lines. Return
	 * GL_BACKEND_FAIL (or leave NULL) when the output is not a terminal
	 * (batch runs, pipes, scripts): the core then cuts nothing. */
	int (*text_width)(void *ctx, uint32_t *columns);

	/* ---- version 3 ---- */

	/* Nonzero when the user asked the debugger to stop the running
	 * command (Ctrl-C). The core asks every few tens of milliseconds
	 * while it works, stops decoding, and returns what it has with an
	 * "interrupted" error. It must be cheap and must not block. */
	int (*interrupted)(void *ctx);

	/* Where the debugger loaded the main executable: its load address
	 * minus its link-time address (the difference between the addresses
	 * the process uses and those in the executable's ELF headers, DWARF
	 * and symbol tables), for the running process or the core file.
	 * 0 for an executable that is not position-independent. Return
	 * GL_BACKEND_FAIL when the debugger cannot tell: the core then
	 * refuses to read a position-independent executable's process rather
	 * than read the wrong memory. The core asks once per command; the
	 * value may change from one run of the program to the next (ASLR). */
	int (*load_bias)(void *ctx, uint64_t *bias);

	/* ---- version 4 ---- */

	/* A register of the innermost frame (level 0) of another thread, by
	 * name as read_register: the thread whose operating-system thread id
	 * is `thread` (on Linux the kernel's TID, the LWP that gdb and LLDB
	 * show, in a live process and in a core file alike). The core asks
	 * for the threads a goroutine runs on (the Go runtime keeps their
	 * ids), to unwind a goroutine that is running, in a system call or on
	 * the system stack from where its thread really is. It must leave the
	 * debugger's selected thread and frame as they were.
	 * GL_BACKEND_FAIL when there is no such thread. */
	int (*thread_register)(void *ctx, uint64_t thread, const char *name, uint64_t *value);

	/* Print len bytes of text (not NUL-terminated) now, while the command
	 * still runs. GL_OUT_RESULT: the first part of the command's output,
	 * which then goes on with further calls and ends with the *out of
	 * gl_session_run (printed as always); the core cuts it only between
	 * UTF-8 characters. A large document (a million map entries) is
	 * handed over in chunks of about a megabyte instead of as one string,
	 * so that neither the core nor the debugger holds it twice.
	 * GL_OUT_PROGRESS: a progress line for the terminal ("\r... \033[K"),
	 * sent only with GL_RUN_PROGRESS, never part of the result: write it
	 * to the terminal as it is, unbuffered. GL_BACKEND_FAIL: the core
	 * keeps the text and hands it over in *out instead. NULL: everything
	 * comes in *out. */
	int (*write_output)(void *ctx, const char *text, size_t len, int stream);

	/* ---- version 5 ---- */

	/* Set a breakpoint at the code address addr and store in *id a number
	 * that names it (nonzero, never reused while the breakpoint lives).
	 * When any thread reaches it, the shim calls
	 * gl_session_breakpoint_hit() with that id and a backend whose
	 * selected thread and frame are those of the stopped thread (frame 0),
	 * prints what it returns, and resumes the program unless it returns
	 * GL_BP_STOP. The breakpoint is the core's: the user never sees it
	 * stop on its own. GL_BACKEND_FAIL when the debugger cannot set one. */
	int (*set_breakpoint)(void *ctx, uint64_t addr, uint64_t *id);

	/* Remove the breakpoint id. It may be called from within
	 * gl_session_breakpoint_hit(), for the breakpoint being handled too:
	 * a debugger that cannot remove a breakpoint there disables it at
	 * once and removes it later; it must never report it again. */
	int (*delete_breakpoint)(void *ctx, uint64_t id);
};

/* write_output's streams. */
#define GL_OUT_RESULT 0
#define GL_OUT_PROGRESS 1

struct gl_session;

/* One session per debugger instance; it caches the parsed executable and a
 * per-stop page cache. Returns NULL only when out of memory. */
GL_PUBLIC struct gl_session *gl_session_create(void);
GL_PUBLIC void gl_session_destroy(struct gl_session *s);

/* Flags for gl_session_run. */
#define GL_RUN_TTY 1u /* output goes to a terminal: colour allowed */
/* A person watches a terminal (the debugger's stdout and stderr are one):
 * a long command (not --json) shows its progress through write_output's
 * GL_OUT_PROGRESS. */
#define GL_RUN_PROGRESS 2u

/*
 * Run one golayout command. `args` is everything the user typed after
 * `golayout` (the core tokenizes it, with shell-like quoting).
 * On return *out holds the text to print (may be NULL) and *err one error
 * line (NULL on success); both are freed with gl_free(). With --json the
 * error travels inside the JSON document and *err stays NULL.
 * Returns 0 on success, nonzero when the command failed (even partially).
 * The core keeps no pointer to `be` or its ctx after it returns.
 */
GL_PUBLIC int gl_session_run(struct gl_session *s, const struct gl_backend *be,
		   const char *args, unsigned flags, char **out, char **err);

GL_PUBLIC void gl_free(void *p);

/* gl_session_breakpoint_hit's answers. */
#define GL_BP_CONTINUE 0
#define GL_BP_STOP 1

/*
 * A breakpoint the core set through set_breakpoint (version 5) was reached:
 * `be` describes the thread that reached it. The core decides, quickly for
 * a breakpoint that concerns nothing it watches. On return *out holds text
 * to print now (may be NULL) and *err one error line (NULL when none),
 * both freed with gl_free(). Returns GL_BP_STOP when the program should
 * stay stopped (golayout watch --stop), GL_BP_CONTINUE to resume it.
 * An id the core does not know answers GL_BP_CONTINUE.
 */
GL_PUBLIC int gl_session_breakpoint_hit(struct gl_session *s, const struct gl_backend *be,
					uint64_t id, char **out, char **err);

/* The command table, so that every shim registers the same subcommands
 * with the same help. Index from 0 to gl_command_count()-1. */
GL_PUBLIC size_t gl_command_count(void);
GL_PUBLIC const char *gl_command_name(size_t i);
GL_PUBLIC const char *gl_command_summary(size_t i); /* one line */
GL_PUBLIC const char *gl_command_help(size_t i);    /* full help text */
GL_PUBLIC const char *gl_overview_help(void);       /* help for the prefix command */

#ifdef __cplusplus
}
#endif

#endif
