"""--svg on the `heap` fixture: `golayout heap main.gNode --span`, the tiny
block's span of 512 slots, and `golayout gc` drawn (checked by xmllint and
rsvg-convert, then read back) against the JSON document of the same
command: the span at its base with a square per slot, in order, each in
the state of the document's cell, the object's square outlined, as many
allocated and marked squares as the document counts; the object at its
base with its state, as many pointer words as its pointer map; the GC's
phase and write barrier, a row per size class, a box per arena of the
heat map drawn and the rest elided."""


import svgcheck
from harness import Case, diff

FIXTURE = "heap"

# The document's cells (span_objects.cells) and the squares' states.
CELL_STATES = {"#": "marked", "u": "unmarked", "a": "allocated", "m": "free-marked", ".": "free"}
ALLOCATED = ("marked", "unmarked", "allocated")


def check_slots(p, r, doc):
    """The span region r's slot grid against the document's cells."""
    span, so = doc["span"], doc["span_objects"]
    cells = so["cells"]
    diff(p, "cells in the document", len(cells), span["nelems"])
    diff(p, "slot squares drawn", len(r.slots), span["nelems"])
    diff(p, "slot squares' indexes", [i for _, i in r.slots], list(range(len(r.slots))))
    bad = [(i, st, c) for (st, i), c in zip(r.slots, cells) if CELL_STATES.get(c) != st]
    if bad:
        p.append(f"{len(bad)} squares not in their cell's state (index, drawn, cell), e.g. {bad[:4]}")
    states = [st for st, _ in r.slots]
    diff(p, "allocated squares", sum(st in ALLOCATED for st in states), so["allocated"])
    if so.get("marked") is not None:
        diff(p, "marked squares", states.count("marked"), so["marked"])
    else:
        diff(p, "marked or unmarked squares without a cycle", states.count("marked") + states.count("unmarked"), 0)
    diff(p, "outlined squares", r.marked, [doc["object"]["index"]])


def check_span(p, pic, doc, ctx):
    span, obj = doc["span"], doc["object"]
    r = pic.at(int(span["base"], 16), "span")
    if r is None:
        p.append(f"no span region at {span['base']}")
        return
    check_slots(p, r, doc)
    o = pic.at(int(obj["base"], 16), "object")
    if o is None:
        p.append(f"no object region at {obj['base']}")
        return
    want = "allocated" if doc.get("allocated") else "free"
    if want not in o.texts[0]:
        p.append(f"the object's title {o.texts[0]!r} does not say {want}")
    pm = doc.get("pointer_map") or {}
    if pm.get("map") and pm.get("words"):
        word = span["elemsize"] // pm["words"]  # the pointer size
        words = sum(sz for fill, _, sz in o.rows if fill == "pointer") // word
        diff(p, "pointer words drawn", words, pm["map"].count("p"))


def check_gc(p, pic, doc, ctx):
    wb = {True: "on", False: "off"}.get(doc.get("write_barrier"), "?")
    if not pic.has_text(f"phase {doc['phase']}, write barrier {wb}"):
        p.append(f"the picture does not say phase {doc['phase']}, write barrier {wb}")
    classes = pic.of("classes")
    diff(p, "size-class rows", len(classes[0].rows) if classes else 0, len(doc.get("size_classes") or []))
    arenas = (doc.get("heat_map") or {}).get("arenas") or []
    drawn = pic.of("arena")
    diff(p, "arenas drawn", len(drawn), min(len(arenas), 16))
    for a in arenas[:16]:
        if pic.at(int(a["base"], 16), "arena") is None:
            p.append(f"arena {a['base']} is not drawn")
    if len(arenas) > 16 and not pic.has_text(f"16 of {len(arenas)} arenas drawn"):
        p.append("the arenas left out are not drawn as an elision")


def cases(truth):
    return [Case("heap main.gNode --span --svg", "golayout heap main.gNode --span --json --svg {outdir}/span.svg",
                 svgcheck.checker("span.svg", check_span)),
            Case("heap main.gTiny --span --svg (a tiny block's span: 512 slots)",
                 "golayout heap main.gTiny --span --json --svg {outdir}/tiny.svg",
                 svgcheck.checker("tiny.svg", check_span)),
            Case("gc --svg", "golayout gc --json --svg {outdir}/gc.svg", svgcheck.checker("gc.svg", check_gc))]
