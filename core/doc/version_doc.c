#include "doc/doc.h"
#include <string.h>

#include "doc/version_doc.h"
#include "target/dwarfinfo.h"

json_t *gl_version_doc(struct gl_ctx *c, const struct gl_version_view *v)
{
	const struct gl_target *t = v->t;
	json_t *d = gl_doc_new(c, "version", NULL, false, 0);
	if (!d)
		return NULL;
	json_object_set_new(d, "golayout", json_string(GL_VERSION_STRING));
	if (!t)
		return d;
	json_object_set_new(d, "executable", gl_json_text(t->path));
	json_object_set_new(d, "goarch", json_string(t->goarch));
	json_object_set_new(d, "ptr_size", json_integer(t->ptr_size));
	json_object_set_new(d, "map_impl", json_string(t->map_impl));
	json_object_set_new(d, "map_groups", t->map_groups ? json_string(t->map_groups) : json_null());
	json_object_set_new(d, "gc", json_string(t->gc));
	json_object_set_new(d, "dwarf_version", t->dw ? json_integer(gl_dwarf_version(t->dw)) : json_null());
	json_object_set_new(d, "layouts_from", json_string(t->dw ? "dwarf" : strstr(v->layouts, "built-in") == v->layouts ? "builtin" : "none"));
	json_object_set_new(d, "goexperiment", gl_json_text(t->goexperiment));
	json_object_set_new(d, "variants_from", json_string(t->variants_source));
	json_t *src = json_object();
	json_object_set_new(src, "runtime_layouts", gl_json_text(v->layouts));
	json_object_set_new(src, "types", gl_json_text(v->types));
	json_object_set_new(src, "names", gl_json_text(v->names));
	json_object_set_new(src, "stacks", gl_json_text(v->stacks));
	json_object_set_new(d, "sources", src);
	json_object_set_new(d, "pclntab", json_boolean(t->has_pcln));
	json_object_set_new(d, "pie", json_boolean(t->elf.pie));
	if (t->elf.pie) /* the process's load address - the link-time one */
		gl_json_set_addr(d, "load_bias", gl_target_bias(t));
	if (!t->dw)
		json_object_set_new(d, "note", gl_json_text(t->dwarf_error ? t->dwarf_error : "no DWARF"));
	return d;
}
