/* Slices decoded into runtime/slice.h's model: no JSON, no text. */
#include <stdlib.h>
#include <string.h>

#include "gotypes/sizeclass.h"
#include "runtime/slice.h"

const char *gl_growth_rule_name(enum gl_growth_rule r)
{
	switch (r) {
	case GL_GROW_ZERO_SIZE:
		return "zero-size elements: no allocation, cap = len";
	case GL_GROW_DOUBLE:
		return "double (cap < 256)";
	case GL_GROW_QUARTER:
		return "grow by (cap + 768) / 4 until it fits";
	}
	return "?";
}

/* Elements [from, to) read in one piece, at most GL_MAX_VALUE_BYTES. */
static struct gl_error *read_elems(struct gl_ctx *c, const struct gl_slice *s, uint64_t from,
				   uint64_t to, struct gl_slice_elems *out)
{
	if (to <= from || !s->elem)
		return NULL;
	uint64_t n = to - from, es = s->es;
	if (es == 0) {
		/* nothing to read: every element is {}; still a bounded count,
		 * whatever --limit asked for */
		out->count = n < GL_SLICE_MAX_ZERO_SIZE ? n : GL_SLICE_MAX_ZERO_SIZE;
		return NULL;
	}
	if (n > GL_MAX_VALUE_BYTES / es)
		n = GL_MAX_VALUE_BYTES / es;
	unsigned char *buf = malloc(n * es);
	if (!buf)
		return &gl_error_nomem;
	struct gl_error *err = gl_mem_read(c->mem, s->array + from * es, buf, n * es);
	if (err) {
		free(buf);
		return gl_error_wrap(err, "reading elements [%llu:%llu) at 0x%llx", (unsigned long long)from,
				     (unsigned long long)to, (unsigned long long)(s->array + from * es));
	}
	out->count = n;
	out->bytes = buf;
	return NULL;
}

bool gl_slice_cap_bytes(const struct gl_slice *s, uint64_t *bytes)
{
	if (s->stage < GL_SLICE_HEADER || (int64_t)s->cap < 0 ||
	    (s->es && s->cap > (UINT64_MAX - s->array) / s->es))
		return false;
	*bytes = s->cap * s->es;
	return true;
}

bool gl_slice_header_sane(const struct gl_slice *s)
{
	uint64_t bytes;
	return gl_slice_cap_bytes(s, &bytes) && s->len <= s->cap;
}

/* The heap slot behind the array, from its real span: the slot's size
 * class and the bytes left after cap*elemsize. */
static void allocation(struct gl_slice *s)
{
	const struct gl_home *h = &s->home;
	uint64_t bytes;
	if (!gl_home_has_object(h) || s->array < h->object_base || !gl_slice_cap_bytes(s, &bytes) ||
	    h->object_base + h->elemsize < h->object_base ||
	    s->array + bytes > h->object_base + h->elemsize)
		return;
	s->has_alloc = true;
	s->alloc = (struct gl_slice_alloc){
		.object_base = h->object_base,
		.slot_bytes = h->elemsize,
		.offset = s->array - h->object_base,
		.cap_bytes = bytes,
		.slack = h->object_base + h->elemsize - s->array - bytes,
		.size_class = h->size_class,
	};
}

/* What the next append beyond cap allocates (runtime.growslice). */
static void growth(struct gl_ctx *c, struct gl_slice *s)
{
	struct gl_sizeclasses sc;
	struct gl_error *err = gl_sizeclasses_load(c, &sc);
	bool noscan = s->elem ? !gl_type_has_pointers(s->elem) : true;
	/* the new capacity is at most about twice the old: its bytes must not
	 * wrap either (no real slice comes near) */
	bool fits = s->es == 0 || s->cap <= (1ull << 62) / s->es;
	if (fits && (!err || s->es == 0)) {
		uint64_t alloc = 0, nc = s->cap + 1;
		if (s->es)
			nc = gl_growslice_cap(&sc, s->cap, s->cap + 1, s->es, noscan, &alloc);
		s->has_growth = true;
		s->growth = (struct gl_slice_growth){
			.append_len = s->cap + 1,
			.new_cap = nc,
			.new_alloc_bytes = alloc,
			.rule = s->es == 0 ? GL_GROW_ZERO_SIZE : s->cap < 256 ? GL_GROW_DOUBLE : GL_GROW_QUARTER,
		};
	}
	gl_error_destroy(err);
}

static struct gl_error *read_header(struct gl_slice *s)
{
	const struct gl_type *t = s->v.type;
	const struct gl_field *fa = gl_type_field(t, "array"), *fl = gl_type_field(t, "len"),
			      *fc = gl_type_field(t, "cap");
	if (!fa || !fl || !fc)
		return gl_error_create(GL_ERR_NODWARF, "slice type %s lacks array/len/cap", t->name);
	s->header = calloc(t->nfields ? t->nfields : 1, sizeof(*s->header));
	if (!s->header)
		return &gl_error_nomem;
	for (size_t i = 0; i < t->nfields; i++)
		s->header[i] = gl_get_uint(s->v.bytes + t->fields[i].offset, t->fields[i].type->size);
	s->array = gl_get_uint(s->v.bytes + fa->offset, fa->type->size);
	s->len = gl_get_uint(s->v.bytes + fl->offset, fl->type->size);
	s->cap = gl_get_uint(s->v.bytes + fc->offset, fc->type->size);
	s->elem = t->elem;
	s->es = s->elem ? s->elem->size : 0;
	s->nil = s->array == 0 && s->len == 0 && s->cap == 0;
	s->stage = GL_SLICE_HEADER;
	return NULL;
}

static struct gl_error *decode(struct gl_ctx *c, uint64_t limit, struct gl_slice *s)
{
	struct gl_error *err;
	s->stage = GL_SLICE_TYPED;
	if ((err = read_header(s)))
		return err;
	gl_home_of(c, s->array, &s->home);
	allocation(s);
	if (s->elem && s->elem->kind == GL_K_STRUCT) {
		s->has_layout = true;
		if ((err = gl_struct_layout(s->elem, (unsigned)c->t->ptr_size, &s->layout)))
			return err;
	}
	if ((int64_t)s->len < 0 || (int64_t)s->cap < 0 || s->len > s->cap)
		return gl_error_create(GL_ERR_CORRUPT, "%s: len %lld > cap %lld or negative: corrupt slice header",
				       s->expr, (long long)s->len, (long long)s->cap);
	if (s->array == 0 && s->cap > 0)
		return gl_error_create(GL_ERR_CORRUPT, "%s: nil array with cap %llu: corrupt slice header",
				       s->expr, (unsigned long long)s->cap);
	if (!gl_slice_header_sane(s))
		return gl_error_create(GL_ERR_CORRUPT,
				       "%s: cap %llu x %llu bytes at 0x%llx runs past the end of the address "
				       "space: corrupt slice header",
				       s->expr, (unsigned long long)s->cap, (unsigned long long)s->es,
				       (unsigned long long)s->array);
	growth(c, s);
	s->stage = GL_SLICE_ELEMENTS;
	uint64_t n1 = s->len < limit ? s->len : limit;
	uint64_t n2 = s->cap - s->len < limit ? s->cap - s->len : limit;
	s->elements_shown = n1;
	err = read_elems(c, s, 0, n1, &s->elems);
	if (!err)
		err = read_elems(c, s, s->len, s->len + n2, &s->beyond);
	return err;
}

void gl_slice_init(struct gl_slice *s, const char *expr)
{
	memset(s, 0, sizeof(*s));
	s->expr = expr;
	s->array_group = -1;
}

struct gl_error *gl_slice_decode(struct gl_ctx *c, uint64_t limit, struct gl_slice *s)
{
	struct gl_error *err = decode(c, limit, s);
	if (err && !(s->error = strdup(err->message))) {
		gl_error_destroy(err);
		return &gl_error_nomem;
	}
	return err;
}

void gl_slice_deinit(struct gl_slice *s)
{
	if (s->has_layout)
		gl_struct_layout_deinit(&s->layout);
	free(s->header);
	free(s->elems.bytes);
	free(s->beyond.bytes);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

/* ---- sharing ------------------------------------------------------------- */

/* Only a consistent header places a slice on an array: the sums below
 * cannot wrap then. */
static bool on_array(const struct gl_slice *s)
{
	return gl_slice_header_sane(s) && s->array;
}

/* Slices i and j whose [0:len) windows overlap, as an overlap record. */
static bool overlap(const struct gl_slice_set *set, int i, int j, uint64_t es,
		    struct gl_slice_overlap *o)
{
	const struct gl_slice *a = &set->slices[i], *b = &set->slices[j];
	uint64_t a0 = a->array, a1 = a0 + a->len * es;
	uint64_t b0 = b->array, b1 = b0 + b->len * es;
	uint64_t o0 = a0 > b0 ? a0 : b0, o1 = a1 < b1 ? a1 : b1;
	if (o0 >= o1)
		return false;
	*o = (struct gl_slice_overlap){
		.a = i, .b = j, .from = o0, .to = o1, .elements = (o1 - o0) / es,
		.a_lo = (o0 - a0) / es, .a_hi = (o1 - a0) / es,
		.b_lo = (o0 - b0) / es, .b_hi = (o1 - b0) / es,
	};
	return true;
}

/* The array of group g, if it has members. */
static void add_array(struct gl_slice_set *set, const int *group, int g)
{
	struct gl_slice_array *a = &set->arrays[set->narrays];
	uint64_t lo = UINT64_MAX, hi = 0, es = 0;
	int members = 0;
	for (int i = 0; i < set->n; i++) {
		const struct gl_slice *s = &set->slices[i];
		if (group[i] != g || !on_array(s))
			continue;
		members++;
		es = s->es;
		if (s->array < lo)
			lo = s->array;
		if (s->array + s->cap * s->es > hi)
			hi = s->array + s->cap * s->es;
	}
	if (!members)
		return;
	memset(a, 0, sizeof(*a));
	a->base = lo;
	a->end = hi;
	a->es = es;
	a->first_overlap = set->noverlaps;
	for (int i = 0; i < set->n; i++) {
		struct gl_slice *s = &set->slices[i];
		if (group[i] != g || !on_array(s))
			continue;
		s->array_group = set->narrays;
		a->members[a->nmembers++] = (struct gl_slice_member){i, es ? (s->array - lo) / es : 0};
		for (int j = i + 1; j < set->n && es; j++)
			if (group[j] == g && on_array(&set->slices[j]) &&
			    overlap(set, i, j, es, &set->overlaps[set->noverlaps]))
				set->noverlaps++;
	}
	a->noverlaps = set->noverlaps - a->first_overlap;
	set->narrays++;
}

void gl_slice_sharing(struct gl_slice_set *set)
{
	/* Union of slices whose [0:cap) ranges intersect, with equal
	 * element sizes; a group is labelled by one of its members. */
	int group[GL_SLICES_MAX], n = set->n;
	for (int i = 0; i < n; i++)
		group[i] = i;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++) {
			const struct gl_slice *si = &set->slices[i], *sj = &set->slices[j];
			if (!on_array(si) || !on_array(sj) || si->es != sj->es)
				continue;
			uint64_t ai = si->array, bi = ai + si->cap * si->es;
			uint64_t aj = sj->array, bj = aj + sj->cap * sj->es;
			if (ai < bj && aj < bi) {
				int g = group[j], old = group[i];
				for (int k = 0; k < n; k++)
					if (group[k] == old)
						group[k] = g;
			}
		}
	set->narrays = set->noverlaps = 0;
	for (int g = 0; g < n; g++)
		add_array(set, group, g);
}
