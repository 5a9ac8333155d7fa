"""Time golayout commands inside gdb or lldb (scripts/bench-gc.sh,
scripts/bench-goroutines.sh).

$BENCH_COMMANDS lists what to run, "what=command" pairs separated by ";".
Each command runs once, in this order, in the session that loaded this
file; Python's time.perf_counter() is read right around it (gdb:
gdb.execute(cmd, to_string=True); lldb: SBCommandInterpreter.HandleCommand
into an SBCommandReturnObject), so debugger startup and running the program
to its breakpoint are excluded and formatting the text is included; the
debugger's CPU time (time.process_time(), all its threads) next to it, and
the growth of its peak resident size during the command (VmHWM, reset
before it through /proc/self/clear_refs). One line per command goes to
$BENCH_RESULTS: "DEBUGGER WHAT SECONDS CPU PEAK-MIB"; a command
named "stats" records its output's last line (a `golayout stats --json`
document) instead of a time. The output of the command named "cold" is
kept in the file given to run(), that of another command WHAT in that
file's name with ".WHAT" appended. "{what}" in a command stands for the goid
of the first goroutine in the --json output of the earlier command "what".
"""
import os
import sys
import time

# (loaded into gdb and LLDB from elsewhere: bench_common is found next
# to this file)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_common  # noqa: E402


def _commands():
    for item in os.environ["BENCH_COMMANDS"].split(";"):
        what, _, cmd = item.partition("=")
        yield what.strip(), cmd.strip()


def _subst(cmd, outputs):
    import json
    import re

    def goid(m):
        try:
            text = outputs[m.group(1)]
            doc = json.loads(text[text.index("{"):])
            return str(doc["goroutines"][0]["goid"])
        except (KeyError, ValueError, IndexError):
            return "0"
    return re.sub(r"\{(\w+)\}", goid, cmd)


class _Meter:
    """Wall and CPU seconds and the peak resident growth of one command."""

    def __enter__(self):
        try:
            bench_common.reset_peak()
        except OSError:
            pass
        self.rss = bench_common.rss_mib()
        self.t, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.secs = time.perf_counter() - self.t
        self.cpu = time.process_time() - self.cpu
        self.peak = max(0, bench_common.peak_mib() - self.rss)


def _record(dbg, what, m, text, out):
    with open(os.environ["BENCH_RESULTS"], "a") as f:
        if what == "stats":
            last = text.strip().splitlines()[-1] if text.strip() else "{}"
            f.write("%s stats 0 %s\n" % (dbg, last.replace(" ", "")))
        else:
            f.write("%s %s %.4f %.4f %d\n" % (dbg, what, m.secs, m.cpu, m.peak))
    if out:
        with open(out if what == "cold" else "%s.%s" % (out, what), "w") as f:
            f.write(text)


def run_gdb(out):
    import gdb
    outputs = {}
    for what, cmd in _commands():
        cmd = _subst(cmd, outputs)
        with _Meter() as m:
            text = gdb.execute(cmd, to_string=True)
        _record("gdb", what, m, text, out)
        outputs[what] = text


def run_lldb(debugger, args, result, internal_dict):
    import lldb
    ci = debugger.GetCommandInterpreter()
    outputs = {}
    for what, cmd in _commands():
        cmd = _subst(cmd, outputs)
        res = lldb.SBCommandReturnObject()
        with _Meter() as m:
            ci.HandleCommand(cmd, res)
        text = (res.GetOutput() or "") + (res.GetError() or "")
        _record("lldb", what, m, text, args.strip())
        outputs[what] = text


def __lldb_init_module(debugger, internal_dict):
    debugger.HandleCommand("command script add -f timed.run_lldb bench-timed")


def summary(path, title, repeat, sample=None):
    """Print the fastest of the repeated runs of $BENCH_RESULTS at path:
    every command's seconds (CPU seconds) per debugger, with the backend
    reads and bytes of the session (init + cold), then the peak growths,
    then Delve's times (scripts/bench/delve.py lines, named after the
    golayout command they compare with) as multiples of golayout's in
    gdb, then the first lines of sample's text."""
    import json
    best, stats, whats = {}, {}, []
    for line in open(path):
        f = line.split()
        if len(f) < 3:
            continue
        if f[1] == "stats":
            try:
                stats[f[0]] = json.loads(f[3])
            except (IndexError, ValueError):
                pass
            continue
        k = (f[0], f[1])
        if f[1] not in whats:
            whats.append(f[1])
        cpu = float(f[3]) if len(f) > 3 else float("nan")
        peak = int(f[4]) if len(f) > 4 else -1
        if k not in best or float(f[2]) < best[k][0]:
            best[k] = (float(f[2]), cpu, peak)
    dbgs = [d for d in ("gdb", "lldb", "delve") if any(k[0] == d for k in best)]

    def row(dbg, cell, tail=""):
        print("%-5s %s   %s" % (dbg, " ".join(cell(best.get((dbg, w))) for w in whats), tail))
    print()
    print("%s, seconds (the debugger's CPU seconds), fastest of %s run(s)" % (title, repeat))
    print("%-5s %s   %s" % ("dbg", " ".join("%15s" % w for w in whats),
                             "backend reads / bytes (to the stats command)"))
    for dbg in dbgs:
        s = stats.get(dbg, {}).get("session", {})
        tail = "%s / %s" % (s.get("backend_reads", "?"), s.get("backend_bytes", "?")) \
            if dbg != "delve" else ""
        row(dbg, lambda v: "%6.3f (%6.3f)" % v[:2] if v else "%15s" % "-", tail)
    print("peak growth of the debugger's resident size during each command, MiB")
    for dbg in dbgs:
        row(dbg, lambda v: "%15d" % v[2] if v and v[2] >= 0 else "%15s" % "-")
    if "delve" in dbgs:
        print("Delve's time as a multiple of golayout's (gdb, lldb)")
        for w in whats:
            d = best.get(("delve", w))
            if not d:
                continue
            r = ["%.1fx" % (d[0] / best[(g, w)][0]) if best.get((g, w)) and best[(g, w)][0] > 0
                 else "-" for g in ("gdb", "lldb")]
            print("  %-15s %s" % (w, ", ".join(r)))
    if sample:
        try:
            text = open(sample).read().splitlines()
            print()
            print("\n".join(text[:6]))
        except OSError:
            pass


if __name__ == "__main__":
    import sys
    if len(sys.argv) >= 5 and sys.argv[1] == "summary":
        summary(*sys.argv[2:6])
    else:
        sys.exit("usage: timed.py summary RESULTS TITLE REPEAT [SAMPLE]")
