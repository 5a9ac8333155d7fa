#include <stdint.h>
#include <stdlib.h>

#include "doc/doc.h"
#include "doc/goroutines_doc.h"

static json_t *row_json(const struct gl_goroutine_row *r)
{
	const struct gl_goroutine *g = &r->g;
	const struct gl_where *w = &r->where;
	json_t *o = json_object();
	uint64_t n;
	json_object_set_new(o, "goid", json_integer((json_int_t)g->goid));
	gl_json_set_addr(o, "g", g->g);
	json_object_set_new(o, "status", json_string(g->status_name));
	json_object_set_new(o, "status_value", json_integer(g->status));
	if (g->scan)
		json_object_set_new(o, "scan", json_true());
	if (g->wait_reason[0])
		json_object_set_new(o, "wait_reason", gl_json_text(g->wait_reason));
	gl_json_set_addr(o, "stack_lo", g->stack_lo);
	gl_json_set_addr(o, "stack_hi", g->stack_hi);
	if (gl_goroutine_row_size(r, &n))
		json_object_set_new(o, "stack_size", json_integer((json_int_t)n));
	if (gl_goroutine_row_used(r, &n))
		json_object_set_new(o, "stack_used", json_integer((json_int_t)n));
	gl_json_set_addr(o, "sp", r->sp);
	gl_json_set_addr(o, "pc", g->pc);
	json_object_set_new(o, "func", w->func ? gl_json_text(w->func) : json_null());
	json_object_set_new(o, "user_func", w->user_func ? gl_json_text(w->user_func) : json_null());
	if (w->file) {
		json_object_set_new(o, "file", gl_json_text(w->file));
		json_object_set_new(o, "line", json_integer(w->line));
	}
	if (g->thread)
		json_object_set_new(o, "thread", json_integer((json_int_t)g->thread));
	json_object_set_new(o, "current", json_boolean(r->current));
	if (w->has_selected) {
		/* where the debugger is on this goroutine, apart from where it is */
		json_t *sel = json_object();
		json_object_set_new(sel, "index", json_integer((json_int_t)w->selected_index));
		json_object_set_new(sel, "func", gl_json_text(w->selected_func));
		if (w->selected_file) {
			json_object_set_new(sel, "file", gl_json_text(w->selected_file));
			json_object_set_new(sel, "line", json_integer(w->selected_line));
		}
		json_object_set_new(o, "selected_frame", sel);
	}
	return o;
}

json_t *gl_goroutines_json(struct gl_ctx *c, const struct gl_goroutine_list *l)
{
	json_t *d = gl_doc_new(c, "goroutines", NULL, false, 0);
	json_t *arr = json_array(), *counts = json_object();
	for (size_t i = 0; i < l->shown; i++)
		json_array_append_new(arr, row_json(&l->rows[i]));
	for (size_t i = 0; i < l->ncounts; i++)
		json_object_set_new(counts, l->counts[i].status, json_integer((json_int_t)l->counts[i].n));
	json_object_set_new(d, "goroutines", arr);
	json_object_set_new(d, "counts", counts);
	json_object_set_new(d, "total", json_integer((json_int_t)l->total));
	json_object_set_new(d, "matched", json_integer((json_int_t)l->matched));
	json_object_set_new(d, "shown", json_integer((json_int_t)l->shown));
	return d;
}
