"""Checks on the `maps` fixture: `golayout map` and `golayout value` of maps,
against what the program itself says (tests/fixtures/maps: fmt %v of every
entry, len, and the runtime header read through unsafe).

Checked for each map: type, count, address, nil, impl (classic or swiss, as
the configuration and the program itself say), every entry (as a multiset,
and in fmt's order), the header fields against unsafe, the swiss directory
and tables, tombstones / emptyOne cells, growth (classic) and the first
table split (swiss); then --summary, --all, --limit, --group/--bucket,
`golayout value` of maps against fmt's %v, errors on non-maps, and bounds on
the number of memory reads for a 1000- and a 100000-entry map.

One debugger session per binary and debugger, as for every module (about 60
commands each; the module adds 40 sessions, about 20 s of wall time on 2
cores with 2 jobs). The commands that bound the number of memory reads come
first, while golayout's page cache (kept for as long as the process stays
stopped) is still cold. Locals may be optimized away in the optimized
build (an "error" is accepted there, and only for locals).
"""

import dataclasses
import json
import tempfile
from collections import Counter
from pathlib import Path

import harness

from harness import Case, diff, no_error, check_error, select_frame, check_unavailable

FIXTURE = "maps"

# Reads of target memory (calls to the debugger's read-memory function) one
# `golayout map --json` may make, with a cold page cache (golayout keeps its
# 4 KiB pages for as long as the process stays stopped, so these commands
# come first in the session). A request for several adjacent pages that are
# not cached yet is one read, so the count follows the number of separate
# heap objects and pages visited, not the number of entries.
#
# 1000-entry map[string]int (gBig): measured 8 to 9 on every swiss
# configuration (header, directory, 2 tables, their 2 group arrays of 25 KiB,
# then the key strings, which sit together in a few spans) and 5 to 7 on
# every classic one (the 256-bucket array, a few overflow buckets, the key
# strings), in both debuggers. 64 leaves room for another allocation pattern of the runtime
# and still fails on anything per entry (1000) or per bucket/group (256).
READS_1000 = 64


def reads_huge_bound(truth_map, impl, bucket_size):
    """Bound for the 100000-entry map[int]int (gHuge), from its own header.
    Swiss: 128 tables of 1024 slots; each table (in shared small-object
    spans) and its 17 KiB group array are separate objects: about one read
    per table plus the directory; measured 131-132 on every swiss
    configuration. Bound: 2 per table + 16 (272).
    Classic: 2^14 buckets (2.3 MB, one read) and ~2700 overflow buckets of
    bucket_size bytes (144 on amd64); these sit packed in spans, but the walk visits them in bucket
    order, not in allocation order, so each 4 KiB page of them costs about
    one read: ~95 pages, measured 93-100. Bound: 2 per page of overflow
    buckets (noverflow is exact below B=16) + 32 (about 220)."""
    h = truth_map["header"]
    if impl == "swiss":
        return 2 * len(h["tables"]) + 16
    return 2 * -(-h["noverflow"] * bucket_size // 4096) + 32


# ------------------------------------------------------------- helpers

def find_map(truth, name):
    return next(m for m in truth["maps"] if m["name"] == name)


def as_int(v):
    """A header value as golayout prints it ("42", "0x2a") as an int."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v
    try:
        return int(str(v), 0)
    except ValueError:
        return v


def hexaddr(n):
    return None if not n else f"0x{n:x}"


def header_values(doc):
    return {f.get("name"): f.get("value") for f in doc.get("header") or []}


def entry_pairs(doc):
    return [(e.get("key"), e.get("value")) for e in doc.get("entries") or []]


def compare_entries(p, doc, m):
    """Entries as a multiset equal to the truth; also in fmt's order where
    the fixture knows it (all key kinds but interfaces)."""
    got = entry_pairs(doc)
    want = [tuple(e) for e in m["entries"]]
    if Counter(got) != Counter(want):
        missing = list((Counter(want) - Counter(got)).elements())
        extra = list((Counter(got) - Counter(want)).elements())
        p.append(f"entries: {len(got)} got, {len(want)} want; missing {missing[:5]!r}"
                 f"{' ...' if len(missing) > 5 else ''}; unexpected {extra[:5]!r}"
                 f"{' ...' if len(extra) > 5 else ''}")
    elif m.get("sorted") and [k for k, _ in got] != [k for k, _ in want]:
        # Keys only: entries with equal keys (NaN) come in any order.
        i = next(i for i, (a, b) in enumerate(zip(got, want)) if a[0] != b[0])
        p.append(f"entries: not in fmt's order: entry {i} has key {got[i][0][:40]!r}, "
                 f"want {want[i][0][:40]!r}")
    diff(p, "entries_truncated", doc.get("entries_truncated"), False)


def unavailable(doc, ctx, m):
    """In an optimized build a local may be optimized away: an error there,
    and only there, is checked by check_unavailable (error_code and the
    DWARF location list at the frame's PC); None when that does not apply."""
    if ctx.opt and m["kind"] == "local" and doc.get("error") is not None:
        return check_unavailable(doc, ctx, m["name"])
    return None


def check_header(p, doc, m, ctx, summary=False):
    """Header fields, and the swiss directory and tables (not drawn with
    --summary)."""
    h, hv = m["header"], header_values(doc)
    if ctx.truth["map_impl"] == "classic":
        for k in ("count", "flags", "B", "noverflow", "nevacuate"):
            diff(p, f"header {k}", as_int(hv.get(k)), h[k])
        diff(p, "header buckets", as_int(hv.get("buckets")), h["buckets"])
        diff(p, "header oldbuckets", as_int(hv.get("oldbuckets")), h["oldbuckets"])
        diff(p, "B", doc.get("B"), h["B"])
        diff(p, "nbuckets", doc.get("nbuckets"), 1 << h["B"])
        diff(p, "growing", doc.get("growing"), h["growing"])
        if h["growing"]:
            diff(p, "oldbuckets", as_int(doc.get("oldbuckets")), h["oldbuckets"])
            diff(p, "nevacuate", doc.get("nevacuate"), h["nevacuate"])
        return
    for k in ("used", "dirLen", "globalDepth", "globalShift"):
        diff(p, f"header {k}", as_int(hv.get(k)), h[k])
    diff(p, "header dirPtr", as_int(hv.get("dirPtr")), h["dirPtr"])
    diff(p, "small", doc.get("small"), h["dirLen"] == 0)
    want_layout = "split" if "mapsplitgroup" in ctx.cfg.experiment.split(",") else "interleaved"
    diff(p, "groups_layout", doc.get("groups_layout"), want_layout)
    if h["dirLen"] == 0 or summary:
        return
    d = doc.get("directory") or {}
    diff(p, "directory address", as_int(d.get("address")), h["dirPtr"])
    diff(p, "directory len", d.get("len"), h["dirLen"])
    diff(p, "directory global_depth", d.get("global_depth"), h["globalDepth"])
    keys = ("used", "capacity", "growth_left", "local_depth", "index", "ngroups", "dir_first")
    got = {as_int(t.get("address")): {k: t.get(k) for k in keys + ("groups_address",)}
           for t in doc.get("tables") or []}
    want = {t["address"]: {k: t[k] for k in keys} for t in h["tables"]}
    for t in h["tables"]:
        want[t["address"]]["groups_address"] = hexaddr(t["groups_address"])
    if set(got) != set(want):
        p.append(f"tables: got {sorted(hex(a) for a in got if a)}, "
                 f"want {sorted(hex(a) for a in want)}")
    for a in set(got) & set(want):
        g = dict(got[a], groups_address=hexaddr(as_int(got[a]["groups_address"])))
        if g != want[a]:
            p.append(f"table {a:#x}: got {g!r}, want {want[a]!r}")


def check_summary(p, doc, m, ctx):
    s = doc.get("summary")
    if not isinstance(s, dict):
        p.append(f'no "summary" object: {s!r}')
        return
    diff(p, "summary entries", s.get("entries"), m["len"])
    h = m["header"]
    if ctx.truth["map_impl"] == "swiss":
        diff(p, "summary tombstones", s.get("tombstones"), m["tombstones"])
        diff(p, "summary tables", s.get("tables"), len(h["tables"]))
    elif "empty_one" in h:
        diff(p, "summary empty_one", s.get("empty_one"), h["empty_one"])
    if m["role"] == "deleted":
        k = "tombstones" if ctx.truth["map_impl"] == "swiss" else "empty_one"
        if not (isinstance(s.get(k), int) and s[k] > 0):
            p.append(f"summary {k}: got {s.get(k)!r}, want > 0 (100 inserted, 34 deleted)")


def check_map(name, summary=False):
    """`golayout map NAME [--summary] --json` against the truth of map NAME."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        u = unavailable(doc, ctx, m)
        if u is not None:
            return u
        if not no_error(doc, p):
            return p
        diff(p, "kind", doc.get("kind"), "map")
        diff(p, "type", doc.get("type"), m["type"])
        diff(p, "count", doc.get("count"), m["len"])
        if m["nil"]:
            diff(p, "nil", doc.get("nil"), True)
            diff(p, "address", doc.get("address"), None)
            if not summary:
                diff(p, "entries", doc.get("entries"), [])
            return p
        diff(p, "nil", bool(doc.get("nil")), False)
        diff(p, "address", as_int(doc.get("address")), m["address"])
        diff(p, "impl", doc.get("impl"), ctx.cfg.map_impl)
        diff(p, "impl (the program's own)", doc.get("impl"), ctx.truth["map_impl"])
        check_header(p, doc, m, ctx, summary)
        check_summary(p, doc, m, ctx)
        if summary:
            if doc.get("entries"):
                p.append("--summary listed entries")
        else:
            compare_entries(p, doc, m)
        impl = ctx.truth["map_impl"]
        if m["role"] == "grow" and impl == "classic":
            diff(p, "growing", doc.get("growing"), True)
            if as_int(doc.get("oldbuckets")) in (None, 0):
                p.append(f"oldbuckets: {doc.get('oldbuckets')!r}, want non-null while growing")
        if m["role"] == "split" and impl == "swiss" and not summary:
            d = doc.get("directory") or {}
            diff(p, "directory len", d.get("len"), 2)
            addrs = {t.get("address") for t in doc.get("tables") or []}
            if len(addrs) != 2 or len(set(d.get("slots") or [])) != 2:
                p.append(f"want 2 distinct tables: tables {sorted(map(str, addrs))}, "
                         f"slots {d.get('slots')!r}")
        if m["role"] == "empty":
            diff(p, "entries", doc.get("entries", []), [])
        return p
    return check


def check_reads(p, doc, bound, what):
    r = doc.get("backend_reads")
    if not isinstance(r, int):
        p.append(f"backend_reads: {r!r} is not a number")
    elif r > bound:
        p.append(f"backend_reads: {r} > {bound} ({what})")
    else:
        p.append(f"note: {r} reads (bound {bound})")


def check_big_reads(name):
    """The 1000-entry map, first map command of the session: full check and
    the read bound."""
    full = check_map(name)

    def check(doc, ctx):
        p = full(doc, ctx)
        check_reads(p, doc, READS_1000, "1000 entries, cold cache")
        return p
    return check


def check_huge(name):
    """The 100000-entry map: count, every key once, sums of keys and of
    values, a sample of entries, and the read bound."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        diff(p, "type", doc.get("type"), m["type"])
        diff(p, "count", doc.get("count"), m["len"])
        diff(p, "impl", doc.get("impl"), ctx.cfg.map_impl)
        check_header(p, doc, m, ctx)
        check_summary(p, doc, m, ctx)
        ents = entry_pairs(doc)
        diff(p, "len(entries)", len(ents), m["len"])
        diff(p, "entries_truncated", doc.get("entries_truncated"), False)
        try:
            keys = [int(k) for k, _ in ents]
            vals = [int(v) for _, v in ents]
        except (TypeError, ValueError) as e:
            p.append(f"entries: not integers ({e})")
            return p
        diff(p, "distinct keys", len(set(keys)), m["len"])
        diff(p, "sum of keys", sum(keys), m["key_sum"])
        diff(p, "sum of values", sum(vals), m["val_sum"])
        if keys != sorted(keys):
            p.append("entries: not in fmt's order (ascending keys)")
        have = dict(ents)
        for k, v in m["sample"]:
            diff(p, f"entry {k}", have.get(k), v)
        check_reads(p, doc, reads_huge_bound(m, ctx.truth["map_impl"], ctx.truth["int_bucket_size"]),
                    "100000 entries, cold cache")
        return p
    return check


def check_limit(name, n):
    """--limit N: N entries, entries_truncated, at most N buckets/groups."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        diff(p, "count", doc.get("count"), m["len"])
        ents = entry_pairs(doc)
        diff(p, "len(entries)", len(ents), n)
        diff(p, "entries_truncated", doc.get("entries_truncated"), True)
        want = Counter(tuple(e) for e in m["entries"])
        if Counter(ents) - want:
            p.append(f"entries not in the map: {list(Counter(ents) - want)!r}")
        shown = doc.get("groups_shown", doc.get("buckets_shown"))
        if not isinstance(shown, int) or shown > n:
            p.append(f"groups/buckets shown: {shown!r}, want <= {n}")
        return p
    return check


def check_all(name):
    """--all: every bucket/group drawn; each drawn slot/cell that is full
    holds an entry of the map (and as many as the map has)."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        want = Counter(tuple(e) for e in m["entries"])
        drawn = Counter()
        if ctx.truth["map_impl"] == "swiss":
            # every group of every table (a small map: its one group), from
            # the program's own header, not from golayout's groups_total
            h = m["header"]
            ngroups = 1 if h["dirLen"] == 0 else sum(t["ngroups"] for t in h["tables"])
            diff(p, "groups_total", doc.get("groups_total"), ngroups)
            diff(p, "groups_shown", doc.get("groups_shown"), ngroups)
            for t in doc.get("tables") or []:
                for g in t.get("groups") or []:
                    for s in g.get("slots") or []:
                        if s.get("state") == "full":
                            drawn[(s.get("key"), s.get("value"))] += 1
        else:
            nbuckets = 1 << m["header"]["B"]  # the program's own B
            diff(p, "buckets_total", doc.get("buckets_total"), nbuckets)
            diff(p, "buckets_shown", doc.get("buckets_shown"), nbuckets)
            for b in (doc.get("buckets") or []) + (doc.get("old_buckets") or []):
                if b.get("evacuated"):
                    continue  # its cells moved to the new buckets
                for link in b.get("chain") or []:
                    for c in link.get("cells") or []:
                        if c.get("state") == "full":
                            drawn[(c.get("key"), c.get("value"))] += 1
        if drawn != want:
            p.append(f"full slots drawn: {sum(drawn.values())}, entries {m['len']}; "
                     f"missing {list((want - drawn).elements())[:5]!r}, "
                     f"unexpected {list((drawn - want).elements())[:5]!r}")
        return p
    return check


def diff_text(p, what, got, want):
    """Like diff, but a long text is reported at its first difference."""
    if got == want:
        return
    if not isinstance(got, str) or len(want) < 200:
        diff(p, what, got, want)
        return
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    lo = max(0, i - 60)
    p.append(f"{what}: {len(got)} chars, want {len(want)}; first difference at {i}: "
             f"got ...{got[lo:i + 60]!r}..., want ...{want[lo:i + 60]!r}...")


def check_one(name, i):
    """--group I (swiss) / --bucket I (classic) on a map[int]int: only that
    group or bucket is drawn, at its address. Sizes of map[int]int as the
    fixture computes them for its GOARCH: a swiss group is 8 control bytes
    + 8 key/elem slots (both group layouts), a classic bucket 8 tophash
    bytes + 8 keys + 8 elems + the overflow pointer."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        h = m["header"]
        if ctx.truth["map_impl"] == "swiss":
            gs = ctx.truth["int_group_size"]
            diff(p, "group_size", doc.get("group_size"), gs)
            diff(p, "groups_shown", doc.get("groups_shown"), 1)
            drawn = [(t.get("address"), g) for t in doc.get("tables") or []
                     for g in t.get("groups") or []]
            if len(drawn) != 1:
                return p + [f"{len(drawn)} groups drawn, want 1"]
            table, g = drawn[0]
            # Group indexes run on over the tables in directory order.
            first = h["tables"][0]
            diff(p, "table of the group", as_int(table), first["address"])
            diff(p, "group index", g.get("index"), i)
            diff(p, "group address", as_int(g.get("address")), first["groups_address"] + i * gs)
            return p
        bs = ctx.truth["int_bucket_size"]
        diff(p, "bucket_size", doc.get("bucket_size"), bs)
        diff(p, "buckets_shown", doc.get("buckets_shown"), 1)
        for key, base in (("buckets", h["buckets"]), ("old_buckets", h["oldbuckets"])):
            got = [(b.get("index"), as_int(b.get("address"))) for b in doc.get(key) or []]
            diff(p, key, got, [(i, base + i * bs)] if base else [])
        return p
    return check


def check_map_value(name):
    """`golayout value` of a map: type and fmt's %v text."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        u = unavailable(doc, ctx, m)
        if u is not None:
            return u
        if no_error(doc, p):
            diff(p, "kind", doc.get("kind"), "value")
            diff(p, "type", doc.get("type"), m["type"])
            diff_text(p, "value", doc.get("value"), m["value"])
        return p
    return check


def go_key(m, key):
    """The Go literal of a key of map m (as its %v text), or None when the
    key type has none golayout's expressions take, or the text cannot ride
    in single quotes."""
    if m["type"].startswith("map[string]"):
        out = ""
        for ch in key:
            if ch == "'":
                return None
            if ch in '"\\':
                out += "\\" + ch
            elif ord(ch) < 0x20 or ord(ch) == 0x7f:
                out += f"\\x{ord(ch):02x}"
            else:
                out += ch
        return '"' + out + '"'
    if m["type"].split("]")[0] in ("map[int", "map[int64", "map[int32", "map[uint64"):
        return key
    return None


def check_index(name, key, want):
    """`golayout value 'm[KEY]'`: the element stored under KEY, as Go's
    own %v of m[KEY] (want; None: KEY is not in the map)."""
    def check(doc, ctx):
        p = []
        if want is None:
            err = doc.get("error") or ""
            if "not a key" not in err:
                p.append(f"a missing key: error {err!r}, want 'not a key of the map'")
            return p
        if no_error(doc, p):
            diff(p, "where", doc.get("where"), "map element")
            diff_text(p, "value", doc.get("value"), want)
        return p
    return check


def index_cases(m):
    """Look-ups of a few of m's entries, and of a key it does not hold."""
    # (an entry's value is spelled as inside the map: a pointer to a
    # struct is its address there, &{...} as m[k]'s own value; those are
    # left to the map checks)
    entries = [e for e in m.get("entries") or [tuple(e) for e in m.get("sample") or []]
               if not str(e[1]).startswith("0x")]
    picks = [entries[i] for i in sorted({0, len(entries) // 2, len(entries) - 1})] if entries else []
    cs = []
    for key, value in picks:
        lit = go_key(m, key)
        if lit is not None:
            cs.append(Case(f"value {m['name']}[{key!r}]", f"golayout value '{m['name']}[{lit}]' --json",
                           check_index(m["name"], key, value)))
    missing = go_key(m, "no such key" if m["type"].startswith("map[string]") else "-987654321")
    if missing is not None and entries:
        cs.append(Case(f"value {m['name']}[missing key]", f"golayout value '{m['name']}[{missing}]' --json",
                       check_index(m["name"], None, None)))
    return cs


# --------------------------------------------------- hashes and lookups
#
# The fixture records, for every key, the hash the runtime itself computes
# (the map type's Hasher with the map's seed). golayout computes hashes in
# software from the process's keys (aeskeysched / hashkey); these checks
# compare them key by key, then check from the runtime's hash alone (not
# golayout's) that each entry sits where the runtime's lookup goes:
# classic, its home bucket hash & (2^B-1) (or, while growing, its old
# bucket) and tophash; swiss, H2 in its control byte, the table of
# directory slot hash >> globalShift, and a group on the probe sequence
# from H1 & (groups-1) with no group holding an empty slot before it.

MIN_TOP_HASH = 5  # runtime.minTopHash, the same in every classic release

# The architectures golayout hashes for (their runtime's AES hash and its
# fallback): everything the fixtures are built for.
HASHED_GOARCH = ("amd64", "386", "arm64")


def tophash(truth, h):
    """runtime.tophash: the top byte of the uintptr hash h."""
    top = h >> (24 if truth.get("goarch") in ("386", "arm") else 56)
    return top + MIN_TOP_HASH if top < MIN_TOP_HASH else top


def truth_hashes(m):
    """{key %v: [runtime hashes as ints, or None for a NaN key]}."""
    out = {}
    keys = [k for k, _ in (m.get("entries") or m.get("sample") or [])]
    for k, h in zip(keys, m.get("hashes") or []):
        out.setdefault(k, []).append(None if h == "random" else int(h, 16))
    return out


def probe_position(h, mask, group):
    """1 + the place of group in the probe sequence of hash h over
    mask+1 groups (internal/runtime/maps probeSeq), or None."""
    off = (h >> 7) & mask
    for i in range(mask + 1):
        if off == group:
            return i + 1
        off = (off + i + 1) & mask
    return None


def probe_groups(h, mask, n):
    off, seq = (h >> 7) & mask, []
    for i in range(n):
        seq.append(off)
        off = (off + i + 1) & mask
    return seq


def drawn_slots(doc, impl):
    """Every full slot golayout drew: (slot, where), where is
    ("bucket", index, old) or ("group", table, index in table, group)."""
    out = []
    if impl == "classic":
        for key, old in (("buckets", False), ("old_buckets", True)):
            for b in doc.get(key) or []:
                if b.get("evacuated"):
                    continue
                for link in b.get("chain") or []:
                    for c in link.get("cells") or []:
                        if c.get("state") == "full":
                            out.append((c, ("bucket", b.get("index"), old)))
        return out
    for t in doc.get("tables") or []:
        groups = t.get("groups") or []
        for g in groups:
            gi = 0 if t.get("small_group") else \
                (as_int(g.get("address")) - as_int(t.get("groups_address"))) // doc.get("group_size", 1)
            for sl in g.get("slots") or []:
                if sl.get("state") == "full":
                    out.append((sl, ("group", t, gi, g)))
    return out


def check_hashes(name):
    """`golayout map NAME --hash --all --json`: each full slot's hash is the
    runtime's hash of its key, the slot is where that hash puts it, and
    the summary's probe lengths / home buckets count the same."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        u = unavailable(doc, ctx, m)
        if u is not None:
            return u
        if not no_error(doc, p) or m["nil"]:
            return p
        impl = ctx.truth["map_impl"]
        diff(p, "hash seed", as_int((doc.get("hash") or {}).get("seed")), as_int(m["seed"]))
        want = truth_hashes(m)
        slots = drawn_slots(doc, impl)
        diff(p, "full slots", len(slots), m["len"])
        h = m["header"]
        hist = [0] * 8
        home = {"in_home_bucket": 0, "in_overflow": 0, "in_old_bucket": 0}
        bad = 0
        for sl, where in slots:
            key = sl.get("key")
            if key not in want:
                p.append(f"slot key {key!r}: not a key of the map")
                continue
            th = want[key][0]
            if th is None:
                if not sl.get("hash_random"):
                    p.append(f"key {key!r} is a NaN: want hash_random, got {sl.get('hash')!r}")
                continue
            got = as_int(sl.get("hash"))
            if got != th:
                bad += 1
                if bad <= 3:
                    p.append(f"key {key[:40]!r}: hash {sl.get('hash')}, runtime {th:#018x}")
                continue
            if sl.get("misplaced"):
                p.append(f"key {key[:40]!r}: golayout says misplaced")
            if where[0] == "bucket":
                _, index, old = where
                nb = (doc.get("noldbuckets") if old else doc.get("nbuckets")) or 1
                diff(p, f"key {key[:30]!r} bucket", index, th & (nb - 1))
                diff(p, f"key {key[:30]!r} tophash", sl.get("tophash"), tophash(ctx.truth, th))
                continue
            _, t, gi, g = where
            diff(p, f"key {key[:30]!r} H2", as_int(sl.get("ctrl")), th & 0x7f)
            if t.get("small_group"):
                hist[0] += 1
                diff(p, f"key {key[:30]!r} probe", sl.get("probe"), 1)
                continue
            di = 0 if h["dirLen"] == 1 else th >> (h["globalShift"] & 63)
            owner = [x for x in h["tables"]
                     if x["dir_first"] <= di < x["dir_first"] + (1 << (h["globalDepth"] - x["local_depth"]))]
            if len(owner) != 1 or owner[0]["address"] != as_int(t.get("address")):
                p.append(f"key {key[:30]!r}: in table {t.get('address')}, directory slot {di} "
                         f"is table {[hex(x['address']) for x in owner]}")
                continue
            mask = owner[0]["ngroups"] - 1
            pos = probe_position(th, mask, gi)
            if pos is None:
                p.append(f"key {key[:30]!r}: group {gi} is not on its probe sequence")
                continue
            diff(p, f"key {key[:30]!r} probe", sl.get("probe"), pos)
            hist[min(pos, 8) - 1] += 1
            groups = {(as_int(x.get("address")) - as_int(t.get("groups_address"))) // doc["group_size"]: x
                      for x in t.get("groups") or []}
            for before in probe_groups(th, mask, pos - 1):
                gb = groups.get(before) or {}
                if any(x.get("state") == "empty" for x in gb.get("slots") or []):
                    p.append(f"key {key[:30]!r}: group {before} before its group has an empty slot")
        if bad > 3:
            p.append(f"... {bad} keys with another hash than the runtime's")
        s = doc.get("summary") or {}
        if impl == "swiss":
            diff(p, "summary probe_length_histogram", s.get("probe_length_histogram"), hist)
            diff(p, "summary misplaced", s.get("misplaced"), 0)
        else:
            for sl, where in slots:
                if where[2]:
                    home["in_old_bucket"] += 1
            got = s.get("home") or {}
            placed = sum(got.get(k, 0) for k in home)
            nan = sum(1 for v in want.values() for x in v if x is None)
            diff(p, "summary home: entries placed", placed, m["len"] - nan)
            diff(p, "summary home in_old_bucket", got.get("in_old_bucket"), home["in_old_bucket"])
            diff(p, "summary home misplaced", got.get("misplaced"), 0)
        return p
    return check


def key_literal(m, key):
    """A Go literal of key (its %v text) for golayout's --key, or None."""
    t = m["type"]
    if t.startswith("map[string]"):
        return go_key(m, key)
    if t.split("]")[0] in ("map[int", "map[int64", "map[int32", "map[int16", "map[uint8"):
        return key
    if t.startswith("map[float64]") or t.startswith("map[float32]"):
        return key if key not in ("NaN", "+Inf", "-Inf") else None
    if t.startswith("map[main.Pair]") and key.startswith("{") and "'" not in key:
        a, _, b = key[1:-1].partition(" ")
        return f'Pair{{A: {a}, B: "{b}"}}'
    return None


def check_key(name, key, value):
    """`golayout map NAME --key K`: the hash is the runtime's, and the
    lookup walks where the runtime's hash says (value None: K is not in
    the map, and an insert position or note is given)."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        lk = doc.get("lookup") or {}
        impl, h = ctx.truth["map_impl"], m["header"]
        if value is not None:
            th = truth_hashes(m)[key][0]
            diff(p, "hash", as_int(lk.get("hash")), th)
            diff(p, "found", lk.get("found"), True)
            diff(p, "value", lk.get("value"), value)
        else:
            th = as_int(lk.get("hash"))
            diff(p, "found", lk.get("found"), False)
            ins = lk.get("insert") or {}
            if "slot" not in ins and not ins.get("note"):
                p.append(f"not found: no insert position or note: {ins!r}")
        if th is None:
            return p + ["no hash"]
        probes = lk.get("probes") or []
        if impl == "classic":
            diff(p, "bucket", lk.get("bucket"), th & ((1 << h["B"]) - 1))
            diff(p, "tophash", lk.get("tophash"), tophash(ctx.truth, th))
            if probes:
                want_b = lk.get("old_bucket") if lk.get("growing") and not lk.get("old_evacuated") \
                    else lk.get("bucket")
                diff(p, "first probe bucket", probes[0].get("bucket"), want_b)
            return p
        diff(p, "h2", lk.get("h2"), th & 0x7f)
        if h["dirLen"] == 0:
            diff(p, "small", lk.get("small"), True)
            diff(p, "probes", len(probes), 1)
            return p
        di = 0 if h["dirLen"] == 1 else th >> (h["globalShift"] & 63)
        diff(p, "dir_index", lk.get("dir_index"), di)
        owner = [x for x in h["tables"]
                 if x["dir_first"] <= di < x["dir_first"] + (1 << (h["globalDepth"] - x["local_depth"]))]
        if len(owner) == 1:
            diff(p, "table", as_int(lk.get("table")), owner[0]["address"])
            mask = owner[0]["ngroups"] - 1
            diff(p, "probe sequence", [x.get("group") for x in probes], probe_groups(th, mask, len(probes)))
        return p
    return check


def key_cases(m):
    """--key on the first, middle and last entries of m, and a missing key."""
    entries = [tuple(e) for e in m.get("entries") or m.get("sample") or []]
    if not entries or m["nil"]:
        return []
    cs = []
    for key, value in [entries[i] for i in sorted({0, len(entries) // 2, len(entries) - 1})]:
        lit = key_literal(m, key)
        if lit is None or (m.get("hashes") and truth_hashes(m)[key][0] is None):
            continue
        cs.append(Case(f"map {m['name']} --key {lit[:30]}", f"golayout map {m['name']} --key '{lit}' --json",
                       check_key(m["name"], key, value)))
    t = m["type"]
    missing = '"no such key"' if t.startswith("map[string]") else \
        "-98" if t.split("]")[0] in ("map[int", "map[int64", "map[int32", "map[int16") else None
    if missing:
        cs.append(Case(f"map {m['name']} --key (missing)", f"golayout map {m['name']} --key '{missing}' --json",
                       check_key(m["name"], None, None)))
    return cs


def check_nan_key(doc, ctx):
    """--key NaN: no hash (the runtime's is random), never found."""
    p = []
    if no_error(doc, p):
        lk = doc.get("lookup") or {}
        diff(p, "hash_random", lk.get("hash_random"), True)
        diff(p, "hash", lk.get("hash"), None)
        diff(p, "found", lk.get("found"), None)
    return p


def host_has_aes():
    """Whether this x86 host has what the runtime's AES hash needs
    (runtime.alginit: AES, SSSE3, SSE4.1)."""
    try:
        flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    except OSError:
        return False
    return all(f in flags for f in ("aes", "ssse3", "sse4_1"))


def check_algorithm(name):
    """`golayout map NAME --hash`: the hash in use is the AES hash where the
    runtime has it (amd64 and 386 on an x86 host with AES, arm64 under
    qemu-aarch64, whose CPU has AES), so the AES code is what the hash
    checks cover."""
    def check(doc, ctx):
        p = []
        if no_error(doc, p):
            emulated = harness.emulator(ctx.binary) is not None
            want = "aes" if emulated or host_has_aes() else "fallback"
            diff(p, "hash algorithm", (doc.get("hash") or {}).get("algorithm"), want)
        return p
    return check


def check_fallback_hash(doc, ctx):
    """A separate session with GODEBUG=cpu.aes=off, so the runtime hashes
    with its fallback (runtime.useAeshash false): `--hash --all` of every
    global map checked as above against that run's truth."""
    if not ctx.opt:
        return ["note: run on the optimized binary only"]
    names = [m["name"] for m in ctx.truth["maps"] if m["kind"] == "global" and m["role"] != "huge"]
    cmds = [f"golayout map {n} --hash --all --json" for n in names]
    with tempfile.TemporaryDirectory(prefix="golayout-fallback-") as tmp:
        truth_path = Path(tmp) / "truth.json"
        if ctx.debugger == "gdb":
            ex = harness.gdb_launch_lines(truth_path)
            ex.insert(ex.index("break main.stopHere"), "set environment GODEBUG=cpu.aes=off")
            for i, c in enumerate(cmds):
                ex += [f"echo {harness.MARK}{i}\\n", c]
            argv = harness.gdb_argv(ex, ctx.binary)
        else:
            lines = harness.lldb_start_lines(
                ctx.debugger, f"-E GOLAYOUT_TRUTH={truth_path} -E GODEBUG=cpu.aes=off")
            for i, c in enumerate(cmds):
                lines += [f"script print('{harness.MARK}{i}')", c]
            lines.append("process kill")
            argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
        output, rc, timed_out = harness.run_debugger(argv)
        if timed_out:
            return [f"{ctx.debugger} killed"]
        try:
            truth = json.loads(truth_path.read_text())
        except (OSError, ValueError) as e:
            return [f"no truth ({e})"]
    sub, p = dataclasses.replace(ctx, truth=truth), []
    for n, seg in zip(names, harness.split_output(output, len(cmds))):
        d = harness.one_document("\n".join(seg or []))[0]
        if not d:
            p.append(f"{n}: no document")
            continue
        if not d.get("nil"):
            diff(p, f"{n}: hash algorithm", (d.get("hash") or {}).get("algorithm"), "fallback")
        p += [f"{n}: {x}" for x in check_hashes(n)(d, sub)]
    return p


# ------------------------------------------------------------------ cases

def cases(truth):
    maps = {m["name"]: m for m in truth["maps"]}
    globals_ = [m for m in truth["maps"] if m["kind"] == "global" and m["role"] != "huge"]
    locals_ = [m for m in truth["maps"] if m["kind"] == "local"]
    big = next(m["name"] for m in globals_ if m["role"] == "big")
    huge = next(m["name"] for m in truth["maps"] if m["role"] == "huge")

    cs = [select_frame(0, "main.stopHere"),
          # Read bounds first: the page cache is still cold.
          Case(f"map {big} (1000 entries): reads <= {READS_1000}",
               f"golayout map {big} --json", check_big_reads(big)),
          Case(f"map {huge} (100000 entries): count, sample, reads",
               f"golayout map {huge} --json", check_huge(huge)),
          Case(f"map {huge} --summary", f"golayout map {huge} --summary --json",
               check_map(huge, summary=True))]
    for m in globals_:
        if m["name"] != big:
            cs.append(Case(f"map {m['name']} ({m['role']})", f"golayout map {m['name']} --json",
                           check_map(m["name"])))
    for m in globals_:
        if m["role"] in ("deleted", "grow", "split", "small", "nil"):
            cs.append(Case(f"map {m['name']} --summary",
                           f"golayout map {m['name']} --summary --json",
                           check_map(m["name"], summary=True)))
    for m in globals_:
        if m.get("value") is not None:
            cs.append(Case(f"value {m['name']}", f"golayout value {m['name']} --json",
                           check_map_value(m["name"])))
    for role in ("grow", "split", "deleted"):
        name = next(m["name"] for m in globals_ if m["role"] == role)
        cs.append(Case(f"map {name} --all", f"golayout map {name} --all --json", check_all(name)))
    split = next(m["name"] for m in globals_ if m["role"] == "split")
    opt = "--group" if truth["map_impl"] == "swiss" else "--bucket"
    cs.append(Case(f"map {split} {opt} 2", f"golayout map {split} {opt} 2 --json",
                   check_one(split, 2)))
    cs.append(Case(f"map {big} --limit 2", f"golayout map {big} --limit 2 --json",
                   check_limit(big, 2)))
    for m in globals_ + [maps[huge]]:
        cs += index_cases(m)
    hashed = truth.get("goarch", "amd64") in HASHED_GOARCH
    if hashed:
        cs.append(Case(f"map {big} --hash: the runtime's algorithm", f"golayout map {big} --hash --limit 1 --json",
                       check_algorithm(big)))
        for m in globals_:
            cs.append(Case(f"map {m['name']} --hash --all", f"golayout map {m['name']} --hash --all --json",
                           check_hashes(m["name"])))
        for m in globals_ + [maps[huge]]:
            cs += key_cases(m)
    cs.append(Case("error: --key of the wrong type", f"golayout map {big} --key 42 --json",
                   check_error("string literal")))
    if hashed:
        fk = next(m for m in globals_ if m["role"] == "float_keys")
        cs.append(Case(f"map {fk['name']} --key NaN (hashes at random)",
                       f"golayout map {fk['name']} --key NaN --json", check_nan_key))
    ak = next(m for m in globals_ if m["role"] == "any_keys")
    cs.append(Case("error: --key literal for interface keys", f"golayout map {ak['name']} --key 1 --json",
                   check_error("interface")))
    if hashed:
        cs.append(Case("map --hash with the fallback hash (GODEBUG=cpu.aes=off, separate session)",
                       check=check_fallback_hash))

    # Locals of main.level1 (may be optimized away in the optimized build).
    cs.append(select_frame(1, "main.level1"))
    for m in locals_:
        cs.append(Case(f"map {m['name']} ({m['role']}, local)", f"golayout map {m['name']} --json",
                       check_map(m["name"])))
    for m in locals_ if hashed else []:
        cs.append(Case(f"map {m['name']} --hash --all (local)", f"golayout map {m['name']} --hash --all --json",
                       check_hashes(m["name"])))
    for m in locals_:
        if m.get("value") is not None and m["role"] in ("small", "any", "nil", "empty"):
            cs.append(Case(f"value {m['name']} (local)", f"golayout value {m['name']} --json",
                           check_map_value(m["name"])))

    for o in truth["non_maps"]:
        cs.append(Case(f"error: map of {o['name']} ({o['type']})",
                       f"golayout map {o['name']} --json", check_error(o["type"])))
    cs.append(Case("error: no such variable", "golayout map nosuchmap --json",
                   check_error("nosuchmap")))
    assert maps  # every name above comes from the truth
    return cs


def check_no_type(name):
    """-w: a global by name without --type says where it is and asks for
    a type, in one line."""
    def check(doc, ctx):
        p = []
        err = doc.get("error") or ""
        for needle in (f"main.{name}", "--type", "symbol table"):
            if needle not in err:
                p.append(f"error {err!r} does not mention {needle!r}")
        if "\n" in err:
            p.append("the error is not one line")
        return p
    return check


def nodwarf_cases(truth, cfg):
    """A binary without DWARF (-w; -s -w through stripped_cases): every
    global map (but the huge one) by `map EXPR --type TYPE`, TYPE the
    program's own %T, resolved through the runtime's type descriptors: the
    same checks as with DWARF (entries, header against unsafe, tables,
    summary), and `value` against fmt's %v. EXPR is the global's name
    (symbol table), or on -s -w its address from the truth."""
    globals_ = [m for m in truth["maps"] if m["kind"] == "global" and m["role"] != "huge"]
    cs = []
    if cfg.mode != "stripped":
        cs.append(select_frame(0, "main.stopHere"))
    for m in globals_:
        expr = harness.nodwarf_expr(dict(m, name="main." + m["name"]), cfg, address="var_address")
        cs.append(Case(f"map {m['name']} --type '{m['type']}' (no DWARF)",
                       f"golayout map {expr} --type '{m['type']}' --json", check_map(m["name"])))
        if m.get("value") is not None:
            cs.append(Case(f"value {m['name']} --type (no DWARF)",
                           f"golayout value {expr} --type '{m['type']}' --json", check_map_value(m["name"])))
    split = next(m for m in globals_ if m["role"] == "split")
    expr = harness.nodwarf_expr(dict(split, name="main." + split["name"]), cfg, address="var_address")
    cs.append(Case(f"map {split['name']} --summary (no DWARF)",
                   f"golayout map {expr} --type '{split['type']}' --summary --json",
                   check_map(split["name"], summary=True)))
    if cfg.mode != "stripped":
        small = next(m for m in globals_ if m["role"] == "small")
        cs.append(Case("error: a global without --type (no DWARF)", f"golayout map main.{small['name']} --json",
                       check_no_type(small["name"])))
    cs.append(Case("error: --type that is no Go type (no DWARF)",
                   "golayout map 0x1000 --type 'map[string' --json",
                   check_error("cannot read", "as a Go type")))
    cs.append(Case("error: a map type the program does not have (no DWARF)",
                   f"golayout map 0x1000 --type 'map[complex64]int8' --json",
                   check_error("map[complex64]int8", "no type descriptor")))
    assert globals_
    return cs


stripped_cases = nodwarf_cases
