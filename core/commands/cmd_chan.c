/* golayout chan EXPR: the hchan behind a channel: counts, the ring buffer
 * with sendx/recvx, closed, and the goroutines waiting to send or receive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "eval/expr.h"
#include "eval/value.h"

#define MAX_BUFFER_SHOWN 100000
#define MAX_WAITERS 100000

static uint64_t fget(const struct gl_type *t, const unsigned char *b, const char *name, bool *ok)
{
	const struct gl_field *f = gl_type_field(t, name);
	if (!f) {
		*ok = false;
		return 0;
	}
	return gl_get_uint(b + f->offset, f->type->size);
}

/* Length of a waitq's sudog list, following sudog.next with a bound and a
 * cycle check (Floyd). */
static struct gl_error *count_waiters(struct gl_ctx *c, uint64_t first, uint64_t *n)
{
	*n = 0;
	struct gl_type *sg = gl_dwarf_find_type(c->t->dw, "runtime.sudog");
	const struct gl_field *next = sg ? gl_type_field(sg, "next") : NULL;
	if (!next)
		return first ? gl_error_create(GL_ERR_NODWARF, "no DWARF for runtime.sudog") : NULL;
	uint64_t slow = first, fast = first;
	while (fast) {
		struct gl_error *err = gl_mem_read_u64(c->mem, fast + next->offset, &fast);
		if (err)
			return gl_error_wrap(err, "walking a wait queue");
		++*n;
		if (*n % 2 == 0 && (err = gl_mem_read_u64(c->mem, slow + next->offset, &slow)))
			return err;
		if (fast && fast == slow)
			return gl_error_create(GL_ERR_CORRUPT, "wait queue cycles");
		if (*n > MAX_WAITERS)
			return gl_error_create(GL_ERR_CORRUPT, "more than %u waiters: corrupt?", MAX_WAITERS);
	}
	return NULL;
}

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	const char *expr = c->opts.args[0];
	struct gl_value v;
	struct gl_error *err = gl_expr_eval_kind(c, expr, GL_K_CHAN, "a channel", &v);
	if (err)
		return err;
	const struct gl_type *t = v.type;
	uint64_t hp = gl_get_uint(v.bytes, 8);
	json_t *d = gl_doc_new(c, "chan", t->name, hp != 0, hp);
	*docp = d;
	json_object_set_new(d, "expr", gl_json_text(expr));
	json_object_set_new(d, "where", json_string(v.where));
	if (v.in_memory)
		gl_json_set_addr(d, "variable_address", v.addr);
	gl_value_deinit(&v);
	json_object_set_new(d, "nil", json_boolean(hp == 0));
	if (!hp)
		return NULL;
	const struct gl_type *H = t->target;
	if (!H)
		return gl_error_create(GL_ERR_NODWARF, "no DWARF for the hchan of %s", t->name);
	unsigned char *h = malloc(H->size);
	if (!h)
		return &gl_error_nomem;
	if ((err = gl_mem_read(c->mem, hp, h, H->size))) {
		free(h);
		return gl_error_wrap(err, "reading hchan at 0x%llx", (unsigned long long)hp);
	}
	bool ok = true;
	uint64_t qcount = fget(H, h, "qcount", &ok), size = fget(H, h, "dataqsiz", &ok);
	uint64_t buf = fget(H, h, "buf", &ok), esz = fget(H, h, "elemsize", &ok);
	uint64_t closed = fget(H, h, "closed", &ok), sendx = fget(H, h, "sendx", &ok);
	uint64_t recvx = fget(H, h, "recvx", &ok);
	const struct gl_field *rq = gl_type_field(H, "recvq"), *sq = gl_type_field(H, "sendq");
	json_t *hdr = json_array();
	for (size_t i = 0; i < H->nfields; i++) {
		const struct gl_field *f = &H->fields[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(f->name));
		json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
		json_object_set_new(o, "size", json_integer((json_int_t)f->type->size));
		json_object_set_new(o, "type", gl_json_text(f->type->name));
		json_array_append_new(hdr, o);
	}
	json_object_set_new(d, "header", hdr);
	json_object_set_new(d, "qcount", json_integer((json_int_t)qcount));
	json_object_set_new(d, "dataqsiz", json_integer((json_int_t)size));
	gl_json_set_addr(d, "buf", buf);
	json_object_set_new(d, "elemsize", json_integer((json_int_t)esz));
	json_object_set_new(d, "closed", json_boolean(closed != 0));
	json_object_set_new(d, "sendx", json_integer((json_int_t)sendx));
	json_object_set_new(d, "recvx", json_integer((json_int_t)recvx));
	json_object_set_new(d, "elem_type", gl_json_text(t->elem ? t->elem->name : "?"));
	if (!ok || !rq || !sq) {
		free(h);
		return gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", H->name);
	}
	uint64_t nrecv = 0, nsend = 0;
	struct gl_error *e1 = count_waiters(c, gl_get_uint(h + rq->offset, 8), &nrecv);
	struct gl_error *e2 = count_waiters(c, gl_get_uint(h + sq->offset, 8), &nsend);
	json_object_set_new(d, "waiting_receivers", json_integer((json_int_t)nrecv));
	json_object_set_new(d, "waiting_senders", json_integer((json_int_t)nsend));
	free(h);
	err = e1 ? e1 : e2;
	if (e1 && e2)
		gl_error_destroy(e2);
	if (err)
		return err;
	if (qcount > size || (size && (sendx >= size || recvx >= size)) ||
	    (t->elem && esz != t->elem->size))
		return gl_error_create(GL_ERR_CORRUPT,
				       "inconsistent hchan (qcount %llu, dataqsiz %llu, sendx %llu, recvx %llu, "
				       "elemsize %llu): corrupt?",
				       (unsigned long long)qcount, (unsigned long long)size,
				       (unsigned long long)sendx, (unsigned long long)recvx,
				       (unsigned long long)esz);
	/* The ring: all dataqsiz slots, and the queued values in receive order. */
	json_t *ring = json_array(), *queue = json_array();
	json_object_set_new(d, "slots", ring);
	json_object_set_new(d, "buffer", queue);
	if (!size || !t->elem)
		return NULL;
	uint64_t shown = size < MAX_BUFFER_SHOWN ? size : MAX_BUFFER_SHOWN;
	if (esz && shown > GL_MAX_VALUE_BYTES / esz)
		shown = GL_MAX_VALUE_BYTES / esz;
	unsigned char *b = malloc(esz ? shown * esz : 1);
	if (!b)
		return &gl_error_nomem;
	if (esz && (err = gl_mem_read(c->mem, buf, b, shown * esz))) {
		free(b);
		return gl_error_wrap(err, "reading the channel buffer at 0x%llx", (unsigned long long)buf);
	}
	for (uint64_t i = 0; i < shown; i++) {
		/* slot i holds a queued value iff it is within qcount of recvx */
		bool queued = ((i + size - recvx) % size) < qcount;
		json_t *s = json_object();
		json_object_set_new(s, "index", json_integer((json_int_t)i));
		gl_json_set_addr(s, "address", buf + i * esz);
		json_object_set_new(s, "queued", json_boolean(queued));
		if (queued) {
			json_t *txt_json = gl_format_value_json(c, t->elem, b + i * esz);
			json_object_set_new(s, "value", txt_json);
		}
		json_array_append_new(ring, s);
	}
	for (uint64_t k = 0; k < qcount; k++) {
		uint64_t i = (recvx + k) % size;
		if (i >= shown)
			continue;
		json_t *txt_json = gl_format_value_json(c, t->elem, b + i * esz);
		json_array_append_new(queue, txt_json);
	}
	free(b);
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	const char *addr = json_string_value(json_object_get(d, "address"));
	sb_addf(o, "%s%s%s %s  ", gl_c(c, "bold"), json_string_value(json_object_get(d, "expr")),
		gl_c(c, "reset"), json_string_value(json_object_get(d, "type")));
	if (json_is_true(json_object_get(d, "nil"))) {
		sb_add(o, "= nil channel (blocks forever)\n");
		return;
	}
	sb_addf(o, "hchan at %s%s%s  [%s]\n", gl_c(c, "addr"), addr, gl_c(c, "reset"),
		json_string_value(json_object_get(d, "go_version")));
	json_t *hdr = json_object_get(d, "header");
	for (size_t i = 0; i < json_array_size(hdr); i++) {
		json_t *f = json_array_get(hdr, i);
		sb_addf(o, "  +%-3lld %-9s %s\n", (long long)json_integer_value(json_object_get(f, "offset")),
			json_string_value(json_object_get(f, "name")), json_string_value(json_object_get(f, "type")));
	}
	sb_addf(o, "%lld of %lld queued, elemsize %lld, %s, %lld waiting to receive, %lld waiting to send\n",
		(long long)json_integer_value(json_object_get(d, "qcount")),
		(long long)json_integer_value(json_object_get(d, "dataqsiz")),
		(long long)json_integer_value(json_object_get(d, "elemsize")),
		json_is_true(json_object_get(d, "closed")) ? "closed" : "open",
		(long long)json_integer_value(json_object_get(d, "waiting_receivers")),
		(long long)json_integer_value(json_object_get(d, "waiting_senders")));
	json_t *ring = json_object_get(d, "slots");
	if (!json_array_size(ring)) {
		sb_add(o, "unbuffered: values pass directly between goroutines\n");
		return;
	}
	json_int_t sx = json_integer_value(json_object_get(d, "sendx")),
		   rx = json_integer_value(json_object_get(d, "recvx"));
	sb_addf(o, "ring buffer at %s:\n", json_string_value(json_object_get(d, "buf")));
	size_t n = json_array_size(ring), lim = c->opts.all ? n : (size_t)c->opts.limit;
	for (size_t i = 0; i < n && i < lim; i++) {
		json_t *s = json_array_get(ring, i);
		bool q = json_is_true(json_object_get(s, "queued"));
		sb_addf(o, "  [%zu] %s  %s%-24s%s%s%s\n", i, json_string_value(json_object_get(s, "address")),
			q ? "" : gl_c(c, "dim"), q ? json_string_value(json_object_get(s, "value")) : "(free)",
			q ? "" : gl_c(c, "reset"), (json_int_t)i == rx ? " <- recvx (next receive)" : "",
			(json_int_t)i == sx ? " <- sendx (next send)" : "");
	}
	if (n > lim)
		sb_addf(o, "  ... %zu of %zu slots shown (--limit N, --all)\n", lim, n);
}

const struct gl_command gl_cmd_chan = {
	.name = "chan",
	.summary = "Show a channel's hchan: ring buffer with sendx/recvx, waiters, closed.",
	.help = "Usage: golayout chan EXPR [--limit N | --all] [--json]\n"
		"\n"
		"The hchan header at its offsets (from DWARF: the struct changed in Go 1.23\n"
		"and 1.25), qcount/dataqsiz, the ring buffer slot by slot with the queued\n"
		"values and sendx/recvx marked, closed, and how many goroutines wait to send\n"
		"or receive.",
	.opts = GL_OPT_LIMIT | GL_OPT_TYPE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
	.render = render,
};
