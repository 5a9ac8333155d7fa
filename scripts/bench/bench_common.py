"""What the benchmark helpers loaded into gdb and lldb share
(scripts/bench-map.sh): recording a measurement, the debugger's peak
memory, checking a --json document, and the raw copy golayout is compared
with.

The raw copy is the debugger's own reads of a map's bucket or group
arrays, the memory golayout decodes: the arrays are found with small
reads (the map header, the directory and each table's header: a few kB),
not timed; then every array is read whole with the debugger's API, timed.
Offsets are those of the runtime since Go 1.24 (swiss Map and table) and
before (classic hmap); the group or bucket size comes from the key and
element sizes the caller gives."""
import json
import os
import struct
import time


def record(tag, dbg, n, cmd, run, secs, size, check, peak_mib):
    """One line of $BENCH_RESULTS."""
    with open(os.environ["BENCH_RESULTS"], "a") as f:
        f.write("%s %s %d %s %s %.4f %d %s %d\n" % (tag, dbg, n, cmd.replace(" ", "_"), run, secs,
                                                   size, check, peak_mib))


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return 0


def rss_mib():
    return _status("VmRSS")


def peak_mib():
    return _status("VmHWM")


def reset_peak():
    """Start VmHWM again from the current resident size (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def check_json(text, n):
    """'ok' when the --json document lists the whole map of n entries."""
    try:
        doc = json.loads(next(l for l in text.splitlines() if l.startswith("{")))
    except (StopIteration, ValueError):
        return "no-json"
    if doc.get("error"):
        return "error"
    entries = doc.get("entries")
    if doc.get("summary_only"):
        return "ok" if doc.get("count") == n else "count=%s" % doc.get("count")
    if doc.get("count") != n or len(entries or []) != n:
        return "count=%s,entries=%d" % (doc.get("count"), len(entries or []))
    return "ok"


def swiss_arrays(read, m, key_size, elem_size):
    """(address, bytes) of each table's group array of the swiss map at m."""
    group = 8 + 8 * (key_size + elem_size)  # ctrl word, 8 interleaved slots
    dir_ptr, dir_len = struct.unpack("<QQ", read(m + 16, 16))  # Map.dirPtr, dirLen
    if dir_len == 0:  # a small map: one group
        return [(dir_ptr, group)]
    tables = struct.unpack("<%dQ" % dir_len, read(dir_ptr, 8 * dir_len))
    out = []
    for i, t in enumerate(tables):
        if i and tables[i - 1] == t:
            continue
        data, mask = struct.unpack("<QQ", read(t + 16, 16))  # table.groups
        out.append((data, (mask + 1) * group))
    return out


def classic_arrays(read, m, key_size, elem_size):
    """The bucket array of the classic hmap at m (overflow buckets aside)."""
    b = read(m + 9, 1)[0]  # hmap.B
    buckets = struct.unpack("<Q", read(m + 16, 8))[0]
    bucket = 8 + 8 * (key_size + elem_size) + 8  # tophash, keys, elems, overflow
    return [(buckets, bucket << b)]


def raw(tag, dbg, n, var, read, m, impl, key_size, elem_size):
    """Time the raw copy of map var (header at m) and record it."""
    find = swiss_arrays if impl == "swiss" else classic_arrays
    arrays = find(read, m, key_size, elem_size)
    t = time.perf_counter()
    total = sum(len(read(a, k)) for a, k in arrays)
    record(tag, dbg, n, "raw copy " + var, "cold", time.perf_counter() - t, total, "ok", 0)
