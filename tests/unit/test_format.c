/* Go's fmt %v of scalar values (core/value.h): gl_format_float and
 * gl_format_value on types built by hand.
 *
 * Every expected string below was printed by Go 1.26.8's fmt
 * (fmt.Sprintf("%v", x), linux/amd64), not written by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fmt/format.h"
#include "eval/value.h"

/* ---- floats ---- */

struct fcase {
	const char *what; /* the Go expression */
	double v;
	int bits;
	const char *want; /* Go 1.26.8 fmt %v */
};

static void check_float(const struct fcase *c, int *failures)
{
	struct strbuf sb;
	sb_init(&sb);
	gl_format_float(c->v, c->bits, false, &sb);
	if (!sb.s || strcmp(sb.s, c->want) != 0) {
		print_error("%-34s float%d: got %s, Go prints %s\n", c->what, c->bits,
			    sb.s ? sb.s : "(null)", c->want);
		(*failures)++;
	}
	sb_deinit(&sb);
}

static void check_floats(const struct fcase *cases, size_t n)
{
	int failures = 0;
	for (size_t i = 0; i < n; i++)
		check_float(&cases[i], &failures);
	if (failures)
		fail_msg("%d of %zu floats differ from Go's fmt", failures, n);
}

static void test_float64(void **state)
{
	(void)state;
	const struct fcase cases[] = {
		{"0", 0.0, 64, "0"},
		{"math.Copysign(0, -1)", -0.0, 64, "-0"},
		{"1", 1, 64, "1"},
		{"-1", -1, 64, "-1"},
		{"0.1", 0.1, 64, "0.1"},
		{"0.3", 0.3, 64, "0.3"},
		{"x + y, with x, y := 0.1, 0.2", 0.1 + 0.2, 64, "0.30000000000000004"},
		{"3.5", 3.5, 64, "3.5"},
		{"100", 100, 64, "100"},
		{"123456", 123456, 64, "123456"},
		{"999999", 999999, 64, "999999"},
		{"123456.7", 123456.7, 64, "123456.7"},
		{"1e6", 1e6, 64, "1e+06"},
		{"1234567", 1234567, 64, "1.234567e+06"},
		{"1e20", 1e20, 64, "1e+20"},
		{"1e21", 1e21, 64, "1e+21"},
		{"1e23", 1e23, 64, "1e+23"},
		{"1e-5", 1e-5, 64, "1e-05"},
		{"0.0001", 0.0001, 64, "0.0001"},
		{"0.000123", 0.000123, 64, "0.000123"},
		{"-2.5e-10", -2.5e-10, 64, "-2.5e-10"},
		{"1.0 / 3", 1.0 / 3, 64, "0.3333333333333333"},
		{"2.0 / 3", 2.0 / 3, 64, "0.6666666666666666"},
		{"math.MaxFloat64", 1.7976931348623157e308, 64, "1.7976931348623157e+308"},
		{"math.SmallestNonzeroFloat64", 4.9406564584124654e-324, 64, "5e-324"},
		{"9007199254740993", 9007199254740992.0, 64, "9.007199254740992e+15"},
		{"math.NaN()", NAN, 64, "NaN"},
		{"math.Inf(1)", INFINITY, 64, "+Inf"},
		{"math.Inf(-1)", -INFINITY, 64, "-Inf"},
	};
	check_floats(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_float32(void **state)
{
	(void)state;
	const struct fcase cases[] = {
		{"float32(0.1)", 0.1f, 32, "0.1"},
		{"float32(16777216)", 16777216.0f, 32, "1.6777216e+07"},
		{"float32(1.0 / 3)", 1.0f / 3, 32, "0.33333334"},
		{"float32(3.4)", 3.4f, 32, "3.4"},
		{"float32(1e-7)", 1e-7f, 32, "1e-07"},
		{"float32(-0.5)", -0.5f, 32, "-0.5"},
		{"float32(123456789)", 123456789.0f, 32, "1.2345679e+08"},
		{"math.MaxFloat32", 3.40282346638528859811704183484516925440e+38f, 32,
		 "3.4028235e+38"},
		{"math.SmallestNonzeroFloat32", 1.401298464324817070923729583289916131280e-45f, 32,
		 "1e-45"},
	};
	check_floats(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Powers of two sit at a binade boundary, where the gap to the next lower
 * float is half the gap to the next higher one: the shortest decimal that
 * reads back may lie above the value only. Go's shortest (Ryu) finds it;
 * and on an exact tie between two shortest candidates Go rounds up. */
static void test_float_powers_of_two(void **state)
{
	(void)state;
	const struct fcase cases[] = {
		{"math.Ldexp(1, 63)", ldexp(1, 63), 64, "9.223372036854776e+18"},
		{"math.Ldexp(1, -1022)", ldexp(1, -1022), 64, "2.2250738585072014e-308"},
		{"math.Ldexp(1, -24)", ldexp(1, -24), 64, "5.960464477539063e-08"},
		{"math.Ldexp(1, -44)", ldexp(1, -44), 64, "5.684341886080802e-14"},
		{"math.Ldexp(1, 89)", ldexp(1, 89), 64, "6.189700196426902e+26"},
		{"math.Ldexp(1, -1017)", ldexp(1, -1017), 64, "7.120236347223045e-307"},
		{"float32(math.Ldexp(1, -126))", ldexp(1, -126), 32, "1.1754944e-38"},
		{"float32(math.Ldexp(1, -96))", ldexp(1, -96), 32, "1.2621775e-29"},
		{"float32(math.Ldexp(1, 87))", ldexp(1, 87), 32, "1.5474251e+26"},
		{"float32(math.Ldexp(1, -12))", ldexp(1, -12), 32, "0.00024414063"},
	};
	check_floats(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_float_plus_flag(void **state)
{
	(void)state;
	/* the imaginary part of a complex prints with the + flag: Go's %+g
	 * (and the imaginary parts of complex(1, v) printed with %v) */
	struct {
		double v;
		const char *want;
	} cases[] = {{2, "+2"}, {-2, "-2"}, {0, "+0"}, {-0.0, "-0"}, {NAN, "+NaN"},
		     {INFINITY, "+Inf"}, {-INFINITY, "-Inf"}, {1e-7, "+1e-07"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb;
		sb_init(&sb);
		gl_format_float(cases[i].v, 64, true, &sb);
		assert_string_equal(sb.s, cases[i].want);
		sb_deinit(&sb);
	}
}

/* ---- values of hand-built types ---- */

static struct gl_type T_BOOL = {.kind = GL_K_BOOL, .name = "bool", .size = 1};
static struct gl_type T_I8 = {.kind = GL_K_INT8, .name = "int8", .size = 1};
static struct gl_type T_I16 = {.kind = GL_K_INT16, .name = "int16", .size = 2};
static struct gl_type T_I32 = {.kind = GL_K_INT32, .name = "int32", .size = 4};
static struct gl_type T_I64 = {.kind = GL_K_INT64, .name = "int64", .size = 8};
static struct gl_type T_INT = {.kind = GL_K_INT, .name = "int", .size = 8};
static struct gl_type T_U8 = {.kind = GL_K_UINT8, .name = "uint8", .size = 1};
static struct gl_type T_U16 = {.kind = GL_K_UINT16, .name = "uint16", .size = 2};
static struct gl_type T_U32 = {.kind = GL_K_UINT32, .name = "uint32", .size = 4};
static struct gl_type T_U64 = {.kind = GL_K_UINT64, .name = "uint64", .size = 8};
static struct gl_type T_UPTR = {.kind = GL_K_UINTPTR, .name = "uintptr", .size = 8};
static struct gl_type T_F32 = {.kind = GL_K_FLOAT32, .name = "float32", .size = 4};
static struct gl_type T_F64 = {.kind = GL_K_FLOAT64, .name = "float64", .size = 8};
static struct gl_type T_C64 = {.kind = GL_K_COMPLEX64, .name = "complex64", .size = 8};
static struct gl_type T_C128 = {.kind = GL_K_COMPLEX128, .name = "complex128", .size = 16};

/* %v of t over bytes, with a context that has no target and no memory:
 * scalars must not need either. */
static char *fmt_value(const struct gl_type *t, const void *bytes)
{
	struct gl_mem mem;
	gl_mem_init(&mem);
	struct gl_ctx c = {.mem = &mem};
	char *s = gl_format_value_str(&c, t, bytes);
	gl_mem_deinit(&mem);
	assert_non_null(s);
	return s;
}

static void want_value(const struct gl_type *t, const void *bytes, const char *want)
{
	char *s = fmt_value(t, bytes);
	if (strcmp(s, want) != 0)
		fail_msg("%s: got \"%s\", Go prints \"%s\"", t->name, s, want);
	free(s);
}

/* Little-endian bytes of the low `size` bytes of v. */
static void le(unsigned char *b, uint64_t v, size_t size)
{
	for (size_t i = 0; i < size; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void want_int(const struct gl_type *t, int64_t v, const char *want)
{
	unsigned char b[8] = {0};
	le(b, (uint64_t)v, t->size);
	want_value(t, b, want);
}

static void test_signed_ints(void **state)
{
	(void)state;
	want_int(&T_I8, -128, "-128");
	want_int(&T_I8, 127, "127");
	want_int(&T_I8, -1, "-1");
	want_int(&T_I16, -32768, "-32768");
	want_int(&T_I16, 32767, "32767");
	want_int(&T_I16, -2, "-2");
	want_int(&T_I32, INT32_MIN, "-2147483648");
	want_int(&T_I32, INT32_MAX, "2147483647");
	want_int(&T_I32, -3, "-3");
	want_int(&T_I64, INT64_MIN, "-9223372036854775808");
	want_int(&T_I64, INT64_MAX, "9223372036854775807");
	want_int(&T_I64, -4, "-4");
	want_int(&T_INT, -1234567890123, "-1234567890123");
	want_int(&T_I8, 0, "0");
}

/* time.Duration prints as its String method does (fmt calls it); the
 * expected texts are Go 1.26.8's fmt.Printf("%v", time.Duration(d)). */
static void test_durations(void **state)
{
	(void)state;
	static struct gl_type T_DUR = {.kind = GL_K_INT64, .name = "time.Duration", .size = 8};
	static const struct {
		int64_t d;
		const char *want;
	} cases[] = {
		{0, "0s"}, {1, "1ns"}, {999, "999ns"}, {1000, "1\xc2\xb5s"}, {1500, "1.5\xc2\xb5s"},
		{1000000, "1ms"}, {1234567, "1.234567ms"}, {1000000000, "1s"}, {1500000000, "1.5s"},
		{60000000000, "1m0s"}, {3600000000000, "1h0m0s"}, {5401500000000, "1h30m1.5s"},
		{-3000000, "-3ms"}, {INT64_MIN, "-2562047h47m16.854775808s"},
		{INT64_MAX, "2562047h47m16.854775807s"}, {86400000000001, "24h0m0.000000001s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		want_int(&T_DUR, cases[i].d, cases[i].want);
}

static void test_unsigned_ints(void **state)
{
	(void)state;
	want_int(&T_U8, 255, "255");
	want_int(&T_U16, 65535, "65535");
	want_int(&T_U32, 4294967295, "4294967295");
	want_int(&T_U64, (int64_t)UINT64_MAX, "18446744073709551615");
	want_int(&T_U64, INT64_MIN, "9223372036854775808"); /* 1 << 63 */
	want_int(&T_UPTR, 0xdeadbeef, "3735928559");
	want_int(&T_U8, 0, "0");
	/* bytes beyond the type's size are not part of the value */
	unsigned char b[8] = {0xff, 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
	want_value(&T_U16, b, "65535");
	want_value(&T_I16, b, "-1");
}

static void test_bool(void **state)
{
	(void)state;
	unsigned char t = 1, f = 0;
	want_value(&T_BOOL, &t, "true");
	want_value(&T_BOOL, &f, "false");
}

static void test_float_values(void **state)
{
	(void)state;
	float f = 1.0f / 3;
	double d = 1e21;
	want_value(&T_F32, &f, "0.33333334");
	want_value(&T_F64, &d, "1e+21");
}

static void test_complex(void **state)
{
	(void)state;
	double c128[2] = {1, -2};
	want_value(&T_C128, c128, "(1-2i)");
	float c64[2] = {0.5f, 1e7f};
	want_value(&T_C64, c64, "(0.5+1e+07i)");
	float c64b[2] = {0.1f, -0.1f};
	want_value(&T_C64, c64b, "(0.1-0.1i)");
	double zero[2] = {0, 0};
	want_value(&T_C128, zero, "(0+0i)");
	double negzero[2] = {-0.0, -0.0};
	want_value(&T_C128, negzero, "(-0-0i)");
	double naninf[2] = {NAN, INFINITY};
	want_value(&T_C128, naninf, "(NaN+Infi)");
	double neginf[2] = {1, -INFINITY};
	want_value(&T_C128, neginf, "(1-Infi)");
	double big[2] = {1e21, 1e-7};
	want_value(&T_C128, big, "(1e+21+1e-07i)");
}

/* struct { A bool; B int8; C uint16; D int32; E float64; F uint64;
 *          G float32; H complex64 }, laid out as Go does (size 40). */
static void test_struct_of_scalars(void **state)
{
	(void)state;
	struct gl_field fields[] = {
		{.name = "A", .offset = 0, .type = &T_BOOL},
		{.name = "B", .offset = 1, .type = &T_I8},
		{.name = "C", .offset = 2, .type = &T_U16},
		{.name = "D", .offset = 4, .type = &T_I32},
		{.name = "E", .offset = 8, .type = &T_F64},
		{.name = "F", .offset = 16, .type = &T_U64},
		{.name = "G", .offset = 24, .type = &T_F32},
		{.name = "H", .offset = 28, .type = &T_C64},
	};
	struct gl_type s = {.kind = GL_K_STRUCT, .name = "main.S", .size = 40, .fields = fields,
			    .nfields = 8};
	unsigned char b[40];
	memset(b, 0xee, sizeof(b)); /* padding holds garbage: it must not show */
	b[0] = 1;
	le(b + 1, (uint64_t)-7, 1);
	le(b + 2, 65535, 2);
	le(b + 4, (uint64_t)-100000, 4);
	double e = 0.25;
	memcpy(b + 8, &e, 8);
	le(b + 16, UINT64_MAX, 8);
	float g = 1e10f, h[2] = {1.5f, -0.5f};
	memcpy(b + 24, &g, 4);
	memcpy(b + 28, h, 8);
	/* Go: S{true, -7, 65535, -100000, 0.25, math.MaxUint64, 1e10, complex(1.5, -0.5)} */
	want_value(&s, b, "{true -7 65535 -100000 0.25 18446744073709551615 1e+10 (1.5-0.5i)}");
}

static void test_array_of_uint16(void **state)
{
	(void)state;
	struct gl_type a = {.kind = GL_K_ARRAY, .name = "[3]uint16", .size = 6, .elem = &T_U16,
			    .count = 3};
	unsigned char b[6] = {1, 0, 0xff, 0xff, 0, 0};
	want_value(&a, b, "[1 65535 0]");
}

static void test_empty_struct_and_array(void **state)
{
	(void)state;
	struct gl_type es = {.kind = GL_K_STRUCT, .name = "struct {}", .size = 0};
	struct gl_type ea = {.kind = GL_K_ARRAY, .name = "[0]int", .size = 0, .elem = &T_INT,
			     .count = 0};
	unsigned char b[1] = {0};
	want_value(&es, b, "{}");
	want_value(&ea, b, "[]");
}

static void test_nested_struct_and_array(void **state)
{
	(void)state;
	/* struct{ P struct{ X int8; Y int16 }; A [2]struct{ X int8; Y int16 } } */
	struct gl_field inner_f[] = {{.name = "X", .offset = 0, .type = &T_I8},
				     {.name = "Y", .offset = 2, .type = &T_I16}};
	struct gl_type inner = {.kind = GL_K_STRUCT, .name = "main.P", .size = 4, .fields = inner_f,
				.nfields = 2};
	struct gl_type arr = {.kind = GL_K_ARRAY, .name = "[2]main.P", .size = 8, .elem = &inner,
			      .count = 2};
	struct gl_field outer_f[] = {{.name = "P", .offset = 0, .type = &inner},
				     {.name = "A", .offset = 4, .type = &arr}};
	struct gl_type outer = {.kind = GL_K_STRUCT, .name = "main.O", .size = 12, .fields = outer_f,
				.nfields = 2};
	unsigned char b[12] = {0xff, 0, 0x00, 0x80, 1, 0, 2, 0, 3, 0, 4, 0};
	/* Go: O{P{-1, -32768}, [2]P{{1, 2}, {3, 4}}} */
	want_value(&outer, b, "{{-1 -32768} [{1 2} {3 4}]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float64),
		cmocka_unit_test(test_float32),
		cmocka_unit_test(test_float_powers_of_two),
		cmocka_unit_test(test_float_plus_flag),
		cmocka_unit_test(test_signed_ints),
		cmocka_unit_test(test_unsigned_ints),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_float_values),
		cmocka_unit_test(test_complex),
		cmocka_unit_test(test_struct_of_scalars),
		cmocka_unit_test(test_array_of_uint16),
		cmocka_unit_test(test_empty_struct_and_array),
		cmocka_unit_test(test_nested_struct_and_array),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
