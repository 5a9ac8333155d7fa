/* golayout slice EXPR...: slice headers, backing arrays and where they
 * live, [len:cap) reserved capacity, the allocation's size class slack,
 * the next append's growth, and which slices share one backing array. */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "doc/slice_doc.h"
#include "eval/expr.h"
#include "render/slice_text.h"

/* Elements shown on each side of len: documents get all of them (bounded)
 * unless --limit was given, text gets --limit's default. */
#define MAX_JSON_ELEMS 100000

static uint64_t elements_limit(const struct gl_ctx *c)
{
	if (c->opts.all)
		return MAX_JSON_ELEMS;
	if (c->opts.limit_set || !c->opts.json)
		return (uint64_t)c->opts.limit;
	return MAX_JSON_ELEMS;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_slice_set *set = calloc(1, sizeof(*set));
	if (!set)
		return &gl_error_nomem;
	set->n = c->opts.nargs > GL_SLICES_MAX ? GL_SLICES_MAX : c->opts.nargs;
	uint64_t limit = elements_limit(c);
	struct gl_error *first = NULL;
	for (int i = 0; i < set->n; i++) {
		struct gl_slice *s = &set->slices[i];
		gl_slice_init(s, c->opts.args[i]);
		struct gl_error *err = gl_expr_eval_kind(c, s->expr, GL_K_SLICE, "a slice", &s->v);
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
	if (c->opts.json)
		*docp = set->n == 1 ? gl_slice_doc(c, set, 0) : gl_slices_doc(c, set);
	else if (set->n == 1)
		gl_slice_text(c, &set->slices[0]);
	else
		gl_slices_text(c, set);
	for (int i = 0; i < set->n; i++) {
		gl_value_deinit(&set->slices[i].v);
		gl_slice_deinit(&set->slices[i]);
	}
	free(set);
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
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE,
	.min_args = 1,
	.max_args = GL_SLICES_MAX,
	.run = run,
};
