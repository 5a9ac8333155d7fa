/* golayout slice EXPR...: slice headers, backing arrays and where they
 * live, [len:cap) reserved capacity, the allocation's size class slack,
 * the next append's growth, and which slices share one backing array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "eval/expr.h"
#include "doc/home_doc.h"
#include "gotypes/sizeclass.h"
#include "gotypes/struct_layout.h"
#include "eval/value.h"

#define MAX_SLICES 16
#define MAX_JSON_ELEMS 100000

struct one_slice {
	const char *expr;
	struct gl_value v;
	uint64_t array, len, cap, es;
	bool ok;     /* header decoded */
	json_t *doc;
};

static json_t *header_fields(const struct gl_type *t, const unsigned char *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(f->name));
		json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
		json_object_set_new(o, "size", json_integer((json_int_t)f->type->size));
		json_object_set_new(o, "type", gl_json_text(f->type->name));
		char buf[32];
		uint64_t v = gl_get_uint(b + f->offset, 8);
		if (f->type->kind == GL_K_POINTER || f->type->kind == GL_K_UNSAFEPOINTER)
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		json_object_set_new(o, "value", json_string(buf));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* Elements [from, to) as %v text, read in one piece. */
static struct gl_error *elements_json(struct gl_ctx *c, const struct gl_type *et, uint64_t base,
				      uint64_t from, uint64_t to, json_t *arr)
{
	if (to <= from || !et)
		return NULL;
	uint64_t n = to - from, es = et->size;
	if (es == 0) {
		for (uint64_t i = 0; i < n; i++)
			json_array_append_new(arr, json_string("{}"));
		return NULL;
	}
	if (n > GL_MAX_VALUE_BYTES / es)
		n = GL_MAX_VALUE_BYTES / es;
	unsigned char *buf = malloc(n * es);
	if (!buf)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, base + from * es, buf, n * es);
	if (err) {
		free(buf);
		return gl_error_wrap(err, "reading elements [%llu:%llu) at 0x%llx", (unsigned long long)from,
				     (unsigned long long)to, (unsigned long long)(base + from * es));
	}
	for (uint64_t i = 0; i < n; i++) {
		json_t *s_json = gl_format_value_json(c, et, buf + i * es);
		json_array_append_new(arr, s_json);
	}
	free(buf);
	return NULL;
}

static struct gl_error *decode_one(struct gl_ctx *c, struct one_slice *s)
{
	struct gl_error *err = gl_expr_eval_kind(c, s->expr, GL_K_SLICE, "a slice", &s->v);
	if (err)
		return err;
	const struct gl_type *t = s->v.type;
	json_t *d = s->doc = gl_doc_new(c, "slice", t->name, s->v.in_memory, s->v.addr);
	if (!d)
		return &gl_error_nomem;
	json_object_set_new(d, "shared_with", json_array());
	json_object_set_new(d, "expr", gl_json_text(s->expr));
	json_object_set_new(d, "where", json_string(s->v.where));
	const struct gl_field *fa = gl_type_field(t, "array"), *fl = gl_type_field(t, "len"),
			      *fc = gl_type_field(t, "cap");
	if (!fa || !fl || !fc)
		return gl_error_create(GL_ERR_NODWARF, "slice type %s lacks array/len/cap", t->name);
	s->array = gl_get_uint(s->v.bytes + fa->offset, 8);
	s->len = gl_get_uint(s->v.bytes + fl->offset, 8);
	s->cap = gl_get_uint(s->v.bytes + fc->offset, 8);
	const struct gl_type *et = t->elem;
	s->es = et ? et->size : 0;
	s->ok = true;
	json_object_set_new(d, "header", header_fields(t, s->v.bytes));
	gl_json_set_addr(d, "array", s->array);
	json_object_set_new(d, "len", json_integer((json_int_t)s->len));
	json_object_set_new(d, "cap", json_integer((json_int_t)s->cap));
	json_object_set_new(d, "elem_type", gl_json_text(et ? et->name : "?"));
	json_object_set_new(d, "elem_size", json_integer((json_int_t)s->es));
	json_object_set_new(d, "nil", json_boolean(s->array == 0 && s->len == 0 && s->cap == 0));
	struct gl_home h;
	gl_home_of(c, s->array, &h);
	json_object_set_new(d, "home", gl_home_json(&h));
	/* The heap allocation behind the array, from its real span: the
	 * slot's size class and the bytes left after cap*elemsize. */
	if (gl_home_has_object(&h) && s->array >= h.object_base && s->cap <= UINT64_MAX / (s->es ? s->es : 1) &&
	    s->array + s->cap * s->es <= h.object_base + h.elemsize) {
		json_t *al = json_object();
		gl_json_set_addr(al, "object_base", h.object_base);
		json_object_set_new(al, "size_class", json_integer(h.size_class));
		json_object_set_new(al, "slot_bytes", json_integer((json_int_t)h.elemsize));
		json_object_set_new(al, "offset", json_integer((json_int_t)(s->array - h.object_base)));
		json_object_set_new(al, "cap_bytes", json_integer((json_int_t)(s->cap * s->es)));
		json_object_set_new(al, "slack", json_integer((json_int_t)(h.object_base + h.elemsize -
									      s->array - s->cap * s->es)));
		json_object_set_new(d, "allocation", al);
	}
	if (et && et->kind == GL_K_STRUCT) {
		json_t *lay = json_object();
		gl_struct_describe(c, et, NULL, lay);
		json_object_set_new(d, "element_layout", lay);
	}
	if ((int64_t)s->len < 0 || (int64_t)s->cap < 0 || s->len > s->cap)
		return gl_error_create(GL_ERR_CORRUPT, "%s: len %lld > cap %lld or negative: corrupt slice header",
				       s->expr, (long long)s->len, (long long)s->cap);
	if (s->array == 0 && s->cap > 0)
		return gl_error_create(GL_ERR_CORRUPT, "%s: nil array with cap %llu: corrupt slice header",
				       s->expr, (unsigned long long)s->cap);
	struct gl_sizeclasses sc;
	struct gl_error *scerr = gl_sizeclasses_load(c, &sc);
	bool noscan = et ? !gl_type_has_pointers(et) : true;
	if (!scerr || s->es == 0) {
		uint64_t alloc = 0, nc = s->cap + 1;
		if (s->es)
			nc = gl_growslice_cap(&sc, s->cap, s->cap + 1, s->es, noscan, &alloc);
		json_t *g = json_object();
		json_object_set_new(g, "append_len", json_integer((json_int_t)(s->cap + 1)));
		json_object_set_new(g, "new_cap", json_integer((json_int_t)nc));
		json_object_set_new(g, "new_alloc_bytes", json_integer((json_int_t)alloc));
		json_object_set_new(g, "rule", json_string(s->es == 0 ? "zero-size elements: no allocation, cap = len"
							   : s->cap < 256 ? "double (cap < 256)"
									  : "grow by (cap + 768) / 4 until it fits"));
		json_object_set_new(d, "growth", g);
	}
	gl_error_destroy(scerr);
	/* Elements: JSON gets all of them (bounded) unless --limit was given. */
	uint64_t lim = c->opts.limit_set ? (uint64_t)c->opts.limit : (c->opts.json ? MAX_JSON_ELEMS
										  : (uint64_t)c->opts.limit);
	if (c->opts.all)
		lim = MAX_JSON_ELEMS;
	json_t *elems = json_array(), *beyond = json_array();
	json_object_set_new(d, "elements", elems);
	json_object_set_new(d, "beyond_len", beyond);
	uint64_t n1 = s->len < lim ? s->len : lim;
	uint64_t n2 = s->cap - s->len < lim ? s->cap - s->len : lim;
	json_object_set_new(d, "elements_shown", json_integer((json_int_t)n1));
	err = elements_json(c, et, s->array, 0, n1, elems);
	if (!err)
		err = elements_json(c, et, s->array, s->len, s->len + n2, beyond);
	return err;
}

/* Which slices share a backing array, and where their windows overlap. */
static void sharing(struct one_slice *sl, int n, json_t *arrays)
{
	int group[MAX_SLICES];
	for (int i = 0; i < n; i++)
		group[i] = i;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++) {
			if (!sl[i].ok || !sl[j].ok || !sl[i].array || !sl[j].array || sl[i].es != sl[j].es)
				continue;
			uint64_t ai = sl[i].array, bi = ai + sl[i].cap * sl[i].es;
			uint64_t aj = sl[j].array, bj = aj + sl[j].cap * sl[j].es;
			if (ai < bj && aj < bi) {
				int g = group[j], old = group[i];
				for (int k = 0; k < n; k++)
					if (group[k] == old)
						group[k] = g;
			}
		}
	for (int g = 0; g < n; g++) {
		int members = 0;
		uint64_t lo = UINT64_MAX, hi = 0, es = 0;
		for (int i = 0; i < n; i++)
			if (group[i] == g && sl[i].ok && sl[i].array) {
				members++;
				es = sl[i].es;
				if (sl[i].array < lo)
					lo = sl[i].array;
				if (sl[i].array + sl[i].cap * sl[i].es > hi)
					hi = sl[i].array + sl[i].cap * sl[i].es;
			}
		if (members == 0)
			continue;
		json_t *a = json_object(), *mem = json_array(), *ov = json_array();
		gl_json_set_addr(a, "base", lo);
		gl_json_set_addr(a, "end", hi);
		json_object_set_new(a, "elem_size", json_integer((json_int_t)es));
		for (int i = 0; i < n; i++) {
			if (group[i] != g || !sl[i].ok || !sl[i].array)
				continue;
			json_t *m = json_object();
			uint64_t start = es ? (sl[i].array - lo) / es : 0;
			json_object_set_new(m, "expr", gl_json_text(sl[i].expr));
			json_object_set_new(m, "start", json_integer((json_int_t)start));
			json_object_set_new(m, "len", json_integer((json_int_t)sl[i].len));
			json_object_set_new(m, "cap", json_integer((json_int_t)sl[i].cap));
			json_array_append_new(mem, m);
			json_t *sw = json_array();
			for (int j = 0; j < n; j++)
				if (j != i && group[j] == g && sl[j].ok && sl[j].array)
					json_array_append_new(sw, gl_json_text(sl[j].expr));
			json_object_set_new(sl[i].doc, "shared_with", sw);
			for (int j = i + 1; j < n; j++) {
				if (group[j] != g || !sl[j].ok || !sl[j].array || !es)
					continue;
				uint64_t a0 = sl[i].array, a1 = a0 + sl[i].len * es;
				uint64_t b0 = sl[j].array, b1 = b0 + sl[j].len * es;
				uint64_t o0 = a0 > b0 ? a0 : b0, o1 = a1 < b1 ? a1 : b1;
				if (o0 >= o1)
					continue;
				json_t *o = json_object();
				json_object_set_new(o, "a", gl_json_text(sl[i].expr));
				json_object_set_new(o, "b", gl_json_text(sl[j].expr));
				gl_json_set_addr(o, "from", o0);
				gl_json_set_addr(o, "to", o1);
				json_object_set_new(o, "elements", json_integer((json_int_t)((o1 - o0) / es)));
				json_t *ra = json_array(), *rb = json_array();
				json_array_append_new(ra, json_integer((json_int_t)((o0 - a0) / es)));
				json_array_append_new(ra, json_integer((json_int_t)((o1 - a0) / es)));
				json_array_append_new(rb, json_integer((json_int_t)((o0 - b0) / es)));
				json_array_append_new(rb, json_integer((json_int_t)((o1 - b0) / es)));
				json_object_set_new(o, "a_range", ra);
				json_object_set_new(o, "b_range", rb);
				json_array_append_new(ov, o);
			}
		}
		json_object_set_new(a, "slices", mem);
		json_object_set_new(a, "overlaps", ov);
		json_array_append_new(arrays, a);
	}
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	int n = c->opts.nargs > MAX_SLICES ? MAX_SLICES : c->opts.nargs;
	struct one_slice sl[MAX_SLICES];
	memset(sl, 0, sizeof(sl));
	struct gl_error *first = NULL;
	for (int i = 0; i < n; i++) {
		sl[i].expr = c->opts.args[i];
		struct gl_error *err = decode_one(c, &sl[i]);
		if (err && sl[i].doc)
			json_object_set_new(sl[i].doc, "error", gl_json_text(err->message));
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	if (n == 1) {
		*docp = sl[0].doc;
	} else {
		json_t *d = gl_doc_new(c, "slices", NULL, false, 0), *arr = json_array(), *arrays = json_array();
		sharing(sl, n, arrays);
		for (int i = 0; i < n; i++)
			if (sl[i].doc)
				json_array_append_new(arr, sl[i].doc);
		json_object_set_new(d, "slices", arr);
		json_object_set_new(d, "arrays", arrays);
		*docp = d;
	}
	for (int i = 0; i < n; i++)
		gl_value_deinit(&sl[i].v);
	return first;
}

/* ---- text ------------------------------------------------------------------ */

static void render_one(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	const char *addr = json_string_value(json_object_get(d, "address"));
	sb_addf(o, "%s%s%s %s  header at %s%s%s (%s)  [%s]\n", gl_c(c, "bold"), gl_jstr(d, "expr"),
		gl_c(c, "reset"), gl_jstr(d, "type"), gl_c(c, "addr"), addr ? addr : "(registers)",
		gl_c(c, "reset"), gl_jstr(d, "where"), gl_jstr(d, "go_version"));
	json_t *hdr = json_object_get(d, "header");
	for (size_t i = 0; i < json_array_size(hdr); i++) {
		json_t *f = json_array_get(hdr, i);
		sb_addf(o, "  +%-3lld %-6s %-16s %s\n", (long long)gl_jint(f, "offset"), gl_jstr(f, "name"),
			gl_jstr(f, "type"), gl_jstr(f, "value"));
	}
	if (json_is_true(json_object_get(d, "nil"))) {
		sb_add(o, "nil slice: no backing array\n");
		return;
	}
	json_int_t len = gl_jint(d, "len"), cap = gl_jint(d, "cap"), es = gl_jint(d, "elem_size");
	json_t *home = json_object_get(d, "home");
	sb_addf(o, "backing array at %s%s%s in %s: cap %lld x %lld bytes = %lld bytes\n", gl_c(c, "addr"),
		gl_jstr(d, "array"), gl_c(c, "reset"), gl_jstr(home, "description"), (long long)cap,
		(long long)es, (long long)(cap * es));
	json_t *al = json_object_get(d, "allocation");
	if (al)
		sb_addf(o, "allocation: %s slot of %lld bytes at %s (size class %lld), array at +%lld, "
			   "%lld bytes after cap\n",
			gl_jint(al, "size_class") ? "heap" : "large heap", (long long)gl_jint(al, "slot_bytes"),
			gl_jstr(al, "object_base"), (long long)gl_jint(al, "size_class"), (long long)gl_jint(al, "offset"),
			(long long)gl_jint(al, "slack"));
	json_t *el = json_object_get(d, "elements"), *bl = json_object_get(d, "beyond_len");
	uint64_t base = strtoull(gl_jstr(d, "array"), NULL, 16);
	for (size_t i = 0; i < json_array_size(el); i++) {
		sb_addf(o, "  [%zu] %s0x%llx%s  ", i, gl_c(c, "addr"), (unsigned long long)(base + i * es),
			gl_c(c, "reset"));
		gl_clip(o, json_string_value(json_array_get(el, i)), 64);
		sb_addc(o, '\n');
	}
	if ((json_int_t)json_array_size(el) < len)
		sb_addf(o, "  ... %lld of %lld elements shown (--limit N, --all)\n",
			(long long)json_array_size(el), (long long)len);
	for (size_t i = 0; i < json_array_size(bl); i++) {
		sb_addf(o, "%s  [%lld] 0x%llx  ", gl_c(c, "dim"), (long long)(len + (json_int_t)i),
			(unsigned long long)(base + (len + i) * es));
		gl_clip(o, json_string_value(json_array_get(bl, i)), 50);
		sb_addf(o, "   beyond len (reserved capacity)%s\n", gl_c(c, "reset"));
	}
	if ((json_int_t)json_array_size(bl) < cap - len)
		sb_addf(o, "%s  ... %lld more slots of reserved capacity%s\n", gl_c(c, "dim"),
			(long long)(cap - len - (json_int_t)json_array_size(bl)), gl_c(c, "reset"));
	json_t *lay = json_object_get(d, "element_layout");
	if (lay) {
		sb_addf(o, "element %s: size %lld, padding %lld bytes per element", gl_jstr(d, "elem_type"),
			(long long)gl_jint(lay, "size"), (long long)gl_jint(lay, "padding_bytes"));
		json_t *pads = json_object_get(lay, "padding");
		for (size_t i = 0; i < json_array_size(pads); i++) {
			json_t *p = json_array_get(pads, i);
			sb_addf(o, "%s +%lld:%lld", i ? "," : " at", (long long)gl_jint(p, "offset"), (long long)gl_jint(p, "size"));
		}
		if (gl_jint(lay, "best_size") < gl_jint(lay, "size"))
			sb_addf(o, "; reordered it would be %lld", (long long)gl_jint(lay, "best_size"));
		sb_addc(o, '\n');
	}
	json_t *g = json_object_get(d, "growth");
	if (g)
		sb_addf(o, "next append beyond cap (len %lld) would allocate cap %lld (%lld bytes): %s\n",
			(long long)gl_jint(g, "append_len"), (long long)gl_jint(g, "new_cap"),
			(long long)gl_jint(g, "new_alloc_bytes"), gl_jstr(g, "rule"));
}

static void render_sharing(struct gl_ctx *c, json_t *arrays)
{
	struct strbuf *o = &c->out;
	for (size_t i = 0; i < json_array_size(arrays); i++) {
		json_t *a = json_array_get(arrays, i), *mem = json_object_get(a, "slices");
		json_int_t es = gl_jint(a, "elem_size");
		uint64_t lo = strtoull(gl_jstr(a, "base"), NULL, 16), hi = strtoull(gl_jstr(a, "end"), NULL, 16);
		uint64_t total = es ? (hi - lo) / (uint64_t)es : 0;
		sb_addf(o, "\nbacking array %s..%s (%llu elements) ", gl_jstr(a, "base"), gl_jstr(a, "end"),
			(unsigned long long)total);
		if (json_array_size(mem) < 2) {
			sb_addf(o, "used by %s alone\n", gl_jstr(json_array_get(mem, 0), "expr"));
			continue;
		}
		sb_add(o, "SHARED by");
		for (size_t j = 0; j < json_array_size(mem); j++)
			sb_addf(o, " %s", gl_jstr(json_array_get(mem, j), "expr"));
		sb_addc(o, '\n');
		/* one column per element, up to 64; '=' in [0:len), '.' in [len:cap) */
		uint64_t cols = total > 64 ? 64 : total, scale = total > 64 ? (total + 63) / 64 : 1;
		for (size_t j = 0; j < json_array_size(mem); j++) {
			json_t *m = json_array_get(mem, j);
			uint64_t st = (uint64_t)gl_jint(m, "start"), len = (uint64_t)gl_jint(m, "len"),
				 cap = (uint64_t)gl_jint(m, "cap");
			sb_addf(o, "  %-10.10s ", gl_jstr(m, "expr"));
			for (uint64_t k = 0; k < cols; k++) {
				uint64_t e = k * scale;
				sb_addc(o, e < st ? ' ' : e < st + len ? '=' : e < st + cap ? '.' : ' ');
			}
			sb_addf(o, "  [%llu:%llu:%llu]\n", (unsigned long long)st, (unsigned long long)(st + len),
				(unsigned long long)(st + cap));
		}
		json_t *ov = json_object_get(a, "overlaps");
		for (size_t j = 0; j < json_array_size(ov); j++) {
			json_t *v = json_array_get(ov, j);
			json_t *ra = json_object_get(v, "a_range"), *rb = json_object_get(v, "b_range");
			sb_addf(o, "  overlap: %s[%lld:%lld] is %s[%lld:%lld] (%lld elements at %s): writes through one show in the other\n",
				gl_jstr(v, "a"), (long long)json_integer_value(json_array_get(ra, 0)),
				(long long)json_integer_value(json_array_get(ra, 1)), gl_jstr(v, "b"),
				(long long)json_integer_value(json_array_get(rb, 0)),
				(long long)json_integer_value(json_array_get(rb, 1)), (long long)gl_jint(v, "elements"),
				gl_jstr(v, "from"));
		}
		if (!json_array_size(ov))
			sb_add(o, "  no overlap within len, but appends to the lower slice overwrite the higher one\n");
	}
}

static void render(struct gl_ctx *c, json_t *d)
{
	if (!strcmp(gl_jstr(d, "kind"), "slice")) {
		render_one(c, d);
		return;
	}
	json_t *arr = json_object_get(d, "slices");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if (i)
			sb_addc(&c->out, '\n');
		render_one(c, json_array_get(arr, i));
		if (json_object_get(json_array_get(arr, i), "error"))
			sb_addf(&c->out, "golayout: %s\n", gl_jstr(json_array_get(arr, i), "error"));
	}
	render_sharing(c, json_object_get(d, "arrays"));
}

const struct gl_command gl_cmd_slice = {
	.name = "slice",
	.summary = "Show slices: header, backing array, reserved capacity, sharing, growth.",
	.help = "Usage: golayout slice EXPR [EXPR...] [--limit N | --all] [--json]\n"
		"\n"
		"For each slice: the header (array, len, cap) at its offsets, the backing\n"
		"array and where it lives (heap, a goroutine's stack, the binary's data),\n"
		"elements [0:len) with %v values, [len:cap) as reserved capacity, the size\n"
		"class slack of the allocation, the element layout with padding, and what\n"
		"the next append beyond cap would allocate. With several slices: which share\n"
		"a backing array, their [start:len:cap] windows over it and where they overlap.",
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE,
	.min_args = 1,
	.max_args = MAX_SLICES,
	.run = run,
	.render = render,
};
