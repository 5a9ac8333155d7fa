/* Everything golayout reads from DWARF, behind one file of libdwarf calls:
 * an index of functions, globals, constants and named types built once per
 * executable, types converted to struct gl_type on demand, and the
 * variables of a function with their location descriptions. */
#ifndef GL_DWARFINFO_H
#define GL_DWARFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "target/types.h"

struct gl_dwarf;

/* One operation of a DWARF location expression. */
struct gl_op {
	uint8_t atom;
	uint64_t op1, op2;
};

/* An expression valid for pc in [lo, hi). */
struct gl_locexpr {
	uint64_t lo, hi;
	size_t nops;
	struct gl_op *ops;
};

struct gl_var {
	char *name;
	struct gl_type *type;
	bool is_param;
	int decl_line;
	/* 0: a variable of the function itself; n: of the call inlined n
	 * levels deep at the pc asked about (DW_TAG_inlined_subroutine) */
	int inline_depth;
	size_t nlocs; /* 0: the compiler left no location at all */
	struct gl_locexpr *locs;
};

struct gl_func {
	char *name;
	uint64_t lo, hi; /* [lo, hi), link-time: DWARF's, without the load bias */
	uint64_t die;
};

struct gl_error *gl_dwarf_open(const char *path, struct gl_dwarf **out);
void gl_dwarf_close(struct gl_dwarf *dw);

int gl_dwarf_version(const struct gl_dwarf *dw);
/* The load bias of the process being read (gl_target_set_bias): the
 * addresses and PCs this interface takes and gives are the process's,
 * DWARF's plus bias. 0 until set. */
void gl_dwarf_set_bias(struct gl_dwarf *dw, uint64_t bias);
size_t gl_dwarf_unit_count(const struct gl_dwarf *dw);

/* Named types; NULL when the name is unknown. */
struct gl_type *gl_dwarf_find_type(struct gl_dwarf *dw, const char *name);
/* The type whose runtime descriptor is at `off` within moduledata.types
 * (DW_AT_go_runtime_type), to name an interface's dynamic type. */
struct gl_type *gl_dwarf_type_by_runtime_offset(struct gl_dwarf *dw, uint64_t off);
/* Hand a type built elsewhere (from runtime descriptors) to dw, which
 * frees it at close. False on OOM. */
bool gl_dwarf_adopt_type(struct gl_dwarf *dw, struct gl_type *t, uint64_t runtime_off);
/* A type adopted earlier for this descriptor offset, or NULL. */
struct gl_type *gl_dwarf_synthesized(struct gl_dwarf *dw, uint64_t runtime_off);
bool gl_dwarf_has_type(struct gl_dwarf *dw, const char *name);
/* Loads every named type; the number of types refused so far because
 * their layout does not hold together (each is an opaque [size]byte). */
size_t gl_dwarf_check_types(struct gl_dwarf *dw);
/* Any type whose name starts with prefix (first found), e.g. "table<". */
struct gl_type *gl_dwarf_find_type_prefix(struct gl_dwarf *dw, const char *prefix);

bool gl_dwarf_find_global(struct gl_dwarf *dw, const char *name, uint64_t *addr,
			  struct gl_type **type);
/* The one global named "<anything>.name", if exactly one exists. */
const char *gl_dwarf_global_by_suffix(struct gl_dwarf *dw, const char *name);
/* Whether the program has the function name, one that ends in .String or
 * .Error ("main.Celsius.String", "main.(*T).Error"): the methods fmt calls. */
bool gl_dwarf_has_method(struct gl_dwarf *dw, const char *name);
/* Package-level integer constants, e.g. "runtime._Grunning". */
bool gl_dwarf_find_const(struct gl_dwarf *dw, const char *name, int64_t *value);
/* Call fn for every constant whose name starts with prefix. */
void gl_dwarf_each_const(struct gl_dwarf *dw, const char *prefix,
			 void (*fn)(void *arg, const char *name, int64_t value), void *arg);

const struct gl_func *gl_dwarf_func_at(struct gl_dwarf *dw, uint64_t pc);

/* Variables of one function at one pc, owned by the caller (the types they
 * point to are owned by dw). */
struct gl_var_list {
	struct gl_var **v;
	size_t n, cap;
};
void gl_var_list_deinit(struct gl_var_list *l);

/* Parameters and locals of f in scope at pc, outermost first (so a later
 * entry shadows an earlier one of the same name), into *out: the caller
 * frees them with gl_var_list_deinit, also on error (out is then empty).
 * Each call builds a new list, so lists of several frames can coexist. */
struct gl_error *gl_dwarf_func_vars(struct gl_dwarf *dw, const struct gl_func *f,
				    uint64_t pc, struct gl_var_list *out);

#endif
