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
 *   - every named DWARF type holds together (gl_dwarf_check_types);
 *   - outside the supported Go range, the one-line message;
 *   - the built-in database (core/gotypes/rtlayout_db.inc) is what these
 *     tables say: regenerated from them and compared with the file (or,
 *     with --write-db, written: scripts/gen-rtlayout-db);
 *   - binaries without DWARF (BUILDMODE nodwarf) load the built-in entry
 *     of their build info, and it equals the table of the same program
 *     built with DWARF; with another release in the build info, the
 *     entry of that release is refused unless it is the same layout.
 * A missing fixture directory or binary is a failure, not a skip.
 * Usage: check_rtlayout [-v] [--write-db] [TOOLCHAINS_TXT [FIXTURE_BIN_DIR [DB_FILE]]] */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "gotypes/rtlayout.h"
#include "rtlayout_dbgen.h"

static int failures, checks;
static bool verbose;
static bool write_db; /* --write-db: the database is being made, not checked */

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
 * has classic maps; greenteagc, or 1.26+, Green Tea; nosynchashtriemap
 * the sync.Map of before 1.24. */
static unsigned expected_variants(const char *label, int minor)
{
	unsigned v = (strstr(label, "noswissmap") || minor < 24) ? GL_RTV_CLASSIC : GL_RTV_SWISS;
	if (strstr(label, "greenteagc") || minor >= 26)
		v |= GL_RTV_GREENTEA;
	if (strstr(label, "nosynchashtriemap"))
		v |= GL_RTV_NOSYNCTRIE;
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

static void same_layouts(const char *w, const char *what, const struct gl_rtlayout *a, const struct gl_rtlayout *b,
			 bool one_binary);

/* What the build info implies (the variants and the built-in table used
 * without DWARF) is what this binary's DWARF says. */
static void check_builtin(const char *w, struct gl_target *t, const struct gl_rtlayout *L)
{
	CHECK(!strcmp(t->bi_map_impl, t->map_impl) && !strcmp(t->bi_gc, t->gc) &&
		      (t->bi_map_groups ? t->map_groups && !strcmp(t->bi_map_groups, t->map_groups) : !t->map_groups),
	      w, "build info (GOEXPERIMENT=%s) implies %s/%s/%s, DWARF says %s/%s/%s", t->goexperiment, t->bi_map_impl,
	      t->bi_map_groups ? t->bi_map_groups : "-", t->bi_gc, t->map_impl, t->map_groups ? t->map_groups : "-",
	      t->gc);
	struct gl_rtlayout *B = gl_rt_builtin(t);
	CHECK(B && !B->unusable, w, "built-in table refused: %s", B && B->unusable ? B->unusable : "no memory");
	if (B && !B->unusable)
		same_layouts(w, "built-in table (symbol table) vs DWARF", B, L, true);
	gl_rt_free(B);
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
		/* (a type whose DIEs do not hold together is read as bytes:
		 * none of a real Go program's may be) */
		size_t refused = gl_dwarf_check_types(t->dw);
		CHECK(refused == 0, w, "%zu DWARF types refused as inconsistent", refused);
		check_range_message(w, t);
		if (!write_db)
			check_builtin(w, t, L);
		char why[512];
		CHECK(gl_dbgen_add(label, t, L, why, sizeof(why)), w, "%s", why);
	}
	gl_target_destroy(t);
}

/* ---- binaries without DWARF ------------------------------------------------- */

struct config {
	char toolchain[32], exp[64], mode[16], goarch[16], label[64];
};
static struct config configs[64];
static int nconfigs;

static bool is_nodwarf(const struct config *c)
{
	return !strcmp(c->mode, "nodwarf") || !strcmp(c->mode, "stripped");
}

/* The configuration with DWARF of the same toolchain and GOEXPERIMENT. */
static const struct config *with_dwarf(const struct config *c)
{
	for (int i = 0; i < nconfigs; i++)
		if (!strcmp(configs[i].toolchain, c->toolchain) && !strcmp(configs[i].exp, c->exp) &&
		    !strcmp(configs[i].goarch, c->goarch) &&
		    !strcmp(configs[i].mode, "exe"))
			return &configs[i];
	return NULL;
}

/* Everything the decoders read from the two tables is the same (of one
 * binary: the globals' addresses too). */
static void same_layouts(const char *w, const char *what, const struct gl_rtlayout *a, const struct gl_rtlayout *b,
			 bool one_binary)
{
	CHECK(a->variants == b->variants && a->go_minor == b->go_minor, w, "%s: variants/release differ", what);
	for (int s = 0; s < GL_RTS__COUNT; s++) {
		const struct gl_type *x = gl_rt_struct(a, s), *y = gl_rt_struct(b, s);
		CHECK(!x == !y && (!x || x->size == y->size), w, "%s: struct %s differs", what, gl_rt_struct_desc(s)->id);
	}
	for (int f = 0; f < GL_RTF__COUNT; f++) {
		struct gl_rt_field x = gl_rt_field(a, f), y = gl_rt_field(b, f);
		bool same = x.present == y.present && (!x.present || (x.off == y.off && x.size == y.size));
		for (const struct gl_type *p = x.type, *q = y.type; same && p && q; p = p->elem, q = q->elem)
			same = p->kind == q->kind && p->size == q->size && p->count == q->count;
		CHECK(same, w, "%s: field %s differs", what, gl_rt_field_desc(f)->id);
	}
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		struct gl_rt_global x = gl_rt_global(a, g), y = gl_rt_global(b, g);
		/* without a symbol table no global is present before a process
		 * is searched (gotypes/rtglobals.c): the types it searches
		 * with must be DWARF's */
		if (a->no_symbols && !x.present && g != GL_RTG_FIRSTMODULEDATA) {
			CHECK(!x.type == !y.present && (!x.type || (x.type->size == y.type->size &&
								     x.type->kind == y.type->kind &&
								     x.type->count == y.type->count)),
			      w, "%s: the type of global %s differs", what, gl_rt_global_desc(g)->id);
			continue;
		}
		if (a->no_symbols && g == GL_RTG_FIRSTMODULEDATA) { /* found by its pclntab address, untyped */
			CHECK(x.present == y.present, w, "%s: global %s differs", what, gl_rt_global_desc(g)->id);
			continue;
		}
		CHECK(x.present == y.present && (!x.present || (x.type->size == y.type->size &&
								 x.type->kind == y.type->kind && x.type->count == y.type->count &&
								 (!one_binary || x.addr == y.addr))),
		      w, "%s: global %s differs", what, gl_rt_global_desc(g)->id);
	}
	for (int k = 0; k < GL_RTC__COUNT; k++)
		CHECK(a->consts[k].value == b->consts[k].value && a->consts[k].applies == b->consts[k].applies, w,
		      "%s: constant %s differs (%lld, %lld)", what, gl_rt_const_desc(k)->id,
		      (long long)a->consts[k].value, (long long)b->consts[k].value);
}

/* A copy of the binary whose build info names go1.<minor> instead of its
 * release (same length: go1.26.8 -> go1.25.8); NULL when it cannot be made. */
static char *with_release(const char *path, const char *version, int minor)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *b = n > 0 ? malloc((size_t)n) : NULL;
	bool ok = b && fread(b, 1, (size_t)n, f) == (size_t)n;
	fclose(f);
	/* the build info header's inline version string follows "\xff Go buildinf:" */
	unsigned char *hdr = ok ? memmem(b, (size_t)n, "\xff Go buildinf:", 14) : NULL;
	size_t vl = strlen(version);
	unsigned char *v = hdr && hdr + 64 + vl < b + n ? memmem(hdr, 64 + vl, version, vl) : NULL;
	char *out = NULL;
	if (v && vl > 5 && v[4] >= '0' && v[4] <= '9' && v[5] >= '0' && v[5] <= '9') {
		v[4] = (unsigned char)('0' + minor / 10);
		v[5] = (unsigned char)('0' + minor % 10);
		char tmpl[] = "/tmp/golayout-release-XXXXXX";
		int fd = mkstemp(tmpl);
		if (fd >= 0) {
			ok = write(fd, b, (size_t)n) == n;
			close(fd);
			if (ok)
				out = strdup(tmpl);
			else
				unlink(tmpl);
		}
	}
	free(b);
	return out;
}

/* Another release in the build info: its entry is refused in one line,
 * or is the same layout as the right one (then decoding is right too). */
static void check_wrong_release(const char *w, const char *path, struct gl_target *right, const struct gl_rtlayout *R)
{
	for (int minor = GL_GO_MIN_MINOR; minor <= GL_GO_MAX_MINOR; minor++) {
		if (minor == right->go_minor)
			continue;
		char *copy = with_release(path, right->go_version, minor), what[600];
		CHECK(copy, w, "cannot patch the release in the build info of %s", path);
		if (!copy)
			return;
		struct gl_target *t = NULL;
		const struct gl_rtlayout *L = NULL;
		struct gl_error *err = gl_target_open(copy, &t);
		if (!err) {
			snprintf(what, sizeof(what), "build info says go1.%d", minor);
			CHECK(t->go_minor == minor, w, "%s: patched release not read (%s)", what, t->go_version);
			err = gl_rt_load(t, &L);
			if (err)
				CHECK(!strchr(err->message, '\n') && (strstr(err->message, "do not fit") ||
								      strstr(err->message, "no built-in")),
				      w, "%s: refused with \"%s\"", what, err->message);
			else
				same_layouts(w, what, L, R, false);
			if (verbose)
				printf("  %s %s: %s\n", w, what, err ? err->message : "accepted, same layouts");
		}
		gl_error_destroy(err);
		gl_target_destroy(t);
		unlink(copy);
		free(copy);
	}
}

static void check_nodwarf_binary(const struct config *c, const char *dir, const char *prog, const char *bindir)
{
	char path[8192], base[8192], w[512];
	snprintf(path, sizeof(path), "%s/%s", dir, prog);
	snprintf(w, sizeof(w), "%s/%s", c->label, prog);
	const struct config *dc = with_dwarf(c);
	if (!dc) {
		fail(w, "no configuration with DWARF of %s %s to compare with", c->toolchain, c->exp);
		return;
	}
	snprintf(base, sizeof(base), "%s/%s/%s", bindir, dc->label, prog);
	struct gl_target *t = NULL, *bt = NULL;
	struct gl_error *err = gl_target_open(path, &t);
	if (!err)
		err = gl_target_open(base, &bt);
	const struct gl_rtlayout *L = NULL, *B = NULL;
	if (!err && (t->dw || !bt->dw))
		fail(w, "%s has DWARF, or %s has none", path, base);
	else if (!err && !strcmp(c->mode, "stripped")) {
		/* the layouts load; the globals are found in a process by
		 * their layout signatures, with the table's types and fields */
		if (!(err = gl_rt_load_types(t, &L)) && !(err = gl_rt_load(bt, &B))) {
			CHECK(L->no_symbols && strstr(L->source, "built-in"), w, "layouts from \"%s\", no_symbols %s",
			      L->source, L->no_symbols ? L->no_symbols : "unset");
			same_layouts(w, "built-in (no symbol table) vs DWARF", L, B, false);
			CHECK(gl_rt_have(L, GL_RTF_MHEAP_CENTRAL, GL_RTF_MCENTRAL_SPANCLASS, GL_RTF_WORK_BASE_END,
					 GL_RTF_MSTATS_PAUSE_END, GL_RTF_GCC_HEAP_MINIMUM),
			      w, "the table lacks a field of the globals' signatures");
		}
	} else if (!err && !(err = gl_rt_load(t, &L)) && !(err = gl_rt_load(bt, &B))) {
		CHECK(strstr(L->source, "built-in") != NULL, w, "layouts from \"%s\"", L->source);
		CHECK(!strcmp(t->map_impl, bt->map_impl) && !strcmp(t->gc, bt->gc), w,
		      "build info says %s/%s, DWARF %s/%s", t->map_impl, t->gc, bt->map_impl, bt->gc);
		same_layouts(w, "built-in vs DWARF", L, B, false);
		check_wrong_release(w, path, t, L);
	}
	if (err)
		fail(w, "%s", err->message);
	gl_error_destroy(err);
	gl_target_destroy(t);
	gl_target_destroy(bt);
}

static int check_label(const struct config *c, const char *bindir)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", bindir, c->label);
	DIR *d = opendir(dir);
	if (!d) {
		fail(c->label, "no fixture directory %s: run scripts/build-fixtures.sh", dir);
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
		fail(c->label, "no fixture binaries in %s: run scripts/build-fixtures.sh", dir);
	for (int i = 0; i < n; i++) {
		if (is_nodwarf(c))
			check_nodwarf_binary(c, dir, names[i], bindir);
		else
			check_binary(c->label, c->goarch, dir, names[i]);
		free(names[i]);
	}
	return n;
}

/* The regenerated database against the checked-in one (or written). */
static void check_db(const char *file, bool write)
{
	char *now = gl_dbgen_render();
	CHECK(now, "database", "cannot render it");
	if (!now)
		return;
	if (write) {
		FILE *f = fopen(file, "w");
		CHECK(f && fputs(now, f) >= 0 && fclose(f) == 0, "database", "cannot write %s", file);
		printf("wrote %s\n", file);
		free(now);
		return;
	}
	FILE *f = fopen(file, "r");
	char *was = f ? calloc(1, strlen(now) + 2) : NULL;
	size_t n = was ? fread(was, 1, strlen(now) + 1, f) : 0;
	if (f)
		fclose(f);
	CHECK(was && n == strlen(now) && !memcmp(was, now, n), "database",
	      "%s differs from what the fixtures say: run scripts/gen-rtlayout-db", file);
	free(was);
	free(now);
}

int main(int argc, char **argv)
{
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = true;
		else if (!strcmp(argv[a], "--write-db"))
			write_db = true;
	}
	const char *list = a < argc ? argv[a++] : "scripts/toolchains.txt";
	const char *bindir = a < argc ? argv[a++] : "tests/fixtures/bin";
	const char *db = a < argc ? argv[a++] : "core/gotypes/rtlayout_db.inc";
	FILE *f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "check_rtlayout: cannot read %s\n", list);
		return 2;
	}
	char line[512];
	while (fgets(line, sizeof(line), f) && nconfigs < 64) {
		char *words[5]; /* TOOLCHAIN [GOEXPERIMENT [BUILDMODE [GOARCH]]] LABEL */
		int nw = 0;
		for (char *save = NULL, *tok = strtok_r(line, " \t\n", &save); tok && nw < 5;
		     tok = strtok_r(NULL, " \t\n", &save))
			words[nw++] = tok;
		if (!nw || words[0][0] == '#')
			continue;
		struct config *c = &configs[nconfigs++];
		snprintf(c->toolchain, sizeof(c->toolchain), "%s", words[0]);
		snprintf(c->exp, sizeof(c->exp), "%s", nw >= 3 && strcmp(words[1], "-") ? words[1] : "");
		snprintf(c->mode, sizeof(c->mode), "%s", nw >= 4 ? words[2] : "exe");
		snprintf(c->goarch, sizeof(c->goarch), "%s", nw == 5 ? words[3] : "amd64");
		snprintf(c->label, sizeof(c->label), "%s", words[nw - 1]);
	}
	fclose(f);
	int binaries = 0;
	/* the tables with DWARF first: the database is made from them */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nconfigs; i++) {
			if (is_nodwarf(&configs[i]) != (pass == 1))
				continue;
			if (pass == 1 && write_db)
				continue;
			int before = failures;
			int n = check_label(&configs[i], bindir);
			printf("%-24s %2d binaries  %s\n", configs[i].label, n, failures == before ? "ok" : "FAILED");
			binaries += n;
		}
	check_db(db, write_db);
	printf("rtlayout: %d configurations, %d binaries, %d checks, %d failures\n", nconfigs, binaries, checks,
	       failures);
	return failures || !nconfigs ? 1 : 0;
}
