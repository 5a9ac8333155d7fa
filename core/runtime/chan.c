/* Channels decoded into runtime/chan.h's model. */
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "gotypes/rtlayout.h"
#include "runtime/chan.h"

static uint64_t fget(const struct gl_type *t, const unsigned char *b, const char *name, bool *ok)
{
	const struct gl_field *f = gl_type_field(t, name);
	if (!f || f->offset + f->type->size > t->size) {
		*ok = false;
		return 0;
	}
	return gl_get_uint(b + f->offset, f->type->size);
}

/* Length of a waitq's sudog list, following sudog.next (at the runtime
 * table's offset: runtime.sudog is named by no channel type) with a bound
 * and a cycle check (Floyd). */
static struct gl_error *count_waiters(struct gl_ctx *c, uint64_t first, uint64_t *n)
{
	*n = 0;
	if (!first)
		return NULL;
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load_types(c->t, &L);
	if (err || (err = gl_rt_need(L, GL_RTF_SUDOG_NEXT)))
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

/* The first sudog of wait queue field q (a waitq<T>) of hchan bytes h.
 * hchan<T> and its waitq<T> are the runtime's hchan and waitq with typed
 * elements, made by the linker for this channel type: their fields are
 * read where that type puts them. */
static uint64_t waitq_first(const struct gl_ctx *c, const struct gl_type *H, const unsigned char *h,
			    const struct gl_field *q)
{
	/* without a "first" field: the waitq's first word */
	const struct gl_field *f = gl_type_field(q->type, "first");
	uint64_t off = q->offset + (f ? f->offset : 0), size = f ? f->type->size : (uint64_t)c->t->ptr_size;
	return off + size <= H->size ? gl_get_uint(h + off, size) : 0;
}

static struct gl_error *waiters(struct gl_ctx *c, const unsigned char *h, struct gl_chan *ch)
{
	const struct gl_type *H = ch->hchan_type;
	const struct gl_field *rq = gl_type_field(H, "recvq"), *sq = gl_type_field(H, "sendq");
	if (!rq || !sq)
		return gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", H->name);
	struct gl_error *e1 = count_waiters(c, waitq_first(c, H, h, rq), &ch->waiting_receivers);
	struct gl_error *e2 = count_waiters(c, waitq_first(c, H, h, sq), &ch->waiting_senders);
	if (!e1 && !e2)
		ch->stage = GL_CHAN_WAITERS; /* else the counts are partial: not shown */
	if (e1 && e2)
		gl_error_destroy(e2);
	return e1 ? e1 : e2;
}

/* The hchan's fields into ch; false if one is missing. */
static bool header(const unsigned char *h, struct gl_chan *ch)
{
	const struct gl_type *H = ch->hchan_type;
	bool ok = true;
	ch->qcount = fget(H, h, "qcount", &ok);
	ch->dataqsiz = fget(H, h, "dataqsiz", &ok);
	ch->buf = fget(H, h, "buf", &ok);
	ch->elemsize = fget(H, h, "elemsize", &ok);
	ch->closed = fget(H, h, "closed", &ok) != 0;
	ch->sendx = fget(H, h, "sendx", &ok);
	ch->recvx = fget(H, h, "recvx", &ok);
	if (ok)
		ch->stage = GL_CHAN_HEADER; /* else some counts are made-up zeros */
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
	ch->stage = GL_CHAN_NO_HCHAN;
	const struct gl_type *H = ch->hchan_type = t->target;
	if (!H)
		return gl_error_create(GL_ERR_NODWARF, "no DWARF for the hchan of %s", t->name);
	unsigned char *h = malloc(H->size ? H->size : 1);
	if (!h)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, ch->hchan, h, H->size);
	if (err) {
		free(h);
		return gl_error_wrap(err, "reading hchan at 0x%llx", (unsigned long long)ch->hchan);
	}
	if (!header(h, ch))
		err = gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", H->name);
	else
		err = waiters(c, h, ch);
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
	/* makechan panics before it allocates more than maxAlloc - hchanSize */
	uint64_t max = c->t->arch ? gl_arch_max_alloc(c->t->arch) - H->size : 0;
	if (max && ch->elemsize && ch->dataqsiz > max / ch->elemsize)
		return gl_error_create(GL_ERR_CORRUPT,
				       "a ring of %llu x %llu bytes, more than the runtime allocates (maxAlloc "
				       "2^%u%s): corrupt?",
				       (unsigned long long)ch->dataqsiz, (unsigned long long)ch->elemsize,
				       c->t->arch->heap_addr_bits, c->t->arch->ptr_size == 4 ? "-1" : "");
	return ring(c, ch);
}

void gl_chan_deinit(struct gl_chan *ch)
{
	free(ch->slots);
	free(ch->queue);
	memset(ch, 0, sizeof(*ch));
}
