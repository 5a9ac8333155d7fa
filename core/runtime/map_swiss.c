/* Swiss-table maps (Go 1.24+): Map header, directory of tables, tables of
 * groups, groups of 8 slots under one control word. Every offset comes
 * from the DWARF the linker synthesises (map<K,V>, table<K,V>, the group
 * type); the group layout (interleaved slots, or all keys then all elems
 * under GOEXPERIMENT=mapsplitgroup) is told by the group type's fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "eval/value.h"

#define SLOTS 8

struct swiss_layout {
	const struct gl_type *hdr, *table, *group;
	const struct gl_type *slot_key, *slot_elem; /* as stored: K or *K */
	uint64_t ctrl_off;
	bool split;
	uint64_t keys_off, key_stride, elems_off, elem_stride;
	uint64_t slot_size;       /* interleaved: size of one slot struct */
	uint8_t ctrl_empty, ctrl_deleted;
};

struct swiss_stats {
	uint64_t tables, groups, slots, full, deleted, empty;
	uint64_t fill_hist[SLOTS + 1];
	uint64_t bytes_dir, bytes_tables, bytes_groups;
	long shown, total_groups;
};

static uint64_t field_off(const struct gl_type *t, const char *name, bool *ok)
{
	const struct gl_field *f = gl_type_field(t, name);
	if (!f)
		*ok = false;
	return f ? f->offset : 0;
}

static struct gl_error *layout_init(struct gl_ctx *c, const struct gl_type *t, struct swiss_layout *L)
{
	memset(L, 0, sizeof(*L));
	L->hdr = t->target;
	const struct gl_field *dir = gl_type_field(L->hdr, "dirPtr");
	/* dirPtr is **table<K,V> */
	if (dir && dir->type->elem)
		L->table = dir->type->elem->elem;
	const struct gl_field *groups = L->table ? gl_type_field(L->table, "groups") : NULL;
	const struct gl_field *data = groups ? gl_type_field(groups->type, "data") : NULL;
	L->group = data && data->type->kind == GL_K_POINTER ? data->type->elem : NULL;
	if (!L->table || !L->group)
		return gl_error_create(GL_ERR_NODWARF, "incomplete DWARF for the tables of %s", t->name);
	const struct gl_field *ctrl = gl_type_field(L->group, "ctrl");
	const struct gl_field *slots = gl_type_field(L->group, "slots");
	const struct gl_field *keys = gl_type_field(L->group, "keys");
	const struct gl_field *elems = gl_type_field(L->group, "elems");
	if (!ctrl)
		return gl_error_create(GL_ERR_NODWARF, "group type %s has no ctrl word", L->group->name);
	L->ctrl_off = ctrl->offset;
	if (slots && slots->type->elem) {
		const struct gl_type *slot = slots->type->elem;
		const struct gl_field *k = gl_type_field(slot, "key"), *e = gl_type_field(slot, "elem");
		if (!k || !e)
			return gl_error_create(GL_ERR_NODWARF, "slot type %s lacks key/elem", slot->name);
		L->slot_key = k->type;
		L->slot_elem = e->type;
		L->slot_size = slot->size;
		L->keys_off = slots->offset + k->offset;
		L->elems_off = slots->offset + e->offset;
		L->key_stride = L->elem_stride = slot->size;
	} else if (keys && elems && keys->type->elem && elems->type->elem) {
		L->split = true;
		L->slot_key = keys->type->elem;
		L->slot_elem = elems->type->elem;
		L->keys_off = keys->offset;
		L->elems_off = elems->offset;
		L->key_stride = L->slot_key->size;
		L->elem_stride = L->slot_elem->size;
		L->slot_size = L->key_stride + L->elem_stride;
	} else {
		return gl_error_create(GL_ERR_UNSUPPORTED, "unknown group layout %s", L->group->name);
	}
	int64_t v;
	L->ctrl_empty = gl_dwarf_find_const(c->t->dw, "internal/runtime/maps.ctrlEmpty", &v) ? (uint8_t)v : 0x80;
	L->ctrl_deleted = gl_dwarf_find_const(c->t->dw, "internal/runtime/maps.ctrlDeleted", &v) ? (uint8_t)v : 0xfe;
	return NULL;
}

static const char *ctrl_state(const struct swiss_layout *L, uint8_t cb)
{
	if (cb == L->ctrl_empty)
		return "empty";
	if (cb == L->ctrl_deleted)
		return "deleted";
	return (cb & 0x80) ? "invalid" : "full";
}

/* One group: stats, entries, and (if shown) its JSON. */
static struct gl_error *visit_group(struct gl_ctx *c, struct gl_map_walk *w,
				    const struct swiss_layout *L, const unsigned char *g,
				    uint64_t addr, long index, json_t *groups_json,
				    struct swiss_stats *st)
{
	uint64_t ctrl = gl_get_uint(g + L->ctrl_off, 8);
	bool show = w->want_doc && groups_json &&
		    (w->only_index >= 0 ? index == w->only_index
					: (w->show_limit < 0 || st->shown < w->show_limit));
	json_t *jg = NULL, *jslots = NULL;
	if (show) {
		jg = json_object();
		jslots = json_array();
		json_object_set_new(jg, "index", json_integer(index));
		gl_json_set_addr(jg, "address", addr);
		char buf[24];
		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)ctrl);
		json_object_set_new(jg, "ctrl", json_string(buf));
		st->shown++;
	}
	int full = 0;
	struct gl_error *first_err = NULL;
	for (int i = 0; i < SLOTS; i++) {
		uint8_t cb = (uint8_t)(ctrl >> (8 * i)); /* byte i is slot i (little-endian) */
		const char *state = ctrl_state(L, cb);
		const unsigned char *kb = g + L->keys_off + (uint64_t)i * L->key_stride;
		const unsigned char *eb = g + L->elems_off + (uint64_t)i * L->elem_stride;
		bool is_full = !strcmp(state, "full");
		if (is_full) {
			full++;
			struct gl_error *err = gl_map_add_entry(c, w, L->slot_key, kb, L->slot_elem, eb);
			if (err && !first_err)
				first_err = err;
			else
				gl_error_destroy(err);
		} else if (!strcmp(state, "deleted")) {
			st->deleted++;
		} else {
			st->empty++;
		}
		if (!jslots)
			continue;
		json_t *js = json_object();
		char buf[8];
		snprintf(buf, sizeof(buf), "0x%02x", cb);
		json_object_set_new(js, "slot", json_integer(i));
		json_object_set_new(js, "ctrl", json_string(buf));
		json_object_set_new(js, "state", json_string(state));
		json_object_set_new(js, "key_offset", json_integer((json_int_t)(kb - g)));
		json_object_set_new(js, "elem_offset", json_integer((json_int_t)(eb - g)));
		if (is_full) {
			json_object_set_new(js, "h2", json_integer(cb));
			gl_map_slot_json(c, w, L->slot_key, kb, L->slot_elem, eb, js);
		}
		json_array_append_new(jslots, js);
	}
	st->full += full;
	st->fill_hist[full]++;
	if (jg) {
		json_object_set_new(jg, "full", json_integer(full));
		json_object_set_new(jg, "slots", jslots);
		json_array_append_new(groups_json, jg);
	}
	return first_err;
}

/* Read and visit n groups at addr in one backend read. */
static struct gl_error *visit_groups(struct gl_ctx *c, struct gl_map_walk *w,
				     const struct swiss_layout *L, uint64_t addr, uint64_t n,
				     json_t *groups_json, struct swiss_stats *st)
{
	uint64_t gsize = L->group->size;
	if (n == 0 || gsize == 0 || n > GL_MAP_MAX_READ / gsize)
		return gl_error_create(GL_ERR_CORRUPT, "implausible group array: %llu groups of %llu bytes",
				       (unsigned long long)n, (unsigned long long)gsize);
	if (n * gsize > (1u << 20) &&
	    (!gl_mem_readable(c->mem, addr, 1) || !gl_mem_readable(c->mem, addr + n * gsize - 1, 1)))
		return gl_error_fault(addr, "cannot read %llu groups at 0x%llx", (unsigned long long)n,
				      (unsigned long long)addr);
	unsigned char *buf = malloc(n * gsize);
	if (!buf)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, addr, buf, n * gsize);
	if (err) {
		free(buf);
		return gl_error_wrap(err, "reading %llu groups at 0x%llx", (unsigned long long)n,
				     (unsigned long long)addr);
	}
	struct gl_error *first = NULL;
	for (uint64_t i = 0; i < n; i++) {
		st->groups++;
		st->slots += SLOTS;
		err = visit_group(c, w, L, buf + i * gsize, addr + i * gsize, st->total_groups++,
				  groups_json, st);
		if (err && !first)
			first = err;
		else
			gl_error_destroy(err);
	}
	st->bytes_groups += n * gsize;
	free(buf);
	return first;
}

static void header_json(struct gl_ctx *c, json_t *d, const struct swiss_layout *L,
			const unsigned char *h)
{
	(void)c;
	json_t *arr = json_array();
	const struct gl_type *H = L->hdr;
	char note[96];
	gl_map_header_field(arr, H, "used", h, NULL, "live entries");
	gl_map_header_field(arr, H, "seed", h, NULL, "hash seed");
	gl_map_header_field(arr, H, "dirPtr", h, NULL, NULL);
	bool ok = true;
	int64_t dirlen = gl_get_int(h + field_off(H, "dirLen", &ok), 8);
	snprintf(note, sizeof(note), dirlen == 0 ? "small map: dirPtr is one group" : "directory slots");
	gl_map_header_field(arr, H, "dirLen", h, NULL, note);
	uint8_t gd = h[field_off(H, "globalDepth", &ok)];
	snprintf(note, sizeof(note), "2^%u directory slots", gd);
	gl_map_header_field(arr, H, "globalDepth", h, NULL, note);
	gl_map_header_field(arr, H, "globalShift", h, NULL, "hash >> shift picks the slot");
	gl_map_header_field(arr, H, "writing", h, NULL,
			    h[field_off(H, "writing", &ok)] ? "a write is in progress" : "no write in progress");
	gl_map_header_field(arr, H, "tombstonePossible", h, NULL, NULL);
	gl_map_header_field(arr, H, "clearSeq", h, NULL, "bumped by clear()");
	json_object_set_new(d, "header", arr);
}

static void stats_json(json_t *d, const struct swiss_layout *L, const struct swiss_stats *st,
		       uint64_t used, const struct gl_map_walk *w)
{
	json_t *s = json_object();
	json_object_set_new(s, "entries", json_integer((json_int_t)used));
	json_object_set_new(s, "tables", json_integer((json_int_t)st->tables));
	json_object_set_new(s, "groups", json_integer((json_int_t)st->groups));
	json_object_set_new(s, "slots", json_integer((json_int_t)st->slots));
	json_object_set_new(s, "full", json_integer((json_int_t)st->full));
	json_object_set_new(s, "tombstones", json_integer((json_int_t)st->deleted));
	json_object_set_new(s, "empty", json_integer((json_int_t)st->empty));
	json_object_set_new(s, "load_factor", json_real(st->slots ? (double)st->full / (double)st->slots : 0));
	json_t *h = json_array();
	for (int i = 0; i <= SLOTS; i++)
		json_array_append_new(h, json_integer((json_int_t)st->fill_hist[i]));
	json_object_set_new(s, "group_fill_histogram", h);
	uint64_t key_sz = w->key_type ? w->key_type->size : 0, elem_sz = w->elem_type ? w->elem_type->size : 0;
	uint64_t stored = L->slot_key->size + L->slot_elem->size;
	uint64_t pad_per_slot = L->split ? 0 : L->slot_size - stored;
	json_object_set_new(s, "bytes_header", json_integer((json_int_t)L->hdr->size));
	json_object_set_new(s, "bytes_directory", json_integer((json_int_t)st->bytes_dir));
	json_object_set_new(s, "bytes_tables", json_integer((json_int_t)st->bytes_tables));
	json_object_set_new(s, "bytes_groups", json_integer((json_int_t)st->bytes_groups));
	json_object_set_new(s, "bytes_wasted_empty_slots",
			    json_integer((json_int_t)((st->empty + st->deleted) * L->slot_size)));
	json_object_set_new(s, "bytes_wasted_slot_padding", json_integer((json_int_t)(st->full * pad_per_slot)));
	json_object_set_new(s, "key_size", json_integer((json_int_t)key_sz));
	json_object_set_new(s, "elem_size", json_integer((json_int_t)elem_sz));
	json_object_set_new(d, "summary", s);
}

/* A table that cannot be decoded: say so in its JSON, keep the first
 * error for the command, and go on with the other tables. */
static void keep_table_error(json_t *tj, struct gl_error **first, struct gl_error *err)
{
	if (tj)
		json_object_set_new(tj, "error", gl_json_text(err->message));
	if (!*first)
		*first = err;
	else
		gl_error_destroy(err);
}

struct gl_error *gl_map_walk_swiss(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				   struct gl_map_walk *w)
{
	struct swiss_layout L;
	struct gl_error *err = layout_init(c, t, &L);
	if (err)
		return err;
	json_t *d = w->doc;
	unsigned char *h = malloc(L.hdr->size);
	if (!h)
		return &gl_error_nomem;
	if ((err = gl_mem_read(c->mem, ptr, h, L.hdr->size))) {
		free(h);
		return gl_error_wrap(err, "reading the map header %s at 0x%llx", L.hdr->name,
				     (unsigned long long)ptr);
	}
	bool ok = true;
	uint64_t used = gl_get_uint(h + field_off(L.hdr, "used", &ok), 8);
	uint64_t dir = gl_get_uint(h + field_off(L.hdr, "dirPtr", &ok), 8);
	int64_t dirlen = gl_get_int(h + field_off(L.hdr, "dirLen", &ok), 8);
	uint8_t gdepth = h[field_off(L.hdr, "globalDepth", &ok)];
	struct swiss_stats st = {0};
	json_t *tables_json = w->want_doc ? json_array() : NULL;
	json_t *groups_json = NULL;
	if (d) {
		json_object_set_new(d, "impl", json_string("swiss"));
		json_object_set_new(d, "groups_layout", json_string(L.split ? "split" : "interleaved"));
		json_object_set_new(d, "count", json_integer((json_int_t)used));
		json_object_set_new(d, "group_type", gl_json_text(L.group->name));
		json_object_set_new(d, "group_size", json_integer((json_int_t)L.group->size));
		json_object_set_new(d, "slot_size", json_integer((json_int_t)L.slot_size));
		json_object_set_new(d, "indirect_key", json_boolean(gl_map_slot_indirect(L.slot_key, w->key_type)));
		json_object_set_new(d, "indirect_elem", json_boolean(gl_map_slot_indirect(L.slot_elem, w->elem_type)));
		header_json(c, d, &L, h);
	}
	if (!ok) {
		err = gl_error_create(GL_ERR_NODWARF, "%s lacks expected fields", L.hdr->name);
		goto out;
	}
	if (dirlen == 0) {
		/* Small map: dirPtr points at a single group, no tables. */
		if (d)
			json_object_set_new(d, "small", json_true());
		if (dir == 0) {
			if (used)
				err = gl_error_create(GL_ERR_CORRUPT, "map has %llu entries but no group",
						      (unsigned long long)used);
			goto out;
		}
		json_t *tj = NULL;
		if (tables_json) {
			tj = json_object();
			groups_json = json_array();
			json_object_set_new(tj, "small_group", json_true());
		}
		err = visit_groups(c, w, &L, dir, 1, groups_json, &st);
		if (tj) {
			json_object_set_new(tj, "groups", groups_json);
			json_array_append_new(tables_json, tj);
		}
		goto out;
	}
	if (d)
		json_object_set_new(d, "small", json_false());
	if (dirlen < 0 || (uint64_t)dirlen > GL_MAP_MAX_DIRLEN || (dirlen & (dirlen - 1)) ||
	    gdepth > 24 || ((int64_t)1 << gdepth) != dirlen) {
		err = gl_error_create(GL_ERR_CORRUPT,
				      "garbage directory: dirLen %lld, globalDepth %u (corrupt map header?)",
				      (long long)dirlen, gdepth);
		goto out;
	}
	uint64_t *slots = malloc((size_t)dirlen * 8);
	if (!slots) {
		err = &gl_error_nomem;
		goto out;
	}
	if ((err = gl_mem_read(c->mem, dir, slots, (uint64_t)dirlen * 8))) {
		free(slots);
		err = gl_error_wrap(err, "reading the directory at 0x%llx", (unsigned long long)dir);
		goto out;
	}
	st.bytes_dir = (uint64_t)dirlen * 8;
	json_t *dir_json = d ? json_array() : NULL;
	/* A table with local depth l fills 2^(global-l) consecutive slots:
	 * show it once, at its first slot, and list the slots it owns. */
	struct gl_error *first = NULL;
	for (int64_t i = 0; i < dirlen; i++) {
		uint64_t tp = slots[i];
		if (dir_json)
			json_array_append_new(dir_json, gl_json_addr(tp));
		if (i > 0 && slots[i - 1] == tp)
			continue;
		int64_t j = i;
		while (j + 1 < dirlen && slots[j + 1] == tp)
			j++;
		st.tables++;
		unsigned char tb[64];
		const struct gl_type *T = L.table;
		json_t *tj = tables_json ? json_object() : NULL;
		if (tj) {
			gl_json_set_addr(tj, "address", tp);
			json_object_set_new(tj, "dir_first", json_integer(i));
			json_object_set_new(tj, "dir_last", json_integer(j));
			json_array_append_new(tables_json, tj);
		}
		if (T->size > sizeof(tb) || (err = gl_mem_read(c->mem, tp, tb, T->size))) {
			if (!err)
				err = gl_error_create(GL_ERR_LIMIT, "table type too large");
			err = gl_error_wrap(err, "reading table %lld at 0x%llx", (long long)i, (unsigned long long)tp);
			keep_table_error(tj, &first, err);
			err = NULL;
			continue;
		}
		st.bytes_tables += T->size;
		bool tok = true;
		const struct gl_field *gf = gl_type_field(T, "groups");
		uint64_t used_t = gl_get_uint(tb + field_off(T, "used", &tok), 2);
		uint64_t cap = gl_get_uint(tb + field_off(T, "capacity", &tok), 2);
		uint64_t growth = gl_get_uint(tb + field_off(T, "growthLeft", &tok), 2);
		uint64_t ldepth = tb[field_off(T, "localDepth", &tok)];
		int64_t index = gl_get_int(tb + field_off(T, "index", &tok), 8);
		uint64_t gdata = 0, mask = 0;
		if (gf) {
			gdata = gl_get_uint(tb + gf->offset + field_off(gf->type, "data", &tok), 8);
			mask = gl_get_uint(tb + gf->offset + field_off(gf->type, "lengthMask", &tok), 8);
		}
		if (tj) {
			json_object_set_new(tj, "used", json_integer((json_int_t)used_t));
			json_object_set_new(tj, "capacity", json_integer((json_int_t)cap));
			json_object_set_new(tj, "growth_left", json_integer((json_int_t)growth));
			json_object_set_new(tj, "local_depth", json_integer((json_int_t)ldepth));
			json_object_set_new(tj, "index", json_integer(index));
			gl_json_set_addr(tj, "groups_address", gdata);
			json_object_set_new(tj, "ngroups", json_integer((json_int_t)(mask + 1)));
		}
		uint64_t expect_slots = ldepth <= gdepth ? (uint64_t)1 << (gdepth - ldepth) : 0;
		if (tj && (uint64_t)(j - i + 1) != expect_slots)
			json_object_set_new(tj, "note", json_string("directory slots disagree with localDepth"));
		if (!gf || !tok || mask + 1 == 0 || (mask & (mask + 1)) || (mask + 1) * SLOTS != cap ||
		    mask + 1 > (1u << 16)) {
			err = gl_error_create(GL_ERR_CORRUPT,
					      "table at 0x%llx looks corrupt (capacity %llu, lengthMask %llu, "
					      "localDepth %llu in %lld slots)",
					      (unsigned long long)tp, (unsigned long long)cap,
					      (unsigned long long)mask, (unsigned long long)ldepth,
					      (long long)(j - i + 1));
			keep_table_error(tj, &first, err);
			err = NULL;
			continue;
		}
		groups_json = tj ? json_array() : NULL;
		err = visit_groups(c, w, &L, gdata, mask + 1, groups_json, &st);
		if (tj)
			json_object_set_new(tj, "groups", groups_json);
		if (err) {
			keep_table_error(tj, &first, err);
			err = NULL;
		}
	}
	free(slots);
	if (d) {
		json_t *dj = json_object();
		gl_json_set_addr(dj, "address", dir);
		json_object_set_new(dj, "len", json_integer(dirlen));
		json_object_set_new(dj, "global_depth", json_integer(gdepth));
		json_object_set_new(dj, "slots", dir_json);
		json_object_set_new(d, "directory", dj);
	}
	err = first;
out:
	if (d) {
		if (tables_json)
			json_object_set_new(d, "tables", tables_json);
		json_object_set_new(d, "groups_shown", json_integer(st.shown));
		json_object_set_new(d, "groups_total", json_integer(st.total_groups));
		stats_json(d, &L, &st, used, w);
	}
	if (!err && st.full != used && !w->entries_truncated)
		err = gl_error_create(GL_ERR_CORRUPT,
				      "header says %llu entries but %llu full slots were found",
				      (unsigned long long)used, (unsigned long long)st.full);
	free(h);
	return err;
}
