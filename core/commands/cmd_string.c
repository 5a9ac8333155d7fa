/* golayout string EXPR: the string header, its bytes and where they live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "eval/expr.h"
#include "doc/home_doc.h"
#include "eval/value.h"

#define MAX_STRING_BYTES (1u << 20)

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_STRING, "a string", &v);
	if (err)
		return err;
	json_t *d = gl_doc_new(c, "string", v.type->name, v.in_memory, v.addr);
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v.where));
	uint64_t data = gl_get_uint(v.bytes, 8), len = gl_get_uint(v.bytes + 8, 8);
	gl_json_set_addr(d, "data", data);
	json_object_set_new(d, "len", json_integer((json_int_t)len));
	struct gl_home h;
	gl_home_of(c, data, &h);
	json_object_set_new(d, "home", gl_home_json(&h));
	gl_value_deinit(&v);
	if ((int64_t)len < 0)
		return gl_error_create(GL_ERR_CORRUPT, "%s: negative length %lld: corrupt string header", expr,
				       (long long)len);
	if (len && !data)
		return gl_error_create(GL_ERR_CORRUPT, "%s: nil data with length %llu: corrupt string header",
				       expr, (unsigned long long)len);
	uint64_t n = len > MAX_STRING_BYTES ? MAX_STRING_BYTES : len;
	char *buf = malloc(n + 1);
	if (!buf)
		return &gl_error_nomem;
	if (n && (err = gl_mem_read(c->mem, data, buf, n))) {
		free(buf);
		return gl_error_wrap(err, "reading the bytes of %s", expr);
	}
	buf[n] = '\0';
	/* Text with invalid UTF-8 replaced (as Go's encoding/json does), and
	 * the raw bytes in hex so nothing is hidden. */
	json_t *text = json_stringn(buf, n); /* NULL: not valid UTF-8 */
	bool valid = text != NULL;
	if (!text)
		text = gl_json_textn(buf, n);
	json_object_set_new(d, "text", text);
	json_object_set_new(d, "valid_utf8", json_boolean(valid));
	json_object_set_new(d, "truncated", json_boolean(n < len));
	struct strbuf hex;
	sb_init(&hex);
	for (uint64_t i = 0; i < n && i < 4096; i++)
		sb_addf(&hex, "%02x", (unsigned char)buf[i]);
	json_object_set_new(d, "hex", json_string(hex.s ? hex.s : ""));
	sb_deinit(&hex);
	free(buf);
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	const char *addr = json_string_value(json_object_get(d, "address"));
	json_int_t len = json_integer_value(json_object_get(d, "len"));
	sb_addf(o, "%s%s%s string  header at %s (%s)  [%s]\n", gl_c(c, "bold"),
		json_string_value(json_object_get(d, "expr")), gl_c(c, "reset"), addr ? addr : "(registers)",
		json_string_value(json_object_get(d, "where")),
		json_string_value(json_object_get(d, "go_version")));
	sb_addf(o, "  +0   str  *uint8  %s\n  +8   len  int     %lld\n",
		json_string_value(json_object_get(d, "data")), (long long)len);
	json_t *h = json_object_get(d, "home");
	sb_addf(o, "bytes at %s in %s\n", json_string_value(json_object_get(d, "data")),
		json_string_value(json_object_get(h, "description")));
	const char *hex = json_string_value(json_object_get(d, "hex"));
	const char *text = json_string_value(json_object_get(d, "text"));
	/* 16 bytes a row: offset, hex, and printable ASCII */
	size_t nb = hex ? strlen(hex) / 2 : 0;
	for (size_t row = 0; row < nb && row < 256; row += 16) {
		sb_addf(o, "  %04zx  ", row);
		for (size_t i = row; i < row + 16; i++)
			sb_addf(o, i < nb ? "%.2s " : "   ", i < nb ? hex + 2 * i : "");
		sb_add(o, " ");
		for (size_t i = row; i < row + 16 && i < nb; i++) {
			unsigned v = (unsigned)strtoul((char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16);
			sb_addc(o, v >= 0x20 && v < 0x7f ? (char)v : '.');
		}
		sb_addc(o, '\n');
	}
	if (nb > 256)
		sb_addf(o, "  ... %zu more bytes\n", nb - 256);
	if (text) {
		sb_add(o, "text: \"");
		for (const char *p = text; *p && p - text < 400; p++)
			sb_addc(o, (unsigned char)*p < 0x20 ? '?' : *p);
		sb_addf(o, "\"%s\n", json_is_true(json_object_get(d, "valid_utf8")) ? "" : "  (invalid UTF-8 shown as U+FFFD)");
	}
}

const struct gl_command gl_cmd_string = {
	.name = "string",
	.summary = "Show a string: header, bytes, UTF-8 text and where the bytes live.",
	.help = "Usage: golayout string EXPR [--json]\n"
		"\n"
		"The header (str, len), a hex dump of the bytes, the text with invalid UTF-8\n"
		"shown safely, and where the bytes live: the binary's read-only data (string\n"
		"literals), the heap, or a goroutine's stack.",
	.opts = GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
	.render = render,
};
