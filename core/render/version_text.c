#include <string.h>

#include "render/text.h"
#include "render/version_text.h"
#include "target/dwarfinfo.h"

void gl_version_text(struct gl_ctx *c, const struct gl_version_view *v)
{
	const struct gl_target *t = v->t;
	struct strbuf *o = &c->out;
	sb_addf(o, "golayout %s\n", GL_VERSION_STRING);
	if (!t)
		return;
	sb_add(o, "executable    ");
	gl_text_add(o, t->path);
	sb_addf(o, "\ngo version    %s\n", t->go_version);
	sb_addf(o, "goarch        %s (%d-byte pointers)\n", t->goarch, t->ptr_size);
	sb_addf(o, "maps          %s%s%s%s\n", t->map_impl, t->map_groups ? " (" : "",
		t->map_groups ? t->map_groups : "", t->map_groups ? " groups)" : "");
	sb_addf(o, "gc            %s%s\n", t->gc, strcmp(t->variants_source, "build info") ? "" : " (maps and gc from the build info)");
	if (t->goexperiment[0]) {
		sb_add(o, "goexperiment  ");
		gl_text_add(o, t->goexperiment);
		sb_addc(o, '\n');
	}
	if (t->dw) {
		sb_addf(o, "dwarf         version %d\n", (int)gl_dwarf_version(t->dw));
	} else {
		sb_add(o, "dwarf         none: ");
		gl_text_add(o, t->dwarf_error ? t->dwarf_error : "no DWARF");
		sb_addc(o, '\n');
	}
	sb_addf(o, "pclntab       %s\n", t->has_pcln ? "found" : "missing");
	sb_add(o, "runtime layouts: ");
	gl_text_add(o, v->layouts);
	sb_add(o, "\ntypes:           ");
	gl_text_add(o, v->types);
	sb_add(o, "\nnames:           ");
	gl_text_add(o, v->names);
	sb_add(o, "\nstacks:          ");
	gl_text_add(o, v->stacks);
	sb_addc(o, '\n');
	/* the bias is the process's (0 without one: addresses are the file's) */
	if (t->elf.pie)
		sb_addf(o, "executable    position-independent (-buildmode=pie), load bias 0x%llx\n",
			(unsigned long long)gl_target_bias(t));
}
