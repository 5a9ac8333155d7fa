/* Go types from the runtime's type descriptors (internal/abi.Type and the
 * kind-specific structs around it): the same model DWARF gives
 * (target/types.h), for dynamic types DWARF lacks and for binaries built
 * without DWARF. The descriptors' own layouts come from the runtime-layout
 * table (DWARF, or its built-in database). Maps and channels get the
 * runtime header their word points to, made from the same table with the
 * group or bucket struct of the map's descriptor in it, as the linker's
 * DWARF (hash<K,V>, map<K,V>, table<K,V>) would have it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/le.h"
#include "base/strmap.h"
#include "gotypes/rtlayout.h"
#include "gotypes/rtype.h"
#include "gotypes/typesect.h"

/* Descriptors nest this deep at most (field of a field of an element...);
 * cycles end earlier, at the cache. */
#define MAX_DEPTH 64
#define MAX_FIELDS 4096
/* The largest kind-specific descriptor read in one piece (a swiss MapType
 * is ~140 bytes on amd64). */
#define MAX_DESC 512
/* abi.Name's first byte: bit 3 marks an embedded field (internal/abi
 * type.go, Name.IsEmbedded; the same in 1.22 to 1.27). */
#define NAME_EMBEDDED 0x08

struct gl_rtypes {
	struct u64map by_off;   /* descriptor offset from moduledata.types -> type */
	struct strmap by_name;  /* Go spelling -> type (descriptors indexed, types made) */
	struct gl_type **owned;
	size_t n, cap;
	/* Descriptor offsets that gave no type (unreadable, corrupt) in the
	 * memory of generation failed_gen (gl_mem): not read again while it
	 * holds. A map of interface keys sorts by their dynamic types, n log n
	 * lookups, and wild type words must not cost a read each. */
	struct u64map failed;
	uint64_t failed_gen;
	bool indexed;           /* the module's types resolved into by_name */
	char *index_error;      /* why they could not be (one line), or NULL */
};

static void rtypes_free(struct gl_rtypes *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct gl_type *t = s->owned[i];
		for (size_t j = 0; j < t->nfields; j++)
			free(t->fields[j].name);
		free(t->fields);
		free(t->name);
		free(t);
	}
	free(s->owned);
	free(s->index_error);
	u64map_deinit(&s->by_off);
	u64map_deinit(&s->failed);
	strmap_deinit(&s->by_name);
	free(s);
}

static struct gl_rtypes *store(struct gl_ctx *c)
{
	if (c->t->rtypes)
		return c->t->rtypes;
	struct gl_rtypes *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	u64map_init(&s->by_off);
	u64map_init(&s->failed);
	strmap_init(&s->by_name);
	c->t->rtypes = s;
	c->t->rtypes_free = rtypes_free;
	return s;
}

/* The runtime-layout table, for the descriptors' own layouts. */
static const struct gl_rtlayout *layouts(struct gl_ctx *c)
{
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_rt_load_types(c->t, &L);
	if (err) {
		gl_error_destroy(err);
		return NULL;
	}
	return L;
}

/* t under its name: the first type of a name wins, but over a type
 * that holds the name only as its alias (internal/sync.Mutex, a part of
 * sync.Mutex, is made first and aliased "sync.Mutex": alias). */
static void publish(struct gl_rtypes *s, struct gl_type *t)
{
	uint64_t had;
	if (!strmap_get(&s->by_name, t->name, &had))
		strmap_put(&s->by_name, t->name, (uint64_t)(uintptr_t)t);
	else if (strcmp(((struct gl_type *)(uintptr_t)had)->name, t->name))
		strmap_set(&s->by_name, t->name, (uint64_t)(uintptr_t)t);
}

/* A new type, owned by the store; registered under its descriptor
 * offset when off is not 0 (its name once its layout is checked:
 * resolve), else under its name (publish). */
static struct gl_type *new_type(struct gl_ctx *c, uint64_t off, const char *name, enum gl_kind k,
				uint64_t size)
{
	struct gl_rtypes *s = store(c);
	struct gl_type *t = s ? calloc(1, sizeof(*t)) : NULL;
	if (!t)
		return NULL;
	t->name = strdup(name);
	t->kind = k;
	t->size = size;
	if (!t->name || !GL_ARRAY_RESERVE(s->owned, s->cap, s->n, 64)) {
		free(t->name);
		free(t);
		return NULL;
	}
	s->owned[s->n++] = t;
	if (off)
		return u64map_put(&s->by_off, off, t) ? t : NULL;
	publish(s, t);
	return t;
}

static bool add_field(struct gl_type *t, size_t cap, const char *name, uint64_t off, struct gl_type *ft,
		      bool embedded)
{
	if (!ft || t->nfields >= cap)
		return false;
	if (!t->fields && !(t->fields = calloc(cap, sizeof(*t->fields))))
		return false;
	struct gl_field *f = &t->fields[t->nfields];
	if (!(f->name = strdup(name)))
		return false;
	f->offset = off;
	f->type = ft;
	f->embedded = embedded;
	t->nfields++;
	return true;
}

/* ---- basic and composed types ------------------------------------------------ */

/* (their sizes: gl_kind_size) */
static const struct {
	const char *name;
	enum gl_kind kind;
} BASIC[] = {
	{"bool", GL_K_BOOL}, {"int", GL_K_INT}, {"int8", GL_K_INT8}, {"int16", GL_K_INT16},
	{"int32", GL_K_INT32}, {"int64", GL_K_INT64}, {"uint", GL_K_UINT}, {"uint8", GL_K_UINT8},
	{"uint16", GL_K_UINT16}, {"uint32", GL_K_UINT32}, {"uint64", GL_K_UINT64},
	{"uintptr", GL_K_UINTPTR}, {"float32", GL_K_FLOAT32}, {"float64", GL_K_FLOAT64},
	{"complex64", GL_K_COMPLEX64}, {"complex128", GL_K_COMPLEX128},
	{"unsafe.Pointer", GL_K_UNSAFEPOINTER}, {"byte", GL_K_UINT8}, {"rune", GL_K_INT32},
};

static struct gl_type *made(struct gl_ctx *c, const char *name)
{
	struct gl_rtypes *s = store(c);
	uint64_t v;
	return s && strmap_get(&s->by_name, name, &v) ? (struct gl_type *)(uintptr_t)v : NULL;
}

static void fill_string(struct gl_ctx *c, struct gl_type *t);

struct gl_type *gl_rtype_basic(struct gl_ctx *c, const char *name)
{
	struct gl_type *t = made(c, name);
	if (t)
		return t;
	unsigned w = (unsigned)c->t->ptr_size;
	if (!strcmp(name, "string")) {
		if ((t = new_type(c, 0, name, GL_K_STRING, gl_kind_size(GL_K_STRING, w))))
			fill_string(c, t);
		return t;
	}
	for (size_t i = 0; i < sizeof(BASIC) / sizeof(BASIC[0]); i++)
		if (!strcmp(BASIC[i].name, name))
			return new_type(c, 0, BASIC[i].name, BASIC[i].kind, gl_kind_size(BASIC[i].kind, w));
	return NULL;
}

struct gl_type *gl_rtype_pointer_to(struct gl_ctx *c, struct gl_type *elem)
{
	char name[1024];
	snprintf(name, sizeof(name), "*%s", elem->name);
	struct gl_type *t = made(c, name);
	if (!t && (t = new_type(c, 0, name, GL_K_POINTER, (uint64_t)c->t->ptr_size)))
		t->elem = elem;
	return t;
}

/* string and slice headers as DWARF spells them: str/len, array/len/cap */
static void fill_string(struct gl_ctx *c, struct gl_type *t)
{
	struct gl_type *u8 = gl_rtype_basic(c, "uint8"), *i = gl_rtype_basic(c, "int");
	unsigned w = (unsigned)c->t->ptr_size;
	if (u8 && i)
		(void)(add_field(t, 2, "str", 0, gl_rtype_pointer_to(c, u8), false) &&
		       add_field(t, 2, "len", w, i, false));
}

static void fill_slice(struct gl_ctx *c, struct gl_type *t, struct gl_type *elem)
{
	struct gl_type *i = gl_rtype_basic(c, "int");
	unsigned w = (unsigned)c->t->ptr_size;
	t->elem = elem;
	if (elem && i)
		(void)(add_field(t, 3, "array", 0, gl_rtype_pointer_to(c, elem), false) &&
		       add_field(t, 3, "len", w, i, false) && add_field(t, 3, "cap", 2ull * w, i, false));
}

/* eface: _type and data; iface: tab and data (runtime/runtime2.go) */
static void fill_iface(struct gl_ctx *c, struct gl_type *t, bool empty)
{
	struct gl_type *up = gl_rtype_basic(c, "unsafe.Pointer");
	t->empty_iface = empty;
	if (up)
		(void)(add_field(t, 2, empty ? "_type" : "tab", 0, up, false) &&
		       add_field(t, 2, "data", (uint64_t)c->t->ptr_size, up, false));
}

struct gl_type *gl_rtype_slice_of(struct gl_ctx *c, struct gl_type *elem)
{
	char name[1024];
	snprintf(name, sizeof(name), "[]%s", elem->name);
	struct gl_type *t = made(c, name);
	if (!t && (t = new_type(c, 0, name, GL_K_SLICE, 3ull * (uint64_t)c->t->ptr_size)))
		fill_slice(c, t, elem);
	return t;
}

struct gl_type *gl_rtype_array_of(struct gl_ctx *c, struct gl_type *elem, uint64_t n)
{
	char name[1024];
	snprintf(name, sizeof(name), "[%llu]%s", (unsigned long long)n, elem->name);
	struct gl_type *t = made(c, name);
	if (t)
		return t;
	if (elem->size && n > GL_MAX_VALUE_BYTES / elem->size)
		return NULL;
	if ((t = new_type(c, 0, name, GL_K_ARRAY, n * elem->size))) {
		t->elem = elem;
		t->count = n;
	}
	return t;
}

/* A runtime struct of the table, with the listed fields at the table's
 * offsets (types from the table unless given). */
struct rtfield {
	const char *name;
	enum gl_rtf id;
	struct gl_type *type; /* NULL: the table's */
};

static struct gl_type *runtime_struct(struct gl_ctx *c, const struct gl_rtlayout *L, enum gl_rts sid,
				      const char *name, const struct rtfield *fs, size_t n)
{
	const struct gl_type *st = gl_rt_struct(L, sid);
	if (!st)
		return NULL;
	struct gl_type *t = new_type(c, 0, name, GL_K_STRUCT, st->size);
	for (size_t i = 0; t && i < n; i++) {
		struct gl_rt_field f = gl_rt_field(L, fs[i].id);
		struct gl_type *ft = fs[i].type ? fs[i].type : (struct gl_type *)f.type;
		if (f.present && ft)
			add_field(t, n, fs[i].name, f.off, ft, false);
	}
	return t;
}

/* hchan as the chan.c decoder reads it */
static struct gl_type *hchan_of(struct gl_ctx *c, const struct gl_rtlayout *L, const struct gl_type *elem)
{
	char name[1024];
	snprintf(name, sizeof(name), "hchan<%s>", elem->name);
	struct gl_type *t = made(c, name);
	if (t)
		return t;
	const struct rtfield fs[] = {
		{"qcount", GL_RTF_HCHAN_QCOUNT, NULL}, {"dataqsiz", GL_RTF_HCHAN_DATAQSIZ, NULL},
		{"buf", GL_RTF_HCHAN_BUF, NULL}, {"elemsize", GL_RTF_HCHAN_ELEMSIZE, NULL},
		{"closed", GL_RTF_HCHAN_CLOSED, NULL}, {"sendx", GL_RTF_HCHAN_SENDX, NULL},
		{"recvx", GL_RTF_HCHAN_RECVX, NULL}, {"recvq", GL_RTF_HCHAN_RECVQ, NULL},
		{"sendq", GL_RTF_HCHAN_SENDQ, NULL},
	};
	return runtime_struct(c, L, GL_RTS_HCHAN, name, fs, sizeof(fs) / sizeof(fs[0]));
}

struct gl_type *gl_rtype_chan_of(struct gl_ctx *c, struct gl_type *elem, const char *name)
{
	char own[1024];
	if (!name) {
		snprintf(own, sizeof(own), "chan %s", elem->name);
		name = own;
	}
	const struct gl_rtlayout *L = layouts(c);
	struct gl_type *t = made(c, name);
	if (t || !L)
		return t;
	if ((t = new_type(c, 0, name, GL_K_CHAN, (uint64_t)c->t->ptr_size))) {
		t->elem = elem;
		t->target = hchan_of(c, L, elem);
	}
	return t;
}

/* The classic header hash<K,V>: hmap's fields, buckets pointing to the
 * descriptor's bucket struct with the names the linker's DWARF gives it
 * (tophash, keys, values, overflow; the compiler's are topbits and elems). */
static struct gl_type *classic_header(struct gl_ctx *c, const struct gl_rtlayout *L, const char *kv,
				      const struct gl_type *bucket)
{
	char name[1100];
	snprintf(name, sizeof(name), "bucket%s", kv);
	struct gl_type *b = new_type(c, 0, name, GL_K_STRUCT, bucket->size);
	for (size_t i = 0; b && i < bucket->nfields; i++) {
		const struct gl_field *f = &bucket->fields[i];
		const char *n = !strcmp(f->name, "topbits") ? "tophash" : !strcmp(f->name, "elems") ? "values" : f->name;
		add_field(b, bucket->nfields, n, f->offset, f->type, false);
	}
	struct gl_type *bp = b ? gl_rtype_pointer_to(c, b) : NULL;
	if (!bp)
		return NULL;
	snprintf(name, sizeof(name), "hash%s", kv);
	const struct rtfield fs[] = {
		{"count", GL_RTF_HMAP_COUNT, NULL}, {"flags", GL_RTF_HMAP_FLAGS, NULL},
		{"B", GL_RTF_HMAP_B, NULL}, {"noverflow", GL_RTF_HMAP_NOVERFLOW, NULL},
		{"hash0", GL_RTF_HMAP_HASH0, NULL}, {"buckets", GL_RTF_HMAP_BUCKETS, bp},
		{"oldbuckets", GL_RTF_HMAP_OLDBUCKETS, bp}, {"nevacuate", GL_RTF_HMAP_NEVACUATE, NULL},
	};
	return runtime_struct(c, L, GL_RTS_HMAP, name, fs, sizeof(fs) / sizeof(fs[0]));
}

/* The swiss header map<K,V>: Map's fields, dirPtr a **table<K,V> whose
 * groups.data points to the descriptor's group struct. */
static struct gl_type *swiss_header(struct gl_ctx *c, const struct gl_rtlayout *L, const char *kv,
				    struct gl_type *group)
{
	char name[1100];
	snprintf(name, sizeof(name), "groupReference%s", kv);
	const struct rtfield gfs[] = {
		{"data", GL_RTF_SGROUPS_DATA, gl_rtype_pointer_to(c, group)},
		{"lengthMask", GL_RTF_SGROUPS_MASK, NULL},
	};
	struct gl_type *gr = gfs[0].type ? runtime_struct(c, L, GL_RTS_SGROUPS, name, gfs, 2) : NULL;
	if (!gr)
		return NULL;
	snprintf(name, sizeof(name), "table%s", kv);
	const struct rtfield tfs[] = {
		{"used", GL_RTF_STABLE_USED, NULL}, {"capacity", GL_RTF_STABLE_CAPACITY, NULL},
		{"growthLeft", GL_RTF_STABLE_GROWTH_LEFT, NULL}, {"localDepth", GL_RTF_STABLE_LOCAL_DEPTH, NULL},
		{"index", GL_RTF_STABLE_INDEX, NULL}, {"groups", GL_RTF_STABLE_GROUPS, gr},
	};
	struct gl_type *tab = runtime_struct(c, L, GL_RTS_STABLE, name, tfs, sizeof(tfs) / sizeof(tfs[0]));
	struct gl_type *tp = tab ? gl_rtype_pointer_to(c, tab) : NULL;
	struct gl_type *tpp = tp ? gl_rtype_pointer_to(c, tp) : NULL;
	if (!tpp)
		return NULL;
	snprintf(name, sizeof(name), "map%s", kv);
	const struct rtfield fs[] = {
		{"used", GL_RTF_SMAP_USED, NULL}, {"seed", GL_RTF_SMAP_SEED, NULL},
		{"dirPtr", GL_RTF_SMAP_DIRPTR, tpp}, {"dirLen", GL_RTF_SMAP_DIRLEN, NULL},
		{"globalDepth", GL_RTF_SMAP_GLOBAL_DEPTH, NULL}, {"globalShift", GL_RTF_SMAP_GLOBAL_SHIFT, NULL},
		{"writing", GL_RTF_SMAP_WRITING, NULL},
	};
	return runtime_struct(c, L, GL_RTS_SMAP, name, fs, sizeof(fs) / sizeof(fs[0]));
}

/* ---- descriptors ---------------------------------------------------------------- */

/* An encoded runtime name (flags byte, varint length, bytes) at addr;
 * *flags gets the first byte. */
static bool read_name(struct gl_ctx *c, uint64_t addr, char *out, size_t outlen, uint8_t *flags)
{
	unsigned char hdr[8];
	struct gl_error *err = gl_mem_read(c->mem, addr, hdr, sizeof(hdr));
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	uint64_t len = 0, pos = 1;
	for (int shift = 0; pos < sizeof(hdr) && shift < 28; shift += 7) {
		uint8_t b = hdr[pos++];
		len |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (len >= outlen)
		return false;
	if (len && !gl_mem_try_read(c->mem, addr + pos, out, len))
		return false;
	out[len] = '\0';
	if (flags)
		*flags = hdr[0];
	return true;
}

struct desc {
	uint64_t tp, off;             /* address; offset from the types base */
	uint64_t ksize;               /* size of the kind's descriptor: the UncommonType follows */
	unsigned char b[MAX_DESC];    /* the descriptor, kind-specific part included */
	const struct gl_rtlayout *L;
};

static uint64_t word_at(const struct desc *d, enum gl_rtf f, bool *ok)
{
	struct gl_rt_field r = gl_rt_field(d->L, f);
	if (!r.present || r.off + r.size > sizeof(d->b)) {
		*ok = false;
		return 0;
	}
	return gl_get_uint(d->b + r.off, r.size);
}

static struct gl_type *resolve(struct gl_ctx *c, uint64_t tp, uint64_t base, int depth);

/* The import path of a defined type (its UncommonType's PkgPath), into
 * pkg; false for other types or without it. */
static bool package_path(struct gl_ctx *c, const struct desc *d, uint64_t base, char *pkg, size_t len)
{
	const struct gl_rtlayout *L = d->L;
	uint64_t tflag = gl_rt_get(L, GL_RTF_ABI_TYPE_TFLAG, d->b);
	struct gl_rt_field pp = gl_rt_field(L, GL_RTF_ABI_UNCOMMON_TYPE_PKGPATH);
	if (!d->ksize || !pp.present || pp.size != 4 || !(tflag & (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_NAMED)) ||
	    !(tflag & (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_UNCOMMON)))
		return false;
	unsigned char w[4];
	struct gl_error *err = gl_mem_read(c->mem, d->tp + d->ksize + pp.off, w, 4);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	int32_t off = (int32_t)gl_get_uint(w, 4);
	return off && read_name(c, base + (uint64_t)(int64_t)off, pkg, len, NULL) && pkg[0];
}

static const char *last_elem(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* reflect's "atomic.Int64" as DWARF spells it, "sync/atomic.Int64" (into
 * full), when the name starts with the package's last element; else nm. */
static const char *qualified(const char *nm, const char *pkg, char *full, size_t len)
{
	const char *le = last_elem(pkg);
	size_t n = strlen(le);
	if (le == pkg || strncmp(nm, le, n) || nm[n] != '.')
		return nm;
	int w = snprintf(full, len, "%.*s%s", (int)(le - pkg), pkg, nm);
	return w > 0 && (size_t)w < len ? full : nm;
}

/* Whether a package path is internal (no user names its types). */
static bool internal_pkg(const char *name)
{
	return !strncmp(name, "internal/", 9) || strstr(name, "/internal/") != NULL;
}

/* t also under reflect's spelling (--type atomic.Int64): of two types of
 * that spelling, one outside an internal package wins (sync/atomic's
 * Int64, not internal/runtime/atomic's). */
static void alias(struct gl_ctx *c, struct gl_type *t, const char *short_name)
{
	struct gl_rtypes *s = store(c);
	uint64_t had;
	if (!strmap_get(&s->by_name, short_name, &had))
		strmap_put(&s->by_name, short_name, (uint64_t)(uintptr_t)t);
	else if (internal_pkg(((struct gl_type *)(uintptr_t)had)->name) && !internal_pkg(t->name))
		strmap_set(&s->by_name, short_name, (uint64_t)(uintptr_t)t);
}

static void fill_struct(struct gl_ctx *c, struct desc *d, struct gl_type *t, uint64_t base, int depth)
{
	const struct gl_rtlayout *L = d->L;
	const struct gl_type *sf = gl_rt_struct(L, GL_RTS_ABI_STRUCT_FIELD);
	bool ok = true;
	uint64_t arr = word_at(d, GL_RTF_ABI_STRUCT_TYPE_FIELDS, &ok);
	struct gl_rt_field ff = gl_rt_field(L, GL_RTF_ABI_STRUCT_TYPE_FIELDS);
	if (!ok || !sf || sf->size > 64 || ff.off + 2ull * L->ptr_size > sizeof(d->b) ||
	    !gl_rt_have(L, GL_RTF_ABI_STRUCT_FIELD_NAME, GL_RTF_ABI_STRUCT_FIELD_TYP, GL_RTF_ABI_STRUCT_FIELD_OFFSET))
		return;
	/* Fields is a slice: array and length words */
	uint64_t n = gl_get_uint(d->b + ff.off + L->ptr_size, L->ptr_size);
	if (n > MAX_FIELDS)
		return;
	for (uint64_t i = 0; i < n; i++) {
		unsigned char f[64];
		char fname[256];
		uint8_t flags = 0;
		struct gl_error *err = gl_mem_read(c->mem, arr + i * sf->size, f, sf->size);
		if (err) {
			gl_error_destroy(err);
			break;
		}
		struct gl_type *ftype = resolve(c, gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_TYP, f), base, depth + 1);
		if (!ftype || !read_name(c, gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_NAME, f), fname, sizeof(fname), &flags) ||
		    !add_field(t, (size_t)n, fname, gl_rt_get(L, GL_RTF_ABI_STRUCT_FIELD_OFFSET, f), ftype,
			       (flags & NAME_EMBEDDED) != 0))
			break;
	}
}

static void fill_map(struct gl_ctx *c, struct desc *d, struct gl_type *t, uint64_t base, int depth)
{
	const struct gl_rtlayout *L = d->L;
	bool swiss = gl_rt_struct(L, GL_RTS_ABI_SMAP_TYPE) != NULL, ok = true;
	uint64_t k = word_at(d, swiss ? GL_RTF_ABI_SMAP_TYPE_KEY : GL_RTF_ABI_MAP_TYPE_KEY, &ok);
	uint64_t e = word_at(d, swiss ? GL_RTF_ABI_SMAP_TYPE_ELEM : GL_RTF_ABI_MAP_TYPE_ELEM, &ok);
	uint64_t g = word_at(d, swiss ? GL_RTF_ABI_SMAP_TYPE_GROUP : GL_RTF_ABI_MAP_TYPE_BUCKET, &ok);
	if (!ok)
		return;
	t->key = resolve(c, k, base, depth + 1);
	t->elem = resolve(c, e, base, depth + 1);
	struct gl_type *group = resolve(c, g, base, depth + 1);
	if (!t->key || !t->elem || !group || group->kind != GL_K_STRUCT)
		return;
	char kv[1024];
	snprintf(kv, sizeof(kv), "<%s,%s>", t->key->name, t->elem->name);
	t->target = swiss ? swiss_header(c, L, kv, group) : classic_header(c, L, kv, group);
}

/* The descriptor at tp and its kind-specific part, into d. */
static bool read_desc(struct gl_ctx *c, const struct gl_rtlayout *L, uint64_t tp, enum gl_kind *kind,
		      struct desc *d)
{
	const struct gl_type *abi = gl_rt_struct(L, GL_RTS_ABI_TYPE);
	if (!abi || abi->size > sizeof(d->b))
		return false;
	if (!gl_mem_try_read(c->mem, tp, d->b, abi->size))
		return false;
	*kind = (enum gl_kind)(gl_rt_get(L, GL_RTF_ABI_TYPE_KIND, d->b) & (uint64_t)gl_rt_const(L, GL_RTC_KIND_MASK));
	d->ksize = *kind == GL_K_FUNC ? 0 : abi->size; /* (FuncType: not in the table) */
	enum gl_rts ks[] = {
		[GL_K_ARRAY] = GL_RTS_ABI_ARRAY_TYPE, [GL_K_CHAN] = GL_RTS_ABI_CHAN_TYPE,
		[GL_K_INTERFACE] = GL_RTS_ABI_IFACE_TYPE, [GL_K_MAP] = GL_RTS_ABI_MAP_TYPE,
		[GL_K_POINTER] = GL_RTS_ABI_PTR_TYPE, [GL_K_SLICE] = GL_RTS_ABI_SLICE_TYPE,
		[GL_K_STRUCT] = GL_RTS_ABI_STRUCT_TYPE,
	};
	if (*kind >= sizeof(ks) / sizeof(ks[0]) || !ks[*kind])
		return true;
	enum gl_rts sid = ks[*kind];
	if (sid == GL_RTS_ABI_MAP_TYPE && gl_rt_struct(L, GL_RTS_ABI_SMAP_TYPE))
		sid = GL_RTS_ABI_SMAP_TYPE;
	const struct gl_type *kt = gl_rt_struct(L, sid);
	if (!kt || kt->size > sizeof(d->b) || kt->size <= abi->size)
		return false;
	if (!gl_mem_try_read(c->mem, tp + abi->size, d->b + abi->size, kt->size - abi->size))
		return false;
	d->ksize = kt->size;
	return true;
}

/* The value of s->failed's entries. */
static char failed_mark;

/* Whether the descriptor at off gave no type in the current memory. */
static bool failed_before(struct gl_ctx *c, struct gl_rtypes *s, uint64_t off)
{
	if (s->failed_gen != c->mem->generation) {
		u64map_deinit(&s->failed);
		u64map_init(&s->failed);
		s->failed_gen = c->mem->generation;
	}
	return u64map_get(&s->failed, off) != NULL;
}

/* The descriptor at off gives no type (in this memory): NULL. Not kept
 * when the reads may have failed for this command alone (a Ctrl-C, the
 * command's budget of unreadable pages spent): the next command at the
 * same stop reads it again. */
static struct gl_type *failed(struct gl_ctx *c, struct gl_rtypes *s, uint64_t off)
{
	if (!gl_interrupted(c) && c->mem->cmd_stats.faults < GL_MEM_MAX_FAULTS)
		u64map_put(&s->failed, off, &failed_mark);
	return NULL;
}

/* A corrupt type that others made meanwhile point to (a pointer to a
 * struct being resolved, as in type List struct { next *List }): its
 * bytes become opaque, [size]byte, a layout that holds. */
static void make_opaque(struct gl_ctx *c, struct gl_type *t)
{
	gl_type_make_opaque(t, gl_rtype_basic(c, "uint8"));
}

static struct gl_type *resolve(struct gl_ctx *c, uint64_t tp, uint64_t base, int depth)
{
	const struct gl_rtlayout *L = layouts(c);
	struct gl_rtypes *s = store(c);
	/* descriptors are word-aligned (they start with words): a pointer
	 * that is not leads nowhere a descriptor is */
	if (depth > MAX_DEPTH || tp < base || !L || !s || tp % L->ptr_size ||
	    !gl_rt_have(L, GL_RTF_ABI_TYPE_SIZE, GL_RTF_ABI_TYPE_KIND, GL_RTF_ABI_TYPE_TFLAG, GL_RTF_ABI_TYPE_STR))
		return NULL;
	struct gl_type *t = gl_dwarf_type_by_runtime_offset(c->t->dw, tp - base);
	if (!t)
		t = u64map_get(&s->by_off, tp - base);
	if (t)
		return t;
	if (failed_before(c, s, tp - base))
		return NULL;
	struct desc d = {.tp = tp, .off = tp - base, .L = L};
	enum gl_kind kind;
	if (!read_desc(c, L, tp, &kind, &d))
		return failed(c, s, d.off);
	char name[512];
	int32_t str = (int32_t)gl_rt_get(L, GL_RTF_ABI_TYPE_STR, d.b); /* a nameOff */
	if (!read_name(c, base + (uint64_t)(int64_t)str, name, sizeof(name), NULL))
		return failed(c, s, d.off);
	const char *nm = name;
	if ((gl_rt_get(L, GL_RTF_ABI_TYPE_TFLAG, d.b) & (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_EXTRA_STAR)) &&
	    nm[0] == '*')
		nm++;
	char full[1024], pkg[512] = "";
	if (package_path(c, &d, base, pkg, sizeof(pkg)))
		nm = qualified(nm, pkg, full, sizeof(full));
	if ((t = gl_dwarf_find_type(c->t->dw, nm)))
		return t;
	uint64_t size = gl_rt_get(L, GL_RTF_ABI_TYPE_SIZE, d.b);
	if (kind == GL_K_INVALID || kind > GL_K_UNSAFEPOINTER || size > GL_MAX_VALUE_BYTES)
		return failed(c, s, d.off);
	/* in the store before its parts: a type that refers to itself
	 * (type List struct { next *List }) finds itself */
	if (!(t = new_type(c, d.off, nm, kind, size)))
		return NULL;
	bool ok = true;
	t->resolving = true;
	switch (kind) {
	case GL_K_POINTER:
		t->elem = resolve(c, word_at(&d, GL_RTF_ABI_PTR_TYPE_ELEM, &ok), base, depth + 1);
		break;
	case GL_K_SLICE: {
		uint64_t e = word_at(&d, GL_RTF_ABI_SLICE_TYPE_ELEM, &ok);
		if (ok)
			fill_slice(c, t, resolve(c, e, base, depth + 1));
		break;
	}
	case GL_K_ARRAY:
		t->count = word_at(&d, GL_RTF_ABI_ARRAY_TYPE_LEN, &ok);
		t->elem = resolve(c, word_at(&d, GL_RTF_ABI_ARRAY_TYPE_ELEM, &ok), base, depth + 1);
		break;
	case GL_K_CHAN:
		t->elem = resolve(c, word_at(&d, GL_RTF_ABI_CHAN_TYPE_ELEM, &ok), base, depth + 1);
		t->target = t->elem ? hchan_of(c, L, t->elem) : NULL;
		break;
	case GL_K_STRING:
		fill_string(c, t);
		break;
	case GL_K_INTERFACE: {
		/* Methods is a slice: its length is the second word */
		struct gl_rt_field m = gl_rt_field(L, GL_RTF_ABI_IFACE_TYPE_METHODS);
		bool empty = !m.present || m.off + 2ull * L->ptr_size > sizeof(d.b) ||
			     gl_get_uint(d.b + m.off + L->ptr_size, L->ptr_size) == 0;
		fill_iface(c, t, empty);
		break;
	}
	case GL_K_MAP:
		fill_map(c, &d, t, base, depth);
		break;
	case GL_K_STRUCT:
		fill_struct(c, &d, t, base, depth);
		break;
	default:
		break;
	}
	t->resolving = false;
	if (!gl_type_layout_ok(t, L->ptr_size)) {
		make_opaque(c, t);
		u64map_put(&s->by_off, d.off, NULL); /* (gone from the store) */
		return failed(c, s, d.off);
	}
	publish(s, t);
	if (nm == full)
		alias(c, t, nm + strlen(pkg) - strlen(last_elem(pkg)));
	return t;
}

struct gl_type *gl_rtype_resolve(struct gl_ctx *c, uint64_t tp, uint64_t base)
{
	return resolve(c, tp, base, 0);
}

/* ---- finding a type by name ------------------------------------------------------ */

/* Every type reachable from the unnamed composite types the linker lists
 * (moduledata.typelinks) and the static itabs (moduledata.itablinks): a
 * named type appears in neither list itself, only inside them. Resolving
 * them puts every type under its name in the store. */
#define MAX_LINKS (1u << 20)

static void index_links(struct gl_ctx *c, uint64_t base)
{
	const struct gl_rtlayout *L = layouts(c);
	struct gl_rt_global md = L ? gl_rt_global(L, GL_RTG_FIRSTMODULEDATA) : (struct gl_rt_global){0};
	struct gl_rt_field tl = L ? gl_rt_field(L, GL_RTF_MODULEDATA_TYPELINKS) : (struct gl_rt_field){0};
	struct gl_rt_field il = L ? gl_rt_field(L, GL_RTF_MODULEDATA_ITABLINKS) : (struct gl_rt_field){0};
	struct gl_rt_field it = L ? gl_rt_field(L, GL_RTF_ITAB_TYPE) : (struct gl_rt_field){0};
	if (!md.present)
		return;
	unsigned w = L->ptr_size;
	unsigned char hdr[16];
	struct gl_error *err = NULL;
	if (tl.present && !(err = gl_mem_read(c->mem, md.addr + tl.off, hdr, 2 * w))) {
		uint64_t arr = gl_get_uint(hdr, w), n = gl_get_uint(hdr + w, w);
		int32_t *offs = n && n <= MAX_LINKS ? malloc(n * 4) : NULL;
		if (offs && !(err = gl_mem_read(c->mem, arr, offs, n * 4)))
			for (uint64_t i = 0; i < n && !gl_interrupted(c); i++)
				resolve(c, base + (uint64_t)(int64_t)(int32_t)gl_get_uint((unsigned char *)&offs[i], 4),
					base, 0);
		gl_error_destroy(err);
		free(offs);
	} else {
		gl_error_destroy(err);
	}
	err = NULL;
	if (il.present && it.present && !(err = gl_mem_read(c->mem, md.addr + il.off, hdr, 2 * w))) {
		uint64_t arr = gl_get_uint(hdr, w), n = gl_get_uint(hdr + w, w);
		unsigned char *ps = n && n <= MAX_LINKS ? malloc(n * w) : NULL;
		if (ps && !(err = gl_mem_read(c->mem, arr, ps, n * w)))
			for (uint64_t i = 0; i < n && !gl_interrupted(c); i++) {
				uint64_t tp;
				struct gl_error *e2 = gl_target_read_word(c->t, c->mem, gl_get_uint(ps + i * w, w) + it.off, &tp);
				if (!e2)
					resolve(c, tp, base, 0);
				gl_error_destroy(e2);
			}
		gl_error_destroy(err);
		free(ps);
	} else {
		gl_error_destroy(err);
	}
}

/* Go 1.27 lists no types: its typelinked descriptors and static itabs are
 * walked in sequence as the runtime walks them (typesect.c). */
static struct gl_error *read_target(void *arg, uint64_t addr, void *buf, uint64_t len)
{
	struct gl_ctx *c = arg;
	if (gl_interrupted(c))
		return gl_error_create(GL_ERR_INTERRUPTED, "interrupted");
	return gl_mem_read(c->mem, addr, buf, len);
}

/* Resolves every type the walk finds; NULL, or why the walk refused
 * (malloc'd). */
static char *index_walk(struct gl_ctx *c, uint64_t base)
{
	const struct gl_rtlayout *L = layouts(c);
	struct gl_rt_global md = L ? gl_rt_global(L, GL_RTG_FIRSTMODULEDATA) : (struct gl_rt_global){0};
	struct gl_typesect_shape sh;
	const char *missing = "runtime.firstmoduledata";
	const enum gl_rtf ids[] = {GL_RTF_MODULEDATA_TYPES, GL_RTF_MODULEDATA_TYPEDESCLEN, GL_RTF_MODULEDATA_ETYPES,
				   GL_RTF_MODULEDATA_ITABOFFSET, GL_RTF_MODULEDATA_ITABSIZE};
	uint64_t words[5] = {0};
	struct gl_error *err = NULL;
	if (!md.present || !gl_typesect_shape_of(L, &sh, &missing))
		err = gl_error_create(GL_ERR_UNSUPPORTED, "the runtime layouts lack %s to walk the type descriptors with",
				      missing);
	for (size_t i = 0; i < 5 && !err; i++)
		if (!gl_rt_field(L, ids[i]).present)
			err = gl_error_create(GL_ERR_UNSUPPORTED, "the runtime layouts name no moduledata typelinks, "
					      "itablinks or typedesclen to find the types by");
	for (size_t i = 0; i < 5 && !err; i++)
		err = gl_target_read_word(c->t, c->mem, md.addr + gl_rt_field(L, ids[i]).off, &words[i]);
	struct gl_typesect ts = {words[0], words[1], words[2], words[3], words[4]};
	if (!err && ts.types != base)
		err = gl_error_create(GL_ERR_CORRUPT, "runtime.firstmoduledata.types is %#llx, not the executable's "
				      "%#llx", (unsigned long long)ts.types, (unsigned long long)base);
	uint64_t *addrs = NULL;
	size_t n = 0;
	if (!err)
		err = gl_typesect_walk(&sh, &ts, read_target, c, &addrs, &n);
	char *why = NULL;
	if (err) {
		why = strdup(err->message);
		gl_error_destroy(err);
		return why ? why : strdup("out of memory");
	}
	for (size_t i = 0; i < n && !gl_interrupted(c); i++)
		resolve(c, addrs[i], base, 0);
	free(addrs);
	return NULL;
}

/* Resolve the module's types once: through its lists (Go 1.22 to 1.26)
 * or its walk (1.27). Without the types base, again next time. */
static struct gl_rtypes *indexed(struct gl_ctx *c)
{
	struct gl_rtypes *s = store(c);
	uint64_t base;
	if (!s || s->indexed || !gl_types_base(c, &base))
		return s;
	s->indexed = true;
	const struct gl_rtlayout *L = layouts(c);
	if (L && (gl_rt_field(L, GL_RTF_MODULEDATA_TYPELINKS).present ||
		  gl_rt_field(L, GL_RTF_MODULEDATA_ITABLINKS).present)) {
		index_links(c, base);
		return s;
	}
	s->index_error = index_walk(c, base);
	/* a walk the user stopped is no answer: walked again next time */
	if (gl_interrupted(c)) {
		s->indexed = false;
		free(s->index_error);
		s->index_error = NULL;
	}
	return s;
}

const char *gl_rtype_index_error(struct gl_ctx *c)
{
	struct gl_rtypes *s = indexed(c);
	return s ? s->index_error : "out of memory";
}

struct gl_type *gl_rtype_find(struct gl_ctx *c, const char *name)
{
	return indexed(c) ? made(c, name) : NULL;
}

/* ---- interfaces ------------------------------------------------------------------ */

bool gl_type_is_direct_iface(const struct gl_type *t)
{
	switch (t->kind) {
	case GL_K_POINTER: case GL_K_UNSAFEPOINTER: case GL_K_MAP: case GL_K_CHAN: case GL_K_FUNC:
		return true;
	case GL_K_STRUCT:
		return t->nfields == 1 && gl_type_is_direct_iface(t->fields[0].type);
	case GL_K_ARRAY:
		return t->count == 1 && t->elem && gl_type_is_direct_iface(t->elem);
	default:
		return false;
	}
}

bool gl_types_base(struct gl_ctx *c, uint64_t *base)
{
	/* loading the table finds moduledata.types without DWARF */
	const struct gl_rtlayout *L = layouts(c);
	if (c->t->types_base) {
		*base = c->t->types_base;
		return true;
	}
	/* not in the file (unusual): the process's copy of firstmoduledata */
	if (!L)
		return false;
	struct gl_rt_global md = gl_rt_global(L, GL_RTG_FIRSTMODULEDATA);
	struct gl_rt_field f = gl_rt_field(L, GL_RTF_MODULEDATA_TYPES);
	if (!md.present || !f.present)
		return false;
	struct gl_error *err = gl_target_read_word(c->t, c->mem, md.addr + f.off, base);
	gl_error_destroy(err);
	return err == NULL;
}

struct gl_type *gl_iface_dynamic_type(struct gl_ctx *c, const struct gl_type *t,
				      const unsigned char *bytes, uint64_t *type_ptr)
{
	uint64_t w0 = gl_get_uint(bytes, c->t->ptr_size);
	*type_ptr = 0;
	if (w0 == 0)
		return NULL;
	uint64_t tp = w0;
	if (!t->empty_iface) {
		/* itab: the _type word follows the interface type word in
		 * every release (runtime.itab / internal/abi.ITab). */
		const struct gl_rtlayout *L = layouts(c);
		struct gl_rt_field f = L ? gl_rt_field(L, GL_RTF_ITAB_TYPE) : (struct gl_rt_field){0};
		uint64_t off = f.present ? f.off : (uint64_t)c->t->ptr_size;
		struct gl_error *err = gl_target_read_word(c->t, c->mem, w0 + off, &tp);
		if (err) {
			gl_error_destroy(err);
			return NULL;
		}
	}
	*type_ptr = tp;
	uint64_t base;
	if (!gl_types_base(c, &base) || tp < base)
		return NULL;
	/* DWARF by descriptor offset, else by the descriptor's name, else
	 * built from the descriptor itself (types used only in interfaces
	 * have no DWARF). */
	return gl_rtype_resolve(c, tp, base);
}
