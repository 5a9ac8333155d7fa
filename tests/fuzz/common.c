/* The scene fuzzers' common part: patches, commands, checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "scene_chan.h"

void fz_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fuzz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void fz_scene_capture(struct fz_scene *z, struct fake_target *ft, const char *const *cmds)
{
	z->ft = ft;
	z->cmds = cmds;
	z->nregions = fake_region_count(ft);
	if (z->nregions == 0 || z->nregions > FZ_MAX_REGIONS)
		fz_die("a scene of %zu regions", z->nregions);
	for (size_t i = 0; i < z->nregions; i++) {
		z->dirty[i] = false;
		uint64_t addr, len;
		unsigned char *b = fake_region(ft, i, &addr, &len);
		z->orig[i] = malloc(len);
		if (!z->orig[i])
			fz_die("out of memory");
		memcpy(z->orig[i], b, len);
	}
	z->s = gl_session_create();
	if (!z->s)
		fz_die("no session");
	fake_fill_pages(ft);
}

void fz_patch_regions(fz_region_fn fn, void *arg, size_t n, unsigned offbytes, const uint8_t *data,
		      size_t size)
{
	size_t i = 0;
	while (n && i + 2 + offbytes <= size) {
		uint64_t len, off = 0;
		unsigned char *b = fn(arg, data[i] % n, &len);
		for (unsigned k = 0; k < offbytes; k++)
			off |= (uint64_t)data[i + 1 + k] << (8 * k);
		off %= len;
		size_t k = data[i + 1 + offbytes];
		i += 2 + offbytes;
		if (k > size - i)
			k = size - i;
		size_t room = (size_t)(len - off);
		memcpy(b + off, data + i, k < room ? k : room);
		i += k;
	}
}

static unsigned char *fake_region_fn(void *arg, size_t i, uint64_t *len)
{
	uint64_t addr;
	return fake_region(arg, i, &addr, len);
}

/* A scene's region, marked as patched: only those are put back after the
 * input (the core never writes target memory), not every structure. */
static unsigned char *scene_region_fn(void *arg, size_t i, uint64_t *len)
{
	struct fz_scene *z = arg;
	z->dirty[i] = true;
	return fake_region_fn(z->ft, i, len);
}

/* The commands that draw pictures: their third form is the picture, so
 * the SVG renderers meet the same corrupt models as the text. */
static bool draws(const char *args)
{
	static const char *const cmds[] = {"map ", "slice ", "string ", "iface ", "chan ", "heap ",
					   "gc", "struct ", "type ", "stack", "goroutines"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strncmp(args, cmds[i], strlen(cmds[i])))
			return !strstr(args, "--json");
	return false;
}

/* The picture goes to a file in memory (a memfd, by its /proc/self/fd
 * path): the core opens, truncates and writes it as it would a file on
 * disk, without a disk file system's cost on every input. */
static struct fz_memfile picture;

/* Run one command (with --svg to the memfd when svg is set) and check
 * what it gave; see fuzz.h. */
void fz_command(struct gl_session *s, struct fake_target *ft, const char *args, bool svg)
{
	struct fake_result r;
	if (svg) {
		if (!picture.path[0])
			fz_memfile_open(&picture, "svg");
		fz_memfile_set(&picture, NULL, 0); /* no picture of a previous command is taken for this one's */
		fake_run(s, ft, &r, "%s --svg %s", args, picture.path);
	} else {
		fake_run(s, ft, &r, "%s", args);
	}
	if (getenv("FUZZ_VERBOSE")) /* to see what an input does: run it alone */
		fprintf(stderr, "$ golayout %s%s\n%s%s\n", args, svg ? " --svg" : "", r.out ? r.out : "",
			r.err ? r.err : "");
	size_t out = r.out ? strlen(r.out) : 0, err = r.err ? strlen(r.err) : 0;
	if (out > FZ_MAX_OUT || err > FZ_MAX_OUT)
		fz_die("golayout %s: %zu bytes of output, %zu of error", args, out, err);
	if (strstr(args, "--json") && !r.doc)
		fz_die("golayout %s: not one JSON object (%s): %.300s", args, r.json_error,
		       r.out ? r.out : "(no output)");
	if (svg && !r.status) { /* a command that succeeds leaves a whole picture */
		char tail[8] = "";
		off_t end = lseek(picture.fd, 0, SEEK_END);
		if (end >= 7 && (pread(picture.fd, tail, 7, end - 7) != 7 || strcmp(tail, "</svg>\n")))
			fz_die("golayout %s --svg: the picture does not end in </svg>", args);
	}
	fake_result_free(&r);
}

void fz_new_stop(struct fake_target *ft)
{
	static uint64_t stop = 1000;
	fake_set_stop_id(ft, ++stop);
}

/* The program resumes after an input: a command at the next stop drops
 * the page cache of this one, as a debugger user's next command would.
 * Done now, with a command that reads no memory, rather than by the next
 * input's first command: each input then frees the pages it cached, so
 * its mallocs and frees balance, and libFuzzer's leak check (which runs an
 * input again, then scans the whole heap, when an input allocated more
 * than it freed) is not set off by an input that merely read more pages
 * than the one before it. */
static void fz_end_stop(struct fz_scene *z)
{
	struct fake_result r;
	fz_new_stop(z->ft);
	fake_run(z->s, z->ft, &r, "version");
	if (r.status)
		fz_die("golayout version: %s", r.err ? r.err : "failed");
	fake_result_free(&r);
}

/* One command of the scene in one form: text, --json, or text with its
 * picture (--svg) for the commands that draw one. */
enum fz_form { FZ_TEXT, FZ_JSON, FZ_SVG, FZ_NFORMS };

/* The documents of chan and slice list every slot or element decoded,
 * up to 100,000, unless --limit is given: for a corrupt header over
 * readable memory that is a 10 MB document, seconds of an input under
 * ASan, and inputs that find it would take most of a campaign. Their JSON
 * forms here list at most 2,048 (whole lists are checked elsewhere: the
 * integration tests' slices against the program's own, test_hostile's
 * 100,000-slot ring). */
static const char *json_limit(const char *cmd)
{
	if (strstr(cmd, "--limit") || (strncmp(cmd, "chan ", 5) && strncmp(cmd, "slice ", 6)))
		return "";
	return " --limit 2048";
}

static void fz_run_form(struct fz_scene *z, const char *cmd, enum fz_form form)
{
	char json[512];
	switch (form) {
	case FZ_JSON:
		snprintf(json, sizeof(json), "%s --json%s", cmd, json_limit(cmd));
		fz_command(z->s, z->ft, json, false);
		break;
	case FZ_SVG:
		fz_command(z->s, z->ft, cmd, draws(cmd));
		break;
	default:
		fz_command(z->s, z->ft, cmd, false);
	}
}

void fz_scene_run(struct fz_scene *z, const uint8_t *data, size_t size)
{
	size_t ncmds = 0;
	while (z->cmds[ncmds])
		ncmds++;
	/* the command byte (none: the first command as text) */
	size_t pick = size ? data[0] % (ncmds * FZ_NFORMS) : 0;
	if (size)
		data++, size--;
	fz_new_stop(z->ft);
	fz_patch_regions(scene_region_fn, z, z->nregions, 2, data, size);
	fz_run_form(z, z->cmds[pick / FZ_NFORMS], (enum fz_form)(pick % FZ_NFORMS));
	for (size_t i = 0; i < z->nregions; i++) {
		if (!z->dirty[i])
			continue;
		uint64_t addr, len;
		unsigned char *b = fake_region(z->ft, i, &addr, &len);
		memcpy(b, z->orig[i], len);
		z->dirty[i] = false;
	}
	fz_end_stop(z);
}

void fz_scenes_run(struct fz_scene *z, size_t n, const uint8_t *data, size_t size)
{
	if (size == 0)
		fz_scene_run(&z[0], data, 0);
	else
		fz_scene_run(&z[data[0] % n], data + 1, size - 1);
}

void fz_structs_scene(struct fz_scene *z, const char *const *globals, bool chan,
		      const char *const *cmds)
{
	if (!fake_go_binary())
		fz_die("no structs test program: run tests/unit/build-testdata.sh");
	struct fake_target *ft = fake_new();
	fake_set_exe(ft, fake_go_binary());
	for (const char *const *g = globals; *g; g++) {
		json_t *j = fake_truth_global(*g);
		if (!j)
			fz_die("the structs program's truth has no %s", *g);
		fake_map_global(ft, j);
	}
	if (chan)
		chan_scene_build(ft);
	fz_scene_capture(z, ft, cmds);
}

void fz_memfile_open(struct fz_memfile *m, const char *name)
{
	m->fd = memfd_create(name, 0);
	if (m->fd < 0)
		fz_die("memfd_create failed");
	snprintf(m->path, sizeof(m->path), "/proc/self/fd/%d", m->fd);
}

void fz_memfile_set(struct fz_memfile *m, const void *bytes, size_t len)
{
	if (ftruncate(m->fd, 0) || (len && pwrite(m->fd, bytes, len, 0) != (ssize_t)len))
		fz_die("cannot write %s", m->path);
}
