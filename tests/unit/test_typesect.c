/* The walk over a Go 1.27 module's type descriptors and static itabs
 * (core/gotypes/typesect.c): a synthetic type section laid out as the
 * linker lays one out (amd64 sizes of internal/abi at Go 1.27), walked
 * whole; each inconsistency the walk checks, one at a time, refused in one
 * line with nothing kept; every byte of the section changed in turn, the
 * walk still ending inside its bounds; and the real section of a Go 1.27
 * program (build-testdata.sh: maps-swiss-split), whose every typelinked
 * descriptor the walk finds is one its DWARF links a type to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/le.h"
#include "fake_target.h"
#include "gotypes/rtlayout.h"
#include "gotypes/typesect.h"
#include "target/dwarfinfo.h"
#include "target/elffile.h"
#include "target/target.h"

#define TYPES 0x400000ull
#define SECT 0x4000ull /* etypes - types */
#define ITABS 0x1000ull /* itaboffset */

/* internal/abi at Go 1.27 on amd64 (type.go, iface.go, map.go) */
static struct gl_typesect_shape amd64(void)
{
	struct gl_typesect_shape sh;
	memset(&sh, 0, sizeof(sh)); /* (padding too: compared whole below) */
	sh.ptr_size = 8;
	sh.type_size = 48;
	sh.kind_off = 23;
	sh.tflag_off = 20;
	sh.str_off = 40;
	sh.kind_mask = 0x1f;
	sh.tflag_uncommon = 1;
	sh.uncommon_size = 16;
	sh.mcount_off = 4;
	sh.moff_off = 8;
	sh.method_size = 16;
	sh.fields_off = 56;
	sh.field_size = 24;
	sh.imethods_off = 56;
	sh.imethod_size = 8;
	sh.in_count_off = 48;
	sh.out_count_off = 50;
	sh.itab_size = 32;
	sh.itab_inter_off = 0;
	sh.itab_type_off = 8;
	sh.itab_fun_off = 24;
	for (unsigned k = GL_K_BOOL; k <= GL_K_UNSAFEPOINTER; k++)
		sh.kind_size[k] = 48;
	sh.kind_size[GL_K_ARRAY] = 72;
	sh.kind_size[GL_K_CHAN] = 64;
	sh.kind_size[GL_K_FUNC] = 56;
	sh.kind_size[GL_K_INTERFACE] = 80;
	sh.kind_size[GL_K_MAP] = 136;
	sh.kind_size[GL_K_POINTER] = 56;
	sh.kind_size[GL_K_SLICE] = 56;
	sh.kind_size[GL_K_STRUCT] = 80;
	return sh;
}

/* ---- a synthetic section ------------------------------------------------- */

struct section {
	unsigned char b[SECT];
	struct gl_typesect ts;
	uint64_t want[16]; /* the addresses the walk must give */
	size_t nwant;
	uint64_t reads;
	uint64_t fault; /* a read over this address fails (0: none) */
};

static void put(struct section *s, uint64_t pos, unsigned size, uint64_t v)
{
	gl_put_uint(s->b + pos, size, v);
}

/* abi.Type at pos; returns pos */
static uint64_t desc(struct section *s, uint64_t pos, unsigned kind, bool uncommon)
{
	put(s, pos + 0, 8, 8);                /* Size_ */
	put(s, pos + 20, 1, uncommon ? 5 : 0); /* TFlag: uncommon, named */
	put(s, pos + 23, 1, kind);
	put(s, pos + 40, 4, 0x3000 + pos);     /* Str: a name in the section */
	s->want[s->nwant++] = TYPES + pos;
	return pos;
}

static void uncommon(struct section *s, uint64_t at, unsigned mcount, uint32_t moff)
{
	put(s, at + 0, 4, 0x3800); /* PkgPath */
	put(s, at + 4, 2, mcount);
	put(s, at + 6, 2, mcount);
	put(s, at + 8, 4, moff);
}

static void slice_hdr(struct section *s, uint64_t at, uint64_t ptr, uint64_t n)
{
	put(s, at, 8, ptr);
	put(s, at + 8, 8, n);
	put(s, at + 16, 8, n);
}

/* Offsets of the pieces the corruption tests change. */
enum {
	P_SLICE = 8,     /* []int: 56 */
	P_STRUCT = 64,   /* named struct, 2 fields, 1 method: 80+16+48+16 = 160 */
	P_IFACE = 224,   /* interface, 2 methods: 80+16 = 96 */
	P_FUNC = 320,    /* func(a, b ...int) int: 56+24 = 80 */
	P_MAP = 400,     /* 136 */
	P_ARRAY = 536,   /* 72 */
	P_CHAN = 608,    /* 64 */
	P_PTR = 672,     /* named pointer, 2 methods: 56+16+32 = 104 */
	P_INT = 776,     /* named int, no methods: 48+16 = 64 */
	P_END = 840,     /* typedesclen */
	P_ITAB1 = 0,     /* itab of the interface, implemented: 32+8 */
	P_ITAB2 = 40,    /* and one not implemented (Fun[0] 0): 32 */
	P_ITABS_END = 72,
};

static void build(struct section *s)
{
	memset(s, 0, sizeof(*s));
	/* names and other non-descriptors between the two runs */
	memset(s->b + P_END, 0xab, ITABS - P_END);
	desc(s, P_SLICE, GL_K_SLICE, false);
	desc(s, P_STRUCT, GL_K_STRUCT, true);
	slice_hdr(s, P_STRUCT + 56, TYPES + P_STRUCT + 80 + 16, 2);
	uncommon(s, P_STRUCT + 80, 1, 16 + 48);
	desc(s, P_IFACE, GL_K_INTERFACE, false);
	slice_hdr(s, P_IFACE + 56, TYPES + P_IFACE + 80, 2);
	desc(s, P_FUNC, GL_K_FUNC, false);
	put(s, P_FUNC + 48, 2, 2);
	put(s, P_FUNC + 50, 2, 1 | 0x8000); /* variadic */
	desc(s, P_MAP, GL_K_MAP, false);
	desc(s, P_ARRAY, GL_K_ARRAY, false);
	desc(s, P_CHAN, GL_K_CHAN, false);
	desc(s, P_PTR, GL_K_POINTER, true);
	uncommon(s, P_PTR + 56, 2, 16);
	desc(s, P_INT, GL_K_INT, true);
	uncommon(s, P_INT + 48, 0, 16);
	/* the itabs: the struct implements the interface, the pointer not */
	put(s, ITABS + P_ITAB1 + 0, 8, TYPES + P_IFACE);
	put(s, ITABS + P_ITAB1 + 8, 8, TYPES + P_STRUCT);
	put(s, ITABS + P_ITAB1 + 24, 8, 0x401000);
	put(s, ITABS + P_ITAB1 + 32, 8, 0x401040);
	s->want[s->nwant++] = TYPES + P_STRUCT;
	put(s, ITABS + P_ITAB2 + 0, 8, TYPES + P_IFACE);
	put(s, ITABS + P_ITAB2 + 8, 8, TYPES + P_PTR);
	s->want[s->nwant++] = TYPES + P_PTR;
	s->ts = (struct gl_typesect){.types = TYPES, .typedesclen = P_END, .etypes = TYPES + SECT,
				     .itaboffset = ITABS, .itabsize = P_ITABS_END};
}

static struct gl_error *read_section(void *arg, uint64_t addr, void *buf, uint64_t len)
{
	struct section *s = arg;
	s->reads++;
	if (addr < TYPES || addr - TYPES > SECT || len > SECT - (addr - TYPES) ||
	    (s->fault >= addr && s->fault - addr < len))
		return gl_error_fault(addr, "cannot read memory at %#llx", (unsigned long long)addr);
	memcpy(buf, s->b + (addr - TYPES), len);
	return NULL;
}

static struct gl_error *walk(struct section *s, uint64_t **addrs, size_t *n)
{
	struct gl_typesect_shape sh = amd64();
	return gl_typesect_walk(&sh, &s->ts, read_section, s, addrs, n);
}

static void test_walk_whole(void **state)
{
	(void)state;
	static struct section s;
	build(&s);
	uint64_t *addrs;
	size_t n;
	struct gl_error *err = walk(&s, &addrs, &n);
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(n, s.nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(addrs[i], s.want[i]);
	/* the two runs in one read each, and one read per implemented itab */
	assert_int_equal(s.reads, 3);
	free(addrs);
}

/* ---- refusals --------------------------------------------------------------- */

struct corruption {
	const char *what;
	uint64_t pos;   /* where in the section */
	unsigned size;
	uint64_t value;
	const char *says; /* in the message */
};

static const struct corruption CORRUPTIONS[] = {
	{"kind 0", P_IFACE + 23, 1, 0, "has kind 0, which is no kind"},
	{"kind past UnsafePointer", P_MAP + 23, 1, 27, "has kind 27"},
	{"name before the section", P_CHAN + 40, 4, 0xfffffff0, "outside the type section"},
	{"name past the section", P_CHAN + 40, 4, SECT, "outside the type section"},
	{"fields len past the run", P_STRUCT + 56 + 8, 8, 1ull << 40, "lists 1099511627776 fields"},
	{"fields len not cap", P_STRUCT + 56 + 16, 8, 3, "(cap 3)"},
	{"fields elsewhere", P_STRUCT + 56, 8, TYPES + 0x2000, "has its fields at 0x402000"},
	{"methods elsewhere", P_IFACE + 56, 8, TYPES + 8, "has its methods at 0x400008"},
	{"method offset", P_STRUCT + 80 + 8, 4, 16, "its methods 16 bytes after its UncommonType, not 64"},
	{"method count past the run", P_INT + 48 + 4, 2, 0xffff, "runs past the typelinked ones"},
	{"func params past the run", P_FUNC + 48, 2, 0x7fff, "runs past the typelinked ones"},
	{"itab interface outside", ITABS + P_ITAB2, 8, TYPES + SECT, "has its interface (0x404000)"},
	{"itab type outside", ITABS + P_ITAB1 + 8, 8, 0x10, "or type (0x10) outside"},
	{"itab of no methods", ITABS + P_ITAB1, 8, TYPES + 0x2000, "is of an interface with 0 methods"},
};

static void check_refused(struct section *s, const char *what, const char *says)
{
	uint64_t *addrs = (uint64_t *)&addrs;
	size_t n = 99;
	struct gl_error *err = walk(s, &addrs, &n);
	if (!err)
		fail_msg("%s: walked (%zu addresses)", what, n);
	if (!strstr(err->message, says) || strchr(err->message, '\n') ||
	    strncmp(err->message, "cannot walk the type descriptors: ", 34))
		fail_msg("%s: \"%s\" does not say \"%s\" in one line", what, err->message, says);
	assert_int_equal(err->code, GL_ERR_CORRUPT);
	assert_null(addrs);
	assert_int_equal(n, 0);
	gl_error_destroy(err);
}

static void test_refusals(void **state)
{
	(void)state;
	static struct section s;
	for (size_t i = 0; i < sizeof(CORRUPTIONS) / sizeof(CORRUPTIONS[0]); i++) {
		const struct corruption *c = &CORRUPTIONS[i];
		build(&s);
		put(&s, c->pos, c->size, c->value);
		check_refused(&s, c->what, c->says);
	}
	/* the module's words */
	build(&s);
	s.ts.typedesclen = SECT + 8;
	check_refused(&s, "typedesclen past etypes", "does not hold its descriptors");
	build(&s);
	s.ts.typedesclen = P_END - 8;
	check_refused(&s, "typedesclen inside a descriptor", "runs past the typelinked ones");
	build(&s);
	s.ts.itaboffset = P_END - 8;
	check_refused(&s, "itabs over the descriptors", "does not hold its descriptors");
	build(&s);
	s.ts.itabsize = P_ITABS_END - 8;
	check_refused(&s, "itabsize inside an itab", "runs past the itabs' end");
	build(&s);
	s.ts.etypes = s.ts.types;
	check_refused(&s, "an empty section", "is empty");
	/* an unreadable run, an unreadable interface: the read's own error */
	const uint64_t faults[] = {TYPES + P_MAP, TYPES + ITABS + P_ITAB2, TYPES + P_IFACE + 56 + 8};
	for (size_t i = 0; i < 3; i++) {
		build(&s);
		s.fault = faults[i];
		uint64_t *addrs;
		size_t n;
		struct gl_error *err = walk(&s, &addrs, &n);
		assert_non_null(err);
		assert_int_equal(err->code, GL_ERR_FAULT);
		assert_null(addrs);
		gl_error_destroy(err);
	}
}

/* Every byte of the section changed to a few values in turn: the walk
 * ends, with one line or with addresses inside the section, and reads no
 * more than its two runs plus one word pair per itab. */
static void test_every_byte(void **state)
{
	(void)state;
	static struct section s;
	static const uint8_t values[] = {0x00, 0x01, 0x1a, 0x7f, 0x80, 0xff};
	size_t walked = 0, refused = 0;
	for (uint64_t pos = 0; pos < ITABS + P_ITABS_END; pos++) {
		if (pos == P_END)
			pos = ITABS; /* (the bytes between the runs are nobody's) */
		for (size_t v = 0; v < sizeof(values); v++) {
			build(&s);
			s.b[pos] = values[v];
			uint64_t *addrs;
			size_t n;
			struct gl_error *err = walk(&s, &addrs, &n);
			assert_true(s.reads <= 2 + P_ITABS_END / 32);
			if (err) {
				assert_null(strchr(err->message, '\n'));
				gl_error_destroy(err);
				refused++;
				continue;
			}
			walked++;
			assert_true(n <= P_END / 48 + P_ITABS_END / 32);
			for (size_t i = 0; i < n; i++)
				assert_true(addrs[i] >= TYPES && addrs[i] < TYPES + SECT);
			free(addrs);
		}
	}
	/* both outcomes happen: bytes the walk does not read, and ones it checks */
	assert_true(walked > 0);
	assert_true(refused > 0);
}

/* ---- a real Go 1.27 program -------------------------------------------------- */

static struct gl_error *read_elf(void *arg, uint64_t addr, void *buf, uint64_t len)
{
	return gl_elf_read_vaddr(arg, addr, buf, (size_t)len);
}

/* A descriptor's string (abi.Name: a flags byte, a varint length, the
 * bytes) without the extra '*' (TFlagExtraStar), as the linker sorts by. */
static void read_string(const struct gl_elf *elf, uint64_t types, uint64_t desc, char *out, size_t size)
{
	unsigned char d[48], h[4];
	assert_null(gl_elf_read_vaddr(elf, desc, d, sizeof(d)));
	uint64_t at = types + (uint64_t)gl_get_int(d + 40, 4);
	assert_null(gl_elf_read_vaddr(elf, at, h, sizeof(h)));
	uint64_t len = 0, pos = 1;
	for (unsigned shift = 0; pos < sizeof(h); shift += 7) {
		len |= (uint64_t)(h[pos] & 0x7f) << shift;
		if (!(h[pos++] & 0x80))
			break;
	}
	assert_true(len > 0 && len < size);
	assert_null(gl_elf_read_vaddr(elf, at + pos, out, len));
	out[len] = '\0';
	if (d[20] & 2)
		memmove(out, out + 1, len);
}

static void test_real_program(void **state)
{
	(void)state;
	const char *path = fake_testdata("maps-swiss-split");
	if (!path)
		fail_msg("no maps-swiss-split (run tests/unit/build-testdata.sh)");
	struct gl_target *t;
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_target_open(path, &t);
	if (err || (err = gl_rt_load(t, &L)))
		fail_msg("%s: %s", path, err->message);
	assert_int_equal(L->go_minor, 27);
	struct gl_typesect_shape sh;
	const char *missing = NULL;
	if (!gl_typesect_shape_of(L, &sh, &missing))
		fail_msg("the table lacks %s", missing);
	/* the shape the synthetic tests use is amd64's at 1.27 */
	struct gl_typesect_shape want = amd64();
	assert_memory_equal(&sh, &want, sizeof(sh));
	/* the module's words, from the executable (not PIE: as it runs) */
	struct gl_rt_global md = gl_rt_global(L, GL_RTG_FIRSTMODULEDATA);
	const enum gl_rtf ids[] = {GL_RTF_MODULEDATA_TYPES, GL_RTF_MODULEDATA_TYPEDESCLEN, GL_RTF_MODULEDATA_ETYPES,
				   GL_RTF_MODULEDATA_ITABOFFSET, GL_RTF_MODULEDATA_ITABSIZE};
	uint64_t w[5];
	for (size_t i = 0; i < 5; i++) {
		unsigned char b[8];
		assert_true(md.present && gl_rt_field(L, ids[i]).present);
		assert_null(gl_elf_read_vaddr(&t->elf, md.addr + gl_rt_field(L, ids[i]).off, b, 8));
		w[i] = gl_get_uint(b, 8);
	}
	struct gl_typesect ts = {w[0], w[1], w[2], w[3], w[4]};
	uint64_t *addrs;
	size_t n;
	if ((err = gl_typesect_walk(&sh, &ts, read_elf, &t->elf, &addrs, &n)))
		fail_msg("%s", err->message);
	/* The linker sorts the typelinked descriptors by their string (with
	 * the extra '*' cut) and they are unnamed types: each string the walk
	 * finds follows the one before, and spells a composite type. DWARF
	 * links its types to their descriptors (DW_AT_go_runtime_type): those
	 * of the walk's it knows are the types it says. */
	size_t in_run = 0, linked = 0;
	char prev[512] = "", name[512];
	for (size_t i = 0; i < n; i++)
		assert_true(addrs[i] > ts.types && addrs[i] < ts.etypes);
	/* (the descriptors come first, in section order; the itabs' types,
	 * in the run or not, after) */
	for (size_t i = 0; i < n && addrs[i] < ts.types + ts.typedesclen && (!i || addrs[i] > addrs[i - 1]); i++) {
		in_run++;
		read_string(&t->elf, ts.types, addrs[i], name, sizeof(name));
		if (strcmp(prev, name) > 0)
			fail_msg("descriptor %zu (%#llx): \"%s\" after \"%s\"", i, (unsigned long long)addrs[i], name,
				 prev);
		if (!strchr("*[", name[0]) && strncmp(name, "map[", 4) && strncmp(name, "func(", 5) &&
		    strncmp(name, "chan ", 5) && strncmp(name, "<-chan ", 7) && strncmp(name, "struct {", 8) &&
		    strncmp(name, "interface {", 11))
			fail_msg("descriptor %zu (%#llx) is \"%s\", no composite type", i, (unsigned long long)addrs[i],
				 name);
		snprintf(prev, sizeof(prev), "%s", name);
		struct gl_type *dt = gl_dwarf_type_by_runtime_offset(t->dw, addrs[i] - ts.types);
		if (dt) {
			linked++;
			if (dt->name[0] != name[0])
				fail_msg("descriptor %#llx is \"%s\", DWARF's type there \"%s\"",
					 (unsigned long long)addrs[i], name, dt->name);
		}
	}
	print_message("%zu typelinked descriptors, %zu of them DWARF's; %zu itab types\n", in_run, linked, n - in_run);
	assert_true(in_run > 100);
	assert_true(n > in_run);
	assert_true(linked > in_run / 2);
	free(addrs);
	gl_target_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_whole),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_real_program),
	};
	return cmocka_run_group_tests_name("typesect", tests, NULL, NULL);
}
