/* See maphash.h. The compiler classifies each comparable type into an
 * "alg" (cmd/compile/internal/types AlgType) and generates the map's
 * hasher from it; interface keys hash their dynamic value with the
 * runtime's typehash, which walks the type instead. Both are followed
 * here, from the type as DWARF (or the type descriptor) gives it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/maphash.h"
#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "gotypes/rtype.h"
#include "base/array.h"
#include "base/le.h"

/* Recursion bound: nested arrays/structs/interfaces of keys. */
#define MAX_DEPTH 32

enum alg {
	A_NOEQ, A_MEM, A_STRING, A_INTER, A_NILINTER, A_F32, A_F64, A_C64, A_C128, A_SPECIAL,
};

static float get_f32(const unsigned char *p)
{
	uint32_t u = (uint32_t)gl_get_uint(p, 4);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static double get_f64(const unsigned char *p)
{
	uint64_t u = gl_get_uint(p, 8);
	double d;
	memcpy(&d, &u, 8);
	return d;
}

static bool blank(const struct gl_field *f)
{
	return f->name && !strcmp(f->name, "_");
}

/* Field i is followed by padding (types.IsPaddedField). */
static bool padded(const struct gl_type *t, size_t i)
{
	uint64_t end = t->fields[i].offset + t->fields[i].type->size;
	uint64_t next = i + 1 < t->nfields ? t->fields[i + 1].offset : t->size;
	return end != next;
}

/* types.AlgType */
static enum alg alg_of(const struct gl_type *t, int depth)
{
	if (!t || depth > MAX_DEPTH)
		return A_NOEQ;
	switch (t->kind) {
	case GL_K_BOOL: case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64:
	case GL_K_UINT: case GL_K_UINT8: case GL_K_UINT16: case GL_K_UINT32: case GL_K_UINT64:
	case GL_K_UINTPTR: case GL_K_POINTER: case GL_K_CHAN: case GL_K_UNSAFEPOINTER:
		return A_MEM;
	case GL_K_FLOAT32: return A_F32;
	case GL_K_FLOAT64: return A_F64;
	case GL_K_COMPLEX64: return A_C64;
	case GL_K_COMPLEX128: return A_C128;
	case GL_K_STRING: return A_STRING;
	case GL_K_INTERFACE: return t->empty_iface ? A_NILINTER : A_INTER;
	case GL_K_ARRAY: {
		enum alg a = alg_of(t->elem, depth + 1);
		if (a == A_MEM || a == A_NOEQ)
			return a;
		if (t->count == 0)
			return A_MEM;
		return t->count == 1 ? a : A_SPECIAL;
	}
	case GL_K_STRUCT: {
		/* a one-field struct is its field */
		if (t->nfields == 1 && !blank(&t->fields[0]))
			return alg_of(t->fields[0].type, depth + 1);
		enum alg ret = A_MEM;
		for (size_t i = 0; i < t->nfields; i++) {
			enum alg a = alg_of(t->fields[i].type, depth + 1);
			if (a == A_NOEQ)
				return A_NOEQ;
			if (a != A_MEM || blank(&t->fields[i]) || padded(t, i))
				ret = A_SPECIAL;
		}
		return ret;
	}
	default:
		return A_NOEQ;
	}
}

struct hctx {
	struct gl_ctx *c;
	const struct gl_gohash_keys *k;
	const struct gl_key_reader *rd;
	bool random;
};

static struct gl_error *target_read(void *arg, uint64_t addr, void *out, uint64_t n)
{
	return gl_mem_read(((struct gl_ctx *)arg)->mem, addr, out, n);
}

/* n bytes at addr through rd, into a buffer of the caller's to free. A
 * key longer than a page has its last byte read first: a corrupt length
 * (up to GL_MAX_VALUE_BYTES) over a short mapping then fails there, at
 * the cost of one byte, not after an allocation and a copy of all that
 * could be read, for every slot that holds it. */
static struct gl_error *read_bytes(const struct gl_key_reader *rd, uint64_t addr, uint64_t n,
				   unsigned char **out)
{
	*out = NULL;
	if (n > GL_MAX_VALUE_BYTES)
		return gl_error_create(GL_ERR_LIMIT, "a key of %llu bytes", (unsigned long long)n);
	if (n && addr + (n - 1) < addr) /* past the top of the address space */
		return gl_error_fault(addr, "cannot read memory at 0x%llx", (unsigned long long)addr);
	unsigned char last;
	struct gl_error *err = n > GL_PAGE_SIZE ? rd->read(rd->arg, addr + (n - 1), &last, 1) : NULL;
	if (err)
		return err;
	*out = malloc(n ? n : 1);
	if (!*out)
		return &gl_error_nomem;
	err = n ? rd->read(rd->arg, addr, *out, n) : NULL;
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

static struct gl_error *strhash(struct hctx *h, const unsigned char *p, uint64_t *seed)
{
	unsigned ps = h->c->t->ptr_size;
	unsigned char *s;
	uint64_t n = gl_get_uint(p + ps, ps);
	struct gl_error *err = read_bytes(h->rd, gl_get_uint(p, ps), n, &s);
	if (err)
		return gl_error_wrap(err, "reading a key string");
	*seed = gl_gohash_mem(h->k, s, n, *seed);
	free(s);
	return NULL;
}

static uint64_t floathash(struct hctx *h, const unsigned char *p, unsigned size, uint64_t seed)
{
	double v = size == 4 ? (double)get_f32(p) : get_f64(p);
	if (v == 0)
		return gl_gohash_zero(h->k, seed); /* +0 and -0 hash alike */
	if (isnan(v)) {
		h->random = true; /* c1 * (c0 ^ h ^ rand()) */
		return gl_gohash_zero(h->k, seed);
	}
	return gl_gohash_mem(h->k, p, size, seed);
}

static struct gl_error *typehash(struct hctx *h, const struct gl_type *t, const unsigned char *p,
				 uint64_t *seed, int depth);

/* interhash / nilinterhash: c1 * typehash(dynamic type, value, h ^ c0) */
static struct gl_error *interhash(struct hctx *h, const struct gl_type *t, const unsigned char *p,
				  uint64_t *seed, int depth)
{
	unsigned ps = h->c->t->ptr_size;
	uint64_t tp = 0;
	const struct gl_type *dt = gl_iface_dynamic_type(h->c, t, p, &tp);
	if (!tp && !gl_get_uint(p, ps))
		return NULL; /* nil interface: h itself */
	if (!dt)
		return gl_error_create(GL_ERR_UNSUPPORTED, "the dynamic type of an interface key "
				       "(descriptor 0x%llx) is unknown: cannot hash it", (unsigned long long)tp);
	if (alg_of(dt, depth + 1) == A_NOEQ)
		return gl_error_create(GL_ERR_UNSUPPORTED, "hash of unhashable type %s", dt->name);
	uint64_t data = gl_get_uint(p + ps, ps), hh = gl_gohash_xor_c0(h->k, *seed);
	struct gl_error *err;
	if (gl_type_is_direct_iface(dt)) {
		err = typehash(h, dt, p + ps, &hh, depth + 1);
	} else {
		unsigned char *v;
		if ((err = read_bytes(h->rd, data, dt->size, &v)))
			return gl_error_wrap(err, "reading the %s in an interface key", dt->name);
		err = typehash(h, dt, v, &hh, depth + 1);
		free(v);
	}
	if (!err)
		*seed = gl_gohash_mul_c1(h->k, hh);
	return err;
}

/* runtime.typehash: how an interface's dynamic value is hashed */
static struct gl_error *typehash(struct hctx *h, const struct gl_type *t, const unsigned char *p,
				 uint64_t *seed, int depth)
{
	if (depth > MAX_DEPTH)
		return gl_error_create(GL_ERR_LIMIT, "key type nested too deep");
	enum alg a = alg_of(t, depth);
	if (a == A_MEM) { /* TFlagRegularMemory */
		if (t->size == 4)
			*seed = gl_gohash_mem32(h->k, (uint32_t)gl_get_uint(p, 4), *seed);
		else if (t->size == 8)
			*seed = gl_gohash_mem64(h->k, gl_get_uint(p, 8), *seed);
		else
			*seed = gl_gohash_mem(h->k, p, t->size, *seed);
		return NULL;
	}
	struct gl_error *err = NULL;
	switch (t->kind) {
	case GL_K_FLOAT32: *seed = floathash(h, p, 4, *seed); return NULL;
	case GL_K_FLOAT64: *seed = floathash(h, p, 8, *seed); return NULL;
	case GL_K_COMPLEX64:
		*seed = floathash(h, p + 4, 4, floathash(h, p, 4, *seed));
		return NULL;
	case GL_K_COMPLEX128:
		*seed = floathash(h, p + 8, 8, floathash(h, p, 8, *seed));
		return NULL;
	case GL_K_STRING: return strhash(h, p, seed);
	case GL_K_INTERFACE: return interhash(h, t, p, seed, depth);
	case GL_K_ARRAY:
		for (uint64_t i = 0; i < t->count && !err; i++)
			err = typehash(h, t->elem, p + i * t->elem->size, seed, depth + 1);
		return err;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields && !err; i++)
			if (!blank(&t->fields[i]))
				err = typehash(h, t->fields[i].type, p + t->fields[i].offset, seed, depth + 1);
		return err;
	default:
		return gl_error_create(GL_ERR_UNSUPPORTED, "hash of unhashable type %s", t->name);
	}
}

/* The compiler's generated hasher for t (genhash / hashFunc / hashfor). */
static struct gl_error *genhash(struct hctx *h, const struct gl_type *t, const unsigned char *p,
				uint64_t *seed, int depth)
{
	if (depth > MAX_DEPTH)
		return gl_error_create(GL_ERR_LIMIT, "key type nested too deep");
	struct gl_error *err = NULL;
	switch (alg_of(t, depth)) {
	case A_NOEQ:
		return gl_error_create(GL_ERR_UNSUPPORTED, "keys of type %s cannot be hashed (no ==)",
				       t ? t->name : "?");
	case A_MEM:
		/* memhash0/8/16/32/64/128 and memhash_varlen */
		if (t->size == 4)
			*seed = gl_gohash_mem32(h->k, (uint32_t)gl_get_uint(p, 4), *seed);
		else if (t->size == 8)
			*seed = gl_gohash_mem64(h->k, gl_get_uint(p, 8), *seed);
		else if (t->size)
			*seed = gl_gohash_mem(h->k, p, t->size, *seed);
		return NULL;
	case A_STRING: return strhash(h, p, seed);
	case A_INTER: case A_NILINTER: {
		/* a one-field struct or one-element array of an interface */
		const struct gl_type *it = t;
		while (it->kind != GL_K_INTERFACE)
			it = it->kind == GL_K_ARRAY ? it->elem : it->fields[0].type;
		return interhash(h, it, p, seed, depth);
	}
	case A_F32: case A_F64: case A_C64: case A_C128:
		/* the same as typehash for floats (single-field wrappers included) */
		return typehash(h, t, p, seed, depth);
	case A_SPECIAL:
		break;
	}
	if (t->kind == GL_K_ARRAY) {
		for (uint64_t i = 0; i < t->count && !err; i++)
			err = genhash(h, t->elem, p + i * t->elem->size, seed, depth + 1);
		return err;
	}
	/* structs: runs of plain memory (up to padding, a blank or a
	 * non-memory field) as one memhash of the run; other fields by their
	 * own hasher */
	for (size_t i = 0; i < t->nfields && !err;) {
		const struct gl_field *f = &t->fields[i];
		if (blank(f)) {
			i++;
			continue;
		}
		if (alg_of(f->type, depth + 1) != A_MEM) {
			err = genhash(h, f->type, p + f->offset, seed, depth + 1);
			i++;
			continue;
		}
		size_t next = i + 1;
		while (next < t->nfields && !padded(t, next - 1) && !blank(&t->fields[next]) &&
		       alg_of(t->fields[next].type, depth + 1) == A_MEM)
			next++;
		const struct gl_field *last = &t->fields[next - 1];
		uint64_t size = last->offset + last->type->size - f->offset;
		*seed = gl_gohash_mem(h->k, p + f->offset, size, *seed);
		i = next;
	}
	return err;
}

/* ---- Go 1.27: hashers from the type's equality signature --------------------------
 * cmd/compile/internal/reflectdata/alg.go (eqSignature, hashFunc): the key
 * type flattens into M<n> (regular memory, merged across fields and
 * elements), K<n> (padding, blank fields), F, G (float32/64), S, I, E,
 * and [<n> ...] loops over unrolled array elements; the hasher walks it:
 * M4 memhash32, M8 memhash64, other M<n> memhash(n). */

#define MAX_SIG 65536

struct sig_tok {
	char kind;        /* M K F G S I E [ ] */
	uint64_t n;       /* M/K: bytes; [: iterations */
	size_t end;       /* [: the index of its ] */
	const struct gl_type *type; /* I, E: the interface type */
};

struct sigb {
	struct sig_tok *v;
	size_t n, cap;
	uint64_t reg, skip;
	bool full;
};

static void sig_push(struct sigb *b, char kind, uint64_t n)
{
	if (b->n >= MAX_SIG) {
		b->full = true;
		return;
	}
	struct sig_tok *t = GL_ARRAY_PUSH(b->v, b->n, b->cap, 16);
	if (!t) {
		b->full = true;
		return;
	}
	t->kind = kind;
	t->n = n;
}

static void sig_flush(struct sigb *b)
{
	if (b->reg)
		sig_push(b, 'M', b->reg);
	if (b->skip)
		sig_push(b, 'K', b->skip);
	b->reg = b->skip = 0;
}

static void sig_regular(struct sigb *b, uint64_t n)
{
	if (!b->reg)
		sig_flush(b);
	b->reg += n;
}

static void sig_skip(struct sigb *b, uint64_t n)
{
	if (!b->skip)
		sig_flush(b);
	b->skip += n;
}

static void sig_op(struct sigb *b, char kind)
{
	sig_flush(b);
	sig_push(b, kind, 0);
}

static void sig_build(struct sigb *b, const struct gl_type *t, int depth)
{
	if (depth > MAX_DEPTH || b->full) {
		b->full = true;
		return;
	}
	switch (t->kind) {
	case GL_K_FLOAT32: sig_op(b, 'F'); return;
	case GL_K_FLOAT64: sig_op(b, 'G'); return;
	case GL_K_COMPLEX64: sig_op(b, 'F'); sig_op(b, 'F'); return;
	case GL_K_COMPLEX128: sig_op(b, 'G'); sig_op(b, 'G'); return;
	case GL_K_STRING: sig_op(b, 'S'); return;
	case GL_K_INTERFACE:
		sig_op(b, t->empty_iface ? 'E' : 'I');
		if (!b->full)
			b->v[b->n - 1].type = t;
		return;
	case GL_K_STRUCT: {
		uint64_t off = 0;
		for (size_t i = 0; i < t->nfields; i++) {
			const struct gl_field *f = &t->fields[i];
			if (blank(f))
				continue;
			if (off < f->offset)
				sig_skip(b, f->offset - off);
			sig_build(b, f->type, depth + 1);
			off = f->offset + f->type->size;
		}
		if (off < t->size)
			sig_skip(b, t->size - off);
		return;
	}
	case GL_K_ARRAY: {
		if (alg_of(t, depth) == A_MEM) {
			sig_regular(b, t->size);
			return;
		}
		const struct gl_type *et = t->elem;
		uint64_t n = t->count;
		if (n == 0 || et->size == 0)
			return;
		if (n == 1) {
			sig_build(b, et, depth + 1);
			return;
		}
		uint64_t unroll = 32 / et->size ? 32 / et->size : 1;
		for (; n % unroll; n--)
			sig_build(b, et, depth + 1);
		if (n == 0)
			return;
		if (n == unroll) {
			for (uint64_t i = 0; i < n; i++)
				sig_build(b, et, depth + 1);
			return;
		}
		sig_flush(b);
		size_t start = b->n;
		sig_push(b, '[', n / unroll);
		for (uint64_t i = 0; i < unroll; i++)
			sig_build(b, et, depth + 1);
		sig_flush(b);
		sig_push(b, ']', 0);
		if (!b->full)
			b->v[start].end = b->n - 1;
		return;
	}
	default:
		/* bool, integers, pointers, channels: regular memory */
		sig_regular(b, t->size);
		return;
	}
}

/* Hash p along tokens [i, end); *off advances over the bytes hashed. */
static struct gl_error *sig_eval(struct hctx *h, const struct gl_type *t, const struct sigb *b, size_t i,
				 size_t end, const unsigned char *p, uint64_t *off, uint64_t *seed)
{
	struct gl_error *err = NULL;
	unsigned ps = h->c->t->ptr_size;
	for (; i < end && !err; i++) {
		const struct sig_tok *k = &b->v[i];
		if (*off > t->size)
			return gl_error_create(GL_ERR_CORRUPT, "hash signature past the key");
		const unsigned char *q = p + *off;
		switch (k->kind) {
		case 'M':
			if (k->n > t->size - *off)
				return gl_error_create(GL_ERR_CORRUPT, "hash signature past the key");
			if (k->n == 4)
				*seed = gl_gohash_mem32(h->k, (uint32_t)gl_get_uint(q, 4), *seed);
			else if (k->n == 8)
				*seed = gl_gohash_mem64(h->k, gl_get_uint(q, 8), *seed);
			else
				*seed = gl_gohash_mem(h->k, q, k->n, *seed);
			*off += k->n;
			break;
		case 'K': *off += k->n; break;
		case 'F': *seed = floathash(h, q, 4, *seed); *off += 4; break;
		case 'G': *seed = floathash(h, q, 8, *seed); *off += 8; break;
		case 'S': err = strhash(h, q, seed); *off += 2 * ps; break;
		case 'I': case 'E':
			err = interhash(h, k->type, q, seed, 1);
			*off += 2 * ps;
			break;
		case '[':
			for (uint64_t r = 0; r < k->n && !err; r++)
				err = sig_eval(h, t, b, i + 1, k->end, p, off, seed);
			i = k->end;
			break;
		default:
			break;
		}
	}
	return err;
}

static struct gl_error *genhash_sig(struct hctx *h, const struct gl_type *t, const unsigned char *p,
				    uint64_t *seed)
{
	if (alg_of(t, 0) == A_NOEQ)
		return gl_error_create(GL_ERR_UNSUPPORTED, "keys of type %s cannot be hashed (no ==)", t->name);
	struct sigb b = {0};
	sig_build(&b, t, 0);
	sig_flush(&b);
	uint64_t off = 0;
	struct gl_error *err = b.full ? gl_error_create(GL_ERR_LIMIT, "the hash signature of %s is too long", t->name)
				      : sig_eval(h, t, &b, 0, b.n, p, &off, seed);
	free(b.v);
	return err;
}

unsigned gl_maphash_word_key(const struct gl_type *t)
{
	/* genhash and Go 1.27's signatures agree here: one memory run */
	return t && (t->size == 4 || t->size == 8) && alg_of(t, 0) == A_MEM ? (unsigned)t->size : 0;
}

struct gl_error *gl_maphash_key(struct gl_ctx *c, const struct gl_gohash_keys *k,
				const struct gl_type *t, const unsigned char *key, uint64_t seed,
				const struct gl_key_reader *rd, uint64_t *hash, bool *random)
{
	struct gl_key_reader target = {target_read, c};
	struct hctx h = {.c = c, .k = k, .rd = rd ? rd : &target};
	uint64_t s = seed;
	/* Go 1.27 builds hashers from equality signatures, earlier releases
	 * from the type's fields (memory runs up to padding) */
	struct gl_error *err = c->t->go_minor >= 27 ? genhash_sig(&h, t, key, &s) : genhash(&h, t, key, &s, 0);
	*hash = s;
	*random = h.random;
	return err;
}

/* Whose AES hash: the runtime has it on amd64, 386 and arm64 only (and
 * useAeshash stays false elsewhere). */
static bool hash_arch(const char *goarch, enum gl_gohash_arch *arch)
{
	static const struct {
		const char *name;
		enum gl_gohash_arch arch;
	} archs[] = {{"amd64", GL_GOHASH_AMD64}, {"386", GL_GOHASH_386}, {"arm64", GL_GOHASH_ARM64}};
	for (size_t i = 0; goarch && i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!strcmp(goarch, archs[i].name)) {
			*arch = archs[i].arch;
			return true;
		}
	return false;
}

struct gl_error *gl_gohash_load(struct gl_ctx *c, struct gl_gohash_keys *k)
{
	const struct gl_rtlayout *rt;
	struct gl_error *err = gl_rt_load_globals(c, &rt);
	if (err)
		return err;
	struct gl_rt_global use = gl_rt_global(rt, GL_RTG_USE_AESHASH),
			    ks = gl_rt_global(rt, GL_RTG_AESKEYSCHED), hk = gl_rt_global(rt, GL_RTG_HASHKEY);
	if (!use.present || !ks.present || !hk.present)
		return gl_rt_global_error(rt, !use.present ? GL_RTG_USE_AESHASH : !ks.present ? GL_RTG_AESKEYSCHED
											: GL_RTG_HASHKEY);
	memset(k, 0, sizeof(*k));
	const char *goarch = c->t->goarch;
	if (!hash_arch(goarch, &k->arch) || (rt->ptr_size == 4) != (k->arch == GL_GOHASH_386))
		return gl_error_create(GL_ERR_UNSUPPORTED, "golayout computes the runtime's hash for amd64, "
				       "386 and arm64 programs, not for %s", goarch ? goarch : "this architecture");
	/* aeskeysched: hashRandomBytes = PtrSize/4*64; hashkey: [4]uintptr */
	unsigned ps = rt->ptr_size;
	unsigned char use_b = 0, hkb[32];
	if ((err = gl_mem_read(c->mem, use.addr, &use_b, 1)) ||
	    (err = gl_mem_read(c->mem, ks.addr, k->aeskeysched, ps / 4 * 64)) ||
	    (err = gl_mem_read(c->mem, hk.addr, hkb, 4 * ps)))
		return gl_error_wrap(err, "reading the runtime's hash keys");
	k->aes = use_b != 0;
	uint64_t hashkey[4];
	for (int i = 0; i < 4; i++)
		hashkey[i] = gl_get_uint(hkb + ps * i, ps);
	gl_gohash_keys_fallback(k, hashkey, rt->go_minor);
	return NULL;
}

/* ---- equality ----------------------------------------------------------------- */

static struct gl_error *equal(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
			      const struct gl_key_reader *ra, const unsigned char *b,
			      const struct gl_key_reader *rb, bool *eq, int depth);

static struct gl_error *iface_equal(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
				    const struct gl_key_reader *ra, const unsigned char *b,
				    const struct gl_key_reader *rb, bool *eq, int depth)
{
	unsigned ps = c->t->ptr_size;
	*eq = false;
	if (gl_get_uint(a, ps) != gl_get_uint(b, ps))
		return NULL; /* other type (or itab) */
	if (!gl_get_uint(a, ps)) {
		*eq = true;
		return NULL;
	}
	uint64_t tp;
	const struct gl_type *dt = gl_iface_dynamic_type(c, t, a, &tp);
	if (!dt)
		return gl_error_create(GL_ERR_UNSUPPORTED, "unknown dynamic type of an interface key");
	if (gl_type_is_direct_iface(dt)) {
		*eq = gl_get_uint(a + ps, ps) == gl_get_uint(b + ps, ps);
		return NULL;
	}
	unsigned char *va, *vb;
	struct gl_error *err = read_bytes(ra, gl_get_uint(a + ps, ps), dt->size, &va);
	if (err)
		return err;
	if ((err = read_bytes(rb, gl_get_uint(b + ps, ps), dt->size, &vb))) {
		free(va);
		return err;
	}
	err = equal(c, dt, va, ra, vb, rb, eq, depth + 1);
	free(va);
	free(vb);
	return err;
}

static struct gl_error *equal(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
			      const struct gl_key_reader *ra, const unsigned char *b,
			      const struct gl_key_reader *rb, bool *eq, int depth)
{
	unsigned ps = c->t->ptr_size;
	struct gl_error *err = NULL;
	*eq = true;
	if (depth > MAX_DEPTH)
		return gl_error_create(GL_ERR_LIMIT, "key type nested too deep");
	switch (t->kind) {
	case GL_K_FLOAT32:
		*eq = get_f32(a) == get_f32(b);
		return NULL;
	case GL_K_FLOAT64:
		*eq = get_f64(a) == get_f64(b);
		return NULL;
	case GL_K_COMPLEX64:
		*eq = get_f32(a) == get_f32(b) && get_f32(a + 4) == get_f32(b + 4);
		return NULL;
	case GL_K_COMPLEX128:
		*eq = get_f64(a) == get_f64(b) && get_f64(a + 8) == get_f64(b + 8);
		return NULL;
	case GL_K_STRING: {
		uint64_t n = gl_get_uint(a + ps, ps);
		if (n != gl_get_uint(b + ps, ps)) {
			*eq = false;
			return NULL;
		}
		unsigned char *sa, *sb;
		if ((err = read_bytes(ra, gl_get_uint(a, ps), n, &sa)))
			return err;
		if ((err = read_bytes(rb, gl_get_uint(b, ps), n, &sb))) {
			free(sa);
			return err;
		}
		*eq = memcmp(sa, sb, n) == 0;
		free(sa);
		free(sb);
		return NULL;
	}
	case GL_K_INTERFACE:
		return iface_equal(c, t, a, ra, b, rb, eq, depth);
	case GL_K_ARRAY:
		for (uint64_t i = 0; i < t->count && *eq && !err; i++)
			err = equal(c, t->elem, a + i * t->elem->size, ra, b + i * t->elem->size, rb, eq, depth + 1);
		return err;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields && *eq && !err; i++)
			if (!blank(&t->fields[i]))
				err = equal(c, t->fields[i].type, a + t->fields[i].offset, ra,
					    b + t->fields[i].offset, rb, eq, depth + 1);
		return err;
	default:
		*eq = memcmp(a, b, t->size) == 0;
		return NULL;
	}
}

struct gl_error *gl_mapkey_equal(struct gl_ctx *c, const struct gl_type *t, const unsigned char *a,
				 const struct gl_key_reader *ra, const unsigned char *b,
				 const struct gl_key_reader *rb, bool *eq)
{
	struct gl_key_reader target = {target_read, c};
	return equal(c, t, a, ra ? ra : &target, b, rb ? rb : &target, eq, 0);
}
