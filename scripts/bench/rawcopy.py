"""The raw copy the benchmarks compare golayout with: the debugger's own
reads of a map's bucket or group arrays, the memory golayout decodes.

The arrays are found with small reads (the map header, the directory and
each table's header: a few kB), not timed; then every array is read whole
with the debugger's API, timed. Offsets are those of the runtime since
Go 1.24 (swiss Map and table) and before (classic hmap); the group or
bucket size comes from the key and element sizes the caller gives.
read(addr, n) -> bytes is the debugger's memory read."""
import struct
import time


def _u64(read, addr):
    return struct.unpack("<Q", read(addr, 8))[0]


def swiss_arrays(read, m, key_size, elem_size):
    """(address, bytes) of each table's group array of the swiss map at m."""
    group = 8 + 8 * (key_size + elem_size)  # ctrl word, 8 interleaved slots
    dir_ptr, dir_len = struct.unpack("<QQ", read(m + 16, 16))
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
    buckets = _u64(read, m + 16)
    bucket = 8 + 8 * (key_size + elem_size) + 8  # tophash, keys, elems, overflow
    return [(buckets, bucket << b)]


def timed_copy(read, arrays):
    """Seconds to read every array once, and the bytes read."""
    t = time.perf_counter()
    total = sum(len(read(a, n)) for a, n in arrays)
    return time.perf_counter() - t, total
