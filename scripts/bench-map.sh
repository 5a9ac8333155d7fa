#!/usr/bin/env bash
# bench-map: how long golayout takes to show big maps, in gdb and lldb, and
# how that compares with gdb + Go's own runtime-gdb.py.  Run by `make bench`
# (after `make all`).
#
# The program (scripts/bench/map/main.go) holds two globals of N entries:
# m map[int]int and ms map[string]string (N = $BENCH_N, default 1000000),
# and stops in main.stopHere.  It is built with -gcflags=all=-N -l by the
# installed go (GOTOOLCHAIN=local) and by $BENCH_OLD_TOOLCHAIN (default
# go1.23.12, classic maps, fetched through the Go module proxy if needed).
#
# How it is timed: inside the debugger, with Python's time.perf_counter()
# right around ONE command (gdb: gdb.execute(cmd, to_string=True); lldb:
# SBCommandInterpreter.HandleCommand into an SBCommandReturnObject), so
# debugger startup, symbol loading, running the program to the breakpoint
# and writing the output file are all excluded; formatting the output text
# is included.  Every timed golayout command gets its own debugger session.
# The session's first golayout command is `golayout version`, timed apart
# ("init": golayout loads the executable's DWARF and pclntab once per
# session; it reads next to no target memory), then the map command runs
# ("cold": golayout's per-stop page cache is still empty of the map's
# memory) and runs again ("warm": memory comes from the cache).  With
# BENCH_REPEAT=R (default 1) every session is run R times and the table
# shows the fastest of the R runs (the machine may be busy with other work;
# the minimum is the least disturbed figure).
#
# runtime-gdb.py: `print m` with `set print elements unlimited` in gdb, its
# output captured the same way, then checked: it must list N pairs and no
# "<error".  Go 1.26's runtime-gdb.py reads the directory of a swiss map
# with more than one table wrongly (it indexes a pointer to the table array
# as if it were the array: tables past the first are garbage), so on the
# installed-go build the check fails and that is reported; the comparison
# is then made on the $BENCH_OLD_TOOLCHAIN build, where it works.  It is
# slow (about 10 s for 25000 entries, 55 to 116 s for 100000 on the machine
# of the README depending on its load, and growing faster than linearly: it
# had printed 198000 of 1000000 pairs after 9 minutes), so it prints a map
# of $BENCH_RTGDB_N entries (default 100000) of its own program run, and
# golayout is timed on that same map for the ratio.
#
# The raw copy: the debugger's own reads (Python API) of the map's bucket or
# group arrays, in a session of its own (scripts/bench/bench_common.py);
# every golayout time is also given as a multiple of it. Peak memory: the
# debugger's VmHWM during the cold command above its VmRSS before it, reset
# before each command (/proc/self/clear_refs); for gdb also with the
# --json document printed to gdb's stdout instead of captured as a string.
#
# Delve (scripts/bench/delve.py, a pinned version installed through the Go
# module proxy): `print m` and `print ms` on the installed Go's build,
# loaded in full (N elements), in one headless session over its JSON-RPC
# API, from request to the last byte of the answer (its terminal client's
# formatting excluded); dlv's CPU seconds and peak growth next to it.
#
# BENCH_COMPARE=DIR: another build of golayout (a directory holding
# golayout-gdb.py and libgolayout-lldb.so, e.g. one made before a change)
# is timed too, each of its sessions right after the same one of $BUILD,
# so that both meet the same load; its rows are marked "(cmp)".
#
# Environment: BENCH_N, BENCH_RTGDB_N, BENCH_RTGDB (0: skip runtime-gdb.py
# and the golayout run compared with it), BENCH_DELVE (0: no Delve),
# BENCH_DELVE_VERSION, BENCH_BUILDS ("new old": the
# installed Go's build, $BENCH_OLD_TOOLCHAIN's, or both), BENCH_COMPARE,
# BENCH_OLD_TOOLCHAIN, BENCH_REPEAT,
# BUILD (default build), GDB (gdb), LLDB (lldb-16).  Outputs go to
# $BUILD/bench/ (results.txt has every single measurement).
set -euo pipefail

. "$(dirname "$0")/common.sh" # ROOT, bench_setup
bench_setup bench-map bench      # BUILD, GDB, LLDB, REPEAT, OUT, RESULTS
N=${BENCH_N:-1000000}
RT_N=${BENCH_RTGDB_N:-100000}
OLD_TC=${BENCH_OLD_TOOLCHAIN:-go1.23.12}

# ---- build
NEW_VERSION=$(cd / && GOTOOLCHAIN=local go env GOVERSION)
echo "building scripts/bench/map with $NEW_VERSION and $OLD_TC (-gcflags=all=-N -l)"
(cd scripts/bench/map && GOTOOLCHAIN=local go build -gcflags='all=-N -l' -o "$OUT/map-new" .)
(cd scripts/bench/map && GOTOOLCHAIN=$OLD_TC go build -gcflags='all=-N -l' -o "$OUT/map-old" .)
NEW_GOROOT=$(cd / && GOTOOLCHAIN=local go env GOROOT)
bench_delve_install
: >"$OUT/delve.txt"
OLD_GOROOT=$(cd / && GOTOOLCHAIN=$OLD_TC go env GOROOT)

# ---- timing helpers, loaded into the debuggers
# Each timed command appends "build debugger n what cold|warm seconds bytes
# check" to $RESULTS; its output is kept in $OUT/<file>.
cat >"$OUT/bench_gdb.py" <<'EOF'
import os, sys, time
import gdb
sys.path.insert(0, os.environ["BENCH_LIB"])
import bench_common as B

def check_output(cmd, text, n):
    """'ok' when the output holds the whole map, else what is wrong."""
    if "--json" in cmd:
        return B.check_json(text, n)
    if cmd.startswith("golayout"):
        return "ok" if "summary" in text else "no-summary"
    # print m with runtime-gdb.py: N pairs "[k] = v" and no error
    pairs = text.count("] = ")
    if "<error" in text:
        i = text.index("<error")
        what = text[i:i + 70].split(">")[0].replace(" ", "_") + ">"
        return "FAILED:%d-pairs-then:%s" % (pairs, what)
    return "ok" if pairs == n else "FAILED:%d-pairs" % pairs

def init(tag, n):
    t = time.perf_counter()
    text = gdb.execute("golayout version", to_string=True)
    B.record(tag, "gdb", n, "golayout version", "init", time.perf_counter() - t, len(text), "ok", 0)

def timed(tag, cmd, path, n, repeat=2):
    for run in ("cold", "warm")[:repeat]:
        B.reset_peak()
        r0 = B.rss_mib()
        t = time.perf_counter()
        text = gdb.execute(cmd, to_string=True)
        dt = time.perf_counter() - t
        peak = B.peak_mib() - r0
        with open(path, "w") as f:
            f.write(text)
        B.record(tag, "gdb", n, cmd, run, dt, len(text), check_output(cmd, text, n), peak)
        del text

def to_stdout(tag, cmd, n):
    """The command printed to gdb's stdout (a file here, a terminal for a
    user) instead of captured as one string: its peak memory."""
    B.reset_peak()
    r0 = B.rss_mib()
    t = time.perf_counter()
    gdb.execute(cmd)
    B.record(tag, "gdb", n, cmd, "stdout", time.perf_counter() - t, 0, "ok", B.peak_mib() - r0)

def raw(tag, var, n, impl, key_size, elem_size):
    inf = gdb.selected_inferior()
    read = lambda a, k: inf.read_memory(a, k).tobytes()
    m = int(gdb.parse_and_eval("'main.%s'" % var))
    B.raw(tag, "gdb", n, var, read, m, impl, key_size, elem_size)
EOF
cat >"$OUT/bench_lldb.py" <<'EOF'
import os, struct, sys, time
import lldb
sys.path.insert(0, os.environ["BENCH_LIB"])
import bench_common as B

def timed(debugger, args, result, internal_dict):
    # args: TAG N PATH COMMAND...
    tag, n, path, cmd = args.split(" ", 3)
    n = int(n)
    ci = debugger.GetCommandInterpreter()
    res = lldb.SBCommandReturnObject()
    t = time.perf_counter()
    ci.HandleCommand("golayout version", res)
    B.record(tag, "lldb", n, "golayout version", "init", time.perf_counter() - t,
             len(res.GetOutput() or ""), "ok", 0)
    for run in ("cold", "warm"):
        res = lldb.SBCommandReturnObject()
        B.reset_peak()
        r0 = B.rss_mib()
        t = time.perf_counter()
        ci.HandleCommand(cmd, res)
        dt = time.perf_counter() - t
        peak = B.peak_mib() - r0
        text = (res.GetOutput() or "") + (res.GetError() or "")
        with open(path, "w") as f:
            f.write(text)
        if "--json" in cmd:
            check = B.check_json(text, n)
        else:
            check = "ok" if "summary" in text else "no-summary"
        B.record(tag, "lldb", n, cmd, run, dt, len(text), check, peak)
        del text, res

def raw(debugger, args, result, internal_dict):
    # args: TAG N VAR IMPL KEY_SIZE ELEM_SIZE
    tag, n, var, impl, ks, es = args.split()
    target = debugger.GetSelectedTarget()
    proc = target.GetProcess()
    def read(a, k):
        err = lldb.SBError()
        b = proc.ReadMemory(a, k, err)
        if not err.Success():
            raise RuntimeError(str(err))
        return b
    sym = target.FindSymbols("main." + var)[0].GetSymbol()
    m = struct.unpack("<Q", read(sym.GetStartAddress().GetLoadAddress(target), 8))[0]
    B.raw(tag, "lldb", int(n), var, read, m, impl, int(ks), int(es))

def __lldb_init_module(debugger, internal_dict):
    debugger.HandleCommand("command script add -f bench_lldb.timed bench-timed")
    debugger.HandleCommand("command script add -f bench_lldb.raw bench-raw")
EOF
export BENCH_RESULTS=$RESULTS BENCH_LIB=$ROOT/scripts/bench

# gdb_session TAG BINARY N PYTHON-LINE...: one gdb session stopped in
# main.main (frame 1 of stopHere) running the given python lines.
gdb_session() {
	local tag=$1 bin=$2 n=$3
	shift 3
	local args=(-batch -nx -iex 'set auto-load python-scripts off'
		-ex "source ${GL_DIR:-$BUILD}/golayout-gdb.py" -ex "source $OUT/bench_gdb.py"
		-ex 'set width 0' -ex 'set height 0' -ex 'set print elements unlimited'
		-ex 'set print repeats unlimited' -ex 'handle SIGURG nostop noprint pass'
		-ex "set environment BENCH_N=$n" -ex 'break main.stopHere' -ex run -ex 'frame 1')
	local l
	for l in "$@"; do args+=(-ex "$l"); done
	"$GDB" "${args[@]}" "$bin" >"$OUT/$tag-gdb.log" 2>&1 || true
}

# lldb_session TAG BINARY N COMMAND...: one lldb session stopped in
# main.main running the given commands.
lldb_session() {
	local tag=$1 bin=$2 n=$3
	shift 3
	local args=(--batch -o "plugin load ${GL_DIR:-$BUILD}/libgolayout-lldb.so"
		-o 'process handle SIGURG -s false -n false -p true'
		-o "command script import $OUT/bench_lldb.py"
		-o 'breakpoint set -n main.stopHere' -o 'process launch' -o 'frame select 1')
	local l
	for l in "$@"; do args+=(-o "$l"); done
	BENCH_N=$n "$LLDB" "${args[@]}" -o 'process kill' "$bin" >"$OUT/$tag-lldb.log" 2>&1 || true
}

# ---- golayout on both builds, N entries; golayout on the old build with
# the map runtime-gdb.py is timed on, RT_N entries. The raw copy has a
# session of its own, before any golayout command: LLDB keeps what it
# read, and the next reads of the same memory cost next to nothing.
for rep in $(seq "$REPEAT"); do
	for build in ${BENCH_BUILDS:-new old}; do
		bin=$OUT/map-$build
		impl=swiss
		[ $build = old ] && impl=classic
		for var in m ms; do
			size=8
			[ $var = ms ] && size=16 # string headers
			echo "  [$rep/$REPEAT] $build $var raw copy ..."
			gdb_session "$build" "$bin" "$N" "python raw('$build', '$var', $N, '$impl', $size, $size)"
			lldb_session "$build" "$bin" "$N" "bench-raw $build $N $var $impl $size $size"
			for mode in summary json stdout; do
				for gl in $BUILD ${BENCH_COMPARE:-}; do
					GL_DIR=$gl
					tag=$build
					[ "$gl" = "$BUILD" ] || tag=$build-cmp
					echo "  [$rep/$REPEAT] $tag $var --$mode ..."
					if [ $mode = stdout ]; then
						# gdb's peak when it prints the document, as on a terminal
						gdb_session "$tag" "$bin" "$N" "python init('$tag', $N)" \
							"python to_stdout('$tag', 'golayout map $var --json', $N)"
						continue
					fi
					cmd="golayout map $var --$mode"
					file=$OUT/$tag-$var-$mode.out
					gdb_session "$tag" "$bin" "$N" "python init('$tag', $N)" \
						"python timed('$tag', '$cmd', '$file', $N)"
					lldb_session "$tag" "$bin" "$N" "bench-timed $tag $N $file $cmd"
				done
			done
			GL_DIR=$BUILD
		done
	done
	[ "${BENCH_RTGDB:-1}" != 0 ] || continue
	echo "  [$rep/$REPEAT] $OLD_TC, $RT_N entries: golayout map m --json ..."
	gdb_session like "$OUT/map-old" "$RT_N" "python init('like', $RT_N)" \
		"python timed('like', 'golayout map m --json', '$OUT/like-golayout.out', $RT_N)"
done

# ---- Delve, the installed Go's build (once: its 1M-entry answers take a
# minute and gigabytes)
echo "  Delve print m, print ms, $N entries ..."
RESULTS=$OUT/delve.txt bench_delve "$OUT/map-new" main.stopHere "$N" new "m=eval m" "ms=eval ms"

# ---- runtime-gdb.py (once each: slow, and far less noisy than it is slow;
# BENCH_RTGDB=0 leaves it out)
if [ "${BENCH_RTGDB:-1}" != 0 ]; then
	echo "  runtime-gdb.py of $NEW_VERSION, print m, $N entries ..."
	gdb_session rtgdb-new "$OUT/map-new" "$N" "source $NEW_GOROOT/src/runtime/runtime-gdb.py" \
		"python timed('rtgdb-new', 'print m', '$OUT/rtgdb-new.out', $N, 1)"
	echo "  runtime-gdb.py of $OLD_TC, print m, $RT_N entries ..."
	gdb_session rtgdb-old "$OUT/map-old" "$RT_N" "source $OLD_GOROOT/src/runtime/runtime-gdb.py" \
		"python timed('rtgdb-old', 'print m', '$OUT/rtgdb-old.out', $RT_N, 1)"
fi

# ---- report
python3 - "$RESULTS" "$NEW_VERSION" "$OLD_TC" "$N" "$RT_N" "$REPEAT" "$OUT/delve.txt" <<'EOF'
import sys
path, new, old, n, rt_n, repeat, delve_path = sys.argv[1:]
rows = [l.split() for l in open(path) if l.strip()]
R = {}  # the fastest run; its check becomes "ok" only if every run was ok
inits = {}  # (build, debugger): fastest `golayout version` of any session
for tag, dbg, cnt, cmd, run, secs, size, check, peak in rows:
    if run == "init":
        inits[(tag, dbg)] = min(float(secs), inits.get((tag, dbg), 1e9))
        continue
    k = (tag, dbg, cmd.replace("_", " "), run)
    prev = R.get(k)
    if prev and prev[2] != "ok":
        check = prev[2]
    if not prev or float(secs) < prev[0]:
        R[k] = (float(secs), int(size), check, int(peak))
    else:
        R[k] = (prev[0], prev[1], check, min(prev[3], int(peak)))

def get(tag, dbg, cmd, run="cold"):
    return R.get((tag, dbg, cmd, run))

def mb(b):
    return "%.1f MB" % (b / 1e6) if b >= 1e5 else "%d B" % b

print()
print("golayout, %s-entry maps, seconds, fastest of %s run(s); init = first golayout "
      "command of the session (golayout version), cold = the map command next, warm = "
      "the same again; raw = the debugger's own copy of the map's bucket or group arrays "
      "in a session of its own; x raw = cold / raw; peak = the debugger's peak resident "
      "size during the cold command above what it had before, MiB (gdb: the output "
      "captured as one string; 'to stdout': printed)" % (n, repeat))
print("%-10s %-4s %-28s %6s %8s %8s %7s %10s %6s  %s" % (
    "build", "dbg", "command", "init", "cold", "warm", "x raw", "output", "peak", "check"))
names = {"new": new, "old": old, "new-cmp": new + " (cmp)", "old-cmp": old + " (cmp)"}
for tag in ("new", "new-cmp", "old", "old-cmp"):
    if not any(k[0] == tag for k in R):
        continue
    for dbg in ("gdb", "lldb"):
        for var in ("m", "ms"):
            raw = get(tag.replace("-cmp", ""), dbg, "raw copy " + var)
            if raw and not tag.endswith("-cmp"):
                print("%-10s %-4s %-28s %6s %8.3f %8s %7s %10s %6s  %s" % (
                    names[tag], dbg, "raw copy of " + var, "", raw[0], "", "", mb(raw[1]), "", raw[2]))
            for mode in ("summary", "json"):
                cmd = "golayout map %s --%s" % (var, mode)
                c, w = get(tag, dbg, cmd), get(tag, dbg, cmd, "warm")
                if not c:
                    print("%-10s %-4s %-28s %6s" % (names[tag], dbg, cmd, "missing"))
                    continue
                print("%-10s %-4s %-28s %6.3f %8.3f %8s %7s %10s %6d  %s" % (
                    names[tag], dbg, cmd, inits.get((tag, dbg), 0), c[0],
                    "%.3f" % w[0] if w else "-",
                    "%.1f" % (c[0] / raw[0]) if raw and raw[0] > 0 else "-",
                    mb(c[1]), c[3], c[2]))
            s = get(tag, dbg, "golayout map %s --json" % var, "stdout")
            if s:
                print("%-10s %-4s %-28s %6s %8.3f %8s %7s %10s %6d  %s" % (
                    names[tag], dbg, "  same, to stdout", "", s[0], "",
                    "%.1f" % (s[0] / raw[0]) if raw and raw[0] > 0 else "-", "", s[3], s[2]))

delve = {}
for l in open(delve_path):
    f = l.split()  # delve WHAT SECONDS CPU PEAK BYTES TAG
    if len(f) >= 7:
        delve[f[1]] = (float(f[2]), float(f[3]), int(f[4]), int(f[5]))
if delve:
    print()
    print("Delve (%s build): print VAR, %s entries loaded in full, request to last byte of "
          "the answer; x raw = / gdb's raw copy; x golayout = / golayout map VAR --json "
          "(cold) in gdb, lldb" % (new, n))
    print("%-10s %9s %9s %7s %12s %12s %8s" % ("", "seconds", "dlv CPU", "x raw", "x golayout",
                                               "answer", "peak"))
    for var in ("m", "ms"):
        d = delve.get(var)
        if not d:
            continue
        raw = get("new", "gdb", "raw copy " + var)
        gl = [get("new", g, "golayout map %s --json" % var) for g in ("gdb", "lldb")]
        print("%-10s %9.3f %9.3f %7s %12s %12s %8d" % (
            "print " + var, d[0], d[1], "%.0f" % (d[0] / raw[0]) if raw and raw[0] > 0 else "-",
            ", ".join("%.1f" % (d[0] / x[0]) if x and x[0] > 0 else "-" for x in gl),
            mb(d[3]), d[2]))

print()
rt = get("rtgdb-new", "gdb", "print m")
if rt:
    print("runtime-gdb.py of %s, gdb `print m` (%s entries): %.3f s, %s, %s" % (
        new, n, rt[0], mb(rt[1]), rt[2]))
rt = get("rtgdb-old", "gdb", "print m")
gl = get("like", "gdb", "golayout map m --json")
if rt and gl:
    print()
    print("like for like, %s build, map[int]int of %s entries, gdb:" % (old, rt_n))
    print("  %-44s %9.3f s  %s  %s" % ("runtime-gdb.py: print m", rt[0], mb(rt[1]), rt[2]))
    print("  %-44s %9.3f s  %s  %s" % ("golayout map m --json (cold)", gl[0], mb(gl[1]), gl[2]))
    if gl[0] > 0:
        print("  ratio runtime-gdb.py / golayout: %.0fx" % (rt[0] / gl[0]))
EOF
echo
echo "outputs and debugger logs: $OUT/"
