/* golayout heap EXPR|ADDR: where an address lives in the Go heap: arena,
 * span, size class, object slot, allocation and mark bits, the pointer map
 * the GC uses for the object, and its specials (finalizers, cleanups, weak
 * handles). Addresses outside the heap are named (stack, binary section,
 * unmapped). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "render/render.h"
#include "eval/expr.h"
#include "runtime/heap.h"
#include "doc/home_doc.h"
#include "eval/value.h"

#define DEFAULT_WORDS 1024
#define MAX_WORDS (1u << 22)

/* A whole-token number: the address itself. */
static bool parse_addr(const char *s, uint64_t *addr)
{
	if (!isdigit((unsigned char)s[0]))
		return false;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return false;
	*addr = v;
	return true;
}

static const char *sweep_state(uint32_t sg, uint32_t hsg)
{
	if (sg == hsg - 2)
		return "needs sweeping";
	if (sg == hsg - 1)
		return "being swept";
	if (sg == hsg)
		return "swept";
	if (sg == hsg + 1)
		return "cached, needs sweeping";
	if (sg == hsg + 3)
		return "cached, swept";
	return "unknown sweepgen";
}

static json_t *span_json(struct gl_heap *h, const struct gl_span *s)
{
	json_t *o = json_object();
	gl_json_set_addr(o, "mspan", s->addr);
	gl_json_set_addr(o, "base", s->base);
	gl_json_set_addr(o, "end", s->base + s->npages * h->page_size);
	gl_json_set_addr(o, "limit", s->limit);
	json_object_set_new(o, "npages", json_integer((json_int_t)s->npages));
	json_object_set_new(o, "spanclass", json_integer(s->spanclass));
	json_object_set_new(o, "size_class", json_integer(s->size_class));
	json_object_set_new(o, "noscan", json_boolean(s->noscan));
	json_object_set_new(o, "large", json_boolean(s->size_class == 0));
	json_object_set_new(o, "elemsize", json_integer((json_int_t)s->elemsize));
	json_object_set_new(o, "nelems", json_integer((json_int_t)s->nelems));
	json_object_set_new(o, "alloc_count", json_integer((json_int_t)s->alloc_count));
	json_object_set_new(o, "freeindex", json_integer((json_int_t)s->freeindex));
	json_object_set_new(o, "free_index_for_scan", json_integer((json_int_t)s->freeindex_scan));
	json_object_set_new(o, "state", json_string(gl_heap_state_name(h, s->state)));
	json_object_set_new(o, "sweepgen", json_integer(s->sweepgen));
	if (h->h_sweepgen.size && s->state == h->st_inuse) {
		uint64_t v;
		unsigned char b[4];
		struct gl_error *err = gl_mem_read(h->c->mem, h->mheap + h->h_sweepgen.off, b, 4);
		if (!err) {
			v = gl_get_uint(b, 4);
			json_object_set_new(o, "sweep", json_string(sweep_state(s->sweepgen, (uint32_t)v)));
		}
		gl_error_destroy(err);
	}
	json_object_set_new(o, "inline_mark_bits", json_boolean(gl_heap_inline_marks(h, s->elemsize) &&
								  s->state == h->st_inuse));
	int64_t tiny;
	if (gl_dwarf_find_const(h->c->t->dw, "runtime.tinySizeClass", &tiny))
		json_object_set_new(o, "tiny_class", json_boolean(s->noscan && s->size_class == tiny));
	gl_json_set_addr(o, "alloc_bits", s->alloc_bits);
	gl_json_set_addr(o, "gcmark_bits", s->mark_bits);
	return o;
}

/* The span's objects, one cell each: '#' allocated and marked, 'a'
 * allocated (mark unknown or unmarked), '.' free. */
static struct gl_error *span_cells(struct gl_heap *h, const struct gl_span *s, json_t *d)
{
	uint8_t *alloc = malloc(s->nelems ? s->nelems : 1), *mark = malloc(s->nelems ? s->nelems : 1);
	bool known;
	struct gl_error *err = alloc && mark ? gl_heap_span_bits(h, s, alloc, mark, &known) : &gl_error_nomem;
	char *cells = err ? NULL : malloc(s->nelems + 1);
	if (!err && !cells)
		err = &gl_error_nomem;
	if (!err) {
		uint64_t na = 0, nm = 0;
		for (uint64_t i = 0; i < s->nelems; i++) {
			na += alloc[i];
			nm += known && mark[i];
			cells[i] = alloc[i] ? (known && mark[i] ? '#' : known ? 'u' : 'a') : (known && mark[i] ? 'm' : '.');
		}
		cells[s->nelems] = '\0';
		json_t *o = json_object();
		json_object_set_new(o, "cells", json_string(cells));
		json_object_set_new(o, "allocated", json_integer((json_int_t)na));
		json_object_set_new(o, "marked", known ? json_integer((json_int_t)nm) : json_null());
		json_object_set_new(o, "legend", json_string(known ? "# allocated+marked, u allocated+unmarked, "
								    "m free+marked, . free"
								  : "a allocated (mark unknown), . free"));
		json_object_set_new(d, "span_objects", o);
	}
	free(cells);
	free(alloc);
	free(mark);
	return err;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_target_need_dwarf(t)) || (err = gl_ctx_need_process(c)))
		return err;
	const char *arg = c->opts.args[0];
	uint64_t addr;
	const char *tname = NULL;
	char where[64] = "";
	struct gl_value v = {0};
	bool is_number = parse_addr(arg, &addr);
	if (!is_number) {
		if ((err = gl_expr_eval(c, arg, c->opts.type, &v)))
			return err;
		enum gl_kind k = v.type->kind;
		tname = v.type->name;
		snprintf(where, sizeof(where), "%s", v.where);
		if (k == GL_K_POINTER || k == GL_K_UNSAFEPOINTER || k == GL_K_MAP || k == GL_K_CHAN ||
		    k == GL_K_UINTPTR) {
			addr = gl_get_uint(v.bytes, 8);
		} else if (v.in_memory) {
			addr = v.addr;
		} else {
			err = gl_error_create(GL_ERR_TYPE, "%s (%s) is in %s, not in memory: no address", arg,
					      tname, v.where);
			gl_value_deinit(&v);
			return err;
		}
	}
	json_t *d = gl_doc_new(c, "heap", tname, true, addr);
	if (!d) {
		gl_value_deinit(&v);
		return &gl_error_nomem;
	}
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(arg));
	if (!is_number) {
		json_object_set_new(d, "pointer", json_boolean(addr != v.addr || !v.in_memory));
		json_object_set_new(d, "where", json_string(where));
	}
	gl_value_deinit(&v);
	struct gl_home home;
	gl_home_of(c, addr, &home);
	json_object_set_new(d, "home", gl_home_json(&home));
	json_object_set_new(d, "in_heap", json_false());
	if (addr == 0)
		return gl_error_create(GL_ERR_NIL, "%s is nil: no object", arg);
	if (home.kind == GL_HOME_UNMAPPED)
		return gl_error_fault(addr, "0x%llx is not in mapped memory: not a Go object",
				      (unsigned long long)addr);
	struct gl_heap h;
	if ((err = gl_heap_init(c, &h)))
		return err;
	int64_t phase = 0;
	const char *phase_name;
	bool have_phase = gl_heap_gc_phase(&h, &phase, &phase_name);
	json_object_set_new(d, "gc_phase", json_string(phase_name));
	json_object_set_new(d, "gc", json_string(h.greentea ? "greentea" : "classic"));
	struct gl_heap_loc loc;
	if ((err = gl_heap_locate(&h, addr, &loc)))
		return err;
	if (!loc.in_arena)
		return NULL; /* the home says where it is */
	json_t *ar = json_object();
	json_object_set_new(ar, "index", json_integer((json_int_t)loc.arena_index));
	gl_json_set_addr(ar, "base", loc.arena_base);
	gl_json_set_addr(ar, "heap_arena", loc.heap_arena);
	json_object_set_new(ar, "page", json_integer((json_int_t)loc.page));
	json_object_set_new(d, "arena", ar);
	/* in_heap: Go objects' memory (object spans and free pages), not the
	 * runtime-managed spans (stacks) that share the arenas */
	json_object_set_new(d, "in_heap", json_boolean(!loc.has_span || !loc.span_ok ||
						       loc.span.state != h.st_manual));
	if (!loc.has_span || !loc.span_ok) {
		json_object_set_new(d, "allocated", json_false());
		json_object_set_new(d, "marked", json_string("unknown"));
		json_object_set_new(d, "note", json_string(loc.has_span ? "free page: its spans[] entry is stale (names a span elsewhere)"
									: "free page: no span owns it"));
		if (loc.has_span)
			gl_json_set_addr(d, "stale_span", loc.span.addr);
		return NULL;
	}
	const struct gl_span *s = &loc.span;
	json_object_set_new(d, "span", span_json(&h, s));
	if (!gl_heap_span_in_use(&h, s)) {
		json_object_set_new(d, "allocated", json_false());
		json_object_set_new(d, "marked", json_string("unknown"));
		json_object_set_new(d, "note", json_string(s->state == h.st_manual
								   ? "runtime-managed span (goroutine stacks and other manual allocations): no Go objects"
								   : "dead span: no objects"));
		return NULL;
	}
	struct gl_heap_object o;
	if ((err = gl_heap_object(&h, s, addr, &o)))
		return err;
	if (!o.in_slot) {
		json_object_set_new(d, "allocated", json_false());
		json_object_set_new(d, "marked", json_string("unknown"));
		json_object_set_new(d, "note", json_string("in the span's tail after the last slot (heap bits, inline mark bits or unused)"));
		return NULL;
	}
	bool header = !s->noscan && s->size_class != 0 && s->elemsize > h.min_header && !h.arena_bitmap;
	json_t *ob = json_object();
	json_object_set_new(ob, "index", json_integer((json_int_t)o.index));
	gl_json_set_addr(ob, "base", o.base);
	gl_json_set_addr(ob, "end", o.base + s->elemsize);
	json_object_set_new(ob, "offset", json_integer((json_int_t)o.offset));
	json_object_set_new(ob, "header", json_boolean(header));
	gl_json_set_addr(ob, "data", o.base + (header ? h.header_size : 0));
	json_object_set_new(d, "object", ob);
	json_object_set_new(d, "allocated", json_boolean(o.allocated));
	json_object_set_new(d, "allocated_by", json_string(o.index < s->freeindex ? "below freeindex"
										   : "allocBits"));
	json_object_set_new(d, "marked", json_string(gl_heap_mark_name(o.mark)));
	const char *why = !have_phase ? "cannot read runtime.gcphase"
			  : phase == h.gc_off ? "no GC cycle running"
			  : o.inline_mark ? "gcmarkBits | inline mark bits"
					  : "gcmarkBits";
	json_object_set_new(d, "mark_source", json_string(why));
	uint64_t words = c->opts.all ? MAX_WORDS : c->opts.limit_set ? (uint64_t)c->opts.limit : DEFAULT_WORDS;
	if (words > MAX_WORDS)
		words = MAX_WORDS;
	json_t *pm = gl_heap_pointer_map(&h, s, o.base, words);
	if (pm)
		json_object_set_new(d, "pointer_map", pm);
	struct gl_error *serr;
	json_t *sp = gl_heap_specials(&h, s, o.base, o.base + s->elemsize, &serr);
	json_object_set_new(d, "specials", sp);
	if (c->opts.span)
		err = span_cells(&h, s, d);
	if (serr && !err)
		err = serr;
	else
		gl_error_destroy(serr);
	return err;
}

/* ---- text ------------------------------------------------------------------- */

/* Rows of 64 cells in groups of 8, labelled by a byte offset or index. */
static void cell_rows(struct gl_ctx *c, const char *cells, uint64_t unit, bool hex, int64_t mark_at)
{
	struct strbuf *o = &c->out;
	size_t n = strlen(cells);
	for (size_t r = 0; r < n; r += 64) {
		sb_addf(o, hex ? "    +0x%-6llx " : "    %7llu  ", (unsigned long long)(r * unit));
		for (size_t i = r; i < n && i < r + 64; i++) {
			if (i > r && (i - r) % 8 == 0)
				sb_addc(o, ' ');
			if ((int64_t)i == mark_at)
				sb_addf(o, "%s%c%s", gl_c(c, "bold"), cells[i], gl_c(c, "reset"));
			else
				sb_addc(o, cells[i]);
		}
		sb_addc(o, '\n');
		if (mark_at >= (int64_t)r && mark_at < (int64_t)(r + 64)) {
			size_t col = (size_t)(mark_at - (int64_t)r);
			sb_add(o, "             ");
			for (size_t i = 0; i < col + col / 8; i++)
				sb_addc(o, ' ');
			sb_add(o, "^ this object\n");
		}
	}
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	json_t *home = json_object_get(d, "home");
	const char *type = json_string_value(json_object_get(d, "type"));
	sb_addf(o, "%s%s%s", gl_c(c, "addr"), gl_jstr(d, "address"), gl_c(c, "reset"));
	if (strcmp(gl_jstr(d, "expr"), gl_jstr(d, "address"))) {
		sb_addf(o, " (%s", gl_jstr(d, "expr"));
		if (type)
			sb_addf(o, " %s%s%s", gl_c(c, "type"), type, gl_c(c, "reset"));
		sb_addc(o, ')');
	}
	sb_addf(o, "  [%s]\n  home      %s\n", gl_jstr(d, "go_version"), gl_jstr(home, "description"));
	json_t *ar = json_object_get(d, "arena"), *sp = json_object_get(d, "span");
	if (!ar) {
		if (json_object_get(d, "gc_phase"))
			sb_add(o, "  not in the Go heap's arenas\n");
		return;
	}
	sb_addf(o, "  arena     %lld at %s, heapArena %s, page %lld\n", (long long)gl_jint(ar, "index"),
		gl_jstr(ar, "base"), gl_jstr(ar, "heap_arena"), (long long)gl_jint(ar, "page"));
	if (sp) {
		json_int_t np = gl_jint(sp, "npages");
		sb_addf(o, "  span      mspan %s: %s-%s, %lld page%s, %s", gl_jstr(sp, "mspan"), gl_jstr(sp, "base"),
			gl_jstr(sp, "end"), (long long)np, np == 1 ? "" : "s", gl_jstr(sp, "state"));
		if (json_object_get(sp, "sweep"))
			sb_addf(o, ", %s", gl_jstr(sp, "sweep"));
		sb_addc(o, '\n');
		if (!strcmp(gl_jstr(sp, "state"), "in use")) {
			if (json_is_true(json_object_get(sp, "large")))
				sb_addf(o, "            spanclass %lld: large object (size class 0), %s, %lld bytes\n",
					(long long)gl_jint(sp, "spanclass"),
					json_is_true(json_object_get(sp, "noscan")) ? "noscan" : "scan",
					(long long)gl_jint(sp, "elemsize"));
			else
				sb_addf(o, "            spanclass %lld: size class %lld (%lld-byte slots), %s%s; "
					   "%lld slots, %lld allocated, freeindex %lld\n",
					(long long)gl_jint(sp, "spanclass"), (long long)gl_jint(sp, "size_class"),
					(long long)gl_jint(sp, "elemsize"),
					json_is_true(json_object_get(sp, "noscan")) ? "noscan" : "scan",
					json_is_true(json_object_get(sp, "tiny_class")) ? " (tiny blocks)" : "",
					(long long)gl_jint(sp, "nelems"), (long long)gl_jint(sp, "alloc_count"),
					(long long)gl_jint(sp, "freeindex"));
		}
	}
	json_t *note = json_object_get(d, "note");
	if (note)
		sb_addf(o, "  %s\n", json_string_value(note));
	json_t *ob = json_object_get(d, "object");
	if (ob) {
		sb_addf(o, "  object    #%lld  %s-%s  +%lld in the slot", (long long)gl_jint(ob, "index"),
			gl_jstr(ob, "base"), gl_jstr(ob, "end"), (long long)gl_jint(ob, "offset"));
		if (json_is_true(json_object_get(ob, "header")))
			sb_add(o, ", data after the malloc header");
		sb_addc(o, '\n');
		const char *mk = gl_jstr(d, "marked");
		sb_addf(o, "  state     %s%s%s (%s); %s%s%s%s (%s)\n", gl_c(c, "bold"),
			json_is_true(json_object_get(d, "allocated")) ? "allocated" : "free", gl_c(c, "reset"),
			gl_jstr(d, "allocated_by"), gl_c(c, "bold"), strcmp(mk, "unknown") ? "" : "mark ", mk,
			gl_c(c, "reset"), gl_jstr(d, "mark_source"));
	}
	json_t *pm = json_object_get(d, "pointer_map");
	if (pm) {
		sb_addf(o, "  pointers  %s", gl_jstr(pm, "source"));
		if (json_object_get(pm, "type"))
			sb_addf(o, ", type %s", gl_jstr(pm, "type"));
		json_int_t ts = gl_jint(pm, "type_size"), data_bytes = gl_jint(sp, "elemsize") -
								 (json_is_true(json_object_get(ob, "header")) ? 8 : 0);
		if (ts > 0 && ts < data_bytes)
			sb_addf(o, " (%lld bytes, repeated to the slot's end)", (long long)ts);
		const char *map = json_string_value(json_object_get(pm, "map"));
		if (map && !json_is_true(json_object_get(sp, "noscan"))) {
			sb_addf(o, "\n            %lld of %lld words are pointers (%sp pointer, . scalar)\n",
				(long long)gl_jint(pm, "pointers"), (long long)gl_jint(pm, "counted_words"),
				json_object_get(pm, "header") ? "H header, " : "");
			cell_rows(c, map, 8, true, -1);
			if (gl_jint(pm, "shown") < gl_jint(pm, "words"))
				sb_addf(o, "    ... %lld of %lld words shown (--limit N, --all)\n",
					(long long)gl_jint(pm, "shown"), (long long)gl_jint(pm, "words"));
		} else if (!map) {
			sb_addf(o, ": %s\n", json_object_get(pm, "error") ? gl_jstr(pm, "error") : gl_jstr(pm, "note"));
		} else {
			sb_addc(o, '\n');
		}
	}
	json_t *specials = json_object_get(d, "specials");
	for (size_t i = 0; i < json_array_size(specials); i++) {
		json_t *x = json_array_get(specials, i);
		sb_addf(o, "  %s %s", i ? "         " : "specials ", gl_jstr(x, "kind"));
		if (json_object_get(x, "function"))
			sb_addf(o, " %s", gl_jstr(x, "function"));
		if (json_object_get(x, "arg_type"))
			sb_addf(o, " (arg %s)", gl_jstr(x, "arg_type"));
		if (json_object_get(x, "id"))
			sb_addf(o, " id %lld", (long long)gl_jint(x, "id"));
		if (json_object_get(x, "points_to"))
			sb_addf(o, " handle %s -> %s", gl_jstr(x, "handle"), gl_jstr(x, "points_to"));
		if (gl_jint(x, "offset"))
			sb_addf(o, " at +%lld", (long long)gl_jint(x, "offset"));
		sb_addf(o, "  %s(special at %s)%s\n", gl_c(c, "dim"), gl_jstr(x, "special"), gl_c(c, "reset"));
	}
	if (ob && !json_array_size(specials))
		sb_add(o, "  specials  none\n");
	json_t *so = json_object_get(d, "span_objects");
	if (so) {
		sb_addf(o, "  span objects (%s):\n", gl_jstr(so, "legend"));
		cell_rows(c, gl_jstr(so, "cells"), 1, false, ob ? gl_jint(ob, "index") : -1);
	}
}

const struct gl_command gl_cmd_heap = {
	.name = "heap",
	.summary = "Show where an address lives in the Go heap: span, object, bits, specials.",
	.help = "Usage: golayout heap EXPR|ADDR [--span] [--limit N | --all] [--json]\n"
		"\n"
		"For a pointer-typed EXPR (pointer, map, chan, unsafe.Pointer, uintptr) the\n"
		"address it holds; for any other value in memory its own address (use s[0]\n"
		"for a slice's backing array); for a number the address itself.\n"
		"Shows the heap arena, the span (pages, spanclass -> size class and noscan,\n"
		"elemsize, slots, allocCount, freeindex, state and sweep state), the object's\n"
		"slot (index, base, offset of the address in it), whether it is allocated\n"
		"(freeindex and allocBits) and marked (gcmarkBits, plus Green Tea's inline\n"
		"mark bits; \"unknown\" when no GC cycle is running), where the GC finds its\n"
		"pointers (heap bits in the span, malloc header, span.largeType) with the map\n"
		"word by word (--limit N words, default 1024; --all), and its specials:\n"
		"finalizers and cleanups with their functions, weak handles, pins.\n"
		"--span draws every object of the span, one cell each.\n"
		"Addresses outside the heap are named: a goroutine's stack, a section of the\n"
		"binary, mapped memory outside the heap, or unmapped (an error).",
	.opts = GL_OPT_TYPE | GL_OPT_LIMIT | GL_OPT_SPAN,
	.min_args = 1,
	.max_args = 1,
	.run = run,
	.render = render,
};
