/* --svg and --out on the fake backend: the scenes of test_golden (the
 * structs program's globals, classic and swiss maps, a channel, a heap
 * span during marking, goroutine stacks) drawn to SVG, each picture
 * checked well-formed by xmllint, rendered by rsvg-convert, and compared
 * with the --json document of the same command: one region per bucket,
 * group, table or frame drawn, each entry's text, arrows between the
 * right regions, a square per slot of a span in its state, frames to
 * byte scale. Then --out (JSONL,
 * appended, %n) and the files golayout must refuse or cannot write. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "fake_target.h"
#include "scene_chan.h"
#include "scene_goroutines.h"
#include "scene_heap.h"
#include "scene_maps.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/golayout-svg-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("GOLAYOUT_SVG_KEEP")) { /* to look at the pictures */
		print_message("pictures kept in %s\n", tmpdir);
		return 0;
	}
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* A picture checked as every picture is: well-formed XML, rendered by
 * librsvg, self-contained (no external reference, no script). */
static char *check_svg(const char *path)
{
	if (sh("xmllint --noout '%s'", path))
		fail_msg("%s: xmllint says it is not well-formed", path);
	if (sh("rsvg-convert -o '%s.png' '%s'", path, path))
		fail_msg("%s: rsvg-convert cannot render it", path);
	char *svg = fake_slurp(path, NULL);
	assert_non_null(svg);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "href"));
	assert_null(strstr(svg, "@font-face"));
	assert_null(strstr(svg, "<image"));
	assert_non_null(strstr(svg, "class=\"legend\""));
	return svg;
}

/* Run "golayout ARGS --svg FILE" and its --json twin; the picture and the
 * document. */
static char *draw(struct gl_session *s, struct fake_target *ft, const char *name, const char *args,
		  struct fake_result *doc)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.svg", tmpdir, name);
	struct fake_result r;
	fake_run(s, ft, &r, "%s --svg %s", args, path);
	if (r.status)
		fail_msg("golayout %s --svg: status %d: %s", args, r.status, r.err ? r.err : "");
	/* the console says where the picture went, nothing else */
	assert_non_null(r.out);
	assert_non_null(strstr(r.out, "svg written to "));
	assert_int_equal(count(r.out, "\n"), 1);
	fake_result_free(&r);
	fake_run(s, ft, doc, "%s --json", args);
	assert_non_null(doc->doc);
	return check_svg(path);
}

/* The region id ("r3") of the region drawn for address a, or "". */
static const char *region_at(const char *svg, uint64_t a, const char *kind)
{
	static char id[32];
	char needle[128];
	snprintf(needle, sizeof(needle), "data-addr=\"0x%llx\"", (unsigned long long)a);
	for (const char *p = svg; (p = strstr(p, needle)); p++) {
		const char *g = p;
		while (g > svg && strncmp(g, "<g ", 3))
			g--;
		if (kind) {
			char k[64];
			snprintf(k, sizeof(k), "class=\"region %s\"", kind);
			if (strncmp(g + 3, k, strlen(k)))
				continue;
		}
		const char *i = strstr(g, "id=\"");
		if (i && i < p) {
			size_t n = strcspn(i + 4, "\"");
			snprintf(id, sizeof(id), "%.*s", (int)n, i + 4);
			return id;
		}
	}
	id[0] = '\0';
	return id;
}

static bool has_arrow(const char *svg, const char *from, const char *to)
{
	char needle[128];
	snprintf(needle, sizeof(needle), "data-from=\"%s\" data-to=\"%s\"", from, to);
	return strstr(svg, needle) != NULL;
}

static uint64_t hex(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? strtoull(s, NULL, 16) : 0;
}

/* Each entry of the document appears as "key: value" in a slot row. */
static void entries_drawn(const char *svg, json_t *doc)
{
	json_t *entries = json_object_get(doc, "entries");
	assert_true(json_array_size(entries) > 0);
	for (size_t i = 0; i < json_array_size(entries); i++) {
		json_t *e = json_array_get(entries, i);
		char want[256];
		snprintf(want, sizeof(want), "%s: %s", json_string_value(json_object_get(e, "key")),
			 json_string_value(json_object_get(e, "value")));
		if (!strstr(svg, want))
			fail_msg("entry \"%s\" is not drawn", want);
	}
}

static void test_map_classic(void **state)
{
	(void)state;
	struct map_scene m;
	struct classic L;
	map_scene_init(&m, map_bin_need(&B_CLASSIC));
	build_classic_four(&m, &L);
	fake_fill_pages(m.ft);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char *svg = draw(s, m.ft, "classic", "map main.gI64Int", &r);
	json_t *buckets = json_object_get(r.doc, "buckets");
	size_t chained = 0;
	for (size_t i = 0; i < json_array_size(buckets); i++) {
		json_t *b = json_array_get(buckets, i);
		size_t nchain = json_array_size(json_object_get(b, "chain"));
		assert_true(nchain >= 1); /* the bucket itself, then its overflow buckets */
		chained += nchain - 1;
		const char *id = region_at(svg, hex(json_object_get(b, "address")), "bucket");
		if (!*id)
			fail_msg("bucket %zu is not drawn", i);
	}
	assert_int_equal(count(svg, "class=\"region bucket\""), json_array_size(buckets));
	assert_int_equal(count(svg, "class=\"region bucket overflow\""), chained);
	entries_drawn(svg, r.doc);
	/* the header's buckets pointer points at bucket 0 */
	json_t *hdr = json_object_get(r.doc, "header");
	uint64_t b0 = 0;
	for (size_t i = 0; i < json_array_size(hdr); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(hdr, i), "name")), "buckets"))
			b0 = hex(json_object_get(json_array_get(hdr, i), "value"));
	assert_true(b0 != 0);
	char hid[32];
	snprintf(hid, sizeof(hid), "%s", region_at(svg, hex(json_object_get(r.doc, "address")), "header"));
	assert_true(hid[0]);
	assert_true(has_arrow(svg, hid, region_at(svg, b0, "bucket")));
	free(svg);
	fake_result_free(&r);

	/* --limit: the buckets left out are drawn as an elision */
	svg = draw(s, m.ft, "classic-limit", "map main.gI64Int --limit 1", &r);
	assert_int_equal(count(svg, "class=\"region bucket\""), 1);
	assert_int_equal(count(svg, "class=\"elision\""), 1);
	assert_non_null(strstr(svg, "1 of 4 buckets drawn"));
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	map_scene_deinit(&m);

	/* growing: old buckets, evacuated or not */
	map_scene_init(&m, &B_CLASSIC);
	build_classic_growing(&m, &L, NULL, NULL);
	fake_fill_pages(m.ft);
	s = gl_session_create();
	svg = draw(s, m.ft, "classic-growing", "map main.gI64Int", &r);
	json_t *old = json_object_get(r.doc, "old_buckets");
	assert_true(json_array_size(old) > 0);
	assert_int_equal(count(svg, "class=\"region bucket old\""), json_array_size(old));
	assert_non_null(strstr(svg, "old bucket 0"));
	assert_non_null(strstr(svg, "  evacuated"));
	assert_non_null(strstr(svg, "not evacuated"));
	entries_drawn(svg, r.doc);
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	map_scene_deinit(&m);
}

static void test_map_swiss(void **state)
{
	(void)state;
	struct map_scene m;
	struct swiss L;
	map_scene_init(&m, map_bin_need(&B_SWISS));
	build_swiss_dir(&m, &L, 6, A_TABLE + 0x1000);
	fake_fill_pages(m.ft);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char *svg = draw(s, m.ft, "swiss-dir", "map main.gI64Int", &r);
	json_t *tables = json_object_get(r.doc, "tables");
	size_t groups = 0;
	char dir[32];
	snprintf(dir, sizeof(dir), "%s", region_at(svg, A_DIR, "directory"));
	assert_true(dir[0]);
	for (size_t i = 0; i < json_array_size(tables); i++) {
		json_t *t = json_array_get(tables, i);
		json_t *gs = json_object_get(t, "groups");
		groups += json_array_size(gs);
		char tid[32];
		snprintf(tid, sizeof(tid), "%s", region_at(svg, hex(json_object_get(t, "address")), "table"));
		assert_true(tid[0]);
		/* directory -> table -> its first group */
		assert_true(has_arrow(svg, dir, tid));
		if (json_array_size(gs))
			assert_true(has_arrow(svg, tid,
					      region_at(svg, hex(json_object_get(json_array_get(gs, 0), "address")),
							"group")));
		for (size_t j = 0; j < json_array_size(gs); j++) {
			json_t *g = json_array_get(gs, j);
			if (!*region_at(svg, hex(json_object_get(g, "address")), "group"))
				fail_msg("group %zu of table %zu is not drawn", j, i);
			char ctrl[64];
			snprintf(ctrl, sizeof(ctrl), "ctrl 0x%016llx",
				 (unsigned long long)hex(json_object_get(g, "ctrl")));
			assert_non_null(strstr(svg, ctrl));
		}
	}
	assert_int_equal(count(svg, "class=\"region table\""), json_array_size(tables));
	assert_int_equal(count(svg, "class=\"region group\""), groups);
	entries_drawn(svg, r.doc);
	free(svg);
	fake_result_free(&r);

	/* --summary: the header and the summary, no groups */
	svg = draw(s, m.ft, "swiss-summary", "map main.gI64Int --summary", &r);
	assert_int_equal(count(svg, "class=\"region group\""), 0);
	assert_non_null(strstr(svg, "groups by full slots"));
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	map_scene_deinit(&m);

	map_scene_init(&m, &B_SWISS);
	build_swiss_small(&m, &L);
	fake_fill_pages(m.ft);
	s = gl_session_create();
	svg = draw(s, m.ft, "swiss-small", "map main.gStrInt", &r);
	assert_int_equal(count(svg, "class=\"region group\""), 1);
	assert_non_null(strstr(svg, "small map: one group"));
	entries_drawn(svg, r.doc);
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	map_scene_deinit(&m);
}

static struct fake_target *structs_target(void)
{
	struct fake_target *ft = fake_structs_target();
	if (!ft)
		fail_msg("no structs test program: run tests/unit/build-testdata.sh");
	return ft;
}

static void test_struct_slice_string(void **state)
{
	(void)state;
	struct fake_target *ft = structs_target();
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	/* struct: a row per field with its value, a hatched row per hole */
	char *svg = draw(s, ft, "struct", "struct main.gPadded", &r);
	json_t *fields = json_object_get(r.doc, "fields");
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *f = json_array_get(fields, i);
		char want[256];
		snprintf(want, sizeof(want), "data-off=\"%lld\" data-size=\"%lld\"",
			 (long long)json_integer_value(json_object_get(f, "offset")),
			 (long long)json_integer_value(json_object_get(f, "size")));
		if (!strstr(svg, want))
			fail_msg("field %s has no row at its offset and size", json_string_value(json_object_get(f, "name")));
		snprintf(want, sizeof(want), "= %s", json_string_value(json_object_get(f, "value")));
		if (!strstr(svg, want))
			fail_msg("field value \"%s\" is not drawn", want);
	}
	json_t *pads = json_object_get(r.doc, "padding");
	assert_true(json_array_size(pads) > 0);
	assert_int_equal(count(svg, "class=\"row pad\""), json_array_size(pads));
	for (size_t i = 0; i < json_array_size(pads); i++) {
		json_t *p = json_array_get(pads, i);
		char want[128];
		snprintf(want, sizeof(want), "class=\"row pad\" data-off=\"%lld\" data-size=\"%lld\"",
			 (long long)json_integer_value(json_object_get(p, "offset")),
			 (long long)json_integer_value(json_object_get(p, "size")));
		assert_non_null(strstr(svg, want));
	}
	assert_non_null(strstr(svg, "url(#gl-pad)"));
	free(svg);
	fake_result_free(&r);

	/* slice: header -> backing array, a data row per element in len */
	svg = draw(s, ft, "slice", "slice main.gSlice", &r);
	uint64_t arr = hex(json_object_get(r.doc, "array"));
	char hid[32];
	snprintf(hid, sizeof(hid), "%s", region_at(svg, hex(json_object_get(r.doc, "address")), "slice-header"));
	assert_true(has_arrow(svg, hid, region_at(svg, arr, "array")));
	json_t *el = json_object_get(r.doc, "elements");
	if (count(svg, "class=\"row data\"") != json_array_size(el))
		fail_msg("%zu data rows, %zu elements", count(svg, "class=\"row data\""), json_array_size(el));
	long long len = json_integer_value(json_object_get(r.doc, "len"));
	long long cap = json_integer_value(json_object_get(r.doc, "cap"));
	if (cap > len)
		assert_true(count(svg, "class=\"row reserved\"") > 0);
	free(svg);
	fake_result_free(&r);

	/* string: header -> bytes, the text */
	svg = draw(s, ft, "string", "string main.gStr", &r);
	uint64_t data = hex(json_object_get(r.doc, "data"));
	snprintf(hid, sizeof(hid), "%s", region_at(svg, hex(json_object_get(r.doc, "address")), "string-header"));
	assert_true(has_arrow(svg, hid, region_at(svg, data, "bytes")));
	free(svg);
	fake_result_free(&r);

	/* iface: both words, the dynamic type */
	svg = draw(s, ft, "iface", "iface main.gIface", &r);
	const char *dyn = json_string_value(json_object_get(r.doc, "dynamic_type"));
	assert_non_null(dyn);
	assert_non_null(strstr(svg, dyn));
	assert_true(*region_at(svg, hex(json_object_get(r.doc, "address")), "iface"));
	char want[128];
	snprintf(want, sizeof(want), "= %s", json_string_value(json_object_get(r.doc, "value")));
	assert_non_null(strstr(svg, want)); /* a direct value: the data word itself */
	free(svg);
	fake_result_free(&r);

	/* type: no values, no arrows */
	svg = draw(s, ft, "type", "type main.Padded", &r);
	assert_int_equal(count(svg, "class=\"arrow"), 0);
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* main.gChan: a chan int of capacity 4 holding 7, 8 (recvx 1, sendx 3). */
static void test_chan(void **state)
{
	(void)state;
	struct fake_target *ft = structs_target();
	chan_scene_build(ft);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char *svg = draw(s, ft, "chan", "chan main.gChan", &r);
	char hid[32];
	snprintf(hid, sizeof(hid), "%s", region_at(svg, A_HCHAN, "hchan"));
	assert_true(has_arrow(svg, hid, region_at(svg, A_CHANBUF, "ring")));
	assert_int_equal(count(svg, "class=\"row data\""), 2);
	assert_int_equal(count(svg, "class=\"row reserved\""), 2);
	assert_non_null(strstr(svg, "[1] 7"));
	assert_non_null(strstr(svg, "[2] 8"));
	assert_non_null(strstr(svg, "recvx (next receive)"));
	assert_non_null(strstr(svg, "sendx (next send)"));
	free(svg);
	fake_result_free(&r);
	svg = draw(s, ft, "chan-limit", "chan main.gChan --limit 1", &r);
	assert_int_equal(count(svg, "class=\"row elided\""), 1);
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

static struct fake_target *heap_target(const struct heap_opts *o)
{
	if (!heap_layout_load())
		fail_msg("no structs test program: run tests/unit/build-testdata.sh");
	return heap_scene_new(o);
}

/* A slot's state as the document's cells spell it ("#u.am"). */
static const char *cell_state(char c)
{
	switch (c) {
	case '#':
		return "marked";
	case 'u':
		return "unmarked";
	case 'a':
		return "allocated";
	case 'm':
		return "free-marked";
	case '.':
		return "free";
	default:
		return "?";
	}
}

/* The picture's slot grid against the document: one square per slot of
 * the span, in order, each in the state of the document's cell; the
 * object's square outlined. */
static void slots_match(const char *svg, json_t *doc)
{
	const char *cells = json_string_value(json_object_get(json_object_get(doc, "span_objects"), "cells"));
	long long nelems = json_integer_value(json_object_get(json_object_get(doc, "span"), "nelems"));
	assert_non_null(cells);
	assert_int_equal(strlen(cells), nelems);
	assert_int_equal(count(svg, "<rect class=\"slot "), nelems);
	size_t i = 0;
	for (const char *p = svg; (p = strstr(p, "<rect class=\"slot ")); p++, i++) {
		char state[32];
		unsigned long long idx;
		if (sscanf(p, "<rect class=\"slot %31[^\"]\" data-index=\"%llu\"", state, &idx) != 2)
			fail_msg("slot square %zu: cannot read %.80s", i, p);
		assert_int_equal(idx, i);
		if (strcmp(state, cell_state(cells[i])))
			fail_msg("slot %zu drawn %s, the document's cell is '%c' (%s)", i, state, cells[i],
				 cell_state(cells[i]));
	}
	long long obj = json_integer_value(json_object_get(json_object_get(doc, "object"), "index"));
	char want[64];
	snprintf(want, sizeof(want), "<rect class=\"slot-mark\" data-index=\"%lld\"", obj);
	assert_int_equal(count(svg, "<rect class=\"slot-mark\""), 1);
	assert_non_null(strstr(svg, want));
}

static void test_heap_gc(void **state)
{
	(void)state;
	struct heap_opts o = HEAP_OK_OPTS;
	o.phase_mark = true;
	struct fake_target *ft = heap_target(&o);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char args[128];
	snprintf(args, sizeof(args), "heap 0x%llx --span", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	char *svg = draw(s, ft, "heap-span", args, &r);
	json_t *slots = json_object_get(r.doc, "span_objects");
	assert_non_null(slots);
	slots_match(svg, r.doc);
	char want[128];
	snprintf(want, sizeof(want), "%lld allocated, %lld marked",
		 json_integer_value(json_object_get(slots, "allocated")),
		 json_integer_value(json_object_get(slots, "marked")));
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "this object"));
	assert_non_null(strstr(svg, "write barrier is on"));
	assert_true(count(svg, "<rect class=\"slot marked\"") > 0);
	assert_true(count(svg, "<rect class=\"slot unmarked\"") > 0);
	/* a special points at the object */
	json_t *sp = json_object_get(r.doc, "specials");
	if (json_array_size(sp)) {
		const char *obj = region_at(svg, hex(json_object_get(json_object_get(r.doc, "object"), "base")), "object");
		char oid[32];
		snprintf(oid, sizeof(oid), "%s", obj);
		assert_true(oid[0]);
		assert_true(has_arrow(svg, region_at(svg, hex(json_object_get(json_array_get(sp, 0), "special")),
						     "special"),
				      oid));
	}
	free(svg);
	fake_result_free(&r);

	svg = draw(s, ft, "gc", "gc", &r);
	/* the write barrier as the document says it */
	assert_non_null(strstr(svg, json_is_true(json_object_get(r.doc, "write_barrier")) ? "write barrier on"
											    : "write barrier off"));
	assert_non_null(strstr(svg, "phase mark"));
	json_t *arenas = json_object_get(json_object_get(r.doc, "heat_map"), "arenas");
	assert_int_equal(count(svg, "class=\"region arena\""), json_array_size(arenas));
	assert_int_equal(count(svg, "class=\"cell "), 64 * json_array_size(arenas));
	json_t *classes = json_object_get(r.doc, "size_classes");
	assert_int_equal(count(svg, "class=\"row "), json_array_size(classes));
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* A span of 1000 slots in every state: still a square per slot. */
static void test_heap_many_slots(void **state)
{
	(void)state;
	struct heap_opts o = HEAP_OK_OPTS;
	o.nelems = 1000;
	o.npages = 6; /* 49152 bytes: 1024 slots of 48 */
	o.phase_mark = true;
	struct fake_target *ft = heap_target(&o);
	unsigned char ab[125], mb[125];
	for (size_t i = 0; i < sizeof(ab); i++) {
		ab[i] = (unsigned char)(i * 37 + 11);
		mb[i] = (unsigned char)(ab[i] & (i % 3 ? 0x5a : 0xff)) | (i % 7 ? 0 : 0x80);
	}
	ab[0] |= 0x0b; /* the scene's objects 0, 1 and 3 stay allocated */
	fake_poke(ft, ALLOC_BITS, ab, sizeof(ab));
	fake_poke(ft, MARK_BITS, mb, sizeof(mb));
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char args[128];
	snprintf(args, sizeof(args), "heap 0x%llx --span", (unsigned long long)(SPAN_BASE + ELEMSIZE));
	char *svg = draw(s, ft, "heap-span-1000", args, &r);
	const char *cells = json_string_value(json_object_get(json_object_get(r.doc, "span_objects"), "cells"));
	assert_non_null(cells);
	assert_int_equal(strlen(cells), 1000);
	/* the scene must hold every state a span can */
	for (const char *c = "#u.m"; *c; c++)
		if (!strchr(cells, *c))
			fail_msg("no '%c' cell in the scene: %.80s...", *c, cells);
	slots_match(svg, r.doc);
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* One region of a picture, with its outline. */
struct drawn {
	uint64_t size;
	int h, px;
	char scale[16];
	bool brk;
};

/* The regions of class "region KIND..." in order, at most max. */
static size_t regions_of(const char *svg, const char *kind, struct drawn *out, size_t max)
{
	char needle[64];
	snprintf(needle, sizeof(needle), "<g class=\"region %s", kind);
	size_t n = 0;
	for (const char *p = svg; n < max && (p = strstr(p, needle)); p++) {
		struct drawn *d = &out[n++];
		memset(d, 0, sizeof(*d));
		const char *sz = strstr(p, "data-size=\"");
		const char *ol = strstr(p, "<rect class=\"outline\"");
		assert_non_null(sz);
		assert_non_null(ol);
		d->size = strtoull(sz + strlen("data-size=\""), NULL, 10);
		if (sscanf(ol, "<rect class=\"outline\" data-scale=\"%15[a-z]\" data-px=\"%d\"", d->scale, &d->px) != 2)
			fail_msg("region %s %zu: its outline says no scale: %.120s", kind, n, ol);
		const char *hh = strstr(ol, "height=\"");
		assert_non_null(hh);
		d->h = atoi(hh + strlen("height=\""));
		const char *br = strstr(p, "<g class=\"break\">");
		d->brk = br && br < ol;
	}
	return n;
}

/* Boxes to byte scale: the picture states its bytes per pixel; a box
 * drawn "exact" is as tall as its bytes at that scale (within a pixel),
 * a "min" one is taller (its rows need the room), a "compressed" one is
 * shorter and broken. */
static size_t check_scale(const char *svg, const char *kind, size_t *exact)
{
	const char *t = strstr(svg, "to scale: ");
	assert_non_null(t);
	unsigned long long ppx, bpp;
	if (sscanf(t, "to scale: %llu px = %llu byte", &ppx, &bpp) != 2)
		fail_msg("no scale: %.60s", t);
	assert_true(ppx >= 1 && bpp >= 1 && (ppx == 1 || bpp == 1));
	struct drawn d[64];
	size_t n = regions_of(svg, kind, d, 64);
	for (size_t i = 0; i < n; i++) {
		long long want = (long long)((d[i].size * ppx + bpp / 2) / bpp);
		assert_int_equal(d[i].px, want);
		if (!strcmp(d[i].scale, "exact")) {
			if (llabs(d[i].h - want) > 1)
				fail_msg("%s %zu: %llu bytes drawn %d px tall, want %lld (%llu px = %llu bytes)", kind,
					 i, (unsigned long long)d[i].size, d[i].h, want, ppx, bpp);
			++*exact;
		} else if (!strcmp(d[i].scale, "min")) {
			assert_true(d[i].h > want);
		} else if (!strcmp(d[i].scale, "compressed")) {
			assert_true(d[i].h < want);
			assert_true(d[i].brk);
		} else {
			fail_msg("%s %zu: scale %s", kind, i, d[i].scale);
		}
		if (strcmp(d[i].scale, "compressed"))
			assert_false(d[i].brk);
	}
	return n;
}

static void test_stack(void **state)
{
	(void)state;
	struct fake_target *ft = four_goroutines_new();
	if (!ft)
		fail_msg("%s", G_BIN.why);
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	size_t exact = 0;
	for (int goid = 1; goid <= 2; goid++) {
		char name[32], args[32];
		snprintf(name, sizeof(name), "stack-%d", goid);
		snprintf(args, sizeof(args), "stack %d", goid);
		char *svg = draw(s, ft, name, args, &r);
		json_t *frames = json_object_get(r.doc, "frames");
		size_t sized = 0;
		for (size_t i = 0; i < json_array_size(frames); i++) {
			json_t *f = json_array_get(frames, i);
			const char *fn = json_string_value(json_object_get(f, "func"));
			if (fn && !strstr(svg, fn))
				fail_msg("frame %s is not drawn", fn);
			sized += json_integer_value(json_object_get(f, "size")) >= 0 &&
				 !json_is_true(json_object_get(f, "inlined")) && json_object_get(f, "size") != NULL;
		}
		assert_int_equal(count(svg, "class=\"region frame"), sized);
		assert_int_equal(check_scale(svg, "frame", &exact), sized);
		/* the unused part of a 32 KiB stack: compressed */
		struct drawn u;
		assert_int_equal(regions_of(svg, "unused", &u, 1), 1);
		assert_string_equal(u.scale, "compressed");
		check_scale(svg, "unused", &exact);
		free(svg);
		fake_result_free(&r);
	}
	/* the scene must have frames drawn to scale for the check to bite */
	assert_true(exact > 0);

	/* goroutines: a box per goroutine at its stack, used above unused */
	char *svg = draw(s, ft, "goroutines", "goroutines --limit 3", &r);
	json_t *gs = json_object_get(r.doc, "goroutines");
	assert_int_equal(count(svg, "class=\"region goroutine"), json_array_size(gs));
	for (size_t i = 0; i < json_array_size(gs); i++) {
		json_t *gr = json_array_get(gs, i);
		assert_true(*region_at(svg, hex(json_object_get(gr, "stack_lo")), NULL));
		char want[128];
		snprintf(want, sizeof(want), "class=\"row data\" data-off=\"%lld\" data-size=\"%lld\"",
			 json_integer_value(json_object_get(gr, "stack_size")) -
				 json_integer_value(json_object_get(gr, "stack_used")),
			 json_integer_value(json_object_get(gr, "stack_used")));
		if (!strstr(svg, want))
			fail_msg("goroutine %zu: no used-stack row %s", i, want);
	}
	if (json_integer_value(json_object_get(r.doc, "matched")) > 3)
		assert_non_null(strstr(svg, "3 of "));
	free(svg);
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* ---- --out and the files golayout refuses ----------------------------------- */

static size_t lines_of(const char *path)
{
	char *t = fake_slurp(path, NULL);
	if (!t)
		return 0;
	size_t n = count(t, "\n");
	/* each line one document */
	for (char *l = t; *l;) {
		char *nl = strchr(l, '\n');
		assert_non_null(nl);
		*nl = '\0';
		json_error_t e;
		json_t *d = json_loads(l, 0, &e);
		if (!d)
			fail_msg("%s: a line is not one JSON document: %s", path, e.text);
		json_decref(d);
		l = nl + 1;
	}
	free(t);
	return n;
}

static void test_out(void **state)
{
	(void)state;
	struct fake_target *ft = structs_target();
	struct gl_session *s = gl_session_create();
	struct fake_result r;
	char path[512];
	/* %n: one file per run, 1, 2, ...; --svg and --out of one run share n */
	for (int i = 0; i < 2; i++) {
		fake_run(s, ft, &r, "struct main.gPadded --json --out %s/doc-%%n.jsonl --svg %s/pic-%%n.svg", tmpdir,
			 tmpdir);
		assert_int_equal(r.status, 0);
		assert_true(!r.out || !r.out[0]);
		assert_true(!r.err || !r.err[0]);
		fake_result_free(&r);
	}
	for (int i = 1; i <= 2; i++) {
		snprintf(path, sizeof(path), "%s/doc-%d.jsonl", tmpdir, i);
		assert_int_equal(lines_of(path), 1);
		snprintf(path, sizeof(path), "%s/pic-%d.svg", tmpdir, i);
		free(check_svg(path));
	}
	/* one file: appended, a document a line; text appends too */
	snprintf(path, sizeof(path), "%s/all.jsonl", tmpdir);
	for (int i = 0; i < 3; i++) {
		fake_run(s, ft, &r, "value main.gInt64 --json --out %s", path);
		assert_int_equal(r.status, 0);
		fake_result_free(&r);
	}
	assert_int_equal(lines_of(path), 3);
	snprintf(path, sizeof(path), "%s/text.txt", tmpdir);
	fake_run(s, ft, &r, "value main.gInt64 --out %s", path);
	assert_int_equal(r.status, 0);
	fake_result_free(&r);
	char *t = fake_slurp(path, NULL);
	assert_non_null(t);
	assert_non_null(strstr(t, "main.gInt64"));
	free(t);
	/* --svg replaces */
	snprintf(path, sizeof(path), "%s/same.svg", tmpdir);
	fake_run(s, ft, &r, "struct main.gPadded --svg %s", path);
	fake_result_free(&r);
	fake_run(s, ft, &r, "struct main.gPadded --svg %s", path);
	fake_result_free(&r);
	t = check_svg(path);
	assert_int_equal(count(t, "<svg "), 1);
	free(t);
	/* a command without a picture takes no --svg */
	fake_run(s, ft, &r, "value main.gInt64 --svg %s/x.svg", tmpdir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "unknown option --svg"));
	fake_result_free(&r);
	gl_session_destroy(s);
	fake_free(ft);
}

/* One line, naming the file, and the session still works afterwards. */
static void refused(struct gl_session *s, struct fake_target *ft, const char *args, const char *why)
{
	struct fake_result r;
	fake_run(s, ft, &r, "%s", args);
	assert_int_equal(r.status, 1);
	assert_non_null(r.err);
	if (!strstr(r.err, why))
		fail_msg("golayout %s: error %s does not say %s", args, r.err, why);
	assert_int_equal(count(r.err, "\n"), strchr(r.err, '\n') ? 1 : 0);
	assert_true(!r.out || !r.out[0]);
	fake_result_free(&r);
	fake_run(s, ft, &r, "value main.gInt64");
	assert_int_equal(r.status, 0);
	fake_result_free(&r);
}

static void test_bad_files(void **state)
{
	(void)state;
	struct fake_target *ft = structs_target();
	struct gl_session *s = gl_session_create();
	char args[1024];
	snprintf(args, sizeof(args), "struct main.gPadded --svg %s", tmpdir);
	refused(s, ft, args, "a directory, not a regular file");
	snprintf(args, sizeof(args), "value main.gInt64 --out %s", tmpdir);
	refused(s, ft, args, "a directory, not a regular file");
	refused(s, ft, "value main.gInt64 --out /dev/full", "a device, not a regular file");
	refused(s, ft, "value main.gInt64 --json --out /dev/full", "a device, not a regular file");
	refused(s, ft, "value main.gInt64 --out /nonexistent-dir/x.txt", "cannot open");
	snprintf(args, sizeof(args), "struct main.gPadded --json --svg /nonexistent-dir/x.svg");
	struct fake_result r;
	fake_run(s, ft, &r, "%s", args);
	/* with --json the document says it, with its code */
	assert_non_null(r.doc);
	assert_string_equal(fake_doc_str(&r, "error_code"), "output");
	fake_result_free(&r);

	/* a full disk: a file size limit makes write fail part-way (EFBIG);
	 * the file keeps what it had, no half document */
	char path[512];
	snprintf(path, sizeof(path), "%s/full.jsonl", tmpdir);
	fake_run(s, ft, &r, "value main.gInt64 --json --out %s", path);
	fake_result_free(&r);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 10;
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	fake_run(s, ft, &r, "struct main.gPadded --json --out %s", path);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "write failed"));
	fake_result_free(&r);
	struct stat st2;
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, st.st_size);
	assert_int_equal(lines_of(path), 1);
	gl_session_destroy(s);
	fake_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_classic),
		cmocka_unit_test(test_map_swiss),
		cmocka_unit_test(test_struct_slice_string),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_heap_gc),
		cmocka_unit_test(test_heap_many_slots),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_out),
		cmocka_unit_test(test_bad_files),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	map_bins_close();
	heap_layout_close();
	return rc;
}
