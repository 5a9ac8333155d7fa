"""Checks on the `allocs` fixture: where an object was allocated, as
`golayout heap` reads it from the memory profile (the object's profile
special, its bucket's stack, frames through the pclntab), against the
allocation stacks the fixture recorded itself (see
tests/fixtures/allocs/main.go): runtime.Callers on the allocating line,
turned into frames by runtime.CallersFrames (function, file, line, whether
inlined). The fixture sets runtime.MemProfileRate = 1 in init, so every
one of its allocations is sampled, except one made while the rate is 0.

The profile's stack starts inside the runtime's malloc; how many of the
runtime's own frames the runtime skips has changed across releases, so
leading runtime.* frames before the allocating function are allowed (and
counted in a note). Everything after them must be the fixture's frames,
exactly: function names (generic ones as Go prints them, "F[...]"), files,
lines, and the inlined flag.

Three ways in:
  - in the main session, by expression (builds with DWARF);
  - by address, in a separate live session per debugger: a snippet in the
    debugger reads the truth the fixture wrote before the stop and asks
    `golayout heap 0xADDR` about each object (no names needed: also the
    -ldflags=-w builds, whose layouts come from the built-in table and
    names from the pclntab);
  - by address in a core file: gdb's `gcore` of that live session under
    gdb, loaded in gdb and in lldb."""

import atexit
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

import harness
from harness import Case, select_frame, diff, no_error, hexint

FIXTURE = "allocs"


def find(items, name):
    return next(x for x in items if x["name"] == name)


def frame_key(f):
    return (f.get("function"), f.get("file"), f.get("line"), f.get("inlined"))


def site_problems(doc, o, rate):
    """golayout heap's document of object o against its truth."""
    p = []
    if doc is None:
        return ["no document"]
    if not no_error(doc, p):
        return p
    diff(p, "address", hexint(doc.get("address")), o["address"])
    diff(p, "allocated", doc.get("allocated"), True)
    diff(p, "mem_profile_rate (runtime.MemProfileRate)", doc.get("mem_profile_rate"), rate)
    site = doc.get("alloc_site")
    # the profile special of this object: at its own offset in the slot
    # (a tiny block's is its first object's, a malloc header's 8 bytes in)
    off = (doc.get("object") or {}).get("offset")
    profs = [s for s in doc.get("specials") or [] if s.get("kind") == "profile" and s.get("offset") == off]
    if not o["sampled"]:
        diff(p, "alloc_site of an object the runtime did not sample", site, None)
        diff(p, f"profile specials at its offset {off}", profs, [])
        return p
    if not isinstance(site, dict):
        return p + [f"alloc_site: {site!r}"]
    if site.get("error"):
        return p + [f"alloc_site.error: {site['error']}"]
    # the bucket is the object's profile special's (a tiny block holds
    # several, one per sampled object in it)
    if hexint(site.get("bucket")) not in [hexint(s.get("bucket")) for s in profs]:
        p.append(f"alloc_site.bucket {site.get('bucket')} is not the bucket of the profile special "
                 f"at the object's offset {off}: {doc.get('specials')!r}")
    if not isinstance(site.get("size"), int) or site["size"] < o["size"]:
        p.append(f"alloc_site.size {site.get('size')!r} below the {o['size']} bytes allocated")
    frames = site.get("frames") or []
    want = o["frames"]
    k = 0
    while k < len(frames) and str(frames[k].get("function")).startswith("runtime.") and \
            frames[k].get("function") != want[0]["function"]:
        k += 1
    got = [frame_key(f) for f in frames[k:]]
    exp = [frame_key(f) for f in want]
    if got != exp:
        i = next((i for i, (g, w) in enumerate(zip(got, exp)) if g != w), min(len(got), len(exp)))
        p.append(f"frames (after {k} runtime frames): {len(got)}, want {len(exp)}; first difference "
                 f"at {i}: got {got[i] if i < len(got) else None}, want {exp[i] if i < len(exp) else None}")
    diff(p, "alloc_site.site_frame (the allocating function's frame)", site.get("site_frame"), k)
    if k:
        p.append(f"note: {k} runtime frame(s) first ({', '.join(f.get('function') for f in frames[:k])})")
    return p


def check_site(name):
    def check(doc, ctx):
        return site_problems(doc, find(ctx.truth["objects"], name), ctx.truth["mem_profile_rate"])
    return check


def check_text(name):
    """The text output: "allocated at" and the allocating frame as
    function  file:line (the file's base name), or the not-sampled line."""
    def check(text, ctx):
        o = find(ctx.truth["objects"], name)
        if not o["sampled"]:
            want = [f"not sampled by the memory profiler (runtime.MemProfileRate = {ctx.truth['mem_profile_rate']}"]
        else:
            f = o["frames"][0]
            want = ["allocated at", f"{f['function']}  {Path(f['file']).name}:{f['line']}"]
        return [f"text output lacks {w!r}" for w in want if w not in text]
    return check


# ------------------------------------------- by address: live and core

SNIPPET = r'''
import json
T = json.load(open(TRUTH))
out = {}
for o in T["objects"]:
    for c in ("golayout heap %#x --json" % o["address"], "golayout heap %#x" % o["address"]):
        try:
            out[c] = RUN(c)
        except Exception as e:
            out[c] = "exception: %s" % e
json.dump(out, open(OUT, "w"))
'''
GDB_RUN = "RUN = lambda c: gdb.execute(c, to_string=True)\n"
LLDB_RUN = '''
def RUN(c):
    r = lldb.SBCommandReturnObject()
    lldb.debugger.GetCommandInterpreter().HandleCommand(c, r)
    return (r.GetOutput() or "") + (r.GetError() or "")
'''

_lock = threading.Lock()
_runs = {}
_tmp = tempfile.mkdtemp(prefix="golayout-allocs-")
atexit.register(shutil.rmtree, _tmp, True)


class Run:
    error = ""
    truth = None
    outputs = {}
    core = None
    seconds = 0.0


def memo(key, fn):
    with _lock:
        r = _runs.get(key)
    if r is None:
        r = fn()
        with _lock:
            _runs[key] = r
    return r


def _session(ctx, tmp, what, truth_path, core=None, write_core=None):
    """One debugger session running the snippet: live (launched to
    main.stopHere; under gdb with write_core, `gcore` after it) or on a
    core file."""
    r = Run()
    start = time.monotonic()
    out = Path(tmp) / "out.json"
    script = Path(tmp) / "snippet.py"
    script.write_text((GDB_RUN if ctx.debugger == "gdb" else LLDB_RUN) +
                      SNIPPET.replace("TRUTH", repr(str(truth_path))).replace("OUT", repr(str(out))))
    py = f"exec(open({str(script)!r}).read())"
    if ctx.debugger == "gdb":
        if core:
            argv = harness.gdb_argv(harness.gdb_plugin_lines() + [f"python {py}"], ctx.binary, core)
        else:
            ex = harness.gdb_launch_lines(truth_path) + [f"python {py}"]
            if write_core:
                ex.append(f"gcore {write_core}")
            argv = harness.gdb_argv(ex, ctx.binary)
    else:
        if core:
            lines = [f"plugin load {harness.lldb_plugin(ctx.debugger)}",
                     f"target create {ctx.binary} --core {core}", f"script {py}"]
            argv = harness.lldb_argv(lines, tmp, debugger=ctx.debugger)
        else:
            lines = harness.lldb_launch_lines(truth_path, ctx.debugger) + [f"script {py}", "process kill"]
            argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
    output, rc, timed_out = harness.run_debugger(argv)
    name = f"allocs-{what}_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log"
    log = harness.ROOT / "build" / "integration-logs" / name
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(output)
    try:
        if timed_out:
            raise RuntimeError(f"{ctx.debugger} killed after {harness.TIMEOUT:.0f} s")
        r.truth = json.loads(Path(truth_path).read_text())
        r.outputs = json.loads(out.read_text())
    except (OSError, ValueError, RuntimeError) as e:
        r.error = f"{what} session (log {name}, exit status {rc}): {type(e).__name__}: {e}"
    r.seconds = time.monotonic() - start
    return r


def live_run(ctx):
    """The by-address live session of ctx.binary in ctx.debugger; under
    gdb it also writes the core file."""
    def run():
        tmp = tempfile.mkdtemp(dir=_tmp)
        core = Path(tmp) / "core" if ctx.debugger == "gdb" else None
        r = _session(ctx, tmp, "live", Path(tmp) / "truth.json", write_core=core)
        r.core = core if core and core.exists() else None
        if r.core:
            harness.register_core(r.core)
        return r
    return memo(("live", ctx.cfg.label, ctx.binary.name, ctx.debugger), run)


def core_run(ctx):
    """gdb's core of the live session, loaded in ctx.debugger."""
    def run():
        from harness import Ctx
        live = live_run(Ctx(ctx.cfg, ctx.binary, "gdb"))
        if live.error or not live.core:
            r = Run()
            r.error = live.error or "gdb's `gcore` wrote no core"
            return r
        tmp = tempfile.mkdtemp(dir=_tmp)
        truth = Path(tmp) / "truth.json"
        truth.write_text(json.dumps(live.truth))
        return _session(ctx, tmp, "core", truth, core=live.core)
    return memo(("core", ctx.cfg.label, ctx.binary.name, ctx.debugger), run)


def check_by_address(which):
    def check(_, ctx):
        r = (live_run if which == "live" else core_run)(ctx)
        if r.error:
            return [r.error]
        if which == "core" and harness.emulator(ctx.binary):
            return stub_core_problems(r)
        p, sampled = [], 0
        for o in r.truth["objects"]:
            c = f"golayout heap {o['address']:#x}"
            doc, problem = harness.one_document(r.outputs.get(c + " --json", ""))
            q = [problem] if problem else site_problems(doc, o, r.truth["mem_profile_rate"])
            q += check_text(o["name"])(r.outputs.get(c, ""), harness.Ctx(ctx.cfg, ctx.binary, ctx.debugger,
                                                                          truth=r.truth))
            p += [f"{o['name']}: {x}" for x in q if not x.startswith("note: ")]
            sampled += o["sampled"]
        return p + [f"note: {len(r.truth['objects'])} objects ({sampled} sampled), {r.seconds:.1f} s"]
    return check


def stub_core_problems(r):
    """A program under qemu-user (arm64): gdb's gcore over qemu's gdb stub
    writes no heap (see test_goroutines.py, check_stub_core), so golayout
    must say of every object that its address is not in the core's memory;
    once an object decodes, the stub writes the heap and this module's full
    core checks should run instead."""
    p = []
    for o in r.truth["objects"]:
        doc, problem = harness.one_document(r.outputs.get(f"golayout heap {o['address']:#x} --json", ""))
        err = (doc or {}).get("error") or problem or ""
        if "not in mapped memory" not in str(err):
            p.append(f"{o['name']}: {err or 'decoded'}: does gcore over qemu's stub write the heap now? "
                     f"then run the full core checks")
    return p + ["note: gcore over qemu-user's gdb stub holds no heap: every object is outside the core's memory"]


def by_address_cases():
    return [Case("by address, live (separate session): every object's allocation stack",
                 check=check_by_address("live")),
            Case("by address, in gdb's gcore core file loaded in this debugger",
                 check=check_by_address("core"))]


# ----------------------------------------------------------------- gc

def check_gc(doc, ctx):
    """`golayout gc`'s memory-profile summary: the rate the fixture set,
    and at least one bucket per distinct sampled stack of its own (the
    runtime and the truth writer add more; a bucket is one stack and size)."""
    p = []
    if not no_error(doc, p):
        return p
    mp = doc.get("mem_profile") or {}
    diff(p, "mem_profile.rate", mp.get("rate"), ctx.truth["mem_profile_rate"])
    sites = {tuple(frame_key(f) for f in o["frames"]) for o in ctx.truth["objects"] if o["sampled"]}
    if not isinstance(mp.get("buckets"), int) or mp["buckets"] < len(sites):
        p.append(f"mem_profile.buckets {mp.get('buckets')!r}: fewer than the {len(sites)} sampled sites")
    return p + [f"note: {mp.get('buckets')} buckets, {len(sites)} sites of the fixture's"]


# -------------------------------------------------------------- cases

def cases(truth):
    cs = [select_frame(0, "main.stopHere")]
    for o in truth["objects"]:
        cs.append(Case(f"heap {o['name']} ({o['expr']}): allocation site", f"golayout heap {o['expr']} --json",
                       check_site(o["name"])))
    for name in ("inlined", "unsampled", "tiny (in a block)"):
        o = find(truth["objects"], name)
        cs.append(Case(f"heap {o['name']} ({o['expr']}): text", f"golayout heap {o['expr']}",
                       check_text(name), raw=True))
    cs.append(Case("gc: memory profile rate and buckets", "golayout gc --json", check_gc))
    return cs + by_address_cases()


def nodwarf_cases(truth, cfg):
    """-ldflags=-w: by address only (no DWARF names the globals); layouts
    from the built-in table, function names from the pclntab."""
    return [select_frame(0, "main.stopHere"),
            Case("gc: memory profile rate and buckets", "golayout gc --json", check_gc)] + by_address_cases()
