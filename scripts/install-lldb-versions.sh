#!/usr/bin/env bash
# Make LLDB 14, 15 and 19 runnable beside the installed lldb-16, so that the
# plugin can be built against each version and tested in it.
#
# Debian 12 packages every LLDB, but the debugger packages cannot be
# installed together: lldb-N depends on python3-lldb-N, and the
# python3-lldb-N conflict with each other (installing lldb-19 removes
# lldb-16), and liblldb-N-dev depends on lldb-N. The libraries can:
# liblldb-N (and the libLLVM/libclang-cpp it needs) install side by side.
# So this script
#   - installs liblldb-N with apt (removes nothing),
#   - fetches lldb-N, python3-lldb-N and liblldb-N-dev with `apt-get
#     download` and unpacks them (`dpkg -x`) into $GOLAYOUT_LLDB_ROOT/N
#     (default /opt/golayout-lldb/N): the debugger binary, its Python
#     module and the SB API headers, owned by no package,
#   - points the Python module's _lldb at the installed liblldb-N, and
#   - writes $GOLAYOUT_LLDB_ROOT/N/lldb-N, a wrapper that runs that lldb
#     with its Python module and lldb-server.
# Only apt and Debian's archive are used. Idempotent: prints nothing when
# all is there.
#
# Usage: scripts/install-lldb-versions.sh [N...]   (default: 14 15 19)
set -euo pipefail

ROOT_DIR=${GOLAYOUT_LLDB_ROOT:-/opt/golayout-lldb}
VERSIONS=${*:-14 15 19}
ARCHLIB=/usr/lib/x86_64-linux-gnu

SUDO="" DL_OPTS=""
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	DL_OPTS="-o APT::Sandbox::User=root" # no _apt user in a mktemp dir
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

updated=""
apt_update() {
	[ -n "$updated" ] && return 0
	$SUDO apt-get update -q
	updated=1
}

for n in $VERSIONS; do
	dir=$ROOT_DIR/$n
	bin=$dir/usr/lib/llvm-$n/bin
	if ! installed "liblldb-$n"; then
		apt_update
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "liblldb-$n"
	fi
	if [ ! -x "$bin/lldb" ]; then
		echo "install-lldb-versions: LLDB $n into $dir"
		dl=$(mktemp -d)
		pkgs="lldb-$n python3-lldb-$n liblldb-$n-dev"
		# shellcheck disable=SC2086
		if ! (cd "$dl" && apt-get download -q $DL_OPTS $pkgs >/dev/null); then
			apt_update
			(cd "$dl" && apt-get download -q $DL_OPTS $pkgs >/dev/null)
		fi
		$SUDO rm -rf "$dir"
		$SUDO mkdir -p "$dir"
		for deb in "$dl"/*.deb; do
			$SUDO dpkg -x "$deb" "$dir"
		done
		rm -rf "$dl"
	fi

	# The package's symlinks to liblldb are relative, into a tree where
	# liblldb is not: point every _lldb*.so at the installed library.
	lib=$ARCHLIB/liblldb-$n.so.1
	pydir=""
	while read -r init; do
		d=$(dirname "$(dirname "$init")")
		pydir=${pydir:-$d}
		for so in "$d"/lldb/_lldb*.so; do
			[ -L "$so" ] && [ "$(readlink "$so")" != "$lib" ] && $SUDO ln -sfn "$lib" "$so"
		done
	done < <(find "$dir" -path '*/lldb/__init__.py' | sort)
	if [ -z "$pydir" ] || [ ! -x "$bin/lldb" ]; then
		echo "install-lldb-versions: the packages of LLDB $n hold no lldb or Python module" >&2
		exit 1
	fi
	# PYTHONHOME: the embedded Python is Debian's libpython3.11, which
	# otherwise takes its home from the first python3 on PATH (a pyenv or
	# venv one has no six, no lldb module: `script` fails).
	wrapper="#!/bin/sh
# LLDB $n unpacked by scripts/install-lldb-versions.sh: its Python module
# and lldb-server are found here, its liblldb is the installed one.
PYTHONHOME=/usr PYTHONPATH=\"$pydir\${PYTHONPATH:+:\$PYTHONPATH}\" LLDB_DEBUGSERVER_PATH=\"$bin/lldb-server\" exec \"$bin/lldb\" \"\$@\""
	[ "$(cat "$dir/lldb-$n" 2>/dev/null)" = "$wrapper" ] && continue
	printf '%s\n' "$wrapper" | $SUDO tee "$dir/lldb-$n" >/dev/null
	$SUDO chmod 755 "$dir/lldb-$n"
	if ! out=$("$dir/lldb-$n" --batch -o "script print('py', lldb.SBDebugger.GetVersionString())" 2>&1) ||
		! grep -q "^py lldb version $n\." <<<"$out"; then
		echo "install-lldb-versions: LLDB $n does not run with its Python:" >&2
		echo "$out" >&2
		exit 1
	fi
done
