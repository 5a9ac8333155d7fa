/* A grid of slot cells (heap --span): one small square per slot, however
 * many, in rows of a power of two (grouped by eight, as the text groups
 * its cells) that the column holds, each row led by its first slot's
 * index, so that a span of 1024 slots is 32 rows, not 1024 lines. */
#include <stdio.h>

#include "render/svg_draw.h"

#define CELL 10      /* a square's side */
#define PITCH 12     /* from one square to the next */
#define GROUP_GAP 4  /* more after every eighth */
#define MAX_ROW 64

static int cell_x(const struct gl_svg_region *r, int label_w, uint64_t col)
{
	return r->x + 4 + label_w + (int)(col * PITCH + col / 8 * GROUP_GAP);
}

void gl_svg_slot_grid(struct gl_svg *s, const uint8_t *kind, uint64_t n, const struct gl_svg_cell_kind *kinds,
		      size_t nkinds, uint64_t size, uint64_t mark)
{
	static const struct gl_svg_cell_kind unknown = {GL_SVG_ERROR, "unknown", "state unknown"};
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r || !n)
		return;
	char lbl[32];
	int label_w = snprintf(lbl, sizeof(lbl), "%llu", (unsigned long long)(n - 1)) * CHAR_W + 8;
	uint64_t per = MAX_ROW;
	while (per > 8 && cell_x(r, label_w, per) - GROUP_GAP > r->x + r->w - 4)
		per /= 2;
	int y = s->y + 3, mark_x = 0, mark_y = 0;
	for (uint64_t row = 0; row < n; row += per) {
		snprintf(lbl, sizeof(lbl), "%llu", (unsigned long long)row);
		gl_svg_text_at(s, r->x + 4, y + CELL - 1, "off", lbl, 0);
		for (uint64_t i = row; i < n && i < row + per; i++) {
			const struct gl_svg_cell_kind *k = kind[i] < nkinds ? &kinds[kind[i]] : &unknown;
			int x = cell_x(r, label_w, i - row);
			s->used[k->fill] = true;
			sb_addf(&s->body, "<rect class=\"slot %s\" data-index=\"%llu\" data-off=\"%llu\" data-size=\"%llu\" "
					  "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>slot %llu: %s</title></rect>\n",
				k->state, (unsigned long long)i, (unsigned long long)(i * size), (unsigned long long)size, x, y,
				CELL, CELL, gl_svg_fill_paint(k->fill), (unsigned long long)i, k->text);
			if (i == mark) {
				mark_x = x;
				mark_y = y;
			}
		}
		y += PITCH;
	}
	/* after the cells, so that no neighbour covers it */
	if (mark < n)
		sb_addf(&s->body, "<rect class=\"slot-mark\" data-index=\"%llu\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				  "fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n",
			(unsigned long long)mark, mark_x - 2, mark_y - 2, CELL + 4, CELL + 4);
	int h = y - s->y + 3;
	s->y += h;
	r->h += h;
}
