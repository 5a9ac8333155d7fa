#!/usr/bin/env bash
# Run the cmocka unit tests (BUILD_DIR/tests/test_*, built by `make unit`)
# of every build dir given; fail when any of them fails.
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }

pass=0 fail=0 failed=""
for dir in "$@"; do
	found=0
	for t in "$dir"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		found=1
		echo "== $t"
		"$t"
		rc=$?
		if [ $rc = 0 ]; then
			pass=$((pass + 1))
		else
			echo "FAIL $t (exit status $rc)"
			fail=$((fail + 1))
			failed="$failed $t"
		fi
	done
	[ $found = 1 ] || echo "run-unit-tests: no unit tests in $dir/tests (none built yet)"
done

echo "unit: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed" >&2; exit 1; }
