"""Debugger drivers and helpers of the golayout integration tests (stdlib only).

A test module (test_*.py beside this file) names its fixture and turns the
fixture's truth into a list of Case objects. For each fixture binary and each
debugger, run.py starts ONE debugger session that stops at main.stopHere,
issues every case's command in order, each preceded by a marker line, and
then checks each command's output (the one `{"schema":"golayout/1"...}` line
it printed) against the truth the fixture wrote during that same run.

To add tests: write tests/fixtures/<name>/ (a main package that writes its
truth to $GOLAYOUT_TRUTH, then calls `//go:noinline func stopHere()`), and
tests/integration/test_<what>.py with
    FIXTURE = "<name>"
    def cases(truth): return [Case(...), ...]
where `truth` comes from running the binary once without a debugger (to
know the names to ask about); checks get the truth of the debugger run in
ctx.truth. scripts/build-fixtures.sh builds every fixture directory.

Environment:
  GOLAYOUT_BUILD      build dir holding the plugins (default: build/ of the
                      project; a relative path is taken from the current dir)
  GOLAYOUT_TOOLCHAINS labels or toolchains of scripts/toolchains.txt to test
  GOLAYOUT_DEBUGGERS  gdb,lldb (default: both); lldb is lldb-16 with
                      build/libgolayout-lldb.so, lldb-N (14, 15, 16, 19) is
                      LLDB N with build/lldb-N/libgolayout-lldb.so: `lldb-N`
                      on PATH, else the one scripts/install-lldb-versions.sh
                      unpacked into $GOLAYOUT_LLDB_ROOT/N (/opt/golayout-lldb)
  GOLAYOUT_FIXTURES   fixtures whose test modules run (default: all)
  GOLAYOUT_JOBS       debugger sessions run at once (default: 2)
  GOLAYOUT_TIMEOUT    seconds before a debugger session is killed (default: 120)
  GOLAYOUT_TEXT_TWINS 1: after each --json command also run it without --json,
                      so the session logs (build/integration-logs/) hold the
                      text output too, e.g. to compare two builds' outputs
"""

import atexit
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import dwarfloc

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_BIN = ROOT / "tests" / "fixtures" / "bin"
BUILD = Path(os.environ.get("GOLAYOUT_BUILD", ROOT / "build")).resolve()
TIMEOUT = float(os.environ.get("GOLAYOUT_TIMEOUT", "120"))
JOBS = int(os.environ.get("GOLAYOUT_JOBS", "2"))
SCHEMA_PREFIX = '{"schema":"golayout/1"'
MARK = "@@GOLAYOUT-CASE "  # printed by the debugger before each case
TEXT_TWINS = os.environ.get("GOLAYOUT_TEXT_TWINS", "") == "1"


def step_lines(step, select_frame):
    """The debugger lines of one step: the frame selection, or the golayout
    command (and its text twin with GOLAYOUT_TEXT_TWINS=1)."""
    if step.frame is not None:
        return [select_frame.format(step.frame)]
    lines = [step.cmd]
    if TEXT_TWINS and " --json" in step.cmd:
        lines.append(step.cmd.replace(" --json", ""))
    return lines


# ---------------------------------------------------------------- configs

@dataclass
class Config:
    """One line of scripts/toolchains.txt."""
    toolchain: str   # e.g. go1.25.8
    experiment: str  # GOEXPERIMENT, "" when none
    label: str       # directory under tests/fixtures/bin
    mode: str = "exe"  # the BUILDMODE column: "exe", "pie", "nodwarf", "stripped"
    goarch: str = "amd64"   # GOARCH: "amd64", "386" or "arm64" (run under qemu-aarch64)
    only: tuple = ()  # the fixtures it is for (only=A,B); () for all

    @property
    def buildmode(self) -> str:
        """The go build -buildmode value: "exe" or "pie"."""
        return "exe" if self.mode in ("nodwarf", "stripped") else self.mode

    @property
    def pie(self) -> bool:
        return self.buildmode == "pie"

    @property
    def ptr_size(self) -> int:
        """goarch.PtrSize of the binaries: also the bytes CALL pushes."""
        return 4 if self.goarch == "386" else 8

    @property
    def nodwarf(self) -> bool:
        """Built without DWARF: -ldflags=-w (nodwarf, symbol table kept) or
        -ldflags='-s -w' (stripped, no symbol table either)."""
        return self.mode in ("nodwarf", "stripped")

    @property
    def go_minor(self) -> int:
        return int(re.match(r"go1\.(\d+)", self.toolchain).group(1))

    @property
    def map_impl(self) -> str:
        """Map implementation the binaries use: swiss maps are the default
        from Go 1.24 on, unless GOEXPERIMENT=noswissmap (mapsplitgroup is a
        swiss-map variant: split key/elem arrays in a group)."""
        exps = self.experiment.split(",")
        return "classic" if self.go_minor < 24 or "noswissmap" in exps else "swiss"

    @property
    def dwarf_version(self) -> int:
        """DWARF version of .debug_info, checked with `readelf
        --debug-dump=info` on every configuration: Go 1.25 made DWARF 5 the
        default."""
        return 4 if self.go_minor <= 24 else 5


def configs() -> list:
    want = set(os.environ.get("GOLAYOUT_TOOLCHAINS", "").replace(",", " ").split())
    out = []
    for line in (ROOT / "scripts" / "toolchains.txt").read_text().splitlines():
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        # TOOLCHAIN [GOEXPERIMENT [BUILDMODE [GOARCH]]] [only=A,B] LABEL
        only = tuple(n for w in f if w.startswith("only=") for n in w[5:].split(",") if n)
        f = [w for w in f if not w.startswith("only=")]
        exp = f[1] if len(f) >= 3 else ""
        mode = f[2] if len(f) >= 4 else "exe"
        arch = f[3] if len(f) >= 5 else "amd64"
        cfg = Config(f[0], "" if exp == "-" else exp, f[-1], mode, arch, only)
        if not want or cfg.label in want or cfg.toolchain in want:
            out.append(cfg)
    return out


# ------------------------------------------------------------------ cases

@dataclass
class Case:
    """One step of a debugger session.

    With `frame` set, the step selects that frame (in the debugger's own
    syntax) and `check(text, ctx)` gets the raw output of the selection.
    Otherwise `cmd` is a golayout command line (the same in both debuggers)
    and `check(doc, ctx)` gets the one JSON document it printed, parsed.
    A check returns a list of problems; empty means PASS. Entries that
    start with "note: " are not problems, only shown on the PASS line.

    With neither set, the case sends nothing to the debugger: `check(None,
    ctx)` runs after the session, on the truth of the run (checks of the
    fixture itself, or that run a separate session of their own). No
    golayout command is issued as a carrier for such a check.

    With `raw`, `check(text, ctx)` gets the command's output as printed
    (a command that writes its output to a file prints none). "{outdir}"
    in `cmd` is a directory of the session's own (ctx.outdir), for the
    files commands write (--out, --svg); it is removed after the checks."""
    name: str
    cmd: Optional[str] = None
    check: Optional[Callable] = None
    frame: Optional[int] = None
    raw: bool = False

    @property
    def offline(self) -> bool:
        return self.cmd is None and self.frame is None


@dataclass
class Ctx:
    """What a check knows about the run."""
    cfg: Config
    binary: Path
    debugger: str
    truth: dict = field(default_factory=dict)  # written during this run
    # The frame the last select_frame case selected, and its PC as the
    # debugger printed it (None when it printed none).
    frame: int = 0
    frame_function: str = ""
    frame_pc: Optional[int] = None
    outdir: str = ""  # the session's directory for files commands write

    @property
    def opt(self) -> bool:
        return not self.binary.name.endswith("-noopt")


def nodwarf_expr(v, cfg, name="name", address="address") -> str:
    """What a check of a binary without DWARF asks about for variable v of
    the truth: its name (-w: the symbol table has it), or its address
    (-s -w: nothing has its name)."""
    return v[name] if cfg.mode != "stripped" else f"{v[address]:#x}"


def select_frame(n: int, function: str) -> Case:
    """Select frame n and check that it is `function` (e.g. main.level2).
    Remembers the frame and its PC in ctx for the checks that follow (gdb:
    `#1  0x00000000004c5dca in main.level3 ...`, lldb: `frame #1:
    0x00000000004c5dca structs`main.level3 ...`; gdb prints no PC for a
    frame stopped at the start of a line)."""
    def check(text, ctx):
        ctx.frame, ctx.frame_function, ctx.frame_pc = n, function, None
        m = re.search(r"^(?:#%d +|frame #%d: )(0x[0-9a-f]+)" % (n, n), text, re.M)
        if m:
            ctx.frame_pc = int(m.group(1), 16)
        if re.search(r"\b%s\b" % re.escape(function), text):
            return []
        # without DWARF gdb names a Go function from the symbol table as
        # pkg[name] (main[stopHere])
        pkg, _, name = function.rpartition(".")
        if pkg and re.search(r"\b%s\[%s\]" % (re.escape(pkg), re.escape(name)), text):
            return []
        return [f"frame {n} is not {function}"]
    return Case(f"frame {n} is {function}", frame=n, check=check)


def diff(problems: list, what: str, got, want):
    """Record a problem when got != want."""
    if got != want:
        problems.append(f"{what}: got {got!r}, want {want!r}")


def hexint(v):
    """A "0x..." hex string (as golayout and the fixtures' truth write
    addresses) as an int, else None. One definition for every test file,
    so they all accept and reject the same spellings."""
    if isinstance(v, str) and re.fullmatch(r"0[xX][0-9a-fA-F]+", v):
        return int(v, 16)
    return None


def addr(doc: dict, key: str = "address"):
    """The hex address string doc[key] as an int, or None when absent/bad."""
    return hexint(doc.get(key))


def one_document(text: str):
    """The one golayout/1 document in a command's output: (document, None),
    or (None, what is wrong) when there are none, several, or bad JSON."""
    docs = [l for l in text.splitlines() if l.startswith(SCHEMA_PREFIX)]
    if len(docs) != 1:
        return None, f"printed {len(docs)} golayout/1 documents, want 1: {text[:300]!r}"
    try:
        return json.loads(docs[0]), None
    except ValueError as e:
        return None, f"invalid JSON: {e}"


def holes(lay: dict) -> list:
    """Padding of a struct layout (size, fields with offset and size):
    gaps between fields, then the tail."""
    out, end = [], 0
    for f in sorted(lay["fields"], key=lambda f: f["offset"]):
        if f["offset"] > end:
            out.append({"offset": end, "size": f["offset"] - end})
        end = max(end, f["offset"] + f["size"])
    if lay["size"] > end:
        out.append({"offset": end, "size": lay["size"] - end})
    return out


def check_address(problems: list, doc: dict, want: int, what="address"):
    got = addr(doc)
    if got is None:
        problems.append(f"{what}: {doc.get('address')!r} is not a 0x... hex string")
    elif got != want:
        problems.append(f"{what}: got {got:#x}, want {want:#x}")


# ---------------------------------------------- checks on the truth shape
# Fixtures write their truth in the shape of tests/fixtures/structs: "types"
# (name, size, align, fields), "frames" (function, depth, vars), "globals"
# and "paths" (name, type, value, address, [fields with value]; the structs
# fixture's also go_kind and size).

LAYOUT_KEYS = ("name", "offset", "size", "type")


def find_type(truth, name):
    return next(t for t in truth["types"] if t["name"] == name)


def reflect_name(name):
    """A type name as golayout gives it (DWARF's: "sync/atomic.Int64",
    "*net/netip.Addr") spelled as reflect spells it ("atomic.Int64"): the
    package without its import path; reflect keeps the paths in type
    arguments ("atomic.Pointer[net/netip.Addr]")."""
    if not isinstance(name, str):
        return name
    # type arguments follow a name other than map; "[]T" is a slice
    m = re.search(r"(?<![\w.])(?!map\[)[\w.]+\[", name)
    head, args = (name[:m.end() - 1], name[m.end() - 1:]) if m else (name, "")
    return re.sub(r"(?:[\w.-]+/)+(?=\w+\.)", "", head) + args


def find_var(truth, depth, name):
    frame = next(f for f in truth["frames"] if f["depth"] == depth)
    return next(v for v in frame["vars"] if v["name"] == name)


def find_global(truth, name):
    return next(v for v in truth["globals"] + truth["paths"] if v["name"] == name)


def no_error(doc, problems):
    if doc.get("error") is not None:
        problems.append(f"error: {doc['error']}")
        return False
    return True


def compare_fields(problems, got, want, keys):
    got = [{k: reflect_name(f.get(k)) if k == "type" else f.get(k) for k in keys} for f in got or []]
    want = [{k: f[k] for k in keys} for f in want]
    if len(got) != len(want):
        problems.append(f"fields: got {len(got)}, want {len(want)}: {got!r}")
    for g, w in zip(got, want):
        if g != w:
            problems.append(f"field {w['name']}: got {g!r}, want {w!r}")


_BIASES = {}


def load_bias(ctx) -> int:
    """How far the debugged process has the fixture from its link-time
    addresses, which the DWARF that dwarfloc reads holds: 0 unless the
    binary is position-independent. Measured without golayout: the
    fixture run once more as the debuggers run it (no_aslr), with the
    dynamic loader printing the auxiliary vector (LD_SHOW_AUXV; the last
    AT_ENTRY is the fixture's), minus the ELF header's entry point."""
    if not ctx.cfg.pie:
        return 0
    if ctx.binary not in _BIASES:
        with tempfile.TemporaryDirectory(prefix="golayout-bias-") as tmp:
            out = subprocess.run(no_aslr() + [str(ctx.binary), str(Path(tmp) / "truth.json")],
                                 check=True, timeout=60, capture_output=True, text=True,
                                 env=dict(os.environ, GOLAYOUT_TRUTH="", LD_SHOW_AUXV="1")).stdout
        at_entry = int(re.findall(r"^AT_ENTRY:\s+(0x[0-9a-f]+)", out, re.M)[-1], 16)
        with open(ctx.binary, "rb") as f:
            e_entry = int.from_bytes(f.read(32)[24:32], "little")  # ELF64
        _BIASES[ctx.binary] = at_entry - e_entry
    return _BIASES[ctx.binary]


def check_unavailable(doc, ctx, name):
    """An optimized-away variable of the selected frame: see
    confirm_unavailable. The PC is the document's "pc" when it carries one,
    else the selected frame's."""
    pc = addr(doc, "pc") or ctx.frame_pc
    if pc is None:
        return [f"no PC for frame {ctx.frame} ({ctx.frame_function}) to confirm "
                f"that {name} is unavailable there"]
    return confirm_unavailable(doc, ctx.binary, ctx.frame_function, name, pc, ctx.frame > 0,
                               load_bias(ctx))


def confirm_unavailable(doc, binary, function, name, pc, outer, bias=0):
    """golayout reported variable `name` of `function` unavailable at pc in
    `doc` (a document or a variable of one): it passes only when doc's
    error_code is "unavailable" and the binary's DWARF, read independently
    (dwarfloc.py), has the variable but no location for it at pc. In an
    outer frame (`outer`) pc is a return address: the call before it (pc-1)
    is looked up too, and a value kept only in registers does not count
    (Go's ABI keeps no register across a call). pc is the process's; bias
    (load_bias) takes it to the DWARF's. A "lookup" error passes too when
    the compiler dropped the variable from the function's DWARF altogether
    (386 builds drop a local that is a constant nil map). Returns problems,
    or one note when confirmed."""
    var = re.match(r"[A-Za-z_]\w*", name).group(0)  # the variable of an expression
    if doc.get("error_code") == "lookup":
        others = dwarfloc.function_vars(str(binary), function)
        if others and not dwarfloc.locations(binary, function, var, pc - bias)[1]:
            return [f"note: not in the DWARF of {function} at all: {doc.get('error')}"]
    if doc.get("error_code") != "unavailable":
        return [f"error_code {doc.get('error_code')!r}, want 'unavailable' for an "
                f"optimized-away variable: {doc.get('error')}"]
    exprs, found = [], False
    for p in ([pc - 1, pc] if outer else [pc]):
        e, f = dwarfloc.locations(binary, function, var, p - bias)
        exprs += e
        found = found or f
    if not found:
        return [f"reported unavailable, but the DWARF of {function} has no "
                f"variable {var} at all: {doc.get('error')}"]
    if outer:
        exprs = [e for e in exprs if not dwarfloc.register_only(e)]
    if exprs:
        return [f"reported unavailable, but the DWARF of {function} locates "
                f"{var} at pc {pc:#x}: {'; '.join(sorted(set(exprs)))}"]
    return [f"note: unavailable (DWARF: no location at pc {pc:#x}): {doc.get('error')}"]


def dwarf_sees(p, ctx, name):
    """The other half of confirm_unavailable: a frame variable golayout did
    read has a DWARF location at the frame's PC in dwarfloc's reading too,
    so a reader that found no locations at all could not confirm every
    "unavailable"."""
    if ctx.frame_pc is None or not ctx.frame_function:
        return
    pc = ctx.frame_pc - load_bias(ctx)
    pcs = [pc - 1, pc] if ctx.frame > 0 else [pc]
    if not any(dwarfloc.locations(ctx.binary, ctx.frame_function, name, pc)[0] for pc in pcs):
        p.append(f"golayout read {name}, but dwarfloc finds no DWARF location for it at "
                 f"pc {ctx.frame_pc:#x} in {ctx.frame_function}: the DWARF reading is wrong")


def fmt_value(v):
    """The truth's %v of a variable as golayout can know it: where fmt's
    text depends on the clock when it ran (a deadline context's time
    left, "[1h2m3s]"), golayout prints "[?]"; where fmt calls a String or
    Error method golayout does not run, fmt's text without methods."""
    if "fields_value" in v:
        return v["fields_value"]
    if v.get("clock_dependent"):
        return re.sub(r" \[[^\]]*\]\)", " [?])", v["value"])
    return v["value"]


def check_value(lookup, may_be_unavailable=False):
    """`golayout value`: type, %v text and address equal to the truth. In an
    optimized build a frame variable may instead be reported unavailable,
    but only where the DWARF confirms it (check_unavailable), and never
    with a wrong value."""
    def check(doc, ctx):
        v, p = lookup(ctx.truth), []
        if may_be_unavailable and ctx.opt and doc.get("error") is not None:
            return check_unavailable(doc, ctx, v["name"])
        if no_error(doc, p):
            if may_be_unavailable:
                dwarf_sees(p, ctx, v["name"])
            diff(p, "kind", doc.get("kind"), "value")
            diff(p, "type", reflect_name(doc.get("type")), v["type"])
            diff(p, "value", doc.get("value"), fmt_value(v))
            diff(p, "reads_as", doc.get("reads_as"), v.get("reads_as"))
            diff(p, "method_not_run", doc.get("method_not_run"), v.get("method_not_run"))
            for k in ("go_kind", "size"):
                if k in v:
                    diff(p, k, doc.get(k), v[k])
            check_address(p, doc, v["address"])
        return p
    return check


def check_struct(lookup, may_be_unavailable=False):
    """`golayout struct`: layout of the value's type plus each field's %v."""
    def check(doc, ctx):
        v, p = lookup(ctx.truth), []
        if may_be_unavailable and ctx.opt and doc.get("error") is not None:
            return check_unavailable(doc, ctx, v["name"])
        if no_error(doc, p):
            # (a library type the fixture records no layout of: its size)
            t = next((t for t in ctx.truth["types"] if t["name"] == v["type"]), None)
            diff(p, "kind", doc.get("kind"), "struct")
            diff(p, "type", reflect_name(doc.get("type")), v["type"])
            diff(p, "size", doc.get("size"), t["size"] if t else v["size"])
            if t:
                diff(p, "align", doc.get("align"), t["align"])
            diff(p, "reads_as", doc.get("reads_as"), v.get("reads_as"))
            check_address(p, doc, v["address"])
            compare_fields(p, doc.get("fields"), v["fields"], LAYOUT_KEYS + ("value",))
        return p
    return check


def check_error(*needles):
    """The command fails: an "error" string that mentions each needle."""
    def check(doc, ctx):
        e = doc.get("error")
        if not isinstance(e, str) or not e:
            return [f'no "error" string in {doc!r}']
        return [f"error {e!r} does not mention {n!r}" for n in needles if n not in e]
    return check


def no_aslr() -> list:
    """The command prefix that runs a program with address randomisation
    off, as gdb and lldb run it: a position-independent fixture is then
    loaded where the debuggers load it, and the addresses of its globals
    in the truth of a run without a debugger are the debugger run's."""
    return ["setarch", os.uname().machine, "-R"]


def run_fixture(binary: Path) -> dict:
    """Run a fixture without a debugger and return the truth it writes
    (to know which names to ask about before the debugger run); a program
    of another architecture runs under its emulator, as in the sessions."""
    emu = emulator(binary)
    prefix = [emu] if emu else no_aslr()
    with tempfile.TemporaryDirectory(prefix="golayout-pre-") as tmp:
        path = Path(tmp) / "truth.json"
        subprocess.run(prefix + [str(binary), str(path)], check=True, timeout=120,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ, GOLAYOUT_TRUTH="", **(EMULATED_ENV if emu else {})))
        return json.loads(path.read_text())


# ------------------------------------------------------------ emulation
# A program of another architecture (GOARCH=arm64 on this x86-64 host)
# runs under qemu-user's gdb stub (`qemu-aarch64 -g PORT`): gdb-multiarch
# attaches with `target remote`, LLDB with `gdb-remote`. gdb_argv and
# lldb_argv turn a session that would launch the fixture (gdb's `set
# environment` + `run`, LLDB's `process launch -E`) into one that
# qemu_run.py starts under the emulator and the debugger attaches to; a
# core file is loaded as usual (gdb-multiarch for another architecture).

EMULATORS = {183: "qemu-aarch64"}  # ELF e_machine EM_AARCH64
# Go's asynchronous preemption (SIGURG between threads, reported to the
# debugger by qemu's stub) races qemu 7.2's gdb stub: sessions hung after a
# new thread or lost the breakpoint's stop (the program then died of the
# SIGTRAP). Preemption stays cooperative under the emulator.
EMULATED_ENV = {"GODEBUG": "asyncpreemptoff=1"}
PORT = "@PORT@"  # qemu_run.py puts the stub's port here


def elf_machine(path) -> int:
    """e_machine of an ELF file (little-endian), 0 when unreadable."""
    try:
        with open(path, "rb") as f:
            h = f.read(20)
    except OSError:
        return 0
    return int.from_bytes(h[18:20], "little") if h[:4] == b"\x7fELF" else 0


def emulator(binary) -> Optional[str]:
    """The qemu-user that runs binary, or None when the host runs it."""
    return EMULATORS.get(elf_machine(binary))


def qemu_prefix(binary, env: dict, subst=(), core_dir=None) -> list:
    """The argv prefix that runs a debugger (the argv after it) attached
    to binary started under its emulator with env, in core_dir with core
    dumps on when given (see qemu_run.py)."""
    argv = [sys.executable, str(Path(__file__).resolve().parent / "qemu_run.py"),
            emulator(binary), str(binary)]
    merged = dict(EMULATED_ENV)
    for k, v in env.items():
        # GODEBUG is a list: a session's own settings (GODEBUG=cpu.aes=off)
        # join the emulator's asyncpreemptoff=1 instead of replacing it
        merged[k] = f"{merged[k]},{v}" if k == "GODEBUG" and k in merged else v
    for k, v in merged.items():
        argv += ["--env", f"{k}={v}"]
    for s in subst:
        argv += ["--subst", str(s)]
    if core_dir:
        argv += ["--core-dir", str(core_dir)]
    return argv + ["--"]


def gdb_remote_lines(commands):
    """gdb launch commands made remote: (env of `set environment`, the
    program's directory of `set cwd` (where qemu writes its core of the
    program), the commands with `run` replaced by attaching to the stub
    and continuing)."""
    env, cwd, out = {}, None, []
    for c in commands:
        m = re.fullmatch(r"set environment (\w+)=(.*)", c)
        if m:
            env[m.group(1)] = m.group(2)
        elif c.startswith("set cwd "):
            cwd = c[len("set cwd "):]
        elif c == "run":
            out += [f"target remote :{PORT}", "continue"]
        else:
            out.append(c)
    return env, cwd, out


def lldb_remote_lines(lines):
    """LLDB launch lines made remote: (env of `process launch -E`, the lines
    with the launch replaced by `gdb-remote`, which stops the program at
    its entry, and a continue unless the launch stopped at the entry)."""
    env, out = {}, []
    for line in lines:
        if not line.startswith("process launch"):
            out.append(line)
            continue
        words = line.split()
        for i, w in enumerate(words):
            if w == "-E" and i + 1 < len(words):
                k, _, v = words[i + 1].partition("=")
                env[k] = v
        # qemu's stub answers slowly on a loaded machine: LLDB's default
        # packet timeout gave up on it now and then ("no process")
        out.append("settings set plugin.process.gdb-remote.packet-timeout 60")
        out.append(f"gdb-remote {PORT}")
        if "--stop-at-entry" not in words:
            out.append("process continue")
    return env, out


# --------------------------------------------------------------- drivers
# How a debugger session is started, for the drivers below and for the
# test files' own sessions (heap's mark phase and dump, goroutines' live
# and core sessions): one recipe, so every session loads the plugin and
# reaches main.stopHere the same way.

def gdb_plugin_lines() -> list:
    """gdb commands: no pager, no width limit, no questions, the plugin."""
    return ["set width 0", "set height 0", "set confirm off", f"source {BUILD / Gdb.plugin}"]


# Binaries without a symbol table (-ldflags='-s -w'): the address of
# main.stopHere, from the truth of a run without a debugger (the fixture's
# stop_here_pc), where the debuggers cannot find the name.
STOP_AT = {}


def gdb_launch_lines(truth_path, stop=None) -> list:
    """gdb commands: the plugin, then the fixture run to main.stopHere
    (at address stop when given), writing its truth to truth_path."""
    return gdb_plugin_lines() + [
        # gdb's default for SIGURG (Go's preemption signal) already is
        # this; say it anyway.
        "handle SIGURG nostop noprint pass",
        f"set environment GOLAYOUT_TRUTH={truth_path}",
        f"break *{stop:#x}" if stop else "break main.stopHere", "run"]


def gdb_exe(binary=None) -> str:
    """gdb, or gdb-multiarch for a binary of another architecture."""
    return "gdb-multiarch" if binary and emulator(binary) else "gdb"


def gdb_argv(commands, *files) -> list:
    """gdb in batch mode running commands, on files (binary [, core]); a
    session that runs a binary of another architecture runs it under
    its emulator (see gdb_remote_lines)."""
    prefix, env = [], {}
    if len(files) == 1 and emulator(files[0]) and "run" in commands:
        env, cwd, commands = gdb_remote_lines(commands)
        prefix = qemu_prefix(files[0], env, core_dir=cwd)
    # Each -ex runs even when an earlier one failed (unlike -x FILE, which
    # stops at the first error). auto-load off: the Go runtime's
    # runtime-gdb.py would only print a safe-path warning.
    argv = [gdb_exe(files[0] if files else None), "-batch", "-nx", "-iex",
            "set auto-load python-scripts off"]
    for c in commands:
        argv += ["-ex", c]
    return prefix + argv + [str(f) for f in files]


LLDB_ROOT = Path(os.environ.get("GOLAYOUT_LLDB_ROOT", "/opt/golayout-lldb"))
LLDB_DEFAULT = 16  # the LLDB of "lldb" and of build/libgolayout-lldb.so (Makefile)


def lldb_version(debugger: str) -> int:
    """The LLDB major version of a debugger name: "lldb" or "lldb-N"."""
    return LLDB_DEFAULT if debugger == "lldb" else int(debugger[len("lldb-"):])


def lldb_plugin(debugger: str) -> Path:
    """The plugin built for that debugger's LLDB (see the Makefile)."""
    if debugger == "lldb":
        return BUILD / "libgolayout-lldb.so"
    return BUILD / debugger / "libgolayout-lldb.so"


def lldb_exe(debugger: str) -> str:
    """`lldb-N` on PATH (Debian's package), else the wrapper of the one
    scripts/install-lldb-versions.sh unpacked."""
    name = f"lldb-{lldb_version(debugger)}"
    if shutil.which(name):
        return name
    return str(LLDB_ROOT / str(lldb_version(debugger)) / name)


def lldb_start_lines(debugger="lldb", launch_options="", stop=None) -> list:
    """lldb commands: the plugin, then the target run to main.stopHere
    (at address stop when given)."""
    launch = f"process launch {launch_options}".rstrip()
    # lldb stops at every SIGURG (Go's async preemption) by default. LLDB
    # 15 and later take the setting before the launch and apply it to it;
    # LLDB 14 wants a process: stop at its entry, set, continue.
    sigurg = "process handle SIGURG -s false -n false -p true"
    if lldb_version(debugger) < 15:
        run = [launch + " --stop-at-entry", sigurg, "process continue"]
    else:
        run = [sigurg, launch]
    if stop:
        # an address breakpoint set before the launch of a binary without
        # symbols is never hit: set it once the process is there
        return [f"plugin load {lldb_plugin(debugger)}", sigurg, launch + " --stop-at-entry",
                f"breakpoint set -a {stop:#x}", "process continue"]
    return [f"plugin load {lldb_plugin(debugger)}", "breakpoint set -n main.stopHere"] + run


def lldb_launch_lines(truth_path, debugger="lldb", stop=None) -> list:
    """lldb_start_lines for a fixture, writing its truth to truth_path."""
    return lldb_start_lines(debugger, f"-E GOLAYOUT_TRUTH={truth_path}", stop)


def lldb_argv(lines, tmp, *files, debugger="lldb") -> list:
    """lldb in batch mode running lines (written to tmp/commands.lldb),
    on files (the binary, or none when the lines create the target); a
    session that launches a binary of another architecture runs it under
    its emulator (see lldb_remote_lines)."""
    script = Path(tmp) / "commands.lldb"
    prefix = []
    if len(files) == 1 and emulator(files[0]) and any(l.startswith("process launch") for l in lines):
        env, lines = lldb_remote_lines(lines)
        prefix = qemu_prefix(files[0], env, [script])
    script.write_text("\n".join(lines) + "\n")
    # In --batch mode every -o stops lldb at the first command that
    # fails; `command source -e false` goes on after errors, and
    # `-c false` after commands that resume the process (launch).
    return (prefix + [lldb_exe(debugger), "--batch", "-o", f"command source -e false -c false {script}"]
            + [str(f) for f in files])


class Gdb:
    name = "gdb"
    exe = "gdb"
    plugin = "golayout-gdb.py"

    def argv(self, binary, truth_path, steps, tmp):
        ex = gdb_launch_lines(truth_path, STOP_AT.get(binary))
        for i, step in enumerate(steps):
            ex.append(f"echo {MARK}{i}\\n")
            ex += step_lines(step, "frame {}")
        return gdb_argv(ex, binary)


class Lldb:
    def __init__(self, name="lldb"):
        self.name = name
        self.plugin = lldb_plugin(name).relative_to(BUILD)  # as Gdb's
        self.exe = lldb_exe(name)

    def argv(self, binary, truth_path, steps, tmp):
        lines = ["settings set stop-line-count-before 0",
                 "settings set stop-line-count-after 0"] + lldb_launch_lines(truth_path, self.name,
                                                                             STOP_AT.get(binary))
        for i, step in enumerate(steps):
            lines.append(f"script print('{MARK}{i}')")
            lines += step_lines(step, "frame select {}")
        lines.append("process kill")
        return lldb_argv(lines, tmp, binary, debugger=self.name)


LLDB_NAMES = ["lldb"] + [f"lldb-{n}" for n in (14, 15, 16, 19)]
DEBUGGERS = {"gdb": Gdb(), **{n: Lldb(n) for n in LLDB_NAMES}}


def debuggers() -> list:
    names = os.environ.get("GOLAYOUT_DEBUGGERS", "gdb,lldb").replace(",", " ").split()
    unknown = [n for n in names if n not in DEBUGGERS]
    if unknown:
        raise SystemExit(f"GOLAYOUT_DEBUGGERS: unknown {', '.join(unknown)}; known: {', '.join(DEBUGGERS)}")
    return [DEBUGGERS[n] for n in names]


# --------------------------------------------------------------- session

@dataclass
class Result:
    name: str
    ok: bool
    problems: list
    output: str  # what the debugger printed for this case
    notes: list = field(default_factory=list)


@dataclass
class Session:
    ctx: Ctx
    results: list
    output: str     # everything the debugger printed
    seconds: float
    error: str = ""  # a problem of the session as a whole
    rc: int = 0
    timed_out: bool = False


def run_debugger(argv, timeout=None):
    """Run argv in its own process group with stdout+stderr merged; kill the
    whole group (debugger, lldb-server, shell children) after `timeout`
    seconds. The inferior dies with its tracer (PTRACE_O_EXITKILL).
    Returns (output, returncode, timed_out)."""
    timeout = TIMEOUT if timeout is None else timeout
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    try:
        out, _ = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        timed_out = True
    return out.decode("utf-8", "replace"), p.returncode, timed_out


def split_output(output: str, n: int) -> list:
    """Per step, the lines printed after its marker and before the next."""
    segs = [None] * n
    cur = None
    for line in output.splitlines():
        if line.startswith(MARK):
            try:
                cur = int(line[len(MARK):].strip())
                segs[cur] = []
                continue
            except (ValueError, IndexError):
                pass
        if cur is not None and 0 <= cur < n:
            segs[cur].append(line)
    return segs


def check_offline(step: Case, ctx: Ctx) -> Result:
    """A case without a debugger step: its check on the run's truth."""
    try:
        problems = step.check(None, ctx)
    except Exception as e:
        problems = [f"check raised {type(e).__name__}: {e}"]
    notes = [p[len("note: "):] for p in problems if p.startswith("note: ")]
    problems = [p for p in problems if not p.startswith("note: ")]
    return Result(step.name, not problems, problems, "", notes)


def check_step(step: Case, seg, ctx: Ctx, rc: int) -> Result:
    if seg is None:
        return Result(step.name, False,
                      [f"{ctx.debugger} never got to this command (exit status {rc})"], "")
    text = "\n".join(seg)
    if step.frame is not None or step.raw:
        problems = step.check(text, ctx)
    else:
        doc, problem = one_document(text)
        if problem:
            return Result(step.name, False, [f"`{step.cmd}` {problem}"], text)
        try:
            problems = step.check(doc, ctx)
        except Exception as e:  # a malformed document, e.g. a missing key
            problems = [f"check raised {type(e).__name__}: {e}"]
    notes = [p[len("note: "):] for p in problems if p.startswith("note: ")]
    problems = [p for p in problems if not p.startswith("note: ")]
    return Result(step.name, not problems, problems, text, notes)


def debugger_crashed(output, rc, timed_out):
    """The debugger itself died or hung (e.g. lldb-16 aborting in its own
    teardown after `process kill`, then hanging in its crash handler)."""
    return timed_out or rc < 0 or "PLEASE submit a bug report" in output


def run_session(ctx: Ctx, steps: list) -> Session:
    """One debugger session; a session in which the debugger itself
    crashes or hangs is run once more (the retry is said in the output), so
    a rare debugger crash does not fail every check of the session. A crash
    that repeats is reported."""
    s = run_session_once(ctx, steps)
    if debugger_crashed(s.output, s.rc, s.timed_out):
        first = s
        s = run_session_once(ctx, steps)
        s.output = (f"[first attempt: the debugger crashed or hung "
                    f"(exit status {first.rc}); this is the retry]\n") + s.output
    return s


def run_session_once(ctx: Ctx, steps: list) -> Session:
    dbg = DEBUGGERS[ctx.debugger]
    start = time.monotonic()
    ctx.outdir = tempfile.mkdtemp(prefix="golayout-it-out-")
    try:
        return run_session_steps(ctx, dbg, steps, start)
    finally:
        shutil.rmtree(ctx.outdir, ignore_errors=True)


def run_session_steps(ctx: Ctx, dbg, steps: list, start: float) -> Session:
    with tempfile.TemporaryDirectory(prefix="golayout-it-") as tmp:
        truth_path = Path(tmp) / "truth.json"
        live = [dataclasses.replace(s, cmd=s.cmd.replace("{outdir}", ctx.outdir)) if s.cmd else s
                for s in steps if not s.offline]
        output, rc, timed_out = run_debugger(dbg.argv(ctx.binary, truth_path, live, tmp))
        error = ""
        if timed_out:
            error = f"{dbg.name} killed after {TIMEOUT:.0f} s"
        try:
            ctx.truth = json.loads(truth_path.read_text())
        except (OSError, ValueError) as e:
            error = (error + "; " if error else "") + \
                f"the fixture wrote no truth ({e}): did it run to main.stopHere?"
    segs = iter(split_output(output, len(live)))
    results = []
    for s in steps:
        seg = None if s.offline else next(segs)
        if error:
            results.append(Result(s.name, False, [error], "\n".join(seg or [])))
        elif s.offline:
            results.append(check_offline(s, ctx))
        else:
            results.append(check_step(s, seg, ctx, rc))
    sess = Session(ctx, results, output, time.monotonic() - start, error)
    sess.rc, sess.timed_out = rc, timed_out
    return sess


_tmp_roots = {}
_tmp_lock = threading.Lock()


def module_tmpdir(module):
    """A new directory under the test module's own temporary one, which
    is removed when the run ends (cores, truths, outputs)."""
    with _tmp_lock:
        if module not in _tmp_roots:
            _tmp_roots[module] = tempfile.mkdtemp(prefix=f"golayout-{module}-")
            atexit.register(shutil.rmtree, _tmp_roots[module], True)
    return tempfile.mkdtemp(dir=_tmp_roots[module])


def core_documents(ctx, core, cmds, tmp):
    """golayout commands cmds (each printing one document, which `--out`
    appends to a file in tmp) on core file core of ctx.binary, loaded in
    ctx.debugger: (the documents, None), or (None, what went wrong)."""
    out = Path(tmp) / "out.jsonl"
    cmds = [f"{c} --out {out}" for c in cmds]
    if ctx.debugger == "gdb":
        argv = gdb_argv(gdb_plugin_lines() + cmds, ctx.binary, core)
    else:
        lines = [f"plugin load {lldb_plugin(ctx.debugger)}", f"target create {ctx.binary} --core {core}"] + cmds
        argv = lldb_argv(lines, tmp, debugger=ctx.debugger)
    text, _, _ = run_debugger(argv)
    try:
        docs = [json.loads(l) for l in out.read_text().splitlines() if l.strip()]
    except (OSError, ValueError) as e:
        return None, f"no documents from the core session ({e}): {text[-600:]}"
    if len(docs) != len(cmds):
        return None, f"{len(docs)} documents for {len(cmds)} commands: {text[-600:]}"
    return docs, None


# ------------------------------------------------------------ core files kept
# A gcore core of a fixture can take a gigabyte (the runtime's reserved
# regions it dumps); a module that keeps its cores for its gdb and LLDB
# sessions registers each here, and only the last CORES_KEPT stay on disk:
# the sessions of a binary run next to each other (JOBS workers), so an
# older core is not asked for again.
CORES_KEPT = 4
_cores_lock = threading.Lock()
_cores = []


def register_core(path):
    """Keep core file `path`; delete the oldest registered ones beyond
    CORES_KEPT."""
    with _cores_lock:
        _cores.append(Path(path))
        while len(_cores) > CORES_KEPT:
            old = _cores.pop(0)
            try:
                old.unlink()
            except OSError:
                pass
