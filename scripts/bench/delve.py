"""Time Delve on the same program and stop as golayout (scripts/bench-*.sh).

    delve.py DLV PROGRAM BREAKPOINT RESULTS TAG N OUTDIR what=request ...

starts `DLV exec --headless` on PROGRAM (the environment passes through),
stops at BREAKPOINT through Delve's JSON-RPC API (the one its own terminal
client speaks), then times each request, one after another in this one
session, from sending it to the last byte of Delve's answer (the client's
parsing and printing excluded: what is timed is Delve's own work). A
request is one of

    eval EXPR          `print EXPR` in frame 1 (the caller of BREAKPOINT),
                       loaded in full: N array, map and string elements
    goroutines         `goroutines`: every goroutine with its locations
    stack FUNC         `stack` of the goroutine whose user location is FUNC,
                       every frame (up to N)

Each appends "delve WHAT SECONDS CPU PEAK BYTES TAG" to RESULTS (CPU: dlv's
user and system seconds during the request; PEAK: the growth of dlv's
VmHWM during it in MiB, reset before it through /proc/PID/clear_refs;
BYTES: the answer's size) and keeps the answer's first megabyte in
OUTDIR/delve-TAG-WHAT.json.
"""
import json
import os
import socket
import subprocess
import sys
import time


class Delve:
    def __init__(self, dlv, program):
        self.proc = subprocess.Popen(
            [dlv, "exec", "--headless", "--api-version=2", "--accept-multiclient=false",
             "--listen=127.0.0.1:0", program],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # "API server listening at: 127.0.0.1:PORT"
        for line in self.proc.stdout:
            if "listening at:" in line:
                port = int(line.rsplit(":", 1)[1])
                break
        else:
            raise RuntimeError("dlv did not start")
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
        self.id = 0

    def call(self, method, arg):
        """One request; (result, size of the answer in bytes)."""
        self.id += 1
        req = {"method": "RPCServer." + method, "params": [arg], "id": self.id}
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        # net/rpc/jsonrpc writes one JSON document per answer, ended by a
        # newline; newlines inside it are escaped. Answers can take
        # hundreds of megabytes: gather the pieces, join once.
        parts, chunk = [], self.buf
        while b"\n" not in chunk:
            parts.append(chunk)
            chunk = self.sock.recv(1 << 22)
            if not chunk:
                raise RuntimeError("dlv closed the connection")
        head, _, self.buf = chunk.partition(b"\n")
        parts.append(head)
        return b"".join(parts)

    def result(self, line):
        doc = json.loads(line)
        if doc.get("error"):
            raise RuntimeError(doc["error"])
        return doc["result"]

    def peak_reset(self):
        try:
            with open("/proc/%d/clear_refs" % self.proc.pid, "w") as f:
                f.write("5")
        except OSError:
            pass

    def status_mib(self, key):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for l in f:
                if l.startswith(key + ":"):
                    return int(l.split()[1]) // 1024
        return 0

    def cpu_seconds(self):
        """dlv's user and system time so far (all its threads)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self):
        try:
            self.call("Detach", {"Kill": True})
        except (OSError, RuntimeError):
            pass
        self.proc.kill()
        self.proc.wait()


def load_config(n):
    return {"FollowPointers": True, "MaxVariableRecurse": 1, "MaxStringLen": 1 << 16,
            "MaxArrayValues": n, "MaxStructFields": -1}


def user_function(g):
    loc = g.get("userCurrentLoc") or {}
    fn = loc.get("function") or {}
    return fn.get("name", "")


def main(argv):
    dlv, program, brk, results, tag, n, outdir = argv[:7]
    n = int(n)
    d = Delve(dlv, program)
    try:
        d.result(d.call("CreateBreakpoint", {"Breakpoint": {"functionName": brk}}))
        state = d.result(d.call("Command", {"name": "continue"}))
        if state["State"].get("exited"):
            raise RuntimeError("the program exited before %s" % brk)
        goroutines = None
        for item in argv[7:]:
            what, _, request = item.partition("=")
            verb, _, arg = request.partition(" ")
            if verb == "eval":
                method, param = "Eval", {"Scope": {"GoroutineID": -1, "Frame": 1},
                                         "Expr": arg, "Cfg": load_config(n)}
            elif verb == "goroutines":
                method, param = "ListGoroutines", {"Start": 0, "Count": 0}
            elif verb == "stack":
                if goroutines is None:
                    goroutines = d.result(d.call("ListGoroutines", {"Start": 0, "Count": 0}))
                ids = [g["id"] for g in goroutines["Goroutines"] if user_function(g) == arg]
                if not ids:
                    raise RuntimeError("no goroutine in %s" % arg)
                method, param = "Stacktrace", {"Id": ids[0], "Depth": n, "Full": False}
            else:
                raise RuntimeError("unknown request " + request)
            d.peak_reset()
            r0, cpu = d.status_mib("VmRSS"), d.cpu_seconds()
            t = time.perf_counter()
            line = d.call(method, param)
            dt = time.perf_counter() - t
            cpu, peak = d.cpu_seconds() - cpu, d.status_mib("VmHWM") - r0
            res = d.result(line)
            if verb == "goroutines":
                goroutines = res
            # (the head only: a million map entries make half a gigabyte)
            with open(os.path.join(outdir, "delve-%s-%s.json" % (tag, what)), "wb") as f:
                f.write(line[:1 << 20])
            with open(results, "a") as f:
                f.write("delve %s %.4f %.4f %d %d %s\n" % (what, dt, cpu, peak, len(line), tag))
    finally:
        d.close()


if __name__ == "__main__":
    if len(sys.argv) < 9:
        sys.exit(__doc__)
    main(sys.argv[1:])
