/* Resolve what the user names: locals and parameters of the selected
 * frame, package globals (qualified or bare), field paths, indexing,
 * dereference, and raw addresses with --type. */
#ifndef GL_EXPR_H
#define GL_EXPR_H

#include "target/ctx.h"
#include "eval/value.h"

/* type_name: the --type option (needed for raw addresses), or NULL. */
struct gl_error *gl_expr_eval(struct gl_ctx *c, const char *text, const char *type_name,
			      struct gl_value *out);

/* gl_expr_eval of a value that must be of `kind`; otherwise one line:
 * "m is []int, not a map" (with "try *p" for a pointer to one).
 * noun: "a map", "a slice"... On error *out is left empty. */
struct gl_error *gl_expr_eval_kind(struct gl_ctx *c, const char *text, const char *type_name,
				   enum gl_kind kind, const char *noun, struct gl_value *out);

/* A Go string literal at *p ("..." with Go's escapes, or `raw`) into
 * out; *p moves past it. whole: the text it is part of, for messages. */
struct gl_error *gl_parse_string_lit(const char **p, const char *whole, struct strbuf *out);

#endif
