#!/usr/bin/env python3
"""Each LLDB plugin in each LLDB: its own version's plugin loads and answers
`golayout version`; another version's refuses to load with one line naming
the plugin to take, and lldb goes on (a plugin linked to another liblldb
used to crash lldb in `plugin load`).

Environment: GOLAYOUT_BUILD (default build/), GOLAYOUT_DEBUGGERS (the lldb-N
to test, default lldb-14,lldb-15,lldb-16,lldb-19; others are skipped).
Prints one line per pair and `N passed, N failed`; exits 1 on a failure.
"""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ALIVE = "@@lldb-still-here"


def check(lldb, plugin_of):
    """Problems of loading plugin_of's plugin into the LLDB `lldb`."""
    plugin = harness.lldb_plugin(plugin_of)
    if not plugin.exists():
        return [f"{plugin} is not built"]
    same = harness.lldb_version(lldb) == harness.lldb_version(plugin_of)
    exe = harness.FIXTURE_BIN / "go1.26" / "structs"
    with tempfile.TemporaryDirectory(prefix="golayout-lv-") as tmp:
        lines = [f"plugin load {plugin}", "golayout version", f"script print('{ALIVE}')"]
        argv = harness.lldb_argv(lines, tmp, exe, debugger=lldb)
        out, rc, timed_out = harness.run_debugger(argv, timeout=60)
    problems = []
    if timed_out or rc != 0 or f"\n{ALIVE}" not in out:
        problems.append(f"lldb did not go on (exit status {rc}, timed out {timed_out})")
    answered = "go version    go1.26" in out
    if same and not answered:
        problems.append("its own version's plugin did not answer `golayout version`")
    if not same and answered:
        problems.append("another version's plugin answered `golayout version`")
    want = (f"this plugin is built for LLDB {harness.lldb_version(plugin_of)}, "
            f"this is LLDB {harness.lldb_version(lldb)}")
    if not same and want not in out:
        problems.append(f"no line saying {want!r}")
    if problems:
        problems += ["| " + line for line in out.splitlines()[-12:]]
    return problems


def main():
    names = os.environ.get("GOLAYOUT_DEBUGGERS", "lldb-14,lldb-15,lldb-16,lldb-19")
    lldbs = [n for n in names.replace(",", " ").split() if n.startswith("lldb-")]
    npass = nfail = 0
    for lldb in lldbs:
        for plugin_of in lldbs:
            problems = check(lldb, plugin_of)
            what = f"lldb_versions/{lldb}: plugin of {plugin_of}"
            print(f"{'FAIL' if problems else 'ok  '} {what}")
            for p in problems:
                print(f"       {p}")
            npass += not problems
            nfail += bool(problems)
    print(f"lldb_versions: {npass} passed, {nfail} failed")
    return 1 if nfail or not npass else 0


if __name__ == "__main__":
    sys.exit(main())
