#!/usr/bin/env python3
"""golayout in gdb and in lldb used as a person uses them, on a terminal.

The program is scripts/bench/map (two maps of 1,000,000 entries; built here
with the installed Go). Each debugger runs interactively on a pseudo-terminal
and stops in main.stopHere. Then:
  - Ctrl-C: `golayout map main.ms --json`, which takes a second or more, is
    started and a Ctrl-C is typed (byte 0x03 on the terminal, so the
    terminal sends SIGINT as it does for a user) 0.3 s later. The command
    must come back long before it would have finished, with one JSON
    document whose error_code is "interrupted" and no progress line (a
    --json document is never mixed with one); and the debugger must still
    be usable:
    `golayout map main.m --summary --json` then gives the whole map (count
    1,000,000, no error), so nothing the interrupted command left behind
    (cache, state) is wrong.
  - Progress: `golayout map main.m --all` (text, every group drawn) must
    show a progress line ("... N of 1000000 ...") on the terminal; a Ctrl-C
    typed once it is seen must bring the prompt back within MAX_LATENCY
    with what was drawn so far and golayout's "interrupted" line.
  - Writes through the debugger: the map header's count is changed with the
    debugger's own command (gdb: set {unsigned long}ADDR = N, in C; lldb:
    memory write),
    with the process still stopped; the next golayout command must show the
    new count, not what it had read before (lldb's stop id does not change).
Prints, per debugger, how long after the key press the prompt came back.

    python3 tests/integration/terminal.py      (after make all)

Environment: GOLAYOUT_BUILD (default build/), GOLAYOUT_DEBUGGERS (gdb,lldb;
lldb-N for LLDB N, as in harness.py).
"""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("GOLAYOUT_BUILD", ROOT / "build")).resolve()
N = 1000000
# The uninterrupted command takes several seconds (README, Performance);
# coming back within this many seconds of the key means it was stopped.
MAX_LATENCY = 2.0


class Term:
    """A debugger on a pseudo-terminal."""

    def __init__(self, argv, prompt):
        self.prompt = prompt
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["BENCH_N"] = str(N)
            os.execvp(argv[0], argv)
        self.buf = b""

    def read_until(self, pat, timeout):
        return self._read(lambda at: self.buf.find(pat, max(0, at - len(pat))) >= 0, timeout)

    def read_until_re(self, regex, timeout):
        return self._read(lambda at: regex.search(self.buf, max(0, at - 200)) is not None, timeout)

    def _read(self, found, timeout):
        """Read until found(at) says the text is there; at: where the
        bytes not yet searched begin (a command can print tens of
        megabytes: searching the whole buffer at each read would make this
        reader, not the debugger, the slow one)."""
        end = time.time() + timeout
        at = 0
        while not found(at) and time.time() < end:
            at = len(self.buf)
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    self.buf += os.read(self.fd, 1 << 16)
                except OSError:
                    break
        return found(0)

    def command(self, line, timeout=120):
        """Type line; the text up to the next prompt (None on timeout)."""
        self.buf = b""
        os.write(self.fd, line.encode() + b"\n")
        if not self.read_until(self.prompt, timeout):
            return None
        return self.buf.decode("utf-8", "replace")

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def documents(text):
    docs = []
    for line in text.splitlines():
        line = line.strip()
        if '{"schema"' in line:  # after the terminal's echo of ^C
            line = line[line.index('{"schema"'):]
            try:
                docs.append(json.loads(line))
            except ValueError:
                docs.append(None)
    return docs


def start(name, exe):
    if name == "gdb":
        t = Term(["gdb", "-nx", "-q", "-iex", "set auto-load python-scripts off", str(exe)],
                 b"(gdb) ")
        setup = ["set width 0", "set height 0", "set pagination off", "set confirm off", "set style enabled off",
                 f"source {BUILD / 'golayout-gdb.py'}", "break main.stopHere", "run"]
    else:
        t = Term([harness.lldb_exe(name), "--no-use-colors", str(exe)], b"(lldb) ")
        setup = harness.lldb_start_lines(name)
    if not t.read_until(t.prompt, 60):
        raise RuntimeError("no prompt")
    for line in setup:
        if t.command(line) is None:
            raise RuntimeError(f"no prompt after {line!r}")
    # lldb gives the prompt back at once and says later that it stopped
    if not t.read_until(b"stopHere" if name == "gdb" else b"stop reason = breakpoint", 120):
        raise RuntimeError("the program did not stop in main.stopHere")
    t.read_until(b"\0", 1.0)  # what is still coming (lldb's stop report)
    return t


def check(name, exe):
    problems = []
    t = start(name, exe)
    try:
        if "go version" not in (t.command("golayout version") or ""):
            return [f"golayout version did not answer: {t.buf[-300:]!r}"], None
        t.buf = b""
        os.write(t.fd, b"golayout map main.ms --json\n")
        time.sleep(0.3)
        pressed = time.time()
        os.write(t.fd, b"\x03")  # Ctrl-C, as typed
        back = t.read_until(t.prompt, 60)
        latency = time.time() - pressed
        text = t.buf.decode("utf-8", "replace")
        if not back:
            return ["no prompt within 60 s of Ctrl-C"], None
        if latency > MAX_LATENCY:
            problems.append(f"the prompt came back {latency:.2f} s after Ctrl-C (want < {MAX_LATENCY} s)")
        docs = documents(text)
        if PROGRESS_RE.search(t.buf):
            problems.append("a progress line with --json")
        if len(docs) != 1 or docs[0] is None:
            problems.append(f"want one JSON document after Ctrl-C, got {len(docs)}: {text[:300]!r}")
        elif docs[0].get("error_code") != "interrupted":
            problems.append(f"error_code {docs[0].get('error_code')!r} after Ctrl-C, want 'interrupted' "
                            f"(error {docs[0].get('error')!r})")
        problems += check_progress(t)
        after = summary(t)
        if after is None or after.get("error") or after.get("count") != N:
            problems.append(f"the next command: {after and (after.get('count'), after.get('error'))}")
        else:
            problems += check_write(name, t, after)
        return problems, latency
    finally:
        t.close()


# golayout: WHAT: N of TOTAL (P%) - Ctrl-C stops (WHAT: the stage, e.g.
# "map entries read", then "map groups drawn" for --all: how far the
# command got in its first half second depends on the machine)
PROGRESS_RE = re.compile(rb"golayout: [a-z ]+: \d+ of \d+ \(\d+%\) - Ctrl-C stops")


def check_progress(t):
    """A long text command shows its progress and stops on Ctrl-C."""
    t.buf = b""
    os.write(t.fd, b"golayout map main.m --all\n")
    if not t.read_until_re(PROGRESS_RE, 60):
        t.read_until(t.prompt, 120)
        return [f"no progress line from golayout map main.m --all: {t.buf[:300]!r}"]
    pressed = time.time()
    os.write(t.fd, b"\x03")
    if not t.read_until(t.prompt, 60):
        return ["no prompt within 60 s of Ctrl-C (golayout map main.m --all)"]
    problems = []
    latency = time.time() - pressed
    if latency > MAX_LATENCY:
        problems.append(f"--all: the prompt came back {latency:.2f} s after Ctrl-C (want < {MAX_LATENCY} s)")
    if b"drawn before Ctrl-C not shown" not in t.buf and len(t.buf) > 1 << 20:
        problems.append(f"--all after Ctrl-C printed {len(t.buf)} bytes without cutting what was drawn")
    if b"golayout: interrupted" not in t.buf:
        problems.append(f"--all after Ctrl-C does not say it was interrupted: {t.buf[-300:]!r}")
    return problems


def summary(t):
    """`golayout map main.m --summary --json`, parsed (None if not one doc)."""
    docs = documents(t.command("golayout map main.m --summary --json") or "")
    return docs[0] if len(docs) == 1 else None


def check_write(name, t, before):
    """The count written with the debugger's own command is what golayout
    shows next, and the original count once it is written back."""
    used = [h for h in before.get("header", []) if h.get("name") in ("used", "count")]
    if not used:
        return [f"no count field in the map header: {before.get('header')}"]
    addr = int(before["address"], 16) + used[0]["offset"]
    problems = []
    for n in (N + 12345, N):
        if name == "gdb":  # (C syntax: gdb's Go expressions have no such cast)
            t.command("set language c")
            t.command(f"set {{unsigned long}}{addr:#x} = {n}")
            t.command("set language auto")
        else:
            t.command(f"memory write -s 8 {addr:#x} {n:#x}")
        doc = summary(t)
        if doc is None or doc.get("count") != n:
            problems.append(f"after writing count {n} with the debugger, golayout shows "
                            f"{doc and doc.get('count')}")
    return problems


def build_program():
    out = BUILD / "terminal" / "mapbench"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CGO_ENABLED="0", GOTOOLCHAIN="local", GOFLAGS="-buildvcs=false")
    subprocess.run(["go", "build", "-o", str(out), "."], cwd=ROOT / "scripts" / "bench" / "map",
                   env=env, check=True)
    return out


def main():
    exe = build_program()
    names = os.environ.get("GOLAYOUT_DEBUGGERS", "gdb,lldb").replace(",", " ").split()
    failed = 0
    for name in names:
        problems, latency = check(name, exe)
        if latency is not None and not problems:
            print(f"ok   terminal/{name}: back {latency:.2f} s after Ctrl-C, progress on a long "
                  "text command, next command whole, writes through the debugger seen")
        for p in problems:
            print(f"FAIL terminal/{name}: {p}")
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
