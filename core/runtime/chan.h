/* A channel's hchan: the counts, the ring buffer slot by slot with
 * sendx/recvx, closed, and how many goroutines wait to send or receive.
 * A typed model: doc/chan_doc.c and render/chan_text.c spell it. */
#ifndef GL_CHAN_H
#define GL_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/value.h"

/* Slots of the ring decoded at most; a larger (or corrupt) dataqsiz is
 * decoded this far and the rest counted as skipped. */
#define GL_CHAN_MAX_SLOTS 100000
#define GL_CHAN_MAX_WAITERS 100000

/* How far the channel was decoded. */
enum gl_chan_stage {
	GL_CHAN_NIL,      /* a nil channel: nothing more */
	GL_CHAN_NO_HCHAN, /* no DWARF for the hchan, or it could not be read */
	GL_CHAN_HEADER,   /* the hchan's fields, all of them read */
	GL_CHAN_WAITERS,  /* the wait queues counted, both to their end */
	GL_CHAN_RING,     /* consistent: the ring's slots (possibly none) */
};

struct gl_chan {
	enum gl_chan_stage stage;
	uint64_t hchan;                /* its address; 0 for nil */
	const struct gl_type *hchan_type, *elem;
	uint64_t qcount, dataqsiz, buf, elemsize, sendx, recvx;
	bool closed;
	uint64_t waiting_receivers, waiting_senders;
	/* GL_CHAN_RING: the first nslots slots of the ring as bytes (at
	 * least one byte, for zero-size elements), and the queued ones among
	 * them in receive order. */
	uint64_t nslots;
	unsigned char *slots;
	uint64_t *queue, nqueue;
	uint64_t slots_skipped, queue_skipped; /* beyond nslots */
	/* How many slots (and queued values) a document lists: --limit's
	 * when given, else all decoded. Set by the command after decoding. */
	uint64_t doc_slots;
};

/* Whether ring slot i holds a queued value (it is within qcount of recvx). */
bool gl_chan_slot_queued(const struct gl_chan *ch, uint64_t i);
/* Decode channel value v; what could be decoded stays in ch. */
struct gl_error *gl_chan_decode(struct gl_ctx *c, const struct gl_value *v, struct gl_chan *ch);
void gl_chan_deinit(struct gl_chan *ch);

#endif
