/* JSON documents of schema golayout/1: the head every document has, and
 * how addresses, arbitrary bytes and %v values are spelled in them. */
#ifndef GL_DOC_H
#define GL_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "target/types.h"
#include "target/ctx.h"

/* A new document with the fields every document has. type may be NULL. */
json_t *gl_doc_new(struct gl_ctx *c, const char *kind, const char *type, bool has_addr,
		   uint64_t addr);
/* "0x..." text of an address, as every document spells addresses. */
json_t *gl_json_addr(uint64_t addr);
void gl_json_set_addr(json_t *o, const char *key, uint64_t addr);
/* o[key] = v, a count or size (as json_int_t, the schema's integers). */
void gl_json_set_uint(json_t *o, const char *key, uint64_t v);
/* A JSON string from arbitrary bytes: invalid UTF-8 becomes U+FFFD, as
 * Go's encoding/json does. Never NULL unless out of memory. */
json_t *gl_json_text(const char *s);
json_t *gl_json_textn(const char *s, size_t len);
/* A JSON string of arbitrary bytes (invalid UTF-8 as U+FFFD) appended to
 * out as text, byte for byte as jansson dumps the same json_t in a
 * document: for members written straight into the output (gl_doc_tail). */
void gl_json_write_text(struct strbuf *out, const char *s, size_t len);

/* Members of a document written as JSON text straight into the output,
 * after its other members (their keys new to the document): a list of a
 * million entries would otherwise be a tree of a million objects, twenty
 * times the size of its text. write() may stop early when the user
 * interrupts, leaving valid JSON. */
struct gl_doc_tail {
	/* append ,"key":value... (each member after a comma); NULL: none */
	void (*write)(struct gl_ctx *c, const void *arg, struct strbuf *out);
	const void *arg;
};

/* The %v text of a value as a JSON string, NUL bytes and all (json_null on OOM). */
json_t *gl_format_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes);
/* The same for a member of a container (map key or value, slice element,
 * channel slot), as fmt prints it inside the container: a pointer as its
 * address, never &{...}. */
json_t *gl_format_member_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes);
/* A struct field's value (gl_format_field). */
json_t *gl_format_field_json(struct gl_ctx *c, const struct gl_field *f, const unsigned char *bytes);
/* For a type fmt prints as its fields though people read it otherwise (a
 * sync.Mutex, an atomic, a strings.Builder, a big.Int: gl_known_reading),
 * o's "reads_as": that reading. Nothing for other types. */
void gl_reading_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, json_t *o);
/* A top-level value's "value" (its %v) into o, with "reads_as"
 * (gl_reading_json) and "method_not_run": the first String or Error method
 * fmt would call on the value or inside it that golayout does not
 * reproduce ("main.Celsius.String"; the value shows fields there). */
void gl_value_json(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, json_t *o);
json_t *gl_format_json_at(struct gl_ctx *c, const struct gl_type *t, const unsigned char *bytes, int depth);

#endif
