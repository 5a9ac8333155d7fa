#!/usr/bin/env python3
"""golayout integration tests: every test_*.py module beside this file, on
its fixture built with every configuration of scripts/toolchains.txt
(optimized and -N -l), under gdb and lldb. See harness.py for the settings.

Prints one line per check, a summary per configuration and debugger, and
exits 1 when anything failed. Each session's full debugger output is kept in
build/integration-logs/ and printed for the first failing sessions
(GOLAYOUT_SHOW_OUTPUT of them, default 3; "all" for every one).
"""

import importlib
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import Ctx  # noqa: E402

LOGS = harness.ROOT / "build" / "integration-logs"
SHOW = os.environ.get("GOLAYOUT_SHOW_OUTPUT", "3")


def test_modules():
    """The test modules, those of the fixtures in $GOLAYOUT_FIXTURES when set."""
    here = Path(__file__).resolve().parent
    want = set(os.environ.get("GOLAYOUT_FIXTURES", "").replace(",", " ").split())
    mods = [importlib.import_module(p.stem) for p in sorted(here.glob("test_*.py"))]
    return [m for m in mods if not want or m.FIXTURE in want]


def plan():
    """(ctx, steps) per session, and the problems found before any ran."""
    sessions, problems = [], []
    dbgs = harness.debuggers()
    for d in dbgs:
        if not shutil.which(d.exe):
            problems.append(f"{d.exe} is not installed (scripts/install-deps.sh)")
        if not (harness.BUILD / d.plugin).exists():
            print(f"note: {harness.BUILD / d.plugin} does not exist: every golayout "
                  f"command will fail under {d.name} (run `make`, or set GOLAYOUT_BUILD)")
    for cfg in harness.configs():
        bindir = harness.FIXTURE_BIN / cfg.label
        if not bindir.is_dir():
            print(f"note: no binaries for {cfg.label} (run scripts/build-fixtures.sh): skipped")
            continue
        for mod in test_modules():
            # binaries without DWARF: the modules with checks for them, on
            # the optimized build only (scripts/build-fixtures.sh); -s -w
            # binaries: the modules whose checks take addresses from the
            # truth (stripped_cases)
            nd = "stripped_cases" if cfg.mode == "stripped" else "nodwarf_cases"
            if cfg.nodwarf and not hasattr(mod, nd):
                continue
            # a module whose sessions are long names the configurations
            # it runs in (CONFIGS)
            if hasattr(mod, "CONFIGS") and cfg.label not in mod.CONFIGS:
                continue
            # a configuration for some fixtures only (only= in toolchains.txt)
            if cfg.only and mod.FIXTURE not in cfg.only:
                continue
            variants = (mod.FIXTURE,) if cfg.nodwarf else (mod.FIXTURE + "-noopt", mod.FIXTURE)
            for variant in variants:
                binary = bindir / variant
                if not binary.exists():
                    problems.append(f"{binary} is missing")
                    continue
                # another architecture: its emulator and gdb-multiarch
                emu = harness.emulator(binary)
                for exe in [emu, harness.gdb_exe(binary) if "gdb" in [d.name for d in dbgs] else None]:
                    if emu and exe and not shutil.which(exe) and f"{exe} is not installed" not in str(problems):
                        problems.append(f"{exe} is not installed (scripts/install-deps.sh)")
                try:
                    truth = harness.run_fixture(binary)
                    steps = getattr(mod, nd)(truth, cfg) if cfg.nodwarf else mod.cases(truth)
                    if cfg.mode == "stripped":
                        harness.STOP_AT[binary] = truth["stop_here_pc"]
                except Exception as e:
                    problems.append(f"{cfg.label}/{variant}: running it without a debugger failed: {e}")
                    continue
                for d in dbgs:
                    sessions.append((Ctx(cfg, binary, d.name), steps))
    return sessions, problems


def report(s, shown):
    """Print a session's results; returns (passed, failed)."""
    where = f"{s.ctx.cfg.label}/{s.ctx.binary.name}/{s.ctx.debugger}"
    log = LOGS / (where.replace("/", "_") + ".log")
    log.write_text(s.output)
    if s.error:
        print(f"FAIL {where}: {s.error}")
    npass = nfail = 0
    for r in s.results:
        note = f" ({'; '.join(r.notes)})" if r.notes else ""
        print(f"{'PASS' if r.ok else 'FAIL'} {where}: {r.name}{note}")
        if r.ok:
            npass += 1
            continue
        nfail += 1
        if s.error:
            continue  # the reason is the session's, printed above
        for p in r.problems:
            print(f"       {p}")
        for line in r.output.splitlines():
            print(f"     | {line}")
    print(f"---- {where}: {npass} passed, {nfail} failed in {s.seconds:.1f} s (log: {log})")
    if nfail and (SHOW == "all" or shown < int(SHOW)):
        print(f"---- full {s.ctx.debugger} output of {where}:")
        for line in s.output.splitlines():
            print(f"     | {line}")
        print("---- end of output")
    return npass, nfail


def main():
    start = time.monotonic()
    LOGS.mkdir(parents=True, exist_ok=True)
    sessions, problems = plan()
    for p in problems:
        print(f"FAIL {p}")
    if not sessions and not problems:
        problems.append("nothing to test")
        print("FAIL nothing to test: no fixture binaries (run scripts/build-fixtures.sh)")

    totals = {}  # (label, debugger) -> [passed, failed, seconds]
    shown = 0
    with ThreadPoolExecutor(max_workers=max(1, harness.JOBS)) as pool:
        futures = [pool.submit(harness.run_session, ctx, steps) for ctx, steps in sessions]
        for f in futures:  # in submission order, so the log reads in order
            s = f.result()
            npass, nfail = report(s, shown)
            shown += 1 if nfail else 0
            t = totals.setdefault((s.ctx.cfg.label, s.ctx.debugger), [0, 0, 0.0])
            t[0] += npass
            t[1] += nfail
            t[2] += s.seconds
            sys.stdout.flush()

    print("\n==== summary (configuration, debugger: checks passed / failed)")
    npass = sum(t[0] for t in totals.values())
    nfail = sum(t[1] for t in totals.values()) + len(problems)
    for (label, dbg), (p, f, secs) in totals.items():
        print(f"{'ok  ' if f == 0 else 'FAIL'} {label:<22} {dbg:<5} {p:4d} passed {f:4d} failed"
              f"  ({secs:.0f} s of debugger time)")
    print(f"wall time {time.monotonic() - start:.0f} s, {len(sessions)} debugger sessions")
    print(f"integration: {npass} passed, {nfail} failed")
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
