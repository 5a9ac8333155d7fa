/* gl_json_write_text (doc/json_text.c), the JSON strings of members a
 * document streams as text: they must be spelled byte for byte as jansson
 * spells the same string in the rest of the document, for every input:
 * ASCII, controls, NUL, every UTF-8 length, code points above the BMP,
 * and invalid UTF-8 (U+FFFD). And the decimal numbers streamed beside
 * them (sb_add_u64, sb_add_i64) as printf spells them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "base/utf8.h"
#include "doc/doc.h"

/* What jansson dumps for the string gl_json_textn makes of s. */
static char *jansson_spelling(const char *s, size_t len)
{
	json_t *j = gl_json_textn(s, len);
	assert_non_null(j);
	char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	assert_non_null(text);
	return text;
}

static void check(const char *s, size_t len, unsigned *failures)
{
	char *want = jansson_spelling(s, len);
	struct strbuf got;
	sb_init(&got);
	gl_json_write_text(&got, s, len);
	assert_false(got.oom);
	if (strcmp(got.s ? got.s : "", want) && (*failures)++ < 5) {
		fprintf(stderr, "input (%zu bytes):", len);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02x", (unsigned char)s[i]);
		fprintf(stderr, "\n  jansson: %s\n  golayout: %s\n", want, got.s ? got.s : "");
	}
	sb_deinit(&got);
	free(want);
}

static void test_fixed_strings(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{"", 0},
		{"plain ascii 0123 ~ DEL\x7f", 23},
		{"quote \" backslash \\ slash /", 27},
		{"\b\f\n\r\t\x01\x1f", 7},
		{"a\0b", 3},
		{"\xc3\xa9t\xc3\xa9", 5},                 /* été: 2-byte sequences */
		{"\xe2\x9c\x93 \xe2\x82\xac", 7},         /* check mark, euro: 3 bytes */
		{"\xf0\x9f\x98\x80", 4},                  /* U+1F600: a surrogate pair */
		{"\xf4\x8f\xbf\xbf", 4},                  /* U+10FFFF */
		{"\xff\xfe", 2},                          /* invalid bytes */
		{"\xc3", 1},                              /* cut off */
		{"\xed\xa0\x80", 3},                      /* an encoded surrogate */
		{"\xe0\x80\xaf", 3},                      /* overlong */
	};
	unsigned failures = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i].s, cases[i].len, &failures);
	assert_int_equal(failures, 0);
}

/* Random byte strings (mostly invalid UTF-8) and random valid ones built
 * from code points of every length. */
static void test_random_strings(void **state)
{
	(void)state;
	unsigned failures = 0;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char buf[64];
	for (int n = 0; n < 20000; n++) {
		size_t len = 0;
		if (n % 2) {
			len = (size_t)(x % sizeof(buf));
			for (size_t i = 0; i < len; i++) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				buf[i] = (char)(x >> 56);
			}
		} else {
			while (len + 4 <= sizeof(buf)) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				uint32_t cp = (uint32_t)(x >> 40) % 0x110000;
				if (cp >= 0xd800 && cp < 0xe000)
					continue;
				len += gl_utf8_encode(cp, buf + len);
				if (x % 7 == 0)
					break;
			}
		}
		check(buf, len, &failures);
	}
	assert_int_equal(failures, 0);
}

static void check_number(unsigned long long u, int *failures)
{
	char want[64];
	struct strbuf sb;
	sb_init(&sb);
	sb_add_u64(&sb, u);
	snprintf(want, sizeof(want), "%llu", u);
	if (!sb.s || strcmp(sb.s, want)) {
		fprintf(stderr, "u64 %s: got %s\n", want, sb.s ? sb.s : "(null)");
		(*failures)++;
	}
	sb_truncate(&sb, 0);
	sb_addc(&sb, '[');
	sb_add_i64(&sb, (long long)u);
	snprintf(want, sizeof(want), "[%lld", (long long)u);
	if (!sb.s || strcmp(sb.s, want)) {
		fprintf(stderr, "i64 %s: got %s\n", want, sb.s ? sb.s : "(null)");
		(*failures)++;
	}
	sb_deinit(&sb);
}

static void test_numbers(void **state)
{
	(void)state;
	int failures = 0;
	unsigned long long p = 1;
	for (int d = 0; d < 20; d++, p *= 10) { /* every length, and its edges */
		check_number(p, &failures);
		check_number(p - 1, &failures);
		check_number(p + 1, &failures);
		check_number(0ull - p, &failures);
	}
	check_number(UINT64_MAX, &failures);
	check_number((unsigned long long)INT64_MIN, &failures);
	check_number((unsigned long long)INT64_MAX, &failures);
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		check_number(x >> (i % 64), &failures);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_strings),
		cmocka_unit_test(test_random_strings),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
