/* golayout's model of Go types, built from DWARF (dwarf.c). Names are as Go
 * spells them; kinds follow reflect.Kind; sizes and offsets are the
 * compiler's, read from DWARF, never assumed. */
#ifndef GL_TYPES_H
#define GL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest value golayout copies out of the target in one piece. */
#define GL_MAX_VALUE_BYTES (16u << 20)

/* reflect.Kind numbering, which is also DWARF's DW_AT_go_kind. */
enum gl_kind {
	GL_K_INVALID = 0,
	GL_K_BOOL = 1,
	GL_K_INT, GL_K_INT8, GL_K_INT16, GL_K_INT32, GL_K_INT64,
	GL_K_UINT, GL_K_UINT8, GL_K_UINT16, GL_K_UINT32, GL_K_UINT64, GL_K_UINTPTR,
	GL_K_FLOAT32, GL_K_FLOAT64, GL_K_COMPLEX64, GL_K_COMPLEX128,
	GL_K_ARRAY, GL_K_CHAN, GL_K_FUNC, GL_K_INTERFACE, GL_K_MAP, GL_K_POINTER,
	GL_K_SLICE, GL_K_STRING, GL_K_STRUCT, GL_K_UNSAFEPOINTER,
};

struct gl_type;

struct gl_field {
	char *name;
	uint64_t offset;
	struct gl_type *type;
	bool embedded;
};

struct gl_type {
	uint64_t die;        /* DWARF offset of the DIE this came from */
	enum gl_kind kind;
	char *name;          /* Go spelling: "main.Padded", "[]int", "map[string]int" */
	uint64_t size;
	struct gl_type *elem;   /* pointer, slice, array, chan: element; map: value */
	struct gl_type *key;    /* map */
	struct gl_type *target; /* map, chan: the runtime struct the word points to */
	uint64_t count;         /* array length */
	struct gl_field *fields; /* struct (and string/slice/interface headers) */
	size_t nfields;
	bool empty_iface;       /* interface: eface (no methods) vs iface */
	bool resolving;         /* set while fields are loaded (cycle guard) */
};

bool gl_kind_is_int(enum gl_kind k);   /* signed */
bool gl_kind_is_uint(enum gl_kind k);  /* unsigned, uintptr included */
const char *gl_kind_name(enum gl_kind k);
/* The word size of a word-made type (int, uint, uintptr, pointers, maps,
 * chans, funcs: one word; strings and interfaces two; slices three): its
 * size over its words, so the target's pointer size as DWARF gives it. */
uint64_t gl_type_word_size(const struct gl_type *t);
/* Go's alignment of a type (unsafe.Alignof), from the ABI rules per kind,
 * on a target with ptr_size-byte pointers: Go aligns 8-byte values
 * (int64, float64, complex types) to at most the pointer size, so to 4 on
 * 386 (cmd/compile's types.RegSize). */
uint64_t gl_type_align(const struct gl_type *t, unsigned ptr_size);
/* Number of bytes of the type that hold pointers (up to the last pointer
 * word), as the GC's ptrdata; and whether the type has any pointer. */
uint64_t gl_type_pointer_bytes(const struct gl_type *t);
bool gl_type_has_pointers(const struct gl_type *t);
const struct gl_field *gl_type_field(const struct gl_type *t, const char *name);
/* The size a kind implies on a target with w-byte pointers (float64 8,
 * a string two words, a slice three...), or 0 for the kinds whose size
 * is their parts' (arrays, structs; and GL_K_INVALID). */
uint64_t gl_kind_size(enum gl_kind k, unsigned w);
/* Whether t's layout holds together, on a target with ptr_size-byte
 * pointers: the size its kind implies (float64 8 bytes, a string two
 * words...), an array's length times its element's size, every field
 * inside its struct. Parts are not checked again (each was when it was
 * made). The compiler's types always do; a type made from a runtime
 * descriptor a wild pointer led to may not, and the readers of values,
 * hashes and pictures trust a layout. */
bool gl_type_layout_ok(const struct gl_type *t, unsigned ptr_size);
/* A type whose layout does not hold together, made [size]byte of the
 * byte type given (no type at all, GL_K_INVALID, when that is NULL): its
 * fields freed, the types that point to it left a layout that holds. */
void gl_type_make_opaque(struct gl_type *t, struct gl_type *byte);

#endif
