/* `golayout heap` as a document: the keys and their order are those of
 * the golayout/1 schema (jansson keeps insertion order). */
#include <stdio.h>
#include <stdlib.h>

#include "doc/doc.h"
#include "doc/heap_doc.h"
#include "doc/home_doc.h"

char *gl_ptrmap_cells(const struct gl_ptrmap *pm)
{
	if (!pm->decoded)
		return NULL;
	char *map = malloc(pm->shown + 1);
	if (!map)
		return NULL;
	for (uint64_t i = 0; i < pm->shown; i++)
		map[i] = pm->header_word && i == 0 ? 'H' : gl_ptrmap_is_pointer(pm, i) ? 'p' : '.';
	map[pm->shown] = '\0';
	return map;
}

void gl_ptrmap_why(const struct gl_ptrmap *pm, char *buf, size_t len)
{
	unsigned long long a = pm->note_a, b = pm->note_b;
	if (pm->err) {
		snprintf(buf, len, "%s", pm->err->message);
		return;
	}
	switch (pm->note) {
	case GL_PTRMAP_NOTE_ARENA_BITMAP:
		snprintf(buf, len, "the pre-Go 1.22 arena bitmap is not decoded");
		break;
	case GL_PTRMAP_NOTE_BITMAP_TOO_BIG:
		snprintf(buf, len, "heap bitmap of %llu bytes not read", a);
		break;
	case GL_PTRMAP_NOTE_NO_TYPE:
		snprintf(buf, len, "no type recorded (free slot, or not yet initialised)");
		break;
	case GL_PTRMAP_NOTE_GCPROG:
		snprintf(buf, len, "the type's pointers are a GC program (not decoded)");
		break;
	case GL_PTRMAP_NOTE_MASK_NOT_BUILT:
		snprintf(buf, len, "the type's GC mask is built on demand and not built yet");
		break;
	case GL_PTRMAP_NOTE_IMPLAUSIBLE:
		snprintf(buf, len, "implausible type descriptor (size %llu, ptrbytes %llu)", a, b);
		break;
	case GL_PTRMAP_NOTE_MASK_TOO_BIG:
		snprintf(buf, len, "the type's GC mask is too large to show (%llu bytes)", a);
		break;
	default:
		buf[0] = '\0';
	}
}

char *gl_span_slot_cells(const struct gl_span_slots *s)
{
	static const char cell[] = {
		[GL_HSLOT_FREE] = '.', [GL_HSLOT_ALLOCATED] = 'a', [GL_HSLOT_MARKED] = '#',
		[GL_HSLOT_UNMARKED] = 'u', [GL_HSLOT_FREE_MARKED] = 'm',
	};
	char *cells = malloc(s->n + 1);
	if (!cells)
		return NULL;
	for (uint64_t i = 0; i < s->n; i++)
		cells[i] = s->state[i] < sizeof(cell) ? cell[s->state[i]] : '?';
	cells[s->n] = '\0';
	return cells;
}

const char *gl_span_slots_legend(const struct gl_span_slots *s)
{
	return s->mark_known ? "# allocated+marked, u allocated+unmarked, m free+marked, . free"
			     : "a allocated (mark unknown), . free";
}

static json_t *arena_json(const struct gl_heap_loc *loc)
{
	json_t *ar = json_object();
	gl_json_set_uint(ar, "index", loc->arena_index);
	gl_json_set_addr(ar, "base", loc->arena_base);
	gl_json_set_addr(ar, "heap_arena", loc->heap_arena);
	gl_json_set_uint(ar, "page", loc->page);
	return ar;
}

static json_t *span_json(const struct gl_heap_view *v)
{
	const struct gl_span *s = &v->loc.span;
	json_t *o = json_object();
	gl_json_set_addr(o, "mspan", s->addr);
	gl_json_set_addr(o, "base", s->base);
	gl_json_set_addr(o, "end", v->span_end);
	gl_json_set_addr(o, "limit", s->limit);
	gl_json_set_uint(o, "npages", s->npages);
	json_object_set_new(o, "spanclass", json_integer(s->spanclass));
	json_object_set_new(o, "size_class", json_integer(s->size_class));
	json_object_set_new(o, "noscan", json_boolean(s->noscan));
	json_object_set_new(o, "large", json_boolean(s->size_class == 0));
	gl_json_set_uint(o, "elemsize", s->elemsize);
	gl_json_set_uint(o, "nelems", s->nelems);
	gl_json_set_uint(o, "alloc_count", s->alloc_count);
	gl_json_set_uint(o, "freeindex", s->freeindex);
	gl_json_set_uint(o, "free_index_for_scan", s->freeindex_scan);
	json_object_set_new(o, "state", json_string(gl_span_state_name(s->kind)));
	json_object_set_new(o, "sweepgen", json_integer(s->sweepgen));
	if (v->sweep != GL_SWEEP_NONE)
		json_object_set_new(o, "sweep", json_string(gl_sweep_name(v->sweep)));
	json_object_set_new(o, "inline_mark_bits", json_boolean(v->inline_marks));
	if (v->tiny_known)
		json_object_set_new(o, "tiny_class", json_boolean(v->tiny));
	gl_json_set_addr(o, "alloc_bits", s->alloc_bits);
	gl_json_set_addr(o, "gcmark_bits", s->mark_bits);
	return o;
}

static json_t *object_json(const struct gl_heap_view *v)
{
	json_t *ob = json_object();
	gl_json_set_uint(ob, "index", v->obj.index);
	gl_json_set_addr(ob, "base", v->obj.base);
	gl_json_set_addr(ob, "end", v->obj_end);
	gl_json_set_uint(ob, "offset", v->obj.offset);
	json_object_set_new(ob, "header", json_boolean(v->header));
	gl_json_set_addr(ob, "data", v->data);
	return ob;
}

static json_t *ptrmap_json(const struct gl_ptrmap *pm)
{
	json_t *o = json_object();
	gl_json_set_uint(o, "words", pm->words);
	if (pm->source == GL_PTRMAP_SPAN_BITS)
		gl_json_set_addr(o, "bitmap", pm->bitmap);
	if (pm->source == GL_PTRMAP_HEADER)
		gl_json_set_addr(o, "header", pm->header);
	if (pm->has_type) {
		gl_json_set_addr(o, "type_descriptor", pm->type_descriptor);
		if (pm->type[0])
			json_object_set_new(o, "type", gl_json_text(pm->type));
		if (pm->has_type_size) {
			gl_json_set_uint(o, "type_size", pm->type_size);
			gl_json_set_uint(o, "type_ptrbytes", pm->type_ptrbytes);
		}
	}
	json_object_set_new(o, "source", json_string(gl_ptrmap_source_name(pm->source)));
	char *map = gl_ptrmap_cells(pm);
	if (map) {
		json_object_set_new(o, "map", json_string(map));
		gl_json_set_uint(o, "shown", pm->shown);
		gl_json_set_uint(o, "pointers", pm->pointers);
		gl_json_set_uint(o, "counted_words", pm->counted);
		free(map);
		return o;
	}
	json_object_set_new(o, "map", json_null());
	char why[256];
	gl_ptrmap_why(pm, why, sizeof(why));
	if (pm->err)
		json_object_set_new(o, "error", gl_json_text(why));
	else if (why[0])
		json_object_set_new(o, "note", json_string(why));
	return o;
}

static json_t *special_json(const struct gl_special *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", gl_json_text(x->name));
	json_object_set_new(o, "kind_value", json_integer((json_int_t)x->value));
	gl_json_set_uint(o, "offset", x->offset);
	gl_json_set_addr(o, "special", x->addr);
	if (x->has_funcval) {
		gl_json_set_addr(o, "funcval", x->funcval);
		if (x->wrapper[0])
			json_object_set_new(o, "wrapper", gl_json_text(x->wrapper));
		json_object_set_new(o, "function", gl_json_text(x->function));
	}
	if (x->arg_type[0])
		json_object_set_new(o, "arg_type", gl_json_text(x->arg_type));
	if (x->object_type[0])
		json_object_set_new(o, "object_type", gl_json_text(x->object_type));
	if (x->has_id)
		gl_json_set_uint(o, "id", x->id);
	if (x->has_handle)
		gl_json_set_addr(o, "handle", x->handle);
	if (x->has_points_to)
		gl_json_set_addr(o, "points_to", x->points_to);
	if (x->has_counter)
		gl_json_set_uint(o, "counter", x->counter);
	if (x->has_bucket)
		gl_json_set_addr(o, "bucket", x->bucket);
	return o;
}

/* alloc_site: null when the object was not sampled (mem_profile_rate
 * says how often the runtime samples). */
static json_t *site_json(const struct gl_heap_view *v)
{
	const struct gl_alloc_site *st = v->site;
	if (!st && !v->site_err)
		return json_null();
	json_t *o = json_object();
	if (!st) {
		json_object_set_new(o, "error", gl_json_text(v->site_err->message));
		return o;
	}
	gl_json_set_addr(o, "bucket", st->bucket);
	if (st->err) {
		json_object_set_new(o, "error", gl_json_text(st->err->message));
		return o;
	}
	gl_json_set_uint(o, "size", st->size);
	if (st->has_counts) {
		gl_json_set_uint(o, "allocs", st->allocs);
		gl_json_set_uint(o, "frees", st->frees);
	}
	json_t *fr = json_array();
	for (size_t i = 0; i < st->nframes; i++) {
		const struct gl_alloc_frame *f = &st->frames[i];
		json_t *x = json_object();
		json_object_set_new(x, "function", gl_json_text(f->function));
		json_object_set_new(x, "file", f->file ? gl_json_text(f->file) : json_null());
		json_object_set_new(x, "line", json_integer((json_int_t)f->line));
		json_object_set_new(x, "inlined", json_boolean(f->inlined));
		if (f->pc)
			gl_json_set_addr(x, "pc", f->pc);
		json_array_append_new(fr, x);
	}
	json_object_set_new(o, "frames", fr);
	gl_json_set_uint(o, "site_frame", st->site_frame);
	return o;
}

static json_t *slots_json(const struct gl_span_slots *s)
{
	json_t *o = json_object();
	char *cells = gl_span_slot_cells(s);
	json_object_set_new(o, "cells", json_string(cells ? cells : ""));
	free(cells);
	gl_json_set_uint(o, "allocated", s->allocated);
	json_object_set_new(o, "marked", s->mark_known ? json_integer((json_int_t)s->marked) : json_null());
	json_object_set_new(o, "legend", json_string(gl_span_slots_legend(s)));
	return o;
}

/* The object's state, pointers and specials (GL_PLACE_OBJECT). */
static void object_doc(json_t *d, const struct gl_heap_view *v)
{
	json_object_set_new(d, "object", object_json(v));
	json_object_set_new(d, "allocated", json_boolean(v->obj.allocated));
	json_object_set_new(d, "allocated_by", json_string(gl_alloc_by_name(v->alloc_by)));
	json_object_set_new(d, "marked", json_string(gl_heap_mark_name(v->obj.mark)));
	json_object_set_new(d, "mark_source", json_string(gl_mark_source_name(v->mark_source)));
	if (v->has_ptrmap)
		json_object_set_new(d, "pointer_map", ptrmap_json(&v->ptrmap));
	json_t *sp = json_array();
	for (size_t i = 0; i < v->specials.n; i++)
		json_array_append_new(sp, special_json(&v->specials.v[i]));
	json_object_set_new(d, "specials", sp);
	json_object_set_new(d, "alloc_site", site_json(v));
	json_object_set_new(d, "mem_profile_rate", v->has_rate ? json_integer((json_int_t)v->mem_profile_rate)
								: json_null());
	if (v->has_slots)
		json_object_set_new(d, "span_objects", slots_json(&v->slots));
}

json_t *gl_heap_doc(struct gl_ctx *c, const struct gl_heap_subject *sub, const struct gl_home *home,
		    const struct gl_heap_view *v)
{
	json_t *d = gl_doc_new(c, "heap", sub->type, true, v->addr);
	if (!d)
		return NULL;
	json_object_set_new(d, "expr", gl_json_text(sub->expr));
	if (sub->evaluated) {
		json_object_set_new(d, "pointer", json_boolean(sub->pointer));
		json_object_set_new(d, "where", json_string(sub->where));
	}
	json_object_set_new(d, "home", gl_home_json(home));
	json_object_set_new(d, "in_heap", json_false());
	if (!v->have_heap)
		return d;
	json_object_set_new(d, "gc_phase", json_string(gl_gc_phase_name(v->phase)));
	json_object_set_new(d, "gc", json_string(v->greentea ? "greentea" : "classic"));
	if (!v->loc.in_arena)
		return d;
	json_object_set_new(d, "arena", arena_json(&v->loc));
	json_object_set_new(d, "in_heap", json_boolean(v->in_heap)); /* keeps its place */
	if (v->place >= GL_PLACE_IDLE_SPAN)
		json_object_set_new(d, "span", span_json(v));
	const char *note = gl_heap_place_note(v);
	if (note) {
		json_object_set_new(d, "allocated", json_false());
		json_object_set_new(d, "marked", json_string("unknown"));
		json_object_set_new(d, "note", json_string(note));
	}
	if (v->place == GL_PLACE_STALE_SPAN)
		gl_json_set_addr(d, "stale_span", v->loc.span.addr);
	if (v->place == GL_PLACE_OBJECT)
		object_doc(d, v);
	return d;
}
