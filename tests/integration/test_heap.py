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
of MemStats.NumGC.

The object list: the fixture also writes the runtime's own heap dump
(debug.WriteHeapDump, read by heapdump.py) right before the stop, and
another session per binary and debugger asks golayout about ~50 of its
objects, chosen in the debugger once the dump exists (see "the runtime's
dump" below). The rules, from runtime/heapdump.go (the same in Go 1.22 to
1.27): dumpobjs writes each allocated slot at the slot's address with
size = span.elemsize (malloc header included, a tiny block as one 16-byte
object), so golayout must name that slot as an allocated object with the
same base and elemsize, a size class whose size in the binary's own table
(class_to_size, class_to_allocnpages read from the ELF file) is that size,
or a large span (size class 0) starting there; an address in the middle
(+size/2+1) must give the same base and that offset. Per span of the
sample, the dump's objects below nelems must be exactly golayout's
allocated cells of `--span`; past nelems dumpobjs writes every slot up to
npages*8192/elemsize (it takes free marks only below nelems), so there the
dump must hold exactly those, which checks golayout's nelems as well. The
dump sweeps every span first (mdump: ensureSwept), as runtime.GC did
already, so no object is free-but-unswept in it; the fixture runs on one P,
so nothing allocates between the dump and the breakpoint."""

import json
import tempfile
import threading
import time
from pathlib import Path

import harness
import heapdump
from harness import Case, select_frame, diff, no_error, check_error, hexint

FIXTURE = "heap"


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
        w = ctx.cfg.ptr_size  # the map has a character per pointer-sized word
        first = (o["data"] - ob_base) // w
        if o["header"] and m[:1] != "H":
            p.append(f"pointer_map.map starts {m[:1]!r}, want the header 'H'")
        want = set(o["ptr_words"])
        n = min(o["size"] // w, len(m) - first)
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
    if ctx.cfg.mode == "stripped":
        # -s -w: the globals found by their layout signatures give every
        # figure below; those with none are named, once, and are null
        diff(p, "phase (runtime.gcphase: no signature)", doc.get("phase"), None)
        diff(p, "write_barrier (runtime.writeBarrier: no signature)", doc.get("write_barrier"), None)
        unknown = {u.get("global"): u.get("why") for u in doc.get("unknown") or []}
        diff(p, "unknown globals", sorted(unknown), sorted(
            ["runtime.gcphase", "runtime.writeBarrier", "runtime.MemProfileRate", "runtime.mbuckets"]))
        for g, why in unknown.items():
            if "without a symbol table" not in str(why):
                p.append(f"unknown {g}: why {why!r} does not say there is no symbol table")
    else:
        diff(p, "phase", doc.get("phase"), "off")
        diff(p, "write_barrier", doc.get("write_barrier"), False)
        diff(p, "unknown globals", doc.get("unknown"), None)
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
            ex = harness.gdb_launch_lines(truth_path) + [
                # disabled first: a goroutine preempted while gdb steps
                # it over the breakpoint can hit stopHere again
                "disable 1",
                "break runtime.gcMarkTermination", "continue"]
            for i, c in enumerate(cmds):
                ex += [f"echo {harness.MARK}{i}\\n", c]
            argv = harness.gdb_argv(ex, ctx.binary)
        else:
            lines = harness.lldb_launch_lines(truth_path, ctx.debugger) + [
                "breakpoint disable 1",
                "breakpoint set -n runtime.gcMarkTermination", "process continue"]
            for i, c in enumerate(cmds):
                lines += [f"script print('{harness.MARK}{i}')", c]
            lines.append("process kill")
            argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
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
        docs[c] = harness.one_document("\n".join(seg or []))[0]
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


# ----------------------------------------------------- the runtime's dump

# The fixture writes the runtime's own heap dump (debug.WriteHeapDump) to
# $GOLAYOUT_TRUTH.heapdump right before main.stopHere. Its addresses are
# known only during the run, so, as test_goroutines.py does, this module
# runs a session of its own per binary and debugger: at main.stopHere a
# Python snippet in the debugger reads the dump (heapdump.py), picks the
# sample (heapdump.sample: ~50 objects over small, malloc-header and large
# sizes) and runs `golayout heap A --span --json` and `golayout heap A+off
# --json` for each; the checks below parse the same dump again, take the
# same sample and compare.

DUMP_SNIPPET = r'''
import sys
sys.path.insert(0, HERE)
import heapdump
'''
DUMP_GDB = DUMP_SNIPPET + '''
heapdump.debugger_main(lambda c: gdb.execute(c, to_string=True), SPEC)
'''
DUMP_LLDB = DUMP_SNIPPET + '''
def _gl_lldb_run(c):
    r = lldb.SBCommandReturnObject()
    lldb.debugger.GetCommandInterpreter().HandleCommand(c, r)
    return (r.GetOutput() or "") + (r.GetError() or "")
heapdump.debugger_main(_gl_lldb_run, SPEC)
'''


class DumpRun:
    """What one dump session saw: the truth and dump of its run, the size
    classes of the binary, the sample and each command's output."""
    error = ""
    truth = dump = classes = None
    outputs = {}
    sample = []

    def doc(self, cmd):
        """(document, None) or (None, problem)."""
        text = self.outputs.get(cmd)
        if text is None:
            return None, f"`{cmd}`: never ran ({self.outputs.get('error') or 'see ' + self.log})"
        doc, problem = harness.one_document(text)
        return doc, problem and f"`{cmd}`: {problem}"


_dump_lock = threading.Lock()
_dump_runs = {}


def dump_run(ctx):
    """The dump session of ctx.binary under ctx.debugger, run once (the
    cases of one run.py session share it)."""
    key = (ctx.cfg.label, ctx.binary.name, ctx.debugger)
    with _dump_lock:
        r = _dump_runs.get(key)
    if r is None:
        r = _dump_session(ctx)
        with _dump_lock:
            _dump_runs[key] = r
    return r


def symbols_of(ctx):
    """The binary whose symbol table gives the runtime's size classes: a
    -s -w build has none, its release's -ldflags=-w build of the same
    fixture (another configuration, the same runtime) has."""
    if ctx.cfg.mode != "stripped":
        return ctx.binary
    return ctx.binary.parent.parent / (ctx.cfg.label[:-len("-sw")] + "-w") / ctx.binary.name


def _dump_session(ctx):
    r = DumpRun()
    r.log = f"heap-dump_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log"
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="golayout-heapdump-") as tmp:
        truth_path = Path(tmp) / "truth.json"
        spec = Path(tmp) / "spec.json"
        out = Path(tmp) / "out.json"
        spec.write_text(json.dumps({"dump": f"{truth_path}.heapdump", "out": str(out)}))
        script = Path(tmp) / "run.py"
        script.write_text((DUMP_GDB if ctx.debugger == "gdb" else DUMP_LLDB)
                          .replace("HERE", repr(str(Path(__file__).resolve().parent)))
                          .replace("SPEC", repr(str(spec))))
        py = f"exec(open({str(script)!r}).read())"
        if ctx.debugger == "gdb":
            argv = harness.gdb_argv(harness.gdb_launch_lines(truth_path, harness.STOP_AT.get(ctx.binary))
                                    + [f"python {py}"], ctx.binary)
        else:
            lines = harness.lldb_launch_lines(truth_path, ctx.debugger, harness.STOP_AT.get(ctx.binary)) + [
                f"script {py}", "process kill"]
            argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
        output, rc, timed_out = harness.run_debugger(argv)
        log = harness.ROOT / "build" / "integration-logs" / r.log
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output)
        try:
            if timed_out:
                raise RuntimeError(f"{ctx.debugger} killed after {harness.TIMEOUT:.0f} s")
            r.truth = json.loads(truth_path.read_text())
            r.dump = heapdump.read(f"{truth_path}.heapdump")
            r.outputs = json.loads(out.read_text())
            r.classes = heapdump.size_classes(symbols_of(ctx))
            r.sample = heapdump.commands(r.dump)
        except (OSError, ValueError, RuntimeError, heapdump.DumpError) as e:
            r.error = f"separate dump session (log {r.log}, exit status {rc}): {type(e).__name__}: {e}"
    r.seconds = time.monotonic() - start
    return r


def check_dump_truth(doc, ctx):
    """The dump itself against the fixture's truth of the same run: its
    MemStats are those the fixture read before it (nothing was allocated in
    between), and it holds every truth object at its slot's address with
    its slot size (tiny ones: the 16-byte block), and not the freed one."""
    r = dump_run(ctx)
    if r.error:
        return [r.error]
    p, t, d = [], r.truth, r.dump
    ms, notes = d.memstats, []
    # what the gc check relies on must hold at the stop: the dump changed
    # nothing of it
    for k, want in (("NumGC", "num_gc"), ("NextGC", "next_gc"), ("HeapInuse", "heap_inuse"),
                    ("HeapSys", "heap_sys")):
        diff(p, f"dump MemStats.{k} vs the fixture's ReadMemStats", ms.get(k), t["memstats"][want])
    # an allocation between the two reads would be the runtime's own (the
    # fixture allocates nothing there and runs on one P): a note, since the
    # dump, not the earlier MemStats, is what golayout is compared with
    for k, want in (("HeapAlloc", "heap_alloc"), ("HeapObjects", "heap_objects")):
        if ms.get(k) != t["memstats"][want]:
            notes.append(f"dump MemStats.{k} {ms.get(k)} vs {t['memstats'][want]} read before it")
    diff(p, "dump params version", d.params.get("version"), t["go_version"])
    diff(p, "dump params ptrsize (the configuration's GOARCH)", d.params.get("ptrsize"), ctx.cfg.ptr_size)
    objs = dict(d.objects)
    for o in t["objects"]:
        slot = (o["data"] & ~15) if o["tiny"] else o["data"] - (8 if o["header"] else 0)
        diff(p, f"dump object at {slot:#x} ({o['name']}): size", objs.get(slot), o["elemsize"])
    f = t["freed"][0]
    held = [a for a, sz in d.objects if a <= f["address"] < a + sz]
    if held:
        p.append(f"freed object {f['address']:#x} is in dump object(s) {[hex(a) for a in held]}")
    return p + [f"note: {n}" for n in notes] + \
        [f"note: {len(d.objects)} dump objects, sample {len(r.sample)}, session {r.seconds:.1f} s"]


def sampled_object_problems(r, a, size, d1, d2, w):
    """`golayout heap A --span` and `golayout heap A+off` of one dump object
    (address A, size = the span's elemsize, see heapdump.py)."""
    p, where = [], f"dump object {a:#x} ({size} B): "
    sizes, npages = r.classes
    off = heapdump.interior_offset(size)
    if not no_error(d1, p):
        return [where + x for x in p]
    sp, ob = d1.get("span") or {}, d1.get("object") or {}
    diff(p, "in_heap", d1.get("in_heap"), True)
    diff(p, "allocated", d1.get("allocated"), True)
    diff(p, "marked", d1.get("marked"), "unknown")
    diff(p, "span.state", sp.get("state"), "in use")
    diff(p, "object.base", hexint(ob.get("base")), a)
    diff(p, "object.offset", ob.get("offset"), 0)
    diff(p, "span.elemsize", sp.get("elemsize"), size)
    base, end, c = hexint(sp.get("base")), hexint(sp.get("end")), sp.get("size_class")
    if base is None or end is None or not base <= a < a + size <= end:
        p.append(f"span [{sp.get('base')}, {sp.get('end')}) does not hold [{a:#x}, {a + size:#x})")
    else:
        if (a - base) % size:
            p.append(f"{a:#x} is {a - base} bytes into the span: not a whole number of {size}-byte slots")
        diff(p, "object.index", ob.get("index"), (a - base) // size)
        diff(p, "span end - base vs npages * 8192", end - base, (sp.get("npages") or 0) * 8192)
    # A slot of <= 32 KiB is a small size class, except that a large
    # object of 32761..32768 bytes with pointers takes 4 pages = 32768.
    small = size in sizes[1:]
    if isinstance(c, int) and c > 0:
        if not small:
            p.append(f"size class {c} for a {size}-byte slot (no such class size)")
        elif c >= len(sizes):
            p.append(f"size class {c} out of the binary's table ({len(sizes)} classes)")
        else:
            diff(p, f"binary's class_to_size[{c}]", sizes[c], size)
            diff(p, f"span.npages vs the binary's class_to_allocnpages[{c}]", sp.get("npages"), npages[c])
        diff(p, "span.large", sp.get("large"), False)
    elif c == 0:
        if small and size != 32768:
            p.append(f"large span (size class 0) for a {size}-byte slot of a small size class")
        diff(p, "span.large", sp.get("large"), True)
        diff(p, "span.base (a large object starts its span)", base, a)
        diff(p, "span.nelems", sp.get("nelems"), 1)
    else:
        p.append(f"span.size_class {c!r}")
    cells = (d1.get("span_objects") or {}).get("cells")
    i = ob.get("index")
    if not isinstance(cells, str) or len(cells) != sp.get("nelems"):
        p.append(f"span_objects.cells {str(cells)[:40]!r} for {sp.get('nelems')} slots")
    elif isinstance(i, int) and 0 <= i < len(cells) and cells[i] != "a":
        p.append(f"span_objects cell {i} is {cells[i]!r}, want 'a'")
    diff(p, "span.sweep (the dump swept every span)", sp.get("sweep"), "swept")
    # pointer words: the dump's fields are the runtime's own typePointersOf
    # over the whole slot, as byte offsets from its base; golayout's map is
    # word by word (w bytes, the pointer size) from the slot's base too ('H'
    # the malloc header, 'p' a pointer), over the words it shows (--limit,
    # 1024 by default) (every object of a scan span has some; a malloc
    # header is in the slots of a small scan span above the runtime's
    # minSizeForMallocHeader, w*8*w bytes: 512 on 64-bit, 128 on 386)
    want = sorted(o // w for o in r.dump.pointers.get(a, ()))
    diff(p, "span.noscan (the dump lists no pointer word)", sp.get("noscan"), not want)
    diff(p, "object.header", ob.get("header"),
         bool(want) and isinstance(c, int) and c > 0 and size > w * 8 * w)
    pm = d1.get("pointer_map") or {}
    m = pm.get("map")
    if not want:
        pass  # noscan (checked above)
    elif not isinstance(m, str):
        p.append(f"pointer_map.map: {m!r} ({pm.get('note') or pm.get('error')})")
    else:
        got = [i for i, ch in enumerate(m) if ch == "p"]
        shown = [i for i in want if i < len(m)]
        if got != shown:
            i = min(set(got) ^ set(shown))
            p.append(f"pointer words over the {len(m)} shown: golayout {len(got)}, dump {len(shown)}; "
                     f"first difference word {i} ({a + w * i:#x}): golayout {m[i]!r}, dump "
                     f"{'pointer' if i in shown else 'no pointer'}")
        if ob.get("header") and m[:1] != "H":
            p.append(f"pointer_map.map starts {m[:1]!r}, want the malloc header 'H'")
    # an address in the middle of the object
    if d2 is not None:
        q = []
        if no_error(d2, q):
            diff(q, "allocated", d2.get("allocated"), True)
            diff(q, "object.base", hexint((d2.get("object") or {}).get("base")), a)
            diff(q, "object.offset", (d2.get("object") or {}).get("offset"), off)
            diff(q, "span.base", hexint((d2.get("span") or {}).get("base")), base)
            diff(q, "span.elemsize", (d2.get("span") or {}).get("elemsize"), size)
        p += [f"at +{off} ({a + off:#x}): {x}" for x in q]
    return [where + x for x in p]


def check_dump_objects(doc, ctx):
    """The sampled dump objects one by one (sampled_object_problems)."""
    r = dump_run(ctx)
    if r.error:
        return [r.error]
    if "error" in r.outputs:
        return [f"the debugger's snippet: {r.outputs['error']} (log {r.log})"]
    p, kinds = [], {}
    withptrs = sum(1 for a, *_ in r.sample if r.dump.pointers.get(a))
    for a, size, c1, c2 in r.sample:
        kinds[heapdump.bucket(size)] = kinds.get(heapdump.bucket(size), 0) + 1
        d1, e1 = r.doc(c1)
        d2, e2 = r.doc(c2)
        if e1 or e2:
            p += [e for e in (e1, e2) if e]
            continue
        p += sampled_object_problems(r, a, size, d1, d2, ctx.cfg.ptr_size)
    for k, _ in heapdump.QUOTA:
        if not kinds.get(k):
            p.append(f"no {k} object in the sample ({len(r.dump.objects)} dump objects)")
    return p + ["note: " + ", ".join(f"{n} {k}" for k, n in kinds.items()) +
                f"; {withptrs} with pointer words"]


def check_dump_spans(doc, ctx):
    """Per span of the sample (its `--span` document): the dump's objects
    in [base, base + npages*8192) against golayout's cells. Below nelems
    the dump holds exactly the allocated slots; from nelems on it holds
    every slot up to npages*8192/elemsize (dumpobjs takes free marks only
    below nelems, see heapdump.py), which checks golayout's nelems too."""
    r = dump_run(ctx)
    if r.error:
        return [r.error]
    p, seen, spans, nslots, ntail = [], set(), set(), 0, 0
    addrs = sorted(r.dump.objects)
    for a, size, c1, _ in r.sample:
        d, err = r.doc(c1)
        if err or d.get("error") is not None:
            continue  # reported by the objects check
        sp, so = d.get("span") or {}, d.get("span_objects") or {}
        base, npages, es, nelems = hexint(sp.get("base")), sp.get("npages"), sp.get("elemsize"), sp.get("nelems")
        cells = so.get("cells")
        # every --span document is checked; two of one span that agree once
        key = (base, npages, es, nelems, cells, so.get("allocated"))
        if key in seen:
            continue
        seen.add(key)
        where = f"span {base:#x} ({size}-byte slots, from dump object {a:#x}): " if base else f"span of {a:#x}: "
        if not (isinstance(base, int) and isinstance(npages, int) and isinstance(es, int) and es > 0
                and isinstance(nelems, int) and isinstance(cells, str) and len(cells) == nelems):
            p.append(where + f"no base/npages/elemsize/nelems/cells: {str(sp)[:200]}")
            continue
        limit = base + npages * 8192
        n = npages * 8192 // es
        inside = [(x, sz) for x, sz in addrs if base <= x < limit]
        idx = set()
        for x, sz in inside:
            if (x - base) % es or sz != es:
                p.append(where + f"dump object {x:#x} of {sz} B is not a {es}-byte slot of it")
            else:
                idx.add((x - base) // es)
        got = {i for i, ch in enumerate(cells) if ch == "a"}
        want = {i for i in idx if i < nelems}
        for i in sorted(want - got):
            p.append(where + f"slot {i} ({base + i * es:#x}): in the dump, golayout's cell is {cells[i]!r}")
        for i in sorted(got - want):
            p.append(where + f"slot {i} ({base + i * es:#x}): golayout says allocated, not in the dump")
        diff(p, where + "span_objects.allocated vs dump objects below nelems", so.get("allocated"), len(want))
        tail = sorted(i for i in idx if i >= nelems)
        diff(p, where + f"dump slots past nelems {nelems} (dumpobjs writes all up to {n})",
             tail, list(range(nelems, n)))
        if base not in spans:
            spans.add(base)
            nslots, ntail = nslots + nelems, ntail + len(tail)
    return p + [f"note: {len(spans)} spans, {nslots} slots, {ntail} dumped slots past nelems"]


# -------------------------------------------------------------------- cases

def dump_cases():
    """The checks of golayout heap against the runtime's own heap dump."""
    return [Case("heap dump: the fixture's objects and MemStats in the runtime's dump "
                 "(separate session)", check=check_dump_truth),
            Case("heap dump: sampled objects: slot, size class, pointer words, interior address",
                 check=check_dump_objects),
            Case("heap dump: allocated slots of each sampled span vs --span",
                 check=check_dump_spans)]


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
                   check=check_mark_phase))
    return cs + dump_cases()


# ----------------------------------------------------- without DWARF (-w)

def check_version_builtin(doc, ctx):
    """`golayout version` of a -ldflags=-w binary: layouts from the
    built-in table of its release and variants, names from the symbol
    table."""
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "layouts_from", doc.get("layouts_from"), "builtin")
    diff(p, "dwarf_version", doc.get("dwarf_version"), None)
    src = doc.get("sources") or {}
    want = f"built-in table go1.{ctx.cfg.go_minor} {ctx.cfg.map_impl} maps"
    if not str(src.get("runtime_layouts")).startswith(want):
        p.append(f"sources.runtime_layouts {src.get('runtime_layouts')!r} does not start {want!r}")
    diff(p, "map_impl (from the build info)", doc.get("map_impl"), ctx.cfg.map_impl)
    diff(p, "variants_from", doc.get("variants_from"), "build info")
    if "symbol table" not in str(src.get("names")):
        p.append(f"sources.names {src.get('names')!r} does not name the symbol table")
    return p


def check_version_stripped(doc, ctx):
    """`golayout version` of a -s -w binary: layouts from the built-in
    table, the runtime's globals found by their layout signatures, no
    names."""
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "layouts_from", doc.get("layouts_from"), "builtin")
    src = str((doc.get("sources") or {}).get("runtime_layouts"))
    want = f"built-in table go1.{ctx.cfg.go_minor} {ctx.cfg.map_impl} maps"
    if not src.startswith(want):
        p.append(f"sources.runtime_layouts {src!r} does not start {want!r}")
    for g in ("runtime.mheap_", "runtime.allgs", "runtime.gcController", "runtime.memstats", "runtime.work"):
        if "found " not in src or g not in src.split("found ", 1)[1].split(";")[0]:
            p.append(f"sources.runtime_layouts {src!r} does not list {g} as found by its layout signature")
    return p


def stripped_cases(truth, cfg):
    """A -ldflags='-s -w' build: what nodwarf_cases checks, with the
    runtime's globals found by their layout signatures (no symbol table),
    the debuggers stopped at main.stopHere's address (the truth's) and
    gDataInt asked about by its address."""
    d = next(t for t in truth["places"] if t["name"] == "gDataInt")
    cs = [Case("version: built-in layouts, globals by layout signature", "golayout version --json",
               check_version_stripped),
          Case(f"heap of a number ({d['address']:#x}, main.gDataInt)",
               f"golayout heap {d['address']:#x} --json", check_place("gDataInt", number=True)),
          Case("gc", "golayout gc --json", check_gc)]
    return cs + dump_cases()


def nodwarf_cases(truth, cfg):
    """A -ldflags=-w build: gc, heap of a global's static address, and heap
    of the objects of the runtime's own heap dump (addresses chosen in the
    debugger: heap addresses differ from run to run), all with the
    built-in runtime layouts."""
    d = next(t for t in truth["places"] if t["name"] == "gDataInt")
    cs = [select_frame(0, "main.stopHere"),
          Case("version: layouts from the built-in table", "golayout version --json", check_version_builtin),
          Case(f"heap of a number ({d['address']:#x}, main.gDataInt)",
               f"golayout heap {d['address']:#x} --json", check_place("gDataInt", number=True))]
    cs.append(Case("gc", "golayout gc --json", check_gc))
    return cs + dump_cases()
