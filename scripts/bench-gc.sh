#!/usr/bin/env bash
# bench-gc: how long `golayout gc` takes on a big heap, in gdb and lldb.
#
# The program (scripts/bench/gc/main.go) builds a live heap of about
# $BENCH_HEAP_MB MiB (default 1024): 48-byte objects with pointers, noscan
# buffers of eight size classes, pointer arrays with malloc headers and
# 1 MiB large objects (a quarter of the heap each), so mheap_.allspans
# holds some 100000+ spans, and stops in main.stopHere. `golayout gc` then
# reads the allspans array (in chunks of 64K pointers), every mspan (sorted
# by address and read in runs of up to 256 KiB, since fixalloc packs them),
# and the arena list, and builds the size-class table and heat map.
#
# How it is timed: inside ONE debugger session per debugger, with Python's
# time.perf_counter() right around the command (gdb: gdb.execute(cmd,
# to_string=True); lldb: `script` calling SBCommandInterpreter.HandleCommand
# into an SBCommandReturnObject), so debugger startup, symbol loading and
# running the program to the breakpoint are excluded, formatting the text is
# included. "cold" is the first golayout gc of the session (golayout's
# per-stop page cache empty, but the executable's DWARF already loaded by a
# `golayout version` before it, timed separately as "init"); "warm" is the
# same command again (memory from the cache). `golayout stats` after the
# cold run gives the backend reads and bytes of the session so far (the
# init's few reads included). With BENCH_REPEAT=R
# (default 1) every session runs R times and the fastest run is shown.
#
# Environment: BENCH_HEAP_MB, BENCH_REPEAT, BUILD (default build), GDB (gdb),
# LLDB (lldb-16). Outputs go to $BUILD/bench/gc/.
set -euo pipefail

. "$(dirname "$0")/common.sh" # ROOT, bench_setup
bench_setup bench-gc bench/gc    # BUILD, GDB, LLDB, REPEAT, OUT, RESULTS
MB=${BENCH_HEAP_MB:-1024}

VERSION=$(cd / && GOTOOLCHAIN=local go env GOVERSION)
echo "building scripts/bench/gc with $VERSION"
(cd scripts/bench/gc && GOTOOLCHAIN=local go build -o "$OUT/gc" .)

cat >"$OUT/bench_gdb.py" <<'EOF'
import os, time
import gdb

def rec(dbg, what, secs, extra=""):
    with open(os.environ["BENCH_RESULTS"], "a") as f:
        f.write("%s %s %.4f %s\n" % (dbg, what, secs, extra))

def run(out):
    for what, cmd in (("init", "golayout version"), ("cold", "golayout gc"),
                      ("stats", "golayout stats --json"), ("warm", "golayout gc")):
        t = time.perf_counter()
        text = gdb.execute(cmd, to_string=True)
        dt = time.perf_counter() - t
        if what == "stats":
            rec("gdb", "stats", 0, text.strip().splitlines()[-1].replace(" ", ""))
        else:
            rec("gdb", what, dt)
        if what == "cold":
            with open(out, "w") as f:
                f.write(text)
EOF
cat >"$OUT/bench_lldb.py" <<'EOF'
import os, time
import lldb

def run(debugger, args, result, internal_dict):
    ci = debugger.GetCommandInterpreter()
    for what, cmd in (("init", "golayout version"), ("cold", "golayout gc"),
                      ("stats", "golayout stats --json"), ("warm", "golayout gc")):
        res = lldb.SBCommandReturnObject()
        t = time.perf_counter()
        ci.HandleCommand(cmd, res)
        dt = time.perf_counter() - t
        text = (res.GetOutput() or "") + (res.GetError() or "")
        with open(os.environ["BENCH_RESULTS"], "a") as f:
            if what == "stats":
                f.write("lldb stats 0 %s\n" % text.strip().splitlines()[-1].replace(" ", ""))
            else:
                f.write("lldb %s %.4f\n" % (what, dt))
        if what == "cold":
            with open(args.strip(), "w") as f:
                f.write(text)

def __lldb_init_module(debugger, internal_dict):
    debugger.HandleCommand("command script add -f bench_lldb.run bench-gc")
EOF
export BENCH_RESULTS=$RESULTS BENCH_HEAP_MB=$MB

for rep in $(seq "$REPEAT"); do
	echo "  [$rep/$REPEAT] gdb ..."
	"$GDB" -batch -nx -iex 'set auto-load python-scripts off' \
		-ex "source $BUILD/golayout-gdb.py" -ex "source $OUT/bench_gdb.py" \
		-ex 'set width 0' -ex 'set height 0' -ex 'handle SIGURG nostop noprint pass' \
		-ex "set environment BENCH_HEAP_MB=$MB" -ex 'break main.stopHere' -ex run \
		-ex "python run('$OUT/gc-gdb.out')" "$OUT/gc" >"$OUT/gdb.log" 2>&1 || true
	echo "  [$rep/$REPEAT] lldb ..."
	"$LLDB" --batch -o "plugin load $BUILD/libgolayout-lldb.so" \
		-o 'process handle SIGURG -s false -n false -p true' \
		-o "command script import $OUT/bench_lldb.py" \
		-o 'breakpoint set -n main.stopHere' -o 'process launch' \
		-o "bench-gc $OUT/gc-lldb.out" -o 'process kill' "$OUT/gc" >"$OUT/lldb.log" 2>&1 || true
done

python3 - "$RESULTS" "$VERSION" "$MB" "$REPEAT" "$OUT" <<'EOF'
import json, sys
path, version, mb, repeat, out = sys.argv[1:]
best, stats = {}, {}
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
    best[k] = min(float(f[2]), best.get(k, 1e9))
print()
print("golayout gc on a %s MiB heap (%s), seconds, fastest of %s run(s)" % (mb, version, repeat))
print("%-5s %8s %8s %8s   %s" % ("dbg", "init", "cold", "warm", "backend reads / bytes (init + cold)"))
for dbg in ("gdb", "lldb"):
    s = stats.get(dbg, {})
    reads = s.get("session", {}).get("backend_reads", "?")
    nbytes = s.get("session", {}).get("backend_bytes", "?")
    def g(w):
        v = best.get((dbg, w))
        return "%8.3f" % v if v is not None else "%8s" % "-"
    print("%-5s %s %s %s   %s / %s" % (dbg, g("init"), g("cold"), g("warm"), reads, nbytes))
try:
    text = open(out + "/gc-gdb.out").read().splitlines()
    print()
    print("\n".join(l for l in text[:6]))
except OSError:
    pass
EOF
