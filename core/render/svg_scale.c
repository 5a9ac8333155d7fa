/* Regions drawn to byte scale (stack --svg): a region as tall as its bytes
 * at a picture-wide number of bytes per pixel, title bar included, so that
 * a frame twice as large is twice as tall. Two exceptions, each said on
 * the outline (data-scale): a region whose rows need more room than its
 * bytes give is drawn as tall as its rows ("min"); one taller than the
 * scale's maximum is drawn shorter, with a break across the bytes left
 * out ("compressed"). Otherwise "exact", within a pixel of rounding. */
#include <stdio.h>

#include "render/svg_draw.h"
#include "render/text.h"

#define BREAK_H 34 /* the break: a line of text over two zigzags */

struct gl_svg_scale gl_svg_scale_pick(uint64_t largest, int max_px, int cut_px, uint64_t cap)
{
	struct gl_svg_scale sc = {4, 1, max_px, cut_px};
	while (sc.px > 1 && largest * sc.px > (uint64_t)max_px)
		sc.px /= 2;
	while (sc.px == 1 && sc.bytes < cap && largest / sc.bytes > (uint64_t)max_px)
		sc.bytes *= 2;
	return sc;
}

int gl_svg_scale_px(const struct gl_svg_scale *sc, uint64_t bytes)
{
	uint64_t b = sc->bytes ? sc->bytes : 1, p = sc->px ? sc->px : 1;
	if (bytes > (1ull << 40))
		return 1 << 24;
	uint64_t px = (bytes * p + b / 2) / b;
	return px > (1u << 24) ? 1 << 24 : (int)px;
}

/* The bytes below the rows: h pixels at y filled `rest` (none: blank). */
static void rest_rect(struct gl_svg *s, const struct gl_svg_region *r, int y, int h, enum gl_svg_fill rest)
{
	if (h <= 0 || rest >= GL_SVG_NFILLS)
		return;
	s->used[rest] = true;
	sb_addf(&s->body, "<rect class=\"rest %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
		gl_svg_fill_name(rest), r->x, y, r->w, h, gl_svg_fill_paint(rest));
}

/* Two zigzags across the region at y, a white band between them: the
 * usual mark of an axis cut short. */
static void zigzags(struct gl_svg *s, const struct gl_svg_region *r, int y)
{
	struct strbuf d[2];
	for (int k = 0; k < 2; k++) {
		sb_init(&d[k]);
		sb_addf(&d[k], "M%d %d", r->x, y + 6 * k);
		for (int x = r->x + 6, up = 1; x <= r->x + r->w; x += 6, up = !up)
			sb_addf(&d[k], " L%d %d", x, y + 6 * k + (up ? -3 : 3));
	}
	sb_addf(&s->body, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"6\" fill=\"#ffffff\"/>\n", r->x, y, r->w);
	for (int k = 0; k < 2; k++) {
		sb_addf(&s->body, "<path d=\"%s\" fill=\"none\" stroke=\"#455a64\" stroke-width=\"1.2\"/>\n",
			gl_sb_str(&d[k]));
		sb_deinit(&d[k]);
	}
}

void gl_svg_region_end_scaled(struct gl_svg *s, const struct gl_svg_scale *sc, enum gl_svg_fill rest)
{
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r)
		return;
	int want = gl_svg_scale_px(sc, r->size), top = s->y;
	const char *how;
	if (want < r->h) {
		how = "min";
	} else if (want <= sc->max_px) {
		how = "exact";
		rest_rect(s, r, top, want - r->h, rest);
		s->y += want - r->h;
		r->h = want;
	} else {
		how = "compressed";
		int h = sc->cut_px - r->h > BREAK_H ? sc->cut_px - r->h : BREAK_H;
		rest_rect(s, r, top, h, rest);
		sb_add(&s->body, "<g class=\"break\">\n");
		int y = top + (h - BREAK_H) / 2;
		char t[96];
		snprintf(t, sizeof(t), "\xe2\x89\x88 compressed: %llu bytes would be %d px", (unsigned long long)r->size,
			 want);
		gl_svg_text_at(s, r->x + 4, y + 12, "el", t, (size_t)(r->w - 8) / CHAR_W);
		zigzags(s, r, y + 22);
		sb_add(&s->body, "</g>\n");
		s->y += h;
		r->h += h;
	}
	char attrs[96];
	snprintf(attrs, sizeof(attrs), " data-scale=\"%s\" data-px=\"%d\"", how, want);
	gl_svg_region_close(s, attrs);
}
