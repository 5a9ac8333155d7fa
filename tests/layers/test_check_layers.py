#!/usr/bin/env python3
"""The layer checker's own test: it must fail on what it exists to catch.

    tests/layers/test_check_layers.py [BUILD_DIR]      (default: build)

1. A clean synthetic core (base <- target <- commands, no cycle): the
   checker passes.
2. The built core objects plus two deliberately wrong ones: a base/ object
   calling a commands/ function (gl_session_run), and two base/ objects
   calling each other. The checker must fail, naming the upward call and
   the cycle.
The real `scripts/check-layers.py BUILD_DIR` is not run here.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "scripts" / "check-layers.py"
CC = "cc"


def compile_obj(core, name, source):
    """Compile source into core/<name>.o (name is "layer/file")."""
    out = core / f"{name}.o"
    out.parent.mkdir(parents=True, exist_ok=True)
    src = out.with_suffix(".c")
    src.write_text(source)
    subprocess.run([CC, "-c", "-O0", "-w", "-o", str(out), str(src)], check=True)
    src.unlink()


def run_checker(build):
    r = subprocess.run([sys.executable, str(CHECKER), str(build)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


failures = []


def expect(cond, what, output):
    if not cond:
        failures.append(f"{what}\n--- checker output ---\n{output}")


def clean_set(tmp):
    build = tmp / "clean"
    core = build / "core"
    compile_obj(core, "base/low", "int low(int x) { return x + 1; }\n")
    compile_obj(core, "target/mid", "int low(int);\nint mid(int x) { return low(x) * 2; }\n")
    compile_obj(core, "commands/top", "int mid(int);\nint top(void) { return mid(3); }\n")
    rc, out = run_checker(build)
    expect(rc == 0, f"clean synthetic core: exit {rc}, want 0", out)
    expect("ok" in out, "clean synthetic core: no 'ok' line", out)


def wrong_set(tmp, real_build):
    build = tmp / "wrong"
    core = build / "core"
    objs = sorted((Path(real_build) / "core").glob("*/*.o"))
    if not any(o.parent.name == "commands" and o.stem == "session" for o in objs):
        sys.exit(f"test_check_layers: no built core objects under {real_build}/core (run make first)")
    for o in objs:
        dest = core / o.parent.name / o.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(o, dest)
    # base/ calls the session's entry point in commands/: an upward call
    compile_obj(core, "base/zz_upcall",
                "int gl_session_run();\nint zz_upcall(void) { return gl_session_run(0, 0, 0, 0, 0, 0); }\n")
    # two base/ objects that need each other: a cycle
    compile_obj(core, "base/zz_ping", "int zz_pong(int);\nint zz_ping(int n) { return n ? zz_pong(n - 1) : 0; }\n")
    compile_obj(core, "base/zz_pong", "int zz_ping(int);\nint zz_pong(int n) { return n ? zz_ping(n - 1) : 1; }\n")
    rc, out = run_checker(build)
    expect(rc == 1, f"deliberately wrong core: exit {rc}, want 1", out)
    lines = out.splitlines()
    up = [l for l in lines if "base/zz_upcall" in l and "gl_session_run" in l and "commands/session" in l]
    expect(up and "higher layer" in up[0], "the upward call base/zz_upcall -> commands/session is not named", out)
    cyc = [l for l in lines if "cycle" in l and "base/zz_ping" in l and "base/zz_pong" in l]
    expect(len(cyc) == 1, "the cycle base/zz_ping <-> base/zz_pong is not named (once)", out)
    # the wrong objects must not make the checker blame anything else on them
    expect(not any("zz_upcall" in l and "cycle" in l for l in lines),
           "the upward call was reported as part of a cycle", out)


def main():
    real_build = sys.argv[1] if len(sys.argv) > 1 else "build"
    with tempfile.TemporaryDirectory(prefix="golayout-layers-") as d:
        tmp = Path(d)
        clean_set(tmp)
        wrong_set(tmp, real_build)
    for f in failures:
        print(f"FAIL {f}")
    if failures:
        print(f"test_check_layers: {len(failures)} failure(s)")
        return 1
    print("test_check_layers: ok (passes a clean core, names an upward call and a cycle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
