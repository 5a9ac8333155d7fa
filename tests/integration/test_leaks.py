"""Checks on the `leaks` fixture: `golayout heap EXPR --why` (the shortest
path from a GC root to a leaked object: the root's name and kind, each
hop's object address, slot size and pointer offset, how many roots reach
it), `golayout heap EXPR --retains` (bytes and objects reachable only
through the object, from the dominator tree) and `golayout gc --top`,
against what the fixture recorded (tests/fixtures/leaks/main.go):
addresses through unsafe, slot sizes from the runtime's own rounding,
offsets from unsafe.Offsetof.

Every expression is a uintptr global (the fixture's objects have
run-specific addresses; a uintptr keeps nothing alive)."""

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
        return p
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
    return p


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
    return cs
