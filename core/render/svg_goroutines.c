/* `golayout goroutines --svg`: a box per goroutine shown, its stack
 * [lo, hi) with the part in use (data) above the unused part (dotted),
 * status, wait reason and where it is; the goroutines --limit leaves out
 * elided. */
#include <string.h>

#include "render/svg_views.h"
#include "render/text.h"

static const char *base_name(const char *file)
{
	const char *b = file ? strrchr(file, '/') : NULL;
	return b ? b + 1 : file ? file : "";
}

static void goroutine(struct gl_svg *s, const struct gl_goroutine_row *r)
{
	const struct gl_goroutine *g = &r->g;
	const struct gl_where *w = &r->where;
	uint64_t size = 0, used = 0;
	bool has_size = gl_goroutine_row_size(r, &size), has_used = gl_goroutine_row_used(r, &used);
	gl_svg_region(s, r->current ? "goroutine current" : "goroutine", g->stack_lo, has_size ? size : 0,
		      "%sgoroutine %llu [%s%s%s]", r->current ? "* " : "", (unsigned long long)g->goid,
		      g->status_name, g->wait_reason[0] ? ", " : "", g->wait_reason);
	const char *func = w->user_func ? w->user_func : w->func;
	gl_svg_row(s, GL_SVG_HEADER, GL_SVG_NOOFF, 8, "%s %s:%lld", func ? func : "?", base_name(w->file),
		   (long long)w->line);
	if (has_size && has_used && used <= size) {
		/* the stack grows down from hi: the used part is at the top */
		gl_svg_row(s, GL_SVG_DATA, size - used, used, "%llu bytes in use below " GL_SVG_A "0x%llx",
			   (unsigned long long)used, (unsigned long long)g->stack_hi);
		gl_svg_row(s, GL_SVG_RESERVED, 0, size - used, GL_SVG_D "%llu bytes unused down to 0x%llx",
			   (unsigned long long)(size - used), (unsigned long long)g->stack_lo);
	} else {
		gl_svg_row(s, GL_SVG_ERROR, GL_SVG_NOOFF, 8, "stack 0x%llx..0x%llx: no size (corrupt g)",
			   (unsigned long long)g->stack_lo, (unsigned long long)g->stack_hi);
	}
	gl_svg_region_end(s);
}

void gl_goroutines_svg(struct gl_svg *s, struct gl_ctx *c, const struct gl_goroutine_list *l)
{
	struct strbuf counts;
	sb_init(&counts);
	for (size_t i = 0; i < l->ncounts; i++)
		sb_addf(&counts, " %s %llu", l->counts[i].status, (unsigned long long)l->counts[i].n);
	gl_svg_title(s, "%llu goroutines [%s]:%s", (unsigned long long)l->total, gl_go_version_text(c),
		     gl_sb_str(&counts));
	sb_deinit(&counts);
	gl_svg_column(s, 64);
	for (size_t i = 0; i < l->shown; i++)
		goroutine(s, &l->rows[i]);
	if (l->shown < l->matched)
		gl_svg_elision(s, "%llu of %llu goroutines drawn (--limit N, --all)", (unsigned long long)l->shown,
			       (unsigned long long)l->matched);
}
