#include <stdlib.h>
#include <string.h>

#include "target/types.h"
#include "base/names.h"

bool gl_kind_is_int(enum gl_kind k)
{
	return k >= GL_K_INT && k <= GL_K_INT64;
}

bool gl_kind_is_uint(enum gl_kind k)
{
	return k >= GL_K_UINT && k <= GL_K_UINTPTR;
}

const char *gl_kind_name(enum gl_kind k)
{
	static const char *const names[] = {
		"invalid", "bool", "int", "int8", "int16", "int32", "int64",
		"uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
		"float32", "float64", "complex64", "complex128",
		"array", "chan", "func", "interface", "map", "ptr",
		"slice", "string", "struct", "unsafe.Pointer",
	};
	return GL_NAME_OF(names, k, "invalid");
}

uint64_t gl_type_word_size(const struct gl_type *t)
{
	unsigned words = t->kind == GL_K_SLICE ? 3 : t->kind == GL_K_STRING || t->kind == GL_K_INTERFACE ? 2 : 1;
	return t->size / words;
}

uint64_t gl_type_align(const struct gl_type *t, unsigned ptr_size)
{
	uint64_t reg = ptr_size == 4 ? 4 : 8;
	switch (t->kind) {
	case GL_K_BOOL: case GL_K_INT8: case GL_K_UINT8:
		return 1;
	case GL_K_INT16: case GL_K_UINT16:
		return 2;
	case GL_K_INT32: case GL_K_UINT32: case GL_K_FLOAT32: case GL_K_COMPLEX64:
		return 4;
	case GL_K_INT64: case GL_K_UINT64: case GL_K_FLOAT64: case GL_K_COMPLEX128:
		return reg;
	case GL_K_ARRAY:
		return t->elem ? gl_type_align(t->elem, ptr_size) : 1;
	case GL_K_STRUCT: {
		uint64_t a = 1;
		for (size_t i = 0; i < t->nfields; i++) {
			uint64_t fa = gl_type_align(t->fields[i].type, ptr_size);
			if (fa > a)
				a = fa;
		}
		return a;
	}
	case GL_K_INVALID:
		return t->size >= reg ? reg : (t->size ? t->size : 1);
	default: { /* words: int, uint, pointers, strings, slices, maps... */
		uint64_t w = gl_type_word_size(t);
		return w ? w : 1;
	}
	}
}

uint64_t gl_type_pointer_bytes(const struct gl_type *t)
{
	switch (t->kind) {
	case GL_K_POINTER: case GL_K_UNSAFEPOINTER: case GL_K_MAP: case GL_K_CHAN:
	case GL_K_FUNC: case GL_K_STRING: case GL_K_SLICE:
		return gl_type_word_size(t); /* the (data) pointer: the first word */
	case GL_K_INTERFACE:
		return t->size; /* type or itab, and data */
	case GL_K_ARRAY:
		if (!t->elem || t->count == 0)
			return 0;
		uint64_t e = gl_type_pointer_bytes(t->elem);
		return e ? (t->count - 1) * t->elem->size + e : 0;
	case GL_K_STRUCT: {
		uint64_t last = 0;
		for (size_t i = 0; i < t->nfields; i++) {
			uint64_t p = gl_type_pointer_bytes(t->fields[i].type);
			if (p && t->fields[i].offset + p > last)
				last = t->fields[i].offset + p;
		}
		return last;
	}
	default:
		return 0;
	}
}

bool gl_type_has_pointers(const struct gl_type *t)
{
	return gl_type_pointer_bytes(t) != 0;
}

const struct gl_field *gl_type_field(const struct gl_type *t, const char *name)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

uint64_t gl_kind_size(enum gl_kind k, unsigned w)
{
	switch (k) {
	case GL_K_BOOL: case GL_K_INT8: case GL_K_UINT8:
		return 1;
	case GL_K_INT16: case GL_K_UINT16:
		return 2;
	case GL_K_INT32: case GL_K_UINT32: case GL_K_FLOAT32:
		return 4;
	case GL_K_INT64: case GL_K_UINT64: case GL_K_FLOAT64: case GL_K_COMPLEX64:
		return 8;
	case GL_K_COMPLEX128:
		return 16;
	case GL_K_INT: case GL_K_UINT: case GL_K_UINTPTR: case GL_K_CHAN: case GL_K_FUNC:
	case GL_K_MAP: case GL_K_POINTER: case GL_K_UNSAFEPOINTER:
		return w;
	case GL_K_STRING: case GL_K_INTERFACE:
		return 2ull * w;
	case GL_K_SLICE:
		return 3ull * w;
	default:
		return 0;
	}
}

void gl_type_make_opaque(struct gl_type *t, struct gl_type *byte)
{
	for (size_t j = 0; j < t->nfields; j++)
		free(t->fields[j].name);
	free(t->fields);
	t->fields = NULL;
	t->nfields = 0;
	t->key = t->target = NULL;
	t->elem = byte;
	t->count = t->size;
	t->kind = byte ? GL_K_ARRAY : GL_K_INVALID;
	t->empty_iface = false;
}

bool gl_type_layout_ok(const struct gl_type *t, unsigned ptr_size)
{
	switch (t->kind) {
	case GL_K_ARRAY:
		if (!t->elem)
			return false;
		if (!t->elem->size)
			return t->size == 0;
		return t->size % t->elem->size == 0 && t->count == t->size / t->elem->size;
	case GL_K_STRUCT:
		for (size_t i = 0; i < t->nfields; i++) {
			const struct gl_field *f = &t->fields[i];
			if (!f->type || f->offset > t->size || f->type->size > t->size - f->offset)
				return false;
		}
		return true;
	case GL_K_INVALID:
		return false;
	default:
		return t->size == gl_kind_size(t->kind, ptr_size);
	}
}
