/* Loading rtlayout.def from the built-in database instead of DWARF, and
 * checking that the chosen entry fits the binary. See rtlayout_db.h. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "gotypes/rtlayout_db.h"
#include "target/elfsyms.h"

/* The .inc's vocabulary. */
#define V_CLASSIC GL_RTV_CLASSIC
#define V_SWISS GL_RTV_SWISS
#define V_GREENTEA GL_RTV_GREENTEA
#define V_NOSYNCTRIE GL_RTV_NOSYNCTRIE
#include "gotypes/rtlayout_db.inc"

const size_t gl_rtdb_count = sizeof(gl_rtdb_entries) / sizeof(gl_rtdb_entries[0]);

const struct gl_rtdb_entry *gl_rtdb_find(int minor, unsigned variants, const char *goarch)
{
	for (size_t i = 0; i < gl_rtdb_count; i++) {
		const struct gl_rtdb_entry *e = &gl_rtdb_entries[i];
		if (e->minor == minor && e->variants == variants && !strcmp(e->goarch, goarch))
			return e;
	}
	return NULL;
}

const char *gl_rtdb_describe(int minor, unsigned variants, char *buf, size_t len)
{
	snprintf(buf, len, "go1.%d %s%s%s", minor, variants & GL_RTV_CLASSIC ? "classic maps" : "swiss maps",
		 variants & GL_RTV_GREENTEA ? " greentea" : "",
		 variants & GL_RTV_NOSYNCTRIE ? " nosynchashtriemap" : "");
	return buf;
}

/* ---- does the entry fit the binary? ------------------------------------------
 * The symbol table gives each runtime global the size the linker laid it
 * out with: the recorded type of every global, and the structs of which
 * the runtime has a static instance, must have exactly that size. The
 * moduledata's recorded offsets must give pointers into the image. */

struct instance {
	const char *symbol;
	enum gl_rts s;
};
static const struct instance INSTANCES[] = {
	{"runtime.g0", GL_RTS_G},
	{"runtime.m0", GL_RTS_M},
	{"runtime.mheap_", GL_RTS_MHEAP},
	{"runtime.firstmoduledata", GL_RTS_MODULEDATA},
};

static char *mismatch(const char *sym, uint64_t got, const char *rec, uint64_t want)
{
	char *m = NULL;
	if (asprintf(&m, "%s is %llu bytes in the binary, %s %llu in the table", sym, (unsigned long long)got,
		     rec, (unsigned long long)want) < 0)
		return NULL;
	return m;
}

/* The first disagreement of the symbol sizes with the entry, or NULL. */
static char *check_symbols(struct gl_target *t, const struct gl_rtdb_entry *e, const bool *applies,
			   const bool *required)
{
	uint64_t addr, size;
	for (int g = 0; g < GL_RTG__COUNT; g++) {
		const char *name = e->globals[g].name;
		if (!name || !applies[g])
			continue;
		if (!gl_elf_symbol(&t->elf, name, &addr, &size)) {
			if (!required[g])
				continue;
			char *m = NULL;
			return asprintf(&m, "the binary has no symbol %s", name) < 0 ? NULL : m;
		}
		if (size && size != e->globals[g].type.levels[0].size)
			return mismatch(name, size, "its type", e->globals[g].type.levels[0].size);
	}
	for (size_t i = 0; i < sizeof(INSTANCES) / sizeof(INSTANCES[0]); i++) {
		const struct instance *in = &INSTANCES[i];
		if (e->structs[in->s].name && gl_elf_symbol(&t->elf, in->symbol, &addr, &size) && size &&
		    size != e->structs[in->s].size)
			return mismatch(in->symbol, size, e->structs[in->s].name, e->structs[in->s].size);
	}
	return NULL;
}

/* moduledata.types and .gofunc as the file holds them: inside the image. */
static char *check_moduledata(const struct gl_rtlayout *L, struct gl_target *t, uint64_t *types,
			      uint64_t *gofunc)
{
	struct gl_rt_global md = L->globals[GL_RTG_FIRSTMODULEDATA];
	const enum gl_rtf want[] = {GL_RTF_MODULEDATA_TYPES, GL_RTF_MODULEDATA_GOFUNC};
	const char *names[] = {"types", "gofunc"};
	uint64_t *out[] = {types, gofunc};
	for (int i = 0; i < 2; i++) {
		struct gl_rt_field f = L->fields[want[i]];
		unsigned char w[8];
		char *m = NULL;
		struct gl_error *err = md.present && f.present && f.size == (uint64_t)t->ptr_size
					       ? gl_elf_read_link(&t->elf, md.addr - L->bias + f.off, w, f.size)
					       : gl_error_create(GL_ERR_NODWARF, "no runtime.firstmoduledata");
		if (err) {
			gl_error_destroy(err);
			return asprintf(&m, "runtime.firstmoduledata cannot be read") < 0 ? NULL : m;
		}
		*out[i] = gl_get_uint(w, t->ptr_size);
		/* link-time addresses: the bias is not in the file's words */
		if (!gl_elf_section_at(&t->elf, *out[i] + gl_target_bias(t)))
			return asprintf(&m, "runtime.firstmoduledata.%s (0x%llx at offset %llu) points outside the executable",
					names[i], (unsigned long long)*out[i],
					(unsigned long long)f.off) < 0
				       ? NULL
				       : m;
	}
	return NULL;
}

char *gl_rtdb_check_moduledata(struct gl_target *t, const struct gl_rtlayout *L, uint64_t *types,
			       uint64_t *gofunc)
{
	return check_moduledata(L, t, types, gofunc);
}

/* Bounds the scan: the module data lies in initialised data (.noptrdata,
 * or .go.module from Go 1.26), a few MB at most. */
#define MODULEDATA_SCAN_MAX (64u << 20)

bool gl_rtdb_find_moduledata(struct gl_target *t, uint64_t *addr)
{
	const struct gl_elf_section *pcln = gl_elf_section(&t->elf, ".gopclntab");
	unsigned w = (unsigned)t->ptr_size;
	if (!pcln || !pcln->addr || (w != 4 && w != 8))
		return false;
	for (size_t i = 0; i < t->elf.nsections; i++) {
		const struct gl_elf_section *s = &t->elf.sections[i];
		if (!(s->flags & SHF_WRITE) || s->type != SHT_PROGBITS || s->offset > t->elf.size ||
		    s->size > t->elf.size - s->offset || s->size > MODULEDATA_SCAN_MAX)
			continue;
		const unsigned char *p = t->elf.data + s->offset;
		for (uint64_t at = 0; at + w <= s->size; at += w)
			if (gl_get_uint(p + at, w) == pcln->addr) {
				*addr = s->addr + at;
				return true;
			}
	}
	return false;
}

char *gl_rtdb_check(const struct gl_rtdb_entry *e, struct gl_target *t, const struct gl_rtlayout *L,
		    const bool *applies, const bool *required, uint64_t *types, uint64_t *gofunc)
{
	char *why = check_symbols(t, e, applies, required);
	return why ? why : check_moduledata(L, t, types, gofunc);
}
