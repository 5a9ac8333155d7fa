/* Slices: the header, the backing array and where it lives, the heap
 * allocation behind it (size class slack), the next append's growth, the
 * elements [0:len) and the reserved capacity [len:cap) as bytes, and which
 * of several slices share one backing array and where they overlap.
 * A typed model: doc/slice_doc.c and render/slice_text.c spell it. */
#ifndef GL_SLICE_H
#define GL_SLICE_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/value.h"
#include "gotypes/struct_layout.h"
#include "runtime/home.h"

#define GL_SLICES_MAX 16
/* Zero-size elements listed at most (they cost no reads, only output). */
#define GL_SLICE_MAX_ZERO_SIZE 100000

/* How far a slice was decoded. */
enum gl_slice_stage {
	GL_SLICE_NONE,     /* the expression did not give a slice */
	GL_SLICE_TYPED,    /* a slice value, but its type lacks array/len/cap */
	GL_SLICE_HEADER,   /* header, home, allocation, element layout; corrupt beyond */
	GL_SLICE_ELEMENTS, /* consistent: growth (if known) and elements too */
};

/* Which runtime.growslice rule the next append follows. */
enum gl_growth_rule {
	GL_GROW_ZERO_SIZE, /* zero-size elements: no allocation, cap = len */
	GL_GROW_DOUBLE,    /* cap < 256 */
	GL_GROW_QUARTER,   /* grow by (cap + 768) / 4 until it fits */
};
const char *gl_growth_rule_name(enum gl_growth_rule r);

/* The heap slot that holds the backing array. */
struct gl_slice_alloc {
	uint64_t object_base, slot_bytes, offset, cap_bytes, slack;
	int size_class; /* 0: a large object */
};

struct gl_slice_growth {
	uint64_t append_len, new_cap, new_alloc_bytes;
	enum gl_growth_rule rule;
};

/* Elements read in one piece: count of them; bytes is NULL when the
 * elements have size zero (nothing to read) or none were read. */
struct gl_slice_elems {
	uint64_t count;
	unsigned char *bytes;
};

struct gl_slice {
	const char *expr;
	enum gl_slice_stage stage;
	struct gl_value v;             /* the header's value (>= GL_SLICE_TYPED; the caller's) */
	uint64_t *header;              /* >= HEADER: each field of v.type, as read */
	uint64_t array, len, cap, es;  /* es: the element size */
	const struct gl_type *elem;    /* NULL if DWARF does not say */
	bool nil;
	struct gl_home home;           /* of the array */
	bool has_alloc;
	struct gl_slice_alloc alloc;
	bool has_layout;               /* struct elements */
	struct gl_struct_layout layout;
	bool has_growth;               /* the size classes could be read */
	struct gl_slice_growth growth;
	uint64_t elements_shown;       /* [0:min(len, limit)) asked for */
	struct gl_slice_elems elems;   /* from index 0 */
	struct gl_slice_elems beyond;  /* from index len */
	char *error;                   /* why decoding stopped, or NULL */
	int array_group;               /* index into gl_slice_set.arrays, or -1 */
};

/* A window of one slice over a shared backing array. */
struct gl_slice_member {
	int slice;      /* index into gl_slice_set.slices */
	uint64_t start; /* element index of the slice's array */
};

/* Two slices whose [0:len) windows overlap: from..to in bytes, and the
 * element ranges of each. */
struct gl_slice_overlap {
	int a, b;
	uint64_t from, to, elements;
	uint64_t a_lo, a_hi, b_lo, b_hi;
};

/* One backing array and the slices that use it. */
struct gl_slice_array {
	uint64_t base, end, es;
	int nmembers;
	struct gl_slice_member members[GL_SLICES_MAX];
	int first_overlap, noverlaps; /* into gl_slice_set.overlaps */
};

struct gl_slice_set {
	int n;
	struct gl_slice slices[GL_SLICES_MAX];
	int narrays;
	struct gl_slice_array arrays[GL_SLICES_MAX];
	int noverlaps;
	struct gl_slice_overlap overlaps[GL_SLICES_MAX * (GL_SLICES_MAX - 1) / 2];
};

/* An empty model for the slice expression expr names (GL_SLICE_NONE). */
void gl_slice_init(struct gl_slice *s, const char *expr);
/* Decode the slice value the caller evaluated into s->v; limit bounds the
 * elements read on each side of len. The model keeps what was decoded, also
 * on error (s->error says it). */
struct gl_error *gl_slice_decode(struct gl_ctx *c, uint64_t limit, struct gl_slice *s);
/* cap * es in *bytes when the header was read, cap is below 2^63 and
 * [array, array + cap * es) lies within the 64-bit address space; false
 * otherwise (a corrupt header: the product would wrap). */
bool gl_slice_cap_bytes(const struct gl_slice *s, uint64_t *bytes);
/* The header is consistent: gl_slice_cap_bytes holds and len <= cap. */
bool gl_slice_header_sane(const struct gl_slice *s);
/* Frees what decoding allocated; s->v stays the caller's. */
void gl_slice_deinit(struct gl_slice *s);
/* Group the decoded slices of set by backing array, with their overlaps. */
void gl_slice_sharing(struct gl_slice_set *set);

#endif
