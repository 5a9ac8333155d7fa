/* The escape-file parser (go build -gcflags=-m output): the input is the
 * file. It is loaded directly and asked about a few variables, then
 * through the commands (escape load, show; text and --json) so that the
 * escape text and document are fuzzed too. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/escape.h"

static struct fz_memfile F;
static struct fake_target *FT;
static struct gl_session *S;
static char load[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_memfile_open(&F, "escape");
	snprintf(load, sizeof(load), "escape load %s", F.path);
	FT = fake_new();
	if (fake_go_binary())
		fake_set_exe(FT, fake_go_binary());
	S = gl_session_create();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_memfile_set(&F, data, size);
	struct gl_escapes *e = NULL;
	struct gl_error *err = gl_escapes_load(F.path, &e);
	if (!err) {
		static const char *const names[] = {"p", "g", "v", "t", "", "~r0", ".autotmp_1"};
		const char *where;
		(void)gl_escapes_count(e);
		(void)gl_escapes_path(e);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			for (int line = -1; line < 300; line += 37)
				(void)gl_escape_verdict_name(gl_escapes_find(e, names[i], line, &where));
	}
	gl_error_destroy(err);
	gl_escapes_destroy(e);
	static const char *const cmds[] = {"escape", "escape show", "escape show --json", NULL};
	fz_command(S, FT, load, false);
	for (const char *const *c = cmds; *c; c++)
		fz_command(S, FT, *c, false);
	fz_command(S, FT, "escape clear", false);
	return 0;
}
