#include "render/text.h"
#include "render/version_text.h"
#include "target/dwarfinfo.h"

void gl_version_text(struct gl_ctx *c, const struct gl_target *t)
{
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
	sb_addf(o, "gc            %s\n", t->gc);
	if (t->dw) {
		sb_addf(o, "dwarf         version %d; layouts read from DWARF\n", (int)gl_dwarf_version(t->dw));
	} else {
		sb_add(o, "dwarf         none: ");
		gl_text_add(o, t->dwarf_error ? t->dwarf_error : "no DWARF");
		sb_addc(o, '\n');
	}
	sb_addf(o, "pclntab       %s\n", t->has_pcln ? "found" : "missing");
	/* the bias is the process's (0 without one: addresses are the file's) */
	if (t->elf.pie)
		sb_addf(o, "executable    position-independent (-buildmode=pie), load bias 0x%llx\n",
			(unsigned long long)gl_target_bias(t));
}
