# Sourced by the other scripts (bash). Sets ROOT, puts a Go >= 1.21 on PATH
# when one is installed but not on PATH, and lists build configurations.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# go_minor GO: prints the minor version of that go binary (22 for go1.22.3),
# or nothing when it does not run. GOTOOLCHAIN=local: report itself, do not
# switch to another toolchain.
go_minor() {
	local v
	v=$(cd / && GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null) || return 0
	v=${v#go1.}
	echo "${v%%[!0-9]*}"
}

# Prefer the go on PATH, then the usual install places; take the first that
# can switch toolchains (GOTOOLCHAIN needs go >= 1.21).
find_go() {
	local g m
	for g in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
		[ -n "$g" ] && [ -x "$g" ] || continue
		m=$(go_minor "$g")
		if [ -n "$m" ] && [ "$m" -ge 21 ]; then
			PATH="$(dirname "$g"):$PATH"
			export PATH
			return 0
		fi
	done
	return 1
}

# configs: prints "TOOLCHAIN EXPERIMENT LABEL BUILDMODE GOARCH ONLY" per
# line of toolchains.txt (EXPERIMENT is "-" when none, BUILDMODE "exe" and
# GOARCH "amd64" when none, ONLY the fixtures of its only=A,B word or "-"
# for all), keeping only the labels or toolchains listed in
# $GOLAYOUT_TOOLCHAINS (comma or space separated) when it is set.
configs() {
	local want=" ${GOLAYOUT_TOOLCHAINS:-} " tc f
	want=${want//,/ }
	while read -r tc f; do
		case "$tc" in '' | '#'*) continue ;; esac
		# the label is the last word; the optional columns before it
		# default from the left: GOEXPERIMENT, BUILDMODE, GOARCH
		# only=A,B (anywhere before the label): the fixtures it builds
		local only=- w rest=""
		for w in $f; do
			case $w in only=*) only=${w#only=} ;; *) rest+=" $w" ;; esac
		done
		# shellcheck disable=SC2086
		set -- $rest
		local label=${*: -1} exp=- mode=exe arch=amd64
		[ $# -ge 2 ] && exp=$1
		[ $# -ge 3 ] && mode=$2
		[ $# -ge 4 ] && arch=$3
		if [ -n "${GOLAYOUT_TOOLCHAINS:-}" ] &&
			[[ "$want" != *" $label "* && "$want" != *" $tc "* ]]; then
			continue
		fi
		echo "$tc $exp $label $mode $arch $only"
	done <"$ROOT/scripts/toolchains.txt"
}

# bench_setup NAME SUBDIR: the start bench-gc.sh and bench-map.sh share.
# Puts Go on PATH (find_go), cds to ROOT, sets BUILD (absolute; default
# build), GDB (gdb), LLDB (lldb-16), REPEAT ($BENCH_REPEAT, default 1),
# OUT ($BUILD/SUBDIR, created) and RESULTS ($OUT/results.txt, emptied),
# checks that `make all` built both shims, and exports the Go settings
# the benchmark programs are built with. Exits with NAME's message when
# something is missing.
bench_setup() {
	local name=$1 f
	cd "$ROOT"
	find_go || { echo "$name: no Go >= 1.21 on PATH (run scripts/install-deps.sh)" >&2; exit 1; }
	BUILD=${BUILD:-build}
	case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
	GDB=${GDB:-gdb}
	LLDB=${LLDB:-lldb-16}
	REPEAT=${BENCH_REPEAT:-1}
	OUT=$BUILD/$2
	RESULTS=$OUT/results.txt
	for f in "$BUILD/golayout-gdb.py" "$BUILD/libgolayout-lldb.so"; do
		[ -e "$f" ] || { echo "$name: $f missing (run make all)" >&2; exit 1; }
	done
	mkdir -p "$OUT"
	: >"$RESULTS"
	export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
}

# bench_gdb PROGRAM OUTFILE BREAKPOINT [GDB-COMMAND]: one gdb session that
# runs PROGRAM to BREAKPOINT and times $BENCH_COMMANDS there
# (scripts/bench/timed.py); OUTFILE gets the "cold" command's output.
bench_gdb() {
	local extra=()
	[ -z "${4:-}" ] || extra=(-ex "$4")
	"$GDB" -batch -nx -iex 'set auto-load python-scripts off' \
		-ex "source $BUILD/golayout-gdb.py" -ex "python import sys; sys.path.insert(0, '$ROOT/scripts/bench')" \
		-ex 'python import timed' \
		-ex 'set width 0' -ex 'set height 0' -ex 'handle SIGURG nostop noprint pass' \
		"${extra[@]}" -ex "break $3" -ex run \
		-ex "python timed.run_gdb('$2')" "$1" >"$OUT/gdb.log" 2>&1 || true
}

# bench_lldb PROGRAM OUTFILE BREAKPOINT: the same in one lldb session.
bench_lldb() {
	"$LLDB" --batch -o "plugin load $BUILD/libgolayout-lldb.so" \
		-o 'process handle SIGURG -s false -n false -p true' \
		-o "command script import $ROOT/scripts/bench/timed.py" \
		-o "breakpoint set -n $3" -o 'process launch' \
		-o "bench-timed $2" -o 'process kill' "$1" >"$OUT/lldb.log" 2>&1 || true
}

# bench_delve_install: sets DLV to Delve $BENCH_DELVE_VERSION (default
# v1.27.2), installed through the Go module proxy by the installed Go into
# ${XDG_CACHE_HOME:-$HOME/.cache}/golayout-bench/dlv-VERSION the first time;
# DLV stays empty (Delve's rows left out, said once) when BENCH_DELVE=0 or
# the install fails.
bench_delve_install() {
	DLV=
	[ "${BENCH_DELVE:-1}" != 0 ] || return 0
	local v=${BENCH_DELVE_VERSION:-v1.27.2}
	local dir=${XDG_CACHE_HOME:-$HOME/.cache}/golayout-bench/dlv-$v
	if [ ! -x "$dir/dlv" ]; then
		echo "installing Delve $v into $dir"
		(cd / && GOBIN=$dir GOTOOLCHAIN=local go install "github.com/go-delve/delve/cmd/dlv@$v") \
			>"$OUT/delve-install.log" 2>&1 ||
			{ echo "  Delve $v could not be installed (see $OUT/delve-install.log): no Delve rows"; return 0; }
	fi
	DLV=$dir/dlv
}

# bench_delve PROGRAM BREAKPOINT N TAG REQUEST...: one Delve session
# (scripts/bench/delve.py) stopped at BREAKPOINT, timing each "what=request"
# into $RESULTS; nothing without DLV.
bench_delve() {
	[ -n "${DLV:-}" ] || return 0
	python3 "$ROOT/scripts/bench/delve.py" "$DLV" "$1" "$2" "$RESULTS" "$4" "$3" "$OUT" "${@:5}" \
		>>"$OUT/delve.log" 2>&1 || echo "  Delve failed (see $OUT/delve.log)"
}
