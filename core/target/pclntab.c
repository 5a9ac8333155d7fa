#include <stdlib.h>
#include <string.h>

#include "target/pclntab.h"

static uint64_t rd(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Direct-mapped memos of gl_pclntab_func and pcvalue, as the Go runtime
 * keeps its pcvalueCache: keyed so that they hold across load biases
 * (function lookups by link-time pc, values by pc - entry). */
#define FUNC_MEMO 1024
#define VALUE_MEMO 4096

struct gl_pcln_cache {
	struct {
		uint64_t link; /* key + 1; 0: empty */
		struct gl_pcfunc f; /* entry link-time */
	} func[FUNC_MEMO];
	struct {
		uint64_t delta; /* pc - entry, + 1; 0: empty */
		uint32_t off;
		bool ok;
		int64_t val;
	} value[VALUE_MEMO];
};

static size_t memo_slot(uint64_t a, uint64_t b, size_t n)
{
	return (size_t)(((a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full)) >> 40) & (n - 1);
}

void gl_pclntab_deinit(struct gl_pclntab *t)
{
	free(t->cache);
	t->cache = NULL;
}

struct gl_error *gl_pclntab_init(struct gl_pclntab *t, const struct gl_elf *elf)
{
	memset(t, 0, sizeof(*t));
	const struct gl_elf_section *s = gl_elf_section(elf, ".gopclntab");
	if (!s || s->offset > elf->size || s->size > elf->size - s->offset || s->size < 72)
		return gl_error_create(GL_ERR_NODWARF, "no .gopclntab section");
	t->elf = elf;
	t->data = elf->data + s->offset;
	t->size = s->size;
	t->magic = (uint32_t)rd(t->data, 4);
	if (t->magic != 0xfffffff0 && t->magic != 0xfffffff1)
		return gl_error_create(GL_ERR_UNSUPPORTED, "unsupported pclntab magic 0x%x", t->magic);
	t->min_lc = t->data[6];
	t->ptr_size = t->data[7];
	if ((t->ptr_size != 8 && t->ptr_size != 4) || t->min_lc == 0)
		return gl_error_create(GL_ERR_UNSUPPORTED, "unsupported pclntab (ptrsize %u)", t->ptr_size);
	/* The header's fields after the first 8 bytes are uintptrs (4 bytes
	 * on 386); the function table and _func records are uint32s on
	 * every architecture. */
	const unsigned char *h = t->data + 8;
	int w = t->ptr_size;
	t->nfunc = rd(h, w);
	t->text_start = rd(h + 2 * w, w);
	t->funcname_off = rd(h + 3 * w, w);
	t->cu_off = rd(h + 4 * w, w);
	t->filetab_off = rd(h + 5 * w, w);
	t->pctab_off = rd(h + 6 * w, w);
	t->pcln_off = rd(h + 7 * w, w);
	/* Go 1.26 stopped filling textStart; runtime.text is the start of
	 * the .text section for internally linked binaries. */
	if (t->text_start == 0) {
		const struct gl_elf_section *text = gl_elf_section(elf, ".text");
		t->text_start = text ? text->addr : 0;
	}
	if (t->pcln_off >= t->size || (t->nfunc + 1) * 8 > t->size - t->pcln_off)
		return gl_error_create(GL_ERR_CORRUPT, "corrupt pclntab function table");
	t->cache = calloc(1, sizeof(*t->cache)); /* none when out of memory */
	return NULL;
}

/* PCs in and entries out are the process's: the table's text_start is
 * link-time, so the load bias (t->elf->bias) is taken off pc here and
 * added to the entry, and everything else compares PCs with that entry. */
bool gl_pclntab_func(const struct gl_pclntab *t, uint64_t pc, struct gl_pcfunc *f)
{
	if (!t->data)
		return false;
	uint64_t link = pc - t->elf->bias; /* modulo 2^64, as the bias is */
	if (link < t->text_start)
		return false;
	uint64_t off = link - t->text_start;
	const unsigned char *ftab = t->data + t->pcln_off;
	if (off >= rd(ftab + t->nfunc * 8, 4))
		return false;
	/* (in the text: link + 1, the key, is never 0, an empty slot's) */
	size_t slot = memo_slot(link, 0, FUNC_MEMO);
	if (t->cache && t->cache->func[slot].link == link + 1) {
		*f = t->cache->func[slot].f;
		f->entry += t->elf->bias;
		return true;
	}
	uint64_t lo = 0, hi = t->nfunc;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (rd(ftab + mid * 8, 4) <= off)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t funcoff = rd(ftab + lo * 8 + 4, 4);
	if (t->pcln_off + funcoff + 44 > t->size)
		return false;
	const unsigned char *fn = t->data + t->pcln_off + funcoff;
	f->entry = t->text_start + rd(fn, 4) + t->elf->bias;
	uint64_t name_off = t->funcname_off + rd(fn + 4, 4);
	f->name = name_off < t->size && memchr(t->data + name_off, 0, t->size - name_off)
			  ? (const char *)t->data + name_off
			  : "?";
	f->args = (int32_t)rd(fn + 8, 4);
	f->deferreturn = (uint32_t)rd(fn + 12, 4);
	f->pcsp = (uint32_t)rd(fn + 16, 4);
	f->pcfile = (uint32_t)rd(fn + 20, 4);
	f->pcln = (uint32_t)rd(fn + 24, 4);
	f->cu = (uint32_t)rd(fn + 32, 4);
	f->npcdata = (uint32_t)rd(fn + 28, 4);
	f->nfuncdata = fn[43];
	f->off = t->pcln_off + funcoff;
	if (t->cache) {
		t->cache->func[slot].link = link + 1;
		t->cache->func[slot].f = *f;
		t->cache->func[slot].f.entry -= t->elf->bias;
	}
	return true;
}

static bool varint(const unsigned char *p, uint64_t n, uint64_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64 && *pos < n; shift += 7) {
		unsigned char b = p[(*pos)++];
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

static bool pcvalue_decode(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint32_t off,
			   uint64_t pc, int64_t *out);

/* runtime.pcvalue: the value of table `off` at pc, -1 if unknown. Every
 * step consumes input, so the walk is bounded by the table's size. */
static bool pcvalue(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint32_t off, uint64_t pc,
		    int64_t *out)
{
	if (off == 0 || t->pctab_off + off >= t->size)
		return false;
	size_t slot = memo_slot(off, pc - f->entry, VALUE_MEMO);
	if (t->cache && t->cache->value[slot].delta == pc - f->entry + 1 && t->cache->value[slot].off == off) {
		*out = t->cache->value[slot].val;
		return t->cache->value[slot].ok;
	}
	bool ok = pcvalue_decode(t, f, off, pc, out);
	if (t->cache) {
		t->cache->value[slot].delta = pc - f->entry + 1;
		t->cache->value[slot].off = off;
		t->cache->value[slot].ok = ok;
		t->cache->value[slot].val = ok ? *out : 0;
	}
	return ok;
}

/* The decoding itself (pcvalue's bounds checked). */
static bool pcvalue_decode(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint32_t off,
			   uint64_t pc, int64_t *out)
{
	const unsigned char *p = t->data + t->pctab_off + off;
	uint64_t n = t->size - t->pctab_off - off, pos = 0;
	int64_t val = -1;
	uint64_t cur = f->entry;
	for (bool first = true;; first = false) {
		uint64_t uv, pcd;
		if (!varint(p, n, &pos, &uv) || (uv == 0 && !first))
			return false;
		val += (uv & 1) ? -(int64_t)((uv + 1) >> 1) : (int64_t)(uv >> 1);
		if (!varint(p, n, &pos, &pcd))
			return false;
		cur += pcd * t->min_lc;
		if (pc < cur) {
			*out = val;
			return true;
		}
	}
}

int64_t gl_pclntab_spdelta(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc)
{
	int64_t v;
	return pcvalue(t, f, f->pcsp, pc, &v) ? v : -1;
}

int64_t gl_pclntab_pcdata(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint32_t table,
			  uint64_t pc)
{
	uint64_t at = f->off + 44 + 4ull * table;
	int64_t v;
	if (table >= f->npcdata || at + 4 > t->size)
		return -1;
	return pcvalue(t, f, (uint32_t)rd(t->data + at, 4), pc, &v) ? v : -1;
}

bool gl_pclntab_funcdata(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint8_t i,
			 uint64_t *link_addr)
{
	uint64_t at = f->off + 44 + 4ull * f->npcdata + 4ull * i;
	if (!t->gofunc || i >= f->nfuncdata || at + 4 > t->size)
		return false;
	uint32_t off = (uint32_t)rd(t->data + at, 4);
	if (off == 0xffffffffu)
		return false;
	*link_addr = t->gofunc + off;
	return true;
}

bool gl_pclntab_line(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc,
		     const char **file, int64_t *line)
{
	int64_t fileno;
	if (!pcvalue(t, f, f->pcln, pc, line) || !pcvalue(t, f, f->pcfile, pc, &fileno) || fileno < 0)
		return false;
	uint64_t cu = t->cu_off + ((uint64_t)f->cu + (uint64_t)fileno) * 4;
	if (cu + 4 > t->size)
		return false;
	uint64_t foff = rd(t->data + cu, 4);
	if (foff == 0xffffffffu || t->filetab_off + foff >= t->size)
		return false;
	*file = (const char *)t->data + t->filetab_off + foff;
	return memchr(*file, 0, t->size - t->filetab_off - foff) != NULL;
}

#define PCDATA_INLTREE_INDEX 2
#define FUNCDATA_INLTREE 3
#define INLINED_CALL_SIZE 16 /* abi.InlinedCall, Go 1.20+ */
#define MAX_INLINE_DEPTH 64

static const char *func_name_at(const struct gl_pclntab *t, int64_t name_off)
{
	uint64_t o = t->funcname_off + (uint64_t)name_off;
	if (name_off < 0 || o >= t->size || !memchr(t->data + o, 0, t->size - o))
		return "?";
	return (const char *)t->data + o;
}

size_t gl_pclntab_inlined(const struct gl_pclntab *t, const struct gl_pcfunc *f, uint64_t pc,
			  struct gl_inline *out, size_t max)
{
	size_t n = 0;
	uint64_t cur = pc;
	uint64_t pcdata_at = f->off + 44, funcdata_at = pcdata_at + 4ull * f->npcdata;
	bool have_tree = t->gofunc && f->npcdata > PCDATA_INLTREE_INDEX &&
			 f->nfuncdata > FUNCDATA_INLTREE && funcdata_at + 4ull * f->nfuncdata <= t->size;
	if (have_tree) {
		uint32_t idx_tab = (uint32_t)rd(t->data + pcdata_at + 4 * PCDATA_INLTREE_INDEX, 4);
		uint32_t tree_off = (uint32_t)rd(t->data + funcdata_at + 4 * FUNCDATA_INLTREE, 4);
		int64_t idx;
		while (tree_off != 0xffffffffu && n + 1 < max && n < MAX_INLINE_DEPTH &&
		       pcvalue(t, f, idx_tab, cur, &idx) && idx >= 0) {
			unsigned char ic[INLINED_CALL_SIZE];
			/* gofunc is link-time (read from the file) */
			struct gl_error *err = gl_elf_read_link(t->elf, t->gofunc + tree_off + (uint64_t)idx * INLINED_CALL_SIZE,
								ic, sizeof(ic));
			if (err) {
				gl_error_destroy(err);
				break;
			}
			struct gl_inline *in = &out[n++];
			in->func = func_name_at(t, (int32_t)rd(ic + 4, 4));
			in->file = NULL;
			in->line = 0;
			gl_pclntab_line(t, f, cur, &in->file, &in->line);
			cur = f->entry + (uint64_t)(int64_t)(int32_t)rd(ic + 8, 4); /* parentPc */
		}
	}
	struct gl_inline *phys = &out[n++];
	phys->func = f->name;
	phys->file = NULL;
	phys->line = 0;
	gl_pclntab_line(t, f, cur, &phys->file, &phys->line);
	return n;
}
