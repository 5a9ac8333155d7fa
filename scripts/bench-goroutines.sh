#!/usr/bin/env bash
# bench-goroutines: how long `golayout goroutines` takes on a program with
# many goroutines, and `golayout stack` on one of 10,000 frames, in gdb and
# lldb.
#
# The program (scripts/bench/goroutines/main.go) parks $BENCH_GOROUTINES
# goroutines (default 100000; a tenth of them 40 calls deep) and one
# goroutine $BENCH_FRAMES calls deep (default 10000), and stops in
# main.stopHere. `golayout goroutines` reads runtime.allgs, every g, and
# unwinds each goroutine over the pclntab to the first frame outside the
# runtime; `golayout stack` of the deep goroutine (goid from the text of
# `goroutines --func main.deep`) unwinds all of its frames.
#
# How it is timed: inside ONE debugger session per debugger, with Python's
# time.perf_counter() right around each command (scripts/bench/timed.py):
# "init" is `golayout version` (DWARF and pclntab loaded), "cold" the first
# `golayout goroutines` (golayout's page cache empty), "warm" the same
# again; `stack` the deep goroutine's stack after them. With
# BENCH_REPEAT=R (default 1) every session runs R times and the fastest run
# is shown.
#
# Delve (scripts/bench/delve.py, a pinned version installed through the Go
# module proxy): its `goroutines` (every goroutine with its locations) is
# timed next to golayout's "cold" and its `stack` of the deep goroutine,
# every frame, next to "stack", in one headless session over its JSON-RPC
# API, from request to the last byte of the answer.
#
# Environment: BENCH_GOROUTINES, BENCH_FRAMES, BENCH_REPEAT, BENCH_DELVE
# (0: no Delve), BENCH_DELVE_VERSION, BUILD (default build), GDB (gdb),
# LLDB (lldb-16). Outputs go to $BUILD/bench/goroutines/.
set -euo pipefail

. "$(dirname "$0")/common.sh" # ROOT, bench_setup, bench_gdb, bench_lldb
bench_setup bench-goroutines bench/goroutines
N=${BENCH_GOROUTINES:-100000}
FRAMES=${BENCH_FRAMES:-10000}

VERSION=$(cd / && GOTOOLCHAIN=local go env GOVERSION)
echo "building scripts/bench/goroutines with $VERSION"
(cd scripts/bench/goroutines && GOTOOLCHAIN=local go build -o "$OUT/goroutines" .)

bench_delve_install
export BENCH_RESULTS=$RESULTS BENCH_GOROUTINES=$N BENCH_FRAMES=$FRAMES
# The deep goroutine is the one started last: `--func main.deep` finds it
# and `stack` without GOID would be main's; timed.py takes the goid from
# the "deep" command's output for the "stack" command ({deep}).
export BENCH_COMMANDS="init=golayout version; cold=golayout goroutines; json=golayout goroutines --json; stats=golayout stats --json; warm=golayout goroutines --json; deep=golayout goroutines --func main.deep --json; stack=golayout stack {deep}"

for rep in $(seq "$REPEAT"); do
	echo "  [$rep/$REPEAT] gdb ..."
	bench_gdb "$OUT/goroutines" "$OUT/goroutines-gdb.out" main.stopHere
	echo "  [$rep/$REPEAT] lldb ..."
	bench_lldb "$OUT/goroutines" "$OUT/goroutines-lldb.out" main.stopHere
	echo "  [$rep/$REPEAT] delve ..."
	bench_delve "$OUT/goroutines" main.stopHere $((FRAMES + 100)) goroutines \
		cold=goroutines "stack=stack main.deep"
done

python3 scripts/bench/timed.py summary "$RESULTS" \
	"golayout goroutines on $N goroutines, stack of $FRAMES frames ($VERSION)" "$REPEAT" \
	"$OUT/goroutines-gdb.out"
