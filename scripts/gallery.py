#!/usr/bin/env python3
"""The README gallery from real runs.

Every code block of README.md's "## Gallery" section has a marker comment on
the line just above its opening fence:

  <!-- gallery: DEBUGGER PROGRAM [key=value ...] cmd="golayout ..." -->

  DEBUGGER  gdb or lldb
  PROGRAM   examples/demo[@LABEL]  the demo, built with -N -l by the Go
                                   toolchain of LABEL (default go1.26)
            fixtures/NAME@LABEL    tests/fixtures/bin/LABEL/NAME (prebuilt by
                                   scripts/build-fixtures.sh)
  break=F   where the program stops (default main.breakHere for the demo,
            main.stopHere for fixtures)
  setup=C   a debugger command run after the stop, in the debugger's own
            syntax (repeatable; e.g. continue to another breakpoint)
  frame=N   the frame selected before the command (default 0)
  cmd=C     the golayout command, as typed
  lines=S   only these lines of the output (1-based, e.g. 1-3,9-12,20-);
            each left-out run of lines is shown as one "  ..." line
  norm=N,.. what --check treats as varying from run to run (see NORMS):
            every block says there what it does not compare.

  scripts/gallery.py --update  runs every marked command and rewrites the
                               blocks whose output no longer matches
  scripts/gallery.py --check   runs them and fails (exit 1) when a block
                               differs from what golayout prints now, in
                               two runs of its stop

Pictures (--svg) are marked the same way above a Markdown image line:

  <!-- gallery-svg: DEBUGGER PROGRAM [key=value ...] cmd="golayout ..." -->
  ![what it shows](docs/gallery/NAME.svg)

The command runs with `--svg FILE` added; --update writes the picture to
the image's file (committed), --check compares the committed file with a
fresh one, line by line after the named normalisations (`make gallery`
runs --update).

Commands on one program with one stop run in one debugger session, each
after a marker line, like the integration tests (tests/integration). The
plugins come from $GOLAYOUT_BUILD (default build/). Blocks are compared
after the named normalisations and with runs of spaces folded into one
(a normalised address has another width than the real one).
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The integration tests' child-process runner: the debugger in its own
# process group, the whole group killed on a timeout.
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from harness import BUILD, run_debugger  # noqa: E402

README = ROOT / "README.md"
TIMEOUT = 180
MARK = "@@GOLAYOUT-GALLERY "
MARKER = re.compile(r"^<!-- gallery: (.*) -->$")
SVG_MARKER = re.compile(r"^<!-- gallery-svg: (.*) -->$")
IMAGE = re.compile(r"^!\[[^\]]*\]\(([^)]+\.svg)\)$")

# What may vary between two runs of one binary, by name. Each is a list of
# (pattern, replacement), applied in order to the block and to the output.
NORMS = {
    # Heap, stack and arena addresses (Go 1.26 randomises the heap base;
    # lldb and gdb place the stack differently): hex numbers of 5+ digits.
    "addr": [(r"0x[0-9a-f]{5,}", "0x?")],
    # The arena index and the page in it: they follow the random heap base.
    "arena": [(r"(arena +)\d+(.*page )\d+", r"\1?\2?")],
    # Map hash seeds: swiss `seed` is hex (covered by addr), classic hash0
    # is decimal.
    "seed": [(r"(hash0 +uint32 +)\d+", r"\1?")],
    # Hash bits kept in the map: swiss control bytes (slot ctrl and the ctrl
    # word), classic tophash bytes.
    "h2": [(r"(slot \d+  )0x[0-9a-f]{2}", r"\1h2"), (r"ctrl 0x[0-9a-f]+", "ctrl ?"),
           (r"th=\d+ *", "th=? ")],
    # Which group or bucket each key hashed to (the seed is random): the
    # group, bucket and slot lines are not compared, nor the counts that
    # follow from the placement.
    "placement": [(r"^ +(group \d+ at|bucket \d+ at|slot \d+).*", None),
                  (r"(groups by full slots|chains by overflow length): .*", r"\1: ?"),
                  (r"\d+ overflow", "? overflow"), (r"overflow \d+", "overflow ?")],
    # OS thread ids (goroutines' `thread` column: running goroutines', and
    # those in a system call).
    "tid": [(r"^(\*? +\d+ +(running|syscall) +\S+ +\S+ +)\d+", r"\1?")],
    # Goroutine ids of the goroutines table: the runtime's own goroutines
    # take theirs concurrently with main. Use with "order".
    "goid": [(r"^(\*?) +\d+ ", r"\1 ? ")],
    # The order of the lines (of allgs, for goroutines): compared sorted.
    "order": [],
    # Where in its span an object landed and how many slots are in use: the
    # runtime allocates a little of its own, more or less, before main.
    "span": [(r"object( +)#\d+", r"object\1#?"), (r"\d+ allocated, freeindex \d+", "? allocated, freeindex ?")],
    # The %v of runtime.main's `mp` (a *runtime.m: it holds the OS thread id).
    "mp": [(r"(mp \*runtime\.m \(8\) = ).*", r"\1?")],
    # Which objects of a span are marked: depends on what the GC found.
    "marks": [(r"^( +\d+  )[#um. ]+$", r"\1?")],
    # The cells of the heap map: what lies where in the arenas.
    "cells": [(r"\|[^|]*\|", "|?|")],
    # In pictures: control bytes and hash seeds, which follow the random
    # seed (the text's h2 and seed, as the rows of a picture spell them).
    "svg-h2": [(r"(slot \d+ )0x[0-9a-f]{2}", r"\1h2"), (r"ctrl 0x[0-9a-f]+", "ctrl ?"),
               (r"(seed )0x[0-9a-f]+", r"\1?")],
    # In a picture: runtime.main's `mp` (a *runtime.m: it holds the OS
    # thread id), as a stack frame's row spells it.
    "svg-mp": [(r"(>mp <tspan class=\"t\">\*runtime\.m</tspan> = ).*", r"\1?")],
    # In a heap --span picture: the state of each slot and the counts (the
    # runtime allocates a little of its own, more or less, before main) and
    # which of them is the object; the grid's size stays compared.
    "svg-slots": [(r'<rect class="slot ', None), (r'class="slot-mark"', None),
                  (r"slot \d+(</tspan> \(outlined\))", r"slot ?\1"),
                  (r"; \d+ allocated of", "; ? allocated of"),
                  (r"(\(outlined\): this object, )[a-z ,()]+", r"\1?"),
                  (r"\d+ allocated, \d+ marked|\d+ allocated \(", "? allocated ("),
                  (r'class="swatch (free|data|allocated|marked|unmarked|free-marked)"', None),
                  (r">(free heap slot|data \(live|allocated, )", None)],
    # In a picture whose rows' order follows the random hash seed (the keys
    # of a sync.Map's read and dirty maps, with "order"): every coordinate,
    # region id and arrow end, so that the lines compare as a set.
    "svg-geometry": [(r' (x|y|width|height|viewBox|d|id|data-from|data-to)="[^"]*"', "")],
    # Every decimal number: for counts that depend on what the runtime did
    # before the stop (GC statistics); the shape of the output stays checked.
    "num": [(r"\b\d+(\.\d+)?\b", "N")],
    # In a picture of a classic map with more than one bucket: what follows
    # from where the keys hashed (the seed is random). Overflow buckets are
    # left out whole (svg_placement), then the cells, the arrows, every
    # coordinate (rows come and go above them), the counts of the summary
    # and header that follow from the placement, which old buckets beyond
    # nevacuate are evacuated, and the legend's empty-slot swatch. What is
    # compared: the titles, the header's fields, the buckets and old buckets
    # drawn, their tophash and overflow rows, the legend's other lines.
    "svg-placement": [(r">slot \d+", None), (r'class="row (data|empty|deleted|error)"', None),
                      (r'class="off"', None), (r'class="arrow', None), (r"overflow buckets", None),
                      (r'class="swatch empty"|>empty slot<', None),
                      (r' (x|y|width|height|viewBox|data-off|data-size)="[^"]*"', ""),
                      (r"(hash0 +)\d+", r"\1?"), (r"(noverflow +)\d+", r"\1?"),
                      (r"(nevacuate +)(0x)?\d+", r"\1?"), (r'(overflow (<tspan class="a">)?)0x[0-9a-f?]+', r"\1?"),
                      (r"\d+ of (\d+ old buckets evacuated)", r"? of \1"), (r"(  not)? evacuated<", " ?evacuated<"),
                      (r"(chains by overflow length): .*", r"\1: ?"), (r"\d+ overflow", "? overflow"),
                      (r"overflow \d+", "overflow ?"), (r"wasted: \d+", "wasted: ?")],
}


@dataclass
class Block:
    marker_line: int         # index in the README's lines
    start: int               # index of the opening fence
    end: int                 # index of the closing fence
    debugger: str
    program: str
    cmd: str
    brk: str = ""
    setup: list = field(default_factory=list)
    frame: int = 0
    lines: str = ""
    norm: list = field(default_factory=list)
    body: list = field(default_factory=list)
    output: list = None      # what golayout printed now
    picture: str = ""        # a picture's file (relative to the project), "" for text

    @property
    def stop(self):
        """Blocks with one stop share a debugger session."""
        return (self.debugger, self.program, self.brk, tuple(self.setup))


def parse_marker(text, where):
    words = shlex.split(text)
    if len(words) < 3 or words[0] not in ("gdb", "lldb"):
        raise SystemExit(f"{where}: want `gallery: gdb|lldb PROGRAM ... cmd=...`, got {text!r}")
    kv = {"setup": []}
    for w in words[2:]:
        k, sep, v = w.partition("=")
        if not sep or k not in ("break", "setup", "frame", "cmd", "lines", "norm"):
            raise SystemExit(f"{where}: unknown marker field {w!r}")
        if k == "setup":
            kv["setup"].append(v)
        else:
            kv[k] = v
    if "cmd" not in kv:
        raise SystemExit(f"{where}: marker without cmd=")
    norm = [n for n in kv.get("norm", "").split(",") if n]
    for n in norm:
        if n not in NORMS:
            raise SystemExit(f"{where}: unknown normalisation {n!r} (known: {', '.join(NORMS)})")
    prog = words[1]
    brk = kv.get("break") or ("main.breakHere" if prog.startswith("examples/") else "main.stopHere")
    return dict(debugger=words[0], program=prog, cmd=kv["cmd"], brk=brk, setup=kv["setup"],
                frame=int(kv.get("frame", "0")), lines=kv.get("lines", ""), norm=norm)


def gallery_range(lines):
    """Indexes [first, last) of the Gallery section."""
    first = next(i for i, l in enumerate(lines) if l.strip() == "## Gallery")
    last = next((i for i in range(first + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return first, last


def parse(lines):
    """The marked blocks; a code block of the gallery without a marker is an
    error (everything there must come from a real run)."""
    first, last = gallery_range(lines)
    blocks, i = [], first
    while i < last:
        m = SVG_MARKER.match(lines[i])
        if m:
            img = IMAGE.match(lines[i + 1]) if i + 1 < last else None
            if not img:
                raise SystemExit(f"README.md:{i + 2}: want an image line ![...](FILE.svg) below the picture marker")
            b = Block(i, i + 1, i + 1, **parse_marker(m.group(1), f"README.md:{i + 1}"))
            b.picture = img.group(1)
            path = ROOT / b.picture
            b.body = path.read_text().split("\n") if path.exists() else []
            blocks.append(b)
            i += 2
            continue
        if lines[i].startswith("```"):
            j = next(k for k in range(i + 1, last) if lines[k].startswith("```"))
            m = MARKER.match(lines[i - 1])
            if not m:
                raise SystemExit(f"README.md:{i + 1}: gallery block without a `<!-- gallery: ... -->` marker above it")
            b = Block(i - 1, i, j, **parse_marker(m.group(1), f"README.md:{i}"))
            b.body = lines[i + 1:j]
            blocks.append(b)
            i = j
        i += 1
    return blocks


# --------------------------------------------------------------- programs

def toolchain(label):
    """The GOTOOLCHAIN value of a label of scripts/toolchains.txt."""
    for line in (ROOT / "scripts" / "toolchains.txt").read_text().splitlines():
        f = line.split()
        if f and not f[0].startswith("#") and f[-1] == label:
            if len(f) >= 3:
                raise SystemExit(f"{label}: the gallery builds the demo without GOEXPERIMENTs "
                                 "or build modes")
            return f[0]
    raise SystemExit(f"no label {label!r} in scripts/toolchains.txt")


def binary(program, built):
    """The path of PROGRAM's binary, building the demo when needed."""
    name, _, label = program.partition("@")
    label = label or "go1.26"
    if name.startswith("fixtures/"):
        path = ROOT / "tests" / "fixtures" / "bin" / label / name[len("fixtures/"):]
        if not path.exists():
            raise SystemExit(f"{path} missing: run scripts/build-fixtures.sh")
        return path
    if name != "examples/demo":
        raise SystemExit(f"unknown program {program!r}")
    if program in built:
        return built[program]
    out = BUILD / "gallery" / f"demo-{label}"
    out.parent.mkdir(parents=True, exist_ok=True)
    # -N -l as scripts/demo.sh: every local in its stack slot. The
    # toolchain is named, so the version golayout prints is the gallery's.
    env = dict(os.environ, GOTOOLCHAIN=toolchain(label))
    subprocess.run(["go", "build", "-gcflags=all=-N -l", "-o", str(out), "./examples/demo/main.go"],
                   cwd=ROOT, env=env, check=True)
    built[program] = out
    return out


# --------------------------------------------------------------- sessions

def argv(debugger, exe, brk, setup, steps, tmp):
    """One debugger run: stop at brk, run setup, then per step (frame,
    command) a marker line, the frame selection and the command."""
    truth = Path(tmp) / "truth.json"  # the fixtures write their truth here
    if debugger == "gdb":
        ex = ["set width 0", "set height 0", "set confirm off",
              f"source {BUILD / 'golayout-gdb.py'}", "handle SIGURG nostop noprint pass",
              f"set environment GOLAYOUT_TRUTH={truth}", f"break {brk}", "run"] + setup
        for i, (frame, cmd) in enumerate(steps):
            ex += [f"frame {frame}", f"echo {MARK}{i}\\n", cmd, f"echo {MARK}end\\n"]
        out = ["gdb", "-batch", "-nx", "-iex", "set auto-load python-scripts off"]
        for c in ex:
            out += ["-ex", c]
        return out + [str(exe)]
    lines = [f"plugin load {BUILD / 'libgolayout-lldb.so'}",
             "process handle SIGURG -s false -n false -p true",
             f"breakpoint set -n {brk}", f"process launch -E GOLAYOUT_TRUTH={truth}"] + setup
    for i, (frame, cmd) in enumerate(steps):
        lines += [f"frame select {frame}", f"script print('{MARK}{i}')", cmd,
                  f"script print('{MARK}end')"]
    lines.append("process kill")
    script = Path(tmp) / "commands.lldb"
    script.write_text("\n".join(lines) + "\n")
    return ["lldb-16", "--batch", "--no-lldbinit", "-o",
            f"command source -e false -c false {script}", str(exe)]


def run_stop(blocks, built):
    """Run every block of one stop in one debugger session; set .output."""
    b0 = blocks[0]
    exe = binary(b0.program, built)
    with tempfile.TemporaryDirectory(prefix="golayout-gallery-") as tmp:
        pics = [Path(tmp) / f"picture-{i}.svg" for i in range(len(blocks))]
        steps = [(b.frame, f"{b.cmd} --svg {pic}" if b.picture else b.cmd) for b, pic in zip(blocks, pics)]
        a = argv(b0.debugger, exe, b0.brk, b0.setup, steps, tmp)
        output, _, timed_out = run_debugger(a, TIMEOUT)
        for b, pic in zip(blocks, pics):
            if b.picture:
                b.output = pic.read_text().split("\n") if pic.exists() else [f"[no picture: {output[-300:]}]"]
    if timed_out:
        output += f"\n[{b0.debugger} killed after {TIMEOUT} s]"
    segs, cur = {}, None
    for line in output.splitlines():
        if line.startswith(MARK):  # the start of step i, or its end
            tag = line[len(MARK):].strip()
            cur = int(tag) if tag.isdigit() else None
            if cur is not None:
                segs[cur] = []
        elif cur is not None and not line.startswith("(lldb) "):
            segs[cur].append(line.rstrip())
    for i, b in enumerate(blocks):
        if b.picture:
            continue
        out = segs.get(i, [f"[{b.debugger} never got to this command]"])
        while out and not out[-1]:
            out = out[:-1]
        b.output = out


# ------------------------------------------------------------- comparing

def select(lines, spec):
    """The lines of spec (1-based ranges "a-b", "a", "a-"), with "  ..." for
    each run of lines left out."""
    if not spec:
        return lines
    keep = set()
    for part in spec.split(","):
        a, dash, b = part.partition("-")
        lo = int(a)
        hi = (int(b) if b else len(lines)) if dash else lo
        keep.update(range(lo - 1, min(hi, len(lines))))
    out = []
    for i, l in enumerate(lines):
        if i in keep:
            out.append(l)
        elif not out or out[-1] != "  ...":
            out.append("  ...")
    return out


def svg_placement(lines):
    """A picture without its overflow buckets' regions (how many a chain
    has follows from where the keys hashed)."""
    out, skip = [], False
    for l in lines:
        if skip:
            skip = l != "</g>"
        elif l.startswith('<g class="region bucket overflow"'):
            skip = True
        else:
            out.append(l)
    return out


def normalise(lines, norms):
    """lines as compared: each normalisation applied (a None replacement
    drops the line), runs of spaces folded."""
    if "svg-placement" in norms:
        lines = svg_placement(lines)
    out = []
    for l in lines:
        for n in norms:
            for pat, rep in NORMS[n]:
                if rep is None:
                    l = None if re.search(pat, l) else l
                else:
                    l = re.sub(pat, rep, l)
                if l is None:
                    break
            if l is None:
                break
        if l is not None:
            out.append(re.sub(r" {2,}", " ", l).rstrip())
    return sorted(out) if "order" in norms else out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true", help="fail when a block differs from a fresh run")
    g.add_argument("--update", action="store_true", help="rewrite the blocks that differ")
    args = ap.parse_args()

    lines = README.read_text().split("\n")
    blocks = parse(lines)
    stops = {}
    for b in blocks:
        stops.setdefault(b.stop, []).append(b)
    built = {}
    for group in stops.values():
        run_stop(group, built)

    def matches(b):
        return normalise(b.body, b.norm) == normalise(select(b.output, b.lines), b.norm)

    # A program's run can still differ in ways no normalisation names (a
    # GC cycle more or less before the stop): a block that differs is
    # checked against one more run of its stop before it counts.
    for group in stops.values():
        if args.check and not all(matches(b) for b in group):
            run_stop(group, built)

    bad = 0
    for b in blocks:
        want = select(b.output, b.lines)
        if matches(b):
            b.output = None  # nothing to rewrite
            continue
        bad += 1
        where = f"README.md:{b.marker_line + 1}: {b.debugger} {b.program} `{b.cmd}`"
        if args.update:
            print(f"{where}: updated")
            continue
        print(f"{where}: the gallery block differs from golayout's output now"
              f" (normalised: {','.join(b.norm) or 'nothing'}); --update rewrites it")
        for d in difflib.unified_diff(normalise(b.body, b.norm), normalise(want, b.norm),
                                      "README.md", "golayout", lineterm="", n=1):
            print("    " + d)
    if args.update:
        for b in reversed(blocks):  # from the end: earlier indexes stay put
            if b.output is not None and b.picture:
                (ROOT / b.picture).parent.mkdir(parents=True, exist_ok=True)
                (ROOT / b.picture).write_text("\n".join(b.output))
            elif b.output is not None:
                lines[b.start + 1:b.end] = select(b.output, b.lines)
        README.write_text("\n".join(lines))
        print(f"gallery: {len(blocks)} blocks, {bad} rewritten")
        return 0
    print(f"gallery: {len(blocks)} blocks, {len(blocks) - bad} match, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
