#!/usr/bin/env python3
"""The scripted dumps of examples/dumps, run as the README shows them: the
example built with Go 1.26 (swiss maps) and Go 1.24 with noswissmap
(classic maps), dump.gdb in gdb and dump.lldb in LLDB (each in a fresh
directory, as a user would run them). The program prints what each step
left in its map; the checks: counts.jsonl holds one document per step, in
order, whose count is that step's length and impl the configuration's;
counts-1.svg... one picture per step (well-formed, rendered by
rsvg-convert, the header drawn at the document's address, the title with
the step's entries) and no more. And the README shows each script as it
is (its lines without the comments).

Environment: GOLAYOUT_BUILD (plugins, default build/), GOLAYOUT_TOOLCHAINS
(labels of scripts/toolchains.txt, default go1.26 go1.24-noswissmap),
GOLAYOUT_DEBUGGERS (gdb, lldb; default both). Exits 1 when a check fails.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import svgcheck  # noqa: E402

EXAMPLE = harness.ROOT / "examples" / "dumps"
STEP = re.compile(r"^golayout-example: step (\d+): len (\d+)$", re.M)


def build(cfg):
    out = harness.BUILD / "examples" / f"dumps-{cfg.label}"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GOTOOLCHAIN=cfg.toolchain, GOEXPERIMENT=cfg.experiment, GOARCH=cfg.goarch,
               CGO_ENABLED="0")
    subprocess.run(["go", "build", "-o", str(out), str(EXAMPLE / "main.go")], cwd=harness.ROOT,
                   env=env, check=True)
    return out


def run(debugger, exe, cwd):
    if debugger == "gdb":
        argv = ["gdb", "-batch", "-nx", "-iex", "set auto-load python-scripts off",
                "-ex", f"source {harness.BUILD / 'golayout-gdb.py'}", "-x", str(EXAMPLE / "dump.gdb"), str(exe)]
    else:
        argv = [harness.lldb_exe(debugger), "--batch", "--no-lldbinit",
                "-o", f"plugin load {harness.lldb_plugin(debugger)}", "-s", str(EXAMPLE / "dump.lldb"), str(exe)]
    p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=harness.TIMEOUT)
    return p.stdout + p.stderr


def check(cfg, output, cwd):
    p = []
    steps = [(int(a), int(b)) for a, b in STEP.findall(output)]
    if len(steps) != 4:
        return [f"the program printed {len(steps)} steps, want 4 (did it run to its end?)"]
    path = Path(cwd) / "counts.jsonl"
    docs = [json.loads(l) for l in path.read_text().splitlines()] if path.exists() else []
    if len(docs) != len(steps):
        p.append(f"counts.jsonl: {len(docs)} documents, want one per step ({len(steps)})")
    for (step, n), d in zip(steps, docs):
        if d.get("error"):
            p.append(f"step {step}: error {d['error']}")
        harness.diff(p, f"step {step}: count", d.get("count"), n)
        harness.diff(p, f"step {step}: impl", d.get("impl"), cfg.map_impl)
        harness.diff(p, f"step {step}: summary_only", d.get("summary_only"), True)
        pic = svgcheck.load(Path(cwd) / f"counts-{step}.svg", p)
        if pic is None:
            continue
        if pic.at(int(d["address"], 16), "header") is None:
            p.append(f"counts-{step}.svg: no header region at {d['address']}")
        if not pic.has_text(f"{n} entries"):
            p.append(f"counts-{step}.svg: the title does not say {n} entries")
    extra = Path(cwd) / f"counts-{len(steps) + 1}.svg"
    if extra.exists():
        p.append(f"{extra.name}: more pictures than steps")
    return p


def readme_problems():
    """Each script's lines (comments left out) as a code block of README.md."""
    readme = (harness.ROOT / "README.md").read_text()
    p = []
    for name in ("dump.gdb", "dump.lldb"):
        body = "".join(l for l in (EXAMPLE / name).read_text().splitlines(True) if not l.startswith("#"))
        if f"```\n{body}```" not in readme:
            p.append(f"README.md does not show examples/dumps/{name} as it is")
    return p


def main():
    want = os.environ.get("GOLAYOUT_TOOLCHAINS", "go1.26 go1.24-noswissmap").replace(",", " ").split()
    dbgs = os.environ.get("GOLAYOUT_DEBUGGERS", "gdb,lldb").replace(",", " ").split()
    cfgs = [c for c in harness.configs() if c.label in want]
    failed = 0
    for pr in readme_problems():
        print(f"FAIL {pr}")
        failed += 1
    for cfg in cfgs:
        exe = build(cfg)
        for dbg in dbgs:
            with tempfile.TemporaryDirectory(prefix="golayout-example-") as cwd:
                try:
                    output = run(dbg, exe, cwd)
                    problems = check(cfg, output, cwd)
                except subprocess.TimeoutExpired:
                    output, problems = "", [f"{dbg} did not finish in {harness.TIMEOUT:.0f} s"]
            where = f"{cfg.label}/{dbg}: examples/dumps"
            print(f"{'PASS' if not problems else 'FAIL'} {where}")
            for pr in problems:
                print(f"       {pr}")
            if problems:
                failed += 1
                for line in output.splitlines()[-40:]:
                    print(f"     | {line}")
    print(f"examples: {len(cfgs) * len(dbgs) + 1 - failed} passed, {failed} failed")
    return 1 if failed or not cfgs else 0


if __name__ == "__main__":
    sys.exit(main())
