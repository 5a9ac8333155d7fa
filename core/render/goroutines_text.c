#include <stdio.h>
#include <string.h>

#include "render/goroutines_text.h"
#include "render/render.h"

/* The "where" column: the first frame outside the runtime (else the
 * innermost function), its file:line and the wait reason. */
static void func_line(struct strbuf *w, const char *func, const char *file, int64_t line)
{
	sb_addf(w, "%s", func ? func : "?");
	if (file) {
		const char *base = strrchr(file, '/');
		sb_addf(w, " %s:%lld", base ? base + 1 : file, (long long)line);
	}
}

static void where_text(struct strbuf *w, const struct gl_goroutine_row *r)
{
	const struct gl_where *wh = &r->where;
	func_line(w, wh->user_func ? wh->user_func : wh->func, wh->file, wh->line);
	if (r->g.wait_reason[0])
		sb_addf(w, " [%s]", r->g.wait_reason);
}

static void row_text(struct gl_ctx *c, const struct gl_goroutine_row *r)
{
	struct strbuf *o = &c->out;
	const struct gl_goroutine *g = &r->g;
	/* sizes a corrupt g does not give (sp off the stack, hi < lo) are
	 * "?", not 0 */
	uint64_t n;
	char lo[32], used[24] = "?", size[24] = "?";
	if (gl_goroutine_row_used(r, &n))
		snprintf(used, sizeof(used), "%llu", (unsigned long long)n);
	if (gl_goroutine_row_size(r, &n))
		snprintf(size, sizeof(size), "%llu", (unsigned long long)n);
	snprintf(lo, sizeof(lo), "0x%llx", (unsigned long long)g->stack_lo);
	sb_addf(o, "%s %5lld  %-9s  %-15s  %5s/%-6s ", r->current ? "*" : " ", (long long)g->goid,
		g->status_name, lo, used, size);
	if (g->thread)
		sb_addf(o, "%7lld  ", (long long)g->thread);
	else
		sb_add(o, "      -  ");
	struct strbuf w;
	sb_init(&w);
	where_text(&w, r);
	/* the "where" column takes what is left of 100 columns, or of a
	 * wider terminal (gl_clip) */
	size_t col = 0, line = c->columns > 100 ? c->columns : 100;
	for (size_t k = o->len; k > 0 && o->s[k - 1] != '\n'; k--)
		col++;
	size_t where_cols = col < line - 1 ? line - 1 - col : 10;
	gl_clip(c, w.s ? w.s : "", where_cols);
	sb_addc(o, '\n');
	/* the debugger's selected frame, on a line of its own under the
	 * "where" column, when it is not the frame shown there */
	const struct gl_where *wh = &r->where;
	if (wh->has_selected && wh->selected_index != (wh->user_func ? wh->user_index : 0)) {
		sb_truncate(&w, 0);
		sb_addf(&w, "selected frame #%zu ", wh->selected_index);
		func_line(&w, wh->selected_func, wh->selected_file, wh->selected_line);
		sb_addf(o, "%*s", (int)col, "");
		gl_clip(c, w.s ? w.s : "", where_cols);
		sb_addc(o, '\n');
	}
	sb_deinit(&w);
}

void gl_goroutines_text(struct gl_ctx *c, const struct gl_goroutine_list *l)
{
	struct strbuf *o = &c->out;
	sb_addf(o, "%s%llu goroutines%s  [%s]:", gl_c(c, "bold"), (unsigned long long)l->total,
		gl_c(c, "reset"), c->t ? c->t->go_version : "(null)");
	for (size_t i = 0; i < l->ncounts; i++)
		sb_addf(o, " %s %llu", l->counts[i].status, (unsigned long long)l->counts[i].n);
	sb_addf(o, "\n%s  goid  status     stack.lo         used/size     thread  where%s\n",
		gl_c(c, "dim"), gl_c(c, "reset"));
	for (size_t i = 0; i < l->shown; i++)
		row_text(c, &l->rows[i]);
	if (l->shown < l->matched)
		sb_addf(o, "%llu of %llu shown (--limit N, --all)\n", (unsigned long long)l->shown,
			(unsigned long long)l->matched);
}
