/* golayout watch map|slice EXPR, watch list, watch stop [N]: follow a map
 * or a slice as the runtime grows it (commands/watch.c does the work). */
#include <string.h>

#include "base/le.h"
#include "base/number.h"
#include "commands/commands.h"
#include "commands/watch.h"
#include "doc/doc.h"
#include "eval/expr.h"
#include "runtime/growth.h"

static const char *what_name(enum gl_watch_what w)
{
	return w == GL_WATCH_MAP ? "map" : "slice";
}

/* Print s (text) or, with --json, the document d; d is consumed. */
static struct gl_error *put(struct gl_ctx *c, const struct gl_opts *o, json_t *d, const char *s)
{
	if (!o->json) {
		sb_add(&c->out, s);
		json_decref(d);
		return NULL;
	}
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(d);
	if (!text)
		return &gl_error_nomem;
	sb_add(&c->out, text);
	free(text);
	return NULL;
}

/* The map's header, refused while a goroutine writes it (its fields are
 * then half-updated). */
static struct gl_error *map_object(struct gl_ctx *c, const char *expr, const struct gl_value *v,
				   uint64_t *obj, uint64_t *len)
{
	*obj = gl_get_uint(v->bytes, c->t->ptr_size);
	if (!*obj)
		return gl_error_create(GL_ERR_NIL, "%s is a nil map: it has no header to watch until make", expr);
	bool swiss = c->t->map_impl && !strcmp(c->t->map_impl, "swiss");
	bool writing;
	struct gl_error *err;
	if (swiss) {
		struct gl_smap_state m;
		err = gl_smap_read(c, *obj, &m);
		writing = !err && m.writing;
		*len = m.used;
	} else {
		struct gl_hmap_state h;
		err = gl_hmap_read(c, *obj, &h);
		writing = !err && h.writing;
		*len = h.count;
	}
	if (!err && writing)
		err = gl_error_create(GL_ERR_CORRUPT, "%s is in the middle of a write (the runtime's %s flag "
				      "is set): watch it at another stop", expr, swiss ? "writing" : "hashWriting");
	return err;
}

static struct gl_error *slice_object(struct gl_ctx *c, const char *expr, const struct gl_value *v,
				     struct gl_watch_spec *sp)
{
	const struct gl_field *a = gl_type_field(v->type, "array");
	const struct gl_field *l = gl_type_field(v->type, "len");
	const struct gl_field *k = gl_type_field(v->type, "cap");
	if (!a || !l || !k || !v->type->elem)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for %s", v->type->name);
	unsigned ps = (unsigned)c->t->ptr_size;
	sp->object = gl_get_uint(v->bytes + a->offset, ps);
	sp->len = gl_get_uint(v->bytes + l->offset, ps);
	sp->cap = gl_get_uint(v->bytes + k->offset, ps);
	sp->elem_size = v->type->elem->size;
	/* every empty slice's growth starts from nil or the runtime's
	 * zerobase: nothing tells the watched one apart */
	if (!sp->cap || !sp->object)
		return gl_error_create(GL_ERR_USAGE, "%s has cap 0: its array is shared by every empty "
				       "slice, so its growth cannot be told apart (watch it after its first "
				       "append)", expr);
	if (!sp->elem_size)
		return gl_error_create(GL_ERR_UNSUPPORTED, "%s has zero-size elements: it never grows an array",
				       expr);
	return NULL;
}

static struct gl_error *add(struct gl_ctx *c, const struct gl_opts *o, enum gl_watch_what what)
{
	if (o->nargs < 2)
		return gl_error_create(GL_ERR_USAGE, "golayout watch %s needs an expression", what_name(what));
	struct gl_error *err = gl_ctx_need_process(c);
	if (err)
		return err;
	if (!c->t->arch)
		return gl_error_create(GL_ERR_UNSUPPORTED, "golayout watch does not know this machine's "
				       "registers (%s)", c->t->goarch ? c->t->goarch : "unknown");
	const char *expr = o->args[1];
	struct gl_value v = {0};
	struct gl_watch_spec sp = {.what = what, .expr = expr, .stop = o->stop, .json = o->json,
				   .out_path = o->out};
	err = gl_expr_eval_kind(c, expr, o->type, what == GL_WATCH_MAP ? GL_K_MAP : GL_K_SLICE,
				what == GL_WATCH_MAP ? "a map" : "a slice", &v);
	if (!err) {
		sp.type = v.type;
		err = what == GL_WATCH_MAP ? map_object(c, expr, &v, &sp.object, &sp.len)
					   : slice_object(c, expr, &v, &sp);
	}
	unsigned id = 0;
	if (!err)
		err = gl_watch_add(c, c->watches, &sp, &id);
	if (err) {
		gl_value_deinit(&v);
		return err;
	}
	struct strbuf s;
	sb_init(&s);
	sb_addf(&s, "watch %u: %s %s (%s) at 0x%llx, len %llu", id, what_name(what), expr, v.type->name,
		(unsigned long long)sp.object, (unsigned long long)sp.len);
	if (what == GL_WATCH_SLICE)
		sb_addf(&s, " cap %llu", (unsigned long long)sp.cap);
	else
		sb_addf(&s, ", %s map", c->t->map_impl);
	sb_addf(&s, "; events %s%s%s\n", o->out ? "appended to " : "printed", o->out ? o->out : "",
		o->stop ? ", stopping at each" : "");
	json_t *d = o->json ? gl_doc_new(c, "watch", v.type->name, true, sp.object) : NULL;
	if (d) {
		gl_json_set_uint(d, "watch", id);
		json_object_set_new(d, "what", json_string(what_name(what)));
		json_object_set_new(d, "expr", gl_json_text(expr));
		gl_json_set_uint(d, "len", sp.len);
		if (what == GL_WATCH_SLICE)
			gl_json_set_uint(d, "cap", sp.cap);
		json_object_set_new(d, "stop", json_boolean(o->stop));
	}
	gl_value_deinit(&v);
	err = s.oom ? &gl_error_nomem : put(c, o, d, s.s);
	sb_deinit(&s);
	return err;
}

static struct gl_error *list(struct gl_ctx *c, const struct gl_opts *o)
{
	struct strbuf s;
	sb_init(&s);
	json_t *d = o->json ? gl_doc_new(c, "watch-list", NULL, false, 0) : NULL;
	json_t *arr = d ? json_array() : NULL;
	struct gl_watch_info wi;
	size_t i = 0;
	for (; gl_watch_info(*c->watches, i, &wi); i++) {
		sb_addf(&s, "%2u  %-5s %s at 0x%llx, %llu event%s%s%s%s\n", wi.id, what_name(wi.what), wi.expr,
			(unsigned long long)wi.object, (unsigned long long)wi.events,
			wi.events == 1 ? "" : "s", wi.stop ? ", --stop" : "", wi.out_path ? ", --out " : "",
			wi.out_path ? wi.out_path : "");
		json_t *w = arr ? json_object() : NULL;
		if (!w)
			continue;
		gl_json_set_uint(w, "watch", wi.id);
		json_object_set_new(w, "what", json_string(what_name(wi.what)));
		json_object_set_new(w, "expr", gl_json_text(wi.expr));
		gl_json_set_addr(w, "address", wi.object);
		gl_json_set_uint(w, "events", wi.events);
		json_object_set_new(w, "stop", json_boolean(wi.stop));
		json_object_set_new(w, "out", wi.out_path ? gl_json_text(wi.out_path) : json_null());
		json_array_append_new(arr, w);
	}
	if (!i)
		sb_add(&s, "no watches (golayout watch map|slice EXPR)\n");
	else
		sb_addf(&s, "(%zu breakpoint%s set by golayout)\n", gl_watch_breakpoints(*c->watches),
			gl_watch_breakpoints(*c->watches) == 1 ? "" : "s");
	if (d) {
		json_object_set_new(d, "watches", arr ? arr : json_array());
		gl_json_set_uint(d, "breakpoints", gl_watch_breakpoints(*c->watches));
	}
	struct gl_error *err = s.oom ? &gl_error_nomem : put(c, o, d, s.s);
	sb_deinit(&s);
	return err;
}

static struct gl_error *stop(struct gl_ctx *c, const struct gl_opts *o)
{
	uint64_t n = 0;
	if (o->nargs > 2 || (o->nargs == 2 && (!gl_parse_u64(o->args[1], &n) || !n || n > 1000000)))
		return gl_error_create(GL_ERR_USAGE, "golayout watch stop takes a watch number (or none: all)");
	struct gl_error *err = gl_watch_remove(c, *c->watches, (unsigned)n);
	if (err)
		return err;
	struct strbuf s;
	sb_init(&s);
	if (n)
		sb_addf(&s, "watch %llu stopped\n", (unsigned long long)n);
	else
		sb_add(&s, "all watches stopped\n");
	json_t *d = o->json ? gl_doc_new(c, "watch-stop", NULL, false, 0) : NULL;
	if (d)
		gl_json_set_uint(d, "watch", n);
	err = s.oom ? &gl_error_nomem : put(c, o, d, s.s);
	sb_deinit(&s);
	return err;
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	(void)w;
	const char *sub = o->args[0];
	if (!strcmp(sub, "list") || !strcmp(sub, "stop")) {
		if (!strcmp(sub, "list") && o->nargs > 1)
			return gl_error_create(GL_ERR_USAGE, "golayout watch list takes no argument");
		if (o->stop || o->out)
			return gl_error_create(GL_ERR_USAGE, "--stop and --out belong to watch map|slice");
		return !strcmp(sub, "list") ? list(c, o) : stop(c, o);
	}
	if (!c->t)
		return gl_error_create(GL_ERR_EXECUTABLE, "no executable loaded in the debugger");
	if (o->nargs > 2)
		return gl_error_create(GL_ERR_USAGE, "golayout watch %s takes one expression", sub);
	if (!strcmp(sub, "map"))
		return add(c, o, GL_WATCH_MAP);
	if (!strcmp(sub, "slice"))
		return add(c, o, GL_WATCH_SLICE);
	return gl_error_create(GL_ERR_USAGE, "golayout watch map|slice EXPR, watch list or watch stop [N] "
			       "(not \"%s\")", sub);
}

const struct gl_command gl_cmd_watch = {
	.name = "watch",
	.summary = "Follow a map or slice as the runtime grows it: one line per growth.",
	.help = "Usage: golayout watch map EXPR [--stop] [--json] [--out FILE]\n"
		"       golayout watch slice EXPR [--stop] [--json] [--out FILE]\n"
		"       golayout watch list\n"
		"       golayout watch stop [N]\n"
		"\n"
		"Sets breakpoints on the runtime's growth paths, filtered to the watched\n"
		"object, and lets the program run on: each growth prints one line (with\n"
		"--json one JSON document; with --out FILE appended to FILE instead).\n"
		"Classic maps: hashGrow (B old -> new, doubling or same size, the bucket\n"
		"arrays) and, when the last old bucket is evacuated, how many entries went\n"
		"to X (bucket i) and Y (bucket i + old count) over how many evacuate calls.\n"
		"Swiss maps: small group -> table, a table's grow (capacity, entries moved)\n"
		"and split (the two new tables, the directory's size and depth).\n"
		"Slices: growslice, old -> new array and cap, bytes copied, and which other\n"
		"watched slices still point into the old array. The watch follows the\n"
		"slice onto its new array.\n"
		"--stop     stop the program at each event instead of continuing\n"
		"list       the watches, their events so far; stop [N]: remove watch N (all)\n"
		"Watches last for the current run of the program.",
	.opts = GL_OPT_TYPE | GL_OPT_WATCH,
	.min_args = 1,
	.max_args = 3,
	.run = run,
};
