/* A growable NUL-terminated string. Allocation failure is sticky: the
 * buffer keeps what it had and sb->oom is set, checked once at the end. */
#ifndef GL_STRBUF_H
#define GL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void sb_init(struct strbuf *sb);
void sb_deinit(struct strbuf *sb);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_add(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Decimal numbers, without printf (a million map entries print two each). */
void sb_add_u64(struct strbuf *sb, unsigned long long v);
void sb_add_i64(struct strbuf *sb, long long v);
/* "0x" and lowercase hex digits, as printf's 0x%llx. */
void sb_add_hex(struct strbuf *sb, unsigned long long v);
void sb_pad(struct strbuf *sb, size_t col); /* spaces up to column col of the last line */
void sb_truncate(struct strbuf *sb, size_t len);
/* Take ownership of the string (never NULL unless oom); resets sb. */
char *sb_steal(struct strbuf *sb);

#endif
