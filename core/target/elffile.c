#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/le.h"
#include "target/elffile.h"

static bool load_relocs(struct gl_elf *elf);
static bool copy_link(const struct gl_elf *elf, uint64_t link, void *buf, size_t len);

static struct gl_error *read_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gl_error_create(GL_ERR_EXECUTABLE, "cannot open %s", path);
	struct gl_error *err = NULL;
	if (fseek(f, 0, SEEK_END) != 0) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "cannot read %s", path);
		goto out;
	}
	long n = ftell(f);
	rewind(f);
	if (n <= 0) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s is empty", path);
		goto out;
	}
	*data = malloc((size_t)n);
	if (!*data) {
		err = &gl_error_nomem;
		goto out;
	}
	if (fread(*data, 1, (size_t)n, f) != (size_t)n) {
		free(*data);
		*data = NULL;
		err = gl_error_create(GL_ERR_EXECUTABLE, "cannot read %s", path);
		goto out;
	}
	*size = (size_t)n;
out:
	fclose(f);
	return err;
}

/* The header fields golayout uses, the same for ELF32 and ELF64. */
struct ehdr {
	uint16_t type, machine, shentsize, shnum, shstrndx;
	uint64_t shoff;
};

struct shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
};

/* Structures are copied out (memcpy): the file's offsets need not be
 * aligned for the host. The field names are the same in both classes. */
#define EHDR_OF(e) ((struct ehdr){(e).e_type, (e).e_machine, (e).e_shentsize, (e).e_shnum, (e).e_shstrndx, (e).e_shoff})
#define SHDR_OF(s) ((struct shdr){(s).sh_name, (s).sh_type, (s).sh_flags, (s).sh_addr, (s).sh_offset, (s).sh_size})
#define COPY_OUT(name, R, T, OF) \
	static R name(const unsigned char *p) { T x; memcpy(&x, p, sizeof(x)); return OF(x); }
COPY_OUT(ehdr64, struct ehdr, Elf64_Ehdr, EHDR_OF)
COPY_OUT(ehdr32, struct ehdr, Elf32_Ehdr, EHDR_OF)
COPY_OUT(shdr64, struct shdr, Elf64_Shdr, SHDR_OF)
COPY_OUT(shdr32, struct shdr, Elf32_Shdr, SHDR_OF)

static struct ehdr read_ehdr(const unsigned char *p, bool is64)
{
	return is64 ? ehdr64(p) : ehdr32(p);
}

static struct shdr read_shdr(const unsigned char *p, bool is64)
{
	return is64 ? shdr64(p) : shdr32(p);
}

struct gl_error *gl_elf_open(const char *path, struct gl_elf *elf)
{
	memset(elf, 0, sizeof(*elf));
	struct gl_error *err = read_file(path, &elf->data, &elf->size);
	if (err)
		return err;
	const unsigned char *id = elf->data;
	bool is64 = elf->size >= EI_NIDENT && id[EI_CLASS] == ELFCLASS64;
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t shsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (elf->size < ehsize || memcmp(id, ELFMAG, SELFMAG) != 0 ||
	    (id[EI_CLASS] != ELFCLASS64 && id[EI_CLASS] != ELFCLASS32) || id[EI_DATA] != ELFDATA2LSB) {
		err = gl_error_create(GL_ERR_UNSUPPORTED, "%s is not a little-endian ELF file", path);
		goto fail;
	}
	struct ehdr eh = read_ehdr(elf->data, is64);
	elf->machine = eh.machine;
	elf->pie = eh.type == ET_DYN;
	elf->ptr_size = is64 ? 8 : 4;
	if (eh.shentsize != shsize || eh.shoff > elf->size ||
	    (uint64_t)eh.shnum * shsize > elf->size - eh.shoff || eh.shstrndx >= eh.shnum) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s has no usable section table", path);
		goto fail;
	}
	const unsigned char *sh = elf->data + eh.shoff;
	struct shdr strsh = read_shdr(sh + (size_t)eh.shstrndx * shsize, is64);
	if (strsh.offset > elf->size || strsh.size > elf->size - strsh.offset) {
		err = gl_error_create(GL_ERR_EXECUTABLE, "%s: bad section name table", path);
		goto fail;
	}
	elf->sections = calloc(eh.shnum ? eh.shnum : 1, sizeof(*elf->sections));
	if (!elf->sections) {
		err = &gl_error_nomem;
		goto fail;
	}
	for (size_t i = 0; i < eh.shnum; i++) {
		struct gl_elf_section *s = &elf->sections[elf->nsections];
		struct shdr h = read_shdr(sh + i * shsize, is64);
		if (h.name >= strsh.size)
			continue;
		const char *nm = (const char *)elf->data + strsh.offset + h.name;
		s->name = strndup(nm, strsh.size - h.name);
		if (!s->name) {
			err = &gl_error_nomem;
			goto fail;
		}
		s->type = h.type;
		s->flags = h.flags;
		s->addr = h.addr;
		s->offset = h.offset;
		s->size = h.size;
		elf->nsections++;
	}
	if (!load_relocs(elf)) {
		err = &gl_error_nomem;
		goto fail;
	}
	return NULL;
fail:
	gl_elf_close(elf);
	return err;
}

void gl_elf_close(struct gl_elf *elf)
{
	for (size_t i = 0; i < elf->nsections; i++)
		free(elf->sections[i].name);
	free(elf->sections);
	free(elf->relocs);
	free(elf->data);
	memset(elf, 0, sizeof(*elf));
}

const struct gl_elf_section *gl_elf_section(const struct gl_elf *elf, const char *name)
{
	for (size_t i = 0; i < elf->nsections; i++)
		if (strcmp(elf->sections[i].name, name) == 0)
			return &elf->sections[i];
	return NULL;
}

/* The allocated section holding link-time address link. */
static const struct gl_elf_section *section_at_link(const struct gl_elf *elf, uint64_t link)
{
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct gl_elf_section *s = &elf->sections[i];
		if ((s->flags & SHF_ALLOC) && link >= s->addr && link - s->addr < s->size)
			return s;
	}
	return NULL;
}

const struct gl_elf_section *gl_elf_section_at(const struct gl_elf *elf, uint64_t addr)
{
	/* modulo 2^64: a bias "below" the link address works the same */
	return section_at_link(elf, addr - elf->bias);
}

/* Copy the bytes of link-time address link; false when they are not all
 * initialised data of one section. */
static bool copy_link(const struct gl_elf *elf, uint64_t link, void *buf, size_t len)
{
	const struct gl_elf_section *s = section_at_link(elf, link);
	if (!s || s->type == SHT_NOBITS || len > s->size - (link - s->addr) ||
	    s->offset + (link - s->addr) + len > elf->size)
		return false;
	memcpy(buf, elf->data + s->offset + (link - s->addr), len);
	return true;
}

static struct gl_error *not_data(uint64_t addr)
{
	return gl_error_fault(addr, "0x%llx is not initialised data in the executable", (unsigned long long)addr);
}

struct gl_error *gl_elf_read_link(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len)
{
	return copy_link(elf, addr, buf, len) ? NULL : not_data(addr);
}

/* ---- relative relocations ------------------------------------------------
 * Where the dynamic loader adds the load bias to a pointer of a
 * position-independent executable. Reading the file "as loaded"
 * (gl_elf_read_vaddr) applies them, so that a pointer read from the file's
 * initialised data (runtime.buildVersion's bytes, runtime.waitReasonStrings'
 * entries) is the address the process uses. */

/* The relocation type that means "load bias + addend" on each machine. */
static uint32_t relative_type(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return R_X86_64_RELATIVE;
	case EM_AARCH64: return R_AARCH64_RELATIVE;
	case EM_386: return R_386_RELATIVE;
	default: return 0;
	}
}

static int reloc_cmp(const void *a, const void *b)
{
	const struct gl_elf_reloc *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One SHT_RELA or SHT_REL section's relative entries into elf->relocs. A
 * REL entry keeps its addend in the word it relocates (read from the file);
 * a RELA entry carries it, whatever the linker left in the word. */
static bool add_section(struct gl_elf *elf, const struct gl_elf_section *s, uint32_t rtype,
			size_t *cap)
{
	bool is64 = elf->ptr_size == 8, rela = s->type == SHT_RELA;
	size_t w = elf->ptr_size, entsize = (rela ? 3 : 2) * w;
	if (s->offset > elf->size || s->size > elf->size - s->offset)
		return true; /* a bad section table: no relocations from it */
	const unsigned char *p = elf->data + s->offset;
	for (uint64_t at = 0; at + entsize <= s->size; at += entsize) {
		uint64_t off = gl_get_uint(p + at, w), info = gl_get_uint(p + at + w, w);
		uint32_t type = is64 ? (uint32_t)ELF64_R_TYPE(info) : ELF32_R_TYPE((uint32_t)info);
		if (type != rtype)
			continue;
		uint64_t addend = 0;
		if (rela) {
			addend = gl_get_uint(p + at + 2 * w, w);
		} else {
			unsigned char word[8];
			if (!copy_link(elf, off, word, w))
				continue;
			addend = gl_get_uint(word, w);
		}
		if (!GL_ARRAY_RESERVE(elf->relocs, *cap, elf->nrelocs, 1024))
			return false;
		elf->relocs[elf->nrelocs++] = (struct gl_elf_reloc){off, addend};
	}
	return true;
}

static bool load_relocs(struct gl_elf *elf)
{
	uint32_t rtype = relative_type(elf->machine);
	size_t cap = 0;
	if (!elf->pie || !rtype)
		return true;
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct gl_elf_section *s = &elf->sections[i];
		if ((s->type == SHT_RELA || s->type == SHT_REL) && !add_section(elf, s, rtype, &cap))
			return false;
	}
	if (elf->nrelocs)
		qsort(elf->relocs, elf->nrelocs, sizeof(*elf->relocs), reloc_cmp);
	return true;
}

static void apply_relocs(const struct gl_elf *elf, uint64_t link, unsigned char *buf, size_t len)
{
	size_t w = elf->ptr_size, lo = 0, hi = elf->nrelocs;
	/* the first relocated word that ends after link */
	uint64_t from = link >= w ? link - w + 1 : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (elf->relocs[mid].addr < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < elf->nrelocs && elf->relocs[i].addr < link + len; i++) {
		unsigned char word[8];
		uint64_t at = elf->relocs[i].addr, v = elf->relocs[i].addend + elf->bias;
		for (size_t b = 0; b < w; b++) /* little-endian */
			word[b] = (unsigned char)(v >> (8 * b));
		/* copy the part of the word that lies in [link, link+len) */
		size_t skip = at < link ? (size_t)(link - at) : 0;
		size_t dst = at < link ? 0 : (size_t)(at - link);
		size_t n = w - skip;
		if (n > len - dst)
			n = len - dst;
		memcpy(buf + dst, word + skip, n);
	}
}

bool gl_elf_try_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len)
{
	uint64_t link = addr - elf->bias; /* wraps below the image: no section there */
	if (!copy_link(elf, link, buf, len))
		return false;
	if (elf->nrelocs)
		apply_relocs(elf, link, buf, len);
	return true;
}

struct gl_error *gl_elf_read_vaddr(const struct gl_elf *elf, uint64_t addr, void *buf, size_t len)
{
	return gl_elf_try_read_vaddr(elf, addr, buf, len) ? NULL : not_data(addr);
}

const char *gl_elf_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "amd64";
	case EM_AARCH64: return "arm64";
	case EM_386: return "386";
	case EM_RISCV: return "riscv64";
	case EM_PPC64: return "ppc64le";
	case EM_S390: return "s390x";
	default: return "unknown";
	}
}
