/* fmt's key order for maps (internal/fmtsort), on the raw bytes of the
 * collected entries, so that %v and --json list entries as Go prints them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maps.h"
#include "base/arena.h"
#include "base/le.h"
#include "gotypes/rtype.h"

/* ---- fmt's key order (internal/fmtsort) ------------------------------------ */

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_f(double a, double b)
{
	if (isnan(a) || isnan(b)) /* NaN sorts first */
		return isnan(a) && !isnan(b) ? -1 : !isnan(a) && isnan(b) ? 1 : 0;
	return a < b ? -1 : a > b;
}

static double get_f(const struct gl_type *t, const unsigned char *b)
{
	if (t->size == 4) {
		float f;
		memcpy(&f, b, 4);
		return f;
	}
	double d;
	memcpy(&d, b, 8);
	return d;
}

/* Word i of a string header or interface value: the target's pointer size. */
static uint64_t word(const struct gl_ctx *c, const unsigned char *p, unsigned i)
{
	return gl_get_uint(p + (uint64_t)i * (unsigned)c->t->ptr_size, (unsigned)c->t->ptr_size);
}

static int cmp_strings(struct gl_ctx *c, const unsigned char *a, const unsigned char *b)
{
	uint64_t pa = word(c, a, 0), la = word(c, a, 1);
	uint64_t pb = word(c, b, 0), lb = word(c, b, 1);
	unsigned char ba[GL_PAGE_SIZE], bb[GL_PAGE_SIZE]; /* a page a step: long keys in few reads */
	if (pa == pb) /* the same bytes (corrupt keys may share megabytes) */
		return cmp_u(la, lb);
	for (uint64_t off = 0; off < la && off < lb; off += sizeof(ba)) {
		uint64_t n = la - off < lb - off ? la - off : lb - off;
		if (n > sizeof(ba))
			n = sizeof(ba);
		if (!gl_mem_try_read(c->mem, pa + off, ba, n) || !gl_mem_try_read(c->mem, pb + off, bb, n))
			return cmp_u(pa, pb);
		int r = memcmp(ba, bb, n);
		if (r)
			return r < 0 ? -1 : 1;
	}
	return cmp_u(la, lb);
}

static int cmp_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
		     const unsigned char *b, int depth);

/* Two interface values (a, b: type and data words) whose dynamic type is
 * dt in both: by value. */
static int cmp_dynamic_values(struct gl_ctx *c, const struct gl_type *dt, const unsigned char *a,
			      const unsigned char *b, int depth)
{
	unsigned char va[64], vb[64];
	uint64_t w = (unsigned)c->t->ptr_size; /* the data word follows the type word */
	if (gl_type_is_direct_iface(dt))
		return cmp_value(c, dt, a + w, b + w, depth + 1);
	if (dt->size > sizeof(va))
		return cmp_u(word(c, a, 1), word(c, b, 1));
	bool ok = gl_mem_try_read(c->mem, word(c, a, 1), va, dt->size) &&
		  gl_mem_try_read(c->mem, word(c, b, 1), vb, dt->size);
	return ok ? cmp_value(c, dt, va, vb, depth + 1) : 0;
}

/* Two interface values by their type words ta, tb (dynamic types da, db,
 * NULL when unknown), then by value. */
static int cmp_interfaces(struct gl_ctx *c, uint64_t ta, const struct gl_type *da, uint64_t tb,
			  const struct gl_type *db, const unsigned char *a, const unsigned char *b, int depth)
{
	if (ta != tb || !da || !db)
		return cmp_u(ta, tb);
	return cmp_dynamic_values(c, da, a, b, depth);
}

/* fmtsort.compare on raw bytes: numbers by value, strings by bytes,
 * pointers and channels by address, arrays and structs element by
 * element, interfaces by dynamic type, then value. */
static int cmp_value(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
		     const unsigned char *b, int depth)
{
	if (depth > 16)
		return 0;
	switch (t->kind) {
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64: {
		int64_t x = gl_get_int(a, t->size), y = gl_get_int(b, t->size);
		return x < y ? -1 : x > y;
	}
	case GL_K_FLOAT32: case GL_K_FLOAT64:
		return cmp_f(get_f(t, a), get_f(t, b));
	case GL_K_COMPLEX64: case GL_K_COMPLEX128: {
		struct gl_type half = {.kind = GL_K_FLOAT64, .size = t->size / 2};
		int r = cmp_f(get_f(&half, a), get_f(&half, b));
		return r ? r : cmp_f(get_f(&half, a + half.size), get_f(&half, b + half.size));
	}
	case GL_K_STRING:
		return cmp_strings(c, a, b);
	case GL_K_ARRAY:
		for (uint64_t i = 0; t->elem && i < t->count; i++) {
			int r = cmp_value(c, t->elem, a + i * t->elem->size, b + i * t->elem->size, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields; i++) {
			const struct gl_field *f = &t->fields[i];
			int r = cmp_value(c, f->type, a + f->offset, b + f->offset, depth + 1);
			if (r)
				return r;
		}
		return 0;
	case GL_K_INTERFACE: {
		uint64_t ta, tb;
		struct gl_type *da = gl_iface_dynamic_type(c, t, a, &ta);
		struct gl_type *db = gl_iface_dynamic_type(c, t, b, &tb);
		return cmp_interfaces(c, ta, da, tb, db, a, b, depth);
	}
	default: /* bool, unsigned, pointers, chans, unsafe.Pointer */
		return cmp_u(gl_get_uint(a, t->size), gl_get_uint(b, t->size));
	}
}

/* ---- keys that order as one 64-bit number: a radix sort ------------------ */

/* The key as an unsigned number in fmt's order, for the kinds whose
 * cmp_value compares one number: ints (sign bit flipped), uints, bools,
 * pointers, chans, and floats (NaN first, -0 as +0, negatives below
 * positives). False for other kinds. */
static bool order_word(const struct gl_type *t, const unsigned char *b, uint64_t *out)
{
	switch (t->kind) {
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64:
		*out = (uint64_t)gl_get_int(b, t->size) ^ (1ull << 63);
		return true;
	case GL_K_UINT: case GL_K_UINT8: case GL_K_UINT16: case GL_K_UINT32: case GL_K_UINT64:
	case GL_K_UINTPTR: case GL_K_BOOL: case GL_K_POINTER: case GL_K_CHAN: case GL_K_UNSAFEPOINTER:
		*out = gl_get_uint(b, t->size);
		return true;
	case GL_K_FLOAT32: case GL_K_FLOAT64: {
		double d = get_f(t, b);
		uint64_t u;
		if (isnan(d)) {
			*out = 0;
			return true;
		}
		if (d == 0)
			d = 0; /* -0 == +0 */
		memcpy(&u, &d, 8);
		/* no finite double maps to 0: NaN stays below every number */
		*out = (u >> 63) ? ~u : u | (1ull << 63);
		return true;
	}
	default:
		return false;
	}
}

/* Sort the entries by their keys' order words, least significant byte
 * first; each pass is stable, so equal keys keep their memory order, as
 * cmp_entries' index tie-break has them. Passes whose byte is the same
 * in every key are skipped (the high bytes of small ints).
 *
 * The passes move (order word, key pointer) pairs, read and written in
 * sequence, and the keys are read once, in memory order: reading them
 * through the pointers in each pass, in the order of the pass before,
 * costs a cache and TLB miss per key (a million keys make a 16 MB arena).
 * Then the keys and elements are copied once, in sorted order, into one
 * block, so that formatting them reads memory in sequence too. Relies on
 * gl_map_add_entry's layout (an entry's element right after its key) and
 * on nothing but the list's entries pointing into its arena.
 * Returns false (the entries then in their order before the sort) when
 * out of memory or stopped by the user. */
#define PREFETCH_AHEAD 16

struct keyed {
	uint64_t w;
	unsigned char *key;
};

static bool radix_sort(struct gl_ctx *c, struct gl_map_entries *e)
{
	size_t n = e->n;
	const struct gl_type *kt = e->key_type;
	uint64_t ks = kt->size;
	struct gl_map_entry *v = e->v;
	struct keyed *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	size_t (*count)[256] = calloc(8, sizeof(*count));
	uint64_t w = 0, first = 0;
	bool ok = a && b && count && n <= SIZE_MAX / sizeof(*a);
	for (size_t i = 0; ok && i < n; i++) {
		ok = v[i].elem == v[i].key + ks;
		order_word(kt, v[i].key, &w);
		a[i] = (struct keyed){w, v[i].key};
		for (unsigned d = 0; d < 8; d++)
			count[d][(w >> (8 * d)) & 0xff]++;
		if (i == 0)
			first = w;
	}
	for (unsigned d = 0; ok && d < 8; d++) {
		if (count[d][(first >> (8 * d)) & 0xff] == n)
			continue; /* one value of this byte: the pass changes nothing */
		if (gl_interrupted(c)) {
			ok = false;
			break;
		}
		size_t pos[256], sum = 0;
		for (unsigned k = 0; k < 256; k++) {
			pos[k] = sum;
			sum += count[d][k];
		}
		for (size_t i = 0; i < n; i++)
			b[pos[(a[i].w >> (8 * d)) & 0xff]++] = a[i];
		struct keyed *t = a;
		a = b;
		b = t;
	}
	free(b);
	free(count);
	if (!ok) {
		free(a);
		return false;
	}
	/* the block goes to an arena of its own, which then replaces the
	 * list's (only v points into it): the entries are not held twice
	 * while they are formatted */
	uint64_t es = e->elem_type ? e->elem_type->size : 0, rec = ks + es;
	struct gl_arena packed = {0};
	unsigned char *pack = e->elem_type && rec && n <= SIZE_MAX / rec ? gl_arena_alloc(&packed, n * rec) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			__builtin_prefetch(a[i + PREFETCH_AHEAD].key);
		unsigned char *k = a[i].key;
		if (pack) {
			memcpy(pack + i * rec, k, rec);
			k = pack + i * rec;
		}
		v[i].key = k;
		v[i].elem = k + ks;
	}
	free(a);
	if (pack) {
		gl_arena_free(&e->bytes);
		e->bytes = packed;
	}
	return true;
}

/* ---- other keys: a comparison sort ----------------------------------------- */

/* An interface key's type word and dynamic type. */
struct dynamic {
	uint64_t tp;
	const struct gl_type *dt;
};

struct sort_ctx {
	struct gl_ctx *c;
	const struct gl_type *kt;
	const struct gl_map_entry *e;
	/* interface keys: each key's dynamic type, found once (not at each
	 * of the n log n comparisons: a non-empty interface's itab is read
	 * to find it) */
	const struct dynamic *dyn;
	uint32_t calls;  /* comparisons since the last look for a Ctrl-C */
	bool stop;       /* Ctrl-C: every pair compares equal, qsort ends soon */
};

static int cmp_entries(const void *x, const void *y, void *arg)
{
	struct sort_ctx *s = arg;
	/* sorting a million entries takes a second: it can be stopped too */
	if (++s->calls == 1u << 14) {
		s->calls = 0;
		s->stop = gl_interrupted(s->c);
	}
	if (s->stop)
		return 0;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int r = s->dyn ? cmp_interfaces(s->c, s->dyn[i].tp, s->dyn[i].dt, s->dyn[j].tp, s->dyn[j].dt,
					s->e[i].key, s->e[j].key, 0)
		       : cmp_value(s->c, s->kt, s->e[i].key, s->e[j].key, 0);
	return r ? r : (i < j ? -1 : i > j);
}

/* ---- string keys: a byte-wise radix sort ------------------------------------ */

/* A string key read out of the target, and the entry it belongs to. */
struct skey {
	const unsigned char *p;
	uint32_t len, i;
};

/* Byte d of k, 1..256, or 0 when k ends before d (it sorts first). */
static unsigned sbyte(const struct skey *k, size_t d)
{
	return d < k->len ? (unsigned)k->p[d] + 1 : 0;
}

/* k below l in fmt's order, the bytes before d being equal; equal
 * strings (a corrupt map) by memory order, as cmp_entries has them. */
static bool sless(const struct skey *k, const struct skey *l, size_t d)
{
	size_t n = (k->len < l->len ? k->len : l->len);
	int r = n > d ? memcmp(k->p + d, l->p + d, n - d) : 0;
	if (r)
		return r < 0;
	return k->len != l->len ? k->len < l->len : k->i < l->i;
}

static int cmp_skey_index(const void *x, const void *y)
{
	const struct skey *k = x, *l = y;
	return k->i < l->i ? -1 : k->i > l->i;
}

#define SMALL_RUN 24

/* Most significant byte first, in place (American flag sort): keys with
 * byte d = b move to bucket b, then each bucket is sorted from byte d+1;
 * small runs by insertion. The depth is the keys' common prefix, so the
 * recursion is bounded by GL_MAX_VALUE_BYTES; it checks for a Ctrl-C on
 * large runs (false: stopped, the keys in some order). */
static bool msd_sort(struct gl_ctx *c, struct skey *k, size_t n, size_t d)
{
	if (n < SMALL_RUN) {
		for (size_t i = 1; i < n; i++) {
			struct skey x = k[i];
			size_t j = i;
			for (; j > 0 && sless(&x, &k[j - 1], d); j--)
				k[j] = k[j - 1];
			k[j] = x;
		}
		return true;
	}
	if (n > 4096 && gl_interrupted(c))
		return false;
	size_t count[257] = {0}, start[257], next[257];
	for (size_t i = 0; i < n; i++)
		count[sbyte(&k[i], d)]++;
	size_t sum = 0;
	for (unsigned b = 0; b < 257; b++) {
		start[b] = next[b] = sum;
		sum += count[b];
	}
	for (unsigned b = 0; b < 257; b++) {
		/* put every key of bucket b's slots where it belongs */
		while (next[b] < start[b] + count[b]) {
			unsigned kb = sbyte(&k[next[b]], d);
			if (kb == b) {
				next[b]++;
				continue;
			}
			struct skey t = k[next[kb]];
			k[next[kb]++] = k[next[b]];
			k[next[b]] = t;
		}
	}
	/* bucket 0 holds equal strings (they all end at d): by memory order */
	if (count[0] > 1)
		qsort(k, count[0], sizeof(*k), cmp_skey_index);
	for (unsigned b = 1; b < 257; b++)
		if (count[b] > 1 && !msd_sort(c, k + start[b], count[b], d + 1))
			return false;
	return true;
}

/* Read every key's bytes once (the sort then compares memory, not reads
 * through the cache), sort, and order the entries so. False when a key
 * cannot be read or memory runs out (the comparison sort then compares
 * what it can), or when stopped by the user. */
static bool string_sort(struct gl_ctx *c, struct gl_map_entries *e)
{
	size_t n = e->n;
	struct gl_arena bytes = {0};
	struct skey *k = n <= UINT32_MAX ? malloc(n * sizeof(*k)) : NULL;
	bool ok = k != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		if (gl_interrupted(c)) {
			ok = false;
			break;
		}
		uint64_t p = word(c, e->v[i].key, 0), l = word(c, e->v[i].key, 1);
		/* a corrupt length over a short mapping fails at its last
		 * byte, before its bytes are allocated and read */
		unsigned char *text = l <= GL_MAX_VALUE_BYTES && (l <= GL_PAGE_SIZE || gl_mem_readable(c->mem, p + (l - 1), 1))
					      ? gl_arena_alloc(&bytes, l)
					      : NULL;
		struct gl_error *err = text && l ? gl_mem_read(c->mem, p, text, l) : NULL;
		ok = text && !err;
		gl_error_destroy(err);
		k[i] = (struct skey){text, (uint32_t)l, (uint32_t)i};
	}
	ok = ok && msd_sort(c, k, n, 0);
	gl_arena_free(&bytes);
	struct gl_map_entry *sorted = ok ? malloc(n * sizeof(*sorted)) : NULL;
	if (sorted) {
		for (size_t i = 0; i < n; i++)
			sorted[i] = e->v[k[i].i];
		free(e->v);
		e->v = sorted;
		e->cap = n;
	}
	free(k);
	return sorted != NULL;
}

void gl_map_sort_entries(struct gl_ctx *c, struct gl_map_entries *e)
{
	uint64_t w;
	if (!e->key_type || e->n < 2 || gl_interrupted(c))
		return; /* stopped by the user: the entries stay in memory order */
	if (order_word(e->key_type, e->v[0].key, &w) && (radix_sort(c, e) || gl_interrupted(c)))
		return;
	if (e->key_type->kind == GL_K_STRING && (string_sort(c, e) || gl_interrupted(c)))
		return;
	size_t *idx = malloc(e->n * sizeof(*idx));
	struct gl_map_entry *sorted = malloc(e->n * sizeof(*sorted));
	struct dynamic *dyn = NULL;
	if (idx && sorted && e->key_type->kind == GL_K_INTERFACE && (dyn = malloc(e->n * sizeof(*dyn))))
		for (size_t i = 0; i < e->n; i++) {
			if (i % 4096 == 4095 && gl_interrupted(c))
				break; /* (then no sort: the check below) */
			dyn[i].dt = gl_iface_dynamic_type(c, e->key_type, e->v[i].key, &dyn[i].tp);
		}
	if (idx && sorted) {
		for (size_t i = 0; i < e->n; i++)
			idx[i] = i;
		struct sort_ctx s = {.c = c, .kt = e->key_type, .e = e->v, .dyn = dyn};
		/* stopped by the user: the entries stay in memory order */
		if (!gl_interrupted(c))
			qsort_r(idx, e->n, sizeof(*idx), cmp_entries, &s);
		for (size_t i = 0; i < e->n; i++)
			sorted[i] = e->v[idx[i]];
		memcpy(e->v, sorted, e->n * sizeof(*sorted));
	}
	free(idx);
	free(sorted);
	free(dyn);
}
