/* The ELF, pclntab and DWARF readers on a mutated Go binary: the structs
 * test program linked with uncompressed DWARF (structs-plain, see
 * tests/unit/build-testdata.sh). Each input patches a copy of the file
 * (patches as in fuzz.h with 3-byte offsets; the regions are the ELF
 * header, the section header table and the sections the core reads),
 * which is then opened as a target and asked what the debugger's
 * commands ask: functions, lines, frame sizes and inlining at code
 * addresses, globals, types, constants, variables of functions, and the
 * runtime-layout table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gotypes/rtlayout.h"
#include "target/target.h"

#define MAX_SPANS 32
#define NPCS 24

struct span {
	uint64_t off, len;
};
static struct span spans[MAX_SPANS];
static size_t nspans;
static unsigned char *orig, *cur;
static size_t fsize;
static struct fz_memfile F;
static uint64_t pcs[NPCS];

static unsigned char *span_fn(void *arg, size_t i, uint64_t *len)
{
	(void)arg;
	*len = spans[i].len;
	return cur + spans[i].off;
}

static void add_span(uint64_t off, uint64_t len)
{
	if (nspans < MAX_SPANS && len && off < fsize && len <= fsize - off)
		spans[nspans++] = (struct span){off, len};
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *path = fake_testdata("structs-plain");
	if (!path)
		fz_die("no structs-plain test program: run tests/unit/build-testdata.sh");
	FILE *fp = fopen(path, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (fsize = (size_t)ftell(fp)) < 64 || fseek(fp, 0, SEEK_SET))
		fz_die("cannot read %s", path);
	orig = malloc(fsize);
	cur = malloc(fsize);
	if (!orig || !cur || fread(orig, 1, fsize, fp) != fsize)
		fz_die("cannot read %s", path);
	fclose(fp);
	struct gl_target *t;
	struct gl_error *err = gl_target_open(path, &t);
	if (err || !t->dw || !t->has_pcln)
		fz_die("%s: %s", path, err ? err->message : "no DWARF or pclntab");
	/* the ELF header and program headers; the section header table */
	add_span(0, 64 + 56 * (uint64_t)(orig[56] | orig[57] << 8));
	uint64_t shoff = 0;
	for (int k = 0; k < 8; k++)
		shoff |= (uint64_t)orig[40 + k] << (8 * k);
	add_span(shoff, 64 * t->elf.nsections);
	static const char *const names[] = {
		".gopclntab", ".debug_info", ".debug_abbrev", ".debug_line", ".debug_frame",
		".debug_loclists", ".debug_rnglists", ".debug_addr", ".debug_str", ".symtab",
		".strtab", ".shstrtab", ".typelink", ".go.buildinfo", ".rodata", ".noptrdata",
		".data", ".itablink"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct gl_elf_section *s = gl_elf_section(&t->elf, names[i]);
		if (s && s->type != 8 /* SHT_NOBITS */)
			add_span(s->offset, s->size);
	}
	/* code addresses all over .text, main.main's first */
	const struct gl_elf_section *text = gl_elf_section(&t->elf, ".text");
	if (!text)
		fz_die("%s: no .text", path);
	bool found = false;
	for (size_t i = 0; i < NPCS; i++)
		pcs[i] = text->addr + text->size / NPCS * i + 13;
	for (uint64_t pc = text->addr; pc < text->addr + text->size && !found; pc += 64) {
		struct gl_pcfunc f;
		if (gl_pclntab_func(&t->pcln, pc, &f) && !strcmp(f.name, "main.main"))
			pcs[0] = f.entry + 8, found = true;
	}
	gl_target_destroy(t);
	fz_memfile_open(&F, "elf");
	return 0;
}

static void ask(struct gl_target *t)
{
	for (size_t i = 0; t->has_pcln && i < NPCS; i++) {
		struct gl_pcfunc f;
		if (!gl_pclntab_func(&t->pcln, pcs[i], &f))
			continue;
		const char *file;
		int64_t line;
		struct gl_inline in[8];
		(void)gl_pclntab_line(&t->pcln, &f, pcs[i], &file, &line);
		(void)gl_pclntab_spdelta(&t->pcln, &f, pcs[i]);
		(void)gl_pclntab_inlined(&t->pcln, &f, pcs[i], in, 8);
	}
	/* the built-in runtime layouts: build info, symbol table, moduledata */
	gl_rt_free(gl_rt_builtin(t));
	if (!t->dw)
		return;
	static const char *const globals[] = {"main.gPadded", "main.gChan", "runtime.allgs",
					      "runtime.mheap_"};
	static const char *const types[] = {"main.Padded", "runtime.hchan", "runtime.g",
					    "runtime.mspan", "map[string]int"};
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		uint64_t addr;
		struct gl_type *ty;
		(void)gl_dwarf_find_global(t->dw, globals[i], &addr, &ty);
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		(void)gl_dwarf_find_type(t->dw, types[i]);
	int64_t v;
	(void)gl_dwarf_find_const(t->dw, "runtime._Grunning", &v);
	for (size_t i = 0; i < NPCS; i += 6) {
		const struct gl_func *f = gl_dwarf_func_at(t->dw, pcs[i]);
		struct gl_var_list l = {0};
		if (f) {
			struct gl_error *err = gl_dwarf_func_vars(t->dw, f, pcs[i], &l);
			gl_error_destroy(err);
		}
		gl_var_list_deinit(&l);
	}
	const struct gl_rtlayout *L;
	struct gl_error *err = gl_target_need_runtime(t);
	if (!err)
		err = gl_rt_load(t, &L);
	gl_error_destroy(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memcpy(cur, orig, fsize);
	fz_patch_regions(span_fn, NULL, nspans, 3, data, size);
	fz_memfile_set(&F, cur, fsize);
	struct gl_target *t;
	struct gl_error *err = gl_target_open(F.path, &t);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "open: %s\n", err ? err->message : t->go_version);
	if (err) {
		gl_error_destroy(err);
		return 0;
	}
	ask(t);
	gl_target_destroy(t);
	return 0;
}
