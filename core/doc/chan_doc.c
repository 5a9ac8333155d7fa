#include "doc/chan_doc.h"
#include "doc/doc.h"
#include "doc/struct_doc.h"
#include "doc/value_doc.h"

static json_t *header_json(const struct gl_type *H)
{
	json_t *hdr = json_array();
	for (size_t i = 0; i < H->nfields; i++)
		json_array_append_new(hdr, gl_header_field_json(&H->fields[i]));
	return hdr;
}

static void header_keys(const struct gl_value *v, const struct gl_chan *ch, json_t *d)
{
	json_object_set_new(d, "header", header_json(ch->hchan_type));
	json_object_set_new(d, "qcount", json_integer((json_int_t)ch->qcount));
	json_object_set_new(d, "dataqsiz", json_integer((json_int_t)ch->dataqsiz));
	gl_json_set_addr(d, "buf", ch->buf);
	json_object_set_new(d, "elemsize", json_integer((json_int_t)ch->elemsize));
	json_object_set_new(d, "closed", json_boolean(ch->closed));
	json_object_set_new(d, "sendx", json_integer((json_int_t)ch->sendx));
	json_object_set_new(d, "recvx", json_integer((json_int_t)ch->recvx));
	json_object_set_new(d, "elem_type", gl_json_text(v->type->elem ? v->type->elem->name : "?"));
}

/* The ring slot by slot, and the queued values in receive order (each
 * list at most doc_slots long). */
static void ring_keys(struct gl_ctx *c, const struct gl_chan *ch, json_t *d)
{
	json_t *ring = json_array(), *queue = json_array();
	uint64_t nslots = ch->nslots < ch->doc_slots ? ch->nslots : ch->doc_slots;
	uint64_t nqueue = ch->nqueue < ch->doc_slots ? ch->nqueue : ch->doc_slots;
	for (uint64_t i = 0; i < nslots; i++) {
		bool queued = gl_chan_slot_queued(ch, i);
		json_t *s = json_object();
		json_object_set_new(s, "index", json_integer((json_int_t)i));
		gl_json_set_addr(s, "address", ch->buf + i * ch->elemsize);
		json_object_set_new(s, "queued", json_boolean(queued));
		if (queued)
			json_object_set_new(s, "value",
					    gl_format_member_json(c, ch->elem, ch->slots + i * ch->elemsize));
		json_array_append_new(ring, s);
	}
	for (uint64_t k = 0; k < nqueue; k++)
		json_array_append_new(queue, gl_format_member_json(c, ch->elem,
								  ch->slots + ch->queue[k] * ch->elemsize));
	json_object_set_new(d, "slots", ring);
	json_object_set_new(d, "buffer", queue);
	/* Only a ring too large to decode, or cut by --limit, has these: the
	 * slots and queued values not listed. */
	uint64_t slots_skipped = ch->slots_skipped + (ch->nslots - nslots);
	uint64_t queue_skipped = ch->queue_skipped + (ch->nqueue - nqueue);
	if (slots_skipped)
		json_object_set_new(d, "slots_skipped", json_integer((json_int_t)slots_skipped));
	if (queue_skipped)
		json_object_set_new(d, "buffer_skipped", json_integer((json_int_t)queue_skipped));
}

json_t *gl_chan_doc(struct gl_ctx *c, const char *expr, const struct gl_value *v,
		    const struct gl_chan *ch)
{
	json_t *d = gl_pointee_doc_new(c, "chan", expr, v, ch->hchan);
	if (!d)
		return NULL;
	json_object_set_new(d, "nil", json_boolean(ch->hchan == 0));
	if (ch->stage >= GL_CHAN_HEADER)
		header_keys(v, ch, d);
	if (ch->stage >= GL_CHAN_WAITERS) {
		json_object_set_new(d, "waiting_receivers", json_integer((json_int_t)ch->waiting_receivers));
		json_object_set_new(d, "waiting_senders", json_integer((json_int_t)ch->waiting_senders));
	}
	if (ch->stage >= GL_CHAN_RING)
		ring_keys(c, ch, d);
	return d;
}
