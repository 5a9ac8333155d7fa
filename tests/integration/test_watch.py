"""Checks on the `growth` fixture: `golayout watch map|slice` against what
the fixture itself saw at each growth (tests/fixtures/growth/main.go).

At the fixture's first stop the session watches the map M and the slices S
and Alias (S[1:2]), with --json --out FILE, and lets the program run: it
grows M from empty to 100,000 entries (20,000 in most configurations, see
FULL; 5,000 under qemu, see EMULATED) and S by 5,000 appends, writes its
truth and stops in main.stopEnd. Every event golayout recorded must be one the
fixture saw, in the same order, and none may be missing.

The sessions with watches are separate ones (a classic map's 100,000
inserts cost tens of thousands of breakpoint hits: more than the harness's
usual time per session; and the program must go on past main.stopHere,
whose breakpoint they disable); the bad-input checks run in the ordinary
one."""

import json
import tempfile
from pathlib import Path

import harness
from harness import Case, check_error, diff

FIXTURE = "growth"
# Each watching session runs the program through thousands of breakpoint
# hits: the configurations that differ in what `watch` does (classic maps
# in Go 1.22 and under GOEXPERIMENT=noswissmap in 1.24, swiss maps in 1.26
# and the latest release, arguments on the stack on 386, the link register
# and qemu's gdb stub on arm64, with both map implementations) and no others.
CONFIGS = {"go1.22", "go1.24-noswissmap", "go1.26", "go1.27", "go1.26-386", "go1.26-arm64",
           "go1.24-noswissmap-arm64"}
TIMEOUT = 900  # seconds for the watching session


def _watch_lines(out):
    return [f"golayout watch map M --json --out {out}",
            f"golayout watch slice S --json --out {out}",
            f"golayout watch slice Alias --json --out {out}"]


# The ordinary session's breakpoint at main.stopHere is disabled before
# the program goes on: resuming there, the same call can hit it again
# (Go's preemption signal arriving as the thread steps over it).
# How far the map grows: 100,000 entries (the figure) in one
# configuration of each map implementation, in GDB, and for swiss maps in
# LLDB too; 20,000 elsewhere. A classic map's growth is a breakpoint hit for
# every bucket evacuated (about 3 ms each in GDB, 5 to 7 in LLDB): at
# 100,000 entries minutes per session, in LLDB seven.
FULL = {("go1.22", "gdb"), ("go1.26", "gdb"), ("go1.26", "lldb")}


# Under qemu-aarch64 every breakpoint hit is a round trip through qemu's
# gdb stub: a classic map of 20,000 entries took 149 s (gdb) and 174 s
# (lldb) of run.py's wall time for go1.24-noswissmap-arm64; 5,000 entries
# still grow it through ten doublings, each event compared as elsewhere.
EMULATED = 5000


def _entries(ctx):
    if harness.emulator(ctx.binary):
        return EMULATED
    return 100000 if (ctx.cfg.label, "gdb" if ctx.debugger == "gdb" else "lldb") in FULL else 20000


def _session(ctx, tmp, truth, lines):
    """A separate session of ctx.binary under ctx.debugger: run to
    main.stopHere, disable that breakpoint, then `lines` (GDB's commands;
    "continue" and "break F" are spelled for LLDB). Returns (output,
    error or None); the log is kept in build/integration-logs."""
    n = _entries(ctx)
    # gdb breaks at a function's entry (*F), not past its prologue: the
    # -N -l arm64 binaries' empty main.stopEnd ends where main.mapPtr's
    # first line, marked prologue_end, starts, and gdb 13 takes that mark
    # for stopEnd's (its breakpoint lands in mapPtr, hit before any growth)
    lines = [f"break *{l[6:]}" if l.startswith("break ") else l for l in lines]
    if ctx.debugger == "gdb":
        ex = harness.gdb_launch_lines(truth)
        ex.insert(ex.index("break main.stopHere"), f"set environment GOLAYOUT_GROWTH_ENTRIES={n}")
        ex += ["disable 1"] + lines
        argv = harness.gdb_argv(ex, ctx.binary)
    else:
        ll = ["process continue" if l == "continue" else
              f"breakpoint set -n {l[7:]}" if l.startswith("break *") else l for l in lines]
        start = harness.lldb_start_lines(ctx.debugger, f"-E GOLAYOUT_TRUTH={truth} -E GOLAYOUT_GROWTH_ENTRIES={n}")
        ll = start + ["breakpoint disable 1"] + ll + ["process kill"]
        argv = harness.lldb_argv(ll, tmp, ctx.binary, debugger=ctx.debugger)
    output, rc, timed_out = harness.run_debugger(argv, TIMEOUT)
    return output, (f"the session was killed after {TIMEOUT} s" if timed_out else None)


def _log(ctx, what, output):
    log = harness.ROOT / "build" / "integration-logs" / \
        f"watch-{what}_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(output)
    return log.name


_runs = {}


def watch_run(ctx):
    """The watching session, once per binary and debugger: the documents
    of its --out file and the truth written at main.stopEnd."""
    key = ("watch", ctx.cfg.label, ctx.binary.name, ctx.debugger)
    if key in _runs:
        return _runs[key]
    tmp = tempfile.mkdtemp(prefix="golayout-watch-")
    truth, out = str(Path(tmp) / "truth.json"), str(Path(tmp) / "events.jsonl")
    output, error = _session(ctx, tmp, truth, _watch_lines(out) + [
        "break main.stopEnd", "continue", "golayout watch list"])
    log = _log(ctx, "all", output)
    r = {"error": f"{error} (log {log})" if error else None, "docs": [], "truth": None}
    try:
        r["truth"] = json.loads(Path(truth).read_text())
        if r["truth"].get("stage") != "end":
            raise ValueError("the program did not reach main.stopEnd")
    except (OSError, ValueError) as e:
        r["error"] = r["error"] or f"the fixture wrote no whole truth ({e}; log {log})"
    try:
        r["docs"] = [json.loads(l) for l in Path(out).read_text().splitlines() if l.strip()]
    except (OSError, ValueError) as e:
        r["error"] = r["error"] or f"no readable --out file ({e}; log {log})"
    _runs[key] = r
    return r


def stop_run(ctx):
    """The --stop session: watch M with --stop, continue to its first
    growth, try to watch M there, stop the watches. The JSON documents it
    printed, in order, and the truth of the first stop."""
    key = ("stop", ctx.cfg.label, ctx.binary.name, ctx.debugger)
    if key in _runs:
        return _runs[key]
    tmp = tempfile.mkdtemp(prefix="golayout-watch-")
    truth = str(Path(tmp) / "truth.json")
    output, error = _session(ctx, tmp, truth, [
        "golayout watch map M --stop --json", "continue", "golayout watch map M --json",
        "golayout watch stop --json"])
    log = _log(ctx, "stop", output)
    docs = []
    for line in output.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if isinstance(d, dict) and d.get("schema") == "golayout/1":
            docs.append(d)
    r = {"error": f"{error} (log {log})" if error else None, "docs": docs, "truth": None}
    try:
        r["truth"] = json.loads(Path(truth).read_text())
    except (OSError, ValueError) as e:
        r["error"] = r["error"] or f"the fixture wrote no truth ({e}; log {log})"
    if not r["error"] and len(docs) != 4:
        r["error"] = f"{len(docs)} documents, not 4 (log {log})"
    _runs[key] = r
    return r


def watches(r):
    """{expr: watch number} from the documents the watch commands wrote."""
    return {d.get("expr"): d.get("watch") for d in r["docs"] if d.get("kind") == "watch"}


def events(r, expr):
    n = watches(r).get(expr)
    return [d for d in r["docs"] if d.get("kind") == "watch-event" and d.get("watch") == n]


def check_watches_set(_, ctx):
    r = watch_run(ctx)
    if r["error"]:
        return [r["error"]]
    p = []
    diff(p, "watched expressions", sorted(watches(r)), ["Alias", "M", "S"])
    for d in r["docs"]:
        if d.get("error"):
            p.append(f"{d.get('kind')} document with error {d['error']!r}")
    return p


def _len(e):
    """The growth's len as the fixture counts it: the runtime grows while
    inserting, before the new entry counts (event "len" + 1)."""
    return e.get("len", -2) + 1


def classic_problems(evs, growths):
    p = []
    got = [(e.get("event"), _len(e)) for e in evs]
    want = [(g["kind"], g["len"]) for g in growths]
    diff(p, "events (kind, len)", got, want)
    last_grow = None
    for e, g in zip(evs, growths):
        if e.get("event") != g["kind"]:
            break
        if g["kind"] == "hashgrow":
            diff(p, f"hashgrow at len {g['len']}: old_B", e.get("old_B"), g["old_B"])
            diff(p, f"hashgrow at len {g['len']}: new_B", e.get("new_B"), g["new_B"])
            diff(p, f"hashgrow at len {g['len']}: same_size", e.get("same_size"), g["same_size"])
            last_grow = e
        else:
            diff(p, f"evacuated at len {g['len']}: B", e.get("B"), g["B"])
            if last_grow:
                # every entry of the old array moved, to X or to Y
                diff(p, f"evacuated at len {g['len']}: moved_x + moved_y",
                     (e.get("moved_x") or 0) + (e.get("moved_y") or 0), last_grow.get("len"))
                diff(p, f"evacuated at len {g['len']}: old_nbuckets", e.get("old_nbuckets"),
                     last_grow.get("old_nbuckets"))
    return p


def swiss_problems(evs, growths):
    p = []
    got = [(e.get("event"), _len(e)) for e in evs]
    want = [(g["kind"], g["len"]) for g in growths]
    diff(p, "events (kind, len)", got, want)
    for e, g in zip(evs, growths):
        if e.get("event") != g["kind"]:
            break
        at = f"{g['kind']} at len {g['len']}"
        if g["kind"] == "to-table":
            diff(p, f"{at}: capacity", e.get("capacity"), g["capacity"])
            diff(p, f"{at}: moved", e.get("moved"), e.get("len"))
            continue
        old = e.get("old_table") or {}
        diff(p, f"{at}: old capacity", [old.get("capacity")], g["old_capacity"])
        diff(p, f"{at}: old_dirlen", e.get("old_dirlen"), g["old_dirlen"])
        diff(p, f"{at}: new_dirlen", e.get("new_dirlen"), g["new_dirlen"])
        new = [e.get("new_table") or {}] if g["kind"] == "table-grow" else \
            [e.get("left") or {}, e.get("right") or {}]
        diff(p, f"{at}: new capacities", sorted(t.get("capacity") for t in new),
             sorted(g["new_capacities"]))
        # every entry of the old table is in the new one(s)
        diff(p, f"{at}: entries moved", sum(t.get("used") or 0 for t in new), old.get("used"))
    return p


def finished_run(ctx, expr):
    """(truth, events of expr, problems so far): the watching session's
    error is the one problem when it failed."""
    r = watch_run(ctx)
    return (None, [], [r["error"]]) if r["error"] else (r["truth"], events(r, expr), [])


def check_map(_, ctx):
    t, evs, p = finished_run(ctx, "M")
    if p:
        return p
    for e in evs:
        if harness.hexint(e.get("address")) != t["map_address"]:
            p.append(f"event {e.get('seq')} address {e.get('address')} is not M's header "
                     f"{t['map_address']:#x}")
            break
    if t["map_impl"] == "classic":
        p += classic_problems(evs, t["map_growths"])
    else:
        p += swiss_problems(evs, t["map_growths"])
    if not p:
        p.append(f"note: {len(evs)} {t['map_impl']} growth events")
    return p


def check_slice(_, ctx):
    t, evs, p = finished_run(ctx, "S")
    if p:
        return p
    r = watch_run(ctx)
    keys = ("len", "old_array", "new_array", "old_cap", "new_cap")
    got = [{k: (harness.hexint(e.get(k)) if "array" in k else e.get(k)) for k in keys} for e in evs]
    diff(p, "growslice events", got, [{k: g[k] for k in keys} for g in t["slice_growths"]])
    alias = watches(r).get("Alias")
    for i, e in enumerate(evs):
        diff(p, f"event {i + 1} copied_bytes", e.get("copied_bytes"), (e.get("len", 0) - 1) * t["elem_size"])
        # Alias (S[1:2]) stays on S's first array: only the first growth leaves it behind
        want = [{"watch": alias, "expr": "Alias"}] if i == 0 else []
        diff(p, f"event {i + 1} old_array_still_used_by", e.get("old_array_still_used_by"), want)
    if events(r, "Alias"):
        p.append(f"Alias never grows, yet has events: {events(r, 'Alias')}")
    return p


def check_stop_session(_, ctx):
    """--stop: the watch, its first event (the program stopped there), the
    watch refused at that stop (the map is being written), watch stop."""
    r = stop_run(ctx)
    if r["error"]:
        return [r["error"]]
    watch, ev, busy, stopped = r["docs"]
    t = r["truth"]
    p = []
    diff(p, "watch: kind", watch.get("kind"), "watch")
    diff(p, "watch: stop", watch.get("stop"), True)
    if harness.hexint(watch.get("address")) != t.get("map_address"):
        p.append(f"watch: address {watch.get('address')} is not M's header {t.get('map_address'):#x}")
    # the first growth: a classic map's hashGrow from B 0 at its 9th
    # insert (len 8 before it), a swiss map's small group turned table
    classic = t.get("map_impl") == "classic"
    diff(p, "event: kind", ev.get("kind"), "watch-event")
    diff(p, "event", ev.get("event"), "hashgrow" if classic else "to-table")
    diff(p, "event: len", ev.get("len"), 8)
    diff(p, "event: seq", ev.get("seq"), 1)
    if classic:
        diff(p, "event: old_B -> new_B", (ev.get("old_B"), ev.get("new_B")), (0, 1))
    else:
        diff(p, "event: moved", ev.get("moved"), 8)
    # stopped inside the insert that grew it: the writing flag is set
    if "middle of a write" not in (busy.get("error") or ""):
        p.append(f"watch at the event stop: error {busy.get('error')!r} does not say "
                 f"'middle of a write'")
    diff(p, "watch stop: kind", stopped.get("kind"), "watch-stop")
    if stopped.get("error"):
        p.append(f"watch stop: error {stopped['error']!r}")
    return p


def cases(truth):
    return [
        # bad input, at the first stop
        Case("watch map on a slice", "golayout watch map S --json", check_error("not a map")),
        Case("watch slice on a map", "golayout watch slice M --json", check_error("not a slice")),
        Case("watch map of an unknown name", "golayout watch map NoSuchVar --json", check_error("NoSuchVar")),
        Case("watch stop of no watch", "golayout watch stop 7 --json", check_error("no watch 7")),
        Case("watch of an unknown kind", "golayout watch chan M --json", check_error("watch map|slice")),
        # the --stop session
        Case("watch --stop: stops at the first growth, inside the insert", check=check_stop_session),
        # the watching session
        Case("watches set", check=check_watches_set),
        Case("map growth events match the fixture's", check=check_map),
        Case("slice growth events match the fixture's", check=check_slice),
    ]
