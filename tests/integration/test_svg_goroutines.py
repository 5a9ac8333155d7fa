"""--svg on the `goroutines` fixture: `golayout stack` and `golayout
goroutines` drawn (checked by xmllint and rsvg-convert, then read back)
against the JSON document of the same command: a box per sized frame at
its SP with its function, the selected frame marked, each box as tall as
its bytes at the scale the picture states (taller only when its rows need
the room, broken when compressed); a box per goroutine at its stack.lo,
as large as its stack, with the bytes in use."""

import re

import svgcheck
from harness import Case, diff

FIXTURE = "goroutines"


def scale(pic):
    """The picture's scale: (pixels, bytes), as its title states it."""
    for t in pic.texts:
        m = re.search(r"to scale: (\d+) px = (\d+) bytes?", t)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def check_scale(p, regions, sc):
    """Each region drawn to scale: "exact" ones as tall as their bytes
    (within a pixel of rounding), "min" ones taller, "compressed" ones
    shorter and broken."""
    px, nbytes = sc
    for r in regions:
        want = (r.size * px + nbytes // 2) // nbytes
        what = f"{r.kind} {r.texts[0][:40]!r} ({r.size} bytes, {px} px = {nbytes} bytes)"
        diff(p, f"{what}: its height at scale", r.px, want)
        if r.scale == "exact":
            if abs(r.height - want) > 1:
                p.append(f"{what}: drawn {r.height} px tall, want {want}")
        elif r.scale == "min":
            if r.height <= want:
                p.append(f"{what}: at its rows' height {r.height} px, but its bytes would be {want}")
        elif r.scale == "compressed":
            if r.height >= want or r.breaks != 1:
                p.append(f"{what}: compressed to {r.height} px (of {want}) with {r.breaks} break marks")
        else:
            p.append(f"{what}: not drawn to scale ({r.scale!r})")
        if r.scale != "compressed" and r.breaks:
            p.append(f"{what}: a break mark on a box drawn {r.scale}")


def check_stack(p, pic, doc, ctx):
    # a frame of no bytes (arm64's frameless innermost function: cfa ==
    # sp) is a line, not a box
    sized = [f for f in doc["frames"] if f.get("size", -1) >= 0 and not f.get("inlined")
             and f.get("cfa") and int(f["cfa"], 16) > int(f["sp"], 16)]
    diff(p, "frames drawn", len(pic.of("frame")), len(sized))
    for f in sized:
        r = pic.at(int(f["sp"], 16), "frame")
        if r is None:
            p.append(f"frame #{f['index']} {f['func']}: no box at sp {f['sp']}")
        elif f["func"] not in r.texts[0]:
            p.append(f"frame #{f['index']}: title {r.texts[0]!r} does not name {f['func']}")
        elif f.get("selected") and not r.texts[0].startswith("* "):
            p.append(f"frame #{f['index']} is selected but not marked: {r.texts[0]!r}")
        elif r.size != int(f["cfa"], 16) - int(f["sp"], 16):
            p.append(f"frame #{f['index']}: box of {r.size} bytes, cfa - sp is {f['cfa']} - {f['sp']}")
    sc = scale(pic)
    if sc is None or min(sc) != 1:
        p.append(f"the picture states no scale ({sc})")
        return
    check_scale(p, pic.of("frame") + pic.of("unused"), sc)
    exact = [r for r in pic.of("frame") if r.scale == "exact"]
    if not exact:
        p.append("no frame drawn to scale: the check has nothing to compare")
    # two frames to scale: heights in the ratio of their bytes
    big = max(exact, key=lambda r: r.size, default=None)
    for r in exact:
        if r is not big and abs(r.height * big.size - big.height * r.size) > big.size + r.size:
            p.append(f"frames {r.texts[0][:30]!r} and {big.texts[0][:30]!r}: heights {r.height}:{big.height}, "
                     f"bytes {r.size}:{big.size}")


def check_goroutines(p, pic, doc, ctx):
    gs = doc["goroutines"]
    diff(p, "goroutines drawn", len(pic.of("goroutine")), len(gs))
    for g in gs:
        r = pic.at(int(g["stack_lo"], 16), "goroutine")
        if r is None:
            p.append(f"goroutine {g['goid']}: no box at stack.lo {g['stack_lo']}")
            continue
        if f"goroutine {g['goid']} [{g['status']}" not in r.texts[0]:
            p.append(f"goroutine {g['goid']}: title {r.texts[0]!r}")
        diff(p, f"goroutine {g['goid']}: box size", r.size, g.get("stack_size", 0))
        used = [sz for fill, _, sz in r.rows if fill == "data"]
        if g.get("stack_used") is not None:
            diff(p, f"goroutine {g['goid']}: bytes in use drawn", used, [g["stack_used"]])
    if doc["shown"] < doc["matched"] and not pic.has_text(f"{doc['shown']} of {doc['matched']} goroutines drawn"):
        p.append("the goroutines left out are not drawn as an elision")


def cases(truth):
    return [Case("stack --svg", "golayout stack --json --svg {outdir}/stack.svg",
                 svgcheck.checker("stack.svg", check_stack)),
            Case("goroutines --svg", "golayout goroutines --limit 4 --json --svg {outdir}/goroutines.svg",
                 svgcheck.checker("goroutines.svg", check_goroutines))]
