/* golayout version: what golayout knows about the target's build. */
#include <stdio.h>

#include "commands/commands.h"
#include <string.h>

#include "gotypes/rtglobals.h"
#include "gotypes/rtlayout.h"
#include "target/elfsyms.h"

/* Without a symbol table: which of the runtime's globals were found in
 * memory by their layout signatures (a process is needed). */
static void globals_found(struct gl_ctx *c, char *buf, size_t len)
{
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_ctx_need_process(c);
	if (err || (err = gl_rt_load_globals(c, &L))) {
		gl_error_destroy(err);
		snprintf(buf, len, "found in memory by their layout signatures when a command needs them "
			 "(no symbol table; no process now)");
		return;
	}
	static const enum gl_rtg shown[] = {GL_RTG_MHEAP_, GL_RTG_ALLGS, GL_RTG_GC_CONTROLLER, GL_RTG_MEMSTATS,
					    GL_RTG_WORK, GL_RTG_SIZE_CLASS_TO_SIZE, GL_RTG_WAIT_REASON_STRINGS};
	struct strbuf f, n;
	sb_init(&f);
	sb_init(&n);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		const char *names = gl_rt_global_desc(shown[i])->names;
		struct strbuf *b = gl_rt_global(L, shown[i]).present ? &f : &n;
		sb_addf(b, "%s%.*s", b->len ? ", " : "", (int)strcspn(names, "|"), names);
	}
	snprintf(buf, len, "by layout signature (no symbol table): %s%s%s%s; the others cannot be found",
		 f.len ? "found " : "none found", f.len ? f.s : "", n.len ? "; not found yet: " : "",
		 n.len ? n.s : "");
	sb_deinit(&f);
	sb_deinit(&n);
}

/* Where each kind of knowledge comes from. */
static void sources(struct gl_ctx *c, struct gl_target *t, struct gl_version_view *v)
{
	const struct gl_rtlayout *L = gl_rt_of(t);
	struct gl_error *rel = gl_target_need_release(t);
	if (rel)
		snprintf(v->layouts, sizeof(v->layouts), "none: %s", rel->message);
	else if (!L)
		snprintf(v->layouts, sizeof(v->layouts), "none: out of memory");
	else if (L->unusable)
		snprintf(v->layouts, sizeof(v->layouts), "none: %s", L->unusable);
	else if (L->no_symbols) {
		char g[384];
		globals_found(c, g, sizeof(g));
		snprintf(v->layouts, sizeof(v->layouts), "%s; the runtime's globals: %s", L->source, g);
	} else if (!t->dw) {
		snprintf(v->layouts, sizeof(v->layouts), "%s; the runtime's globals: ELF symbol table", L->source);
	} else {
		snprintf(v->layouts, sizeof(v->layouts), "%s", L->source);
	}
	bool descriptors = !rel && L && !L->unusable;
	gl_error_destroy(rel);
	bool symtab = gl_elf_has_symtab(&t->elf);
	/* Go 1.27 lists no types: the descriptors are walked in sequence */
	bool walked = descriptors && gl_rt_field(L, GL_RTF_MODULEDATA_TYPEDESCLEN).present;
	v->types = t->dw	       ? "DWARF"
		   : walked	       ? "type descriptors: the runtime's own (internal/abi.Type), walked in sequence as "
				 "the runtime walks them, and the static itabs; --type takes Go syntax"
		   : descriptors ? "type descriptors: the runtime's own (internal/abi.Type), through the module's "
				   "typelinks and itabs; --type takes Go syntax"
				 : "none (no DWARF, and the type descriptors cannot be read without runtime layouts)";
	v->names = t->dw       ? "DWARF"
		   : symtab    ? "ELF symbol table: globals (with --type); local variables have no names without DWARF"
			       : "none (-s -w): addresses with --type only";
	v->stacks = !t->has_pcln ? "none (no pclntab)"
		    : t->dw      ? "pclntab; variables from DWARF"
				 : "pclntab: frames, their extents and argument areas; no variable names";
}

static struct gl_error *run(struct gl_ctx *c, const struct gl_opts *o, struct gl_view *w)
{
	(void)o;
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(c, &t);
	w->kind = GL_VIEW_VERSION;
	w->u.version.t = err ? NULL : t;
	if (!err)
		sources(c, t, &w->u.version);
	return err;
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
};
