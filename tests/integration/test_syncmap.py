"""Checks on the `syncmap` fixture: `golayout map` of sync.Maps, against what
the program itself says (tests/fixtures/syncmap: Range's entries as %v, the
implementation's state read through unsafe).

Checked for each map: kind, impl (sync.Map/readdirty before Go 1.24,
sync.Map/hashtrie from 1.24, as the program says), the sync.Map's address,
every entry exactly (a multiset of %v key/value pairs equal to Range's);
before 1.24 the read and dirty key counts, amended, misses, read's deleted
and expunged entries, and that the entries are read's live ones plus, when
amended, dirty's live ones not in read; from 1.24 the root and seed, the
inner nodes, depth and entries per level (the program walks the runtime's
nodes), that the trie holds as many entries as Range reports, and
that every entry sits where its hash's bits lead (golayout's hash, the
runtime's placement). Then --summary, text output, a usage error, and the
same maps in a core file gdb's gcore wrote, loaded in each debugger.

--svg of each global map (--all): the picture is well-formed (xmllint),
renders (rsvg-convert), says the truth's entry count, and draws what the
JSON document of the same command lists: before 1.24 the sync.Map, its
readOnly and the read and dirty maps joined by arrows, a row per key with
an arrow to its *entry, each entry once with its value or state; from
1.24 the root and one region per node (up to the picture's bound of 96,
the rest counted), one per trie entry drawn with its "key: value", the
arrows from each node to its children.
"""

import dataclasses
import tempfile
from collections import Counter
from pathlib import Path

import harness
import svgcheck
from harness import Case, diff, no_error, check_error, select_frame, check_unavailable

FIXTURE = "syncmap"


def find_map(truth, name):
    return next(m for m in truth["maps"] if m["name"] == name)


def as_int(v):
    """An address or seed as the document writes it ("0x...") as an int."""
    return v if isinstance(v, int) or v is None else harness.hexint(v)


def pairs(entries):
    return Counter((e.get("key"), e.get("value")) for e in entries or [])


def compare_entries(p, got, want, what="entries"):
    if got != want:
        missing = list((want - got).elements())
        extra = list((got - want).elements())
        p.append(f"{what}: {sum(got.values())} got, {sum(want.values())} want; missing {missing[:5]!r}; "
                 f"unexpected {extra[:5]!r}")


def check_readdirty(p, doc, m, summary):
    st = m["impl"]
    r, d, s = doc.get("read") or {}, doc.get("dirty") or {}, doc.get("summary") or {}
    diff(p, "amended", r.get("amended"), st["amended"])
    diff(p, "misses", doc.get("misses"), st["misses"])
    diff(p, "dirty is nil", not as_int(d.get("address")), st["dirty_nil"])
    diff(p, "summary read_keys", s.get("read_keys"), st["read_keys"])
    diff(p, "summary dirty_keys", s.get("dirty_keys"), st["dirty_keys"])
    if as_int(r.get("address")):
        diff(p, "read map count", r.get("count"), st["read_keys"])
    if as_int(d.get("address")):
        diff(p, "dirty map count", d.get("count"), st["dirty_keys"])
    states = Counter(k.get("state") for k in r.get("keys") or [])
    if "read_deleted" in st:
        diff(p, "read keys deleted (p nil)", states["deleted"], st["read_deleted"])
        diff(p, "read keys expunged", states["expunged"], st["read_expunged"])
    if m["role"] == "amended" and not (states["expunged"] and states["deleted"] and r.get("amended")):
        p.append(f"want expunged and deleted keys in an amended read: {dict(states)}")
    if not doc.get("expunged_sentinel"):
        p.append("no expunged_sentinel (sync.expunged's pointer)")
    if summary:
        return
    # the entries are read's live keys, and while amended dirty's live keys
    # whose entry read lacks: what the two maps show must give the list
    union = Counter((k.get("key"), k.get("value")) for k in r.get("keys") or [] if k.get("state") == "live")
    if r.get("amended"):
        union += Counter((k.get("key"), k.get("value")) for k in d.get("keys") or []
                         if k.get("state") == "live" and not k.get("in_read"))
    compare_entries(p, union, pairs(doc.get("entries")), "read ∪ dirty vs entries")


def check_trie(p, doc, m, ctx, summary):
    st = m["impl"]
    t, s = doc.get("trie") or {}, doc.get("summary") or {}
    diff(p, "trie root", as_int(t.get("root")) or 0, st["root"])
    if st["root"]:
        diff(p, "trie seed", as_int(t.get("seed")), st["seed"])
    diff(p, "trie nodes", s.get("nodes"), st["nodes"])
    diff(p, "trie depth", s.get("depth"), st["depth"])
    diff(p, "entries per level", s.get("entries_per_level"), st["entries_per_level"])
    diff(p, "trie entries", s.get("trie_entries"), st["trie_entries"])
    diff(p, "trie entries = Range's count", s.get("trie_entries"), len(m["entries"]))
    diff(p, "dead nodes reachable", s.get("dead_nodes"), 0)
    diff(p, "entries not where their hash leads", s.get("misplaced"), 0)
    if summary:
        return
    nodes = t.get("nodes") or []
    if len(nodes) != st["nodes"]:
        p.append(f"{len(nodes)} nodes listed, want {st['nodes']}")
    for i, n in enumerate(nodes):
        up = n.get("up")
        if i and not (isinstance(up, int) and 0 <= up < i and nodes[up]["level"] + 1 == n.get("level")):
            p.append(f"node {i}: up {up!r} is not a node one level above")
            break
        if i and as_int(nodes[up]["children"][n["slot"]]) != as_int(n.get("address")):
            p.append(f"node {i} is not the child in slot {n['slot']} of node {up}")
            break
        if not n.get("parent_ok"):
            p.append(f"node {i}: its parent pointer is not the node above")
            break
    ents = t.get("trie_entries") or []
    compare_entries(p, pairs(ents), pairs(doc.get("entries")), "trie entries vs entries")


# Reads of target memory one `golayout map gMany --json` (5000 entries) may
# make: measured 157 for the hash-trie (1898 nodes and 5000 entries of 152
# and 48 bytes, packed in spans: one read per 4 KiB page or so) and 73 for
# read/dirty (a classic or swiss map of 5000 *entry, the entries, their
# values) in gdb on go1.26 and go1.22. Fails on anything per entry.
READS_MANY = 600


def check_syncmap(name, summary=False, reads=True):
    """`golayout map NAME --json` against the truth of sync.Map NAME (reads:
    bound the reads of the 5000-entry map; not in a core, whose pages lldb
    serves piecewise)."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if ctx.opt and m["kind"] == "local" and doc.get("error") is not None:
            return check_unavailable(doc, ctx, m["name"])
        if not no_error(doc, p):
            return p
        diff(p, "kind", doc.get("kind"), "map")
        diff(p, "impl", doc.get("impl"), "sync.Map/" + ctx.truth["impl"])
        diff(p, "address", as_int(doc.get("address")), m["address"])
        diff(p, "count", doc.get("count"), len(m["entries"]))
        diff(p, "summary entries", (doc.get("summary") or {}).get("entries"), len(m["entries"]))
        if summary:
            if doc.get("entries"):
                p.append("--summary listed entries")
        else:
            compare_entries(p, pairs(doc.get("entries")), Counter(tuple(e) for e in m["entries"]))
            diff(p, "entries_truncated", doc.get("entries_truncated"), False)
        if m["role"] == "many" and not summary and reads:
            r = doc.get("backend_reads")
            if not isinstance(r, int) or r > READS_MANY:
                p.append(f"backend_reads {r!r} > {READS_MANY}")
        if ctx.truth["impl"] == "readdirty":
            check_readdirty(p, doc, m, summary)
        else:
            check_trie(p, doc, m, ctx, summary)
        return p
    return check


def check_text(name):
    """The text: the header line names the implementation and the count,
    every entry of a small map is drawn, and a summary follows."""
    def check(text, ctx):
        m, p = find_map(ctx.truth, name), []
        head = f"sync.Map/{ctx.truth['impl']} at 0x{m['address']:x}, {len(m['entries'])} entries"
        if head not in text:
            p.append(f"no line with {head!r}")
        for k, v in m["entries"]:
            if f"  {k} : {v}" not in text:
                p.append(f"entry {k} : {v} not drawn")
        if "summary" not in text:
            p.append("no summary")
        word = "node 0x" if ctx.truth["impl"] == "hashtrie" else "read.m"
        if word not in text:
            p.append(f"no {word!r} in the structure")
        return p
    return check


def check_core(doc, ctx):
    """gdb writes a core at main.stopHere (gcore); the core loaded in
    ctx.debugger: every global sync.Map checked as above against the truth
    of the run that wrote it."""
    if ctx.opt or harness.emulator(ctx.binary):
        return ["note: run on the -noopt binary of the host's architecture only"]
    names = [m["name"] for m in ctx.truth["maps"] if m["kind"] == "global"]
    cmds = [f"golayout map {n} --json" for n in names]
    with tempfile.TemporaryDirectory(prefix="golayout-syncmap-core-") as tmp:
        truth_path, core = Path(tmp) / "truth.json", Path(tmp) / "core"
        ex = harness.gdb_launch_lines(truth_path) + [f"gcore {core}"]
        out, _, timed_out = harness.run_debugger(harness.gdb_argv(ex, ctx.binary))
        if timed_out or not core.exists():
            return [f"gdb wrote no core{' (killed)' if timed_out else ''}"]
        try:
            truth = __import__("json").loads(truth_path.read_text())
        except (OSError, ValueError) as e:
            return [f"no truth ({e})"]
        if ctx.debugger == "gdb":
            lines = harness.gdb_plugin_lines()
            for i, c in enumerate(cmds):
                lines += [f"echo {harness.MARK}{i}\\n", c]
            argv = harness.gdb_argv(lines, ctx.binary, core)
        else:
            lines = [f"plugin load {harness.lldb_plugin(ctx.debugger)}",
                     f"target create {ctx.binary} --core {core}"]
            for i, c in enumerate(cmds):
                lines += [f"script print('{harness.MARK}{i}')", c]
            argv = harness.lldb_argv(lines, tmp, debugger=ctx.debugger)
        output, _, timed_out = harness.run_debugger(argv)
        if timed_out:
            return [f"{ctx.debugger} killed"]
    sub, p = dataclasses.replace(ctx, truth=truth), []
    for n, seg in zip(names, harness.split_output(output, len(cmds))):
        d = harness.one_document("\n".join(seg or []))[0]
        if not d:
            p.append(f"{n}: no document")
            continue
        p += [f"{n} (core): {x}" for x in check_syncmap(n, reads=False)(d, sub)]
    return p or [f"note: {len(names)} maps from the core in {ctx.debugger}"]


def corruptions(truth):
    """(what, memory writes, map, the words the error line must have):
    pointers of the fixture's maps overwritten in a separate session (the
    test writes, golayout only reads). The writes are a Python expression
    of [(address, value)] over m (that run's maps by name, from its truth:
    heap addresses differ from run to run)."""
    ptr = 4 if truth.get("goarch") in ("386", "arm") else 8
    if truth["impl"] == "hashtrie":
        # indirect: isEntry bool, dead atomic.Bool, mu (8 bytes), parent, children
        kids = 16 + ptr
        return [("every slot of the root points to the root (a cycle)",
                 f"[(m['gSmall']['impl']['root'] + {kids} + i * {ptr}, m['gSmall']['impl']['root']) "
                 f"for i in range(16)]", "gSmall", ("cycle",)),
                ("every slot of the root points to address 0x10",
                 f"[(m['gDeleted']['impl']['root'] + {kids} + i * {ptr}, 0x10) for i in range(16)]",
                 "gDeleted", ("0x10",))]
    # sync.Map: mu (8 bytes), read, dirty, misses
    return [("dirty points to address 0x10", f"[(m['gSmall']['address'] + {8 + ptr}, 0x10)]", "gSmall",
             ("dirty", "0x10"))]


def write_script(truth_path, writes, ptr, debugger):
    """A one-line Python script for the debugger that makes the writes."""
    fmt = "<I" if ptr == 4 else "<Q"
    w = ("gdb.selected_inferior().write_memory(a, struct.pack('%s', v))" % fmt if debugger == "gdb"
         else "lldb.process.WriteMemory(a, struct.pack('%s', v), lldb.SBError())" % fmt)
    return (f"import json, struct; m = {{x['name']: x for x in json.load(open('{truth_path}'))['maps']}}; "
            f"[{w} for a, v in {writes}]")


def check_bad(doc, ctx):
    """Corrupt pointers in the stopped process (the test writes them):
    `golayout map` says what is wrong in one line, in bounded time."""
    if not ctx.opt:
        return ["note: run on the optimized binary only"]
    ptr = 4 if ctx.truth.get("goarch") in ("386", "arm") else 8
    bad = corruptions(ctx.truth)
    with tempfile.TemporaryDirectory(prefix="golayout-syncmap-bad-") as tmp:
        truth_path = Path(tmp) / "truth.json"
        if ctx.debugger == "gdb":
            # every write before the first command: golayout's page cache
            # lasts as long as the stop (lldb tells of no write)
            ex = harness.gdb_launch_lines(truth_path)
            ex += [f"python {write_script(truth_path, w, ptr, 'gdb')}" for _, w, _, _ in bad]
            for i, (_, _, name, _) in enumerate(bad):
                ex += [f"echo {harness.MARK}{i}\\n", f"golayout map {name} --json"]
            argv = harness.gdb_argv(ex, ctx.binary)
        else:
            lines = harness.lldb_launch_lines(truth_path, ctx.debugger)
            lines += [f"script {write_script(truth_path, w, ptr, 'lldb')}" for _, w, _, _ in bad]
            for i, (_, _, name, _) in enumerate(bad):
                lines += [f"script print('{harness.MARK}{i}')", f"golayout map {name} --json"]
            lines.append("process kill")
            argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
        output, _, timed_out = harness.run_debugger(argv, timeout=120)
        if timed_out:
            return [f"{ctx.debugger} killed: golayout did not finish on corrupt memory"]
    p = []
    for (what, _, name, words), seg in zip(bad, harness.split_output(output, len(bad))):
        d = harness.one_document("\n".join(seg or []))[0]
        e = (d or {}).get("error")
        if not isinstance(e, str) or "\n" in e or any(w not in e for w in words):
            p.append(f"{what}: want one error line with {words!r}, got {e!r} (output {(seg or [])[:3]!r})")
        else:
            p.append(f"note: {what}: {e}")
    return p


def check_limit(name, n):
    """--limit N --json: N of Range's entries, marked truncated."""
    def check(doc, ctx):
        m, p = find_map(ctx.truth, name), []
        if not no_error(doc, p):
            return p
        got = doc.get("entries") or []
        diff(p, "entries listed", len(got), n)
        diff(p, "entries_truncated", doc.get("entries_truncated"), True)
        diff(p, "count", doc.get("count"), len(m["entries"]))
        if pairs(got) - Counter(tuple(e) for e in m["entries"]):
            p.append(f"entries not in the map: {got!r}")
        return p
    return check


# What one picture draws of a trie at most (render/svg_syncmap.c): the
# rest is an elision with its count.
SVG_MAX_NODES, SVG_MAX_ENTRIES, SVG_MAX_KEYS = 96, 320, 256


def svg_readdirty(p, pic, doc):
    sm = pic.of("syncmap")
    if len(sm) != 1:
        p.append(f"{len(sm)} sync.Map regions drawn, want 1")
        return
    r, d = doc.get("read") or {}, doc.get("dirty") or {}
    ro = as_int(r.get("readonly"))
    if ro and pic.linked(("syncmap", sm[0].addr), ("readonly", ro), p) is None:
        return
    entries = set()
    for kind, m, frm in (("map read", r, ("readonly", ro)), ("map dirty", d, ("syncmap", sm[0].addr))):
        addr = as_int(m.get("address"))
        regs = [x for x in pic.regions if x.kind == kind]
        diff(p, f"{kind} regions", len(regs), 1 if addr else 0)
        if not addr or not regs:
            continue
        pic.linked(frm, (kind.split()[0], addr), p)
        keys = m.get("keys") or []
        rows = [row for row in regs[0].rows if row[0] != "elided"]
        diff(p, f"{kind}: key rows", len(rows), min(len(keys), SVG_MAX_KEYS))
        for k in keys[:SVG_MAX_KEYS]:
            e = as_int(k["entry"])
            entries.add(e)
            to = pic.at(e, "entry")
            if to is None:
                p.append(f"{kind}: the entry {k['entry']} of key {k.get('key')} is not drawn")
            elif (regs[0].id, to.id) not in pic.arrows:
                p.append(f"{kind}: no arrow from the map to the entry of key {k.get('key')}")
            elif k["state"] == "live" and not svgcheck.reads(to.texts[-1].split(" -> ", 1)[-1], k["value"]):
                p.append(f"entry {k['entry']}: {to.texts[-1]!r} does not show the value {k['value']!r}")
            elif k["state"] != "live" and k["state"] not in to.texts[-1]:
                p.append(f"entry {k['entry']}: {to.texts[-1]!r} does not say {k['state']}")
    diff(p, "entry regions (each *entry once)", len(pic.of("entry")), len(entries))


def svg_trie(p, pic, doc):
    t = doc.get("trie") or {}
    nodes, ents = t.get("nodes") or [], t.get("trie_entries") or []
    drawn = pic.of("node")
    diff(p, "node regions", len(drawn), min(len(nodes), SVG_MAX_NODES))
    if len(nodes) > len(drawn) and not pic.has_text(f"{len(drawn)} of {len(nodes)} nodes drawn"):
        p.append(f"no elision saying {len(drawn)} of {len(nodes)} nodes drawn")
    if nodes:
        pic.linked(("syncmap", as_int(doc.get("address"))), ("node", as_int(nodes[0]["address"])), p)
    by_addr = {as_int(n["address"]): i for i, n in enumerate(nodes)}
    for r in drawn:
        i = by_addr.get(r.addr)
        if i is None:
            p.append(f"node region at {r.addr:#x} is no node of the document")
            continue
        if i and (pic.at(as_int(nodes[nodes[i]["up"]]["address"]), "node").id, r.id) not in pic.arrows:
            p.append(f"no arrow from node {nodes[i]['up']} to node {i}")
    shown = pic.of("entry")
    want = [e for e in ents if e["node"] < len(drawn)][:SVG_MAX_ENTRIES]
    if len(drawn) == len(nodes) and len(ents) <= SVG_MAX_ENTRIES:
        diff(p, "entry regions", len(shown), len(ents))
    elif len(shown) > len(want):
        p.append(f"{len(shown)} entry regions, more than the {len(want)} under the nodes drawn")
    if len(shown) < len(ents) and not pic.has_text(f"{len(shown)} of {len(ents)} trie entries drawn"):
        p.append(f"no elision saying {len(shown)} of {len(ents)} trie entries drawn")
    for e in ents:
        r = pic.at(as_int(e["address"]), "entry")
        if r is None:
            continue
        if not any(svgcheck.reads(x, f"{e['key']}: {e['value']}") for x in r.texts):
            p.append(f"entry {e['address']}: {r.texts!r} does not show {e['key']}: {e['value']}")
        if e["chain"] == 0:
            parent = pic.at(as_int(nodes[e["node"]]["address"]), "node")
            if parent is None or (parent.id, r.id) not in pic.arrows:
                p.append(f"no arrow from node {e['node']} slot {e['slot']} to entry {e['address']}")


def check_svg(name):
    """--svg NAME.svg of `golayout map NAME --all --json`: the picture
    against the document (and the truth's count)."""
    def body(p, pic, doc, ctx):
        m = find_map(ctx.truth, name)
        if not pic.has_text(f"{len(m['entries'])} entries"):
            p.append(f"the title does not say {len(m['entries'])} entries")
        if ctx.truth["impl"] == "readdirty":
            svg_readdirty(p, pic, doc)
        else:
            svg_trie(p, pic, doc)
    return svgcheck.checker(f"{name}.svg", body)


def check_svg_summary(name):
    """--summary --svg: the sync.Map (and its readOnly) and the summary
    lines, no keys, nodes or entries."""
    def body(p, pic, doc, ctx):
        diff(p, "sync.Map regions", [r.addr for r in pic.of("syncmap")], [find_map(ctx.truth, name)["address"]])
        drawn = [r.kind for r in pic.regions if r.kind.split()[0] in ("map", "node", "entry")]
        if drawn:
            p.append(f"--summary drew {drawn[:5]}")
        want = f"entries {len(find_map(ctx.truth, name)['entries'])}"
        if not pic.has_text(want):
            p.append(f"no summary line with {want!r}")
    return svgcheck.checker(f"{name}-summary.svg", body)


def cases(truth):
    globals_ = [m for m in truth["maps"] if m["kind"] == "global"]
    cs = [select_frame(0, "main.stopHere")]
    for m in globals_:
        cs.append(Case(f"map {m['name']} (sync.Map, {m['role']})", f"golayout map {m['name']} --json",
                       check_syncmap(m["name"])))
        cs.append(Case(f"map {m['name']} --summary", f"golayout map {m['name']} --summary --json",
                       check_syncmap(m["name"], summary=True)))
    for m in globals_:
        cs.append(Case(f"map {m['name']} --all --svg", f"golayout map {m['name']} --all --json --svg "
                       f"{{outdir}}/{m['name']}.svg", check_svg(m["name"])))
    small = next(m["name"] for m in globals_ if m["role"] == "small")
    cs.append(Case(f"map {small} --summary --svg", f"golayout map {small} --summary --json --svg "
                   f"{{outdir}}/{small}-summary.svg", check_svg_summary(small)))
    many = next(m["name"] for m in globals_ if m["role"] == "many")
    cs.append(Case(f"map {many} --limit 3", f"golayout map {many} --limit 3 --json", check_limit(many, 3)))
    cs.append(Case(f"map {small} (text)", f"golayout map {small}", check_text(small), raw=True))
    cs.append(Case("error: --key on a sync.Map", f"golayout map {small} --key 1 --json",
                   check_error("sync.Map")))
    cs.append(Case("sync.Maps in a gcore core file", check=check_core))
    cs.append(Case("corrupt sync.Maps: one error line (separate session)", check=check_bad))
    cs.append(select_frame(1, "main.level1"))
    for m in truth["maps"]:
        if m["kind"] == "local":
            cs.append(Case(f"map {m['name']} (*sync.Map, local)", f"golayout map {m['name']} --json",
                           check_syncmap(m["name"])))
    return cs
