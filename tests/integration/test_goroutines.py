"""Checks on the `goroutines` fixture: `golayout goroutines`, `golayout
stack` (with and without --escape) and both commands on a core file, against
what the fixture and the Go runtime recorded (tests/fixtures/goroutines/
main.go): each parked goroutine's goid, the wait reason of the runtime's own
`goroutine N [reason]:` header, the runtime's traceback after parking
(runtime.Stack(all=true): the functions, files and lines of every frame the
runtime shows, i.e. every frame outside runtime.*) and, per frame, the
addresses and %v of some locals taken by the goroutine itself
(runtime.Callers frames, outermost first).

Goids differ from run to run (the runtime hands them out in per-P batches),
so the commands that need one cannot be written before the debugger runs.
run.py issues a fixed list of commands, so this module runs a few debugger
sessions of its own, from the checks (started on first use, once each):

  live session    per binary and debugger: stops at main.stopHere like
                  run.py's, then a Python snippet in the debugger reads the
                  truth file that run wrote and issues `golayout goroutines`,
                  `golayout stack GOID` and `golayout stack GOID --escape
                  FILE` for every goroutine of it. The gdb session of the
                  -noopt binary then writes a core file (gcore).
  core sessions   per configuration and debugger: `gdb BIN CORE` and lldb's
                  `target create BIN --core CORE` with the same commands,
                  checked against the truth of the run that wrote the core.
                  lldb-16 cannot write an ELF core on Linux (process
                  save-core: "no ObjectFile plugins were able to save a core
                  for this process"; a minidump works only with --style
                  stack, which holds no globals or heap), so gdb writes the
                  one core of each configuration and both debuggers read it.

Their results are reported through cases of run.py's session: "stack ROLE"
runs `golayout goroutines --func USERFUNC` there (the goroutine found by its
function, as a user would) and checks the `golayout stack GOID` document of
the live session; the "core:" cases are offline cases (no command in run.py's
session) that check the core session's documents. Each problem names the
exact command and the session it came from; the logs of these sessions are
kept in build/integration-logs/goroutines-*.log.

The FILE of --escape is the compiler's own -m output: this module runs `go
build` with -m and the same toolchain, GOEXPERIMENT and flags as the binary
(-gcflags=all=-N -l for -noopt, plus -m for the main package) into a temp
dir, and compares each annotated variable with what the compiler printed for
its decl line and name.

Optimized builds: frames, functions, files and lines must match; a local
may be unavailable (a note), never wrong."""

import atexit
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import harness
from harness import Case, select_frame, diff, check_error, confirm_unavailable, hexint

FIXTURE = "goroutines"
SRC_DIR = harness.ROOT / "tests" / "fixtures" / FIXTURE
SRC = SRC_DIR / "main.go"
LOGS = harness.ROOT / "build" / "integration-logs"

_G_RUNNING, _G_WAITING = 2, 4  # runtime._Grunning, runtime._Gwaiting


# ---------------------------------------------------------------- helpers

def is_runtime(fn):
    return isinstance(fn, str) and fn.startswith("runtime.")


def by_role(truth, role):
    return next(g for g in truth["goroutines"] if g["role"] == role)


def user_frame(g):
    """The innermost frame of the runtime's traceback (which leaves out
    runtime.*) outside the standard library's internal/ packages."""
    tb = g["traceback"]
    return next((f for f in tb if not f["function"].startswith("internal/")), tb[0])


def user_func(g):
    return user_frame(g)["function"]


def fmt_frames(frames):
    return [f"{f[0]} {os.path.basename(f[1] or '?')}:{f[2]}" for f in frames]


_src_lines = None


def decl_line(function, name, param):
    """Line of `name`'s declaration in main.go: the func line for a
    parameter, else the first `name :=` after it."""
    global _src_lines
    if _src_lines is None:
        _src_lines = SRC.read_text().splitlines()
    short = function.rsplit(".", 1)[-1]
    start = next((i for i, l in enumerate(_src_lines) if re.match(r"func (\([^)]*\) )?%s\(" % re.escape(short), l)), None)
    if start is None:
        return None
    if param:
        return start + 1
    for i in range(start + 1, len(_src_lines)):
        if _src_lines[i].startswith("func "):
            break
        if re.match(r"\s*%s\s*:=" % re.escape(name), _src_lines[i]):
            return i + 1
    return None


# ------------------------------------------------------ lazily run things

_memo_lock = threading.Lock()
_memo = {}


def memo(key, fn):
    """fn() once per key, shared by the threads of run.py's pool; an
    exception is kept and raised again for every caller."""
    with _memo_lock:
        ent = _memo.setdefault(key, {"lock": threading.Lock()})
    with ent["lock"]:
        if "value" not in ent and "error" not in ent:
            try:
                ent["value"] = fn()
            except Exception as e:  # noqa: BLE001 - reported by the checks
                ent["error"] = e
        if "error" in ent:
            raise ent["error"]
        return ent["value"]


_tmp_root = None


def tmpdir(prefix):
    global _tmp_root
    with _memo_lock:
        if _tmp_root is None:
            _tmp_root = tempfile.mkdtemp(prefix="golayout-goroutines-")
            atexit.register(shutil.rmtree, _tmp_root, True)
    return tempfile.mkdtemp(prefix=prefix, dir=_tmp_root)


def go_binary():
    for g in (shutil.which("go"), "/usr/local/go/bin/go", "/usr/lib/go/bin/go"):
        if g and os.access(g, os.X_OK):
            return g
    raise RuntimeError("no go on PATH (scripts/install-deps.sh)")


# ------------------------------------------------------- escape analysis

def escape_file(cfg, noopt):
    """The compiler's -m output for the fixture built as the binary was
    (scripts/build-fixtures.sh: GOTOOLCHAIN, GOEXPERIMENT, GOARCH, GOFLAGS,
    CGO_ENABLED=0, -buildmode, -gcflags=all=-N -l for -noopt), plus -m for the main
    package only. Returns (path, seconds)."""
    def build():
        d = Path(tmpdir("escape-"))
        path = d / "escape.txt"
        if noopt:
            flags = ["-gcflags=all=-N -l", "-gcflags=golayout.test/goroutines=-N -l -m"]
        else:
            flags = ["-gcflags=-m"]
        flags.append(f"-buildmode={cfg.buildmode}")
        env = dict(os.environ, GOTOOLCHAIN=cfg.toolchain, GOEXPERIMENT=cfg.experiment,
                   GOARCH=cfg.goarch, GOFLAGS="-mod=mod -buildvcs=false", CGO_ENABLED="0")
        start = time.monotonic()
        with open(path, "wb") as err:
            p = subprocess.run([go_binary(), "build", *flags, "-o", str(d / "bin"), "."],
                               cwd=SRC_DIR, env=env, stdout=subprocess.DEVNULL, stderr=err,
                               timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"go build {' '.join(flags)} failed: {path.read_text()[-2000:]}")
        (d / "bin").unlink(missing_ok=True)
        return path, time.monotonic() - start
    return memo(("escape", cfg.label, noopt), build)


_M_RE = re.compile(r"^(.*?):(\d+):(\d+): (.*)$")


def compiler_verdicts(path):
    """(line, name) -> (verdict, "file:line:col") of the -m output, in the
    words the compiler uses for named variables; "moved to heap" wins over
    other statements about the same line and name."""
    out = {}
    for l in Path(path).read_text(errors="replace").splitlines():
        if l[:1] in (" ", "\t", "#"):
            continue
        m = _M_RE.match(l)
        if not m:
            continue
        where, line, msg = f"{m[1]}:{m[2]}:{m[3]}", int(m[2]), m[4]
        name = verdict = None
        for pre, v in (("moved to heap: ", "moved to heap"),
                       ("leaking param content: ", "leaking param content"),
                       ("leaking param: ", "leaking param")):
            if msg.startswith(pre):
                name, verdict = msg[len(pre):].split(" ")[0], v
                break
        else:
            mm = re.fullmatch(r"(\w+) (does not escape|escapes to heap)", msg)
            if mm:
                name, verdict = mm[1], mm[2]
        if name is None:
            continue
        old = out.get((line, name))
        if old is None or (verdict == "moved to heap" and old[0] != "moved to heap"):
            out[(line, name)] = (verdict, where)
    return out


# ------------------------------------------------- the module's sessions

# Runs in the debugger: issues golayout commands, the per-goroutine ones for
# every goroutine of the truth file, and writes {command: output} as JSON.
DEBUGGER_SCRIPT = r'''
import json
def _gl_goroutines_run(run, spec_path):
    spec = json.load(open(spec_path))
    cmds = list(spec["commands"])
    t = json.load(open(spec["truth"]))
    goids = [g["goid"] for g in t["goroutines"]] + ([t["accept_goid"]] if t.get("accept_goid") else [])
    for tpl in spec["per_goroutine"]:
        for goid in goids:
            cmds.append(tpl.replace("GOID", str(goid)))
    for key, tpl in spec.get("per_field", []):
        if t.get(key):
            cmds.append(tpl.replace("GOID", str(t[key]["goid"])))
    out = {}
    for c in cmds:
        try:
            out[c] = run(c)
        except Exception as e:
            out[c] = "EXCEPTION %s: %s" % (type(e).__name__, e)
    with open(spec["out"], "w") as f:
        json.dump(out, f)
'''

GDB_RUN = DEBUGGER_SCRIPT + '''
_gl_goroutines_run(lambda c: gdb.execute(c, to_string=True), SPEC)
'''

LLDB_RUN = DEBUGGER_SCRIPT + '''
def _gl_lldb_run(c):
    r = lldb.SBCommandReturnObject()
    lldb.debugger.GetCommandInterpreter().HandleCommand(c, r)
    return (r.GetOutput() or "") + (r.GetError() or "")
_gl_goroutines_run(_gl_lldb_run, SPEC)
'''


class Run:
    """One of this module's debugger sessions: what each command printed,
    and the truth it is checked against."""

    def __init__(self, what, outputs, truth, log, error=""):
        self.what, self.outputs, self.truth, self.log, self.error = what, outputs, truth, log, error

    def doc(self, cmd):
        """(the command's golayout/1 document, None) or (None, problem)."""
        where = f"`{cmd}` ({self.what}, log {self.log.name})"
        if self.error:
            return None, f"{where}: {self.error}"
        text = self.outputs.get(cmd)
        if text is None:
            return None, f"{where}: never ran"
        doc, problem = harness.one_document(text)
        return doc, problem and f"{where}: {problem}"


def _session(what, dbg, tmp, spec, run_lines, log_name):
    """Run a debugger with `run_lines` (argv builder) and collect outputs."""
    spec_path = Path(tmp) / "spec.json"
    spec["out"] = str(Path(tmp) / "out.json")
    spec_path.write_text(json.dumps(spec))
    script = Path(tmp) / "run.py"
    script.write_text((GDB_RUN if dbg == "gdb" else LLDB_RUN).replace("SPEC", repr(str(spec_path))))
    argv = run_lines(f"exec(open({str(script)!r}).read())")
    start = time.monotonic()
    output, rc, timed_out = harness.run_debugger(argv)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / log_name
    log.write_text(output)
    error = ""
    if timed_out:
        error = f"{dbg} killed after {harness.TIMEOUT:.0f} s"
    try:
        truth = json.loads(Path(spec["truth"]).read_text())
    except (OSError, ValueError) as e:
        truth, error = None, error or f"no truth file ({e}): did it run to main.stopHere?"
    try:
        outputs = json.loads(Path(spec["out"]).read_text())
    except (OSError, ValueError) as e:
        outputs, error = {}, error or f"the debugger's Python snippet wrote no results ({e}), exit status {rc}"
    r = Run(what, outputs, truth, log, error)
    r.seconds = time.monotonic() - start
    return r


def live_run(ctx):
    """This module's live session of ctx.binary under ctx.debugger (see the
    module doc); under gdb on a -noopt binary it also writes the core."""
    key = ("live", ctx.cfg.label, ctx.binary.name, ctx.debugger)
    noopt = ctx.binary.name.endswith("-noopt")

    def run():
        tmp = tmpdir("live-")
        truth = str(Path(tmp) / "truth.json")
        per = ["golayout stack GOID --json"]
        try:
            esc, esc_error = escape_file(ctx.cfg, noopt)[0], ""
            per.append(f"golayout stack GOID --escape {esc} --json")
        except Exception as e:  # noqa: BLE001 - reported by the escape checks
            esc, esc_error = None, f"the compiler's -m output: {e}"
        spec = {"truth": truth, "commands": ["golayout goroutines --json"], "per_goroutine": per,
                "per_field": [["pointers", "golayout stack GOID --json"], ["pointers", "golayout stack GOID"]]}
        core = Path(tmp) / "core" if ctx.debugger == "gdb" and noopt else None
        # under qemu-user (arm64) also qemu's own core of the program: it
        # dies at the breakpoint of SIGABRT with GOTRACEBACK=crash (the
        # runtime sends SIGQUIT to its other threads first)
        qemu_core = core and harness.emulator(ctx.binary)
        qemu_dir = Path(tmp) / "qemu"  # (the program's directory: its cores)

        def argv(py):
            if ctx.debugger == "gdb":
                ex = harness.gdb_launch_lines(truth, harness.STOP_AT.get(ctx.binary)) + [f"python {py}"]
                if core:
                    ex.append(f"gcore {core}")
                if qemu_core:
                    qemu_dir.mkdir()
                    ex = ["set environment GOTRACEBACK=crash", f"set cwd {qemu_dir}"] + ex + [
                        "handle SIGQUIT SIGABRT nostop noprint pass", "signal SIGABRT"]
                return harness.gdb_argv(ex, ctx.binary)
            lines = harness.lldb_launch_lines(truth, ctx.debugger, harness.STOP_AT.get(ctx.binary)) + [
                f"script {py}", "process kill"]
            return harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)

        what = f"separate live {ctx.debugger} session"
        r = _session(what, ctx.debugger, tmp, spec, argv,
                     f"goroutines-live_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log")
        r.escape_path, r.escape_error = esc, esc_error
        r.core = core if core and core.exists() else None
        if core and not r.core and not r.error:
            r.core_error = f"gdb's `gcore {core}` wrote no core (log {r.log.name})"
        if qemu_core:
            r.qemu_core = next(qemu_dir.glob("qemu_*.core"), None)
            if not r.qemu_core and not r.error:
                r.core_error = f"qemu wrote no core of the aborted program in {qemu_dir} (log {r.log.name})"
            # qemu then dies of the same signal: the kernel's core of the
            # emulator itself (x86-64, hundreds of MB) is of no use here
            (qemu_dir / "core").unlink(missing_ok=True)
        return r
    return memo(key, run)


_core_users = {}


def core_run(ctx, second=False, kind="gcore"):
    """The core file of ctx.cfg written in gdb's live session of the -noopt
    binary (at main.stopHere; second: by the session of the second stop,
    sysstack_run; kind "gcore": gdb's gcore; "qemu": qemu-user's own core of
    the program, arm64) loaded in ctx.debugger; the core is removed once every
    selected debugger read it."""
    def run():
        from harness import Ctx
        live = {False: live_run, True: sysstack_run, "fault": fault_run}[second](Ctx(ctx.cfg, ctx.binary, "gdb"))
        if live.error:
            raise RuntimeError(f"the gdb session that writes the core failed: {live.error} (log {live.log.name})")
        core = live.core if kind == "gcore" else getattr(live, "qemu_core", None)
        if not core:
            raise RuntimeError(getattr(live, "core_error", "no core file"))
        tmp = tmpdir("core-")
        truth = Path(tmp) / "truth.json"
        truth.write_text(json.dumps(live.truth))
        spec = FAULT_STOP_SPEC if second == "fault" else SECOND_STOP_SPEC if second else {
            "commands": ["golayout goroutines --json", "golayout stack --json", "golayout stack 999999 --json"],
            "per_goroutine": ["golayout stack GOID --json"]}
        spec = dict(spec, truth=str(truth))

        def argv(py):
            if ctx.debugger == "gdb":
                return harness.gdb_argv(harness.gdb_plugin_lines() + [f"python {py}"],
                                        ctx.binary, core)
            lines = [f"plugin load {harness.lldb_plugin(ctx.debugger)}",
                     f"target create {ctx.binary} --core {core}", f"script {py}"]
            return harness.lldb_argv(lines, tmp, debugger=ctx.debugger)

        writer = "gdb's gcore" if kind == "gcore" else "qemu-user"
        try:
            at = f" at {FAULT_STOP}" if second == "fault" else " at runtime.readmemstats_m" if second else ""
            r = _session(f"core file written by {writer}{at}, loaded in {ctx.debugger}", ctx.debugger,
                         tmp, spec, argv,
                         f"goroutines-core{'3' if second == 'fault' else '2' if second else ''}-{kind}_"
                         f"{ctx.cfg.label}_{ctx.debugger}.log")
        finally:
            with _memo_lock:
                users = _core_users.setdefault((ctx.cfg.label, second, kind), set())
                users.add(ctx.debugger)
                if users >= {d.name for d in harness.debuggers()}:
                    core.unlink(missing_ok=True)
        return r
    return memo(("core", kind, ctx.cfg.label, ctx.debugger, second), run)


# The second stop (tests/fixtures/goroutines/main.go): after main.stopHere
# the "sysstack" goroutine calls runtime.ReadMemStats, which runs
# runtime.readmemstats_m on its thread's system stack (g0) through
# runtime.systemstack; the "syscall" goroutine is blocked in read(2).
SECOND_STOP = "runtime.readmemstats_m"
SECOND_STOP_SPEC = {
    "commands": ["golayout goroutines --json", "golayout stack --json"],
    "per_goroutine": [],
    "per_field": [["sysstack", "golayout stack GOID --json"], ["sysstack", "golayout stack GOID"],
                  ["syscall", "golayout stack GOID --json"]]}


# The third stop (tests/fixtures/goroutines/main.go): after the second,
# the "fault" goroutine dereferences nil twice from the same call sites;
# the debuggers break in the signal handler of the second SIGSEGV
# (ignoring the first, whose frames the fixture recorded).
FAULT_STOP = "runtime.(*sigctxt).preparePanic"
FAULT_STOP_SPEC = {
    "commands": ["golayout stack --json"],
    "per_goroutine": [],
    "per_field": [["fault", "golayout stack GOID --json"], ["fault", "golayout stack GOID"]]}


def fault_run(ctx):
    """A live session of ctx.binary under ctx.debugger stopped in the
    signal handler of the fault goroutine's second SIGSEGV (FAULT_STOP);
    under gdb on a -noopt binary it also writes a core there."""
    return later_stop_run(ctx, "fault", FAULT_STOP, FAULT_STOP_SPEC,
                          ["handle SIGSEGV nostop noprint pass", f"break '{FAULT_STOP}'", "ignore 2 1"],
                          ["process handle SIGSEGV -s false -n false -p true",
                           f"breakpoint set -n '{FAULT_STOP}' -i 1"])


def fault_stack_problems(d, g, p, where):
    """`golayout stack` of the fault goroutine in the signal handler: the
    handler's frames on the signal stack down to runtime.sigtramp, then
    (the join) the frames the SIGSEGV interrupted, from the faulting
    function at the faulting line, as the fixture's recovered fault
    recorded them."""
    frames = d.get("frames") or []
    k = next((i for i, f in enumerate(frames) if f.get("interrupted_by")), None)
    if k is None:
        p.append(f"{where}no frame interrupted_by a signal (no join past runtime.sigtramp): "
                 f"{[f.get('func') for f in frames]}")
        return
    diff(p, f"{where}goid", d.get("goid"), g["goid"])
    by = frames[k]["interrupted_by"]
    diff(p, f"{where}frame {k} interrupted_by.signal", by.get("signal"), "SIGSEGV")
    # a nil dereference: si_addr is the address read, 0 + the field's offset (none here)
    diff(p, f"{where}frame {k} interrupted_by.address", by.get("address"), "0x0")
    sig = d.get("signal") or {}
    diff(p, f"{where}signal.interrupted_frame", sig.get("interrupted_frame"), k)
    diff(p, f"{where}signal.pc", sig.get("pc"), frames[k].get("pc"))
    handler = [f["func"] for f in frames[:k] if not f.get("inlined")]
    if handler[-3:] != ["runtime.sighandler", "runtime.sigtrampgo", "runtime.sigtramp"]:
        p.append(f"{where}the handler's frames end {handler}, not sighandler <- sigtrampgo <- sigtramp")
    off = [f["func"] for f in frames[:k] if f.get("stack") != "gsignal"]
    if off:
        p.append(f"{where}handler frames not on the signal stack (gsignal): {off}")
    on = [f["func"] for f in frames[k:] if f.get("stack")]
    if on:
        p.append(f"{where}interrupted frames marked on a system stack: {on}")
    got = [(f["func"], f.get("line")) for f in frames[k:] if not is_runtime(f["func"])]
    want = [(t["function"], t["line"]) for t in g["frames"]]
    diff(p, f"{where}frames from the join on (outside runtime.*)", got, want)
    diff(p, f"{where}frame {k} (the faulting one)", frames[k]["func"], want[0][0] if want else None)
    diff(p, f"{where}last frame", frames[-1]["func"] if frames else None, "runtime.goexit")


def fault_stop_check(core=False):
    """At the third stop (FAULT_STOP): `golayout stack GOID` of the fault
    goroutine, in the live session or the core it wrote; live, also the
    stack of the selected frame and the text's join line."""
    def check(doc, ctx):
        try:
            r = core_run(ctx, second="fault") if core else fault_run(ctx)
        except Exception as e:  # noqa: BLE001
            return [f"{'core' if core else 'separate live session'}: {e}"]
        if r.error or r.truth is None:
            return [r.doc("golayout stack --json")[1] or "no truth"]
        g = r.truth.get("fault")
        if not g or not g.get("frames"):
            return [f"fixture: no fault goroutine in the truth ({r.truth.get('problems')})"]
        p = []
        cmds = [f"golayout stack {g['goid']} --json"] + ([] if core else ["golayout stack --json"])
        for cmd in cmds:
            d, err = r.doc(cmd)
            if err:
                p.append(err)
                continue
            where = f"`{cmd}` ({r.what}): "
            if d.get("error") is not None:
                p.append(f"{where}error: {d['error']}")
                continue
            fault_stack_problems(d, g, p, where)
        if not core:
            text = r.outputs.get(f"golayout stack {g['goid']}") or ""
            want = f"--- signal SIGSEGV (address 0x0) interrupted #"
            if want not in text or " main.faultDeref at pc " not in text:
                p.append(f"`golayout stack {g['goid']}` ({r.what}): no line \"{want}N main.faultDeref at pc ...\" "
                         f"(log {r.log.name})")
        return p
    return check


def sysstack_run(ctx):
    """A live session of ctx.binary under ctx.debugger stopped at the
    second stop (SECOND_STOP); under gdb on a -noopt binary it also writes
    a core there."""
    return later_stop_run(ctx, "sysstack", SECOND_STOP, SECOND_STOP_SPEC, [f"break {SECOND_STOP}"],
                          [f"breakpoint set -n {SECOND_STOP}"])


def later_stop_run(ctx, name, stop, spec, gdb_break, lldb_break):
    """A live session of ctx.binary under ctx.debugger run past
    main.stopHere (its breakpoint disabled) to the stop the gdb commands
    gdb_break or the lldb ones lldb_break set, running spec there; under
    gdb on a -noopt binary it also writes a core there."""
    noopt = ctx.binary.name.endswith("-noopt")

    def run():
        tmp = tmpdir(f"{name}-")
        truth = str(Path(tmp) / "truth.json")
        core = Path(tmp) / "core" if ctx.debugger == "gdb" and noopt else None

        # main.stopHere's breakpoint goes: a preemption signal delivered as
        # the debugger resumes main's goroutine at it can have it run the
        # breakpoint's instruction again (on another thread)
        def argv(py):
            if ctx.debugger == "gdb":
                ex = harness.gdb_launch_lines(truth) + ["disable 1"] + gdb_break + ["continue", f"python {py}"]
                if core:
                    ex.append(f"gcore {core}")
                return harness.gdb_argv(ex, ctx.binary)
            lines = harness.lldb_launch_lines(truth, ctx.debugger) + ["breakpoint disable 1"] + lldb_break + [
                "process continue", f"script {py}", "process kill"]
            return harness.lldb_argv(lines, tmp, ctx.binary, debugger=ctx.debugger)

        r = _session(f"separate live {ctx.debugger} session stopped at {stop}", ctx.debugger, tmp,
                     dict(spec, truth=truth), argv,
                     f"goroutines-{name}_{ctx.cfg.label}_{ctx.binary.name}_{ctx.debugger}.log")
        r.core = core if core and core.exists() else None
        if core and not r.core and not r.error:
            r.core_error = f"gdb's `gcore {core}` wrote no core (log {r.log.name})"
        return r
    return memo((name, ctx.cfg.label, ctx.binary.name, ctx.debugger), run)


# -------------------------------------------------------- shared checks

def goroutine_entry_problems(doc, g, p, where=""):
    """One parked goroutine's entry in a `goroutines` document."""
    e = next((x for x in doc.get("goroutines") or [] if x.get("goid") == g["goid"]), None)
    if e is None:
        p.append(f"{where}no goroutine {g['goid']} ({g['role']}) in {[x.get('goid') for x in doc.get('goroutines') or []]}")
        return None
    tb = user_frame(g)
    diff(p, f"{where}goroutine {g['goid']} status", e.get("status"), "waiting")
    diff(p, f"{where}goroutine {g['goid']} status_value", e.get("status_value"), _G_WAITING)
    diff(p, f"{where}goroutine {g['goid']} wait_reason (runtime: {g['header']!r})",
         e.get("wait_reason"), g["wait_reason"])
    diff(p, f"{where}goroutine {g['goid']} user_func", e.get("user_func"), user_func(g))
    diff(p, f"{where}goroutine {g['goid']} file", e.get("file"), tb["file"])
    diff(p, f"{where}goroutine {g['goid']} line", e.get("line"), tb["line"])
    diff(p, f"{where}goroutine {g['goid']} current", e.get("current"), False)
    bounds_problems(e, p, f"{where}goroutine {g['goid']} ")
    if not isinstance(e.get("func"), str) or not e.get("func"):
        p.append(f"{where}goroutine {g['goid']} func: {e.get('func')!r}")
    return e


def bounds_problems(e, p, what):
    lo, hi, sp = hexint(e.get("stack_lo")), hexint(e.get("stack_hi")), hexint(e.get("sp"))
    if None in (lo, hi, sp):
        p.append(f"{what}stack_lo/stack_hi/sp not hex: {e.get('stack_lo')!r} {e.get('stack_hi')!r} {e.get('sp')!r}")
        return
    if not lo <= sp < hi:
        p.append(f"{what}sp {sp:#x} not in [stack_lo {lo:#x}, stack_hi {hi:#x})")
    diff(p, f"{what}stack_size", e.get("stack_size"), hi - lo)
    diff(p, f"{what}stack_used", e.get("stack_used"), hi - sp)


def main_entry_problems(doc, truth, p, where=""):
    gs = doc.get("goroutines") or []
    e = next((x for x in gs if x.get("goid") == truth["main_goid"]), None)
    if e is None:
        p.append(f"{where}no main goroutine {truth['main_goid']}")
        return
    diff(p, f"{where}main goroutine status", e.get("status"), "running")
    diff(p, f"{where}main goroutine status_value", e.get("status_value"), _G_RUNNING)
    diff(p, f"{where}main goroutine current", e.get("current"), True)
    diff(p, f"{where}main goroutine func", e.get("func"), "main.stopHere")
    diff(p, f"{where}main goroutine user_func", e.get("user_func"), "main.stopHere")
    if not isinstance(e.get("thread"), int) or e["thread"] <= 0:
        p.append(f"{where}main goroutine thread: {e.get('thread')!r}")
    bounds_problems(e, p, f"{where}main goroutine ")
    cur = [x.get("goid") for x in gs if x.get("current")]
    diff(p, f"{where}goroutines marked current", cur, [truth["main_goid"]])


def goroutines_doc_problems(doc, truth, p, where="", filtered=False):
    if doc.get("error") is not None:
        p.append(f"{where}error: {doc['error']}")
        return
    diff(p, f"{where}kind", doc.get("kind"), "goroutines")
    gs = doc.get("goroutines") or []
    counts = doc.get("counts") or {}
    diff(p, f"{where}total (sum of counts {counts})", doc.get("total"), sum(counts.values()))
    if not filtered:
        live = sum(v for k, v in counts.items() if k != "dead")
        diff(p, f"{where}matched (goroutines not dead)", doc.get("matched"), live)
    diff(p, f"{where}shown", doc.get("shown"), len(gs))
    diff(p, f"{where}shown == matched under --json", doc.get("shown"), doc.get("matched"))


def stack_structure_problems(doc, cfg, p, where, first=0):
    """Frames contiguous and inside the goroutine's stack, slots where the
    configuration's frame layout puts them, the bottom frame reached.
    first: the goroutine's own frames start there (those before are on a
    system stack, see sysstack_doc_problems)."""
    lo, hi = hexint(doc.get("stack_lo")), hexint(doc.get("stack_hi"))
    frames = (doc.get("frames") or [])[first:]
    if lo is None or hi is None or not frames:
        p.append(f"{where}stack_lo {doc.get('stack_lo')!r}, stack_hi {doc.get('stack_hi')!r}, "
                 f"{len(frames)} frames from frame {first}")
        return
    lo_hi_frames_problems(frames, first, lo, hi, cfg, p, where)
    last = frames[-1]
    diff(p, f"{where}outermost frame", last.get("func"), "runtime.goexit")
    if "bottom" not in (last.get("note") or ""):
        p.append(f"{where}outermost frame note {last.get('note')!r} does not say bottom")
    if doc.get("truncated") is not None:
        p.append(f"{where}truncated: {doc['truncated']!r}")
    u = doc.get("unused") or {}
    sp0 = hexint(frames[0].get("sp"))
    diff(p, f"{where}unused.from", hexint(u.get("from")), lo)
    diff(p, f"{where}unused.to", hexint(u.get("to")), sp0)
    if sp0 is not None:
        diff(p, f"{where}unused.bytes", u.get("bytes"), sp0 - lo)


def lo_hi_frames_problems(frames, first, lo, hi, cfg, p, where):
    """frames (frame `first` on of a document) contiguous and inside the
    stack [lo, hi), their slots where the x86 frame layout puts them (w:
    the pointer size)."""
    for i, f in enumerate(frames, first):
        tag = f"{where}frame {i} ({f.get('func')})"
        diff(p, f"{tag} index", f.get("index"), i)
        sp, cfa = hexint(f.get("sp")), hexint(f.get("cfa"))
        if sp is None or not lo <= sp < hi:
            p.append(f"{tag} sp {f.get('sp')!r} not in [{lo:#x}, {hi:#x})")
        nxt = frames[i + 1 - first] if i + 1 - first < len(frames) else None
        if f.get("inlined"):
            # an inlined call has no frame of its own: it shares the next
            # (physical) frame's sp and says so
            if nxt is None:
                p.append(f"{tag} is inlined into nothing")
            else:
                diff(p, f"{tag} sp (shared with the frame it is inlined into)", sp,
                     hexint(nxt.get("sp")))
                if "inlined into" not in (f.get("note") or ""):
                    p.append(f"{tag} note {f.get('note')!r} does not say where it is inlined")
            continue
        if cfa is None:
            p.append(f"{tag} has no cfa")
            continue
        frame_slot_problems(f, i, sp, cfa, cfg, p, tag)
        if nxt is not None:
            nsp = hexint(nxt.get("sp"))
            if nsp != cfa:
                p.append(f"{where}frames {i} and {i + 1} not contiguous: frame {i + 1} sp "
                         f"{nxt.get('sp')} != frame {i} cfa {f.get('cfa')}")


def var_problems(dv, tv, frame, p, notes, tag, opt, binary):
    """A recorded variable in golayout's frame against the truth. In an
    optimized build a missing or unavailable variable is a note (short,
    without the command), in a -noopt build a problem."""
    short = f"{frame.get('func')} {tv['name']}"
    if dv is None:
        if opt:
            notes.append(f"{short}: not in the frame's vars")
        else:
            p.append(f"{tag}: not in the frame's vars")
        return
    want_line = decl_line(frame.get("func", ""), tv["name"], tv["param"])
    diff(p, f"{tag} decl_line", dv.get("decl_line"), want_line)
    diff(p, f"{tag} param", dv.get("param"), tv["param"])
    diff(p, f"{tag} type", dv.get("type"), tv["type"])
    if dv.get("error") is not None:
        if opt:
            # Only with error_code "unavailable" and no DWARF location at
            # the frame's pc (confirm_unavailable).
            pc = hexint(frame.get("pc"))
            if pc is None:
                p.append(f"{tag} unavailable, but its frame has no pc: {dv['error']}")
                return
            for q in confirm_unavailable(dv, binary, frame.get("func", ""), tv["name"], pc,
                                         frame.get("index") != 0):
                if q.startswith("note: "):
                    notes.append(f"{short} unavailable ({dv['error'].split(' in ')[0].split(' at pc')[0]})")
                else:
                    p.append(f"{tag}: {q}")
        else:
            p.append(f"{tag} unavailable: {dv['error']}")
        return
    if tv["heap"]:
        diff(p, f"{tag} location", dv.get("location"), "heap")
        diff(p, f"{tag} address", hexint(dv.get("address")), tv["address"])
        slot = hexint(dv.get("slot_address"))
        sp, cfa = hexint(frame.get("sp")), hexint(frame.get("cfa"))
        if slot is None:
            if opt:
                notes.append(f"{short}: no slot_address")
            else:
                p.append(f"{tag}: no slot_address (the stack slot holding &{tv['name']})")
        elif sp is not None and cfa is not None and not sp <= slot < cfa:
            p.append(f"{tag} slot_address {slot:#x} not in its frame [{sp:#x}, {cfa:#x})")
        if not opt:
            diff(p, f"{tag} escape (from DWARF's &{tv['name']})", dv.get("escape"), "moved to heap")
    else:
        diff(p, f"{tag} location", dv.get("location"), "stack")
        diff(p, f"{tag} address", hexint(dv.get("address")), tv["address"])
        sp, cfa = hexint(frame.get("sp")), hexint(frame.get("cfa"))
        if sp is not None:
            diff(p, f"{tag} offset", dv.get("offset"), tv["address"] - sp)
        if not tv["param"] and sp is not None and cfa is not None and not sp <= tv["address"] < cfa:
            p.append(f"{tag}: the truth address {tv['address']:#x} is not in golayout's frame "
                     f"[{sp:#x}, {cfa:#x})")
    diff(p, f"{tag} value", dv.get("value"), tv["value"])


def frame_slot_problems(f, i, sp, cfa, cfg, p, tag):
    """Frame i's extent and slots. x86 (runtime/traceback.go, !usesLR): CALL
    pushes the return address (a pointer, w bytes) just above the frame,
    amd64's prologue saves BP below it. arm64 (usesLR): the CFA is SP +
    frame size, the prologue saves LR at 0(SP) and the caller's frame
    pointer just below SP (obj7.go: MOVD R29, -8(RSP)); a frameless
    innermost function still has its return address in LR (no slot)."""
    w, size = cfg.ptr_size, f.get("size") or 0
    if cfg.goarch != "arm64":
        if sp is not None:
            diff(p, f"{tag} cfa - sp", cfa - sp, size + w)
        diff(p, f"{tag} ret_addr_slot", hexint(f.get("ret_addr_slot")), cfa - w)
        if f.get("fp_slot") is not None:
            diff(p, f"{tag} fp_slot", hexint(f.get("fp_slot")), cfa - 2 * w)
        return
    if sp is None:
        return
    diff(p, f"{tag} cfa - sp", cfa - sp, size)
    if size:
        diff(p, f"{tag} ret_addr_slot", hexint(f.get("ret_addr_slot")), sp)
        diff(p, f"{tag} fp_slot", hexint(f.get("fp_slot")), sp - w)
    elif not (i == 0 and f.get("ret_addr_slot") is None):
        diff(p, f"{tag} ret_addr_slot (frameless, LR unknown: Go reads 0(SP))",
             hexint(f.get("ret_addr_slot")), sp)


def stack_vs_truth(doc, g, opt, cfg, p, notes, where, binary=None, dwarf=True):
    """A parked goroutine's `golayout stack GOID` document against its
    truth: the frames outside runtime.* are the runtime's traceback, the
    recorded locals are in their frames (without DWARF: no frame has
    variables, and the document says once that they have no names)."""
    if doc.get("error") is not None:
        p.append(f"{where}error: {doc['error']}")
        return
    diff(p, f"{where}kind", doc.get("kind"), "stack")
    diff(p, f"{where}goid", doc.get("goid"), g["goid"])
    diff(p, f"{where}status", doc.get("status"), "waiting")
    diff(p, f"{where}wait_reason", doc.get("wait_reason"), g["wait_reason"])
    diff(p, f"{where}unwound_from", doc.get("unwound_from"), "saved scheduling state (g.sched)")
    stack_structure_problems(doc, cfg, p, where)
    frames = doc.get("frames") or []
    # the debugger's selected frame is on main's goroutine, not this one
    diff(p, f"{where}frames marked selected", [f.get("index") for f in frames if f.get("selected")], [])
    user = [f for f in frames if not is_runtime(f.get("func"))]
    got = [(f.get("func"), f.get("file"), f.get("line")) for f in user]
    want = [(t["function"], t["file"], t["line"]) for t in g["traceback"]]
    if got != want:
        p.append(f"{where}frames outside runtime.* (innermost first): got {fmt_frames(got)}, "
                 f"want (runtime.Stack) {fmt_frames(want)}")
    if not dwarf:
        if "no names" not in str(doc.get("note")):
            p.append(f"{where}note {doc.get('note')!r} does not say variables have no names")
        with_vars = [f.get("func") for f in frames if f.get("vars")]
        diff(p, f"{where}frames with variables", with_vars, [])
        return
    recorded_vars_problems(user, g, opt, p, notes, where, binary)


def recorded_vars_problems(user, g, opt, p, notes, where, binary):
    """The locals goroutine g recorded, in golayout's frames outside
    runtime.* (user, innermost first)."""
    outer = list(reversed(user))
    for i, tf in enumerate(g["frames"]):
        if i >= len(outer):
            p.append(f"{where}no frame for {tf['function']} (#{i} from the outermost)")
            continue
        df = outer[i]
        if df.get("func") != tf["function"]:
            continue  # reported above
        for tv in tf["vars"]:
            tag = f"{where}{tf['function']} (frame {df.get('index')}) {tv['name']}"
            dv = next((v for v in df.get("vars") or [] if v.get("name") == tv["name"]), None)
            var_problems(dv, tv, df, p, notes, tag, opt, binary)


def escape_problems(doc, g, verdicts, esc_path, p, notes, where):
    """`golayout stack GOID --escape FILE`: each variable of main.go's frames
    annotated as the compiler said for its decl line and name; nothing from
    main.go's -m output on other files' frames."""
    if doc.get("error") is not None:
        p.append(f"{where}error: {doc['error']}")
        return
    diff(p, f"{where}escape_file", doc.get("escape_file"), str(esc_path))
    heap_names = {v["name"] for f in g["frames"] for v in f["vars"] if v["heap"]}
    seen = {}
    for f in doc.get("frames") or []:
        # the -m output is the main package's (a frame's file may be
        # wrong: judge by the function)
        ours = (f.get("func") or "").startswith("main.")
        for v in f.get("vars") or []:
            tag = f"{where}{f.get('func')} (frame {f.get('index')}) {v.get('name')} (decl line {v.get('decl_line')})"
            got = (v.get("escape"), v.get("escape_ref"))
            dwarf_heap = got == ("moved to heap", "DWARF")
            if not ours:
                if got[0] is not None and not dwarf_heap:
                    p.append(f"{tag}: annotated {got[0]!r} ({got[1]}) from main.go's -m output, "
                             f"but it is not main.go's variable")
                continue
            want = verdicts.get((v.get("decl_line"), v.get("name")))
            if want is None:
                if got[0] is not None and not dwarf_heap:
                    p.append(f"{tag}: escape {got!r}, the compiler printed nothing for it")
                continue
            seen.setdefault(want[0], set()).add(v.get("name"))
            if got != want:
                p.append(f"{tag}: escape {got!r}, compiler: {want!r}")
    for name in sorted(heap_names):
        if name not in seen.get("moved to heap", set()):
            p.append(f"{where}{name} is not annotated as the compiler's \"moved to heap\" "
                     f"(annotations seen: {seen})")
    # the fixture's own claim: only the locals it marks heap are moved there
    for tf in g["frames"]:
        for tv in tf["vars"]:
            line = decl_line(tf["function"], tv["name"], tv["param"])
            moved = (verdicts.get((line, tv["name"])) or ("",))[0] == "moved to heap"
            if moved != tv["heap"]:
                p.append(f"fixture: the compiler says {tv['name']} (main.go:{line}) is "
                         f"{'' if moved else 'not '}moved to heap, the truth says the opposite")
    if seen.get("does not escape"):
        notes.append("does not escape: " + ", ".join(sorted(seen["does not escape"])))


# ------------------------------------------------------------- the cases

def check_fixture(doc, ctx):
    t, p = ctx.truth, []
    p += [f"fixture: {x}" for x in t.get("problems") or []]
    for g in t["goroutines"]:
        if g.get("stack_moved"):
            p.append(f"note: {g['role']}'s stack moved {g['stack_moved']} bytes while recording "
                     f"(addresses adjusted)")
        if not g.get("traceback"):
            p.append(f"fixture: no traceback for {g['role']} (goroutine {g['goid']})")
    return p


def check_goroutines(doc, ctx):
    p = []
    goroutines_doc_problems(doc, ctx.truth, p)
    main_entry_problems(doc, ctx.truth, p)
    return p


def check_goroutine(role):
    def check(doc, ctx):
        p = []
        goroutine_entry_problems(doc, by_role(ctx.truth, role), p)
        return p
    return check


def check_filter(role, substr):
    """`--status waiting --func SUBSTR`: only matching waiting goroutines,
    the role's among them."""
    def check(doc, ctx):
        p = []
        goroutines_doc_problems(doc, ctx.truth, p, filtered=True)
        g = by_role(ctx.truth, role)
        gs = doc.get("goroutines") or []
        for e in gs:
            if e.get("status") != "waiting":
                p.append(f"goroutine {e.get('goid')} has status {e.get('status')!r}")
            if substr not in (e.get("func") or "") and substr not in (e.get("user_func") or ""):
                p.append(f"goroutine {e.get('goid')}: neither func {e.get('func')!r} nor user_func "
                         f"{e.get('user_func')!r} contains {substr!r}")
        others = [x for x in ctx.truth["goroutines"] if substr in user_func(x)]
        diff(p, "goids", sorted(e.get("goid") for e in gs), sorted(x["goid"] for x in others))
        goroutine_entry_problems(doc, g, p)
        return p
    return check


def check_running(doc, ctx):
    p = []
    goroutines_doc_problems(doc, ctx.truth, p, filtered=True)
    gs = doc.get("goroutines") or []
    p += [f"goroutine {e.get('goid')} has status {e.get('status')!r}" for e in gs if e.get("status") != "running"]
    diff(p, "counts.running", (doc.get("counts") or {}).get("running"), len(gs))
    main_entry_problems(doc, ctx.truth, p)
    return p


def check_limit(n):
    def check(doc, ctx):
        p = []
        counts = doc.get("counts") or {}
        diff(p, "shown", doc.get("shown"), n)
        diff(p, "goroutines listed", len(doc.get("goroutines") or []), n)
        diff(p, "matched", doc.get("matched"), sum(v for k, v in counts.items() if k != "dead"))
        return p
    return check


def check_dead(doc, ctx):
    """--dead lists every goroutine: the program's own (goids from its
    truth) and main among them, each once, as many as the counts add up to,
    the dead ones as many as counted dead."""
    p = []
    gs = doc.get("goroutines") or []
    goids = [e.get("goid") for e in gs]
    want = {g["goid"] for g in ctx.truth["goroutines"]} | {ctx.truth["main_goid"]}
    missing = sorted(want - set(goids))
    if missing:
        p.append(f"goroutines of the program not listed under --dead: {missing}")
    if len(set(goids)) != len(goids):
        p.append(f"a goid listed twice: {sorted(g for g in goids if goids.count(g) > 1)}")
    counts = doc.get("counts") or {}
    diff(p, "goroutines listed (the sum of counts)", len(gs), sum(counts.values()))
    diff(p, "total", doc.get("total"), len(gs))
    diff(p, "matched", doc.get("matched"), len(gs))
    diff(p, "shown", doc.get("shown"), len(gs))
    dead = [e for e in gs if e.get("status") == "dead"]
    diff(p, "dead goroutines listed", len(dead), counts.get("dead", 0))
    return p


# main's goroutine at the breakpoint, innermost first: main.main calls
# stopHere (tests/fixtures/goroutines/main.go)
MAIN_USER_FRAMES = ["main.stopHere", "main.main"]


def main_call_line(caller, callee):
    """The line of main.go where `caller` calls `callee()`."""
    global _src_lines
    if _src_lines is None:
        _src_lines = SRC.read_text().splitlines()
    short = caller.rsplit(".", 1)[-1]
    start = next(i for i, l in enumerate(_src_lines) if re.match(r"func %s\(" % re.escape(short), l))
    for i in range(start + 1, len(_src_lines)):
        if _src_lines[i].startswith("func "):
            break
        if re.match(r"\s*%s\(\)" % re.escape(callee.rsplit(".", 1)[-1]), _src_lines[i]):
            return i + 1
    return None


def current_stack_problems(doc, truth, level, cfg, p, where=""):
    """`golayout stack` without GOID: main's goroutine, its whole stack
    whichever frame is selected, the selected frame (level) marked."""
    if doc.get("error") is not None:
        p.append(f"{where}error: {doc['error']}")
        return
    diff(p, f"{where}goid", doc.get("goid"), truth["main_goid"])
    diff(p, f"{where}status", doc.get("status"), "running")
    # an outer frame selected: unwound from the innermost frame
    diff(p, f"{where}unwound_from", doc.get("unwound_from"),
         "innermost frame" if level else "selected frame")
    stack_structure_problems(doc, cfg, p, where)
    frames = doc.get("frames") or []
    user = [f.get("func") for f in frames if not is_runtime(f.get("func"))]
    diff(p, f"{where}frames outside runtime.*", user, MAIN_USER_FRAMES)
    sel = [f for f in frames if f.get("selected")]
    diff(p, f"{where}functions of the frames marked selected", [f.get("func") for f in sel],
         [MAIN_USER_FRAMES[level]])
    if level and sel:
        diff(p, f"{where}selected frame line (the call of stopHere in main.go)", sel[0].get("line"),
             main_call_line("main.main", "main.stopHere"))


def check_goroutines_outer_frame(doc, ctx):
    """`golayout goroutines` with main.main (frame 1) selected: main's
    goroutine is still where it is (main.stopHere), the selected frame is
    shown apart."""
    p = []
    goroutines_doc_problems(doc, ctx.truth, p)
    main_entry_problems(doc, ctx.truth, p)
    e = next((x for x in doc.get("goroutines") or [] if x.get("goid") == ctx.truth["main_goid"]), {})
    sel = e.get("selected_frame") or {}
    diff(p, "main goroutine selected_frame func", sel.get("func"), "main.main")
    diff(p, "main goroutine selected_frame line", sel.get("line"), main_call_line("main.main", "main.stopHere"))
    if not isinstance(sel.get("index"), int) or sel["index"] < 1:
        p.append(f"main goroutine selected_frame index {sel.get('index')!r} is not an outer frame")
    others = [x.get("goid") for x in doc.get("goroutines") or [] if x.get("selected_frame") and x is not e]
    diff(p, "other goroutines with a selected_frame", others, [])
    return p


def check_current_stack(level):
    def check(doc, ctx):
        p = []
        current_stack_problems(doc, ctx.truth, level, ctx.cfg, p)
        return p
    return check


def live_stack_check(role, substr):
    """The filter document of run.py's session, then `golayout stack GOID`
    of this module's live session."""
    filt = check_filter(role, substr)

    def check(doc, ctx):
        p = filt(doc, ctx)
        p = [f"`golayout goroutines --status waiting --func {substr}`: {x}" for x in p]
        try:
            r = live_run(ctx)
        except Exception as e:  # noqa: BLE001
            return p + [f"separate live session: {e}"]
        if r.truth is None:
            return p + [r.doc("golayout goroutines --json")[1]]
        g = by_role(r.truth, role)
        notes = []
        for cmd, fn in ((f"golayout stack {g['goid']} --json",
                         lambda d, w: stack_vs_truth(d, g, ctx.opt, ctx.cfg, p, notes, w, ctx.binary)),
                        ("golayout goroutines --json",
                         lambda d, w: goroutine_entry_problems(d, g, p, w))):
            d, err = r.doc(cmd)
            if err:
                p.append(err)
            else:
                fn(d, f"`{cmd}` ({r.what}, goid {g['goid']} of that run): ")
        # the list and the stack agree on where the goroutine is
        d1, _ = r.doc(f"golayout stack {g['goid']} --json")
        d2, _ = r.doc("golayout goroutines --json")
        if d1 and d2 and d1.get("frames"):
            e = next((x for x in d2.get("goroutines") or [] if x.get("goid") == g["goid"]), {})
            diff(p, f"{r.what}: goroutines sp vs stack frame 0 sp", e.get("sp"), d1["frames"][0].get("sp"))
            diff(p, f"{r.what}: goroutines func vs stack frame 0 func", e.get("func"), d1["frames"][0].get("func"))
        return p + ["note: " + n for n in notes]
    return check


def live_session(ctx):
    """This module's live session, or the problem that kept it from
    running."""
    try:
        r = live_run(ctx)
    except Exception as e:  # noqa: BLE001
        return None, [f"separate live session: {e}"]
    if r.truth is None:
        return None, [r.doc("golayout goroutines --json")[1]]
    return r, []


def live_frame(r, goid, func):
    """The stack document of goroutine goid in live session r and its frame
    of func, or the problem."""
    d, err = r.doc(f"golayout stack {goid} --json")
    if err:
        return None, None, [err]
    f = next((f for f in d.get("frames") or [] if f.get("func") == func), None)
    if f is None:
        return d, None, [f"no frame of {func} in {[x.get('func') for x in d.get('frames') or []]}"]
    return d, f, []


def check_pollwait(doc, ctx):
    """The goroutine parked in net.Listener.Accept: in its frame of
    internal/poll.runtime_pollWait, mode is 'r' (114, what pollDesc.waitRead
    passes) and pd the *runtime.pollDesc. An optimized build keeps both in
    registers up to the call into the runtime and on the stack from its
    return address on: they are found only when the location lists are
    looked up at the return address (as Delve does), not at pc-1."""
    r, p = live_session(ctx)
    if not r:
        return p
    goid = r.truth.get("accept_goid")
    if not goid:
        return ["fixture: no goroutine of net.Listener.Accept was seen in IO wait"]
    d, f, p = live_frame(r, goid, "internal/poll.runtime_pollWait")
    if not f:
        return p
    vs = {v.get("name"): v for v in f.get("vars") or []}
    mode, pd, p = vs.get("mode") or {}, vs.get("pd") or {}, []
    if mode.get("value") != "114":
        p.append(f"runtime_pollWait's mode: {mode.get('value') or mode.get('error')!r}, want 114 ('r')")
    if pd.get("error") or not str(pd.get("value") or "").startswith("&{"):
        p.append(f"runtime_pollWait's pd: {pd.get('value') or pd.get('error')!r}, want a *runtime.pollDesc")
    # pollDesc.waitRead(isFile bool) is inlined into FD.Accept in optimized
    # builds: its parameter belongs to its own (inlined) frame, not Accept's
    frames = d.get("frames") or []
    wr = [f for f in frames if f.get("func") == "internal/poll.(*pollDesc).waitRead"]
    acc = [f for f in frames if f.get("func") == "internal/poll.(*FD).Accept"]
    if len(wr) != 1 or len(acc) != 1:
        p.append(f"want one frame each of (*pollDesc).waitRead and (*FD).Accept: {[f.get('func') for f in frames]}")
    else:
        names = lambda f: [v.get("name") for v in f.get("vars") or []]  # noqa: E731
        if "isFile" not in names(wr[0]):
            p.append(f"(*pollDesc).waitRead{' (inlined)' if wr[0].get('inlined') else ''} has no isFile: {names(wr[0])}")
        if "isFile" in names(acc[0]):
            p.append(f"(*FD).Accept lists waitRead's isFile: {names(acc[0])}")
    return p


def check_lockorder(doc, ctx):
    """runtime.selectgo's lockorder in the goroutine blocked in a select of
    two cases: the case indices in lock order, a permutation of [0 1]. Go
    1.22's optimized build keeps only its array and len at the call (the
    cap piece of its location is empty): the value still shows, marked
    partial "cap optimized out", instead of an error."""
    r, p = live_session(ctx)
    if not r:
        return p
    _, f, p = live_frame(r, by_role(r.truth, "select")["goid"], "runtime.selectgo")
    if not f:
        return p
    v = next((v for v in f.get("vars") or [] if v.get("name") == "lockorder"), None)
    if v is None:
        return ["note: runtime.selectgo has no lockorder in this build's DWARF"]
    p = []
    if v.get("error"):
        # 386 (Go 1.22): only the array pointer is located at the call;
        # right when the DWARF, read on its own, has len empty there too
        pc = (hexint(f.get("pc")) or 0) - harness.load_bias(ctx)
        exprs = [e for q in (pc - 1, pc)
                 for e in harness.dwarfloc.locations(ctx.binary, "runtime.selectgo", "lockorder", q)[0]]
        if (v.get("error_code") == "unavailable" and "(len)" in v["error"] and exprs and
                all(1 in harness.dwarfloc.empty_pieces(e) for e in exprs)):
            return [f"note: lockorder {v['error']} (DWARF: {exprs[0]})"]
        p.append(f"lockorder: {v['error']}")
    elif sorted(str(v.get("value")).strip("[]").split()) != ["0", "1"]:
        p.append(f"lockorder {v.get('value')!r}, want a permutation of [0 1]")
    if v.get("partial") not in (None, "cap optimized out"):
        p.append(f"lockorder partial {v.get('partial')!r}")
    return p + ([f"note: lockorder {v.get('value')} ({v['partial']})"] if v.get("partial") else [])


def live_escape_check(role):
    def check(doc, ctx):
        notes = []
        r, p = live_session(ctx)
        if not r:
            return p
        if r.escape_error:
            return [r.escape_error]
        g = by_role(r.truth, role)
        cmd = f"golayout stack {g['goid']} --escape {r.escape_path} --json"
        d, err = r.doc(cmd)
        if err:
            return [err]
        where = f"`{cmd}` ({r.what}): "
        escape_problems(d, g, compiler_verdicts(r.escape_path), r.escape_path, p, notes, where)
        # the annotations change nothing else (the plain document is
        # checked against the truth by "stack ROLE")
        plain, err = r.doc(f"golayout stack {g['goid']} --json")
        if err:
            p.append(err)
        else:
            def strip(doc):
                doc = json.loads(json.dumps(doc))
                doc.pop("escape_file", None)
                for f in doc.get("frames") or []:
                    for v in f.get("vars") or []:
                        v.pop("escape", None)
                        v.pop("escape_ref", None)
                return doc
            a, b = strip(d), strip(plain)
            if a != b:
                first = next((f"frame {i}: {x!r} vs {y!r}" for i, (x, y) in
                              enumerate(zip(a.get("frames") or [], b.get("frames") or [])) if x != y),
                             f"{ {k: v for k, v in a.items() if k != 'frames'} } vs "
                             f"{ {k: v for k, v in b.items() if k != 'frames'} }")
                p.append(f"{where}differs from `golayout stack {g['goid']} --json` in more than "
                         f"escape annotations: {first[:600]}")
        return p + ["note: " + n for n in notes]
    return check


def core_check(what, kind="gcore"):
    """Checks on the core session of ctx.debugger, reported in run.py's
    session of the -noopt binary. In qemu's core (kind "qemu") the main
    goroutine is in the runtime's crash, not at main.stopHere: its checks
    are left out; LLDB cannot load that core (check_qemu_core_lldb)."""
    def check(doc, ctx):
        p, notes = [], []
        if kind == "qemu" and ctx.debugger != "gdb":
            return check_qemu_core_lldb(ctx)
        try:
            r = core_run(ctx, kind=kind)
        except Exception as e:  # noqa: BLE001
            return [f"core: {e}"]
        if r.error:
            return [r.doc("golayout goroutines --json")[1]]
        t = r.truth

        def get(cmd):
            d, err = r.doc(cmd)
            if err:
                p.append(err)
            return d

        def w(cmd):
            return f"`{cmd}` ({r.what}): "
        if what == "goroutines":
            cmd = "golayout goroutines --json"
            d = get(cmd)
            if d:
                goroutines_doc_problems(d, t, p, w(cmd))
                if kind == "gcore":
                    main_entry_problems(d, t, p, w(cmd))
                for g in t["goroutines"]:
                    goroutine_entry_problems(d, g, p, w(cmd))
        elif what == "current":
            cmd = "golayout stack --json"
            d = get(cmd)
            if d:
                current_stack_problems(d, t, 0, ctx.cfg, p, w(cmd))
        elif what == "error":
            cmd = "golayout stack 999999 --json"
            d = get(cmd)
            if d:
                p += [w(cmd) + x for x in check_error("999999")(d, ctx)]
        else:
            g = by_role(t, what)
            cmd = f"golayout stack {g['goid']} --json"
            d = get(cmd)
            if d:
                stack_vs_truth(d, g, False, ctx.cfg, p, notes, w(cmd))
                e = next((x for x in (r.doc("golayout goroutines --json")[0] or {}).get("goroutines") or []
                          if x.get("goid") == g["goid"]), {})
                if d.get("frames"):
                    diff(p, f"{r.what}: goroutines sp vs stack frame 0 sp", e.get("sp"), d["frames"][0].get("sp"))
        return p + ["note: " + n for n in notes]
    return check


def source_line(pattern):
    """The first line of main.go that pattern (a regex) matches."""
    global _src_lines
    if _src_lines is None:
        _src_lines = SRC.read_text().splitlines()
    return next((i + 1 for i, l in enumerate(_src_lines) if re.search(pattern, l)), None)


def joined_user_frames(frames, first, g, p, where, inner_line):
    """golayout's frames from frames[first] on, outside runtime.*, against
    g's traceback (runtime.Stack before the second stop): the same
    functions and files; the same lines but the innermost one's, which is
    inner_line (where the thread is now, deeper than the runtime's saved
    state). Returns them."""
    user = [f for f in frames[first:] if not is_runtime(f.get("func"))]
    got = [(f.get("func"), f.get("file")) for f in user]
    want = [(t["function"], t["file"]) for t in g["traceback"]]
    if got != want:
        p.append(f"{where}frames outside runtime.* from frame {first} (innermost first): got "
                 f"{fmt_frames([(f.get('func'), f.get('file'), f.get('line')) for f in user])}, want "
                 f"(runtime.Stack) {fmt_frames([(t['function'], t['file'], t['line']) for t in g['traceback']])}")
        return user
    diff(p, f"{where}line of the innermost frame outside runtime.* ({user[0].get('func')})",
         user[0].get("line"), inner_line)
    diff(p, f"{where}lines of the outer frames outside runtime.*", [f.get("line") for f in user[1:]],
         [t["line"] for t in g["traceback"][1:]])
    return user


def sysstack_doc_problems(r, d, g, opt, cfg, binary, p, notes, where):
    """The goroutine running runtime.readmemstats_m on the system stack
    (d: its stack document, without error): g0's frames from the thread's
    registers (marked "stack": "g0", inside "system_stack"), then at
    runtime.systemstack_switch its own stack, as the program itself
    reported it."""
    frames = d.get("frames") or []
    k = next((i for i, f in enumerate(frames) if f.get("stack") != "g0"), len(frames))
    diff(p, f"{where}frames on a stack other than g0 and the goroutine's",
         [f.get("stack") for f in frames if f.get("stack") not in (None, "g0")], [])
    if k < 2 or k == len(frames):
        p.append(f"{where}{k} frames marked \"stack\": \"g0\" of {len(frames)}: "
                 f"{[(f.get('func'), f.get('stack')) for f in frames]}")
        return
    # the breakpoint's address may be in a call inlined into it
    phys = next((i for i, f in enumerate(frames) if not f.get("inlined")), 0)
    diff(p, f"{where}first physical frame (where the thread is)", frames[phys].get("func"), SECOND_STOP)
    diff(p, f"{where}frames inlined into it", [f.get("note") for f in frames[:phys]],
         [f"inlined into {SECOND_STOP}"] * phys)
    diff(p, f"{where}last frame on g0 (frame {k - 1})", frames[k - 1].get("func"), "runtime.systemstack")
    diff(p, f"{where}first frame on the goroutine's stack (frame {k})", frames[k].get("func"),
         "runtime.systemstack_switch")
    sys = d.get("system_stack") or {}
    diff(p, f"{where}system_stack.stack", sys.get("stack"), "g0")
    lo, hi = hexint(sys.get("lo")), hexint(sys.get("hi"))
    if lo is None or hi is None or lo >= hi:
        p.append(f"{where}system_stack bounds {sys!r}")
    else:
        lo_hi_frames_problems(frames[:k], 0, lo, hi, cfg, p, where + "system stack: ")
    stack_structure_problems(d, cfg, p, where, first=k)
    user = joined_user_frames(frames, k, g, p, where, source_line(r"runtime\.ReadMemStats\("))
    recorded_vars_problems(user, g, opt, p, notes, where, binary)


def syscall_doc_problems(d, g, opt, cfg, binary, p, notes, where):
    """The goroutine blocked in read(2) (d: its stack document, without
    error): unwound from its thread, which is in the kernel-call frames
    below the syscall.Syscall the runtime's traceback (from g.syscallpc)
    starts with, on the goroutine's stack."""
    frames = d.get("frames") or []
    diff(p, f"{where}frames marked on a system stack", [f.get("func") for f in frames if f.get("stack")], [])
    if d.get("system_stack") is not None:
        p.append(f"{where}system_stack {d['system_stack']!r}")
    stack_structure_problems(d, cfg, p, where)
    top = g["traceback"][0]["function"] if g.get("traceback") else None
    j = next((i for i, f in enumerate(frames) if f.get("func") == top), None)
    if j is None or j == 0:
        p.append(f"{where}want frames below {top} (the runtime's innermost): {[f.get('func') for f in frames]}")
        return
    if not (frames[0].get("func") or "").endswith("Syscall6"):
        p.append(f"{where}frame 0 {frames[0].get('func')!r} is not the Syscall6 making the system call")
    deeper = [f.get("func") for f in frames[:j]]
    if any("syscall" not in (fn or "").lower() for fn in deeper):
        p.append(f"{where}frames below {top} outside the system-call functions: {deeper}")
    user = joined_user_frames(frames, j, g, p, where, frames[j].get("line"))
    # the runtime's traceback stops at entersyscall's call, the thread at
    # the system call's (RawSyscall6's): another line of syscall.Syscall
    if frames[j].get("line") == g["traceback"][0]["line"]:
        p.append(f"{where}{top} at line {frames[j].get('line')}, where entersyscall was called: "
                 f"unwound from the saved state, not from the thread")
    recorded_vars_problems(user, g, opt, p, notes, where, binary)


def second_stop_check(role, core=False):
    """At the second stop (SECOND_STOP): `golayout stack GOID` of the
    goroutine on the system stack or in the system call, in the live
    session stopped there or in the core file it wrote; the list and the
    current goroutine agree."""
    def check(doc, ctx):
        try:
            r = core_run(ctx, second=True) if core else sysstack_run(ctx)
        except Exception as e:  # noqa: BLE001
            return [f"{'core' if core else 'separate live session'}: {e}"]
        if r.error or r.truth is None:
            return [r.doc("golayout goroutines --json")[1] or "no truth"]
        p, notes = [], []
        g = r.truth.get(role)
        if not g:
            return [f"fixture: no {role} goroutine in the truth ({r.truth.get('problems')})"]
        cmd = f"golayout stack {g['goid']} --json"
        where = f"`{cmd}` ({r.what}): "
        d, err = r.doc(cmd)
        if err:
            return [err]
        if d.get("error") is not None:
            return [f"{where}error: {d['error']}"]
        diff(p, f"{where}goid", d.get("goid"), g["goid"])
        diff(p, f"{where}status", d.get("status"), "running" if role == "sysstack" else "syscall")
        opt = ctx.opt and not core
        # the debugger selects the thread that hit the breakpoint, the
        # system-stack goroutine's; in a core, whichever the core names first
        selected = role == "sysstack"
        want_from = (["selected frame", "registers of its thread"] if core else
                     ["selected frame" if selected else "registers of its thread"])
        if d.get("unwound_from") not in want_from:
            p.append(f"{where}unwound_from {d.get('unwound_from')!r}, want one of {want_from}")
        if role == "sysstack":
            sysstack_doc_problems(r, d, g, opt, ctx.cfg, ctx.binary, p, notes, where)
            text = r.outputs.get(f"golayout stack {g['goid']}") or ""
            lines = text.splitlines()
            at = lambda needle: next((i for i, l in enumerate(lines) if needle in l), None)  # noqa: E731
            marks = (at("-- #") is not None and at("runtime.systemstack_switch"),
                     at("--- system stack (g0)"), at(f"{SECOND_STOP} "))
            if None in marks or not marks[0] < marks[1] < marks[2]:
                p.append(f"`golayout stack {g['goid']}` ({r.what}): want runtime.systemstack_switch, then "
                         f"the line \"--- system stack (g0) ...\", then {SECOND_STOP} (line numbers "
                         f"{marks}): {text[:1500]!r}")
            if not core:
                frames = d.get("frames") or []
                phys = next((f.get("index") for f in frames if not f.get("inlined")), None)
                diff(p, f"{where}frames marked selected (the physical frame 0)",
                     [f.get("index") for f in frames if f.get("selected")], [phys])
                cur, err = r.doc("golayout stack --json")
                if err:
                    p.append(err)
                else:
                    diff(p, f"`golayout stack --json` ({r.what}): goid (the selected frame is on g0 of "
                         f"the thread running it)", cur.get("goid"), g["goid"])
                    diff(p, f"`golayout stack --json` ({r.what}): frames",
                         [f.get("func") for f in cur.get("frames") or []],
                         [f.get("func") for f in d.get("frames") or []])
        else:
            syscall_doc_problems(d, g, opt, ctx.cfg, ctx.binary if not core else None, p, notes, where)
        gl, err = r.doc("golayout goroutines --json")
        e = next((x for x in (gl or {}).get("goroutines") or [] if x.get("goid") == g["goid"]), None)
        if err or e is None:
            p.append(err or f"`golayout goroutines --json` ({r.what}): no goroutine {g['goid']}")
        else:
            w = f"`golayout goroutines --json` ({r.what}), goroutine {g['goid']}: "
            frames = d.get("frames") or []
            own = next((f for f in frames if not f.get("stack")), {})
            diff(p, f"{w}status", e.get("status"), "running" if role == "sysstack" else "syscall")
            diff(p, f"{w}func (stack's frame 0)", e.get("func"), frames[0].get("func") if frames else None)
            diff(p, f"{w}sp (the innermost frame on its own stack)", e.get("sp"), own.get("sp"))
            bounds_problems(e, p, w)
            if role == "sysstack":
                diff(p, f"{w}user_func", e.get("user_func"), "main.sysStacker")
                diff(p, f"{w}line", e.get("line"), source_line(r"runtime\.ReadMemStats\("))
                if not core:
                    diff(p, f"{w}current", e.get("current"), True)
        return p + ["note: " + n for n in notes]
    return check


def check_qemu_core_lldb(ctx):
    """LLDB (16) refuses qemu-user's core ("Don't know how to parse core
    file. Unsupported OS.": its notes carry no Linux-specific note LLDB
    takes the OS from), and golayout then has no executable. Passes while
    that holds; fails, as a reminder to run the full checks in LLDB too,
    once LLDB loads such a core."""
    try:
        r = core_run(ctx, kind="qemu")
    except Exception as e:  # noqa: BLE001
        return [f"core: {e}"]
    log = r.log.read_text()
    d, _ = r.doc("golayout goroutines --json")
    if "Unsupported OS" not in log or not d or d.get("error") is None:
        return [f"LLDB loaded qemu's core (or failed otherwise; log {r.log.name}): "
                f"run the full core checks in LLDB too"]
    return ["note: LLDB: Don't know how to parse core file. Unsupported OS."]


def check_stub_core(_, ctx):
    """A program under qemu-user (arm64): gdb's gcore over qemu's gdb stub
    writes a core of the executable's own segments only (the stub tells gdb
    no memory map, so the Go heap and the goroutine stacks are not in it).
    The check passes while that holds and golayout reports the unreadable
    allgs array instead of decoding anything; it fails, as a reminder to
    run the full core checks here, once such a core holds the heap."""
    try:
        r = core_run(ctx)
    except Exception as e:  # noqa: BLE001
        return [f"core: {e}"]
    if r.error:
        return [r.doc("golayout goroutines --json")[1]]
    d, err = r.doc("golayout goroutines --json")
    if err:
        return [err]
    e = d.get("error") or ""
    if "allgs" not in e or "cannot read memory" not in e:
        return [f"golayout goroutines on the core: error {e!r}, want allgs unreadable "
                f"(does gcore over qemu's stub write the heap now? then run the full core checks)"]
    return [f"note: {e}"]


def cases(truth):
    """run.py's session; the goid-dependent checks come from this module's
    own sessions (see the module doc)."""
    noopt = truth["executable"].endswith("-noopt")
    cs = [select_frame(0, "main.stopHere"),
          Case("fixture truth: consistent (Callers vs runtime.Stack)", check=check_fixture),
          Case("goroutines: counts, main goroutine running and current",
               "golayout goroutines --json", check_goroutines)]
    for g in truth["goroutines"]:
        cs.append(Case(f"goroutines: {g['role']} goroutine [{g['wait_reason']}] in {user_func(g)}",
                       "golayout goroutines --json", check_goroutine(g["role"])))
    cs += [Case("goroutines --status waiting --func recvDeep",
                "golayout goroutines --status waiting --func recvDeep --json", check_filter("recv", "recvDeep")),
           Case("goroutines --status running", "golayout goroutines --status running --json", check_running),
           Case("goroutines --limit 2", "golayout goroutines --limit 2 --json", check_limit(2)),
           Case("goroutines --dead", "golayout goroutines --dead --json", check_dead),
           Case("stack 999999: error", "golayout stack 999999 --json", check_error("999999")),
           Case("stack: goroutine of the selected frame (0)", "golayout stack --json", check_current_stack(0))]
    for g in truth["goroutines"]:
        uf = user_func(g)
        cs.append(Case(f"stack {g['role']}: goroutine found by --func {uf}, its stack",
                       f"golayout goroutines --status waiting --func {uf} --json",
                       live_stack_check(g["role"], uf)))
    cs.append(Case("stack of the goroutine in net.Listener.Accept: runtime_pollWait's pd and mode "
                   "(stack slots from the return address on), waitRead's isFile in its own frame",
                   None, check_pollwait))
    cs.append(Case("stack select: runtime.selectgo's lockorder (a slice whose cap the compiler dropped)",
                   None, check_lockorder))
    for g in truth["goroutines"]:
        cs.append(Case(f"stack {g['role']} --escape (compiler -m output)",
                       f"golayout goroutines --status waiting --func {user_func(g)} --json",
                       live_escape_check(g["role"])))
    if noopt and truth.get("goarch") == "arm64":
        cs.append(Case("core (gdb gcore over qemu-user's gdb stub, loaded in the session's debugger): "
                       "holds no Go heap, and golayout says what it cannot read", check=check_stub_core))
        name = "core (qemu-user's own, of the program aborted at main.stopHere; gdb reads it, LLDB cannot)"
        cs.append(Case(f"{name}: goroutines", check=core_check("goroutines", "qemu")))
        for g in truth["goroutines"]:
            cs.append(Case(f"{name}: stack {g['role']}", check=core_check(g["role"], "qemu")))
        cs.append(Case(f"{name}: stack 999999 error", check=core_check("error", "qemu")))
    elif noopt:
        name = "core (gdb gcore, loaded in the session's debugger)"
        cs.append(Case(f"{name}: goroutines", check=core_check("goroutines")))
        for g in truth["goroutines"]:
            cs.append(Case(f"{name}: stack {g['role']}", check=core_check(g["role"])))
        cs += [Case(f"{name}: stack of the selected frame", check=core_check("current")),
               Case(f"{name}: stack 999999 error", check=core_check("error"))]
    name = f"second stop ({SECOND_STOP}, a separate live session)"
    cs += [Case(f"{name}: stack of the goroutine on the system stack (g0), joined to its own",
                check=second_stop_check("sysstack")),
           Case(f"{name}: stack of the goroutine in a system call, from its thread",
                check=second_stop_check("syscall"))]
    # (gdb's gcore over qemu-user's stub holds no heap: check_stub_core)
    if noopt and truth.get("goarch") != "arm64":
        name = f"core (gdb gcore at {SECOND_STOP}, loaded in the session's debugger)"
        cs += [Case(f"{name}: stack of the goroutine on the system stack (g0)",
                    check=second_stop_check("sysstack", core=True)),
               Case(f"{name}: stack of the goroutine in a system call",
                    check=second_stop_check("syscall", core=True))]
    name = f"third stop ({FAULT_STOP}, in the handler of a SIGSEGV, a separate live session)"
    cs.append(Case(f"{name}: stack of the faulting goroutine, the handler's frames joined to the "
                   "faulting ones past runtime.sigtramp", check=fault_stop_check()))
    if noopt and truth.get("goarch") != "arm64":
        name = f"core (gdb gcore at {FAULT_STOP}, loaded in the session's debugger)"
        cs.append(Case(f"{name}: stack of the faulting goroutine, joined past runtime.sigtramp",
                       check=fault_stop_check(core=True)))
    cs.append(Case("stack pointers: the GC pointer slots of main.ptrHolder hold its live pointers "
                   "(runtime.KeepAlive after the park), none in main.plainDepth; every goroutine's slots "
                   "within their frames", check=check_pointers))
    cs += [select_frame(1, "main.main"),
           Case("stack: goroutine of the selected frame (1), its whole stack", "golayout stack --json",
                check_current_stack(1)),
           Case("goroutines: selected frame (1) apart from where main's goroutine is",
                "golayout goroutines --json", check_goroutines_outer_frame)]
    return cs


# ------------------------------------------------------- pointer slots

def truth_int(v):
    return v if isinstance(v, int) else hexint(v)


def slot_bounds_problems(d, p, where):
    """Every pointer slot of a stack document lies in its frame: locals and
    stack objects in [sp, cfa) (or the argument area), arguments from the
    frame's CFA up to the next physical frame's CFA (the caller's frame
    holds them); offsets are from the frame's SP."""
    frames = d.get("frames") or []
    phys = [i for i, f in enumerate(frames) if not f.get("inlined") and f.get("cfa")]
    for k, i in enumerate(phys):
        f = frames[i]
        sp, cfa = hexint(f.get("sp")), hexint(f.get("cfa"))
        top = hexint(frames[phys[k + 1]].get("cfa")) if k + 1 < len(phys) else hexint(d.get("stack_hi"))
        for s in f.get("pointer_slots") or []:
            a = hexint(s.get("address"))
            w = f"{where}frame {i} ({f.get('func')}) slot {s}"
            if a is None or sp is None or cfa is None or top is None:
                p.append(f"{w}: no address, sp or cfa")
                continue
            if s.get("offset") != a - sp:
                p.append(f"{w}: offset {s.get('offset')} is not address - sp ({a - sp})")
            lo, hi = (cfa, top) if s.get("kind") == "arg" else (sp, top if s.get("kind") == "stack_object" else cfa)
            if not lo <= a < hi:
                p.append(f"{w}: outside [{lo:#x}, {hi:#x})")
            if s.get("kind") not in ("local", "arg", "stack_object", "conservative"):
                p.append(f"{w}: unknown kind")


def pointers_problems(r, opt, p, where, dwarf=True):
    """The "pointers" goroutine: every frame scanned, the values its truth
    lists are pointer slots of main.ptrHolder's frame (named after the variable when DWARF
    names one; buf a stack object in the -noopt build, where its address
    is kept), main.plainDepth's frame has none, and every slot of every
    frame lies in its frame."""
    t = r.truth.get("pointers")
    if not t:
        return p.append(f"{where}no \"pointers\" goroutine in the truth")
    cmd = f"golayout stack {t['goid']} --json"
    d, err = r.doc(cmd)
    if err:
        return p.append(err)
    w = f"`{cmd}` ({r.what}): "
    if d.get("pointer_slots_error"):
        return p.append(f"{w}pointer_slots_error {d['pointer_slots_error']!r}")
    if d.get("pointer_slots_unscanned"):
        p.append(f"{w}{d['pointer_slots_unscanned']} frame(s) not scanned")
    slot_bounds_problems(d, p, w)
    frames = d.get("frames") or []
    holder = next((f for f in frames if f.get("func") == "main.ptrHolder"), None)
    plain = next((f for f in frames if f.get("func") == t.get("no_pointers")), None)
    if holder is None or plain is None:
        return p.append(f"{w}no frame of main.ptrHolder or {t.get('no_pointers')} in {[f.get('func') for f in frames]}")
    diff(p, f"{w}{t['no_pointers']} pointer slots (it holds none across the park)", plain.get("pointer_slots"), [])
    slots = holder.get("pointer_slots")
    if slots is None:
        return p.append(f"{w}main.ptrHolder was not scanned (no pointer_slots)")
    by_value = {}
    for s in slots:
        by_value.setdefault(hexint(s.get("value")), []).append(s)
    noopt = not opt
    for kind, vals in (("locals", t.get("locals") or []), ("object", t.get("object") or [])):
        for v in vals:
            want = truth_int(v.get("value"))
            got = by_value.get(want)
            what = f"{w}main.ptrHolder: {v['name']} = {want:#x}" if want is not None else f"{w}{v}"
            if not got:
                p.append(f"{what} is in no pointer slot (slot values {sorted(by_value, key=str)})")
                continue
            base = v["name"].split("[")[0]
            named = [s for s in got if s.get("var") is not None]
            if not dwarf and named:
                p.append(f"{what}: slot named {named[0].get('var')!r} without DWARF")
            if dwarf and (noopt or named) and not any(s.get("var") == base for s in got):
                p.append(f"{what}: slot named {[s.get('var') for s in got]}, not {base!r}")
            if kind == "object" and noopt and not any(s.get("kind") == "stack_object" for s in got):
                p.append(f"{what}: slot kinds {[s.get('kind') for s in got]}, not stack_object "
                         f"(buf's address is kept across the park in -noopt builds)")
    # the text shows the same slots, one line per kind
    text = r.outputs.get(f"golayout stack {t['goid']}") or ""
    if "ptr slots, locals (" not in text:
        p.append(f"`golayout stack {t['goid']}` ({r.what}): no \"ptr slots, locals (\" line in the text")


def check_pointers(doc, ctx, dwarf=True):
    r, p = live_session(ctx)
    if r is None:
        return p
    pointers_problems(r, ctx.opt, p, f"{r.what}: ", dwarf)
    # every parked goroutine's slots lie in their frames
    for g in r.truth.get("goroutines") or []:
        cmd = f"golayout stack {g['goid']} --json"
        d, err = r.doc(cmd)
        if err:
            p.append(err)
        elif d.get("pointer_slots_error"):
            p.append(f"`{cmd}` ({r.what}): pointer_slots_error {d['pointer_slots_error']!r}")
        else:
            slot_bounds_problems(d, p, f"`{cmd}` ({r.what}): ")
            # a parked goroutine's frames all have maps the runtime reads
            if d.get("pointer_slots_unscanned"):
                p.append(f"`{cmd}` ({r.what}): {d['pointer_slots_unscanned']} frame(s) not scanned")
    return p


# ----------------------------------------------------- without DWARF (-w)

def check_nodwarf_stack(doc, ctx):
    """`golayout stack` of a -ldflags=-w build: main's goroutine found with
    the built-in layouts, its frames as with DWARF, argument areas where
    the pclntab knows them, no variables and one note saying why."""
    p = []
    current_stack_problems(doc, ctx.truth, 0, ctx.cfg, p)
    if "no names" not in str(doc.get("note")):
        p.append(f"note {doc.get('note')!r} does not say variables have no names")
    frames = doc.get("frames") or []
    for i, f in enumerate(frames):
        if f.get("vars"):
            p.append(f"frame {i} ({f.get('func')}) has variables without DWARF: {f['vars']!r}")
        if f.get("inlined") or f.get("args_bytes") is None:
            continue
        diff(p, f"frame {i} ({f.get('func')}) args_at (the cfa on amd64)", hexint(f.get("args_at")),
             hexint(f.get("cfa")))
    if not any(isinstance(f.get("args_bytes"), int) and f["args_bytes"] >= 0 for f in frames):
        p.append("no frame has an argument area")
    return p


def nodwarf_stack_check(role):
    """`golayout stack GOID` of a parked goroutine in this module's live
    session (its goid is known only there)."""
    def check(doc, ctx):
        r, p = live_session(ctx)
        if r is None:
            return p
        g = by_role(r.truth, role)
        cmd = f"golayout stack {g['goid']} --json"
        d, err = r.doc(cmd)
        if err:
            return [err]
        stack_vs_truth(d, g, ctx.opt, ctx.cfg, p, [], f"`{cmd}` ({r.what}): ", ctx.binary, dwarf=False)
        return p
    return check


def nodwarf_cases(truth, cfg):
    """A -ldflags=-w build: goroutines (status, wait reason, where, stack
    bounds) and the selected goroutine's stack, with the built-in runtime
    layouts. -s -w (stripped_cases): the same, runtime.allgs and the wait
    reasons found by their layout signatures, the debuggers stopped at
    main.stopHere's address (the truth's), which they cannot name."""
    cs = [] if cfg.mode == "stripped" else [select_frame(0, "main.stopHere")]
    cs += [Case("goroutines: counts, main goroutine running and current",
                "golayout goroutines --json", check_goroutines)]
    for g in truth["goroutines"]:
        cs.append(Case(f"goroutines: {g['role']} goroutine [{g['wait_reason']}] in {user_func(g)}",
                       "golayout goroutines --json", check_goroutine(g["role"])))
    cs += [Case("goroutines --status running", "golayout goroutines --status running --json", check_running),
           Case("goroutines --dead", "golayout goroutines --dead --json", check_dead),
           Case("stack 999999: error", "golayout stack 999999 --json", check_error("999999")),
           Case("stack: goroutine of the selected frame, no variable names",
                "golayout stack --json", check_nodwarf_stack)]
    for g in truth["goroutines"]:
        cs.append(Case(f"stack {g['role']} (separate live session): frames vs runtime.Stack, no variables",
                       check=nodwarf_stack_check(g["role"])))
    cs.append(Case("stack pointers (separate live session): pointer slots from the stack maps alone, "
                   "unnamed", check=lambda doc, ctx: check_pointers(doc, ctx, dwarf=False)))
    return cs


stripped_cases = nodwarf_cases
