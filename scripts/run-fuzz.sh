#!/usr/bin/env bash
# Run libFuzzer targets: scripts/run-fuzz.sh BUILD_DIR SECONDS TARGET...
# Each BUILD_DIR/tests/fuzz_TARGET first replays its committed corpus
# (tests/fuzz/corpus/TARGET/: seeds and the inputs of bugs found and fixed),
# then fuzzes for SECONDS, one target at a time and one process each (the
# machines are small). New inputs go to BUILD_DIR/corpus/TARGET (with
# FUZZ_SCRATCH=1, as for the smoke run, to a directory removed after, so
# that a smoke run does not replay what long runs gathered), crashes to
# BUILD_DIR/crashes/TARGET/. Prints each target's executions; fails when a
# target crashed, hung (-timeout) or found a sanitizer report.
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR SECONDS TARGET..." >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1 secs=$2
shift 2

pass=0 fail=0 failed="" total=0
for t in "$@"; do
	bin=$build/tests/fuzz_$t
	seeds=$root/tests/fuzz/corpus/$t
	[ -x "$bin" ] || { echo "run-fuzz: no $bin (make fuzz-build)" >&2; exit 2; }
	[ -d "$seeds" ] || { echo "run-fuzz: no seed corpus $seeds" >&2; exit 2; }
	work=$build/corpus/$t crashes=$build/crashes/$t
	[ "${FUZZ_SCRATCH:-0}" = 1 ] && work=$build/corpus/$t.smoke && rm -rf "$work"
	mkdir -p "$work" "$crashes"
	log=$build/fuzz_$t.log
	echo "== fuzz_$t: $secs s"
	# -timeout: an input that runs 20 s is a hang; -rss_limit_mb: a
	# corrupt length must not make the core allocate gigabytes.
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	[ "${FUZZ_SCRATCH:-0}" = 1 ] && rm -rf "$work"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ $rc = 0 ]; then
		echo "fuzz_$t: $execs executions, no finding"
		pass=$((pass + 1))
	else
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz:|ALARM|artifact_prefix|Test unit written)' \
			"$log" | head -20
		echo "FAIL fuzz_$t (exit status $rc, $execs executions; log: $log)"
		fail=$((fail + 1))
		failed="$failed fuzz_$t"
	fi
done
echo "fuzz: $total executions in all"
echo "$pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
