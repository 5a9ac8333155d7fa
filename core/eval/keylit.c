/* See keylit.h. A small recursive-descent parser driven by the key
 * type: the type says what each literal must be, so {1, "x"} needs no
 * type name. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/keylit.h"
#include "eval/expr.h"
#include "base/number.h"

#define MAX_DEPTH 32

struct kp {
	struct gl_ctx *c;
	const char *s, *p;
	struct gl_keylit *k;
};

static void ws(struct kp *kp)
{
	while (isspace((unsigned char)*kp->p))
		kp->p++;
}

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

static struct gl_error *bad(struct kp *kp, const struct gl_type *t, const char *what)
{
	return gl_error_create(GL_ERR_TYPE, "--key %s: %s for %s at \"%.40s\"", kp->s, what, t->name, kp->p);
}

static void put(unsigned char *out, uint64_t v, uint64_t size)
{
	for (uint64_t i = 0; i < size; i++)
		out[i] = (unsigned char)(v >> (8 * i));
}

static bool word(struct kp *kp, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(kp->p, w, n) || ident_char(kp->p[n]))
		return false;
	kp->p += n;
	return true;
}

static struct gl_error *integer(struct kp *kp, const struct gl_type *t, unsigned char *out)
{
	bool neg = *kp->p == '-';
	if (neg || *kp->p == '+')
		kp->p++;
	uint64_t mag;
	const char *end;
	if (!isdigit((unsigned char)*kp->p) || !gl_parse_u64_prefix(kp->p, &end, &mag))
		return bad(kp, t, "want an integer");
	if (*end == '.' || *end == 'e' || *end == 'E')
		return bad(kp, t, "want an integer, not a float");
	kp->p = end;
	uint64_t bits = t->size * 8;
	bool fits = gl_kind_is_int(t->kind)
			    ? (neg ? mag <= (1ull << (bits - 1)) : mag < (1ull << (bits - 1)))
			    : !neg && (bits == 64 || mag < (1ull << bits));
	if (!fits)
		return bad(kp, t, "the number overflows");
	put(out, neg ? (uint64_t)0 - mag : mag, t->size);
	return NULL;
}

static struct gl_error *floating(struct kp *kp, const struct gl_type *t, unsigned char *out)
{
	char *end;
	errno = 0;
	double d = strtod(kp->p, &end);
	if (end == kp->p)
		return bad(kp, t, "want a number");
	kp->p = end;
	if (t->kind == GL_K_FLOAT32) {
		float f = (float)d;
		memcpy(out, &f, 4);
	} else {
		memcpy(out, &d, 8);
	}
	return NULL;
}

static struct gl_error *value(struct kp *kp, const struct gl_type *t, unsigned char *out, int depth);

/* A type name before "{": skipped (the key type says what it is). */
static void skip_type_name(struct kp *kp)
{
	const char *q = kp->p;
	while (ident_char(*q) || *q == '[' || *q == ']' || *q == '*')
		q++;
	if (*q == '{')
		kp->p = q;
}

static struct gl_error *composite(struct kp *kp, const struct gl_type *t, unsigned char *out, int depth)
{
	skip_type_name(kp);
	if (*kp->p != '{')
		return bad(kp, t, "want a composite literal {...}");
	kp->p++;
	uint64_t n = 0;
	bool named = false;
	for (;;) {
		ws(kp);
		if (*kp->p == '}')
			break;
		const struct gl_type *et = NULL;
		unsigned char *eo = NULL;
		if (t->kind == GL_K_STRUCT) {
			/* Name: value, or values in field order */
			const char *q = kp->p;
			while (ident_char(*q) && *q != '.')
				q++;
			const char *r = q;
			while (isspace((unsigned char)*r))
				r++;
			if (q > kp->p && *r == ':') {
				char name[128];
				size_t len = (size_t)(q - kp->p) < sizeof(name) - 1 ? (size_t)(q - kp->p) : sizeof(name) - 1;
				memcpy(name, kp->p, len);
				name[len] = 0;
				const struct gl_field *f = gl_type_field(t, name);
				if (!f)
					return bad(kp, t, "no such field");
				named = true;
				et = f->type;
				eo = out + f->offset;
				kp->p = r + 1;
			} else if (named || n >= t->nfields) {
				return bad(kp, t, n >= t->nfields ? "too many values" : "mixed named and positional fields");
			} else {
				et = t->fields[n].type;
				eo = out + t->fields[n].offset;
			}
		} else {
			if (n >= t->count)
				return bad(kp, t, "too many elements");
			et = t->elem;
			eo = out + n * t->elem->size;
		}
		struct gl_error *err = value(kp, et, eo, depth + 1);
		if (err)
			return err;
		n++;
		ws(kp);
		if (*kp->p == ',')
			kp->p++;
		else if (*kp->p != '}')
			return bad(kp, t, "want , or }");
	}
	kp->p++;
	return NULL;
}

static struct gl_error *value(struct kp *kp, const struct gl_type *t, unsigned char *out, int depth)
{
	if (depth > MAX_DEPTH)
		return bad(kp, t, "nested too deep");
	ws(kp);
	unsigned ps = kp->c->t->ptr_size;
	switch (t->kind) {
	case GL_K_BOOL:
		if (word(kp, "true"))
			out[0] = 1;
		else if (!word(kp, "false"))
			return bad(kp, t, "want true or false");
		return NULL;
	case GL_K_INT: case GL_K_INT8: case GL_K_INT16: case GL_K_INT32: case GL_K_INT64:
	case GL_K_UINT: case GL_K_UINT8: case GL_K_UINT16: case GL_K_UINT32: case GL_K_UINT64:
	case GL_K_UINTPTR:
		return integer(kp, t, out);
	case GL_K_FLOAT32: case GL_K_FLOAT64:
		return floating(kp, t, out);
	case GL_K_POINTER: case GL_K_UNSAFEPOINTER: case GL_K_CHAN:
		if (word(kp, "nil"))
			return NULL;
		return integer(kp, &(struct gl_type){.kind = GL_K_UINTPTR, .size = t->size, .name = t->name}, out);
	case GL_K_INTERFACE:
		if (word(kp, "nil"))
			return NULL;
		return bad(kp, t, "only nil is an interface literal: give a variable holding the key");
	case GL_K_STRING: {
		if (*kp->p != '"' && *kp->p != '`')
			return bad(kp, t, "want a string literal");
		size_t off = kp->k->mem.len;
		struct gl_error *err = gl_parse_string_lit(&kp->p, kp->s, &kp->k->mem);
		if (err)
			return err;
		if (ps == 4 && kp->k->mem.len > GL_KEYLIT_MAX_32)
			return gl_error_create(GL_ERR_LIMIT, "--key: the literal strings of a key of a 32-bit "
					       "program total at most %llu bytes", (unsigned long long)GL_KEYLIT_MAX_32);
		put(out, kp->k->base + off, ps);
		put(out + ps, kp->k->mem.len - off, ps);
		return NULL;
	}
	case GL_K_ARRAY: case GL_K_STRUCT:
		return composite(kp, t, out, depth);
	default:
		return gl_error_create(GL_ERR_UNSUPPORTED, "--key: no literal of %s keys", t->name);
	}
}

static struct gl_error *read_key(void *arg, uint64_t addr, void *out, uint64_t n)
{
	struct gl_keylit *k = arg;
	if (addr >= k->base && (k->base == GL_KEYLIT_BASE || addr < k->base + GL_KEYLIT_MAX_32)) {
		uint64_t off = addr - k->base;
		if (off > k->mem.len || n > k->mem.len - off)
			return gl_error_fault(addr, "outside the key literal");
		memcpy(out, k->mem.s + off, n);
		return NULL;
	}
	return gl_mem_read(k->c->mem, addr, out, n);
}

/* Whether text starts like a literal rather than an expression (for a
 * float key type, NaN and Inf too: strtod's spellings). */
static bool literal_start(const struct gl_type *t, const char *p)
{
	if ((t->kind == GL_K_FLOAT32 || t->kind == GL_K_FLOAT64) &&
	    (!strncasecmp(p, "nan", 3) || !strncasecmp(p, "inf", 3)))
		return true;
	if (*p == '"' || *p == '`' || *p == '{' || *p == '-' || *p == '+' || *p == '.' || *p == '[' ||
	    isdigit((unsigned char)*p))
		return true;
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5) || !strncmp(p, "nil", 3))
		return !ident_char(p[!strncmp(p, "false", 5) ? 5 : !strncmp(p, "true", 4) ? 4 : 3]);
	while (ident_char(*p))
		p++;
	return *p == '{'; /* T{...} */
}

struct gl_error *gl_keylit_parse(struct gl_ctx *c, const struct gl_type *t, const char *text,
				 struct gl_keylit *out)
{
	memset(out, 0, sizeof(*out));
	sb_init(&out->mem);
	out->c = c;
	out->base = c->t->ptr_size == 4 ? GL_KEYLIT_BASE_32 : GL_KEYLIT_BASE;
	out->rd = (struct gl_key_reader){read_key, out};
	out->bytes = calloc(1, t->size ? t->size : 1);
	if (!out->bytes)
		return &gl_error_nomem;
	while (isspace((unsigned char)*text))
		text++;
	if (!literal_start(t, text)) {
		struct gl_value v = {0};
		struct gl_error *err = gl_expr_eval(c, text, NULL, &v);
		if (err)
			return err;
		if (v.type->size != t->size || (v.type != t && strcmp(v.type->name, t->name))) {
			err = gl_error_create(GL_ERR_TYPE, "--key %s is %s, not the map's key type %s", text,
					      v.type->name, t->name);
		} else {
			memcpy(out->bytes, v.bytes, t->size);
		}
		gl_value_deinit(&v);
		return err;
	}
	struct kp kp = {.c = c, .s = text, .p = text, .k = out};
	struct gl_error *err = value(&kp, t, out->bytes, 0);
	if (!err) {
		ws(&kp);
		if (*kp.p)
			err = bad(&kp, t, "unexpected text after the key");
	}
	if (!err && out->mem.oom)
		err = &gl_error_nomem;
	return err;
}

void gl_keylit_deinit(struct gl_keylit *k)
{
	free(k->bytes);
	sb_deinit(&k->mem);
	memset(k, 0, sizeof(*k));
}
