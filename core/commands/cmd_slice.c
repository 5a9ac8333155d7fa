/* golayout slice EXPR...: slice headers, backing arrays and where they
 * live, [len:cap) reserved capacity, the allocation's size class slack,
 * the next append's growth, and which slices share one backing array. */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "eval/expr.h"

/* Elements shown on each side of len: documents get all of them (bounded)
 * unless --limit was given, text gets --limit's default. */
#define MAX_JSON_ELEMS 100000

static uint64_t elements_limit(const struct gl_opts *o)
{
	if (o->all)
		return MAX_JSON_ELEMS;
	if (o->limit_set || !o->json)
		return (uint64_t)o->limit;
	return MAX_JSON_ELEMS;
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	struct gl_slice_set *set = calloc(1, sizeof(*set));
	if (!set)
		return &gl_error_nomem;
	w->kind = GL_VIEW_SLICE;
	w->u.slices = set;
	set->n = o->nargs > GL_SLICES_MAX ? GL_SLICES_MAX : o->nargs;
	uint64_t limit = elements_limit(o);
	struct gl_error *first = NULL;
	for (int i = 0; i < set->n; i++) {
		struct gl_slice *s = &set->slices[i];
		gl_slice_init(s, o->args[i]);
		struct gl_error *err = gl_expr_eval_kind(c, s->expr, o->type, GL_K_SLICE, "a slice", &s->v);
		if (!err)
			err = gl_slice_decode(c, limit, s);
		else
			memset(&s->v, 0, sizeof(s->v));
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	if (set->n > 1)
		gl_slice_sharing(set);
	return first;
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
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE | GL_OPT_SVG,
	.min_args = 1,
	.max_args = GL_SLICES_MAX,
	.run = run,
};
