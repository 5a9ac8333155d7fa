#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "render/svg_draw.h"
#include "render/text.h"

static const struct {
	const char *name, *fill, *legend;
} fills[GL_SVG_NFILLS] = {
	[GL_SVG_HEADER] = {"header", "#eceff1", "runtime header field"},
	[GL_SVG_DATA] = {"data", "#e3f2fd", "data (live field, entry, element)"},
	[GL_SVG_POINTER] = {"pointer", "#e0f7fa", "pointer (arrow to what it points to)"},
	[GL_SVG_PAD] = {"pad", "url(#gl-pad)", "padding (hatched)"},
	[GL_SVG_RESERVED] = {"reserved", "url(#gl-reserved)", "reserved capacity, free slot (dotted)"},
	[GL_SVG_EMPTY] = {"empty", "#ffffff", "empty slot"},
	[GL_SVG_DELETED] = {"deleted", "url(#gl-deleted)", "tombstone, evacuated (cross-hatched)"},
	[GL_SVG_FREE] = {"free", "url(#gl-reserved)", "free heap slot (dotted)"},
	[GL_SVG_FREE_MARKED] = {"free-marked", "url(#gl-freemarked)", "free heap slot, mark bit set (large dots)"},
	[GL_SVG_ALLOCATED] = {"allocated", "#90caf9", "allocated, mark unknown (no collection running)"},
	[GL_SVG_MARKED] = {"marked", "#a5d6a7", "allocated, marked (reachable)"},
	[GL_SVG_UNMARKED] = {"unmarked", "url(#gl-unmarked)", "allocated, not marked (striped)"},
	[GL_SVG_SPECIAL] = {"special", "#ffe0b2", "special: finalizer, cleanup, weak handle"},
	[GL_SVG_ELIDED] = {"elided", "url(#gl-elided)", "not drawn (--limit N, --all)"},
	[GL_SVG_ERROR] = {"error", "#ffcdd2", "could not be read"},
};

const char *gl_svg_fill_name(enum gl_svg_fill f)
{
	return f < GL_SVG_NFILLS ? fills[f].name : "";
}

const char *gl_svg_fill_paint(enum gl_svg_fill f)
{
	return f < GL_SVG_NFILLS ? fills[f].fill : "none";
}

void gl_svg_init(struct gl_svg *s)
{
	memset(s, 0, sizeof(*s));
	sb_init(&s->body);
	s->top = s->y = MARGIN;
}

void gl_svg_deinit(struct gl_svg *s)
{
	sb_deinit(&s->body);
	free(s->regions);
	free(s->arrows);
	memset(s, 0, sizeof(*s));
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

void gl_svg_reach(struct gl_svg *s, int y)
{
	s->height = imax(s->height, y);
}

/* One UTF-8 character at p (n bytes left): its length, and in *cp its
 * code point, or U+FFFD for what XML cannot hold (gl_text_set left only
 * valid UTF-8; XML also refuses surrogates, U+FFFE and U+FFFF). */
static size_t utf8_char(const unsigned char *p, size_t n, unsigned *cp)
{
	size_t len = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (len > n) {
		*cp = 0xfffd;
		return n;
	}
	unsigned v = len == 1 ? p[0] : len == 2 ? p[0] & 0x1fu : len == 3 ? p[0] & 0x0fu : p[0] & 0x07u;
	for (size_t i = 1; i < len; i++)
		v = v << 6 | (p[i] & 0x3fu);
	if ((v >= 0xd800 && v <= 0xdfff) || v == 0xfffe || v == 0xffff)
		v = 0xfffd;
	*cp = v;
	return len;
}

/* Append text (with colour marks) to o as SVG character data: cleaned,
 * escaped, marks turned into tspans, cut to max characters with an
 * ellipsis (max 0: whole). */
static void add_text(struct strbuf *o, const char *raw, size_t max)
{
	struct strbuf t;
	sb_init(&t);
	gl_text_set(&t, raw, strlen(raw));
	const unsigned char *p = (const unsigned char *)gl_sb_str(&t);
	size_t n = strlen((const char *)p), cols = 0, visible = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0x01 && i + 1 < n && p[i + 1] && strchr("atpdebr", p[i + 1]))
			i++;
		else
			visible += (p[i] & 0xc0) != 0x80;
	}
	/* more than max characters: the last column is the ellipsis */
	size_t keep = max && visible > max ? max - 1 : visible;
	bool open = false;
	while (n) {
		if (p[0] == 0x01 && n >= 2 && strchr("atpdebr", p[1]) && p[1]) {
			if (open)
				sb_add(o, "</tspan>");
			open = p[1] != 'r';
			if (open)
				sb_addf(o, "<tspan class=\"%c\">", p[1]);
			p += 2;
			n -= 2;
			continue;
		}
		if (cols == keep) {
			sb_add(o, "\xe2\x80\xa6");
			break;
		}
		unsigned cp;
		size_t len = utf8_char(p, n, &cp);
		if (cp < 0x20)
			sb_addc(o, '?');
		else if (cp == '&')
			sb_add(o, "&amp;");
		else if (cp == '<')
			sb_add(o, "&lt;");
		else if (cp == '>')
			sb_add(o, "&gt;");
		else if (cp == 0xfffd)
			sb_add(o, "\xef\xbf\xbd");
		else if (len == 1)
			sb_addc(o, (char)p[0]);
		else
			sb_addn(o, (const char *)p, len);
		p += len;
		n -= len;
		cols++;
	}
	if (open)
		sb_add(o, "</tspan>");
	sb_deinit(&t);
}

static void vformat(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	char *buf = malloc((size_t)n + 1);
	if (!buf) {
		sb->oom = true;
		return;
	}
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	sb_add(sb, buf);
	free(buf);
}

void gl_svg_text_at(struct gl_svg *s, int x, int y, const char *cls, const char *raw, size_t max)
{
	sb_addf(&s->body, "<text x=\"%d\" y=\"%d\"%s%s%s>", x, y, cls ? " class=\"" : "", cls ? cls : "",
		cls ? "\"" : "");
	add_text(&s->body, raw, max);
	sb_add(&s->body, "</text>\n");
}

void gl_svg_title(struct gl_svg *s, const char *fmt, ...)
{
	struct strbuf t;
	sb_init(&t);
	va_list ap;
	va_start(ap, fmt);
	vformat(&t, fmt, ap);
	va_end(ap);
	gl_svg_text_at(s, MARGIN, s->top + 12, s->top == MARGIN ? "title" : NULL, gl_sb_str(&t), 0);
	s->width = imax(s->width, MARGIN * 2 + (int)(strlen(gl_sb_str(&t)) * CHAR_W));
	s->top += LINE_H + (s->top == MARGIN ? 4 : 0);
	s->y = s->top + 6;
	s->height = imax(s->height, s->y);
	sb_deinit(&t);
}

void gl_svg_column(struct gl_svg *s, size_t chars)
{
	if (s->in_region)
		gl_svg_region_end(s);
	s->col_x = s->col_w ? s->col_x + s->col_w + COL_GAP : MARGIN;
	s->col_chars = chars;
	s->col_w = (int)(chars * CHAR_W) + 12;
	s->y = s->top + 6;
	s->width = imax(s->width, s->col_x + s->col_w + MARGIN);
}

static void need_column(struct gl_svg *s)
{
	if (!s->col_w)
		gl_svg_column(s, 60);
}

void gl_svg_note(struct gl_svg *s, const char *fmt, ...)
{
	need_column(s);
	struct strbuf t;
	sb_init(&t);
	va_list ap;
	va_start(ap, fmt);
	vformat(&t, fmt, ap);
	va_end(ap);
	gl_svg_text_at(s, s->col_x, s->y + 12, "note", gl_sb_str(&t), s->col_chars + 2);
	s->y += LINE_H;
	s->height = imax(s->height, s->y);
	sb_deinit(&t);
}

void gl_svg_text_lines(struct gl_svg *s, const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int n = nl ? (int)(nl - text) : (int)strlen(text);
		gl_svg_title(s, "%.*s", n, text);
		text += n + (nl != NULL);
	}
}

struct gl_svg_region *gl_svg_open_region(struct gl_svg *s)
{
	return s->in_region ? &s->regions[s->nregions - 1] : NULL;
}

void gl_svg_region(struct gl_svg *s, const char *kind, uint64_t addr, uint64_t size, const char *fmt,
		   ...)
{
	need_column(s);
	if (s->in_region)
		gl_svg_region_end(s);
	struct gl_svg_region *r = GL_ARRAY_PUSH(s->regions, s->nregions, s->regions_cap, 16);
	if (!r) {
		s->body.oom = true;
		return;
	}
	*r = (struct gl_svg_region){.id = (unsigned)s->nregions, .addr = addr, .size = size,
				    .x = s->col_x, .y = s->y, .w = s->col_w, .h = TITLE_H};
	s->in_region = true;
	sb_addf(&s->body, "<g class=\"region %s\" id=\"r%u\" data-addr=\"0x%llx\" data-size=\"%llu\">\n", kind,
		r->id, (unsigned long long)addr, (unsigned long long)size);
	sb_addf(&s->body, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", r->x, r->y,
		r->w, TITLE_H);
	struct strbuf t;
	sb_init(&t);
	va_list ap;
	va_start(ap, fmt);
	vformat(&t, fmt, ap);
	va_end(ap);
	gl_svg_text_at(s, r->x + 4, r->y + 13, "rt", gl_sb_str(&t), s->col_chars);
	sb_deinit(&t);
	s->y += TITLE_H;
}

/* Rows grow with their size, so that a 64-byte field stands out from a
 * byte beside it, within bounds that keep a map of thousands legible. */
static int row_height(uint64_t size)
{
	uint64_t extra = size > 8 ? (size - 8) / 4 : 0;
	return LINE_H + (int)(extra > 16 ? 16 : extra);
}

static void row(struct gl_svg *s, enum gl_svg_fill f, uint64_t off, uint64_t size, bool has_off,
		const char *fmt, va_list ap)
{
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r)
		return;
	int h = row_height(size);
	s->used[f] = true;
	sb_addf(&s->body, "<rect class=\"row %s\" data-off=\"%llu\" data-size=\"%llu\" x=\"%d\" y=\"%d\" "
			  "width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
		fills[f].name, (unsigned long long)(has_off ? off : 0), (unsigned long long)size, r->x, s->y, r->w, h,
		fills[f].fill);
	int base = s->y + h / 2 + 4;
	if (has_off) {
		char o[32];
		snprintf(o, sizeof(o), "+%llu", (unsigned long long)off);
		gl_svg_text_at(s, r->x + 4, base, "off", o, OFF_CHARS - 1);
	}
	struct strbuf t;
	sb_init(&t);
	vformat(&t, fmt, ap);
	size_t max = s->col_chars > OFF_CHARS + 4 ? s->col_chars - OFF_CHARS : 4;
	gl_svg_text_at(s, r->x + 4 + OFF_CHARS * CHAR_W, base, NULL, gl_sb_str(&t), max);
	sb_deinit(&t);
	s->y += h;
	r->h += h;
}

void gl_svg_row(struct gl_svg *s, enum gl_svg_fill f, uint64_t off, uint64_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row(s, f, off, size, f != GL_SVG_ELIDED && off != GL_SVG_NOOFF, fmt, ap);
	va_end(ap);
}

void gl_svg_arrow_from_row(struct gl_svg *s, uint64_t target)
{
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r || !target)
		return;
	struct gl_svg_arrow *a = GL_ARRAY_PUSH(s->arrows, s->narrows, s->arrows_cap, 16);
	if (!a) {
		s->body.oom = true;
		return;
	}
	/* the row just drawn ends at s->y */
	*a = (struct gl_svg_arrow){.x = r->x + r->w, .xl = r->x, .y = s->y - LINE_H / 2,
							.from = r->id, .to = target};
	s->used_arrow = true;
}

void gl_svg_ptr_row(struct gl_svg *s, uint64_t off, uint64_t size, uint64_t target, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row(s, GL_SVG_POINTER, off, size, off != GL_SVG_NOOFF, fmt, ap);
	va_end(ap);
	gl_svg_arrow_from_row(s, target);
}

void gl_svg_heat_row(struct gl_svg *s, const uint8_t *shade, size_t n)
{
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r || !n)
		return;
	int cw = (r->w - 8) / (int)n, h = LINE_H;
	cw = cw < 2 ? 2 : cw;
	for (size_t i = 0; i < n; i++) {
		int x = r->x + 4 + (int)i * cw;
		uint8_t v = shade[i];
		if (v == GL_SVG_HEAT_MANUAL) {
			s->used[GL_SVG_DELETED] = true;
			sb_addf(&s->body, "<rect class=\"cell manual\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					  "fill=\"%s\"/>\n", x, s->y + 1, cw, h - 2, fills[GL_SVG_DELETED].fill);
		} else if (v > 10) {
			s->used[GL_SVG_FREE] = true;
			sb_addf(&s->body, "<rect class=\"cell none\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					  "fill=\"%s\"/>\n", x, s->y + 1, cw, h - 2, fills[GL_SVG_FREE].fill);
		} else {
			sb_addf(&s->body, "<rect class=\"cell heat%u\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					  "fill=\"#37474f\" fill-opacity=\"%s%u\"/>\n",
				v, x, s->y + 1, cw, h - 2, v == 10 ? "" : "0.", v == 10 ? 1 : v);
		}
	}
	s->y += h;
	r->h += h;
}

void gl_svg_region_close(struct gl_svg *s, const char *attrs)
{
	struct gl_svg_region *r = gl_svg_open_region(s);
	if (!r)
		return;
	sb_addf(&s->body, "<rect class=\"outline\"%s x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n</g>\n",
		attrs, r->x, r->y, r->w, r->h);
	s->in_region = false;
	s->y += REGION_GAP;
	s->height = imax(s->height, s->y);
}

void gl_svg_region_end(struct gl_svg *s)
{
	gl_svg_region_close(s, "");
}

void gl_svg_elision(struct gl_svg *s, const char *fmt, ...)
{
	need_column(s);
	if (s->in_region)
		gl_svg_region_end(s);
	s->used[GL_SVG_ELIDED] = true;
	sb_addf(&s->body, "<g class=\"elision\">\n<rect class=\"row elided\" x=\"%d\" y=\"%d\" width=\"%d\" "
			  "height=\"%d\" fill=\"%s\"/>\n",
		s->col_x, s->y, s->col_w, LINE_H + 4, fills[GL_SVG_ELIDED].fill);
	struct strbuf t;
	sb_init(&t);
	va_list ap;
	va_start(ap, fmt);
	vformat(&t, fmt, ap);
	va_end(ap);
	gl_svg_text_at(s, s->col_x + 4, s->y + 14, "el", gl_sb_str(&t), s->col_chars);
	sb_add(&s->body, "</g>\n");
	sb_deinit(&t);
	s->y += LINE_H + 4 + REGION_GAP;
	s->height = imax(s->height, s->y);
}

void gl_svg_legend_note(struct gl_svg *s, const char *text)
{
	if (s->nnotes < (int)(sizeof(s->notes) / sizeof(s->notes[0])))
		s->notes[s->nnotes++] = text;
}

/* The region holding addr: the smallest one that does (a header field's
 * target inside an array region picks the array), NULL for none. */
static const struct gl_svg_region *holder(const struct gl_svg *s, uint64_t addr)
{
	const struct gl_svg_region *best = NULL;
	for (size_t i = 0; i < s->nregions; i++) {
		const struct gl_svg_region *r = &s->regions[i];
		uint64_t sz = r->size ? r->size : 1;
		if (r->addr && addr >= r->addr && addr - r->addr < sz && (!best || sz < best->size))
			best = r;
	}
	return best;
}

static void draw_arrows(struct gl_svg *s)
{
	for (size_t i = 0; i < s->narrows; i++) {
		const struct gl_svg_arrow *a = &s->arrows[i];
		const struct gl_svg_region *t = holder(s, a->to);
		if (!t) {
			/* pointing at memory the picture does not draw */
			sb_addf(&s->body, "<path class=\"arrow stub\" data-from=\"r%u\" data-to=\"0x%llx\" "
					  "d=\"M%d %d h30\" marker-end=\"url(#gl-head)\"/>\n",
				a->from, (unsigned long long)a->to, a->x, a->y);
			char lbl[40];
			snprintf(lbl, sizeof(lbl), "0x%llx", (unsigned long long)a->to);
			gl_svg_text_at(s, a->x + 36, a->y + 4, "a", lbl, 0);
			s->width = imax(s->width, a->x + 36 + 20 * CHAR_W);
			continue;
		}
		int ty = t->y + TITLE_H / 2, x1 = a->x, tx, c1, c2;
		if (t->x > a->x) {
			/* a region to the right: into its left edge */
			tx = t->x;
			c1 = x1 + (tx - x1) / 2;
			c2 = tx - (tx - x1) / 2;
		} else if (t->x + t->w < a->xl) {
			/* to the left: from the row's left edge into its right edge */
			x1 = a->xl;
			tx = t->x + t->w;
			c1 = x1 - (x1 - tx) / 2;
			c2 = tx + (x1 - tx) / 2;
		} else {
			/* the same column: around the right side */
			tx = t->x + t->w;
			c1 = x1 + 40;
			c2 = tx + 40;
		}
		sb_addf(&s->body, "<path class=\"arrow\" data-from=\"r%u\" data-to=\"r%u\" "
				  "d=\"M%d %d C%d %d %d %d %d %d\" marker-end=\"url(#gl-head)\"/>\n",
			a->from, t->id, x1, a->y, c1, a->y, c2, ty, tx, ty);
	}
}

static void legend(struct gl_svg *s)
{
	int y = s->height + 10, x = MARGIN;
	sb_add(&s->body, "<g class=\"legend\">\n");
	gl_svg_text_at(s, x, y + 12, "title", "legend", 0);
	y += LINE_H + 2;
	for (int f = 0; f < GL_SVG_NFILLS; f++) {
		if (!s->used[f])
			continue;
		sb_addf(&s->body, "<rect class=\"swatch %s\" x=\"%d\" y=\"%d\" width=\"28\" height=\"12\" fill=\"%s\"/>\n",
			fills[f].name, x, y + 2, fills[f].fill);
		gl_svg_text_at(s, x + 36, y + 12, NULL, fills[f].legend, 0);
		y += LINE_H;
	}
	if (s->used_arrow) {
		sb_addf(&s->body, "<path class=\"arrow\" d=\"M%d %d h28\" marker-end=\"url(#gl-head)\"/>\n", x,
			y + 8);
		gl_svg_text_at(s, x + 36, y + 12, NULL, "pointer: from the field holding it to what it points to", 0);
		y += LINE_H;
	}
	for (int i = 0; i < s->nnotes; i++) {
		gl_svg_text_at(s, x, y + 12, "d", s->notes[i], 0);
		s->width = imax(s->width, x + (int)strlen(s->notes[i]) * CHAR_W + MARGIN);
		y += LINE_H;
	}
	sb_add(&s->body, "</g>\n");
	s->height = y + MARGIN;
	s->width = imax(s->width, 480);
}

static const char defs[] =
	"<style>\n"
	"text{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:" "11" "px;fill:#212121;"
	"white-space:pre}\n"
	".title{font-weight:bold;font-size:13px}\n"
	".rt{font-weight:bold}\n"
	".off{fill:#757575}\n"
	".a{fill:#00838f}\n"
	".t{fill:#2e7d32}\n"
	".p{fill:#6d5500}\n"
	".d,.note{fill:#616161}\n"
	".e{fill:#c62828}\n"
	".b{font-weight:bold}\n"
	".el{fill:#424242;font-style:italic}\n"
	".bar{fill:#cfd8dc;stroke:#455a64;stroke-width:1}\n"
	".outline{fill:none;stroke:#455a64;stroke-width:1.5}\n"
	".row{stroke:#b0bec5;stroke-width:0.5}\n"
	".slot{stroke:#78909c;stroke-width:0.6}\n"
	".swatch{stroke:#455a64;stroke-width:1}\n"
	".arrow{fill:none;stroke:#00838f;stroke-width:1.3}\n"
	"</style>\n"
	"<defs>\n"
	"<pattern id=\"gl-pad\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff8e1\"/>"
	"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c8a000\" stroke-width=\"2\"/></pattern>\n"
	"<pattern id=\"gl-reserved\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"6\" height=\"6\" fill=\"#fcfcfc\"/><circle cx=\"3\" cy=\"3\" r=\"0.8\" fill=\"#bdbdbd\"/>"
	"</pattern>\n"
	"<pattern id=\"gl-freemarked\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"6\" height=\"6\" fill=\"#fcfcfc\"/><circle cx=\"3\" cy=\"3\" r=\"1.6\" fill=\"#66bb6a\"/>"
	"</pattern>\n"
	"<pattern id=\"gl-deleted\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#f7f7f7\"/><path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#d0d0d0\" "
	"stroke-width=\"1\"/></pattern>\n"
	"<pattern id=\"gl-unmarked\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"4\" x2=\"8\" y2=\"4\" "
	"stroke=\"#a5d6a7\" stroke-width=\"2\"/></pattern>\n"
	"<pattern id=\"gl-elided\" width=\"12\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"12\" height=\"8\" fill=\"#ffffff\"/><path d=\"M0 6L3 2L6 6L9 2L12 6\" fill=\"none\" "
	"stroke=\"#bdbdbd\" stroke-width=\"1\"/></pattern>\n"
	"<marker id=\"gl-head\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\">"
	"<path d=\"M0 0L8 4L0 8z\" fill=\"#00838f\"/></marker>\n"
	"</defs>\n";

void gl_svg_finish(struct gl_svg *s, const char *title, struct strbuf *out)
{
	if (s->in_region)
		gl_svg_region_end(s);
	draw_arrows(s);
	legend(s);
	sb_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" xml:space=\"preserve\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		     "<title>",
		s->width, s->height, s->width, s->height);
	add_text(out, title, 0);
	sb_add(out, "</title>\n");
	sb_add(out, defs);
	sb_addf(out, "<rect class=\"bg\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", s->width, s->height);
	sb_addn(out, s->body.s ? s->body.s : "", s->body.len);
	sb_add(out, "</svg>\n");
	if (s->body.oom)
		out->oom = true;
}
