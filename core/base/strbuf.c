#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

void sb_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void sb_deinit(struct strbuf *sb)
{
	free(sb->s);
	sb_init(sb);
}

static bool sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->oom)
		return false;
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *s = realloc(sb->s, cap);
	if (!s) {
		sb->oom = true;
		return false;
	}
	sb->s = s;
	sb->cap = cap;
	return true;
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	if (!sb_reserve(sb, n))
		return;
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	/* text is built a character at a time in places: no call for those */
	if (!sb->oom && sb->len + 2 <= sb->cap) {
		sb->s[sb->len++] = c;
		sb->s[sb->len] = '\0';
		return;
	}
	sb_addn(sb, &c, 1);
}

/* Formatted straight into the free room when it fits (the common case:
 * one vsnprintf); measured first only when the room is too small. */
void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	if (sb->oom || !sb_reserve(sb, 0))
		return;
	size_t room = sb->cap - sb->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sb->s + sb->len, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room) {
		sb->len += (size_t)n;
		return;
	}
	sb->s[sb->len] = '\0'; /* what did not fit is not kept */
	if (n < 0 || !sb_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_add_u64(struct strbuf *sb, unsigned long long v)
{
	/* two digits a division */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";
	char buf[24];
	size_t w = sizeof(buf);
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100);
		v /= 100;
		w -= 2;
		memcpy(buf + w, pairs + 2 * d, 2);
	}
	if (v >= 10) {
		w -= 2;
		memcpy(buf + w, pairs + 2 * v, 2);
	} else {
		buf[--w] = (char)('0' + v);
	}
	if (!sb_reserve(sb, sizeof(buf) - w))
		return;
	memcpy(sb->s + sb->len, buf + w, sizeof(buf) - w);
	sb->len += sizeof(buf) - w;
	sb->s[sb->len] = '\0';
}

void sb_add_hex(struct strbuf *sb, unsigned long long v)
{
	char buf[24];
	size_t w = sizeof(buf);
	do {
		buf[--w] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--w] = 'x';
	buf[--w] = '0';
	sb_addn(sb, buf + w, sizeof(buf) - w);
}

void sb_add_i64(struct strbuf *sb, long long v)
{
	if (v < 0) {
		sb_addc(sb, '-');
		sb_add_u64(sb, 0ull - (unsigned long long)v);
	} else {
		sb_add_u64(sb, (unsigned long long)v);
	}
}

void sb_pad(struct strbuf *sb, size_t col)
{
	size_t start = sb->len;
	while (start > 0 && sb->s[start - 1] != '\n')
		start--;
	/* Count display columns, not bytes, so UTF-8 text lines up. */
	size_t cols = 0;
	for (size_t i = start; i < sb->len; i++)
		if (((unsigned char)sb->s[i] & 0xc0) != 0x80)
			cols++;
	while (cols < col) {
		sb_addc(sb, ' ');
		cols++;
	}
}

void sb_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->s[len] = '\0';
	}
}

char *sb_steal(struct strbuf *sb)
{
	if (sb->oom) {
		sb_deinit(sb);
		return NULL;
	}
	char *s = sb->s ? sb->s : strdup("");
	sb_init(sb);
	return s;
}
