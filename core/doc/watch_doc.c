/* Growth events as JSON documents (schema golayout/1, kind "watch-event"):
 * the fields of the typed event, addresses as "0x..." text. */
#include "doc/doc.h"
#include "doc/watch_doc.h"

static json_t *table_json(const struct gl_stable_state *t)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	gl_json_set_addr(o, "address", t->addr);
	gl_json_set_uint(o, "capacity", t->capacity);
	gl_json_set_uint(o, "used", t->used);
	gl_json_set_uint(o, "local_depth", t->local_depth);
	json_object_set_new(o, "index", json_integer((json_int_t)t->index));
	return o;
}

json_t *gl_watch_event_doc(struct gl_ctx *c, const struct gl_growth_event *e)
{
	json_t *d = gl_doc_new(c, "watch-event", NULL, true, e->object);
	if (!d)
		return NULL;
	json_object_set_new(d, "event", json_string(gl_growth_kind_name(e->kind)));
	gl_json_set_uint(d, "watch", e->watch);
	json_object_set_new(d, "expr", gl_json_text(e->expr));
	gl_json_set_uint(d, "seq", e->seq);
	gl_json_set_uint(d, "len", e->len);
	switch (e->kind) {
	case GL_EV_HASHGROW:
		gl_json_set_uint(d, "old_B", e->u.hashgrow.old_b);
		gl_json_set_uint(d, "new_B", e->u.hashgrow.new_b);
		gl_json_set_uint(d, "old_nbuckets", 1ull << e->u.hashgrow.old_b);
		gl_json_set_uint(d, "new_nbuckets", 1ull << e->u.hashgrow.new_b);
		json_object_set_new(d, "same_size", json_boolean(e->u.hashgrow.same_size));
		gl_json_set_addr(d, "old_buckets", e->u.hashgrow.old_buckets);
		gl_json_set_addr(d, "new_buckets", e->u.hashgrow.new_buckets);
		break;
	case GL_EV_EVACUATED:
		gl_json_set_uint(d, "B", e->u.evacuated.b);
		gl_json_set_uint(d, "old_nbuckets", e->u.evacuated.old_nbuckets);
		gl_json_set_uint(d, "evacuate_calls", e->u.evacuated.calls);
		gl_json_set_uint(d, "moved_x", e->u.evacuated.to_x);
		gl_json_set_uint(d, "moved_y", e->u.evacuated.to_y);
		break;
	case GL_EV_TO_TABLE:
		gl_json_set_addr(d, "group", e->u.to_table.group);
		gl_json_set_addr(d, "table", e->u.to_table.table);
		gl_json_set_uint(d, "capacity", e->u.to_table.capacity);
		gl_json_set_uint(d, "moved", e->u.to_table.moved);
		break;
	case GL_EV_TABLE_GROW:
	case GL_EV_SPLIT:
		json_object_set_new(d, "old_table", table_json(&e->u.table.old));
		json_object_set_new(d, e->kind == GL_EV_SPLIT ? "left" : "new_table",
				    table_json(&e->u.table.left));
		if (e->kind == GL_EV_SPLIT)
			json_object_set_new(d, "right", table_json(&e->u.table.right));
		gl_json_set_uint(d, "moved", e->u.table.old.used);
		gl_json_set_uint(d, "old_global_depth", e->u.table.old_global_depth);
		gl_json_set_uint(d, "new_global_depth", e->u.table.new_global_depth);
		gl_json_set_uint(d, "old_dirlen", e->u.table.old_dirlen);
		gl_json_set_uint(d, "new_dirlen", e->u.table.new_dirlen);
		break;
	case GL_EV_SLICE: {
		gl_json_set_addr(d, "old_array", e->u.slice.old_array);
		gl_json_set_addr(d, "new_array", e->u.slice.new_array);
		gl_json_set_uint(d, "old_cap", e->u.slice.old_cap);
		gl_json_set_uint(d, "new_cap", e->u.slice.new_cap);
		gl_json_set_uint(d, "elem_size", e->u.slice.elem_size);
		gl_json_set_uint(d, "copied_bytes", e->u.slice.copied_bytes);
		json_t *sh = json_array();
		for (unsigned i = 0; sh && i < e->u.slice.nsharers; i++) {
			json_t *w = json_object();
			if (!w)
				continue;
			gl_json_set_uint(w, "watch", e->u.slice.sharers[i]);
			json_object_set_new(w, "expr", gl_json_text(e->u.slice.sharer_exprs[i]));
			json_array_append_new(sh, w);
		}
		json_object_set_new(d, "old_array_still_used_by", sh ? sh : json_null());
		break;
	}
	}
	return d;
}
