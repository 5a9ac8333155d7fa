/* What the files of the SVG writer share (svg.c: columns, regions, rows,
 * arrows, the legend; svg_grid.c: a grid of slot cells; svg_scale.c:
 * regions to byte scale): the layout's sizes and the drawing primitives.
 * Pictures use render/svg.h, not this. */
#ifndef GL_RENDER_SVG_DRAW_H
#define GL_RENDER_SVG_DRAW_H

#include "render/svg.h"

#define CHAR_W 7          /* of an 11px monospace character, rounded up */
#define LINE_H 16         /* a title or note line */
#define TITLE_H 18        /* a region's title bar */
#define COL_GAP 70        /* between columns: room for the arrows */
#define REGION_GAP 14
#define OFF_CHARS 7       /* the "+1234 " offset column of a row */
#define MARGIN 12

/* The region being drawn, NULL outside one. */
struct gl_svg_region *gl_svg_open_region(struct gl_svg *s);
/* The fill attribute of f: a colour or a pattern's url(). */
const char *gl_svg_fill_paint(enum gl_svg_fill f);
/* A <text> at x, y (its baseline) of class cls (NULL: none), at most max
 * characters (0: all), colour marks turned into tspans. */
void gl_svg_text_at(struct gl_svg *s, int x, int y, const char *cls, const char *raw, size_t max);
/* Close the open region: its outline, with attrs (" name=\"value\"...",
 * or "") on it. */
void gl_svg_region_close(struct gl_svg *s, const char *attrs);
/* Grow what was drawn so far to reach y. */
void gl_svg_reach(struct gl_svg *s, int y);

#endif
