"""Reader of the Go runtime's heap dump (runtime/debug.WriteHeapDump) and
of the binary's size-class table, for test_heap.py (stdlib only; also
imported by the Python snippet that runs inside gdb and lldb).

The format is the one runtime/heapdump.go writes, unchanged from Go 1.22
through 1.27 (the record layouts below are read off mdump and the dump*
functions there; the wiki's "heapdump15-through-heapdump17" describes the
same): the header "go1.7 heap dump\\n", then records, each a uvarint tag and
fields that are uvarints or strings (a uvarint length, then the bytes);
"fields" is a list of (kind, offset) uvarint pairs ended by kind 0.

What matters here is tagObject = 1: address, contents, fields. dumpobjs
writes one per slot of every in-use span that is not free, with
size = s.elemsize (the whole slot, malloc header included; a tiny block is
one 16-byte object), at the slot's own address. Its loop runs over
npages*8192/elemsize slots but takes the free marks (s.isFree) only below
s.nelems: the slots past nelems of a span whose end holds heap bits or
Green Tea's inline mark bits (small size classes) are dumped as objects
although they are no objects at all. The checks account for that.
"""

import struct

HEADER = b"go1.7 heap dump\n"

# tag -> field layout: "u" uvarint, "s" string, "f" fields list,
# "m" the memprof frames (see dumpmemprof_callback)
TAG_EOF, TAG_OBJECT = 0, 1
LAYOUT = {
    1: "usf",                 # object: addr, contents, fields
    2: "su",                  # other root: description, to
    3: "uusu",                # type: addr, size, name, indirect
    4: "uuuuuuuusuuuu",       # goroutine: g, sp, goid, gopc, status, system,
                              # background, waitsince, waitreason, ctxt, m,
                              # defer, panic
    5: "uuusuuusf",           # stack frame: sp, depth, child sp, contents,
                              # entry, pc, continpc, name, fields
    6: "uuuussu",             # params: big endian, ptrsize, arena start/end,
                              # arch, version, ncpu
    7: "uuuuu",               # finalizer: obj, fn, fn.fn, fint, ot
    8: "uu",                  # itab: addr, type
    9: "uuu",                 # OS thread: m, id, procid
    10: "u" * (24 + 256 + 1),  # memstats
    11: "uuuuu",              # queued finalizer
    12: "usf",                # data: addr, contents, fields
    13: "usf",                # bss
    14: "uuuuuuu",            # defer: d, gp, sp, pc, fn, fn.fn, link
    15: "uuuuuu",             # panic: p, gp, type, data, 0, link
    16: "m",                  # memprof: bucket, size, nstk, frames, allocs, frees
    17: "uu",                 # alloc sample: addr, bucket
}
MEMSTATS_NAMES = ("Alloc TotalAlloc Sys Lookups Mallocs Frees HeapAlloc HeapSys HeapIdle "
                  "HeapInuse HeapReleased HeapObjects StackInuse StackSys MSpanInuse "
                  "MSpanSys MCacheInuse MCacheSys BuckHashSys GCSys OtherSys NextGC LastGC "
                  "PauseTotalNs").split()


class DumpError(Exception):
    pass


class Dump:
    """objects: [(address, size)] in dump order; pointers: {address: the
    offsets of the object's pointer words, from its fields}; params,
    memstats (dicts); counts: records per tag."""

    def __init__(self):
        self.objects = []
        self.pointers = {}
        self.params = {}
        self.memstats = {}
        self.counts = {}


def parse(data: bytes) -> Dump:
    if not data.startswith(HEADER):
        raise DumpError(f"no heap dump header: {data[:16]!r}")
    pos, n = len(HEADER), len(data)
    d = Dump()

    def uv():
        nonlocal pos
        v = shift = 0
        while True:
            if pos >= n:
                raise DumpError("truncated uvarint")
            b = data[pos]
            pos += 1
            v |= (b & 0x7F) << shift
            if b < 0x80:
                return v
            shift += 7

    def string():
        nonlocal pos
        ln = uv()
        if pos + ln > n:
            raise DumpError(f"string of {ln} bytes at {pos} past the end ({n})")
        pos += ln
        return pos - ln, ln  # (offset, length): contents are not copied

    def fields():
        offs = []
        while uv() != 0:  # kind: dumpbv writes only fieldKindPtr
            offs.append(uv())
        return offs

    while True:
        at = pos
        tag = uv()
        if tag == TAG_EOF:
            break
        lay = LAYOUT.get(tag)
        if lay is None:
            raise DumpError(f"unknown record tag {tag} at offset {at}")
        d.counts[tag] = d.counts.get(tag, 0) + 1
        vals = []
        for c in lay:
            if c == "u":
                vals.append(uv())
            elif c == "s":
                vals.append(string())
            elif c == "f":
                vals.append(fields())
            else:  # memprof
                uv(), uv()
                for _ in range(uv()):
                    string(), string(), uv()
                uv(), uv()
        if tag == TAG_OBJECT:
            d.objects.append((vals[0], vals[1][1]))
            d.pointers[vals[0]] = vals[2]
        elif tag == 6:
            off, ln = vals[4]
            voff, vln = vals[5]
            d.params = {"big_endian": vals[0], "ptrsize": vals[1], "arena_start": vals[2],
                        "arena_end": vals[3], "arch": data[off:off + ln].decode(),
                        "version": data[voff:voff + vln].decode(), "ncpu": vals[6]}
        elif tag == 10:
            d.memstats = dict(zip(MEMSTATS_NAMES, vals))
            d.memstats["NumGC"] = vals[-1]
    if pos != n:
        raise DumpError(f"{n - pos} bytes after the EOF record")
    return d


def read(path) -> Dump:
    with open(path, "rb") as f:
        return parse(f.read())


# ------------------------------------------------------------ the sample

SMALL_MAX = 512             # no malloc header (heap bits in the span, or noscan)
MAX_SMALL_SIZE = 32768      # above: a large object, its own span
QUOTA = (("small", 24), ("header", 18), ("large", 10))


def bucket(size):
    if size <= SMALL_MAX:
        return "small"
    return "header" if size <= MAX_SMALL_SIZE else "large"


def sample(objects, avoid_page_end, quota=QUOTA):
    """A deterministic sample of dump objects, spread over sizes: per size
    bucket (small <= 512 B, 512 B < size <= 32 KiB, large > 32 KiB) up to
    its quota, shared round-robin among the bucket's distinct sizes, and
    within one size spread evenly over its objects in address order. A
    small object whose slot ends in the last `avoid_page_end` bytes of its
    page is left out: it may be one of the slots past nelems that dumpobjs
    writes although they are no objects (see the module doc; those are
    checked per span instead)."""
    by_size = {}
    for a, s in sorted(set(objects)):
        if bucket(s) == "small" and (a % 8192) + s > 8192 - avoid_page_end:
            continue
        by_size.setdefault(s, []).append(a)
    out = []
    for name, want in quota:
        sizes = sorted(s for s in by_size if bucket(s) == name)
        count = dict.fromkeys(sizes, 0)
        left, more = want, True
        while left and more:
            more = False
            for s in sizes:
                if left and count[s] < len(by_size[s]):
                    count[s], left, more = count[s] + 1, left - 1, True
        for s in sizes:
            addrs, m = by_size[s], count[s]
            out += [(addrs[(2 * i + 1) * len(addrs) // (2 * m)], s) for i in range(m)]
    return out


def span_tail(ptrsize):
    """Bytes at the end of a one-page span of small objects that may hold
    slots past nelems: the heap bits (a bit per pointer-sized word: 128
    bytes on 64-bit, 256 on 386) and Green Tea's inline mark bits (128)."""
    return 8192 // ptrsize // 8 + 128


def commands(dump):
    """[(address, size, command at the slot, command inside it)] for the
    sample of the dump's objects: the same list in the debugger and in the
    test."""
    out = []
    for a, s in sample(dump.objects, avoid_page_end=span_tail(dump.params.get("ptrsize") or 8)):
        out.append((a, s, f"golayout heap {a:#x} --span --json",
                    f"golayout heap {a + interior_offset(s):#x} --json"))
    return out


def debugger_main(run, spec_path):
    """Inside gdb or lldb, stopped at main.stopHere: read the dump the
    fixture wrote, run the sample's commands through run(command) -> text
    and write {command: text} as JSON to spec["out"]."""
    import json
    with open(spec_path) as f:
        spec = json.load(f)
    out = {}
    try:
        for _, _, c1, c2 in commands(read(spec["dump"])):
            for c in (c1, c2):
                try:
                    out[c] = run(c)
                except Exception as e:  # noqa: BLE001 - reported by the checks
                    out[c] = "EXCEPTION %s: %s" % (type(e).__name__, e)
    except Exception as e:  # noqa: BLE001
        out["error"] = "%s: %s" % (type(e).__name__, e)
    with open(spec["out"], "w") as f:
        json.dump(out, f)


def interior_offset(size):
    """The offset of the in-the-middle address asked about (odd on purpose:
    any byte of the slot belongs to it)."""
    return size // 2 + 1 if size > 2 else 0


# ------------------------------------------------- the size-class table

def elf_symbols(path, names):
    """{name: bytes} of the named symbols' contents in the ELF file (64-bit
    or 32-bit little-endian), read through the section that holds them."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] != 1:
        raise DumpError(f"{path}: not a little-endian ELF file")
    if data[4] == 2:  # ELFCLASS64
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        shdr, symsize = "<IIQQQQIIQQ", 24
    else:             # ELFCLASS32: the same fields, 4-byte addresses and sizes
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
        shdr, symsize = "<IIIIIIIIII", 16
    # (name, type, flags, addr, offset, size, link, ...) in both classes
    secs = [struct.unpack_from(shdr, data, shoff + i * shentsize) for i in range(shnum)]
    symtab = next((s for s in secs if s[1] == 2), None)  # SHT_SYMTAB
    if symtab is None:
        raise DumpError(f"{path}: no .symtab")
    strtab = secs[symtab[6]]
    want, out = {n.encode(): n for n in names}, {}
    for off in range(symtab[4], symtab[4] + symtab[5], symsize):
        if symsize == 24:
            st_name, _, _, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", data, off)
        else:
            st_name, st_value, st_size, _, _, st_shndx = struct.unpack_from("<IIIBBH", data, off)
        end = data.index(b"\0", strtab[4] + st_name)
        nm = data[strtab[4] + st_name:end]
        if nm in want and 0 < st_shndx < len(secs):
            sec = secs[st_shndx]
            if sec[1] == 8:  # SHT_NOBITS: zeros (not expected for a table)
                out[want[nm]] = bytes(st_size)
            else:
                o = sec[4] + st_value - sec[3]
                out[want[nm]] = data[o:o + st_size]
    missing = [n for n in names if n not in out]
    if missing:
        raise DumpError(f"{path}: no symbol {', '.join(missing)}")
    return out


def size_classes(binary):
    """(class_to_size, class_to_allocnpages) of the binary's runtime, read
    from the executable itself: runtime.class_to_size ([]uint16) and
    runtime.class_to_allocnpages ([]uint8) up to Go 1.24, from Go 1.25 on
    internal/runtime/gc.SizeClassToSize and .SizeClassToNPages."""
    for names in (("runtime.class_to_size", "runtime.class_to_allocnpages"),
                  ("internal/runtime/gc.SizeClassToSize", "internal/runtime/gc.SizeClassToNPages")):
        try:
            t = elf_symbols(binary, names)
        except DumpError as e:
            err = e
            continue
        raw_sizes, raw_npages = t[names[0]], t[names[1]]
        sizes = list(struct.unpack(f"<{len(raw_sizes) // 2}H", raw_sizes))
        npages = list(raw_npages)
        if len(sizes) != len(npages) or sizes[:2] != [0, 8]:
            raise DumpError(f"{binary}: odd size-class tables {sizes[:4]} / {npages[:4]}")
        return sizes, npages
    raise err
