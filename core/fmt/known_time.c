/* time.Time.String without running target code: the instant (wall and ext,
 * with or without the monotonic bit) in its location, found as
 * Time.locabs and Location.lookup find it (loc nil is UTC; otherwise the
 * Location's cached zone, or its zone and transition tables, searched
 * with a bounded number of reads), then the monotonic clock reading. */
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"

#define NSEC_SHIFT 30
#define NSEC_MASK ((1ull << NSEC_SHIFT) - 1)
#define HAS_MONOTONIC (1ull << 63)
#define DAY 86400LL
/* Seconds from January 1 of year 1 to that of 1885 (the monotonic wall's
 * epoch) and of 1970 (Unix): Go's wallToInternal and unixToInternal. */
#define YEARS_TO(y) (((y) * 365LL + (y) / 4 - (y) / 100 + (y) / 400) * DAY)
#define WALL_TO_INTERNAL YEARS_TO(1884)
#define UNIX_TO_INTERNAL YEARS_TO(1969)
/* Longest zone table golayout searches (real ones hold a few hundred). */
#define MAX_ZONE_ENTRIES (1 << 16)
/* Largest zone offset taken from memory (real ones are under a day). */
#define MAX_OFFSET (7 * DAY)

/* A zone as Location.lookup answers: its name (a Go string) and offset;
 * utc: a Location without zones, which lookup names "UTC". */
struct zone {
	uint64_t name, name_len;
	int64_t offset;
	bool utc;
};

/* A slice field of the Location l: its array, length and element type. */
struct table {
	uint64_t array, len;
	const struct gl_type *elem;
};

static bool table_of(struct gl_ctx *c, const struct gl_type *lt, const unsigned char *l, const char *name,
		     struct table *out)
{
	const struct gl_field *f = gl_known_field(lt, name, GL_K_SLICE);
	unsigned ps = gl_known_ptr_size(c);
	if (!f || !f->type->elem || !f->type->elem->size || f->type->size < 2 * ps)
		return false;
	out->array = gl_get_uint(l + f->offset, ps);
	out->len = gl_get_uint(l + f->offset + ps, ps);
	out->elem = f->type->elem;
	return out->len <= MAX_ZONE_ENTRIES;
}

/* Element i of a table, read into buf (of at least 64 bytes). */
static bool entry(struct gl_ctx *c, const struct table *tb, uint64_t i, unsigned char *buf)
{
	return tb->elem->size <= 64 && i < tb->len && gl_known_read(c, tb->array + i * tb->elem->size, buf, tb->elem->size);
}

static bool zone_at(struct gl_ctx *c, const struct gl_type *zt, uint64_t addr, struct zone *z)
{
	unsigned char buf[64];
	z->utc = false;
	const struct gl_field *name = gl_known_field(zt, "name", GL_K_STRING);
	unsigned ps = gl_known_ptr_size(c);
	if (!name || zt->size > sizeof(buf) || !gl_known_read(c, addr, buf, zt->size) ||
	    !gl_known_int(zt, buf, "offset", &z->offset))
		return false;
	z->name = gl_get_uint(buf + name->offset, ps);
	z->name_len = gl_get_uint(buf + name->offset + ps, ps);
	return true;
}

static bool tx_at(struct gl_ctx *c, const struct table *tx, uint64_t i, int64_t *when, int64_t *index)
{
	unsigned char buf[64];
	return entry(c, tx, i, buf) && gl_known_int(tx->elem, buf, "when", when) &&
	       gl_known_int(tx->elem, buf, "index", index);
}

static bool is_dst(struct gl_ctx *c, const struct table *zones, uint64_t i, bool *dst)
{
	unsigned char buf[64];
	int64_t v;
	if (!entry(c, zones, i, buf) || !gl_known_int(zones->elem, buf, "isDST", &v)) {
		const struct gl_field *f = gl_known_field(zones->elem, "isDST", GL_K_BOOL);
		if (!f || !entry(c, zones, i, buf))
			return false;
		v = buf[f->offset];
	}
	*dst = v != 0;
	return true;
}

/* Location.lookupFirstZone: the zone of times before the first transition. */
static bool first_zone(struct gl_ctx *c, const struct table *zones, const struct table *tx, uint64_t *zi)
{
	int64_t when, index;
	bool used = false, dst;
	for (uint64_t i = 0; i < tx->len && !used; i++) {
		if (gl_interrupted(c) || !tx_at(c, tx, i, &when, &index))
			return false;
		used = index == 0;
	}
	*zi = 0;
	if (!used)
		return true;
	if (tx->len > 0 && tx_at(c, tx, 0, &when, &index) && is_dst(c, zones, (uint64_t)index, &dst) && dst) {
		for (int64_t i = index - 1; i >= 0; i--) {
			if (!is_dst(c, zones, (uint64_t)i, &dst))
				return false;
			if (!dst) {
				*zi = (uint64_t)i;
				return true;
			}
		}
	}
	for (uint64_t i = 0; i < zones->len; i++) {
		if (!is_dst(c, zones, i, &dst))
			return false;
		if (!dst) {
			*zi = i;
			return true;
		}
	}
	return true;
}

/* Location.lookup(sec) for the Location at addr; false where Go would
 * evaluate the location's POSIX TZ rule (after its last transition),
 * which golayout does not. */
static bool lookup(struct gl_ctx *c, const struct gl_type *lt, uint64_t addr, int64_t sec, struct zone *z)
{
	bool ok = false;
	unsigned char *l = gl_known_load(c, lt, addr);
	struct table zones, tx;
	if (!l || !table_of(c, lt, l, "zone", &zones) || !table_of(c, lt, l, "tx", &tx))
		goto out;
	int64_t start, end;
	const struct gl_field *cz = gl_known_field(lt, "cacheZone", GL_K_POINTER);
	unsigned ps = gl_known_ptr_size(c);
	uint64_t cache = cz ? gl_get_uint(l + cz->offset, ps) : 0;
	if (cache && gl_known_int(lt, l, "cacheStart", &start) && gl_known_int(lt, l, "cacheEnd", &end) &&
	    start <= sec && sec < end) {
		ok = zone_at(c, cz->type->elem, cache, z);
		goto out;
	}
	if (zones.len == 0) {
		*z = (struct zone){0, 0, 0, true};
		ok = true;
		goto out;
	}
	int64_t when, index;
	uint64_t zi;
	if (tx.len == 0 || (tx_at(c, &tx, 0, &when, &index) && sec < when)) {
		ok = first_zone(c, &zones, &tx, &zi) && zone_at(c, zones.elem, zones.array + zi * zones.elem->size, z);
		goto out;
	}
	uint64_t lo = 0, hi = tx.len;
	while (hi - lo > 1) { /* the last transition at or before sec */
		uint64_t m = lo + (hi - lo) / 2;
		if (!tx_at(c, &tx, m, &when, &index))
			goto out;
		if (sec < when)
			hi = m;
		else
			lo = m;
	}
	const struct gl_field *ext = gl_known_field(lt, "extend", GL_K_STRING);
	if (lo == tx.len - 1 && (!ext || gl_get_uint(l + ext->offset + ps, ps) != 0))
		goto out;
	ok = tx_at(c, &tx, lo, &when, &index) && index >= 0 && (uint64_t)index < zones.len &&
	     zone_at(c, zones.elem, zones.array + (uint64_t)index * zones.elem->size, z);
out:
	free(l);
	return ok;
}

/* Go's appendInt: x with at least width digits. */
static void put_int(struct strbuf *sb, int64_t x, int width)
{
	char buf[24];
	int n = 0;
	uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	do {
		buf[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		sb_addc(sb, '-');
	for (int i = n; i < width; i++)
		sb_addc(sb, '0');
	while (n)
		sb_addc(sb, buf[--n]);
}

/* Year, month and day of a day number counted from 1970-01-01 (the
 * proleptic Gregorian calendar, as Go's). */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	days += 719468; /* from 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Format("2006-01-02 15:04:05.999999999 -0700 MST") of unix second sec
 * and nanosecond ns in zone z (no name: UTC when utc, else the offset). */
static void format(struct gl_ctx *c, int64_t sec, int64_t ns, const struct zone *z, bool utc, struct strbuf *sb)
{
	int64_t local = sec + z->offset, y;
	int64_t days = local / DAY - (local % DAY < 0), secs = local - days * DAY;
	int m, d;
	civil(days, &y, &m, &d);
	put_int(sb, y, 4);
	sb_addc(sb, '-');
	put_int(sb, m, 2);
	sb_addc(sb, '-');
	put_int(sb, d, 2);
	sb_addc(sb, ' ');
	put_int(sb, secs / 3600, 2);
	sb_addc(sb, ':');
	put_int(sb, secs / 60 % 60, 2);
	sb_addc(sb, ':');
	put_int(sb, secs % 60, 2);
	if (ns) {
		char frac[10];
		int n = 9;
		for (int i = 8; i >= 0; i--, ns /= 10)
			frac[i] = (char)('0' + ns % 10);
		while (frac[n - 1] == '0')
			n--;
		sb_addc(sb, '.');
		sb_addn(sb, frac, (size_t)n);
	}
	for (int named = 0; named < 2; named++) { /* -0700, then MST */
		sb_addc(sb, ' ');
		if (named && utc) {
			sb_add(sb, "UTC");
		} else if (named && z->name_len) {
			gl_format_string(c, z->name, z->name_len, sb);
		} else {
			int64_t zone = z->offset / 60;
			sb_addc(sb, zone < 0 ? '-' : '+');
			zone = zone < 0 ? -zone : zone;
			put_int(sb, zone / 60, 2);
			put_int(sb, zone % 60, 2);
		}
	}
}

/* " m=±s.nnnnnnnnn", the monotonic reading ext. */
static void monotonic(int64_t ext, struct strbuf *sb)
{
	uint64_t m2 = ext < 0 ? (uint64_t)0 - (uint64_t)ext : (uint64_t)ext;
	uint64_t m1 = m2 / 1000000000, m0 = m1 / 1000000000;
	m2 %= 1000000000;
	m1 %= 1000000000;
	sb_add(sb, " m=");
	sb_addc(sb, ext < 0 ? '-' : '+');
	if (m0)
		put_int(sb, (int64_t)m0, 0);
	put_int(sb, (int64_t)m1, m0 ? 9 : 0);
	sb_addc(sb, '.');
	put_int(sb, (int64_t)m2, 9);
}

bool gl_known_time(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	int64_t wall_s, ext;
	const struct gl_field *loc = gl_known_field(t, "loc", GL_K_POINTER);
	if (!loc || !loc->type->elem || !gl_known_int(t, b, "wall", &wall_s) || !gl_known_int(t, b, "ext", &ext))
		return false;
	uint64_t wall = (uint64_t)wall_s;
	int64_t sec;
	if (wall & HAS_MONOTONIC) {
		sec = WALL_TO_INTERNAL + (int64_t)(wall << 1 >> (NSEC_SHIFT + 1));
	} else {
		/* (times beyond a few hundred billion years are left to fmt) */
		if (ext > INT64_MAX / 4 || ext < INT64_MIN / 4)
			return false;
		sec = ext;
	}
	sec -= UNIX_TO_INTERNAL;
	uint64_t l = gl_get_uint(b + loc->offset, gl_known_ptr_size(c));
	struct zone z = {0, 0, 0, true};
	bool utc = !l || l == gl_known_global(c, "time.utcLoc");
	if (!utc && (!lookup(c, loc->type->elem, l, sec, &z) || z.offset > MAX_OFFSET || z.offset < -MAX_OFFSET))
		return false;
	format(c, sec, (int64_t)(wall & NSEC_MASK), &z, z.utc, sb);
	if (wall & HAS_MONOTONIC)
		monotonic(ext, sb);
	return true;
}
