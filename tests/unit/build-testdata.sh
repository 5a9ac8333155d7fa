#!/usr/bin/env bash
# Build the Go program the unit tests read (tests/unit/testdata/structs.go)
# and run it once to record what Go says about it:
#   OUTDIR/structs       the executable (non-PIE: CGO_ENABLED=0)
#   OUTDIR/structs.json  its truth document (see structs.go)
# OUTDIR defaults to build/tests/testdata, where the tests of build/ and
# build-sanitize/ both look (GOLAYOUT_TESTDATA=DIR overrides). Uses $GO, else
# the go on PATH, else /usr/local/go/bin/go; GOTOOLCHAIN is honoured
# (GOTOOLCHAIN=go1.22.12 tests/unit/build-testdata.sh). Tests that need the
# binary skip when it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/tests/testdata}

go=${GO:-}
if [ -z "$go" ]; then
	go=$(command -v go 2>/dev/null || true)
	[ -n "$go" ] || go=/usr/local/go/bin/go
fi
[ -x "$go" ] || command -v "$go" >/dev/null || {
	echo "build-testdata: no go (set GO=/path/to/go)" >&2
	exit 1
}

mkdir -p "$out"
src=$here/testdata/structs.go
bin=$out/structs
# Rebuild when the source or the toolchain choice changed.
stamp="${GOTOOLCHAIN:-} $("$go" version 2>/dev/null || true)"
if [ -x "$bin" ] && [ -s "$bin.json" ] && [ "$bin" -nt "$src" ] &&
	[ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "build-testdata: $bin up to date"
	exit 0
fi
# A single-file build outside any module: no go.mod, no VCS stamping.
(cd "$here/testdata" && env -u GOFLAGS CGO_ENABLED=0 "$go" build -o "$bin.tmp" structs.go)
"$bin.tmp" "$bin.json.tmp"
mv "$bin.tmp" "$bin"
mv "$bin.json.tmp" "$bin.json"
echo "$stamp" >"$bin.stamp"
echo "build-testdata: built $bin ($(sed -n 's/.*"go_version": "\(.*\)".*/\1/p' "$bin.json"))"
