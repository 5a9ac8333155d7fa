#!/bin/bash
# golayout demo: build examples/demo, stop it in main.breakHere under gdb and
# under lldb with the plugin loaded, and ask golayout about the caller's
# local `o` and the type main.Order.  Run by `make demo` after `make all`.
# Environment: BUILD (default build), GO, GDB, LLDB.
set -eu

. "$(dirname "$0")/common.sh" # ROOT, find_go
cd "$ROOT"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
find_go || true # puts the installed Go >= 1.21 first on PATH
GO=${GO:-go}
GDB=${GDB:-gdb}
LLDB=${LLDB:-lldb-16}
DEMO=$BUILD/demo/demo

# -N -l: no optimisation, no inlining, so every local is in its stack slot
# and breakHere is a real call.  GOTOOLCHAIN=local: use the installed go,
# never try to fetch another.
mkdir -p "$BUILD/demo"
GOTOOLCHAIN=local "$GO" build -gcflags='all=-N -l' -o "$DEMO" ./examples/demo/main.go

status=0

echo "=== golayout in gdb ==="
# -nx: no ~/.gdbinit.  The Go runtime's own gdb script is not needed and its
# auto-load would only print a safe-path warning.
"$GDB" -batch -nx -q \
	-iex 'set auto-load python-scripts off' \
	-ex "source $BUILD/golayout-gdb.py" \
	-ex 'break main.breakHere' \
	-ex 'run' \
	-ex 'up' \
	-ex 'golayout version' \
	-ex 'golayout struct o' \
	-ex 'golayout type main.Order' \
	-ex 'golayout map stock' \
	"$DEMO" </dev/null || status=1

echo
echo "=== golayout in lldb ==="
# Loading the plugin also sets `process handle SIGURG -s false -n false
# -p true`: the Go runtime preempts with SIGURG, and in --batch mode a stop
# on a signal counts as a crash and ends the session.
# --batch stops at the first failing -o command, so the golayout commands go
# through `command source -e false` to show every one of them even while
# one fails; setup failures (plugin, breakpoint, run) still stop it.
cat >"$BUILD/demo/demo.lldb" <<'EOF'
golayout version
golayout struct o
golayout slice history
golayout map registry --summary
EOF
"$LLDB" --batch --no-lldbinit \
	-o "plugin load $BUILD/libgolayout-lldb.so" \
	-o "target create $DEMO" \
	-o 'breakpoint set --name main.breakHere' \
	-o 'run' \
	-o 'frame select 1' \
	-o "command source -e false $BUILD/demo/demo.lldb" \
	</dev/null || status=1

exit $status
