/* golayout version: what golayout knows about the target's build. */
#include <string.h>

#include "commands/commands.h"

static struct gl_error *run(struct gl_ctx *c, json_t **docp)
{
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	json_t *d = gl_doc_new(c, "version", NULL, false, 0);
	if (!d)
		return &gl_error_nomem;
	*docp = d;
	json_object_set_new(d, "golayout", json_string(GL_VERSION_STRING));
	if (err)
		return err;
	json_object_set_new(d, "executable", gl_json_text(t->path));
	json_object_set_new(d, "goarch", json_string(t->goarch));
	json_object_set_new(d, "ptr_size", json_integer(t->ptr_size));
	json_object_set_new(d, "map_impl", json_string(t->map_impl));
	json_object_set_new(d, "map_groups", t->map_groups ? json_string(t->map_groups) : json_null());
	json_object_set_new(d, "gc", json_string(t->gc));
	json_object_set_new(d, "dwarf_version", t->dw ? json_integer(gl_dwarf_version(t->dw)) : json_null());
	json_object_set_new(d, "layouts_from", json_string(t->dw ? "dwarf" : "none"));
	json_object_set_new(d, "pclntab", json_boolean(t->has_pcln));
	json_object_set_new(d, "pie", json_boolean(t->elf.pie));
	if (!t->dw)
		json_object_set_new(d, "note", gl_json_text(t->dwarf_error ? t->dwarf_error : "no DWARF"));
	return NULL;
}

static void render(struct gl_ctx *c, json_t *d)
{
	struct strbuf *o = &c->out;
	const char *exe = json_string_value(json_object_get(d, "executable"));
	sb_addf(o, "golayout %s\n", json_string_value(json_object_get(d, "golayout")));
	if (!exe)
		return;
	sb_addf(o, "executable    %s\n", exe);
	sb_addf(o, "go version    %s\n", json_string_value(json_object_get(d, "go_version")));
	sb_addf(o, "goarch        %s (%lld-byte pointers)\n",
		json_string_value(json_object_get(d, "goarch")),
		(long long)json_integer_value(json_object_get(d, "ptr_size")));
	const char *groups = json_string_value(json_object_get(d, "map_groups"));
	sb_addf(o, "maps          %s%s%s%s\n", json_string_value(json_object_get(d, "map_impl")),
		groups ? " (" : "", groups ? groups : "", groups ? " groups)" : "");
	sb_addf(o, "gc            %s\n", json_string_value(json_object_get(d, "gc")));
	json_t *dv = json_object_get(d, "dwarf_version");
	if (json_is_integer(dv))
		sb_addf(o, "dwarf         version %lld; layouts read from DWARF\n",
			(long long)json_integer_value(dv));
	else
		sb_addf(o, "dwarf         none: %s\n", json_string_value(json_object_get(d, "note")));
	sb_addf(o, "pclntab       %s\n",
		json_is_true(json_object_get(d, "pclntab")) ? "found" : "missing");
	if (json_is_true(json_object_get(d, "pie")))
		sb_add(o, "executable    position-independent (-buildmode=pie): not supported yet\n");
}

const struct gl_command gl_cmd_version = {
	.name = "version",
	.summary = "Show golayout's version and what it detected in the target.",
	.help = "Usage: golayout version [--json]\n"
		"\n"
		"Prints golayout's version and, for the executable being debugged: its Go\n"
		"version (runtime.buildVersion), GOARCH and pointer size, the map\n"
		"implementation (classic hmap or swiss tables, and the swiss group layout),\n"
		"the garbage collector (classic or Green Tea), the DWARF version, and whether\n"
		"layouts come from DWARF. Works without a running process.",
	.min_args = 0,
	.max_args = 0,
	.run = run,
	.render = render,
};
