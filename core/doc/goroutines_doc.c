#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/goroutines_doc.h"

/* ,"key": (keys are plain ASCII) */
static void put_key(struct strbuf *out, const char *key)
{
	sb_add(out, ",\"");
	sb_add(out, key);
	sb_add(out, "\":");
}

/* ,"key":"0x..." */
static void put_addr(struct strbuf *out, const char *key, uint64_t v)
{
	put_key(out, key);
	sb_addc(out, '"');
	sb_add_hex(out, v);
	sb_addc(out, '"');
}

/* (as a JSON integer: signed 64 bits, as jansson writes the rest; a
 * corrupt goid past 2^63 comes out negative, not out of range) */
static void put_uint(struct strbuf *out, const char *key, uint64_t v)
{
	put_key(out, key);
	sb_add_i64(out, (int64_t)v);
}

static void put_int(struct strbuf *out, const char *key, int64_t v)
{
	put_key(out, key);
	sb_add_i64(out, v);
}

static void put_text(struct strbuf *out, const char *key, const char *s)
{
	put_key(out, key);
	if (s)
		gl_json_write_text(out, s, strlen(s));
	else
		sb_add(out, "null");
}

/* One row as JSON text: a hundred thousand goroutines are written as they
 * go, not built as a tree of JSON objects first (several times the time
 * and memory). */
static void write_row(struct strbuf *out, const struct gl_goroutine_row *r)
{
	const struct gl_goroutine *g = &r->g;
	const struct gl_where *w = &r->where;
	uint64_t n;
	sb_add(out, "{\"goid\":");
	sb_add_i64(out, (int64_t)g->goid);
	put_addr(out, "g", g->g);
	put_text(out, "status", g->status_name);
	put_uint(out, "status_value", g->status);
	if (g->scan)
		sb_add(out, ",\"scan\":true");
	if (g->wait_reason[0])
		put_text(out, "wait_reason", g->wait_reason);
	put_addr(out, "stack_lo", g->stack_lo);
	put_addr(out, "stack_hi", g->stack_hi);
	if (gl_goroutine_row_size(r, &n))
		put_uint(out, "stack_size", n);
	if (gl_goroutine_row_used(r, &n))
		put_uint(out, "stack_used", n);
	put_addr(out, "sp", r->sp);
	put_addr(out, "pc", g->pc);
	put_text(out, "func", w->func);
	put_text(out, "user_func", w->user_func);
	if (w->file) {
		put_text(out, "file", w->file);
		put_int(out, "line", w->line);
	}
	if (g->thread)
		put_uint(out, "thread", g->thread);
	put_key(out, "current");
	sb_add(out, r->current ? "true" : "false");
	if (w->has_selected) {
		/* where the debugger is on this goroutine, apart from where it is */
		put_key(out, "selected_frame");
		sb_add(out, "{\"index\":");
		sb_add_i64(out, (int64_t)w->selected_index);
		put_text(out, "func", w->selected_func);
		if (w->selected_file) {
			put_text(out, "file", w->selected_file);
			put_int(out, "line", w->selected_line);
		}
		sb_addc(out, '}');
	}
	sb_addc(out, '}');
}

/* "goroutines": the rows, the document's last member (gl_doc_tail). */
static void write_rows(struct gl_ctx *c, const void *arg, struct strbuf *out)
{
	const struct gl_goroutine_list *l = arg;
	sb_add(out, ",\"goroutines\":[");
	for (size_t i = 0; i < l->shown; i++) {
		if (i)
			sb_addc(out, ',');
		write_row(out, &l->rows[i]);
		gl_out_flush(c);
	}
	sb_addc(out, ']');
}

json_t *gl_goroutines_json(struct gl_ctx *c, const struct gl_goroutine_list *l, struct gl_doc_tail *tail)
{
	json_t *d = gl_doc_new(c, "goroutines", NULL, false, 0);
	json_t *counts = json_object();
	for (size_t i = 0; i < l->ncounts; i++)
		json_object_set_new(counts, l->counts[i].status, json_integer((json_int_t)l->counts[i].n));
	json_object_set_new(d, "counts", counts);
	json_object_set_new(d, "total", json_integer((json_int_t)l->total));
	json_object_set_new(d, "matched", json_integer((json_int_t)l->matched));
	json_object_set_new(d, "shown", json_integer((json_int_t)l->shown));
	*tail = (struct gl_doc_tail){.write = write_rows, .arg = l};
	return d;
}
