#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "target/mem.h"

/* The largest single backend request: a larger run of pages is fetched
 * in requests of this size. LLDB reads about 10 MB/s from a live process,
 * so a request of 1 MiB ends in about 0.1 s and a Ctrl-C is seen after
 * it; the calls cost next to nothing next to the copying. */
#define MAX_BACKEND_CHUNK (1u << 20)

/* The slot table a stop starts with (grown fourfold when half full), and
 * how many freed pages a flush keeps for the next stop. */
#define FIRST_SLOTS 1024u
#define MAX_SPARE 64u

struct gl_page {
	uint64_t base;
	struct gl_page *next; /* the cached list, or the spare list */
	bool bad; /* unreadable: remembered so we do not ask again */
	/* For a bad page: a read from the page's start stopped at bad_at
	 * (when bad_at_known), so [base, bad_at) reads and bad_at does not. */
	bool bad_at_known;
	uint64_t bad_at;
	unsigned char data[GL_PAGE_SIZE];
};

/* Generations are numbered across every gl_mem of the process: a cache
 * of conclusions kept with the executable (gotypes/rtype.c) may outlive
 * one session's memory and meet another's. */
static uint64_t last_generation;

void gl_mem_init(struct gl_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->generation = ++last_generation;
}

struct gl_page_slot {
	uint64_t base;
	struct gl_page *page; /* NULL: the slot is free */
};

void gl_mem_flush(struct gl_mem *m)
{
	m->generation = ++last_generation;
	while (m->cached) {
		struct gl_page *p = m->cached;
		m->cached = p->next;
		if (m->nspare < MAX_SPARE) {
			p->next = m->spare;
			m->spare = p;
			m->nspare++;
		} else {
			free(p);
		}
	}
	if (m->nslots == FIRST_SLOTS) { /* the first size is kept, emptied */
		if (m->npages)
			memset(m->slots, 0, FIRST_SLOTS * sizeof(*m->slots));
	} else {
		free(m->slots);
		m->slots = NULL;
		m->nslots = 0;
	}
	m->npages = 0;
	m->last = NULL;
}

void gl_mem_deinit(struct gl_mem *m)
{
	gl_mem_flush(m);
	while (m->spare) {
		struct gl_page *p = m->spare;
		m->spare = p->next;
		free(p);
	}
	m->nspare = 0;
	free(m->slots);
	m->slots = NULL;
	m->nslots = 0;
}

static struct gl_page *page_new(struct gl_mem *m)
{
	struct gl_page *p = m->spare;
	if (!p)
		return malloc(sizeof(*p));
	m->spare = p->next;
	m->nspare--;
	return p;
}

void gl_mem_begin(struct gl_mem *m, const struct gl_backend *be)
{
	/* The stop id alone says whether the cache still holds: a shim may
	 * hand a new backend struct (even a stack one) to every command. */
	uint64_t id = be && be->stop_id ? be->stop_id(be->ctx) : 0;
	if (id == 0 || id != m->stop_id)
		gl_mem_flush(m);
	m->be = be;
	m->stop_id = id;
	memset(&m->cmd_stats, 0, sizeof(m->cmd_stats));
	m->interrupted = false;
	m->interrupt_polled_ns = 0;
}

#define INTERRUPT_POLL_NS 20000000ull

bool gl_mem_interrupted(struct gl_mem *m)
{
	if (m->interrupted)
		return true;
	const struct gl_backend *be = m->be;
	if (!be || be->version < 3 || !be->interrupted)
		return false;
	/* a loop over a million entries asks for each: read the clock for
	 * every 64th call only (a call costs nanoseconds, 64 well under 20 ms) */
	if (m->interrupt_polled_ns && ++m->interrupt_calls % 64)
		return false;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (m->interrupt_polled_ns && now - m->interrupt_polled_ns < INTERRUPT_POLL_NS)
		return false;
	m->interrupt_polled_ns = now;
	m->interrupted = be->interrupted(be->ctx) != 0;
	return m->interrupted;
}

void gl_mem_end(struct gl_mem *m)
{
	m->be = NULL;
}

static size_t page_hash(uint64_t base, size_t n)
{
	uint64_t h = (base / GL_PAGE_SIZE) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (n - 1);
}

static struct gl_page *page_find(struct gl_mem *m, uint64_t base)
{
	if (m->last && m->last->base == base)
		return m->last;
	if (!m->nslots)
		return NULL;
	for (size_t i = page_hash(base, m->nslots);; i = (i + 1) & (m->nslots - 1)) {
		struct gl_page_slot *s = &m->slots[i];
		if (!s->page)
			return NULL;
		if (s->base == base)
			return m->last = s->page;
	}
}

static void slot_put(struct gl_page_slot *slots, size_t n, struct gl_page *p)
{
	size_t i = page_hash(p->base, n);
	while (slots[i].page)
		i = (i + 1) & (n - 1);
	slots[i].base = p->base;
	slots[i].page = p;
}

/* (a page is inserted only when page_find did not find its base) */
static void page_insert(struct gl_mem *m, struct gl_page *p)
{
	if (2 * (m->npages + 1) > m->nslots) {
		size_t n = m->nslots ? m->nslots * 4 : FIRST_SLOTS;
		struct gl_page_slot *s = n > m->nslots ? calloc(n, sizeof(*s)) : NULL;
		if (s) {
			for (size_t i = 0; i < m->nslots; i++)
				if (m->slots[i].page)
					slot_put(s, n, m->slots[i].page);
			free(m->slots);
			m->slots = s;
			m->nslots = n;
		}
	}
	if (2 * (m->npages + 1) > m->nslots) { /* could not grow the table: do not cache */
		free(p);
		return;
	}
	slot_put(m->slots, m->nslots, p);
	p->next = m->cached;
	m->cached = p;
	m->npages++;
}

/* One backend call. Returns how many bytes from addr on were read into
 * buf: len when all of it was. *readable gets how many are known to be
 * readable, or GL_NREAD_UNKNOWN when the backend could not tell. A
 * version-1 backend reports the first unreadable address instead, and
 * leaves buf unusable on failure: its readable bytes are not read ones. */
static uint64_t backend_read_raw(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len,
				 uint64_t *readable)
{
	m->stats.backend_reads++;
	m->cmd_stats.backend_reads++;
	m->stats.backend_bytes += len;
	m->cmd_stats.backend_bytes += len;
	const struct gl_backend *be = m->be;
	uint64_t n = be->version >= 2 ? GL_NREAD_UNKNOWN : addr;
	int rc = be->read_memory(be->ctx, addr, buf, len, &n);
	/* A read the user cut short says nothing about the memory, and may
	 * not even have filled buf: nothing of it is used or cached. */
	if (be->version >= 3 && be->interrupted && be->interrupted(be->ctx))
		m->interrupted = true;
	if (m->interrupted) {
		*readable = GL_NREAD_UNKNOWN;
		return 0;
	}
	if (rc == GL_BACKEND_OK)
		return *readable = len;
	if (be->version < 2) { /* n is the fault address */
		*readable = n >= addr && n - addr < len ? n - addr : GL_NREAD_UNKNOWN;
		return 0;
	}
	*readable = n < len ? n : GL_NREAD_UNKNOWN;
	return *readable == GL_NREAD_UNKNOWN ? 0 : n;
}

/* The backend, then the executable's read-only sections (all or nothing). */
static uint64_t backend_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len,
			     uint64_t *readable)
{
	uint64_t got = backend_read_raw(m, addr, buf, len, readable);
	if (got < len && m->file_fallback &&
	    m->file_fallback(m->file_fallback_arg, addr, buf, len))
		return *readable = len;
	return got;
}

static void insert_page(struct gl_mem *m, uint64_t base, const unsigned char *data)
{
	if (page_find(m, base)) /* (a prefetched run may hold cached pages) */
		return;
	struct gl_page *p = page_new(m);
	if (!p)
		return;
	p->base = base;
	p->bad = data == NULL;
	p->bad_at_known = false;
	if (data)
		memcpy(p->data, data, GL_PAGE_SIZE);
	else {
		m->stats.faults++;
		m->cmd_stats.faults++;
	}
	page_insert(m, p);
}

static bool page_is_bad(struct gl_mem *m, uint64_t base)
{
	struct gl_page *p = page_find(m, base);
	return !p || p->bad;
}

/* The page at base is unreadable, from the byte at bad_at on (0: not
 * known where). */
static void mark_bad(struct gl_mem *m, uint64_t base, uint64_t bad_at)
{
	insert_page(m, base, NULL);
	struct gl_page *p = page_find(m, base);
	unsigned char byte;
	/* (a byte the executable holds may still read: not known bad) */
	if (p && p->bad && bad_at &&
	    !(m->file_fallback && m->file_fallback(m->file_fallback_arg, bad_at, &byte, 1))) {
		p->bad_at_known = true;
		p->bad_at = bad_at;
	}
}

/* Fetch the run of pages [first, first+n*PAGE) into the cache: one backend
 * call when it all reads. When it fails at page k (the backend says how
 * far it got), the pages before k are cached from what it read, page k is
 * remembered as bad, and the pages after it are left for later requests:
 * a read that starts on a bad page fails anyway, so a large unmapped range
 * costs one call, not one per page. A backend that cannot tell how far it
 * got is bisected: O(log n) calls find the first bad page. */
static void fetch_run(struct gl_mem *m, uint64_t first, uint64_t n);

/* The run as two halves; the second only when the first all read. */
static void fetch_halves(struct gl_mem *m, uint64_t first, uint64_t n)
{
	fetch_run(m, first, n / 2);
	if (!page_is_bad(m, first + (n / 2 - 1) * GL_PAGE_SIZE))
		fetch_run(m, first + n / 2 * GL_PAGE_SIZE, n - n / 2);
}

static void fetch_run(struct gl_mem *m, uint64_t first, uint64_t n)
{
	const uint64_t chunk = MAX_BACKEND_CHUNK / GL_PAGE_SIZE;
	if (n > chunk) {
		/* one backend call per chunk; stop at the first failing chunk
		 * (or at a Ctrl-C: then no page of the chunk is cached) */
		for (uint64_t done = 0; done < n; done += chunk) {
			uint64_t k = n - done < chunk ? n - done : chunk;
			fetch_run(m, first + done * GL_PAGE_SIZE, k);
			if (page_is_bad(m, first + (done + k - 1) * GL_PAGE_SIZE))
				return;
		}
		return;
	}
	unsigned char *tmp = malloc(n * GL_PAGE_SIZE);
	unsigned char one[GL_PAGE_SIZE];
	if (!tmp && n > 1) { /* no memory for a buffer: halves need less */
		fetch_halves(m, first, n);
		return;
	}
	unsigned char *buf = tmp ? tmp : one;
	uint64_t readable;
	uint64_t got = backend_read(m, first, buf, n * GL_PAGE_SIZE, &readable);
	uint64_t good = got / GL_PAGE_SIZE;
	for (uint64_t i = 0; i < good; i++)
		insert_page(m, first + i * GL_PAGE_SIZE, buf + i * GL_PAGE_SIZE);
	free(tmp);
	if (good == n || m->interrupted) /* no page is known bad after a Ctrl-C */
		return;
	if (readable != GL_NREAD_UNKNOWN || n == 1) {
		uint64_t known = readable == GL_NREAD_UNKNOWN ? 0 : readable / GL_PAGE_SIZE;
		if (known > good) /* readable but not handed over (version 1) */
			fetch_run(m, first + good * GL_PAGE_SIZE, known - good);
		/* the page where the read stopped, even when part of it
		 * reads: such a page is read directly by gl_mem_read */
		mark_bad(m, first + known * GL_PAGE_SIZE, readable == GL_NREAD_UNKNOWN ? 0 : first + readable);
		return;
	}
	/* Failed without saying where: bisect. */
	fetch_halves(m, first, n);
}

/* What a quiet read (gl_mem_try_read) fails with: its caller drops the
 * error unread, so none is formatted (reads of wild pointers fail by the
 * thousand in a corrupt structure). Never leaves this file. */
static struct gl_error quiet_fault = {.code = GL_ERR_FAULT, .message = (char *)"cannot read memory"};

static struct gl_error *fault_at(bool quiet, uint64_t at)
{
	return quiet ? &quiet_fault : gl_error_fault(at, "cannot read memory at 0x%llx", (unsigned long long)at);
}

/* Partial pages at the edge of a mapping (a page only partly readable, as
 * in some core files) are read directly, uncached. */
static struct gl_error *read_direct(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len, bool quiet)
{
	uint64_t readable;
	if (backend_read(m, addr, buf, len, &readable) == len)
		return NULL;
	return fault_at(quiet, addr + (readable == GL_NREAD_UNKNOWN ? 0 : readable));
}

static struct gl_error *mem_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len, bool quiet)
{
	if (m->addr_mask)
		addr &= m->addr_mask;
	if (!m->be || !m->be->read_memory)
		return gl_error_create(GL_ERR_NOPROCESS, "no process");
	if (len == 0)
		return NULL;
	if (addr + (len - 1) < addr)
		return fault_at(quiet, addr);
	m->stats.requests++;
	m->cmd_stats.requests++;
	uint64_t first = addr & ~(uint64_t)(GL_PAGE_SIZE - 1);
	uint64_t last = (addr + len - 1) & ~(uint64_t)(GL_PAGE_SIZE - 1);
	bool all_cached = true;

	/* Fetch every run of missing pages with one call per run; stop at the
	 * first page known to be bad: the request fails there anyway (unless
	 * the bytes it needs of that page read directly, checked below). */
	for (uint64_t pg = first;; pg += GL_PAGE_SIZE) {
		struct gl_page *known = page_find(m, pg);
		if (known && known->bad)
			break;
		if (!known) {
			all_cached = false;
			/* after a Ctrl-C the cache still answers, the debugger
			 * is not asked again: a loop that has not yet seen the
			 * interrupt fails fast instead of reading on */
			if (m->interrupted)
				return gl_error_create(GL_ERR_INTERRUPTED, "interrupted");
			if (m->cmd_stats.faults >= GL_MEM_MAX_FAULTS)
				return gl_error_create(GL_ERR_LIMIT, "stopped after %u unreadable pages in one "
						       "command: the structures read look corrupt",
						       GL_MEM_MAX_FAULTS);
			uint64_t run = pg;
			while (run < last && !page_find(m, run + GL_PAGE_SIZE))
				run += GL_PAGE_SIZE;
			fetch_run(m, pg, (run - pg) / GL_PAGE_SIZE + 1);
			pg = run;
		}
		if (pg == last)
			break;
	}
	if (all_cached) {
		m->stats.cache_hits++;
		m->cmd_stats.cache_hits++;
	}
	unsigned char *out = buf;
	for (uint64_t pg = first;; pg += GL_PAGE_SIZE) {
		struct gl_page *p = page_find(m, pg);
		/* inclusive ends: the page at the top of the address space
		 * would overflow pg + GL_PAGE_SIZE */
		uint64_t lo = addr > pg ? addr : pg;
		uint64_t last_byte = addr + len - 1, pg_last = pg + (GL_PAGE_SIZE - 1);
		uint64_t hi = (last_byte < pg_last ? last_byte : pg_last) + 1;
		if (!p) /* no memory to cache: read the piece directly */
			return read_direct(m, addr, buf, len, quiet);
		if (p->bad && p->bad_at_known && lo <= p->bad_at && p->bad_at < hi) {
			/* the first unreadable byte of the request is known */
			return fault_at(quiet, p->bad_at);
		} else if (p->bad) {
			/* The page as a whole failed; the bytes we need may not. */
			struct gl_error *err = read_direct(m, lo, out + (lo - addr), hi - lo, quiet);
			if (err)
				return err;
		} else {
			memcpy(out + (lo - addr), p->data + (lo - pg), hi - lo);
		}
		if (pg == last)
			break;
	}
	return NULL;
}

struct gl_error *gl_mem_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	return mem_read(m, addr, buf, len, false);
}

/* Whether every page of [addr, addr+len) is cached (and good), or some
 * page is known bad; both mean gl_mem_read answers without a new read. */
static bool cache_answers(struct gl_mem *m, uint64_t addr, uint64_t len)
{
	uint64_t first = addr & ~(uint64_t)(GL_PAGE_SIZE - 1);
	uint64_t last = (addr + len - 1) & ~(uint64_t)(GL_PAGE_SIZE - 1);
	bool all = true;
	for (uint64_t pg = first;; pg += GL_PAGE_SIZE) {
		struct gl_page *p = page_find(m, pg);
		if (p && p->bad)
			return true;
		all = all && p;
		if (pg == last)
			return all;
	}
}

struct gl_error *gl_mem_read_once(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	if (m->addr_mask)
		addr &= m->addr_mask;
	if (!m->be || !m->be->read_memory || len < 2 * GL_PAGE_SIZE || addr + (len - 1) < addr ||
	    m->interrupted || cache_answers(m, addr, len))
		return gl_mem_read(m, addr, buf, len);
	m->stats.requests++;
	m->cmd_stats.requests++;
	for (uint64_t done = 0; done < len;) {
		uint64_t k = len - done < MAX_BACKEND_CHUNK ? len - done : MAX_BACKEND_CHUNK, readable;
		if (backend_read(m, addr + done, (unsigned char *)buf + done, k, &readable) < k)
			return gl_mem_read(m, addr, buf, len);
		done += k;
	}
	return NULL;
}

struct gl_error *gl_mem_read_u64(struct gl_mem *m, uint64_t addr, uint64_t *v)
{
	unsigned char b[8];
	struct gl_error *err = gl_mem_read(m, addr, b, 8);
	if (err)
		return err;
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = (*v << 8) | b[i];
	return NULL;
}

bool gl_mem_try_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	struct gl_error *err = mem_read(m, addr, buf, len, true);
	if (err != &quiet_fault)
		gl_error_destroy(err);
	return err == NULL;
}

bool gl_mem_readable(struct gl_mem *m, uint64_t addr, uint64_t len)
{
	unsigned char b[64];
	return gl_mem_try_read(m, addr, b, len > sizeof(b) ? sizeof(b) : len);
}

bool gl_mem_read_cached(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	if (!len || addr + (len - 1) < addr)
		return false;
	uint64_t first = addr & ~(uint64_t)(GL_PAGE_SIZE - 1);
	uint64_t last = (addr + len - 1) & ~(uint64_t)(GL_PAGE_SIZE - 1);
	for (uint64_t pg = first;; pg += GL_PAGE_SIZE) {
		struct gl_page *p = page_find(m, pg);
		if (!p || p->bad)
			return false;
		if (pg == last)
			break;
	}
	return !gl_mem_read(m, addr, buf, len); /* all from the cache */
}

static int range_cmp(const void *a, const void *b)
{
	const struct gl_mem_range *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Whether any page of [first, last] (page bases) is missing. */
static bool any_missing(struct gl_mem *m, uint64_t first, uint64_t last)
{
	for (uint64_t pg = first;; pg += GL_PAGE_SIZE) {
		if (!page_find(m, pg))
			return true;
		if (pg == last)
			return false;
	}
}

/* One backend call for the pages [first, last]; the pages read whole are
 * cached, nothing is marked bad. */
static void prefetch_run(struct gl_mem *m, uint64_t first, uint64_t last)
{
	while (first < last && page_find(m, first))
		first += GL_PAGE_SIZE;
	while (last > first && page_find(m, last))
		last -= GL_PAGE_SIZE;
	if (page_find(m, first))
		return;
	uint64_t n = (last - first) / GL_PAGE_SIZE + 1;
	if (n > MAX_BACKEND_CHUNK / GL_PAGE_SIZE) /* one huge range: its start */
		n = MAX_BACKEND_CHUNK / GL_PAGE_SIZE;
	unsigned char *buf = malloc(n * GL_PAGE_SIZE);
	if (!buf)
		return;
	uint64_t readable;
	uint64_t got = backend_read(m, first, buf, n * GL_PAGE_SIZE, &readable), good = got / GL_PAGE_SIZE;
	for (uint64_t i = 0; i < good && !m->interrupted; i++)
		insert_page(m, first + i * GL_PAGE_SIZE, buf + i * GL_PAGE_SIZE);
	free(buf);
	if (good < n && !m->interrupted) {
		/* a failed call counts against the command's fault budget
		 * (garbage ranges must not cost more calls than garbage
		 * reads), but only a page the backend said it could not read
		 * is marked bad: the rest may have failed for the gap */
		if (readable != GL_NREAD_UNKNOWN && readable / GL_PAGE_SIZE == good && good < n) {
			mark_bad(m, first + good * GL_PAGE_SIZE, first + readable);
		} else {
			m->stats.faults++;
			m->cmd_stats.faults++;
		}
	}
}

void gl_mem_prefetch(struct gl_mem *m, struct gl_mem_range *r, size_t n, uint64_t max_gap)
{
	if (!m->be || !m->be->read_memory || !n)
		return;
	qsort(r, n, sizeof(*r), range_cmp);
	const uint64_t mask = ~(uint64_t)(GL_PAGE_SIZE - 1), max_run = MAX_BACKEND_CHUNK;
	bool have = false;
	uint64_t first = 0, last = 0; /* the run being joined: page bases */
	for (size_t i = 0; i <= n && !m->interrupted; i++) {
		uint64_t lo = 0, hi = 0;
		if (i < n) {
			if (!r[i].len || r[i].addr + (r[i].len - 1) < r[i].addr)
				continue;
			lo = r[i].addr & mask;
			hi = (r[i].addr + r[i].len - 1) & mask;
			if (have && lo <= last + GL_PAGE_SIZE + max_gap && (hi > last ? hi : last) - first < max_run) {
				if (hi > last)
					last = hi;
				continue;
			}
		}
		if (have && m->cmd_stats.faults < GL_MEM_MAX_FAULTS && any_missing(m, first, last))
			prefetch_run(m, first, last);
		have = i < n;
		first = lo;
		last = hi;
	}
}
