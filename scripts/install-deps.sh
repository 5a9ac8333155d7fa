#!/usr/bin/env bash
# Install what golayout's build and tests need on Debian 12 (clang 14 with
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes of the fuzz
# targets, which --no-install-recommends does not bring with clang;
# libxml2-utils and librsvg2-bin: xmllint and rsvg-convert, which check the
# --svg pictures), and
# prefetch the Go toolchains of scripts/toolchains.txt. Idempotent: installs only what is
# missing, runs `apt-get update` only then, prints nothing when all is there.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKGS="build-essential pkg-config gdb lldb-16 liblldb-16-dev python3-lldb-16
gdb-multiarch qemu-user
libdwarf-dev libjansson-dev libcmocka-dev zlib1g-dev clang
llvm-14 libclang-rt-14-dev libxml2-utils librsvg2-bin"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
# Debian's golang-go (1.19) cannot switch toolchains itself, but install it
# when there is no go at all, as a base; the check below says what to do.
if ! command -v go >/dev/null 2>&1 && ! find_go; then
	installed golang-go || missing="$missing golang-go"
fi

if [ -n "$missing" ]; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; }
		SUDO=sudo
	fi
	echo "install-deps: installing$missing"
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# LLDB 14, 15 and 19 beside lldb-16: the plugin is built and tested in each
# (the lldb-N packages conflict with each other; see that script).
"$(dirname "$0")/install-lldb-versions.sh"

if ! find_go; then
	cat >&2 <<'EOF'
install-deps: no Go >= 1.21 found (looked at `go` on PATH, /usr/local/go/bin,
/usr/lib/go/bin). The fixtures are built with GOTOOLCHAIN=go1.2x.y, which only
go >= 1.21 understands; Debian 12's golang-go is 1.19. Install a Go >= 1.21
(e.g. the official tarball into /usr/local/go) and run this again.
EOF
	exit 1
fi

# Fetch every toolchain once (through the Go module proxy) so that builds and
# CI do not depend on the network later. Run from / so no go.mod interferes.
for tc in $(configs | awk '{print $1}' | sort -u); do
	if ! out=$(cd / && GOTOOLCHAIN=$tc go version 2>&1); then
		echo "install-deps: cannot get Go toolchain $tc:" >&2
		echo "$out" >&2
		exit 1
	fi
done
