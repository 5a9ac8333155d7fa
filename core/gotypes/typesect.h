/* The type descriptors of a Go 1.27+ module, found as the runtime finds
 * them. Go 1.27 dropped moduledata.typelinks and itablinks: the linker puts
 * the typelinked descriptors (the unnamed composite types reflect can
 * build, sorted by their string) one after another from types+PtrSize to
 * types+typedesclen, and the static itabs one after another from
 * types+itaboffset for itabsize bytes (cmd/link/internal/ld/data.go,
 * dodataSect). runtime.moduleTypelinks walks the first run by each
 * descriptor's size (internal/abi.Type.DescriptorSize), addModuleItabs the
 * second by each itab's (ITab.Size). Nothing in between tells where a
 * descriptor ends, so every step here is checked: a valid kind, a size
 * inside the run, the slice of fields or methods and the method offset
 * where the compiler puts them (cmd/compile/internal/reflectdata writeType),
 * names and pointers inside the section; the first inconsistency ends the
 * walk with one line, and nothing found before it is kept. */
#ifndef GL_TYPESECT_H
#define GL_TYPESECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "gotypes/rtlayout.h"
#include "target/types.h"

/* What the walk needs of the descriptors' layouts (from the runtime-layout
 * table: gl_typesect_shape_of). Sizes and offsets in bytes. */
struct gl_typesect_shape {
	unsigned ptr_size;
	uint64_t type_size;                       /* internal/abi.Type */
	uint64_t kind_off, tflag_off, str_off;    /* Kind_, TFlag, Str in it */
	uint64_t kind_mask, tflag_uncommon;
	uint64_t kind_size[GL_K_UNSAFEPOINTER + 1]; /* the kind's descriptor (abi.Type for the scalars) */
	uint64_t uncommon_size, mcount_off, moff_off; /* UncommonType, its Mcount and Moff */
	uint64_t method_size;                     /* Method */
	uint64_t fields_off, field_size;          /* StructType.Fields (a slice), StructField */
	uint64_t imethods_off, imethod_size;      /* InterfaceType.Methods (a slice), Imethod */
	uint64_t in_count_off, out_count_off;     /* FuncType.InCount, OutCount (uint16 each) */
	uint64_t itab_size, itab_inter_off, itab_type_off, itab_fun_off; /* ITab (with Fun[1]) */
};

/* The module's words the walk starts from (runtime.moduledata). */
struct gl_typesect {
	uint64_t types, typedesclen, etypes, itaboffset, itabsize;
};

/* Reads len bytes at addr of the target (all or an error). */
typedef struct gl_error *(*gl_typesect_read_fn)(void *arg, uint64_t addr, void *buf, uint64_t len);

/* The shape from the table; false, with the first missing entry's id in
 * *missing, when the table lacks one (a release before 1.27). */
bool gl_typesect_shape_of(const struct gl_rtlayout *L, struct gl_typesect_shape *sh, const char **missing);

/* The size of the descriptor at pos of run (the typelinked run's bytes,
 * run[0] at ts->types), into *size; a one-line error (GL_ERR_CORRUPT)
 * when it is not a descriptor as the compiler writes one. */
struct gl_error *gl_typesect_desc_size(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				       const unsigned char *run, uint64_t len, uint64_t pos, uint64_t *size);

/* The addresses of the typelinked descriptors, in section order, then the
 * dynamic type of each static itab (duplicates possible), into a malloc'd
 * *addrs of *n. NULL, or a one-line error and nothing. */
struct gl_error *gl_typesect_walk(const struct gl_typesect_shape *sh, const struct gl_typesect *ts,
				  gl_typesect_read_fn read, void *arg, uint64_t **addrs, size_t *n);

#endif
