#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "eval/stack_vars.h"

struct collect {
	struct gl_frame_ptrs *ptrs;
	size_t n, *cap; /* cap[i] for ptrs[i] */
	bool nomem;
};

static bool keep(void *arg, const struct gl_stack_slot *s)
{
	struct collect *k = arg;
	if (s->frame >= k->n)
		return true;
	struct gl_frame_ptrs *fp = &k->ptrs[s->frame];
	struct gl_stack_ptr *p = GL_ARRAY_PUSH(fp->v, fp->n, k->cap[s->frame], 8);
	if (!p || (s->var && !(p->var = strdup(s->var)))) {
		if (p)
			fp->n--;
		k->nomem = true;
		return false;
	}
	p->addr = s->addr;
	p->value = s->value;
	p->kind = s->kind;
	p->var_offset = s->var_offset;
	return true;
}

void gl_stack_ptrs_free(struct gl_frame_ptrs *ptrs, size_t n)
{
	for (size_t i = 0; ptrs && i < n; i++) {
		for (size_t k = 0; k < ptrs[i].n; k++)
			free(ptrs[i].v[k].var);
		free(ptrs[i].v);
	}
	free(ptrs);
}

void gl_stack_ptrs_read(struct gl_ctx *c, struct gl_stack *s, uint64_t lo, uint64_t hi)
{
	struct collect k = {calloc(s->n ? s->n : 1, sizeof(*k.ptrs)), s->n, calloc(s->n ? s->n : 1, sizeof(size_t)),
			    false};
	if (!k.ptrs || !k.cap) {
		free(k.ptrs);
		free(k.cap);
		s->ptrs_err = &gl_error_nomem;
		return;
	}
	bool *scanned = calloc(s->n ? s->n : 1, sizeof(bool));
	s->ptrs_err = scanned ? gl_frames_pointer_slots(c, s->frames, s->n, lo, hi, keep, &k, scanned,
							&s->ptrs_unscanned)
			      : &gl_error_nomem;
	free(k.cap);
	if (!s->ptrs_err && k.nomem)
		s->ptrs_err = &gl_error_nomem;
	if (s->ptrs_err) {
		gl_stack_ptrs_free(k.ptrs, s->n);
		free(scanned);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		k.ptrs[i].scanned = scanned[i];
	free(scanned);
	s->ptrs = k.ptrs;
}
