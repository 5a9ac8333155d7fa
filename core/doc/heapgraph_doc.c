/* The heap graph's answers as documents: see README, "heap --why". */
#include "doc/doc.h"
#include "doc/heapgraph_doc.h"

static json_t *obj_json(const struct gl_hg_obj *o)
{
	json_t *j = json_object();
	gl_json_set_addr(j, "address", o->data);
	gl_json_set_addr(j, "slot", o->slot);
	gl_json_set_uint(j, "size", o->size);
	json_object_set_new(j, "type", o->type[0] ? gl_json_text(o->type) : json_null());
	/* heap: its malloc header or largeType; inferred: along typed pointers from a root */
	json_object_set_new(j, "type_source", o->type[0] ? json_string(o->inferred ? "inferred" : "heap") : json_null());
	return j;
}

static json_t *graph_json(const struct gl_hg_summary *s)
{
	const struct gl_hg_counts *n = &s->n;
	json_t *j = json_object();
	gl_json_set_uint(j, "spans", n->spans);
	gl_json_set_uint(j, "objects", n->objects);
	gl_json_set_uint(j, "bytes", n->bytes);
	gl_json_set_uint(j, "roots", s->roots);
	gl_json_set_uint(j, "edges", n->edges);
	if (s->have_reachable) {
		gl_json_set_uint(j, "reachable_objects", s->reachable_objects);
		gl_json_set_uint(j, "reachable_bytes", s->reachable_bytes);
	}
	gl_json_set_uint(j, "pointers", n->pointers);
	gl_json_set_uint(j, "pointers_to_free_slots", n->to_free_slot);
	gl_json_set_uint(j, "pointers_outside_heap", n->outside_heap);
	gl_json_set_uint(j, "objects_unscanned", n->objects_unscanned);
	gl_json_set_uint(j, "spans_unreadable", n->spans_unreadable);
	gl_json_set_uint(j, "spans_without_pointer_maps", n->spans_no_ptrmap);
	gl_json_set_uint(j, "global_pointers", n->global_pointers);
	gl_json_set_uint(j, "specials", n->specials);
	json_object_set_new(j, "stack_roots", json_boolean(n->stacks));
	json_object_set_new(j, "global_roots", json_boolean(n->globals));
	json_object_set_new(j, "globals_error", s->globals_error[0] ? gl_json_text(s->globals_error) : json_null());
	json_object_set_new(j, "stacks_error", s->stack_error[0] ? gl_json_text(s->stack_error) : json_null());
	return j;
}

static void why_doc(json_t *d, const struct gl_hg_why *w)
{
	json_object_set_new(d, "object", obj_json(&w->obj));
	json_object_set_new(d, "reachable", json_boolean(w->reachable));
	json_object_set_new(d, "root", w->reachable ? gl_json_text(w->root) : json_null());
	json_object_set_new(d, "root_kind", w->reachable ? json_string(w->root_kind) : json_null());
	json_t *path = json_array();
	for (size_t i = 0; i < w->nhops; i++) {
		json_t *h = obj_json(&w->hops[i].to);
		json_object_set_new(h, "via", gl_json_text(w->hops[i].via));
		gl_json_set_uint(h, "offset", w->hops[i].offset);
		json_array_append_new(path, h);
	}
	json_object_set_new(d, "path", path);
	json_object_set_new(d, "roots_reaching", w->roots_reaching < 0 ? json_null() : json_integer(w->roots_reaching));
	json_object_set_new(d, "graph", graph_json(&w->sum));
}

static void retains_doc(json_t *d, const struct gl_hg_retains *r)
{
	json_object_set_new(d, "object", obj_json(&r->obj));
	json_object_set_new(d, "reachable", json_boolean(r->reachable));
	gl_json_set_uint(d, "retained_bytes", r->retained);
	gl_json_set_uint(d, "retained_objects", r->objects);
	json_object_set_new(d, "dominator", r->reachable ? gl_json_text(r->dominator) : json_null());
	gl_json_set_uint(d, "dominated_children", r->total_children);
	json_t *ch = json_array();
	for (size_t i = 0; i < r->nchildren; i++) {
		json_t *o = obj_json(&r->children[i].obj);
		gl_json_set_uint(o, "retained_bytes", r->children[i].retained);
		gl_json_set_uint(o, "retained_objects", r->children[i].objects);
		json_array_append_new(ch, o);
	}
	json_object_set_new(d, "children", ch);
	json_object_set_new(d, "graph", graph_json(&r->sum));
}

static void top_doc(json_t *d, const struct gl_hg_top *t)
{
	static const char *const by[] = {[GL_HG_BY_ROOT] = "root", [GL_HG_BY_TYPE] = "type", [GL_HG_BY_SITE] = "site"};
	json_object_set_new(d, "by", json_string(by[t->by]));
	if (t->by == GL_HG_BY_SITE)
		json_object_set_new(d, "mem_profile_rate",
				    t->has_rate ? json_integer((json_int_t)t->mem_profile_rate) : json_null());
	json_t *rows = json_array();
	for (size_t i = 0; i < t->nrows; i++) {
		const struct gl_hg_top_row *r = &t->rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", gl_json_text(r->name));
		json_object_set_new(o, "kind", json_string(r->kind));
		if (t->by == GL_HG_BY_TYPE)
			json_object_set_new(o, "type_source", json_string(r->inferred ? "inferred" : "heap"));
		gl_json_set_uint(o, "retained_bytes", r->retained);
		gl_json_set_uint(o, "retained_objects", r->objects);
		if (t->by != GL_HG_BY_ROOT) {
			gl_json_set_uint(o, "objects", r->count);
			gl_json_set_uint(o, "bytes", r->bytes);
		}
		if (t->by == GL_HG_BY_SITE) {
			bool site = r->function[0];
			json_object_set_new(o, "function", site ? gl_json_text(r->function) : json_null());
			json_object_set_new(o, "file", site ? gl_json_text(r->file) : json_null());
			json_object_set_new(o, "line", site ? json_integer((json_int_t)r->line) : json_null());
		}
		json_array_append_new(rows, o);
	}
	json_object_set_new(d, "rows", rows);
	gl_json_set_uint(d, "total_rows", t->total_rows);
	gl_json_set_uint(d, "shared_objects", t->shared_objects);
	gl_json_set_uint(d, "shared_bytes", t->shared_bytes);
	gl_json_set_uint(d, "unreachable_objects", t->unreachable_objects);
	gl_json_set_uint(d, "unreachable_bytes", t->unreachable_bytes);
	json_object_set_new(d, "graph", graph_json(&t->sum));
}

json_t *gl_heapgraph_doc(struct gl_ctx *c, const struct gl_hg_view *v)
{
	static const char *const kinds[] = {[GL_HG_WHY] = "heap_why", [GL_HG_RETAINS] = "heap_retains",
					    [GL_HG_TOP] = "gc_top"};
	json_t *d = gl_doc_new(c, kinds[v->mode], NULL, v->mode != GL_HG_TOP, v->addr);
	if (!d)
		return NULL;
	if (v->mode != GL_HG_TOP)
		json_object_set_new(d, "expr", v->sub.expr ? gl_json_text(v->sub.expr) : json_null());
	if (v->mode == GL_HG_WHY)
		why_doc(d, &v->why);
	else if (v->mode == GL_HG_RETAINS)
		retains_doc(d, &v->retains);
	else
		top_doc(d, &v->top);
	json_object_set_new(d, "seconds", json_real(v->seconds));
	return d;
}
