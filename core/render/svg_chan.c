/* `golayout chan --svg`: the hchan field by field, buf with an arrow to
 * the ring, and the ring slot by slot: queued values as data, free slots
 * dotted, recvx and sendx marked; slots past --limit elided. */
#include <string.h>

#include "render/svg_views.h"
#include "render/text.h"

/* The value of hchan field name, as the model holds it. */
static bool field_value(const struct gl_chan *ch, const char *name, uint64_t *v)
{
	static const char *const names[] = {"qcount", "dataqsiz", "buf", "elemsize", "sendx", "recvx"};
	const uint64_t vals[] = {ch->qcount, ch->dataqsiz, ch->buf, ch->elemsize, ch->sendx, ch->recvx};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*v = vals[i];
			return true;
		}
	if (!strcmp(name, "closed")) {
		*v = ch->closed;
		return true;
	}
	return false;
}

static void hchan(struct gl_svg *s, const struct gl_chan *ch)
{
	const struct gl_type *t = ch->hchan_type;
	gl_svg_region(s, "hchan", ch->hchan, t->size, "hchan  " GL_SVG_A "0x%llx",
		      (unsigned long long)ch->hchan);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct gl_field *f = &t->fields[i];
		uint64_t v;
		bool known = field_value(ch, f->name, &v);
		if (!strcmp(f->name, "buf"))
			gl_svg_ptr_row(s, f->offset, f->type->size, ch->dataqsiz ? ch->buf : 0,
				       "buf      " GL_SVG_A "0x%llx", (unsigned long long)ch->buf);
		else if (!strcmp(f->name, "recvq") && ch->stage >= GL_CHAN_WAITERS)
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->type->size, "recvq    %llu waiting to receive",
				   (unsigned long long)ch->waiting_receivers);
		else if (!strcmp(f->name, "sendq") && ch->stage >= GL_CHAN_WAITERS)
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->type->size, "sendq    %llu waiting to send",
				   (unsigned long long)ch->waiting_senders);
		else if (known)
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->type->size, "%-8s %llu", f->name,
				   (unsigned long long)v);
		else
			gl_svg_row(s, GL_SVG_HEADER, f->offset, f->type->size, "%-8s " GL_SVG_T "%s", f->name,
				   f->type->name);
	}
	gl_svg_region_end(s);
}

static void ring(struct gl_svg *s, struct gl_ctx *c, const struct gl_chan *ch, uint64_t limit)
{
	uint64_t bytes = ch->dataqsiz * ch->elemsize;
	gl_svg_region(s, "ring", ch->buf, bytes ? bytes : 1,
		      "ring buffer  " GL_SVG_A "0x%llx" GL_SVG_R "  %llu slots", (unsigned long long)ch->buf,
		      (unsigned long long)ch->dataqsiz);
	struct strbuf val;
	sb_init(&val);
	for (uint64_t i = 0; i < ch->nslots && i < limit; i++) {
		const char *mark = i == ch->recvx && i == ch->sendx ? "  <- recvx, sendx"
				   : i == ch->recvx			 ? "  <- recvx (next receive)"
				   : i == ch->sendx			 ? "  <- sendx (next send)"
									 : "";
		if (gl_chan_slot_queued(ch, i)) {
			gl_member_str(c, ch->elem, ch->slots + i * ch->elemsize, &val);
			gl_svg_row(s, GL_SVG_DATA, i * ch->elemsize, ch->elemsize, "[%llu] %s" GL_SVG_B "%s",
				   (unsigned long long)i, gl_sb_str(&val), mark);
		} else {
			gl_svg_row(s, GL_SVG_RESERVED, i * ch->elemsize, ch->elemsize,
				   GL_SVG_D "[%llu] (free)" GL_SVG_B "%s", (unsigned long long)i, mark);
		}
	}
	sb_deinit(&val);
	if (ch->nslots > limit)
		gl_svg_row(s, GL_SVG_ELIDED, limit * ch->elemsize, (ch->nslots - limit) * ch->elemsize,
			   "... %llu of %llu slots drawn (--limit N, --all)", (unsigned long long)limit,
			   (unsigned long long)ch->nslots);
	if (ch->slots_skipped)
		gl_svg_row(s, GL_SVG_ELIDED, ch->nslots * ch->elemsize, ch->slots_skipped * ch->elemsize,
			   "... %llu more slots not decoded", (unsigned long long)ch->slots_skipped);
	gl_svg_region_end(s);
}

void gl_chan_svg(struct gl_svg *s, struct gl_ctx *c, const char *expr, const struct gl_value *v,
		 const struct gl_chan *ch, uint64_t limit)
{
	gl_svg_title(s, "%s %s  [%s]", expr, v->type->name, gl_go_version_text(c));
	if (!ch->hchan) {
		gl_svg_title(s, "nil channel (blocks forever)");
		return;
	}
	if (ch->stage >= GL_CHAN_HEADER)
		gl_svg_title(s, "%llu of %llu queued, elemsize %llu, %s", (unsigned long long)ch->qcount,
			     (unsigned long long)ch->dataqsiz, (unsigned long long)ch->elemsize,
			     ch->closed ? "closed" : "open");
	if (ch->stage < GL_CHAN_HEADER)
		return;
	gl_svg_column(s, 44);
	hchan(s, ch);
	if (ch->stage < GL_CHAN_RING)
		return;
	if (!ch->dataqsiz) {
		gl_svg_note(s, "unbuffered: values pass directly between goroutines");
		return;
	}
	gl_svg_column(s, 56);
	ring(s, c, ch, limit);
}
