/* The SVG writer the pictures share (--svg): regions of memory drawn as
 * boxes in columns, one row per field, slot or element with its offset
 * and a height that grows with its size; pointers as arrows from a row to
 * the region holding the address they hold; fills that are patterns where
 * they must read in grey (padding, reserved capacity, tombstones,
 * elisions); a legend of the fills used. The document is self-contained:
 * real text in a generic monospace font, styles inline, no scripts, no
 * external files. Coordinates are integers, so no locale can put a
 * decimal comma into them.
 *
 * Row text may carry the text renderers' colours as two-byte marks
 * (GL_SVG_A... below): addresses cyan, types green, padding yellow, dim
 * grey, errors red, as render/render.c colours the terminal. */
#ifndef GL_RENDER_SVG_H
#define GL_RENDER_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

#define GL_SVG_A "\x01" "a" /* an address */
#define GL_SVG_T "\x01" "t" /* a type */
#define GL_SVG_P "\x01" "p" /* padding */
#define GL_SVG_D "\x01" "d" /* dim */
#define GL_SVG_E "\x01" "e" /* an error */
#define GL_SVG_B "\x01" "b" /* bold */
#define GL_SVG_R "\x01" "r" /* back to plain */

enum gl_svg_fill {
	GL_SVG_HEADER,   /* a runtime header's field */
	GL_SVG_DATA,     /* live data: a field, an entry, an element */
	GL_SVG_POINTER,  /* a pointer (drawn with its arrow) */
	GL_SVG_PAD,      /* padding: hatched */
	GL_SVG_RESERVED, /* reserved capacity [len:cap), a free ring slot: dotted */
	GL_SVG_EMPTY,    /* an empty map slot or cell */
	GL_SVG_DELETED,  /* a tombstone, an evacuated cell: cross-hatched */
	GL_SVG_FREE,     /* a free heap slot: dotted, as reserved */
	GL_SVG_FREE_MARKED, /* a free heap slot with its mark bit set: large dots */
	GL_SVG_ALLOCATED, /* allocated, no collection running: no mark state */
	GL_SVG_MARKED,   /* allocated and marked by the collector */
	GL_SVG_UNMARKED, /* allocated, not (yet) marked: striped */
	GL_SVG_SPECIAL,  /* a finalizer, cleanup or other special */
	GL_SVG_ELIDED,   /* what --limit left out: zigzag */
	GL_SVG_ERROR,    /* what could not be read */
	GL_SVG_NFILLS
};
/* The class name of a fill ("pad", "reserved"...), as rows carry it. */
const char *gl_svg_fill_name(enum gl_svg_fill f);

struct gl_svg_region {
	unsigned id;
	uint64_t addr, size;
	int x, y, w, h;
};

struct gl_svg_arrow {
	int x, y;        /* where it starts: the right edge of a row */
	int xl;          /* the row's left edge, for arrows to the left */
	unsigned from;   /* the region it starts in */
	uint64_t to;     /* the address it points to */
};

struct gl_svg {
	struct strbuf body;
	int top;              /* below the title lines: where columns start */
	int col_x, col_w, y;  /* the current column and its next free y */
	int width, height;    /* what was drawn so far */
	size_t col_chars;
	struct gl_svg_region *regions;
	size_t nregions, regions_cap;
	bool in_region;
	struct gl_svg_arrow *arrows;
	size_t narrows, arrows_cap;
	bool used[GL_SVG_NFILLS];
	bool used_arrow;
	const char *notes[8];  /* legend lines the picture adds (static text) */
	int nnotes;
};

void gl_svg_init(struct gl_svg *s);
void gl_svg_deinit(struct gl_svg *s);
/* A line across the top (before any column): the picture's title and
 * what it says as a whole. */
void gl_svg_title(struct gl_svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start a column `chars` characters wide, right of the last one (the
 * first one at the left). */
void gl_svg_column(struct gl_svg *s, size_t chars);
/* A line of text in the current column, outside any region. */
void gl_svg_note(struct gl_svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Each line of text (as a text renderer wrote it, without colour) as a
 * line across the top, as gl_svg_title. */
void gl_svg_text_lines(struct gl_svg *s, const char *text);
/* Open a region: the memory [addr, addr + size) (addr 0: not in
 * memory), kind its class ("bucket", "group"...), then its title. */
void gl_svg_region(struct gl_svg *s, const char *kind, uint64_t addr, uint64_t size, const char *fmt,
		   ...) __attribute__((format(printf, 5, 6)));
#define GL_SVG_NOOFF UINT64_MAX /* a row whose offset is not known */

/* A row of the open region: size bytes at offset off, filled f. */
void gl_svg_row(struct gl_svg *s, enum gl_svg_fill f, uint64_t off, uint64_t size, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
/* A pointer row: as gl_svg_row, with an arrow to the region holding
 * target (a stub with the address when no region does; none for 0). */
void gl_svg_ptr_row(struct gl_svg *s, uint64_t off, uint64_t size, uint64_t target, const char *fmt,
		    ...) __attribute__((format(printf, 5, 6)));
/* An arrow from the last row drawn to target, for rows of other fills. */
void gl_svg_arrow_from_row(struct gl_svg *s, uint64_t target);
/* A row of n cells, one per 1/n of the region: shade 0..10 tenths full
 * (drawn as darker grey), GL_SVG_HEAT_MANUAL (cross-hatched),
 * GL_SVG_HEAT_NONE (dotted: no span). */
#define GL_SVG_HEAT_MANUAL 11
#define GL_SVG_HEAT_NONE 12
void gl_svg_heat_row(struct gl_svg *s, const uint8_t *shade, size_t n);
/* What a cell of a slot grid stands for: its fill, a one-word state (the
 * cell's class) and the words of its tooltip ("slot I: TEXT"). */
struct gl_svg_cell_kind {
	enum gl_svg_fill fill;
	const char *state, *text;
};
/* The open region's slots as a grid of small squares, one per slot (n of
 * them, slot i at offset i * size), rows led by the index of their first
 * slot: cell i drawn as kinds[kind[i]]; cell `mark` (n or more: none)
 * outlined in bold. */
void gl_svg_slot_grid(struct gl_svg *s, const uint8_t *kind, uint64_t n, const struct gl_svg_cell_kind *kinds,
		      size_t nkinds, uint64_t size, uint64_t mark);
/* Close the open region. */
void gl_svg_region_end(struct gl_svg *s);
/* Drawing regions to byte scale: px pixels for bytes bytes (powers of
 * two, one of them 1), no region taller than max_px; one whose bytes
 * would be is cut short to cut_px (or to its rows and the break). */
struct gl_svg_scale {
	uint64_t px, bytes;
	int max_px, cut_px;
};
/* The largest scale from 4 px a byte down to 1 px for `cap` bytes (powers
 * of two) that draws `largest` bytes max_px tall at the most. */
struct gl_svg_scale gl_svg_scale_pick(uint64_t largest, int max_px, int cut_px, uint64_t cap);
/* How many pixels bytes are at sc, rounded. */
int gl_svg_scale_px(const struct gl_svg_scale *sc, uint64_t bytes);
/* Close the open region drawn to scale: as tall as its bytes (title bar
 * included), the room below its rows filled `rest` (GL_SVG_NFILLS:
 * blank); as tall as its rows when they need more ("min"), or cut_px tall
 * with a break (two zigzags) when its bytes would be taller than max_px
 * ("compressed"). The outline carries data-scale ("exact", "min",
 * "compressed") and data-px (the height its bytes would be). */
void gl_svg_region_end_scaled(struct gl_svg *s, const struct gl_svg_scale *sc, enum gl_svg_fill rest);
/* A box in the current column for what --limit or a bound left out. */
void gl_svg_elision(struct gl_svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line the legend adds after the fills (static text). */
void gl_svg_legend_note(struct gl_svg *s, const char *text);
/* The whole document into out: arrows resolved, the legend below. */
void gl_svg_finish(struct gl_svg *s, const char *title, struct strbuf *out);

#endif
