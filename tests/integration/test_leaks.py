"""Checks on the `leaks` fixture: `golayout heap EXPR --why` (the shortest
path from a GC root to a leaked object: the root's name and kind, each
hop's object address, slot size and pointer offset, how many roots reach
it), `golayout heap EXPR --retains` (bytes and objects reachable only
through the object, from the dominator tree) and `golayout gc --top`
(--by root, type and site: each leak's allocating function and line,
which the fixture takes from runtime.Caller on the allocating statement),
the types of objects the heap records none for (no malloc header),
inferred along DWARF-typed pointers from the globals (fmt's %T in the
fixture; with --no-infer the same objects have no type),
against what the fixture recorded (tests/fixtures/leaks/main.go):
addresses through unsafe, slot sizes from the runtime's own rounding,
offsets from unsafe.Offsetof.

Every expression is a uintptr global (the fixture's objects have
run-specific addresses; a uintptr keeps nothing alive).

Core files: a separate gdb session runs the binary to main.stopHere and
writes a core with gcore; each debugger then loads binary and core and
answers the same questions (written with --out, one document a line),
checked against the truth of that run. The fixture also writes the
runtime's heap dump (debug.WriteHeapDump) right after a runtime.GC() and
before the stop: every object in it survived that collection, so the
graph must reach a sample of them (the cross-check of reachability with
the runtime's own marking)."""

import dataclasses
import json
import threading
from pathlib import Path

import harness
import heapdump
from harness import Case, select_frame, diff, no_error, hexint

FIXTURE = "leaks"


def check_why(name):
    def check(doc, ctx):
        t = next(x for x in ctx.truth["why"] if x["name"] == name)
        p = []
        if not no_error(doc, p):
            return p
        diff(p, "kind", doc.get("kind"), "heap_why")
        diff(p, "reachable", doc.get("reachable"), True)
        diff(p, "object.address", hexint((doc.get("object") or {}).get("address")), t["address"])
        diff(p, "root_kind", doc.get("root_kind"), t["root_kind"])
        root = str(doc.get("root"))
        if t["root"] and not root.startswith(t["root"]):
            p.append(f"root {root!r} does not start {t['root']!r}")
        path = doc.get("path") or []
        got = [(hexint(h.get("address")), h.get("size"), h.get("offset")) for h in path]
        if t["path"] is not None:
            want = [(h["address"], h["size"], h["offset"]) for h in t["path"]]
            if got != want:
                p.append(f"path {[(hex(a or 0), s, o) for a, s, o in got][:8]}... ({len(got)} hops), "
                         f"want {[(hex(a), s, o) for a, s, o in want][:8]}... ({len(want)} hops)")
        if t["last"] is not None:
            last = got[-1] if got else None
            want = (t["last"]["address"], t["last"]["size"])
            if not last or last[:2] != want:
                p.append(f"last hop {last}, want {want}")
        if t["roots_reaching"] >= 0:
            diff(p, "roots_reaching", doc.get("roots_reaching"), t["roots_reaching"])
        g = doc.get("graph") or {}
        diff(p, "graph.stack_roots", g.get("stack_roots"), True)
        diff(p, "graph.global_roots", g.get("global_roots"), True)
        return p + [f"note: root {root!r}, {len(path)} hops"]
    return check


def check_retains(name):
    def check(doc, ctx):
        t = next(x for x in ctx.truth["retains"] if x["name"] == name)
        p = []
        if not no_error(doc, p):
            return p
        diff(p, "kind", doc.get("kind"), "heap_retains")
        diff(p, "object.address", hexint((doc.get("object") or {}).get("address")), t["address"])
        diff(p, "reachable", doc.get("reachable"), True)
        diff(p, "retained_bytes", doc.get("retained_bytes"), t["retained_bytes"])
        diff(p, "retained_objects", doc.get("retained_objects"), t["retained_objects"])
        ch = doc.get("children") or []
        if t["retained_objects"] > 1 and not ch:
            p.append("no dominated children listed")
        if ch and sum(c.get("retained_bytes", 0) for c in ch) + doc["object"]["size"] > t["retained_bytes"]:
            p.append("children retain more than the object")
        # the object and its children of a type the fixture printed: that
        # type, inferred (none of them has a malloc header)
        types = {x["address"]: x["type"] for x in ctx.truth["types"]}
        for o in [doc.get("object") or {}] + ch:
            a = hexint(o.get("address"))
            if a in types:
                diff(p, f"type of {a:#x}", (o.get("type"), o.get("type_source")), (types[a], "inferred"))
        return p
    return check


def check_type(name, infer=True):
    """heap EXPR --why: the object's type, inferred (the heap records none
    for an object without a malloc header), is the Go type the fixture
    printed; the hop into it names the pointer word as a field of the
    object before it (or an element, when that one is an array of a
    pointer type) when that one's type is known. infer False (--why
    --no-infer): the heap knows no type for the object, so the type above
    is the inference's."""
    def check(doc, ctx):
        t = next(x for x in ctx.truth["types"] if x["name"] == name)
        p = []
        if not no_error(doc, p):
            return p
        o = doc.get("object") or {}
        diff(p, "object.address", hexint(o.get("address")), t["address"])
        diff(p, "object.type", o.get("type"), t["type"] if infer else None)
        if not infer:
            return p
        diff(p, "object.type_source", o.get("type_source"), "inferred")
        path = doc.get("path") or []
        if len(path) >= 2 and path[-2].get("type"):
            via, before = str(path[-1].get("via")), path[-2]["type"]
            # a field (main.Note.Tag), or an element of an array of them
            # (a channel's ring of *main.Note: "*main.Note (element 0)")
            if not (via.startswith(before + ".") or via.startswith(before + " (element ")):
                p.append(f"last hop via {via!r}: not a field or element of {before!r}")
        return p + [f"note: {o.get('type')} via {[h.get('via') for h in path][-2:]}"]
    return check


def check_top(doc, ctx):
    """gc --top: the sub-slice's array (1 MiB, the largest single leak) is
    retained by main.gHeader, the chain by main.gChain."""
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "kind", doc.get("kind"), "gc_top")
    rows = {r.get("name"): r for r in doc.get("rows") or []}
    big = next(x for x in ctx.truth["retains"] if x["name"] == "array pinned by a sub-slice")
    chain = next(x for x in ctx.truth["retains"] if x["name"] == "chain head")
    r = rows.get("global main.gHeader") or {}
    diff(p, "main.gHeader retained_bytes", r.get("retained_bytes"), big["retained_bytes"])
    r = rows.get("global main.gChain") or {}
    diff(p, "main.gChain retained_bytes", r.get("retained_bytes"), chain["retained_bytes"])
    diff(p, "main.gChain retained_objects", r.get("retained_objects"), chain["retained_objects"])
    first = (doc.get("rows") or [{}])[0]
    diff(p, "first row", first.get("name"), "global main.gHeader")
    return p


def check_top_type(doc, ctx):
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "by", doc.get("by"), "type")
    if not doc.get("rows"):
        p.append("no rows")
    g = doc.get("graph") or {}
    total = sum(r.get("objects", 0) for r in doc.get("rows") or [])
    if doc.get("total_rows") == len(doc.get("rows") or []):
        diff(p, "objects of all types vs reachable objects", total, g.get("reachable_objects"))
    # the chain's links: all of its type's objects, inferred, retained
    # from the head (none has a malloc header)
    link = next(x for x in ctx.truth["types"] if x["name"] == "link 50 of the chain")["type"]
    chain = next(x for x in ctx.truth["retains"] if x["name"] == "chain head")
    r = next((r for r in doc.get("rows") or [] if r.get("name") == link), {})
    diff(p, f"{link} row type_source", r.get("type_source"), "inferred")
    diff(p, f"{link} row objects", r.get("objects"), chain["retained_objects"])
    diff(p, f"{link} row retained_bytes", r.get("retained_bytes"), chain["retained_bytes"])
    return p


def check_top_site(doc, ctx):
    """gc --top --all --by site: each leak's site (function, file, line as
    runtime.Caller gave them on the allocating statement) has a row that
    retains at least the leak's bytes; every reachable object is in one
    row (own bytes over the rows = the graph's reachable bytes, as --by
    type counts them; plus the unreachable bytes = every allocated
    object's), and the fixture's MemProfileRate = 1 is read back."""
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "kind", doc.get("kind"), "gc_top")
    diff(p, "by", doc.get("by"), "site")
    diff(p, "mem_profile_rate", doc.get("mem_profile_rate"), 1)
    rows = doc.get("rows") or []
    diff(p, "rows listed", len(rows), doc.get("total_rows"))
    bad = [r.get("name") for r in rows if r.get("kind") != "site"]
    if bad:
        p.append(f"rows not of kind site: {bad[:4]}")
    for t in ctx.truth["sites"]:
        want = t["site"]
        r = next((r for r in rows if r.get("function") == want["function"] and r.get("line") == want["line"]), None)
        if r is None:
            near = [(r.get("function"), r.get("line")) for r in rows if r.get("function") == want["function"]]
            p.append(f"{t['name']}: no row for {want['function']} line {want['line']} (rows of it: {near})")
            continue
        diff(p, f"{t['name']}: file", r.get("file"), want["file"])
        if (r.get("retained_bytes") or 0) < t["retained_bytes"]:
            p.append(f"{t['name']}: {r.get('name')} retains {r.get('retained_bytes')} B, "
                     f"the leak alone {t['retained_bytes']} B")
    # each object of a row is under one the row counts (follow idom while
    # the site is the same): a row retains at least its own bytes
    over = [r.get("name") for r in rows if (r.get("bytes") or 0) > (r.get("retained_bytes") or 0)]
    if over:
        p.append(f"rows whose own bytes exceed their retained bytes: {over[:4]}")
    g = doc.get("graph") or {}
    own = sum(r.get("bytes", 0) for r in rows)
    diff(p, "own bytes over all rows vs reachable bytes", own, g.get("reachable_bytes"))
    diff(p, "own bytes over all rows + unreachable vs graph bytes", own + (doc.get("unreachable_bytes") or 0),
         g.get("bytes"))
    diff(p, "objects over all rows vs reachable objects", sum(r.get("objects", 0) for r in rows),
         g.get("reachable_objects"))
    ns = next((r for r in rows if r.get("name") == "(not sampled)"), {})
    return p + [f"note: {len(rows)} sites, {ns.get('objects', 0)} objects not sampled"]


# ------------------------------------------------------------ core files

_lock = threading.Lock()
_memo = {}


def _tmpdir():
    return harness.module_tmpdir("leaks")


def _once(key, fn):
    with _lock:
        ent = _memo.setdefault(key, {"lock": threading.Lock()})
    with ent["lock"]:
        if "v" not in ent:
            try:
                ent["v"] = (fn(), None)
            except Exception as e:  # noqa: BLE001 - reported by the check
                ent["v"] = (None, str(e))
    if ent["v"][1]:
        raise RuntimeError(ent["v"][1])
    return ent["v"][0]


def write_core(ctx):
    """(core path, truth) of a gdb session of ctx.binary stopped at main.stopHere."""
    def run():
        tmp = _tmpdir()
        truth, core = Path(tmp) / "truth.json", Path(tmp) / "core"
        out, rc, timed_out = harness.run_debugger(harness.gdb_argv(
            harness.gdb_launch_lines(truth) + [f"gcore {core}", "kill"], ctx.binary))
        if not core.exists():
            raise RuntimeError(f"gdb's gcore wrote no core (exit {rc}): {out[-400:]}")
        harness.register_core(core)
        try:
            dump = heapdump.read(str(truth) + ".heapdump")
        except (OSError, heapdump.DumpError) as e:
            raise RuntimeError(f"the runtime's heap dump: {e}")
        return core, json.loads(truth.read_text()), dump
    return _once(("core", str(ctx.binary)), run)


SAMPLE = 60


def dump_sample(dump):
    """Every k-th object of the runtime's dump, SAMPLE of them."""
    objs = dump.objects
    k = max(1, len(objs) // SAMPLE)
    return [a for a, _ in objs[::k]][:SAMPLE]


def check_dump_reachable(docs, sample):
    """Each sampled dump object survived the collection right before the
    dump (nothing allocated since): the graph must reach it. The dump also
    lists the slots of a span past its nelems (heapdump.py), which are no
    objects: those must be said to be outside any object slot."""
    p, reached, tail = [], 0, 0
    for a, d in zip(sample, docs):
        err = d.get("error")
        if err:
            msg = err.get("message") if isinstance(err, dict) else str(err)
            if "not in an object slot" in str(msg):
                tail += 1
            else:
                p.append(f"dump object {a:#x}: {msg}")
        elif d.get("reachable"):
            reached += 1
        else:
            p.append(f"dump object {a:#x} survived a collection but no root reaches it")
    if not reached:
        p.append("no sampled dump object reached")
    return p + [f"note: {reached} dump objects reached, {tail} slots past nelems"]


def core_commands(truth):
    cmds = [f"golayout heap {t['expr']} --why --json" for t in truth["why"]]
    cmds += [f"golayout heap {t['expr']} --retains --json" for t in truth["retains"]]
    cmds += ["golayout gc --top 10 --json", "golayout gc --top --all --by site --json",
             "golayout gc --top --all --by type --json"]
    cmds += [f"golayout heap {t['expr']} --why --json" for t in truth["types"]]
    return cmds + [f"golayout heap {t['expr']} --why --no-infer --json" for t in truth["types"]]


def core_checks(truth):
    """The checks of core_commands, in order."""
    return ([check_why(t["name"]) for t in truth["why"]] + [check_retains(t["name"]) for t in truth["retains"]]
            + [check_top, check_top_site, check_top_type] + [check_type(t["name"]) for t in truth["types"]]
            + [check_type(t["name"], infer=False) for t in truth["types"]])


def check_core(doc, ctx):
    try:
        core, truth, dump = write_core(ctx)
    except RuntimeError as e:
        return [str(e)]
    sample = dump_sample(dump)
    cmds = core_commands(truth)
    ncheck = len(cmds)
    cmds += [f"golayout heap {a:#x} --why --json" for a in sample]
    docs, err = harness.core_documents(ctx, core, cmds, _tmpdir())
    if err:
        return [err]
    c2 = dataclasses.replace(ctx, truth=truth)
    checks = core_checks(truth)
    if harness.emulator(ctx.binary):
        # gdb's gcore over qemu-user's gdb stub writes no heap (see
        # test_goroutines.py, check_stub_core): every object must be said
        # to be outside the core's memory (or, for an expression that goes
        # through the heap, its memory unreadable); once one decodes, the stub
        # writes the heap and the checks below should run instead
        p = [f"{cmd}: {d.get('error') or 'decoded'}: does gcore over qemu's stub "
             f"write the heap now? then run the full core checks"
             for cmd, d in zip(cmds[:len(checks)], docs) if cmd.startswith("golayout heap ")
             and not any(w in str(d.get("error")) for w in ("not in mapped memory", "cannot read memory"))]
        return p + ["note: gcore over qemu-user's gdb stub holds no heap: every object is outside the core's memory"]
    p = []
    for cmd, d, chk in zip(cmds, docs[:ncheck], checks):
        p += [f"{cmd}: {x}" for x in chk(d, c2) if not x.startswith("note: ")]
    p += check_dump_reachable(docs[ncheck:], sample)
    return p + [f"note: {len(docs)} commands on the core"]


def cases(truth):
    cs = [select_frame(0, "main.stopHere")]
    for t in truth["why"]:
        cs.append(Case(f"heap --why: {t['name']} ({t['expr']})", f"golayout heap {t['expr']} --why --json",
                       check_why(t["name"])))
    for t in truth["retains"]:
        cs.append(Case(f"heap --retains: {t['name']} ({t['expr']})",
                       f"golayout heap {t['expr']} --retains --json", check_retains(t["name"])))
    cs.append(Case("gc --top", "golayout gc --top 10 --json", check_top))
    cs.append(Case("gc --top --by type", "golayout gc --top --all --by type --json", check_top_type))
    cs.append(Case("gc --top --by site", "golayout gc --top --all --by site --json", check_top_site))
    for t in truth["types"]:
        cs.append(Case(f"inferred type: {t['name']} ({t['expr']}, {t['type']})",
                       f"golayout heap {t['expr']} --why --json", check_type(t["name"])))
        cs.append(Case(f"no type without inference: {t['name']} ({t['expr']})",
                       f"golayout heap {t['expr']} --why --no-infer --json", check_type(t["name"], infer=False)))
    cs.append(Case("core file written by gdb's gcore: every --why, --retains and gc --top above, and "
                   "--why of a sample of the runtime's heap dump (separate sessions)", check=check_core))
    return cs
