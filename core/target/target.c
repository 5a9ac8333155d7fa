#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/le.h"
#include "target/dwarfcheck.h"
#include "target/elfsyms.h"
#include "target/target.h"

/* runtime.buildVersion is a string in initialised data: read its header
 * and bytes straight from the file, so no process is needed. */
static bool version_from_dwarf(struct gl_target *t)
{
	uint64_t addr;
	struct gl_type *ty;
	if (!t->dw || !gl_dwarf_find_global(t->dw, "runtime.buildVersion", &addr, &ty))
		return false;
	/* a string header: data pointer, then length, each a word */
	unsigned char hdr[16];
	unsigned w = t->ptr_size;
	struct gl_error *err = gl_elf_read_vaddr(&t->elf, addr, hdr, 2 * w);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	uint64_t ptr = gl_get_uint(hdr, w), len = gl_get_uint(hdr + w, w);
	if (len == 0 || len >= sizeof(t->go_version))
		return false;
	err = gl_elf_read_vaddr(&t->elf, ptr, t->go_version, len);
	if (err) {
		gl_error_destroy(err);
		return false;
	}
	t->go_version[len] = '\0';
	return true;
}

/* Fallback: the .go.buildinfo header (Go 1.18+ inline-string format). */
static bool version_from_buildinfo(struct gl_target *t)
{
	const struct gl_elf_section *s = gl_elf_section(&t->elf, ".go.buildinfo");
	if (!s || s->size < 33 || s->offset + s->size > t->elf.size)
		return false;
	const unsigned char *p = t->elf.data + s->offset;
	if (memcmp(p, "\xff Go buildinf:", 14) != 0 || !(p[15] & 2))
		return false;
	uint64_t len = 0, pos = 32;
	for (int shift = 0; pos < s->size && shift < 35; shift += 7) {
		unsigned char b = p[pos++];
		len |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (len == 0 || len >= sizeof(t->go_version) || pos + len > s->size)
		return false;
	memcpy(t->go_version, p + pos, len);
	t->go_version[len] = '\0';
	return true;
}

/* A word of runtime.firstmoduledata, which the linker initialises: read
 * from the file, once, so no process is needed; at open the bias is 0, so
 * the word is the link-time address the file holds. (The target layer sits
 * below the runtime-layout table; these two fields are also listed there,
 * MODULEDATA_TYPES and MODULEDATA_GOFUNC, so the table's check covers
 * them.) */
static void moduledata_word(struct gl_target *t, const char *field, uint64_t *out)
{
	uint64_t md;
	struct gl_type *mdt;
	const struct gl_field *f;
	unsigned char w[8];
	if (!t->dw || !gl_dwarf_find_global(t->dw, "runtime.firstmoduledata", &md, &mdt) ||
	    !(f = gl_type_field(mdt, field)))
		return;
	struct gl_error *e = gl_elf_read_vaddr(&t->elf, md + f->offset, w, t->ptr_size);
	if (!e)
		*out = gl_get_uint(w, t->ptr_size);
	gl_error_destroy(e);
}

/* GOEXPERIMENT as the build info's settings record it ("build\tGOEXPERIMENT=
 * noswissmap\n" in the module info string; absent when none was set). */
static void experiments_from_buildinfo(struct gl_target *t)
{
	static const char key[] = "\tGOEXPERIMENT=";
	const struct gl_elf_section *s = gl_elf_section(&t->elf, ".go.buildinfo");
	t->goexperiment[0] = '\0';
	if (!s || s->offset > t->elf.size || s->size > t->elf.size - s->offset)
		return;
	const char *p = (const char *)t->elf.data + s->offset, *end = p + s->size;
	const char *k = memmem(p, s->size, key, sizeof(key) - 1);
	if (!k)
		return;
	k += sizeof(key) - 1;
	size_t n = 0;
	while (k + n < end && k[n] != '\n' && k[n] != '\0' && n < sizeof(t->goexperiment) - 1)
		n++;
	memcpy(t->goexperiment, k, n);
	t->goexperiment[n] = '\0';
}

/* Whether GOEXPERIMENT lists exp (comma-separated). */
static bool has_experiment(const char *list, const char *exp)
{
	size_t n = strlen(exp);
	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (strncmp(p, exp, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* The variants the release and GOEXPERIMENT imply (what is used without
 * DWARF). Swiss maps are the default from 1.24 (noswissmap until 1.25),
 * Green Tea from 1.26 (greenteagc in 1.25, nogreenteagc turns it off). */
static void variants_from_buildinfo(struct gl_target *t)
{
	const char *x = t->goexperiment;
	t->bi_map_impl = "unknown";
	t->bi_map_groups = NULL;
	t->bi_gc = "classic";
	if (!t->go_minor)
		return;
	if (t->go_minor < 24 || has_experiment(x, "noswissmap")) {
		t->bi_map_impl = "classic";
	} else {
		t->bi_map_impl = "swiss";
		t->bi_map_groups = has_experiment(x, "mapsplitgroup") ? "split" : "interleaved";
	}
	if ((t->go_minor >= 26 && !has_experiment(x, "nogreenteagc")) ||
	    (t->go_minor == 25 && has_experiment(x, "greenteagc")))
		t->bi_gc = "greentea";
}

static void detect_variants(struct gl_target *t)
{
	t->map_impl = "unknown";
	t->map_groups = NULL;
	t->gc = "classic";
	t->variants_source = t->dw ? "dwarf" : "none";
	variants_from_buildinfo(t);
	if (!t->dw) {
		if (t->go_minor) {
			t->variants_source = "build info";
			t->map_impl = t->bi_map_impl;
			t->map_groups = t->bi_map_groups;
			t->gc = t->bi_gc;
		}
		return;
	}
	if (gl_dwarf_has_type(t->dw, "internal/runtime/maps.Map")) {
		t->map_impl = "swiss";
		t->map_groups = "unknown";
		/* The group layout is told by the group type's fields, as the
		 * linker synthesises it: table<K,V>.groups.data -> *group. */
		struct gl_type *tab = gl_dwarf_find_type_prefix(t->dw, "table<");
		const struct gl_field *groups = tab ? gl_type_field(tab, "groups") : NULL;
		const struct gl_field *data = groups ? gl_type_field(groups->type, "data") : NULL;
		struct gl_type *g = data && data->type ? data->type->elem : NULL;
		if (g && gl_type_field(g, "slots"))
			t->map_groups = "interleaved";
		else if (g && gl_type_field(g, "keys"))
			t->map_groups = "split";
	} else if (gl_dwarf_has_type(t->dw, "runtime.hmap")) {
		t->map_impl = "classic";
	}
	if (gl_dwarf_has_type(t->dw, "runtime.spanInlineMarkBits"))
		t->gc = "greentea";
}

struct gl_error *gl_target_open(const char *path, struct gl_target **out)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return gl_error_create(GL_ERR_EXECUTABLE, "cannot open executable %s", path);
	struct gl_target *t = calloc(1, sizeof(*t));
	if (!t)
		return &gl_error_nomem;
	t->path = strdup(path);
	t->mtime = st.st_mtime;
	t->fsize = st.st_size;
	struct gl_error *err = t->path ? gl_elf_open(path, &t->elf) : &gl_error_nomem;
	if (err) {
		free(t->path);
		free(t);
		return err;
	}
	t->arch = gl_arch_for_elf_machine(t->elf.machine);
	t->goarch = t->arch ? t->arch->goarch : gl_elf_machine_name(t->elf.machine);
	t->ptr_size = t->elf.ptr_size;
	if (!(err = gl_dwarf_precheck(&t->elf)))
		err = gl_dwarf_open(path, &t->dw);
	if (err) {
		t->dwarf_error = strdup(err->message);
		gl_error_destroy(err);
	}
	err = gl_pclntab_init(&t->pcln, &t->elf);
	t->has_pcln = err == NULL;
	gl_error_destroy(err);
	/* funcdata offsets (inline trees) are relative to moduledata.gofunc,
	 * runtime type offsets to moduledata.types */
	if (t->has_pcln) {
		moduledata_word(t, "gofunc", &t->pcln.gofunc);
		/* stack objects' pointer masks are relative to moduledata.rodata,
		 * which the linker sets to the symbol runtime.rodata (symtab.go):
		 * without DWARF the symbol table tells it (the bias is 0 here) */
		moduledata_word(t, "rodata", &t->pcln.rodata);
		uint64_t size;
		if (!t->pcln.rodata && !gl_elf_symbol(&t->elf, "runtime.rodata", &t->pcln.rodata, &size))
			t->pcln.rodata = 0;
	}
	moduledata_word(t, "types", &t->types_link);
	gl_target_set_bias(t, 0);
	if (!version_from_dwarf(t) && !version_from_buildinfo(t))
		strcpy(t->go_version, "unknown");
	int major = 0, minor = 0;
	if (sscanf(t->go_version, "go%d.%d", &major, &minor) == 2 && major == 1)
		t->go_minor = minor;
	experiments_from_buildinfo(t);
	detect_variants(t);
	*out = t;
	return NULL;
}

void gl_target_set_bias(struct gl_target *t, uint64_t bias)
{
	gl_elf_set_bias(&t->elf, bias); /* the pclntab reads it from there */
	if (t->dw)
		gl_dwarf_set_bias(t->dw, bias);
	t->types_base = t->types_link ? t->types_link + bias : 0;
}

void gl_target_destroy(struct gl_target *t)
{
	if (!t)
		return;
	if (t->rt_free)
		t->rt_free(t->rt);
	if (t->slot_names_free)
		t->slot_names_free(t->slot_names);
	gl_dwarf_close(t->dw);
	gl_pclntab_deinit(&t->pcln);
	gl_elf_close(&t->elf);
	free(t->dwarf_error);
	free(t->path);
	free(t);
}

bool gl_target_is_current(const struct gl_target *t, const char *path)
{
	struct stat st;
	return strcmp(t->path, path) == 0 && stat(path, &st) == 0 && st.st_mtime == t->mtime &&
	       st.st_size == t->fsize;
}

bool gl_target_is_go(const struct gl_target *t)
{
	return t->has_pcln || strcmp(t->go_version, "unknown") != 0;
}

struct gl_error *gl_target_need_dwarf(struct gl_target *t)
{
	if (t->dw)
		return NULL;
	return gl_error_create(GL_ERR_NODWARF, "%s",
			       t->dwarf_error ? t->dwarf_error : "no DWARF debug info");
}

struct gl_error *gl_target_need_runtime(struct gl_target *t)
{
	struct gl_error *err = gl_target_need_dwarf(t);
	return err ? err : gl_target_need_release(t);
}

struct gl_error *gl_target_need_release(const struct gl_target *t)
{
	if (!t->go_minor || (t->go_minor >= GL_GO_MIN_MINOR && t->go_minor <= GL_GO_MAX_MINOR))
		return NULL;
	return gl_error_create(GL_ERR_UNSUPPORTED, "this binary is %s; golayout supports Go 1.%d to 1.%d",
			       t->go_version, GL_GO_MIN_MINOR, GL_GO_MAX_MINOR);
}

struct gl_error *gl_target_read_word(const struct gl_target *t, struct gl_mem *m, uint64_t addr,
				     uint64_t *v)
{
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(m, addr, b, (uint64_t)t->ptr_size);
	*v = err ? 0 : gl_get_uint(b, (uint64_t)t->ptr_size);
	return err;
}
