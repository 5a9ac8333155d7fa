#!/usr/bin/env bash
# A fuzzing campaign that can be stopped and resumed:
#   scripts/fuzz-campaign.sh BUILD_DIR GOAL TARGET...
# runs each BUILD_DIR/tests/fuzz_TARGET in turn, in runs of
# FUZZ_RUN_SECONDS (default 600), until BUILD_DIR/campaign/ledger holds
# GOAL executions of it, then the next target. Every run appends a line to
# the ledger (its executions, exit status, seconds), so a campaign killed
# or stopped (touch BUILD_DIR/campaign/stop) goes on from its totals when
# started again; the corpus grows in BUILD_DIR/corpus/TARGET as with
# `make fuzz`. A run that finds something (a crash, a sanitizer report, a
# hang past -timeout, an output check of tests/fuzz/common.c) ends that
# target: its input is in BUILD_DIR/crashes/TARGET/, the ledger says
# FINDING, and the script goes on to the next target and exits 1 at the
# end. Runs at the lowest priority, one target at a time: start one
# campaign per core, each with its own targets.
#
# ASan keeps no allocation stacks and a 16 MiB quarantine here (10-15%
# more inputs a second); run a finding's input again with the target
# (ASAN_OPTIONS unset) for a whole report.
#
# Prints each target's total executions at the end, and
#   scripts/fuzz-campaign.sh BUILD_DIR --report
# prints them for the ledger as it is.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR GOAL TARGET... | $0 BUILD_DIR --report" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1 goal=$2
shift 2
dir=$build/campaign
ledger=$dir/ledger
mkdir -p "$dir"
touch "$ledger"

total_of() { awk -v t="$1" '$2 == t { sub("execs=", "", $3); s += $3 } END { print s + 0 }' "$ledger"; }

report() {
	awk '{ sub("execs=", "", $3); n[$2] += $3; s[$2] += substr($5, 6); r[$2]++ }
	     $3 == "FINDING" { f[$2]++ }
	     END { for (t in n) if (n[t] || f[t])
		printf "%-12s %12d executions in %3d runs, %6d s%s\n", t, n[t], r[t] - f[t], s[t],
		       f[t] ? sprintf(", %d finding(s)", f[t]) : "" }' "$ledger" | sort
}

if [ "$goal" = --report ]; then
	report
	exit 0
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}
found=0
for t in "$@"; do
	bin=$build/tests/fuzz_$t seeds=$root/tests/fuzz/corpus/$t
	[ -x "$bin" ] || { echo "fuzz-campaign: no $bin (make fuzz-build)" >&2; exit 2; }
	while [ ! -e "$dir/stop" ] && [ "$(total_of "$t")" -lt "$goal" ]; do
		mkdir -p "$build/corpus/$t" "$build/crashes/$t" "$dir/logs"
		log=$dir/logs/${t}_$(date -u +%Y%m%dT%H%M%S)_$$ # two lanes may start in the same second
		start=$(date +%s)
		nice -n 19 "$bin" -max_total_time="${FUZZ_RUN_SECONDS:-600}" -timeout=20 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$build/crashes/$t/" "$build/corpus/$t" "$seeds" \
			>"$log" 2>&1
		rc=$?
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		echo "$(date -u +%FT%TZ) $t execs=${n:-0} rc=$rc secs=$(($(date +%s) - start)) log=$log" >>"$ledger"
		# 0: the time is up; 72: interrupted (Ctrl-C, the machine going down)
		if [ $rc != 0 ] && [ $rc != 72 ]; then
			echo "$(date -u +%FT%TZ) $t FINDING rc=$rc log=$log" >>"$ledger"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz:|ALARM|Test unit written)' "$log" | head -5
			found=1
			break
		fi
	done
done
report
exit $found
