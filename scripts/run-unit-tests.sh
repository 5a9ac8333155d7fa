#!/usr/bin/env bash
# Run the cmocka unit tests (BUILD_DIR/tests/test_*, built by `make unit`)
# of every build dir given; fail when any of them fails, when one skipped a
# test (a skipped check is one that cannot fail), or when a build dir holds
# no unit tests at all.
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }

pass=0 fail=0 failed=""
for dir in "$@"; do
	found=0
	for t in "$dir"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		found=1
		echo "== $t"
		log=$(mktemp)
		"$t" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		if [ $rc = 0 ] && grep -q '^\[  SKIPPED \]' "$log"; then
			echo "FAIL $t: skipped tests count as failures"
			rc=1
		fi
		rm -f "$log"
		if [ $rc = 0 ]; then
			pass=$((pass + 1))
		else
			echo "FAIL $t (exit status $rc)"
			fail=$((fail + 1))
			failed="$failed $t"
		fi
	done
	if [ $found = 0 ]; then
		echo "FAIL run-unit-tests: no unit tests in $dir/tests (none built yet)"
		fail=$((fail + 1))
		failed="$failed $dir"
	fi
done

echo "unit: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed" >&2; exit 1; }
