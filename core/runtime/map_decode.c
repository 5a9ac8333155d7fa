/* Decoding a map: choose the classic or swiss decoder by the header's
 * DWARF, then sort the entries; and the entry list alone, for %v. */
#include <string.h>

#include "runtime/maps.h"
#include "runtime/maphash.h"

/* Both models hold GL_MAP_SLOTS cells a bucket or slots a group (a
 * fixed array in struct gl_map): the one check, for either layout, that
 * the binary's runtime agrees. k is the runtime's constant for it. */
static struct gl_error *slots_supported(const struct gl_rtlayout *rt, enum gl_rtc k,
					const char *holders, const char *cells)
{
	int64_t n = gl_rt_const(rt, k);
	if (n == GL_MAP_SLOTS)
		return NULL;
	return gl_error_create(GL_ERR_UNSUPPORTED, "%s of %lld %s", holders, (long long)n, cells);
}

struct gl_error *gl_map_decode(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
			       const struct gl_map_opts *o, struct gl_map *m)
{
	memset(m, 0, sizeof(*m));
	m->opts = *o;
	m->address = ptr;
	m->entries.key_type = t->key;
	m->entries.elem_type = t->elem;
	m->entries.on = o->entries;
	m->entries.max = o->max_entries;
	uint64_t reads0 = c->mem->cmd_stats.backend_reads;
	const struct gl_rtlayout *rt;
	struct gl_error *err = gl_rt_load_types(c->t, &rt);
	if (err)
		;
	else if (o->hash && (m->hash_err = gl_gohash_load(c, &m->keys)) == NULL)
	{
		m->hashing = true; /* the decoder sets the seed from the header */
		m->hash_word = gl_maphash_word_key(t->key);
	}
	if (err)
		;
	else if (!t->target)
		err = gl_error_create(GL_ERR_NODWARF, "no DWARF description of %s's runtime header",
				      t->name);
	else if (gl_type_field(t->target, "dirPtr")) {
		err = slots_supported(rt, GL_RTC_SMAP_GROUP_SLOTS, "groups", "slots");
		if (!err)
			err = gl_map_decode_swiss(c, rt, t, ptr, m);
	} else if (gl_type_field(t->target, "buckets")) {
		err = slots_supported(rt, GL_RTC_MAP_BUCKET_CNT, "buckets", "cells");
		if (!err)
			err = gl_map_decode_classic(c, rt, t, ptr, m);
	}
	else
		err = gl_error_create(GL_ERR_UNSUPPORTED, "unknown map header layout %s", t->target->name);
	gl_map_sort_entries(c, &m->entries);
	m->reads = c->mem->cmd_stats.backend_reads - reads0;
	return err;
}

long gl_map_total(const struct gl_map *m)
{
	return m->impl == GL_MAP_SWISS ? m->swiss.total_groups : (long)m->classic.sum.buckets;
}

struct gl_error *gl_map_collect_entries(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
					size_t max, struct gl_map_entries *out)
{
	struct gl_map m;
	struct gl_map_opts o = {.entries = true, .max_entries = max, .show_limit = 0, .only_index = -1};
	struct gl_error *err = gl_map_decode(c, t, ptr, &o, &m);
	*out = m.entries; /* the list changes hands */
	memset(&m.entries, 0, sizeof(m.entries));
	gl_map_deinit(&m);
	return err;
}
