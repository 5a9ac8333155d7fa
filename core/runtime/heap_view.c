/* gl_heap_examine: an address followed through arena, span and slot, each
 * step with the decoders of heap*.c. See heap_view.h. */
#include <string.h>

#include "base/names.h"
#include "runtime/heap_view.h"

const char *gl_sweep_name(enum gl_sweep s)
{
	static const char *const names[] = {
		[GL_SWEEP_NONE] = "", [GL_SWEEP_NEEDED] = "needs sweeping", [GL_SWEEP_BEING] = "being swept",
		[GL_SWEEP_DONE] = "swept", [GL_SWEEP_CACHED_NEEDED] = "cached, needs sweeping",
		[GL_SWEEP_CACHED_DONE] = "cached, swept", [GL_SWEEP_UNKNOWN_GEN] = "unknown sweepgen",
	};
	return GL_NAME_OF(names, s, "");
}

const char *gl_alloc_by_name(enum gl_alloc_by a)
{
	return a == GL_ALLOC_BY_FREEINDEX ? "below freeindex" : "allocBits";
}

const char *gl_mark_source_name(enum gl_mark_source m)
{
	static const char *const names[] = {
		[GL_MARKSRC_NO_PHASE] = "cannot read runtime.gcphase",
		[GL_MARKSRC_NO_CYCLE] = "no GC cycle running",
		[GL_MARKSRC_MARKBITS] = "gcmarkBits",
		[GL_MARKSRC_MARKBITS_INLINE] = "gcmarkBits | inline mark bits",
	};
	return GL_NAME_OF(names, m, "");
}

const char *gl_heap_place_note(const struct gl_heap_view *v)
{
	switch (v->place) {
	case GL_PLACE_FREE_PAGE:
		return "free page: no span owns it";
	case GL_PLACE_STALE_SPAN:
		return "free page: its spans[] entry is stale (names a span elsewhere)";
	case GL_PLACE_IDLE_SPAN:
		return v->loc.span.kind == GL_SPAN_MANUAL
			       ? "runtime-managed span (goroutine stacks and other manual allocations): no Go objects"
			       : "dead span: no objects";
	case GL_PLACE_TAIL:
		return "in the span's tail after the last slot (heap bits, inline mark bits or unused)";
	default:
		return NULL;
	}
}

/* The span's sweep state: its sweepgen against the heap's (mheap.go). */
static enum gl_sweep sweep_state(struct gl_heap *h, const struct gl_span *s)
{
	uint64_t heap_sg;
	if (s->kind != GL_SPAN_INUSE || !gl_heap_read_field(h, h->mheap, GL_RTF_MHEAP_SWEEPGEN, &heap_sg))
		return GL_SWEEP_NONE;
	uint32_t sg = s->sweepgen, hsg = (uint32_t)heap_sg;
	if (sg == hsg - 2)
		return GL_SWEEP_NEEDED;
	if (sg == hsg - 1)
		return GL_SWEEP_BEING;
	if (sg == hsg)
		return GL_SWEEP_DONE;
	if (sg == hsg + 1)
		return GL_SWEEP_CACHED_NEEDED;
	if (sg == hsg + 3)
		return GL_SWEEP_CACHED_DONE;
	return GL_SWEEP_UNKNOWN_GEN;
}

static void span_facts(struct gl_heap *h, struct gl_heap_view *v)
{
	const struct gl_span *s = &v->loc.span;
	v->span_end = s->base + s->npages * h->page_size;
	v->sweep = sweep_state(h, s);
	v->inline_marks = gl_heap_inline_marks(h, s->elemsize) && s->kind == GL_SPAN_INUSE;
	v->tiny_known = gl_rt_has_const(h->L, GL_RTC_TINY_SIZE_CLASS);
	v->tiny = v->tiny_known && s->noscan && s->size_class == gl_heap_const(h, GL_RTC_TINY_SIZE_CLASS);
}

/* Where the object was allocated: its profile special's bucket, decoded
 * (a bad bucket is the site's own one-line error, not the command's). */
static void alloc_site(struct gl_heap *h, struct gl_heap_view *v)
{
	v->has_rate = gl_heap_mem_profile_rate(h, &v->mem_profile_rate);
	v->has_disabled = gl_heap_mem_profile_disabled(h, &v->mem_profile_disabled);
	uint64_t bucket = 0, lo = v->obj.base, hi = v->obj_end;
	/* the tiny allocator samples a block only as an allocation starts it
	 * (mallocgcTiny): that special is the first object's, no other's */
	if (v->tiny) {
		lo = v->addr;
		hi = v->addr + 1;
	}
	if ((v->site_err = gl_heap_alloc_site(h, &v->loc.span, lo, hi, v->addr, &bucket)) ||
	    !bucket)
		return;
	if (!(v->sites = gl_allocsites_create(h)) || !(v->site = gl_allocsites_get(v->sites, bucket)))
		v->site_err = &gl_error_nomem;
}

/* The object's slot is known: where its data starts, how its state was
 * found, its pointer map, specials and (span) the span's slots. */
static struct gl_error *object_facts(struct gl_heap *h, struct gl_heap_view *v, uint64_t max_words,
				     bool span)
{
	const struct gl_span *s = &v->loc.span;
	const struct gl_heap_object *o = &v->obj;
	v->place = GL_PLACE_OBJECT;
	v->header = !s->noscan && s->size_class != 0 && s->elemsize > (uint64_t)gl_heap_const(h, GL_RTC_MIN_SIZE_FOR_MALLOC_HEADER) &&
		    !h->arena_bitmap;
	v->obj_end = o->base + s->elemsize;
	v->data = o->base + (v->header ? (uint64_t)gl_heap_const(h, GL_RTC_MALLOC_HEADER_SIZE) : 0);
	v->alloc_by = o->index < s->freeindex ? GL_ALLOC_BY_FREEINDEX : GL_ALLOC_BY_ALLOCBITS;
	v->mark_source = v->phase == GL_GC_UNKNOWN ? GL_MARKSRC_NO_PHASE
			 : v->phase == GL_GC_OFF   ? GL_MARKSRC_NO_CYCLE
			 : o->inline_mark          ? GL_MARKSRC_MARKBITS_INLINE
						   : GL_MARKSRC_MARKBITS;
	struct gl_error *perr = gl_heap_pointer_map(h, s, o->base, max_words, &v->ptrmap);
	v->has_ptrmap = !perr;
	gl_error_destroy(perr);
	struct gl_error *serr = gl_heap_specials(h, s, o->base, v->obj_end, &v->specials);
	alloc_site(h, v);
	struct gl_error *err = span ? gl_heap_span_slots(h, s, &v->slots) : NULL;
	v->has_slots = span && !err;
	if (serr && !err)
		return serr;
	gl_error_destroy(serr);
	return err;
}

struct gl_error *gl_heap_examine(struct gl_ctx *c, uint64_t addr, uint64_t max_words, bool span,
				 struct gl_heap_view *v)
{
	memset(v, 0, sizeof(*v));
	v->addr = addr;
	struct gl_heap h;
	struct gl_error *err = gl_heap_init(c, &h);
	if (err)
		return err;
	v->have_heap = true;
	v->greentea = h.greentea;
	v->phase = gl_heap_gc_phase(&h, &v->phase_value);
	if ((err = gl_heap_locate(&h, addr, &v->loc))) {
		v->loc.in_arena = false; /* its arena was not read to the end */
		return err;
	}
	if (!v->loc.in_arena)
		return NULL; /* the home says where it is */
	const struct gl_span *s = &v->loc.span;
	/* in_heap: Go objects' memory (object spans and free pages), not the
	 * runtime-managed spans (stacks) that share the arenas */
	v->in_heap = !v->loc.has_span || !v->loc.span_ok || s->kind != GL_SPAN_MANUAL;
	if (!v->loc.has_span || !v->loc.span_ok) {
		v->place = v->loc.has_span ? GL_PLACE_STALE_SPAN : GL_PLACE_FREE_PAGE;
		return NULL;
	}
	span_facts(&h, v);
	v->place = GL_PLACE_IDLE_SPAN;
	if (!gl_heap_span_in_use(&h, s))
		return NULL;
	v->place = GL_PLACE_SPAN;
	if ((err = gl_heap_object(&h, s, addr, &v->obj)))
		return err;
	if (!v->obj.in_slot) {
		v->place = GL_PLACE_TAIL;
		return NULL;
	}
	return object_facts(&h, v, max_words, span);
}

void gl_heap_view_deinit(struct gl_heap_view *v)
{
	gl_ptrmap_deinit(&v->ptrmap);
	gl_specials_deinit(&v->specials);
	gl_span_slots_deinit(&v->slots);
	gl_error_destroy(v->site_err);
	gl_allocsites_destroy(v->sites);
}
