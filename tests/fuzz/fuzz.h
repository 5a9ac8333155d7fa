/* What the libFuzzer targets of tests/fuzz share.
 *
 * A scene fuzzer builds one real, valid scene once per process with the
 * unit tests' builders (tests/unit/scene_*.c, fake_target.c): a map, a
 * channel, goroutines, a heap... in a fake backend. Each input then
 * corrupts the scene's runtime structures in place, runs one of the
 * target's commands in one form (text; --json: decoder and document
 * builder; text with its --svg picture), and the structures are put back
 * for the next input.
 *
 * An input is
 *   [command: 1 byte][patches...]
 * (after a scene byte, for targets with several scenes). The command byte
 * picks command (b % (n * 3)) / 3 of the target's n, in form b % 3 (no
 * byte: the first command as text). One command an input, not all of
 * them: an input that runs every command costs as much as twenty, and
 * the fuzzer learns which command a patch matters to. A patch is
 *   [region: 1 byte][offset: 2 bytes LE][n: 1 byte][n bytes]
 * that overwrites region (region % count)'s bytes from (offset % its
 * length) on, as far as the region goes. The regions are those the scene
 * mapped itself (its structures), not the zero pages around them. The
 * seeds (tests/fuzz/corpus/) are the scenes as built, a file for each
 * command and form: [scene][command byte]. */
#ifndef GL_FUZZ_H
#define GL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_target.h"

#define FZ_MAX_REGIONS 256

struct fz_scene {
	struct fake_target *ft;
	struct gl_session *s;
	size_t nregions;               /* the structures: regions [0, nregions) */
	unsigned char *orig[FZ_MAX_REGIONS]; /* their bytes as built */
	bool dirty[FZ_MAX_REGIONS];    /* patched by the input being run */
	const char *const *cmds;       /* NULL-terminated */
};

/* Take the scene's regions as its structures (call after building it)
 * and keep a copy of their bytes; then map zeros in the rest of the pages
 * they touch (fake_fill_pages), which inputs do not patch. */
void fz_scene_capture(struct fz_scene *z, struct fake_target *ft, const char *const *cmds);
/* A new stop of the fake target: the core's page cache must not serve
 * the bytes of the previous input (the cache lives as long as the stop). */
void fz_new_stop(struct fake_target *ft);
/* Apply the input's patches, run its command, put the structures back. */
void fz_scene_run(struct fz_scene *z, const uint8_t *data, size_t size);
/* A target with several scenes: the input's first byte picks one
 * (modulo n), the rest is its patches. */
void fz_scenes_run(struct fz_scene *z, size_t n, const uint8_t *data, size_t size);
/* A scene of the structs test program: its globals `globals` (NULL-
 * terminated, from its truth document) mapped, plus the chan scene
 * (scene_chan.h) when chan is set. */
void fz_structs_scene(struct fz_scene *z, const char *const *globals, bool chan,
		      const char *const *cmds);
/* A whole fuzz target over one such scene. */
#define FZ_STRUCTS_TARGET(globals, chan, cmds)                                \
	static struct fz_scene Z;                                              \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                      \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		fz_structs_scene(&Z, globals, chan, cmds);                     \
		return 0;                                                      \
	}                                                                      \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)           \
	{                                                                      \
		fz_scene_run(&Z, data, size);                                  \
		return 0;                                                      \
	}

/* Run one command, with svg its picture drawn too, and check what it
 * gave: a --json run must print exactly one JSON object; no output may be
 * larger than FZ_MAX_OUT; a picture of a command that succeeded ends in
 * </svg>. A failed check aborts (libFuzzer then saves the input). */
void fz_command(struct gl_session *s, struct fake_target *ft, const char *args, bool svg);
/* Above the largest document a scene can give honestly: chan --json
 * lists up to 100,000 ring slots (about 12 MB), slice --json 100,000
 * elements. */
#define FZ_MAX_OUT (32u << 20)

/* Apply the input's patches (the format above) to regions [0, n): fn
 * gives region i's bytes and length (> 0); offsets take offbytes bytes (2
 * for a scene, up to 4). */
typedef unsigned char *(*fz_region_fn)(void *arg, size_t i, uint64_t *len);
void fz_patch_regions(fz_region_fn fn, void *arg, size_t n, unsigned offbytes, const uint8_t *data,
		      size_t size);

/* A file descriptor holding bytes, and its path (/proc/self/fd/N), for
 * the code that reads files. fz_memfile_set replaces its contents. */
struct fz_memfile {
	int fd;
	char path[64];
};
void fz_memfile_open(struct fz_memfile *m, const char *name);
void fz_memfile_set(struct fz_memfile *m, const void *bytes, size_t len);

/* Die with a message on a setup failure (missing test data...). */
void fz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
