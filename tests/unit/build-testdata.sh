#!/usr/bin/env bash
# Build the Go programs the unit tests read:
#   OUTDIR/structs       tests/fixtures/structs, the integration tests' structs
#                        fixture, built with one toolchain (non-PIE:
#                        CGO_ENABLED=0);
#   OUTDIR/structs.json  run once with GOLAYOUT_TRUTH_MEMORY=1: its truth
#                        document with the raw bytes of its globals and of
#                        the memory they point to (see its main.go);
#   OUTDIR/structs-nodwarf  the same without its DWARF (objcopy
#                        --strip-debug: what -ldflags=-w gives), for the
#                        errors of a Go program without DWARF;
#   OUTDIR/structs-plain the same linked with uncompressed DWARF, for the
#                        ELF/DWARF/pclntab fuzzer (tests/fuzz/fuzz_elf.c),
#                        whose mutations must reach the DWARF itself;
#   OUTDIR/structs-pie   the same built with -buildmode=pie, and its truth
#                        (.json) from a run with address randomisation off
#                        (setarch -R), for test_pie;
#   OUTDIR/structs-386   the same built with GOARCH=386 (it runs natively),
#                        and its truth, for the session tests' 386 run;
#   OUTDIR/maps-classic  tests/unit/testdata/maps.go with classic maps
#                        (GOTOOLCHAIN=go1.22.12, else go1.24.13 with
#                        GOEXPERIMENT=noswissmap), for test_maps;
#   OUTDIR/maps-swiss    the same with swiss maps (the go on PATH, 1.24+);
#   OUTDIR/maps-swiss-split  swiss maps with split groups (all keys, then all
#                        elems: GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=mapsplitgroup),
#                        for the swiss map fuzzer;
#   OUTDIR/nofuncs.o     a C object ($CC, else cc) whose DWARF has a unit
#                        but no function: mangled DWARF, for test_hostile.
# OUTDIR defaults to build/tests/testdata, where the tests of build/ and
# build-sanitize/ both look (GOLAYOUT_TESTDATA=DIR overrides). Uses $GO, else
# the go on PATH, else /usr/local/go/bin/go; GOTOOLCHAIN is honoured for
# structs (GOTOOLCHAIN=go1.22.12 tests/unit/build-testdata.sh). Programs are
# built with -trimpath, so that no directory of this machine is in their
# DWARF (test_golden's goldens hold file names). A test whose program is
# missing fails, so a program that cannot be built (no such toolchain at
# hand) is an error here too.
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

structs_src=$root/tests/fixtures/structs

# newer_than_sources BIN DIR: BIN is newer than the Go sources it is built
# from (those of DIR with its module files, the shared truth package).
newer_than_sources() {
	[ -z "$(find "$2" "$root/tests/fixtures/lib" -name '*.go' -newer "$1" -print -o \
		-name go.mod -newer "$1" -print | head -1)" ]
}

# ---- structs: built with the chosen toolchain, then run once ----
# build_structs NAME BUILDMODE [NODWARF [GOARCH]]: into OUTDIR/NAME, and a
# copy without DWARF into OUTDIR/NODWARF when named (not when "-").
build_structs() {
	local bin=$out/$1 mode=$2 nodwarf=${3:-} arch=${4:-amd64}
	[ "$nodwarf" != - ] || nodwarf=
	# Rebuild when the source or the toolchain choice changed.
	local stamp
	stamp="trimpath $mode ${GOTOOLCHAIN:-} $("$go" version 2>/dev/null || true)"
	[ "$arch" = amd64 ] || stamp+=" GOARCH=$arch"
	if [ -x "$bin" ] && [ -s "$bin.json" ] && { [ -z "$nodwarf" ] || [ -x "$out/$nodwarf" ]; } &&
		newer_than_sources "$bin" "$structs_src" &&
		[ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "build-testdata: $bin up to date"
		return 0
	fi
	# The fixture's module (its go.mod points at the shared truth package);
	# no VCS stamping (the sources are in a git work tree).
	(cd "$structs_src" && env -u GOFLAGS CGO_ENABLED=0 GOARCH="$arch" "$go" build -trimpath \
		-buildvcs=false -buildmode="$mode" -o "$bin.tmp" .)
	# ASLR off: a PIE's truth holds the addresses of one known load
	GOLAYOUT_TRUTH= GOLAYOUT_TRUTH_MEMORY=1 setarch "$(uname -m)" -R "$bin.tmp" "$bin.json.tmp"
	[ -z "$nodwarf" ] || objcopy --strip-debug "$bin.tmp" "$out/$nodwarf"
	mv "$bin.tmp" "$bin"
	mv "$bin.json.tmp" "$bin.json"
	echo "$stamp" >"$bin.stamp"
	echo "build-testdata: built $bin ($(sed -n 's/.*"go_version": "\(.*\)".*/\1/p' "$bin.json"))"
}

# ---- maps: one program, two map implementations ----
# try_build_map NAME TOOLCHAIN EXPERIMENT: build maps.go into OUTDIR/NAME
# with GOTOOLCHAIN=TOOLCHAIN and GOEXPERIMENT=EXPERIMENT; fails quietly.
try_build_map() {
	local name=$1 tc=$2 exp=$3
	local bin=$out/$name
	local ver
	ver=$(cd "$here/testdata" && env -u GOFLAGS GOTOOLCHAIN="$tc" "$go" version 2>"$bin.log") || return 1
	local stamp="trimpath $tc $exp $ver"
	if [ -x "$bin" ] && newer_than_sources "$bin" "$here/testdata" &&
		[ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then
		rm -f "$bin.log"
		echo "build-testdata: $bin up to date"
		return 0
	fi
	(cd "$here/testdata" && env -u GOFLAGS CGO_ENABLED=0 GOTOOLCHAIN="$tc" GOEXPERIMENT="$exp" \
		"$go" build -trimpath -o "$bin.tmp" maps.go) 2>"$bin.log" || { rm -f "$bin.tmp"; return 1; }
	mv "$bin.tmp" "$bin"
	rm -f "$bin.log"
	echo "$stamp" >"$bin.stamp"
	echo "build-testdata: built $bin (${ver#go version })"
}

# The minor version of the installed go (26 for go1.26.8), or 0.
local_minor() {
	env GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p' | grep . || echo 0
}

build_maps() {
	# Classic maps: go1.22 has nothing else; go1.24 can still opt out.
	if ! try_build_map maps-classic go1.22.12 "" &&
		! try_build_map maps-classic go1.24.13 noswissmap; then
		rm -f "$out/maps-classic" "$out/maps-classic.stamp"
		echo "build-testdata: cannot build $out/maps-classic (no go1.22.12 or" \
			"go1.24.13 toolchain; see $out/maps-classic.log)" >&2
		return 1
	fi
	# Swiss maps: the installed go, when it is 1.24 or newer.
	local minor
	minor=$(local_minor)
	if [ "$minor" -lt 24 ]; then
		echo "build-testdata: $(env GOTOOLCHAIN=local "$go" env GOVERSION) has no swiss maps:" \
			"test_maps needs go1.24 or newer" >&2
		return 1
	elif ! try_build_map maps-swiss local ""; then
		rm -f "$out/maps-swiss" "$out/maps-swiss.stamp"
		echo "build-testdata: cannot build $out/maps-swiss (see $out/maps-swiss.log)" >&2
		return 1
	fi
	if ! try_build_map maps-swiss-split go1.27.3 mapsplitgroup; then
		rm -f "$out/maps-swiss-split" "$out/maps-swiss-split.stamp"
		echo "build-testdata: cannot build $out/maps-swiss-split (see $out/maps-swiss-split.log)" >&2
		return 1
	fi
}

# ---- DWARF with no function in it ----
build_nofuncs() {
	local obj=$out/nofuncs.o
	[ -s "$obj" ] && { echo "build-testdata: $obj up to date"; return 0; }
	echo 'int gl_only_data = 1;' | "${CC:-cc}" -g -c -x c - -o "$obj.tmp"
	mv "$obj.tmp" "$obj"
	echo "build-testdata: built $obj"
}

build_structs_plain() {
	local bin=$out/structs-plain
	if [ -x "$bin" ] && [ "$out/structs" -ot "$bin" ]; then
		echo "build-testdata: $bin up to date"
		return 0
	fi
	(cd "$structs_src" && env -u GOFLAGS CGO_ENABLED=0 "$go" build -trimpath -buildvcs=false \
		-ldflags=-compressdwarf=false -o "$bin.tmp" .)
	mv "$bin.tmp" "$bin"
	echo "build-testdata: built $bin"
}

build_structs structs exe structs-nodwarf
build_structs structs-pie pie
build_structs structs-386 exe - 386
build_structs_plain
build_maps
build_nofuncs
