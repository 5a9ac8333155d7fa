#!/usr/bin/env bash
# Build every fixture (tests/fixtures/<name>/, a Go module) with every
# configuration of scripts/toolchains.txt (toolchain, GOEXPERIMENT,
# -buildmode and GOARCH), optimized and with -N -l:
#   tests/fixtures/bin/<label>/<name>        default flags
#   tests/fixtures/bin/<label>/<name>-noopt  -gcflags=all=-N -l
# GOLAYOUT_TOOLCHAINS=label,... restricts to some configurations,
# GOLAYOUT_FIXTURES=name,... to some fixtures.
# Configurations without DWARF (BUILDMODE nodwarf: -ldflags=-w, stripped:
# -ldflags='-s -w') build only the optimized binary of the fixtures whose
# integration test module has checks for them (def nodwarf_cases).
# A binary is rebuilt only when a source of its fixture is newer or the
# configuration changed (recorded in <binary>.stamp).
set -euo pipefail
. "$(dirname "$0")/common.sh"

find_go || { echo "build-fixtures: no Go >= 1.21 on PATH (run scripts/install-deps.sh)" >&2; exit 1; }

export CGO_ENABLED=0
# -buildvcs=false: the fixtures live in a git work tree that CI clones as
# another user may own; VCS stamping would fail there and is of no use.
export GOFLAGS="-mod=mod -buildvcs=false"

BIN=$ROOT/tests/fixtures/bin
fixtures=()
# (tests/fixtures/lib holds packages the fixtures share, no fixture)
want=" ${GOLAYOUT_FIXTURES:-} "
want=${want//,/ }
for d in "$ROOT"/tests/fixtures/*/; do
	[ -f "$d/go.mod" ] || continue
	name=$(basename "$d")
	[ -z "${GOLAYOUT_FIXTURES:-}" ] || [[ "$want" == *" $name "* ]] || continue
	fixtures+=("$name")
done
[ ${#fixtures[@]} -gt 0 ] || { echo "build-fixtures: no fixtures" >&2; exit 1; }

# The fixtures whose test module checks binaries without DWARF.
nodwarf_fixtures=" $(grep -l '^def nodwarf_cases' "$ROOT"/tests/integration/test_*.py |
	xargs sed -n 's/^FIXTURE = "\(.*\)"/\1/p' | tr '\n' ' ') "

while read -r tc exp label mode arch only; do
	[ "$exp" = - ] && exp=""
	mkdir -p "$BIN/$label"
	variants="opt noopt"
	case $mode in nodwarf | stripped) variants=opt ;; esac
	for name in "${fixtures[@]}"; do
		src=$ROOT/tests/fixtures/$name
		case $mode in nodwarf | stripped)
			[[ "$nodwarf_fixtures" == *" $name "* ]] || continue ;;
		esac
		# a configuration for some fixtures only (only=A,B)
		[ "$only" = - ] || [[ ",$only," == *",$name,"* ]] || continue
		for variant in $variants; do
			out=$BIN/$label/$name
			flags=()
			if [ $variant = noopt ]; then
				out=$out-noopt
				flags=(-gcflags=all=-N\ -l)
			fi
			# (the stamp of a default, exe, build stays what it was)
			case $mode in
			exe) ;;
			nodwarf) flags+=(-ldflags=-w) ;;
			stripped) flags+=("-ldflags=-s -w") ;;
			*) flags+=(-buildmode="$mode") ;;
			esac
			stamp="$tc GOEXPERIMENT=$exp ${flags[*]}"
			# (and so does an amd64 one's)
			[ "$arch" = amd64 ] || stamp+=" GOARCH=$arch"
			if [ -x "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ] &&
				[ -z "$(find "$src" "$ROOT/tests/fixtures/lib" -newer "$out" -print -quit)" ]; then
				echo "up to date  $label/$(basename "$out")"
				continue
			fi
			start=$SECONDS
			if ! (cd "$src" && GOTOOLCHAIN=$tc GOEXPERIMENT=$exp GOARCH=$arch go build "${flags[@]}" -o "$out" .); then
				echo "FAILED      $label/$(basename "$out") ($stamp)" >&2
				exit 1
			fi
			echo "$stamp" >"$out.stamp"
			echo "built       $label/$(basename "$out") ($stamp, $((SECONDS - start))s)"
		done
	done
done < <(configs)
