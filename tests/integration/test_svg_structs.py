"""--svg on the `structs` fixture: pictures of structs, a type, a string
and a slice (checked by xmllint and rsvg-convert, then read back) against
the fixture's truth: the region at the value's address, a row per field
at its offset and size with "NAME TYPE = VALUE", a hatched row per hole
and trailing padding, the string's bytes and text behind the header's
arrow, the slice's elements behind its array arrow."""


import svgcheck
from harness import Case, diff, find_global, find_type, holes

FIXTURE = "structs"


def shown(pic, region, want):
    """Whether a row of region reads want."""
    return any(svgcheck.reads(t, want) for t in region.texts[1:])


def check_layout(p, pic, region, fields, size, with_values):
    rows = [(off, sz) for fill, off, sz in region.rows if fill != "pad"]
    for f in fields:
        if (f["offset"], f["size"]) not in rows:
            p.append(f"field {f['name']}: no row at offset {f['offset']} of size {f['size']}")
        want = f"{f['name']} {f['type']}" + (f" = {f['value']}" if with_values else "")
        if not shown(pic, region, want):
            p.append(f"field {f['name']}: no row reads {want!r}")
    pads = sorted((off, sz) for fill, off, sz in region.rows if fill == "pad")
    want = sorted((h["offset"], h["size"]) for h in holes({"fields": fields, "size": size}))
    diff(p, "padding rows (offset, size)", pads, want)


def check_struct(name):
    def check(p, pic, doc, ctx):
        g = find_global(ctx.truth, name)
        r = pic.at(g["address"], "struct")
        if r is None:
            p.append(f"no struct region at {g['address']:#x}")
            return
        check_layout(p, pic, r, g["fields"], g["size"], True)
    return svgcheck.checker(f"{name}.svg", check)


def check_type(name):
    def check(p, pic, doc, ctx):
        t = find_type(ctx.truth, name)
        rs = pic.of("struct")
        if len(rs) != 1:
            p.append(f"{len(rs)} struct regions, want 1")
            return
        check_layout(p, pic, rs[0], t["fields"], t["size"], False)
        diff(p, "arrows of a type without values", pic.arrows, [])
    return svgcheck.checker("type.svg", check)


def check_string(p, pic, doc, ctx):
    g = find_global(ctx.truth, "main.gStr")
    regions = pic.linked(("string-header", g["address"]), ("bytes", int(doc["data"], 16)), p)
    if regions is None:
        return
    data = regions[1]
    if not pic.has_text(f'text: "{g["value"]}"'):
        p.append(f"the text {g['value']!r} is not drawn")
    diff(p, "bytes drawn", sum(sz for _, _, sz in data.rows), len(g["value"].encode()))


def check_slice(p, pic, doc, ctx):
    g = find_global(ctx.truth, "main.gSlice")
    regions = pic.linked(("slice-header", g["address"]), ("array", int(doc["array"], 16)), p)
    if regions is None:
        return
    arr = regions[1]
    want = "[" + " ".join(doc["elements"]) + "]"
    diff(p, "the truth's %v", g["value"], want)
    for i, e in enumerate(doc["elements"]):
        if not shown(pic, arr, f"[{i}] {e}"):
            p.append(f"element {i} ({e}) is not drawn")
    data = [r for r in arr.rows if r[0] == "data"]
    diff(p, "element rows", len(data), len(doc["elements"]))


def cases(truth):
    cs = []
    for name in ("main.gPadded", "main.gEmbeds", "main.gTail", "main.gScalars"):
        cs.append(Case(f"struct {name} --svg", f"golayout struct {name} --json --svg {{outdir}}/{name}.svg",
                       check_struct(name)))
    cs.append(Case("type main.Padded --svg", "golayout type main.Padded --json --svg {outdir}/type.svg",
                   check_type("main.Padded")))
    cs.append(Case("string main.gStr --svg", "golayout string main.gStr --json --svg {outdir}/string.svg",
                   svgcheck.checker("string.svg", check_string)))
    cs.append(Case("slice main.gSlice --svg", "golayout slice main.gSlice --json --svg {outdir}/slice.svg",
                   svgcheck.checker("slice.svg", check_slice)))
    return cs
