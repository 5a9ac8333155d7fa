/* An object's specials: the span's sorted list of runtime.special records
 * (finalizers, cleanups, weak handles, pin counters, profiles...) that
 * fall in the object's slot, with the data golayout shows of each kind. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/heap.h"

#define MAX_SPECIALS 100000 /* per span: the walk stops there */

/* The special kinds of the runtime-layout table, in the runtime's order. */
static const enum gl_rtc KINDS[] = {
	GL_RTC_KIND_SPECIAL_TINY_BLOCK,  GL_RTC_KIND_SPECIAL_FINALIZER, GL_RTC_KIND_SPECIAL_WEAK_HANDLE,
	GL_RTC_KIND_SPECIAL_PROFILE,     GL_RTC_KIND_SPECIAL_REACHABLE, GL_RTC_KIND_SPECIAL_PIN_COUNTER,
	GL_RTC_KIND_SPECIAL_CLEANUP,     GL_RTC_KIND_SPECIAL_CHECK_FINALIZER,
	GL_RTC_KIND_SPECIAL_BUBBLE,      GL_RTC_KIND_SPECIAL_SECRET,
};
#define NKINDS (sizeof(KINDS) / sizeof(KINDS[0]))

/* "runtime._KindSpecialWeakHandle" -> "weak_handle" */
static void kind_name(const char *dwarf_name, char *out, size_t len)
{
	const char *p = "runtime._KindSpecial", *camel = dwarf_name;
	if (!strncmp(camel, p, strlen(p)))
		camel += strlen(p);
	size_t o = 0;
	for (size_t i = 0; camel[i] && camel[i] != '|' && o + 2 < len; i++) {
		unsigned char ch = (unsigned char)camel[i];
		if (isupper(ch) && i > 0 && o > 0)
			out[o++] = '_';
		out[o++] = (char)tolower(ch);
	}
	out[o] = '\0';
}

/* The runtime's kind value -> its name in the table and golayout's enum. */
static void special_kind(const struct gl_heap *h, int64_t v, struct gl_special *o)
{
	static const struct {
		enum gl_rtc k;
		enum gl_special_kind kind;
	} shown[] = {
		{GL_RTC_KIND_SPECIAL_FINALIZER, GL_SPECIAL_FINALIZER},
		{GL_RTC_KIND_SPECIAL_CLEANUP, GL_SPECIAL_CLEANUP},
		{GL_RTC_KIND_SPECIAL_WEAK_HANDLE, GL_SPECIAL_WEAK_HANDLE},
		{GL_RTC_KIND_SPECIAL_PIN_COUNTER, GL_SPECIAL_PIN_COUNTER},
		{GL_RTC_KIND_SPECIAL_PROFILE, GL_SPECIAL_PROFILE},
	};
	o->value = v;
	o->kind = GL_SPECIAL_UNKNOWN;
	snprintf(o->name, sizeof(o->name), "unknown");
	/* DWARF's values first: fallbacks of other releases may collide when
	 * the release is unknown */
	for (size_t j = 0; j < 2 * NKINDS; j++) {
		size_t i = j % NKINDS;
		bool dwarf_pass = j < NKINDS;
		if (!gl_rt_has_const(h->L, KINDS[i]) || gl_heap_const(h, KINDS[i]) != v ||
		    h->L->consts[KINDS[i]].from_dwarf != dwarf_pass)
			continue;
		kind_name(gl_rt_const_desc(KINDS[i])->names, o->name, sizeof(o->name));
		o->kind = GL_SPECIAL_OTHER;
		for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
			if (shown[k].k == KINDS[i])
				o->kind = shown[k].kind;
		return;
	}
}

/* A pointer word of the special record at sp; false if absent/unreadable. */
static bool word(struct gl_heap *h, uint64_t sp, enum gl_rtf f, uint64_t *w)
{
	struct gl_rt_field rf = gl_rt_field(h->L, f);
	if (!rf.present)
		return false;
	struct gl_error *err = gl_heap_read_word(h, sp + rf.off, w);
	gl_error_destroy(err);
	return !err;
}

/* Go 1.24-1.25 keep a closure func() { cleanup(arg) } made in AddCleanup:
 * one of its first two captured words is the user's function value (a
 * *funcval whose PC names a function), or a pointer to it. */
static void cleanup_user_fn(struct gl_heap *h, uint64_t closure, struct gl_special *o)
{
	unsigned char cw[16]; /* the closure's first two captured words */
	char iname[GL_HEAP_NAME];
	struct gl_error *e2 = gl_mem_read(h->c->mem, closure + h->ptr, cw, 2 * h->ptr);
	/* k: which word; deref: captured by reference (1.25 takes &cleanup,
	 * so the closure holds a pointer to the func value) */
	for (int k = 0; !e2 && k < 4; k++) {
		uint64_t inner = gl_rt_word(h->L, cw + h->ptr * (k % 2));
		if (k >= 2) {
			struct gl_error *e3 = inner >= 4096 ? gl_heap_read_word(h, inner, &inner) : NULL;
			if (e3)
				inner = 0;
			gl_error_destroy(e3);
		}
		if (inner < 4096)
			continue;
		gl_heap_funcval_name(h, inner, iname, sizeof(iname));
		if (iname[0] && strncmp(iname, "runtime.AddCleanup", 18)) {
			snprintf(o->wrapper, sizeof(o->wrapper), "%s", o->function);
			snprintf(o->function, sizeof(o->function), "%s", iname);
			break;
		}
	}
	gl_error_destroy(e2);
}

static void special_details(struct gl_heap *h, uint64_t sp, struct gl_special *o)
{
	uint64_t w;
	switch (o->kind) {
	case GL_SPECIAL_FINALIZER:
		if (!gl_rt_have(h->L, GL_RTF_SPECIAL_FINALIZER_FN))
			break;
		if ((o->has_funcval = word(h, sp, GL_RTF_SPECIAL_FINALIZER_FN, &o->funcval)))
			gl_heap_funcval_name(h, o->funcval, o->function, sizeof(o->function));
		if (word(h, sp, GL_RTF_SPECIAL_FINALIZER_FINT, &w))
			gl_heap_type_name(h, w, o->arg_type, sizeof(o->arg_type));
		if (word(h, sp, GL_RTF_SPECIAL_FINALIZER_OT, &w))
			gl_heap_type_name(h, w, o->object_type, sizeof(o->object_type));
		break;
	case GL_SPECIAL_CLEANUP:
		if (!gl_rt_have(h->L, GL_RTF_SPECIAL_CLEANUP_FN))
			break;
		if ((o->has_funcval = word(h, sp, GL_RTF_SPECIAL_CLEANUP_FN, &o->funcval))) {
			gl_heap_funcval_name(h, o->funcval, o->function, sizeof(o->function));
			if (!h->cl_direct && !strncmp(o->function, "runtime.AddCleanup", 18))
				cleanup_user_fn(h, o->funcval, o);
		}
		o->has_id = gl_heap_read_field(h, sp, GL_RTF_SPECIAL_CLEANUP_ID, &o->id);
		break;
	case GL_SPECIAL_WEAK_HANDLE:
		if ((o->has_handle = word(h, sp, GL_RTF_SPECIAL_WEAK_HANDLE, &o->handle)) && o->handle) {
			struct gl_error *e2 = gl_heap_read_word(h, o->handle, &o->points_to);
			o->has_points_to = !e2;
			gl_error_destroy(e2);
		}
		break;
	case GL_SPECIAL_PIN_COUNTER:
		o->has_counter = gl_heap_read_field(h, sp, GL_RTF_SPECIAL_PIN_COUNTER, &o->counter);
		break;
	case GL_SPECIAL_PROFILE:
		o->has_bucket = word(h, sp, GL_RTF_SPECIAL_PROFILE_B, &o->bucket);
		break;
	default:
		break;
	}
}

struct gl_error *gl_heap_walk_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo,
				       uint64_t hi, gl_special_visit visit, void *arg)
{
	const struct gl_rtlayout *L = h->L;
	if (!h->sp_size)
		return s->specials ? gl_error_create(GL_ERR_NODWARF, "no runtime.special layout in DWARF") : NULL;
	/* Floyd's cycle check on top of the count bound; the list is sorted
	 * by offset, which is checked too. */
	uint64_t p = s->specials, slow = p, prev_off = 0;
	for (uint64_t n = 0; p; n++) {
		if (n >= MAX_SPECIALS)
			return gl_error_create(GL_ERR_LIMIT, "span 0x%llx: more than %u specials, stopped",
					       (unsigned long long)s->addr, MAX_SPECIALS);
		unsigned char b[64];
		struct gl_error *err = gl_mem_read(h->c->mem, p, b, h->sp_size);
		if (err)
			return gl_error_wrap(err, "reading special %llu of span 0x%llx", (unsigned long long)n,
					     (unsigned long long)s->addr);
		uint64_t off = gl_rt_get(L, GL_RTF_SPECIAL_OFFSET, b), kind = gl_rt_get(L, GL_RTF_SPECIAL_KIND, b),
			 next = gl_rt_get(L, GL_RTF_SPECIAL_NEXT, b);
		if (off < prev_off)
			return gl_error_create(GL_ERR_CORRUPT, "specials of span 0x%llx out of order at 0x%llx (corrupt?)",
					       (unsigned long long)s->addr, (unsigned long long)p);
		prev_off = off;
		if (s->base + off >= hi)
			break; /* sorted: nothing further is ours */
		if (s->base + off >= lo && (err = visit(h, p, s->base + off, (int64_t)kind, arg)))
			return err;
		p = next;
		if (n % 2 == 1) {
			uint64_t sn;
			struct gl_error *e2 = gl_heap_read_word(h, slow + gl_rt_field(L, GL_RTF_SPECIAL_NEXT).off, &sn);
			if (e2) {
				gl_error_destroy(e2);
				break;
			}
			slow = sn;
		}
		if (p && p == slow)
			return gl_error_create(GL_ERR_CORRUPT, "specials list of span 0x%llx has a cycle",
					       (unsigned long long)s->addr);
	}
	return NULL;
}

struct specials_arg {
	uint64_t lo;
	struct gl_specials *out;
};

static struct gl_error *push_special(struct gl_heap *h, uint64_t rec, uint64_t at, int64_t kind, void *arg)
{
	struct specials_arg *a = arg;
	struct gl_special *o = GL_ARRAY_PUSH(a->out->v, a->out->n, a->out->cap, 4);
	if (!o)
		return &gl_error_nomem;
	o->addr = rec;
	o->offset = at - a->lo;
	special_kind(h, kind, o);
	special_details(h, rec, o);
	return NULL;
}

struct gl_error *gl_heap_specials(struct gl_heap *h, const struct gl_span *s, uint64_t lo,
				  uint64_t hi, struct gl_specials *out)
{
	struct specials_arg a = {lo, out};
	return gl_heap_walk_specials(h, s, lo, hi, push_special, &a);
}

void gl_specials_deinit(struct gl_specials *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
