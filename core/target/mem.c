#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "target/mem.h"

/* The largest single backend request: a larger run of pages is fetched
 * in requests of this size. LLDB reads about 10 MB/s from a live process,
 * so a request of 1 MiB ends in about 0.1 s and a Ctrl-C is seen after
 * it; the calls cost next to nothing next to the copying. */
#define MAX_BACKEND_CHUNK (1u << 20)

struct gl_page {
	struct gl_page *next;
	uint64_t base;
	bool bad; /* unreadable: remembered so we do not ask again */
	/* For a bad page: a read from the page's start stopped at bad_at
	 * (when bad_at_known), so [base, bad_at) reads and bad_at does not. */
	bool bad_at_known;
	uint64_t bad_at;
	unsigned char data[GL_PAGE_SIZE];
};

void gl_mem_init(struct gl_mem *m)
{
	memset(m, 0, sizeof(*m));
}

void gl_mem_flush(struct gl_mem *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct gl_page *p = m->buckets[i];
		while (p) {
			struct gl_page *next = p->next;
			free(p);
			p = next;
		}
	}
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = m->npages = 0;
}

void gl_mem_deinit(struct gl_mem *m)
{
	gl_mem_flush(m);
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
	if (!m->nbuckets)
		return NULL;
	for (struct gl_page *p = m->buckets[page_hash(base, m->nbuckets)]; p; p = p->next)
		if (p->base == base)
			return p;
	return NULL;
}

static void page_insert(struct gl_mem *m, struct gl_page *p)
{
	if (m->npages + 1 > m->nbuckets * 2) {
		size_t n = m->nbuckets ? m->nbuckets * 4 : 256;
		struct gl_page **b = calloc(n, sizeof(*b));
		if (b) {
			for (size_t i = 0; i < m->nbuckets; i++) {
				struct gl_page *q = m->buckets[i];
				while (q) {
					struct gl_page *next = q->next;
					size_t h = page_hash(q->base, n);
					q->next = b[h];
					b[h] = q;
					q = next;
				}
			}
			free(m->buckets);
			m->buckets = b;
			m->nbuckets = n;
		}
	}
	if (!m->nbuckets) { /* could not allocate a table: do not cache */
		free(p);
		return;
	}
	size_t h = page_hash(p->base, m->nbuckets);
	p->next = m->buckets[h];
	m->buckets[h] = p;
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
	struct gl_page *p = malloc(sizeof(*p));
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
		uint64_t base = first + known * GL_PAGE_SIZE;
		insert_page(m, base, NULL);
		struct gl_page *p = page_find(m, base);
		unsigned char byte;
		/* (a byte the executable holds may still read: not known bad) */
		if (p && readable != GL_NREAD_UNKNOWN &&
		    !(m->file_fallback && m->file_fallback(m->file_fallback_arg, first + readable, &byte, 1))) {
			p->bad_at_known = true;
			p->bad_at = first + readable;
		}
		return;
	}
	/* Failed without saying where: bisect. */
	fetch_halves(m, first, n);
}

/* Partial pages at the edge of a mapping (a page only partly readable, as
 * in some core files) are read directly, uncached. */
static struct gl_error *read_direct(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	uint64_t readable;
	if (backend_read(m, addr, buf, len, &readable) == len)
		return NULL;
	uint64_t fault = addr + (readable == GL_NREAD_UNKNOWN ? 0 : readable);
	return gl_error_fault(fault, "cannot read memory at 0x%llx", (unsigned long long)fault);
}

struct gl_error *gl_mem_read(struct gl_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	if (!m->be || !m->be->read_memory)
		return gl_error_create(GL_ERR_NOPROCESS, "no process");
	if (len == 0)
		return NULL;
	if (addr + (len - 1) < addr)
		return gl_error_fault(addr, "cannot read memory at 0x%llx", (unsigned long long)addr);
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
			return read_direct(m, addr, buf, len);
		if (p->bad && p->bad_at_known && lo <= p->bad_at && p->bad_at < hi) {
			/* the first unreadable byte of the request is known */
			return gl_error_fault(p->bad_at, "cannot read memory at 0x%llx",
					      (unsigned long long)p->bad_at);
		} else if (p->bad) {
			/* The page as a whole failed; the bytes we need may not. */
			struct gl_error *err = read_direct(m, lo, out + (lo - addr), hi - lo);
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

bool gl_mem_readable(struct gl_mem *m, uint64_t addr, uint64_t len)
{
	unsigned char b[64];
	if (len > sizeof(b))
		len = sizeof(b);
	struct gl_error *err = gl_mem_read(m, addr, b, len);
	bool ok = err == NULL;
	gl_error_destroy(err);
	return ok;
}
