"""--svg on the `heap` fixture: `golayout heap main.gNode --span` and
`golayout gc` drawn (checked by xmllint and rsvg-convert, then read back)
against the JSON document of the same command: the span at its base with
every slot drawn once, as many allocated and marked slots as the document
counts, the object at its base with its state, as many pointer words as
its pointer map; the GC's phase and write barrier, a row per size class,
a box per arena of the heat map drawn and the rest elided."""


import svgcheck
from harness import Case, diff

FIXTURE = "heap"

SLOT_FILLS = ("marked", "unmarked", "data", "free")


def check_span(doc, ctx):
    p = []
    pic = svgcheck.of_command(doc, ctx, "span.svg", p)
    if pic is None:
        return p
    span, obj = doc["span"], doc["object"]
    r = pic.at(int(span["base"], 16), "span")
    if r is None:
        return p + [f"no span region at {span['base']}"]
    es = span["elemsize"]
    slots = {f: sum(sz for fill, _, sz in r.rows if fill == f) // es for f in SLOT_FILLS}
    so = doc["span_objects"]
    diff(p, "slots drawn", sum(slots.values()), span["nelems"])
    diff(p, "allocated slots drawn", slots["marked"] + slots["unmarked"] + slots["data"], so["allocated"])
    if so.get("marked") is not None:
        diff(p, "marked slots drawn", slots["marked"], so["marked"])
    else:
        diff(p, "marked or unmarked slots drawn without a cycle", slots["marked"] + slots["unmarked"], 0)
    o = pic.at(int(obj["base"], 16), "object")
    if o is None:
        return p + [f"no object region at {obj['base']}"]
    want = "allocated" if doc.get("allocated") else "free"
    if want not in o.texts[0]:
        p.append(f"the object's title {o.texts[0]!r} does not say {want}")
    pm = doc.get("pointer_map") or {}
    if pm.get("map") and pm.get("words"):
        word = span["elemsize"] // pm["words"]  # the pointer size
        words = sum(sz for fill, _, sz in o.rows if fill == "pointer") // word
        diff(p, "pointer words drawn", words, pm["map"].count("p"))
    return p


def check_gc(doc, ctx):
    p = []
    pic = svgcheck.of_command(doc, ctx, "gc.svg", p)
    if pic is None:
        return p
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
    return p


def cases(truth):
    return [Case("heap main.gNode --span --svg", "golayout heap main.gNode --span --json --svg {outdir}/span.svg",
                 check_span),
            Case("gc --svg", "golayout gc --json --svg {outdir}/gc.svg", check_gc)]
