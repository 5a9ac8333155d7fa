"""Checks on the `heap` fixture: `golayout heap` (arena, span, size class,
object slot, allocation and mark state, pointer map, specials; stack, binary
and unmapped addresses; nil) and `golayout gc` (phase, cycles, GOGC, memory
limit, heap goal, spans in use, size classes, heat map), against what the
fixture recorded (see tests/fixtures/heap/main.go): addresses via unsafe,
slot sizes from the runtime's own rounding, pointer words from reflect,
finalizers and cleanups it set, MemStats read right before the breakpoint.

Every name is a package global (both builds describe them); addresses that
are only numbers are reached through uintptr globals (main.gFreedAddr,
main.gStackAddr), since a run's addresses are not known before it starts,
and a global's static address is used to test a literal number.

The mark phase: after main.stopHere the fixture runs one more runtime.GC().
A separate debugger session (of the optimized binary, in each debugger)
continues from stopHere to runtime.gcMarkTermination, where marking is
complete, the world stopped and gcphase still _GCmark: there every object
the globals reach must show "marked", an object dropped before the stop
(main.gGarbageAddr) "unmarked" and still allocated (not swept yet), and
`golayout gc` phase "mark" with the write barrier on, work.cycles one ahead
of MemStats.NumGC."""

import json
import tempfile
from pathlib import Path

import harness
from harness import Case, select_frame, diff, no_error, check_error

FIXTURE = "heap"


def hexint(v):
    if isinstance(v, str) and v.lower().startswith("0x"):
        try:
            return int(v, 16)
        except ValueError:
            return None
    return None


def find(items, name):
    return next(x for x in items if x["name"] == name)


# ------------------------------------------------------------------ objects

def object_problems(doc, o, ctx):
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "kind", doc.get("kind"), "heap")
    diff(p, "address", hexint(doc.get("address")), o["address"])
    diff(p, "in_heap", doc.get("in_heap"), True)
    diff(p, "gc_phase", doc.get("gc_phase"), "off")
    diff(p, "allocated", doc.get("allocated"), True)
    # Outside a GC cycle the mark bits mean nothing: never guess.
    diff(p, "marked", doc.get("marked"), "unknown")
    sp, ob = doc.get("span") or {}, doc.get("object") or {}
    diff(p, "span.state", sp.get("state"), "in use")
    diff(p, "span.elemsize", sp.get("elemsize"), o["elemsize"])
    diff(p, "span.large", sp.get("large"), o["large"])
    diff(p, "span.noscan", sp.get("noscan"), o["noscan"])
    if o["large"]:
        diff(p, "span.size_class", sp.get("size_class"), 0)
        diff(p, "span.base (a large object starts its span)", hexint(sp.get("base")), o["data"])
        diff(p, "span.nelems", sp.get("nelems"), 1)
    elif not isinstance(sp.get("size_class"), int) or sp["size_class"] <= 0:
        p.append(f"span.size_class: {sp.get('size_class')!r} for a small object")
    base, end = hexint(sp.get("base")), hexint(sp.get("end"))
    if base is None or end is None or not base <= o["address"] < end:
        p.append(f"span [{sp.get('base')}, {sp.get('end')}) does not hold {o['address']:#x}")
    ob_base = hexint(ob.get("base"))
    if o["tiny"]:
        # several tiny objects share a 16-byte block
        if ob_base is None or ob_base % 16 or not ob_base <= o["address"] < ob_base + 16:
            p.append(f"tiny object {o['address']:#x} is not in block {ob.get('base')}")
    else:
        diff(p, "object.data", hexint(ob.get("data")), o["data"])
        diff(p, "object.header", ob.get("header"), o["header"])
    if ob_base is not None:
        diff(p, "object.offset", ob.get("offset"), o["address"] - ob_base)
        if base is not None and sp.get("elemsize"):
            diff(p, "object.index", ob.get("index"), (ob_base - base) // sp["elemsize"])
    if o["twin"] and base is not None and end is not None and base <= o["twin"] < end:
        if (o["twin"] - o["data"]) % o["elemsize"]:
            p.append(f"twin {o['twin']:#x} is not a whole number of {o['elemsize']}-byte slots "
                     f"from {o['data']:#x}")
    # pointer map, word by word over the object's own bytes
    pm = doc.get("pointer_map") or {}
    m = pm.get("map")
    if o["noscan"]:
        if "noscan" not in str(pm.get("source")):
            p.append(f"pointer_map.source {pm.get('source')!r} for a noscan object")
    elif not isinstance(m, str):
        p.append(f"pointer_map.map: {m!r} ({pm.get('note') or pm.get('error')})")
    elif ob_base is not None:
        first = (o["data"] - ob_base) // 8
        if o["header"] and m[:1] != "H":
            p.append(f"pointer_map.map starts {m[:1]!r}, want the header 'H'")
        want = set(o["ptr_words"])
        n = min(o["size"] // 8, len(m) - first)
        got = {w for w in range(n) if m[first + w] == "p"}
        want = {w for w in want if w < n}
        if got != want:
            p.append(f"pointer words: got {sorted(got)[:20]}, want {sorted(want)[:20]} "
                     f"(map {m[:80]!r})")
    # specials: finalizers, cleanups, weak handles
    sps = doc.get("specials")
    if not isinstance(sps, list):
        return p + [f"specials: {sps!r}"]
    fins = [s for s in sps if s.get("kind") == "finalizer"]
    if o["finalizer"]:
        diff(p, "finalizers", [s.get("function") for s in fins], [o["finalizer"]])
    elif fins:
        p.append(f"unexpected finalizer {fins!r}")
    cls = [s for s in sps if s.get("kind") == "cleanup"]
    if o["cleanup"]:
        diff(p, "cleanups", [s.get("function") for s in cls], [o["cleanup"]])
    elif cls:
        p.append(f"unexpected cleanup {cls!r}")
    wks = [s for s in sps if s.get("kind") == "weak_handle"]
    if o["weak"]:
        diff(p, "weak handles -> object", [hexint(s.get("points_to")) for s in wks], [o["data"]])
    elif wks:
        p.append(f"unexpected weak handle {wks!r}")
    # the home annotation agrees
    h = doc.get("home") or {}
    diff(p, "home.kind", h.get("kind"), "heap")
    diff(p, "home.elemsize", h.get("elemsize"), o["elemsize"])
    diff(p, "home.object_base", hexint(h.get("object_base")), ob_base)
    diff(p, "home.marked", h.get("marked"), "unknown")
    return p


def check_object(name, span=False):
    def check(doc, ctx):
        o = find(ctx.truth["objects"], name)
        p = object_problems(doc, o, ctx)
        if span:
            so = doc.get("span_objects") or {}
            cells, sp, ob = so.get("cells"), doc.get("span") or {}, doc.get("object") or {}
            if not isinstance(cells, str) or len(cells) != sp.get("nelems"):
                p.append(f"span_objects.cells: {cells!r} for {sp.get('nelems')} slots")
            elif cells[ob.get("index", 0)] != "a":
                p.append(f"cell of this object is {cells[ob.get('index', 0)]!r}, want 'a'")
            elif cells.count("a") != so.get("allocated"):
                p.append(f"span_objects.allocated {so.get('allocated')} != {cells.count('a')} cells")
        return p
    return check


def check_freed(doc, ctx):
    o = ctx.truth["freed"][0]
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "address", hexint(doc.get("address")), o["address"])
    diff(p, "in_heap", doc.get("in_heap"), True)
    diff(p, "allocated", doc.get("allocated"), False)
    sp = doc.get("span")
    if sp and sp.get("state") == "in use":
        # a free slot of a live span: its neighbours are still allocated
        diff(p, "span.elemsize", sp.get("elemsize"), o["elemsize"])
        diff(p, "object.base", hexint((doc.get("object") or {}).get("base")), o["data"])
        p.append("note: free slot in a live span")
    else:
        p.append(f"note: {doc.get('note')}")
    return p


# ------------------------------------------------------------------- places

def check_place(name, number=False):
    def check(doc, ctx):
        t = find(ctx.truth["places"], name)
        p = []
        if not no_error(doc, p):
            return p
        diff(p, "address", hexint(doc.get("address")), t["address"])
        diff(p, "in_heap", doc.get("in_heap"), False)
        h = doc.get("home") or {}
        diff(p, "home.kind", h.get("kind"), t["kind"])
        if t["kind"] == "data" and t["section"] not in str(h.get("description")):
            p.append(f"home.description {h.get('description')!r} does not name {t['section']}")
        if t["kind"] == "stack":
            diff(p, "home.goroutine", h.get("goroutine"), t["goroutine"])
        if number and doc.get("type") is not None:
            p.append(f"type {doc.get('type')!r} for a number")
        return p
    return check


# ----------------------------------------------------------------------- gc

def check_gc(doc, ctx):
    ms, p = ctx.truth["memstats"], []
    if not no_error(doc, p):
        return p
    diff(p, "kind", doc.get("kind"), "gc")
    diff(p, "phase", doc.get("phase"), "off")
    diff(p, "write_barrier", doc.get("write_barrier"), False)
    diff(p, "cycles (work.cycles) vs MemStats.NumGC", doc.get("cycles"), ms["num_gc"])
    diff(p, "numgc vs MemStats.NumGC", doc.get("numgc"), ms["num_gc"])
    diff(p, "gogc", doc.get("gogc"), ctx.truth["gc_percent"])
    diff(p, "memory_limit", doc.get("memory_limit"), ctx.truth["memory_limit"])
    diff(p, "memory_limit_set", doc.get("memory_limit_set"), True)
    diff(p, "heap_goal vs MemStats.NextGC", doc.get("heap_goal"), ms["next_gc"])
    sp = doc.get("spans") or {}
    diff(p, "spans.in_use_bytes vs MemStats.HeapInuse", sp.get("in_use_bytes"), ms["heap_inuse"])
    diff(p, "heap_in_use vs MemStats.HeapInuse", doc.get("heap_in_use"), ms["heap_inuse"])
    diff(p, "spans.unreadable", sp.get("unreadable"), 0)
    diff(p, "spans.inconsistent", sp.get("inconsistent"), 0)
    rows = doc.get("size_classes") or []
    diff(p, "sum of size_classes bytes_spans", sum(r.get("bytes_spans", 0) for r in rows),
         sp.get("in_use_bytes"))
    diff(p, "sum of size_classes objects", sum(r.get("objects", 0) for r in rows), sp.get("objects"))
    for r in rows:
        if not 0 <= r.get("objects", -1) <= r.get("slots", -1):
            p.append(f"size class {r.get('size_class')}: objects {r.get('objects')} of "
                     f"{r.get('slots')} slots")
    # every truth object is in a class row with its elemsize, and in an
    # arena of the heat map, in a cell that is not empty
    by_size = {r.get("size") for r in rows}
    hm = doc.get("heat_map") or {}
    arenas = {hexint(a.get("base")): a.get("cells") for a in hm.get("arenas") or []}
    ab, cb = hm.get("arena_bytes"), hm.get("cell_bytes")
    for o in ctx.truth["objects"]:
        if not o["large"] and o["elemsize"] not in by_size:
            p.append(f"{o['name']}: no size class row of {o['elemsize']} bytes")
        if not ab or not cb:
            p.append("heat_map: no arena_bytes/cell_bytes")
            break
        a0 = next((a for a in arenas if a is not None and a <= o["data"] < a + ab), None)
        if a0 is None:
            p.append(f"{o['name']}: {o['data']:#x} in no heat map arena")
        elif arenas[a0][(o["data"] - a0) // cb] in " s":
            p.append(f"{o['name']}: its heat map cell is {arenas[a0][(o['data'] - a0) // cb]!r}")
    return p


# -------------------------------------------------------------- mark phase

MARK_CMDS = ["golayout gc --json", "golayout heap main.gGarbageAddr --json"]


def mark_session(ctx, exprs):
    """Run the binary to main.stopHere, continue to the next
    runtime.gcMarkTermination and run MARK_CMDS + `golayout heap E` for
    each expression. Returns (truth, {command: document or None}, error)."""
    cmds = MARK_CMDS + [f"golayout heap {e} --json" for e in exprs]
    with tempfile.TemporaryDirectory(prefix="golayout-mark-") as tmp:
        truth_path = Path(tmp) / "truth.json"
        if ctx.debugger == "gdb":
            argv = ["gdb", "-batch", "-nx", "-iex", "set auto-load python-scripts off",
                    "-ex", "set width 0", "-ex", "set height 0", "-ex", "set confirm off",
                    "-ex", f"source {harness.BUILD / harness.Gdb.plugin}",
                    "-ex", "handle SIGURG nostop noprint pass",
                    "-ex", f"set environment GOLAYOUT_TRUTH={truth_path}",
                    "-ex", "break main.stopHere", "-ex", "run",
                    # disabled first: a goroutine preempted while gdb steps
                    # it over the breakpoint can hit stopHere again
                    "-ex", "disable 1",
                    "-ex", "break runtime.gcMarkTermination", "-ex", "continue"]
            for i, c in enumerate(cmds):
                argv += ["-ex", f"echo {harness.MARK}{i}\\n", "-ex", c]
            argv.append(str(ctx.binary))
        else:
            lines = [f"plugin load {harness.BUILD / harness.Lldb.plugin}",
                     "process handle SIGURG -s false -n false -p true",
                     "breakpoint set -n main.stopHere",
                     f"process launch -E GOLAYOUT_TRUTH={truth_path}",
                     "breakpoint disable 1",
                     "breakpoint set -n runtime.gcMarkTermination", "process continue"]
            for i, c in enumerate(cmds):
                lines += [f"script print('{harness.MARK}{i}')", c]
            lines.append("process kill")
            script = Path(tmp) / "commands.lldb"
            script.write_text("\n".join(lines) + "\n")
            argv = ["lldb-16", "--batch", "-o", f"command source -e false -c false {script}",
                    str(ctx.binary)]
        output, rc, timed_out = harness.run_debugger(argv)
        log = harness.ROOT / "build" / "integration-logs" / \
            f"heap-mark_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output)
        if timed_out:
            return None, {}, f"{ctx.debugger} killed (log {log.name})"
        try:
            truth = json.loads(truth_path.read_text())
        except (OSError, ValueError) as e:
            return None, {}, f"no truth ({e}), log {log.name}"
    docs = {}
    for c, seg in zip(cmds, harness.split_output(output, len(cmds))):
        lines = [l for l in seg or [] if l.startswith(harness.SCHEMA_PREFIX)]
        docs[c] = json.loads(lines[0]) if len(lines) == 1 else None
    return truth, docs, ""


def check_mark_phase(doc, ctx):
    if not ctx.opt:
        return ["note: run on the optimized binary only"]
    exprs = [o["expr"] for o in ctx.truth["objects"]]
    truth, docs, err = mark_session(ctx, exprs)
    if err:
        return [err]
    p, ms = [], truth["memstats"]
    g = docs.get(MARK_CMDS[0])
    if not g:
        return ["`golayout gc` in the mark phase printed no document"]
    diff(p, "gc phase", g.get("phase"), "mark")
    diff(p, "gc write_barrier", g.get("write_barrier"), True)
    diff(p, "gc cycles (work.cycles, started) vs NumGC + 1", g.get("cycles"), ms["num_gc"] + 1)
    diff(p, "gc numgc (completed cycles)", g.get("numgc"), ms["num_gc"])
    d = docs.get(MARK_CMDS[1])
    if not d:
        p.append("`golayout heap main.gGarbageAddr` printed no document")
    else:
        diff(p, "garbage: gc_phase", d.get("gc_phase"), "mark")
        diff(p, "garbage: allocated (not swept yet)", d.get("allocated"), True)
        diff(p, "garbage: marked", d.get("marked"), "unmarked")
    for o in truth["objects"]:
        d = docs.get(f"golayout heap {o['expr']} --json")
        if not d:
            p.append(f"{o['name']}: no document")
            continue
        if d.get("error"):
            p.append(f"{o['name']}: error {d['error']}")
            continue
        diff(p, f"{o['name']}: address", hexint(d.get("address")), o["address"])
        diff(p, f"{o['name']}: allocated", d.get("allocated"), True)
        diff(p, f"{o['name']}: marked (reachable from a global)", d.get("marked"), "marked")
    return p


# -------------------------------------------------------------------- cases

def cases(truth):
    cs = [select_frame(0, "main.stopHere"), select_frame(1, "main.run")]
    for o in truth["objects"]:
        cs.append(Case(f"heap {o['name']} ({o['expr']})", f"golayout heap {o['expr']} --json",
                       check_object(o["name"])))
    cs.append(Case("heap --span (node)", "golayout heap main.gNode --span --json",
                   check_object("node", span=True)))
    cs.append(Case("heap of a freed object", f"golayout heap {truth['freed'][0]['expr']} --json",
                   check_freed))
    for t in truth["places"]:
        cs.append(Case(f"heap of {t['kind']} {t['name']} ({t['expr']})",
                       f"golayout heap {t['expr']} --json", check_place(t["name"])))
    d = next(t for t in truth["places"] if t["name"] == "gDataInt")
    cs.append(Case(f"heap of a number ({d['address']:#x}, main.gDataInt)",
                   f"golayout heap {d['address']:#x} --json", check_place("gDataInt", number=True)))
    cs.append(Case(f"error: heap of nil ({truth['nil_expr']})",
                   f"golayout heap {truth['nil_expr']} --json", check_error("nil")))
    cs.append(Case(f"error: heap of garbage ({truth['garbage']:#x})",
                   f"golayout heap {truth['garbage']:#x} --json", check_error("not in mapped memory")))
    cs.append(Case("error: heap of an unknown name", "golayout heap main.noSuchThing --json",
                   check_error("noSuchThing")))
    cs.append(Case("gc", "golayout gc --json", check_gc))
    cs.append(Case("mark phase: heap and gc at runtime.gcMarkTermination (separate session)",
                   "golayout version --json", check_mark_phase))
    return cs
