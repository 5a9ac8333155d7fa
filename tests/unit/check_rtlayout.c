/* Checks the runtime-layout table (core/gotypes/rtlayout.def) against the
 * DWARF of every fixture binary of every toolchain in
 * scripts/toolchains.txt (built by scripts/build-fixtures.sh):
 *   - the binary's variant (classic/swiss maps, Green Tea) is what its
 *     label and release say, its architecture what its GOARCH column says;
 *   - every required struct, field and global of that variant and release
 *     is present, with sane sizes and offsets;
 *   - every required constant is in DWARF, and every constant DWARF has
 *     equals the table's fallback (so the fallbacks are right);
 *   - no entry exists in DWARF outside the releases and variant the table
 *     declares for it (so the ranges are right);
 *   - outside the supported Go range, the one-line message.
 * A missing fixture directory or binary is a failure, not a skip.
 * Usage: check_rtlayout [-v] [TOOLCHAINS_TXT [FIXTURE_BIN_DIR]] */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gotypes/rtlayout.h"

static int failures, checks;
static bool verbose;

static void fail(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: ", where);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

#define CHECK(cond, where, ...)                                                                     \
	do {                                                                                        \
		checks++;                                                                           \
		if (!(cond))                                                                        \
			fail(where, __VA_ARGS__);                                                   \
	} while (0)

/* The variants a label promises: noswissmap, or a release before 1.24,
 * has classic maps; greenteagc, or 1.26+, Green Tea. */
static unsigned expected_variants(const char *label, int minor)
{
	unsigned v = (strstr(label, "noswissmap") || minor < 24) ? GL_RTV_CLASSIC : GL_RTV_SWISS;
	if (strstr(label, "greenteagc") || minor >= 26)
		v |= GL_RTV_GREENTEA;
	return v;
}

/* Outside its declared releases although the variant matches: then DWARF
 * must not have it (constants of other variants may linger, e.g. abi's
 * map constants in both map builds, so the variant is not checked). */
static bool outside_releases(const struct gl_rtlayout *L, const struct gl_rt_desc *d)
{
	return (L->variants & d->variant) == d->variant && !gl_rt_applies(L, d);
}

/* Is the entry in DWARF under any of its names, ignoring the table's
 * declared range? (for the range check) */
static bool in_dwarf_anyway(struct gl_dwarf *dw, const struct gl_rt_desc *d, int kind)
{
	char buf[128];
	for (const char *p = d->names; *p;) {
		size_t n = strcspn(p, "|");
		if (n >= sizeof(buf))
			return false;
		memcpy(buf, p, n);
		buf[n] = '\0';
		int64_t v;
		uint64_t a;
		struct gl_type *t;
		if ((kind == 0 && gl_dwarf_find_type(dw, buf)) ||
		    (kind == 1 && gl_dwarf_find_global(dw, buf, &a, &t)) ||
		    (kind == 2 && gl_dwarf_find_const(dw, buf, &v)))
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

static void check_structs(const char *w, const struct gl_rtlayout *L, struct gl_dwarf *dw)
{
	for (int s = 0; s < GL_RTS__COUNT; s++) {
		const struct gl_rt_desc *d = gl_rt_struct_desc(s);
		const struct gl_type *t = gl_rt_struct(L, s);
		if (!gl_rt_applies(L, d)) {
			CHECK(!outside_releases(L, d) || !in_dwarf_anyway(dw, d, 0), w,
			      "struct %s (%s) is in DWARF but declared only for Go 1.%d..%d variant %u", d->id,
			      d->names, d->min_minor, d->max_minor, d->variant);
			continue;
		}
		if (d->required)
			CHECK(t, w, "required struct %s (%s) is missing", d->id, d->names);
		if (t)
			CHECK(t->size > 0 && t->size < (1u << 20), w, "struct %s has size %llu", d->id,
			      (unsigned long long)t->size);
	}
	for (int f = 0; f < GL_RTF__COUNT; f++) {
		const struct gl_rt_desc *d = gl_rt_field_desc(f);
		const struct gl_rt_desc *sd = gl_rt_struct_desc(d->parent);
		const struct gl_type *t = gl_rt_struct(L, d->parent);
		struct gl_rt_field r = gl_rt_field(L, f);
		if (!gl_rt_applies(L, d))
			continue;
		if (d->required && t)
			CHECK(r.present, w, "required field %s (%s.%s) is missing", d->id, sd->names, d->names);
		if (r.present)
			CHECK(r.type && r.off + r.size <= t->size && r.size <= t->size, w,
			      "field %s at %llu size %llu outside %s (%llu bytes)", d->id,
			      (unsigned long long)r.off, (unsigned long long)r.size, t->name,
			      (unsigned long long)t->size);
	}
}

static void check_globals(const char *w, const struct gl_rtlayout *L, struct gl_dwarf *dw)
{
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		const struct gl_rt_desc *d = gl_rt_global_desc(g);
		struct gl_rt_global r = gl_rt_global(L, g);
		if (!gl_rt_applies(L, d)) {
			CHECK(!outside_releases(L, d) || !in_dwarf_anyway(dw, d, 1), w, "global %s is in DWARF outside its declared range",
			      d->id);
			continue;
		}
		if (d->required)
			CHECK(r.present, w, "required global %s (%s) is missing", d->id, d->names);
		if (r.present)
			CHECK(r.addr != 0 && r.type, w, "global %s has no address or type", d->id);
	}
}

static void check_consts(const char *w, const struct gl_rtlayout *L, struct gl_dwarf *dw)
{
	for (int k = 0; k < GL_RTC__COUNT; k++) {
		const struct gl_rt_desc *d = gl_rt_const_desc(k);
		const struct gl_rt_konst *c = &L->consts[k];
		/* a value DWARF has must be the fallback, also where the entry
		 * does not apply (other variant): one list of values */
		if (c->from_dwarf)
			CHECK(c->value == c->fallback, w, "constant %s (%s): DWARF says %lld (0x%llx), fallback %lld (0x%llx)",
			      d->id, d->names, (long long)c->value, (unsigned long long)c->value,
			      (long long)c->fallback, (unsigned long long)c->fallback);
		if (!c->applies) {
			CHECK(!outside_releases(L, d) || !in_dwarf_anyway(dw, d, 2), w,
			      "constant %s (%s) is in DWARF but declared only for Go 1.%d..%d variant %u", d->id,
			      d->names, d->min_minor, d->max_minor, d->variant);
			continue;
		}
		if (d->required)
			CHECK(c->from_dwarf, w, "required constant %s (%s) is not in DWARF", d->id, d->names);
		if (verbose)
			printf("  %s %s = %lld%s\n", w, d->id, (long long)c->value, c->from_dwarf ? "" : " (fallback)");
	}
}

/* Outside the supported range, decoding says so in one line. */
static void check_range_message(const char *w, struct gl_target *t)
{
	char saved[sizeof(t->go_version)];
	int minor = t->go_minor;
	memcpy(saved, t->go_version, sizeof(saved));
	struct gl_error *err = gl_target_need_runtime(t);
	CHECK(!err, w, "supported release %s refused: %s", t->go_version, err ? err->message : "");
	gl_error_destroy(err);
	const struct { int minor; const char *version; } outside[] = {
		{GL_GO_MIN_MINOR - 1, "go1.21.13"}, {GL_GO_MAX_MINOR + 1, "go1.28.0"}};
	for (size_t i = 0; i < 2; i++) {
		t->go_minor = outside[i].minor;
		snprintf(t->go_version, sizeof(t->go_version), "%s", outside[i].version);
		char want[128];
		snprintf(want, sizeof(want), "this binary is %s; golayout supports Go 1.%d to 1.%d",
			 outside[i].version, GL_GO_MIN_MINOR, GL_GO_MAX_MINOR);
		const struct gl_rtlayout *L = NULL;
		err = gl_rt_load(t, &L);
		CHECK(err && !L && !strcmp(err->message, want) && !strchr(err->message, '\n'), w,
		      "release %s: got \"%s\", want \"%s\"", outside[i].version, err ? err->message : "(no error)",
		      want);
		gl_error_destroy(err);
	}
	t->go_minor = minor;
	memcpy(t->go_version, saved, sizeof(saved));
}

static void check_binary(const char *label, const char *goarch, const char *dir, const char *prog)
{
	char path[8192], w[512];
	snprintf(path, sizeof(path), "%s/%s", dir, prog);
	snprintf(w, sizeof(w), "%s/%s", label, prog);
	struct gl_target *t = NULL;
	struct gl_error *err = gl_target_open(path, &t);
	if (err) {
		fail(w, "cannot open: %s", err->message);
		gl_error_destroy(err);
		return;
	}
	const struct gl_rtlayout *L = NULL;
	if (!t->dw) {
		fail(w, "no DWARF: %s", t->dwarf_error ? t->dwarf_error : "?");
	} else if ((err = gl_rt_load(t, &L))) {
		fail(w, "table not loaded: %s", err->message);
		gl_error_destroy(err);
	} else {
		CHECK(t->arch && t->arch->ptr_size == t->ptr_size && !strcmp(t->goarch, t->arch->goarch), w,
		      "no arch description for ELF machine %u (ptr size %d)", t->elf.machine, t->ptr_size);
		CHECK(t->arch && !strcmp(t->arch->goarch, goarch), w, "GOARCH %s, toolchains.txt says %s",
		      t->arch ? t->arch->goarch : "?", goarch);
		unsigned want = expected_variants(label, t->go_minor);
		CHECK(L->variants == want, w, "variants %u, the label says %u", L->variants, want);
		CHECK(gl_rt_of(t) == L, w, "the table is not loaded once per target");
		check_structs(w, L, t->dw);
		check_globals(w, L, t->dw);
		check_consts(w, L, t->dw);
		check_range_message(w, t);
	}
	gl_target_destroy(t);
}

static int check_label(const char *label, const char *goarch, const char *bindir)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", bindir, label);
	DIR *d = opendir(dir);
	if (!d) {
		fail(label, "no fixture directory %s: run scripts/build-fixtures.sh", dir);
		return 0;
	}
	int n = 0;
	char *names[64];
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char path[8192];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || strchr(e->d_name, '.') || stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & S_IXUSR))
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (!n)
		fail(label, "no fixture binaries in %s: run scripts/build-fixtures.sh", dir);
	for (int i = 0; i < n; i++) {
		check_binary(label, goarch, dir, names[i]);
		free(names[i]);
	}
	return n;
}

int main(int argc, char **argv)
{
	int a = 1;
	if (a < argc && !strcmp(argv[a], "-v")) {
		verbose = true;
		a++;
	}
	const char *list = a < argc ? argv[a++] : "scripts/toolchains.txt";
	const char *bindir = a < argc ? argv[a++] : "tests/fixtures/bin";
	FILE *f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "check_rtlayout: cannot read %s\n", list);
		return 2;
	}
	char line[512];
	int labels = 0, binaries = 0;
	while (fgets(line, sizeof(line), f)) {
		char *words[5]; /* TOOLCHAIN [GOEXPERIMENT [BUILDMODE [GOARCH]]] LABEL */
		int nw = 0;
		for (char *save = NULL, *tok = strtok_r(line, " \t\n", &save); tok && nw < 5;
		     tok = strtok_r(NULL, " \t\n", &save))
			words[nw++] = tok;
		if (!nw || words[0][0] == '#')
			continue;
		const char *label = words[nw - 1], *goarch = nw == 5 ? words[3] : "amd64";
		int before = failures;
		int n = check_label(label, goarch, bindir);
		printf("%-24s %2d binaries  %s\n", label, n, failures == before ? "ok" : "FAILED");
		labels++;
		binaries += n;
	}
	fclose(f);
	printf("rtlayout: %d configurations, %d binaries, %d checks, %d failures\n", labels, binaries, checks,
	       failures);
	return failures || !labels ? 1 : 0;
}
