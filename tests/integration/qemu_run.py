#!/usr/bin/env python3
"""Run a debugger session on a program of another architecture (GOARCH=arm64
on an x86-64 host) under qemu-user's gdb stub:

    qemu_run.py EMULATOR BINARY [--env K=V]... [--subst FILE]... [--core-dir DIR] -- DEBUGGER ARGV...

picks a free TCP port, starts `EMULATOR -g PORT BINARY` (the program stops
before its first instruction until a debugger attaches), waits until the
stub listens, then runs the debugger with every "@PORT@" in its arguments
and in each --subst FILE (an LLDB command file) replaced by the port. The
debugger's exit status is this script's. With --core-dir the program runs
in DIR with core dumps on: a program killed by a signal then leaves qemu's
own core file of it there (qemu_PROG_DATE-PID.core). The emulator is
killed when the
debugger is done. harness.py builds these command lines (gdb_argv,
lldb_argv); run_debugger kills the whole process group on a timeout, the
emulator included (it stays in this script's group).

Connecting to the port to see whether the stub is up would be taken by
qemu for the debugger's connection, so the wait reads the kernel's socket
table (/proc/net/tcp) instead."""

import os
import resource
import socket
import subprocess
import sys
import time

PLACEHOLDER = "@PORT@"
LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listening(port: int) -> bool:
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if len(f) > 3 and f[1].endswith(want) and f[3] == LISTEN:
                return True
    return False


def cores_on():
    """In the emulator (before exec): core dumps up to the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def start(emulator, binary, env, core_dir=None, timeout=30.0):
    """The emulator stopped at the program's entry and its port, once the
    stub listens; a few fresh ports when another process took one first."""
    problems = []
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen([emulator, "-g", str(port), binary], stdin=subprocess.DEVNULL,
                             env=dict(os.environ, **env), cwd=core_dir,
                             preexec_fn=cores_on if core_dir else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and p.poll() is None and not listening(port):
            time.sleep(0.05)
        if p.poll() is None and listening(port):
            return p, port
        problems.append(f"port {port}: exit status {p.poll()}")
        p.kill()
        p.wait()
    raise SystemExit(f"qemu_run: {emulator} never listened: {'; '.join(problems)}")


def main(argv):
    sep = argv.index("--")
    head, debugger = argv[:sep], argv[sep + 1:]
    emulator, binary, env, subst, core_dir = head[0], head[1], {}, [], None
    rest = head[2:]
    while rest:
        opt, val, rest = rest[0], rest[1], rest[2:]
        if opt == "--env":
            k, _, v = val.partition("=")
            env[k] = v
        elif opt == "--subst":
            subst.append(val)
        elif opt == "--core-dir":
            core_dir = val
        else:
            raise SystemExit(f"qemu_run: unknown option {opt}")
    emu, port = start(emulator, binary, env, core_dir)
    try:
        for path in subst:
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(PLACEHOLDER, str(port)))
        sys.stdout.flush()
        return subprocess.call([a.replace(PLACEHOLDER, str(port)) for a in debugger],
                               stdin=subprocess.DEVNULL)
    finally:
        # a program that died of a signal may still be in qemu's core
        # dump after the stub reported its end: let qemu finish that
        try:
            emu.wait(timeout=60 if core_dir else 5)
        except subprocess.TimeoutExpired:
            emu.kill()
            emu.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
