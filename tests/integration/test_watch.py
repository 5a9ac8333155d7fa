"""Checks on the `growth` fixture: `golayout watch map|slice` against what
the fixture itself saw at each growth (tests/fixtures/growth/main.go).

At the fixture's first stop the session watches the map M and the slices S
and Alias (S[1:2]), with --json --out FILE, and lets the program run: it
grows M from empty to 100,000 entries and S by 5,000 appends, writes its
truth and stops again. Every event golayout recorded must be one the
fixture saw, in the same order, and none may be missing.

The session with the watches is a separate one (a classic map's 100,000
inserts cost tens of thousands of breakpoint hits: more than the harness's
usual time per session); the bad-input checks run in the ordinary one."""

import json
import tempfile
from pathlib import Path

import harness
from harness import Case, check_error, diff

FIXTURE = "growth"
TIMEOUT = 900  # seconds for the watching session


def _watch_lines(out):
    return [f"golayout watch map M --json --out {out}",
            f"golayout watch slice S --json --out {out}",
            f"golayout watch slice Alias --json --out {out}"]


_runs = {}


def watch_run(ctx):
    """Run the watching session once per binary and debugger: the
    documents of its --out file, its truth, and its output."""
    key = (ctx.cfg.label, ctx.binary.name, ctx.debugger)
    if key in _runs:
        return _runs[key]
    tmp = tempfile.mkdtemp(prefix="golayout-watch-")
    truth, out = str(Path(tmp) / "truth.json"), str(Path(tmp) / "events.jsonl")
    if ctx.debugger == "gdb":
        ex = harness.gdb_launch_lines(truth) + _watch_lines(out) + ["continue", "golayout watch list"]
        argv = harness.gdb_argv(ex, ctx.binary)
    else:
        lines = harness.lldb_launch_lines(truth, ctx.debugger) + _watch_lines(out) + [
            "process continue", "golayout watch list", "process kill"]
        argv = harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)
    output, rc, timed_out = harness.run_debugger(argv, TIMEOUT)
    log = harness.ROOT / "build" / "integration-logs" / \
        f"watch_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(output)
    r = {"error": None, "docs": [], "truth": None, "log": log.name}
    if timed_out:
        r["error"] = f"the watching session was killed after {TIMEOUT} s (log {log.name})"
    try:
        r["truth"] = json.loads(Path(truth).read_text())
        if r["truth"].get("stage") != "end":
            raise ValueError("the program did not reach its second stop")
    except (OSError, ValueError) as e:
        r["error"] = r["error"] or f"the fixture wrote no whole truth ({e}; log {log.name})"
    try:
        r["docs"] = [json.loads(l) for l in Path(out).read_text().splitlines() if l.strip()]
    except (OSError, ValueError) as e:
        r["error"] = r["error"] or f"no readable --out file ({e}; log {log.name})"
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


def check_map(_, ctx):
    r = watch_run(ctx)
    if r["error"]:
        return [r["error"]]
    t = r["truth"]
    evs = events(r, "M")
    p = []
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
    r = watch_run(ctx)
    if r["error"]:
        return [r["error"]]
    t = r["truth"]
    evs = events(r, "S")
    p = []
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


def check_watch_doc(doc, ctx):
    p = []
    if doc.get("error"):
        return [f"error {doc['error']!r}"]
    diff(p, "kind", doc.get("kind"), "watch")
    diff(p, "expr", doc.get("expr"), "M")
    diff(p, "stop", doc.get("stop"), True)
    if harness.hexint(doc.get("address")) != ctx.truth.get("map_address"):
        p.append(f"address {doc.get('address')} is not M's header {ctx.truth.get('map_address'):#x}")
    return p


def check_first_growth(text, ctx):
    """The first growth of M, printed as the program stopped there: a
    classic map's hashGrow from B 0 at its 9th insert (len 8 before it), a
    swiss map's small group turned into a table."""
    docs = []
    for line in text.splitlines():
        try:
            docs.append(json.loads(line))
        except ValueError:
            pass
    ev = next((d for d in docs if isinstance(d, dict) and d.get("kind") == "watch-event"), None)
    if ev is None:
        return [f"no watch-event document in {text!r}"]
    p = []
    classic = ctx.truth.get("map_impl") == "classic"
    diff(p, "event", ev.get("event"), "hashgrow" if classic else "to-table")
    diff(p, "len", ev.get("len"), 8)
    diff(p, "seq", ev.get("seq"), 1)
    if classic:
        diff(p, "old_B -> new_B", (ev.get("old_B"), ev.get("new_B")), (0, 1))
    else:
        diff(p, "moved", ev.get("moved"), 8)
    return p


def check_stopped(doc, ctx):
    p = [f"error {doc['error']!r}"] if doc.get("error") else []
    diff(p, "kind", doc.get("kind"), "watch-stop")
    return p


def cases(truth):
    return [
        # bad input, at the first stop
        Case("watch map on a slice", "golayout watch map S --json", check_error("not a map")),
        Case("watch slice on a map", "golayout watch slice M --json", check_error("not a slice")),
        Case("watch map of an unknown name", "golayout watch map NoSuchVar --json", check_error("NoSuchVar")),
        Case("watch stop of no watch", "golayout watch stop 7 --json", check_error("no watch 7")),
        Case("watch of an unknown kind", "golayout watch chan M --json", check_error("watch map|slice")),
        # --stop: the program stops at the first growth, inside the
        # runtime's insert, where the map is being written
        Case("watch map M --stop", "golayout watch map M --stop --json", check_watch_doc),
        Case("continue to the first growth", "continue", check_first_growth, raw=True),
        Case("watch of a map in the middle of a write", "golayout watch map M --json",
             check_error("middle of a write")),
        Case("watch stop", "golayout watch stop --json", check_stopped),
        # the watching session
        Case("watches set", check=check_watches_set),
        Case("map growth events match the fixture's", check=check_map),
        Case("slice growth events match the fixture's", check=check_slice),
    ]
