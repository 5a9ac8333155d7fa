/* golayout heap EXPR|ADDR: where an address lives in the Go heap: arena,
 * span, size class, object slot, allocation and mark bits, the pointer map
 * the GC uses for the object, and its specials (finalizers, cleanups, weak
 * handles). Addresses outside the heap are named (stack, binary section,
 * unmapped). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/number.h"
#include "commands/commands.h"
#include "eval/expr.h"
#include "runtime/heapgraph.h"

#define DEFAULT_WORDS 1024
#define MAX_WORDS (1u << 22)


/* The address EXPR stands for: the address a pointer-shaped value holds,
 * another value's own address. */
static struct gl_error *eval_addr(struct gl_ctx *c, const struct gl_opts *o,
				  struct gl_heap_cmd_view *h, uint64_t *addr)
{
	struct gl_value v;
	struct gl_error *err = gl_expr_eval(c, h->sub.expr, o->type, &v);
	if (err)
		return err;
	enum gl_kind k = v.type->kind;
	h->sub.type = v.type->name;
	h->sub.evaluated = true;
	snprintf(h->where, sizeof(h->where), "%s", v.where);
	h->sub.where = h->where;
	if (k == GL_K_POINTER || k == GL_K_UNSAFEPOINTER || k == GL_K_MAP || k == GL_K_CHAN ||
	    k == GL_K_UINTPTR) {
		*addr = gl_get_uint(v.bytes, c->t->ptr_size);
	} else if (v.in_memory) {
		*addr = v.addr;
	} else {
		err = gl_error_create(GL_ERR_TYPE, "%s (%s) is in %s, not in memory: no address",
				      h->sub.expr, h->sub.type, v.where);
	}
	h->sub.pointer = *addr != v.addr || !v.in_memory;
	gl_value_deinit(&v);
	return err;
}

/* --why / --retains: the heap graph's answer about addr. */
static struct gl_error *graph_answer(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w,
				     uint64_t addr)
{
	struct gl_hg_view *v = calloc(1, sizeof(*v));
	if (!v)
		return &gl_error_nomem;
	v->mode = o->why ? GL_HG_WHY : GL_HG_RETAINS;
	v->sub = w->u.heap.sub;
	snprintf(v->where, sizeof(v->where), "%s", w->u.heap.where);
	v->sub.where = v->where;
	v->addr = addr;
	gl_heap_view_deinit(&w->u.heap.hv);
	memset(&w->u, 0, sizeof(w->u));
	w->u.hg = v;
	w->kind = GL_VIEW_HEAPGRAPH;
	struct gl_heapgraph hg;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct gl_error *err = gl_heapgraph_build(c, &hg);
	if (!err && !o->no_infer)
		gl_hg_infer_types(&hg);
	if (err) {
		w->kind = GL_VIEW_NONE;
		free(v);
		w->u.hg = NULL;
		return err;
	}
	uint64_t children = o->all ? 1u << 20 : o->limit_set ? (uint64_t)o->limit : GL_DEFAULT_LIMIT;
	err = o->why ? gl_hg_why(&hg, addr, &v->why) : gl_hg_retains(&hg, addr, children, &v->retains);
	gl_heapgraph_deinit(&hg);
	v->seconds = gl_seconds_since(&t0);
	if (err && err->code != GL_ERR_INTERRUPTED) {
		gl_view_deinit(w);
		return err;
	}
	return err;
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	if (err || (err = gl_ctx_need_process(c)))
		return err;
	struct gl_heap_cmd_view *h = &w->u.heap;
	const char *arg = o->args[0];
	uint64_t addr = 0;
	h->sub.expr = arg;
	/* a whole-token number is the address itself */
	if (!gl_parse_u64(arg, &addr) && (err = eval_addr(c, o, h, &addr)))
		return err;
	w->kind = GL_VIEW_HEAP;
	h->hv.addr = addr;
	gl_home_of(c, addr, &h->home);
	if (addr == 0)
		return gl_error_create(GL_ERR_NIL, "%s is nil: no object", arg);
	if (h->home.kind == GL_HOME_UNMAPPED)
		return gl_error_create(GL_ERR_FAULT, "0x%llx is not in mapped memory: not a Go object",
				       (unsigned long long)addr);
	if (o->why && o->retains)
		return gl_error_create(GL_ERR_USAGE, "--why and --retains are separate questions: one at a time");
	if (o->why || o->retains)
		return graph_answer(c, o, w, addr);
	uint64_t words = o->all ? MAX_WORDS : o->limit_set ? (uint64_t)o->limit : DEFAULT_WORDS;
	return gl_heap_examine(c, addr, words > MAX_WORDS ? MAX_WORDS : words, o->span, &h->hv);
}

const struct gl_command gl_cmd_heap = {
	.name = "heap",
	.summary = "Show where an address lives in the Go heap: span, object, bits, specials.",
	.help = "Usage: golayout heap EXPR|ADDR [--span | --why | --retains [--no-infer]] [--limit N | --all] [--json]\n"
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
		"finalizers and cleanups with their functions, weak handles, pins, and\n"
		"where it was allocated: the stack the memory profiler recorded, when the\n"
		"runtime sampled the object (runtime.MemProfileRate = 1 samples every one).\n"
		"--span draws every object of the span, one cell each.\n"
		"Addresses outside the heap are named: a goroutine's stack, a section of the\n"
		"binary, mapped memory outside the heap, or unmapped (an error).\n"
		"--why: the shortest path from a GC root (a global, a goroutine's stack slot,\n"
		"a finalizer or cleanup) to the object, each hop as type.field or +offset,\n"
		"and how many roots reach it. Small objects, whose type the heap does not\n"
		"record, get one inferred along typed pointers from the roots (shown\n"
		"\"(inferred)\"; --no-infer: the heap's types only). --retains: the bytes\n"
		"and objects reachable only through the object (its dominator subtree) and\n"
		"its largest dominated children (--limit N, default 16). Both build the\n"
		"graph of the whole heap.",
	.opts = GL_OPT_TYPE | GL_OPT_LIMIT | GL_OPT_SPAN | GL_OPT_SVG | GL_OPT_WHY,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
