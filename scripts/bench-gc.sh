#!/usr/bin/env bash
# bench-gc: how long `golayout gc` takes on a big heap, in gdb and lldb.
#
# The program (scripts/bench/gc/main.go) builds a live heap of about
# $BENCH_HEAP_MB MiB (default 4096): 48-byte objects with pointers, noscan
# buffers of eight size classes, pointer arrays with malloc headers and
# 1 MiB large objects (a quarter of the heap each), so mheap_.allspans
# holds some 100000+ spans, and stops in main.stopHere. `golayout gc` then
# reads the allspans array (in chunks of 64K pointers), every mspan (sorted
# by address and read in runs of up to 256 KiB, since fixalloc packs them),
# and the arena list, and builds the size-class table and heat map.
#
# How it is timed: inside ONE debugger session per debugger, with Python's
# time.perf_counter() right around the command (scripts/bench/timed.py), so
# debugger startup, symbol loading and running the program to the
# breakpoint are excluded, formatting the text is included. "cold" is the first golayout gc of the session (golayout's
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
MB=${BENCH_HEAP_MB:-4096}

VERSION=$(cd / && GOTOOLCHAIN=local go env GOVERSION)
echo "building scripts/bench/gc with $VERSION"
(cd scripts/bench/gc && GOTOOLCHAIN=local go build -o "$OUT/gc" .)

export BENCH_RESULTS=$RESULTS BENCH_HEAP_MB=$MB
export BENCH_COMMANDS="init=golayout version; cold=golayout gc; stats=golayout stats --json; warm=golayout gc"

for rep in $(seq "$REPEAT"); do
	echo "  [$rep/$REPEAT] gdb ..."
	bench_gdb "$OUT/gc" "$OUT/gc-gdb.out" main.stopHere "set environment BENCH_HEAP_MB=$MB"
	echo "  [$rep/$REPEAT] lldb ..."
	bench_lldb "$OUT/gc" "$OUT/gc-lldb.out" main.stopHere
done

python3 scripts/bench/timed.py summary "$RESULTS" "golayout gc on a $MB MiB heap ($VERSION)" "$REPEAT" "$OUT/gc-gdb.out"
