"""--svg on the `goroutines` fixture: `golayout stack` and `golayout
goroutines` drawn (checked by xmllint and rsvg-convert, then read back)
against the JSON document of the same command: a box per sized frame at
its SP with its function, the selected frame marked; a box per goroutine
at its stack.lo, as large as its stack, with the bytes in use."""


import svgcheck
from harness import Case, diff

FIXTURE = "goroutines"


def check_stack(doc, ctx):
    p = []
    pic = svgcheck.of_command(doc, ctx, "stack.svg", p)
    if pic is None:
        return p
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
    return p


def check_goroutines(doc, ctx):
    p = []
    pic = svgcheck.of_command(doc, ctx, "goroutines.svg", p)
    if pic is None:
        return p
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
    return p


def cases(truth):
    return [Case("stack --svg", "golayout stack --json --svg {outdir}/stack.svg", check_stack),
            Case("goroutines --svg", "golayout goroutines --limit 4 --json --svg {outdir}/goroutines.svg",
                 check_goroutines)]
