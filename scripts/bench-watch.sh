#!/usr/bin/env bash
# bench-watch: what a `golayout watch` breakpoint costs the program when it
# is hit by a map or slice nobody watches, in gdb and lldb.
#
# The program (scripts/bench/watch/main.go) grows N small slices (one
# runtime.growslice each) and N small maps (swiss: one growToTable each;
# classic: one hashGrow and one evacuate each), timing each loop itself.
# It runs three ways: in the debugger without a watch, with
# `golayout watch slice W` and `golayout watch map MW` (W and MW never grow
# in the loops: every hit is on another object), and the difference over
# the hits is the cost per hit. Built with the installed go (swiss maps)
# and with $BENCH_OLD_TOOLCHAIN (default go1.23.12, classic maps).
#
# lldb runs the program on a terminal of its own: its lines end in \r\n.
# Environment: BENCH_N (default 2000), BENCH_OLD_TOOLCHAIN, BUILD (build),
# GDB (gdb), LLDB (lldb-16).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
GDB=${GDB:-gdb}
LLDB=${LLDB:-lldb-16}
N=${BENCH_N:-2000}
OLD_TC=${BENCH_OLD_TOOLCHAIN:-go1.23.12}
OUT=$BUILD/bench/watch
mkdir -p "$OUT"
(cd "$ROOT/scripts/bench/watch" && GOTOOLCHAIN=local go build -o "$OUT/watch-new" .)
(cd "$ROOT/scripts/bench/watch" && GOTOOLCHAIN=$OLD_TC go build -o "$OUT/watch-old" .)

# run DEBUGGER BINARY WATCH(0|1): the program's own "slices N S" and "maps N S" lines
run() {
	local dbg=$1 bin=$2 watch=$3
	if [ "$dbg" = gdb ]; then
		local ex=(-ex "source $BUILD/golayout-gdb.py" -ex "handle SIGURG nostop noprint pass"
			-ex "break main.stopHere" -ex "run $N")
		[ "$watch" = 1 ] && ex+=(-ex "golayout watch slice W" -ex "golayout watch map MW")
		"$GDB" -batch -nx -iex "set auto-load python-scripts off" "${ex[@]}" -ex continue "$bin" 2>&1
	else
		local lines=("plugin load $BUILD/libgolayout-lldb.so" "breakpoint set -n main.stopHere"
			"process handle SIGURG -s false -n false -p true" "process launch -- $N")
		[ "$watch" = 1 ] && lines+=("golayout watch slice W" "golayout watch map MW")
		lines+=("process continue" "process kill")
		printf '%s\n' "${lines[@]}" >"$OUT/commands.lldb"
		"$LLDB" --batch -o "command source -e false -c false $OUT/commands.lldb" "$bin" 2>&1
	fi | tr -d '\r' | grep -E '^(slices|maps) [0-9]+ [0-9.]+$'
}

printf '%-5s %-18s %-7s %8s %12s %12s %14s\n' debugger go what hits "no watch s" "watch s" "cost per hit"
for bin in watch-new watch-old; do
	ver=$(go version "$OUT/$bin" | awk '{print $2}')
	for dbg in gdb lldb; do
		base=$(run $dbg "$OUT/$bin" 0) || { echo "$dbg $bin: no result" >&2; continue; }
		with=$(run $dbg "$OUT/$bin" 1) || { echo "$dbg $bin: no result with a watch" >&2; continue; }
		for what in slices maps; do
			b=$(awk -v w=$what '$1 == w {print $3}' <<<"$base")
			w=$(awk -v w=$what '$1 == w {print $3}' <<<"$with")
			# hits per iteration: swiss maps one (growToTable), classic two
			# (hashGrow, evacuate), slices one (growslice)
			per=1
			[ $what = maps ] && [ $bin = watch-old ] && per=2
			awk -v d=$dbg -v v=$ver -v what=$what -v n=$N -v per=$per -v b=$b -v w=$w 'BEGIN {
				printf "%-5s %-18s %-7s %8d %12.3f %12.3f %11.1f us\n", d, v, what, n * per, b, w, (w - b) / (n * per) * 1e6 }'
		done
	done
done
