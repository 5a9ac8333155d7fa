#include "render/chan_text.h"
#include "render/render.h"
#include "render/text.h"

static void slot_lines(struct gl_ctx *c, const struct gl_chan *ch, uint64_t limit)
{
	struct strbuf *o = &c->out, val;
	uint64_t n = ch->nslots, lim = limit;
	sb_init(&val);
	for (uint64_t i = 0; i < n && i < lim; i++) {
		bool q = gl_chan_slot_queued(ch, i);
		if (q)
			gl_member_str(c, ch->elem, ch->slots + i * ch->elemsize, &val);
		sb_addf(o, "  [%llu] 0x%llx  %s%-24s%s%s%s\n", (unsigned long long)i,
			(unsigned long long)(ch->buf + i * ch->elemsize), q ? "" : gl_c(c, "dim"),
			q ? gl_sb_str(&val) : "(free)", q ? "" : gl_c(c, "reset"),
			i == ch->recvx ? " <- recvx (next receive)" : "",
			i == ch->sendx ? " <- sendx (next send)" : "");
	}
	sb_deinit(&val);
	if (n > lim)
		sb_addf(o, "  ... %llu of %llu slots shown (--limit N, --all)\n", (unsigned long long)lim,
			(unsigned long long)n);
	if (ch->slots_skipped)
		sb_addf(o, "  ... %llu more slots not decoded (%llu queued values among them)\n",
			(unsigned long long)ch->slots_skipped, (unsigned long long)ch->queue_skipped);
}

void gl_chan_text(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		  const struct gl_chan *ch, uint64_t limit)
{
	struct strbuf *o = &c->out;
	sb_add(o, gl_c(c, "bold"));
	gl_text_add(o, expr);
	sb_addf(o, "%s %s  ", gl_c(c, "reset"), v->type->name);
	if (!ch->hchan) {
		sb_add(o, "= nil channel (blocks forever)\n");
		return;
	}
	sb_addf(o, "hchan at %s0x%llx%s  [%s]\n", gl_c(c, "addr"), (unsigned long long)ch->hchan,
		gl_c(c, "reset"), gl_go_version_text(c));
	for (size_t i = 0; ch->stage >= GL_CHAN_HEADER && i < ch->hchan_type->nfields; i++) {
		const struct gl_field *f = &ch->hchan_type->fields[i];
		sb_addf(o, "  +%-3llu %-9s ", (unsigned long long)f->offset, f->name);
		gl_text_add(o, f->type->name);
		sb_addc(o, '\n');
	}
	/* Only what was read: an unreadable hchan has no counts (the error
	 * line says why), a wait queue that could not be walked no waiters. */
	if (ch->stage < GL_CHAN_HEADER)
		return;
	sb_addf(o, "%llu of %llu queued, elemsize %llu, %s", (unsigned long long)ch->qcount,
		(unsigned long long)ch->dataqsiz, (unsigned long long)ch->elemsize,
		ch->closed ? "closed" : "open");
	if (ch->stage >= GL_CHAN_WAITERS)
		sb_addf(o, ", %llu waiting to receive, %llu waiting to send",
			(unsigned long long)ch->waiting_receivers, (unsigned long long)ch->waiting_senders);
	sb_addc(o, '\n');
	if (ch->stage < GL_CHAN_RING)
		return; /* the header is not consistent: the error line says why */
	if (!ch->dataqsiz) {
		sb_add(o, "unbuffered: values pass directly between goroutines\n");
		return;
	}
	sb_addf(o, "ring buffer at 0x%llx:\n", (unsigned long long)ch->buf);
	slot_lines(c, ch, limit);
}
