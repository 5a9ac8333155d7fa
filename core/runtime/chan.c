/* Channels decoded into runtime/chan.h's model. */
#include <stdlib.h>
#include <string.h>

#include "gotypes/rtlayout.h"
#include "runtime/chan.h"

/* Runtime field f of the hchan bytes h (the hchan<T> the value's DWARF
 * names, H->size of them): at the table's offset, where it fits. */
static uint64_t hget(const struct gl_rtlayout *L, const struct gl_type *H, const unsigned char *h,
		     enum gl_rtf f, bool *ok)
{
	struct gl_rt_field r = gl_rt_field(L, f);
	if (!r.present || r.off + r.size > H->size) {
		*ok = false;
		return 0;
	}
	return gl_rt_get(L, f, h);
}

/* Length of a waitq's sudog list, following sudog.next with a bound and a
 * cycle check (Floyd). */
static struct gl_error *count_waiters(struct gl_ctx *c, const struct gl_rtlayout *L, uint64_t first,
				      uint64_t *n)
{
	*n = 0;
	if (!first)
		return NULL;
	struct gl_error *err = gl_rt_need(L, GL_RTF_SUDOG_NEXT);
	if (err)
		return err;
	uint64_t next = gl_rt_field(L, GL_RTF_SUDOG_NEXT).off, slow = first, fast = first;
	while (fast) {
		if ((err = gl_target_read_word(c->t, c->mem, fast + next, &fast)))
			return gl_error_wrap(err, "walking a wait queue");
		++*n;
		if (*n % 2 == 0 && (err = gl_target_read_word(c->t, c->mem, slow + next, &slow)))
			return err;
		if (fast && fast == slow)
			return gl_error_create(GL_ERR_CORRUPT, "wait queue cycles");
		if (*n > GL_CHAN_MAX_WAITERS)
			return gl_error_create(GL_ERR_CORRUPT, "more than %u waiters: corrupt?", GL_CHAN_MAX_WAITERS);
	}
	return NULL;
}

/* The first sudog of wait queue q (hchan.recvq or .sendq, a runtime.waitq)
 * in the hchan bytes h; 0 where it does not fit. */
static uint64_t waitq_first(const struct gl_rtlayout *L, const struct gl_type *H, const unsigned char *h,
			    enum gl_rtf q)
{
	uint64_t off = gl_rt_field(L, q).off + gl_rt_field(L, GL_RTF_WAITQ_FIRST).off;
	return off + L->ptr_size <= H->size ? gl_rt_word(L, h + off) : 0;
}

static struct gl_error *waiters(struct gl_ctx *c, const struct gl_rtlayout *L, const unsigned char *h,
				struct gl_chan *ch)
{
	struct gl_error *err = gl_rt_need(L, GL_RTF_HCHAN_RECVQ, GL_RTF_HCHAN_SENDQ, GL_RTF_WAITQ_FIRST);
	if (err)
		return err;
	const struct gl_type *H = ch->hchan_type;
	struct gl_error *e1 = count_waiters(c, L, waitq_first(L, H, h, GL_RTF_HCHAN_RECVQ), &ch->waiting_receivers);
	struct gl_error *e2 = count_waiters(c, L, waitq_first(L, H, h, GL_RTF_HCHAN_SENDQ), &ch->waiting_senders);
	ch->stage = GL_CHAN_WAITERS;
	if (e1 && e2)
		gl_error_destroy(e2);
	return e1 ? e1 : e2;
}

/* The hchan's fields into ch; false if one is missing. */
static bool header(const struct gl_rtlayout *L, const unsigned char *h, struct gl_chan *ch)
{
	const struct gl_type *H = ch->hchan_type;
	bool ok = true;
	ch->qcount = hget(L, H, h, GL_RTF_HCHAN_QCOUNT, &ok);
	ch->dataqsiz = hget(L, H, h, GL_RTF_HCHAN_DATAQSIZ, &ok);
	ch->buf = hget(L, H, h, GL_RTF_HCHAN_BUF, &ok);
	ch->elemsize = hget(L, H, h, GL_RTF_HCHAN_ELEMSIZE, &ok);
	ch->closed = hget(L, H, h, GL_RTF_HCHAN_CLOSED, &ok) != 0;
	ch->sendx = hget(L, H, h, GL_RTF_HCHAN_SENDX, &ok);
	ch->recvx = hget(L, H, h, GL_RTF_HCHAN_RECVX, &ok);
	ch->stage = GL_CHAN_HEADER;
	return ok;
}

/* Slot index k places after slot `from` in a ring of size slots (k and
 * from below size), without overflowing. */
static uint64_t ring_add(uint64_t from, uint64_t k, uint64_t size)
{
	return k < size - from ? from + k : k - (size - from);
}

bool gl_chan_slot_queued(const struct gl_chan *ch, uint64_t i)
{
	uint64_t size = ch->dataqsiz, r = ch->recvx;
	return size && (i >= r ? i - r : i + (size - r)) < ch->qcount;
}

/* The queued slots among the first nslots, in receive order: slots
 * recvx, recvx+1, ... wrapping at dataqsiz, qcount of them. Jumps over the
 * slots not decoded, so a huge (corrupt) qcount costs one pass over the
 * decoded ones. */
static void queue_order(struct gl_chan *ch)
{
	uint64_t size = ch->dataqsiz;
	for (uint64_t k = 0; k < ch->qcount;) {
		uint64_t i = ring_add(ch->recvx, k, size);
		if (i < ch->nslots) {
			ch->queue[ch->nqueue++] = i;
			k++;
		} else if (size - i < ch->qcount - k) {
			k += size - i; /* on to slot 0 */
		} else {
			break;
		}
	}
	ch->queue_skipped = ch->qcount - ch->nqueue;
}

static struct gl_error *ring(struct gl_ctx *c, struct gl_chan *ch)
{
	ch->stage = GL_CHAN_RING;
	uint64_t size = ch->dataqsiz, esz = ch->elemsize;
	if (!size || !ch->elem)
		return NULL;
	uint64_t shown = size < GL_CHAN_MAX_SLOTS ? size : GL_CHAN_MAX_SLOTS;
	if (esz && shown > GL_MAX_VALUE_BYTES / esz)
		shown = GL_MAX_VALUE_BYTES / esz;
	unsigned char *b = calloc(esz ? shown * esz : 1, 1);
	uint64_t *q = calloc(shown ? shown : 1, sizeof(*q));
	if (!b || !q) {
		free(b);
		free(q);
		return &gl_error_nomem;
	}
	struct gl_error *err;
	if (esz && (err = gl_mem_read(c->mem, ch->buf, b, shown * esz))) {
		free(b);
		free(q);
		return gl_error_wrap(err, "reading the channel buffer at 0x%llx", (unsigned long long)ch->buf);
	}
	ch->slots = b;
	ch->queue = q;
	ch->nslots = shown;
	ch->slots_skipped = size - shown;
	queue_order(ch);
	return NULL;
}

struct gl_error *gl_chan_decode(struct gl_ctx *c, const struct gl_value *v, struct gl_chan *ch)
{
	memset(ch, 0, sizeof(*ch));
	const struct gl_type *t = v->type;
	ch->hchan = gl_get_uint(v->bytes, c->t->ptr_size);
	ch->elem = t->elem;
	if (!ch->hchan)
		return NULL;
	/* The runtime's hchan, waitq and sudog fields come from the table;
	 * the hchan<T> the linker made for this element type (the same
	 * fields, typed) gives the bytes to read and the header to show. */
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load(c->t, &L);
	if (err)
		return err;
	ch->stage = GL_CHAN_NO_HCHAN;
	const struct gl_type *H = ch->hchan_type = t->target;
	if (!H)
		return gl_error_create(GL_ERR_NODWARF, "no DWARF for the hchan of %s", t->name);
	unsigned char *h = malloc(H->size ? H->size : 1);
	if (!h)
		return &gl_error_nomem;
	err = gl_mem_read(c->mem, ch->hchan, h, H->size);
	if (err) {
		free(h);
		return gl_error_wrap(err, "reading hchan at 0x%llx", (unsigned long long)ch->hchan);
	}
	if (!header(L, h, ch))
		err = gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", H->name);
	else
		err = waiters(c, L, h, ch);
	free(h);
	if (err)
		return err;
	if (ch->qcount > ch->dataqsiz || (ch->dataqsiz && (ch->sendx >= ch->dataqsiz || ch->recvx >= ch->dataqsiz)) ||
	    (ch->elem && ch->elemsize != ch->elem->size))
		return gl_error_create(GL_ERR_CORRUPT,
				       "inconsistent hchan (qcount %llu, dataqsiz %llu, sendx %llu, recvx %llu, "
				       "elemsize %llu): corrupt?",
				       (unsigned long long)ch->qcount, (unsigned long long)ch->dataqsiz,
				       (unsigned long long)ch->sendx, (unsigned long long)ch->recvx,
				       (unsigned long long)ch->elemsize);
	return ring(c, ch);
}

void gl_chan_deinit(struct gl_chan *ch)
{
	free(ch->slots);
	free(ch->queue);
	memset(ch, 0, sizeof(*ch));
}
