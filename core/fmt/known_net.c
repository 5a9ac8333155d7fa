/* net.IP.String and net/netip.Addr.String without running target code.
 * An Addr's z says the family and zone: through unique.Handle's pointer to
 * an addrDetail{isV6, zoneV6} from Go 1.23, before that a *intern.Value
 * (nil: invalid; the package's z4 sentinel: IPv4; else its cmpVal, the
 * zone string, nil for no zone). */
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "fmt/format.h"
#include "fmt/known_impl.h"
#include "gotypes/rtype.h"

static void v4(const unsigned char *a, struct strbuf *sb)
{
	sb_addf(sb, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* Addr.string6 without the zone: the longest (first) run of two or more
 * zero groups as "::", the rest in lower-case hex. */
static void v6(const unsigned char *a, struct strbuf *sb)
{
	int zs = 255, ze = 255;
	for (int i = 0; i < 8; i++) {
		int j = i;
		while (j < 8 && !a[2 * j] && !a[2 * j + 1])
			j++;
		if (j - i >= 2 && j - i > ze - zs) {
			zs = i;
			ze = j;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == zs) {
			sb_add(sb, "::");
			i = ze;
			if (i >= 8)
				break;
		} else if (i > 0) {
			sb_addc(sb, ':');
		}
		sb_addf(sb, "%x", (unsigned)a[2 * i] << 8 | a[2 * i + 1]);
	}
}

static bool is_4in6(const unsigned char *a)
{
	static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return !memcmp(a, prefix, 12);
}

bool gl_known_ip(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	unsigned ps = gl_known_ptr_size(c);
	if (t->kind != GL_K_SLICE || !t->elem || t->elem->size != 1)
		return false;
	uint64_t p = gl_get_uint(b, ps), n = gl_get_uint(b + ps, ps);
	unsigned char a[GL_KNOWN_MAX_BYTES];
	if (n == 0) {
		sb_add(sb, "<nil>");
		return true;
	}
	if (n > sizeof(a) || !gl_known_read(c, p, a, n))
		return false;
	if (n == 4 || (n == 16 && is_4in6(a))) {
		v4(a + n - 4, sb);
	} else if (n == 16) {
		v6(a, sb);
	} else {
		sb_addc(sb, '?');
		for (uint64_t i = 0; i < n; i++)
			sb_addf(sb, "%02x", a[i]);
	}
	return true;
}

/* The family and zone of an Addr from z: 0 invalid, 4 or 6; zone and
 * zone_len a Go string (0, 0: none). */
static bool family(struct gl_ctx *c, const struct gl_field *z, const unsigned char *b, int *fam,
		   uint64_t *zone, uint64_t *zone_len)
{
	unsigned ps = gl_known_ptr_size(c);
	*zone = *zone_len = 0;
	const struct gl_type *zt = z->type;
	if (zt->kind == GL_K_STRUCT) { /* unique.Handle[addrDetail]{value *addrDetail} */
		const struct gl_field *v = gl_known_field(zt, "value", GL_K_POINTER);
		if (!v || !v->type->elem)
			return false;
		uint64_t p = gl_get_uint(b + z->offset + v->offset, ps);
		if (!p) {
			*fam = 0;
			return true;
		}
		const struct gl_type *dt = v->type->elem;
		const struct gl_field *is6 = gl_known_field(dt, "isV6", GL_K_BOOL);
		const struct gl_field *zn = gl_known_field(dt, "zoneV6", GL_K_STRING);
		unsigned char d[64];
		if (!is6 || !zn || dt->size > sizeof(d) || !gl_known_read(c, p, d, dt->size))
			return false;
		*fam = d[is6->offset] ? 6 : 4;
		*zone = gl_get_uint(d + zn->offset, ps);
		*zone_len = gl_get_uint(d + zn->offset + ps, ps);
		return true;
	}
	if (zt->kind != GL_K_POINTER || !zt->elem) /* *intern.Value (Go 1.22) */
		return false;
	uint64_t p = gl_get_uint(b + z->offset, ps);
	if (!p) {
		*fam = 0;
		return true;
	}
	uint64_t z4 = gl_known_global(c, "net/netip.z4");
	unsigned char z4v[8];
	if (!z4 || !gl_known_read(c, z4, z4v, ps))
		return false;
	if (p == gl_get_uint(z4v, ps)) {
		*fam = 4;
		return true;
	}
	*fam = 6;
	const struct gl_field *cv = gl_known_field(zt->elem, "cmpVal", GL_K_INTERFACE);
	unsigned char v[64], s[16];
	if (!cv || zt->elem->size > sizeof(v) || !gl_known_read(c, p, v, zt->elem->size))
		return false;
	if (!gl_get_uint(v + cv->offset, ps))
		return true; /* z6noz */
	uint64_t tp;
	const struct gl_type *dyn = gl_iface_dynamic_type(c, cv->type, v + cv->offset, &tp);
	if (!dyn || dyn->kind != GL_K_STRING || !gl_known_read(c, gl_get_uint(v + cv->offset + ps, ps), s, 2 * ps))
		return false;
	*zone = gl_get_uint(s, ps);
	*zone_len = gl_get_uint(s + ps, ps);
	return true;
}

bool gl_known_netip(struct gl_ctx *c, const struct gl_type *t, const unsigned char *b, struct strbuf *sb)
{
	const struct gl_field *addr = gl_known_field(t, "addr", GL_K_STRUCT);
	const struct gl_field *z = gl_known_field(t, "z", GL_K_INVALID);
	int64_t hi, lo;
	int fam;
	uint64_t zone, zone_len;
	if (!addr || !z || !gl_known_int(addr->type, b + addr->offset, "hi", &hi) ||
	    !gl_known_int(addr->type, b + addr->offset, "lo", &lo) || !family(c, z, b, &fam, &zone, &zone_len))
		return false;
	unsigned char a[16];
	for (int i = 0; i < 8; i++) { /* hi and lo are the address, big-endian */
		a[i] = (unsigned char)((uint64_t)hi >> (56 - 8 * i));
		a[8 + i] = (unsigned char)((uint64_t)lo >> (56 - 8 * i));
	}
	if (fam == 0) {
		sb_add(sb, "invalid IP");
		return true;
	}
	if (fam == 4) {
		v4(a + 12, sb);
		return true;
	}
	if (is_4in6(a)) {
		sb_add(sb, "::ffff:");
		v4(a + 12, sb);
	} else {
		v6(a, sb);
	}
	if (zone_len) {
		sb_addc(sb, '%');
		gl_format_string(c, zone, zone_len, sb);
	}
	return true;
}
