/* The walk over a Go 1.27+ module's type descriptors and static itabs
 * (typesect.h): runtime.moduleTypelinks and addModuleItabs, with every
 * size the runtime trusts checked against what the compiler writes. */
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/le.h"
#include "gotypes/typesect.h"

/* The two runs are read whole; a module's type section is a few MB even
 * for the largest programs (nameOff and typeOff are int32 besides). */
#define MAX_RUN (1ull << 28)
/* An itab's interface has at least one method; more than this many is
 * garbage (the compiler writes a uint16 Mcount for concrete types). */
#define MAX_IMETHODS (1ull << 16)
/* FuncType.OutCount's top bit marks a variadic function. */
#define OUT_COUNT_MASK 0x7fffu

/* ---- the shape, from the runtime-layout table ---------------------------- */

bool gl_typesect_shape_of(const struct gl_rtlayout *L, struct gl_typesect_shape *sh, const char **missing)
{
	memset(sh, 0, sizeof(*sh));
	sh->ptr_size = L->ptr_size;
	uint64_t w = L->ptr_size;
#define S(id, member) {GL_RTS_##id, #id, &sh->member}
	const struct {
		enum gl_rts id;
		const char *name;
		uint64_t *size;
	} structs[] = {
		S(ABI_TYPE, type_size), S(ABI_UNCOMMON_TYPE, uncommon_size), S(ABI_METHOD, method_size),
		S(ABI_STRUCT_FIELD, field_size), S(ABI_IMETHOD, imethod_size), S(ITAB, itab_size),
		S(ABI_ARRAY_TYPE, kind_size[GL_K_ARRAY]), S(ABI_CHAN_TYPE, kind_size[GL_K_CHAN]),
		S(ABI_FUNC_TYPE, kind_size[GL_K_FUNC]), S(ABI_IFACE_TYPE, kind_size[GL_K_INTERFACE]),
		S(ABI_PTR_TYPE, kind_size[GL_K_POINTER]), S(ABI_SLICE_TYPE, kind_size[GL_K_SLICE]),
		S(ABI_STRUCT_TYPE, kind_size[GL_K_STRUCT]),
	};
#undef S
	/* with the width the walk reads each field with */
#define F(id, member, width) {GL_RTF_##id, #id, &sh->member, width}
	const struct {
		enum gl_rtf id;
		const char *name;
		uint64_t *off;
		uint64_t width;
	} fields[] = {
		F(ABI_TYPE_KIND, kind_off, 1), F(ABI_TYPE_TFLAG, tflag_off, 1), F(ABI_TYPE_STR, str_off, 4),
		F(ABI_UNCOMMON_TYPE_MCOUNT, mcount_off, 2), F(ABI_UNCOMMON_TYPE_MOFF, moff_off, 4),
		F(ABI_STRUCT_TYPE_FIELDS, fields_off, 3 * w), F(ABI_IFACE_TYPE_METHODS, imethods_off, 3 * w),
		F(ABI_FUNC_TYPE_IN_COUNT, in_count_off, 2), F(ABI_FUNC_TYPE_OUT_COUNT, out_count_off, 2),
		F(ITAB_INTER, itab_inter_off, w), F(ITAB_TYPE, itab_type_off, w), F(ITAB_FUN, itab_fun_off, w),
	};
#undef F
	for (size_t i = 0; i < sizeof(structs) / sizeof(structs[0]); i++) {
		const struct gl_type *t = gl_rt_struct(L, structs[i].id);
		if (!t || !t->size) {
			*missing = structs[i].name;
			return false;
		}
		*structs[i].size = t->size;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct gl_rt_field f = gl_rt_field(L, fields[i].id);
		if (!f.present || f.size != fields[i].width) {
			*missing = fields[i].name;
			return false;
		}
		*fields[i].off = f.off;
	}
	/* the map descriptor: swiss (MapType from 1.26) or classic */
	const struct gl_type *mt = gl_rt_struct(L, GL_RTS_ABI_SMAP_TYPE);
	if (!mt)
		mt = gl_rt_struct(L, GL_RTS_ABI_MAP_TYPE);
	if (!mt) {
		*missing = "ABI_SMAP_TYPE";
		return false;
	}
	sh->kind_size[GL_K_MAP] = mt->size;
	for (unsigned k = GL_K_BOOL; k <= GL_K_UNSAFEPOINTER; k++)
		if (!sh->kind_size[k])
			sh->kind_size[k] = sh->type_size; /* scalars and strings: abi.Type alone */
	sh->kind_mask = (uint64_t)gl_rt_const(L, GL_RTC_KIND_MASK);
	sh->tflag_uncommon = (uint64_t)gl_rt_const(L, GL_RTC_TFLAG_UNCOMMON);
	/* what the walk reads must lie inside what it checked the size of */
	if (sh->fields_off + 3ull * sh->ptr_size > sh->kind_size[GL_K_STRUCT] ||
	    sh->imethods_off + 3ull * sh->ptr_size > sh->kind_size[GL_K_INTERFACE] ||
	    sh->in_count_off + 2 > sh->kind_size[GL_K_FUNC] || sh->out_count_off + 2 > sh->kind_size[GL_K_FUNC] ||
	    sh->mcount_off + 2 > sh->uncommon_size || sh->moff_off + 4 > sh->uncommon_size ||
	    sh->itab_fun_off + sh->ptr_size > sh->itab_size || sh->itab_inter_off + sh->ptr_size > sh->itab_size ||
	    sh->itab_type_off + sh->ptr_size > sh->itab_size) {
		*missing = "a descriptor field outside its struct";
		return false;
	}
	return true;
}

/* ---- one descriptor -------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

struct gl_error *gl_typesect_desc_size(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				       const unsigned char *run, uint64_t len, uint64_t pos, uint64_t *size)
{
	uint64_t addr = ts->types + pos, sect = ts->etypes - ts->types, w = sh->ptr_size;
	if (pos > len || len - pos < sh->type_size)
		return gl_error_create(GL_ERR_CORRUPT, "the descriptor at %#llx runs past the typelinked ones (types+%#llx)",
				       (unsigned long long)addr, (unsigned long long)len);
	const unsigned char *d = run + pos;
	unsigned kind = (unsigned)(d[sh->kind_off] & sh->kind_mask);
	if (kind == GL_K_INVALID || kind > GL_K_UNSAFEPOINTER)
		return gl_error_create(GL_ERR_CORRUPT, "the descriptor at %#llx has kind %u, which is no kind",
				       (unsigned long long)addr, kind);
	int64_t str = gl_get_int(d + sh->str_off, 4);
	if (str <= 0 || (uint64_t)str >= sect)
		return gl_error_create(GL_ERR_CORRUPT, "the descriptor at %#llx has its name at types%+lld, outside "
				       "the type section", (unsigned long long)addr, (long long)str);
	uint64_t base = sh->kind_size[kind], left = len - pos;
	bool uncommon = (d[sh->tflag_off] & sh->tflag_uncommon) != 0;
	uint64_t extra = uncommon ? sh->uncommon_size : 0;
	if (left < base + extra)
		return gl_error_create(GL_ERR_CORRUPT, "the %s descriptor at %#llx runs past the typelinked ones",
				       gl_kind_name((enum gl_kind)kind), (unsigned long long)addr);
	/* the variable part after the UncommonType (writeType's dataAdd) */
	uint64_t add = 0;
	if (kind == GL_K_STRUCT || kind == GL_K_INTERFACE) {
		uint64_t off = kind == GL_K_STRUCT ? sh->fields_off : sh->imethods_off;
		uint64_t esz = kind == GL_K_STRUCT ? sh->field_size : sh->imethod_size;
		uint64_t arr = gl_get_uint(d + off, w), n = gl_get_uint(d + off + w, w), cap = gl_get_uint(d + off + 2 * w, w);
		if (n != cap || n > left / esz)
			return gl_error_create(GL_ERR_CORRUPT, "the %s descriptor at %#llx lists %llu %s (cap %llu): more "
					       "than fit", gl_kind_name((enum gl_kind)kind), (unsigned long long)addr,
					       (unsigned long long)n, kind == GL_K_STRUCT ? "fields" : "methods",
					       (unsigned long long)cap);
		if (n && arr != addr + base + extra)
			return gl_error_create(GL_ERR_CORRUPT, "the %s descriptor at %#llx has its %s at %#llx, not "
					       "after it at %#llx", gl_kind_name((enum gl_kind)kind),
					       (unsigned long long)addr, kind == GL_K_STRUCT ? "fields" : "methods",
					       (unsigned long long)arr, (unsigned long long)(addr + base + extra));
		add = n * esz;
	} else if (kind == GL_K_FUNC) {
		uint64_t in = gl_get_uint(d + sh->in_count_off, 2);
		uint64_t out = gl_get_uint(d + sh->out_count_off, 2) & OUT_COUNT_MASK;
		add = (in + out) * w;
	}
	uint64_t methods = 0;
	if (uncommon) {
		const unsigned char *u = d + base;
		uint64_t mcount = gl_get_uint(u + sh->mcount_off, 2), moff = gl_get_uint(u + sh->moff_off, 4);
		if (moff != sh->uncommon_size + add)
			return gl_error_create(GL_ERR_CORRUPT, "the %s descriptor at %#llx has its methods %llu bytes after "
					       "its UncommonType, not %llu", gl_kind_name((enum gl_kind)kind),
					       (unsigned long long)addr, (unsigned long long)moff,
					       (unsigned long long)(sh->uncommon_size + add));
		methods = mcount * sh->method_size;
	}
	/* (no overflow: add <= len, methods < 2^16 method sizes, len <= MAX_RUN) */
	uint64_t total = base + extra + add + methods;
	if (total > left)
		return gl_error_create(GL_ERR_CORRUPT, "the %s descriptor at %#llx (%llu bytes) runs past the typelinked "
				       "ones", gl_kind_name((enum gl_kind)kind), (unsigned long long)addr,
				       (unsigned long long)total);
	*size = total;
	return NULL;
}

/* ---- the walk ------------------------------------------------------------- */

static bool push(uint64_t **addrs, size_t *n, size_t *cap, uint64_t a)
{
	if (!GL_ARRAY_RESERVE(*addrs, *cap, *n, 256))
		return false;
	(*addrs)[(*n)++] = a;
	return true;
}

static struct gl_error *read_run(gl_typesect_read_fn read, void *arg, uint64_t addr, uint64_t len,
				 unsigned char **out)
{
	*out = malloc(len ? len : 1);
	if (!*out)
		return &gl_error_nomem;
	struct gl_error *err = read(arg, addr, *out, len);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

static struct gl_error *walk_descs(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				   gl_typesect_read_fn read, void *arg, uint64_t **addrs, size_t *n, size_t *cap)
{
	unsigned char *run;
	struct gl_error *err = read_run(read, arg, ts->types, ts->typedesclen, &run);
	if (err)
		return err;
	/* from PtrSize: the linker skips a word so that no type is at offset 0 */
	uint64_t pos = sh->ptr_size, size;
	while (pos < ts->typedesclen) {
		pos = align_up(pos, sh->ptr_size);
		if ((err = gl_typesect_desc_size(sh, ts, run, ts->typedesclen, pos, &size)))
			break;
		if (!push(addrs, n, cap, ts->types + pos)) {
			err = &gl_error_nomem;
			break;
		}
		pos += size;
	}
	free(run);
	return err;
}

static bool in_section(const struct gl_typesect *ts, uint64_t a)
{
	return a >= ts->types && a < ts->etypes;
}

static struct gl_error *walk_itabs(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				   gl_typesect_read_fn read, void *arg, uint64_t **addrs, size_t *n, size_t *cap)
{
	unsigned char *run;
	uint64_t start = ts->types + ts->itaboffset, w = sh->ptr_size;
	struct gl_error *err = read_run(read, arg, start, ts->itabsize, &run);
	if (err)
		return err;
	for (uint64_t p = 0; p < ts->itabsize && !err;) {
		uint64_t addr = start + p, left = ts->itabsize - p;
		if (left < sh->itab_size) {
			err = gl_error_create(GL_ERR_CORRUPT, "the itab at %#llx runs past the itabs' end (%#llx)",
					      (unsigned long long)addr, (unsigned long long)(start + ts->itabsize));
			break;
		}
		uint64_t inter = gl_get_uint(run + p + sh->itab_inter_off, w);
		uint64_t type = gl_get_uint(run + p + sh->itab_type_off, w);
		uint64_t fun0 = gl_get_uint(run + p + sh->itab_fun_off, w);
		if (!in_section(ts, inter) || !in_section(ts, type)) {
			err = gl_error_create(GL_ERR_CORRUPT, "the itab at %#llx has its interface (%#llx) or type (%#llx) "
					      "outside the type section", (unsigned long long)addr,
					      (unsigned long long)inter, (unsigned long long)type);
			break;
		}
		uint64_t size = sh->itab_size;
		if (fun0) { /* it implements the interface: a word per method (ITab.Size) */
			unsigned char m[16];
			if ((err = read(arg, inter + sh->imethods_off + w, m, 2 * w)))
				break;
			uint64_t nm = gl_get_uint(m, w), cap_m = gl_get_uint(m + w, w);
			if (nm == 0 || nm != cap_m || nm > MAX_IMETHODS) {
				err = gl_error_create(GL_ERR_CORRUPT, "the itab at %#llx is of an interface with %llu methods "
						      "(cap %llu)", (unsigned long long)addr, (unsigned long long)nm,
						      (unsigned long long)cap_m);
				break;
			}
			size += (nm - 1) * w;
		}
		if (size > left) {
			err = gl_error_create(GL_ERR_CORRUPT, "the itab at %#llx (%llu bytes) runs past the itabs' end",
					      (unsigned long long)addr, (unsigned long long)size);
			break;
		}
		if (!push(addrs, n, cap, type))
			err = &gl_error_nomem;
		p += size;
	}
	free(run);
	return err;
}

struct gl_error *gl_typesect_walk(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				  gl_typesect_read_fn read, void *arg, uint64_t **addrs, size_t *n)
{
	*addrs = NULL;
	*n = 0;
	uint64_t sect = ts->etypes - ts->types;
	struct gl_error *err = NULL;
	if (!sh->ptr_size || sh->ptr_size > 8 || !sh->type_size)
		err = gl_error_create(GL_ERR_UNSUPPORTED, "no descriptor layouts to walk them with");
	else if (!ts->types || ts->etypes <= ts->types)
		err = gl_error_create(GL_ERR_CORRUPT, "the module's type section [%#llx, %#llx) is empty",
				      (unsigned long long)ts->types, (unsigned long long)ts->etypes);
	else if (ts->typedesclen < sh->ptr_size || ts->typedesclen > sect || ts->typedesclen > MAX_RUN ||
		 ts->itaboffset < ts->typedesclen || ts->itaboffset > sect || ts->itabsize > sect - ts->itaboffset ||
		 ts->itabsize > MAX_RUN)
		err = gl_error_create(GL_ERR_CORRUPT, "the module's type section of %#llx bytes does not hold its "
				      "descriptors (%#llx bytes) and itabs (%#llx bytes at +%#llx)",
				      (unsigned long long)sect, (unsigned long long)ts->typedesclen,
				      (unsigned long long)ts->itabsize, (unsigned long long)ts->itaboffset);
	size_t cap = 0;
	if (!err)
		err = walk_descs(sh, ts, read, arg, addrs, n, &cap);
	if (!err)
		err = walk_itabs(sh, ts, read, arg, addrs, n, &cap);
	if (err) {
		free(*addrs);
		*addrs = NULL;
		*n = 0;
		if (err != &gl_error_nomem)
			err = gl_error_wrap(err, "cannot walk the type descriptors");
	}
	return err;
}
