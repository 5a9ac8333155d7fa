#!/usr/bin/env python3
"""The core exports its public API and nothing else.

    tests/layers/test_exports.py [BUILD_DIR]      (default: build)

- `nm -D --defined-only BUILD_DIR/libgolayout.so` lists exactly the
  functions include/golayout/golayout.h declares GL_PUBLIC;
- the LLDB plugin (BUILD_DIR/libgolayout-lldb.so), which links the core
  objects directly, exports those plus its entry point
  lldb::PluginInitialize, and nothing else;
- the gdb shim calls only public functions of the library.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "golayout" / "golayout.h"
GDB_SHIM = ROOT / "gdb" / "golayout-gdb.py"
LLDB_ENTRY = "_ZN4lldb16PluginInitializeENS_10SBDebuggerE"


def public_api():
    text = HEADER.read_text()
    names = set(re.findall(r"^GL_PUBLIC\b[^(;]*?\b(gl_\w+)\s*\(", text, re.M))
    if not names:
        sys.exit("test_exports: no GL_PUBLIC function in " + str(HEADER))
    # every function the header declares is public
    declared = set(re.findall(r"^[a-z][^#(;]*?\b(gl_\w+)\s*\(", text, re.M))
    return names, declared - names


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def main():
    build = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    api, unmarked = public_api()
    problems = []
    if unmarked:
        problems.append(f"{HEADER.name} declares without GL_PUBLIC: {', '.join(sorted(unmarked))}")

    core = exported(build / "libgolayout.so")
    if core - api:
        problems.append(f"libgolayout.so exports non-public symbols: {', '.join(sorted(core - api))}")
    if api - core:
        problems.append(f"libgolayout.so lacks public functions: {', '.join(sorted(api - core))}")

    lldb = build / "libgolayout-lldb.so"
    if lldb.exists():
        plugin = exported(lldb)
        if LLDB_ENTRY not in plugin:
            problems.append("the LLDB plugin does not export lldb::PluginInitialize")
        extra = plugin - api - {LLDB_ENTRY}
        if extra:
            problems.append(f"the LLDB plugin exports more than the API: {', '.join(sorted(extra)[:10])}")
        if api - plugin:
            problems.append(f"the LLDB plugin lacks public functions: {', '.join(sorted(api - plugin))}")

    # what the shim looks up in the library: _gl.NAME and "NAME" strings
    shim = GDB_SHIM.read_text()
    used = set(re.findall(r"\b_gl\.(\w+)", shim)) | set(re.findall(r"[\"'](gl_\w+)[\"']", shim))
    if not used:
        problems.append("found no library call in the gdb shim")
    if used - api:
        problems.append(f"the gdb shim uses non-public names: {', '.join(sorted(used - api))}")

    for p in problems:
        print(f"test_exports: {p}")
    if problems:
        return 1
    print(f"test_exports: ok ({len(api)} public functions: {', '.join(sorted(api))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
