/* Map decoding shared by the classic (hmap/bmap) and swiss (Map/table/
 * group) decoders: the walk state they fill, and the entry list used both
 * by `golayout map` and by %v printing of maps. */
#ifndef GL_MAPS_H
#define GL_MAPS_H

#include "doc/doc.h" /* transitional: the decoder still builds JSON */
#include "target/ctx.h"
#include "target/types.h"

/* Hard bounds, checked before any loop or allocation. */
#define GL_MAP_MAX_B 30                   /* 2^30 buckets would be 200+ GiB */
#define GL_MAP_MAX_DIRLEN (1u << 24)
#define GL_MAP_MAX_OVERFLOW (1u << 24)    /* overflow buckets followed in all */
#define GL_MAP_MAX_READ (512ull << 20)    /* largest bucket/group array read */

struct gl_map_entry {
	unsigned char *key;  /* key_type->size bytes */
	unsigned char *elem; /* elem_type->size bytes */
};

struct gl_map_walk {
	/* in */
	bool want_doc;        /* build the layout parts of the document */
	bool want_entries;
	size_t max_entries;   /* stop collecting entries after this many */
	long show_limit;      /* buckets/groups drawn in full; -1 = all */
	long only_index;      /* --bucket/--group: draw only this one; -1 = all */
	/* out */
	json_t *doc;          /* the document (set by the caller) */
	struct gl_type *key_type, *elem_type;
	struct gl_map_entry *entries;
	size_t nentries, entries_cap;
	bool entries_truncated;
	uint64_t reads_before;
};

/* Decode the map whose header (hmap / Map) is at ptr. On error the walk
 * keeps whatever was decoded. t is the map type (kind GL_K_MAP). */
struct gl_error *gl_map_walk_run(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				 struct gl_map_walk *w);
struct gl_error *gl_map_walk_swiss(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				   struct gl_map_walk *w);
struct gl_error *gl_map_walk_classic(struct gl_ctx *c, const struct gl_type *t, uint64_t ptr,
				     struct gl_map_walk *w);
void gl_map_walk_deinit(struct gl_map_walk *w);

/* Record one entry. Slot bytes may hold a pointer to the key or element
 * (indirect, > 128 bytes): pass the slot type and the decoder follows it. */
struct gl_error *gl_map_add_entry(struct gl_ctx *c, struct gl_map_walk *w,
				  const struct gl_type *slot_key, const unsigned char *kb,
				  const struct gl_type *slot_elem, const unsigned char *eb);
/* "key", "value" (%v), and "key_indirect"/"elem_indirect" addresses of
 * one full slot, into js. */
void gl_map_slot_json(struct gl_ctx *c, const struct gl_map_walk *w, const struct gl_type *slot_key,
		      const unsigned char *kb, const struct gl_type *slot_elem, const unsigned char *eb,
		      json_t *js);
/* Whether a slot type is a pointer standing for the real key/elem type. */
bool gl_map_slot_indirect(const struct gl_type *slot, const struct gl_type *real);

/* Sort entries as fmt prints maps (internal/fmtsort order). */
void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_walk *w);

/* Small JSON helpers for header tables: {name, offset, size, type, value, note}. */
void gl_map_header_field(json_t *arr, const struct gl_type *hdr, const char *field,
			 const unsigned char *bytes, const char *value, const char *note);

#endif
