#include "base/utf8.h"

size_t gl_utf8_len(const unsigned char *s, size_t avail)
{
	if (!avail)
		return 0;
	if (s[0] < 0x80)
		return 1;
	size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || n > avail || (n == 2 && s[0] < 0xc2) || (n == 4 && s[0] > 0xf4))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0; /* overlong or surrogate */
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0; /* overlong or beyond U+10FFFF */
	return n;
}

bool gl_utf8_clean(const char *s, size_t len, struct strbuf *out)
{
	bool valid = true;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	const unsigned char *run = p; /* valid bytes not yet added: one copy for each run */
	while (p < end) {
		size_t n = gl_utf8_len(p, (size_t)(end - p));
		if (n) {
			p += n;
			continue;
		}
		if (p > run)
			sb_addn(out, (const char *)run, (size_t)(p - run));
		sb_add(out, "\xef\xbf\xbd");
		valid = false;
		run = ++p;
	}
	if (p > run)
		sb_addn(out, (const char *)run, (size_t)(p - run));
	return valid;
}

bool gl_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	for (size_t n; p < end; p += n)
		if (!(n = gl_utf8_len(p, (size_t)(end - p))))
			return false;
	return true;
}

size_t gl_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
