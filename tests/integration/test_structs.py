"""Checks on the `structs` fixture: struct layouts, frame variables, globals,
paths and errors. Names and values all come from the fixture's truth file
(see tests/fixtures/structs/main.go), so a new type, local or global there
is tested without a change here."""

from harness import Case, select_frame, diff, check_address

FIXTURE = "structs"

LAYOUT_KEYS = ("name", "offset", "size", "type")


# ------------------------------------------------------------ truth lookups

def find_type(truth, name):
    return next(t for t in truth["types"] if t["name"] == name)


def find_var(truth, depth, name):
    frame = next(f for f in truth["frames"] if f["depth"] == depth)
    return next(v for v in frame["vars"] if v["name"] == name)


def find_global(truth, name):
    return next(v for v in truth["globals"] + truth["paths"] if v["name"] == name)


# ------------------------------------------------------- computed layouts

def align_up(n, a):
    return (n + a - 1) // a * a


def holes(t):
    """Padding of a struct type: gaps between fields, then the tail."""
    out, end = [], 0
    for f in sorted(t["fields"], key=lambda f: f["offset"]):
        if f["offset"] > end:
            out.append({"offset": end, "size": f["offset"] - end})
        end = max(end, f["offset"] + f["size"])
    if t["size"] > end:
        out.append({"offset": end, "size": t["size"] - end})
    return out


def best_size(t):
    """Size with the fields sorted by alignment, largest first (stable),
    laid out the way Go does: including the byte Go adds after a trailing
    zero-size field of a non-empty struct."""
    fs = sorted(t["fields"], key=lambda f: -f["align"])
    off = 0
    for f in fs:
        off = align_up(off, f["align"]) + f["size"]
    if off > 0 and fs[-1]["size"] == 0:
        off += 1
    return align_up(off, t["align"])


# ----------------------------------------------------------------- checks

def no_error(doc, problems):
    if doc.get("error") is not None:
        problems.append(f"error: {doc['error']}")
        return False
    return True


def compare_fields(problems, got, want, keys):
    got = [{k: f.get(k) for k in keys} for f in got or []]
    want = [{k: f[k] for k in keys} for f in want]
    if len(got) != len(want):
        problems.append(f"fields: got {len(got)}, want {len(want)}: {got!r}")
    for g, w in zip(got, want):
        if g != w:
            problems.append(f"field {w['name']}: got {g!r}, want {w!r}")


def check_version(doc, ctx):
    p = []
    if no_error(doc, p):
        diff(p, "kind", doc.get("kind"), "version")
        diff(p, "go_version", doc.get("go_version"), ctx.truth["go_version"])
        diff(p, "goarch", doc.get("goarch"), ctx.truth["goarch"])
        diff(p, "ptr_size", doc.get("ptr_size"), ctx.truth["ptr_size"])
        diff(p, "map_impl", doc.get("map_impl"), ctx.cfg.map_impl)
        diff(p, "dwarf_version", doc.get("dwarf_version"), ctx.cfg.dwarf_version)
        diff(p, "layouts_from", doc.get("layouts_from"), "dwarf")
    return p


def check_type(name):
    def check(doc, ctx):
        t, p = find_type(ctx.truth, name), []
        if no_error(doc, p):
            diff(p, "kind", doc.get("kind"), "struct")
            diff(p, "type", doc.get("type"), name)
            diff(p, "size", doc.get("size"), t["size"])
            diff(p, "align", doc.get("align"), t["align"])
            compare_fields(p, doc.get("fields"), t["fields"], LAYOUT_KEYS)
            pad = [{k: h.get(k) for k in ("offset", "size")} for h in doc.get("padding") or []]
            diff(p, "padding", pad, holes(t))
            diff(p, "best_size", doc.get("best_size"), best_size(t))
        return p
    return check


def check_value(lookup, may_be_unavailable=False):
    """`golayout value`: type, %v text and address equal to the truth. In an
    optimized build a frame variable may instead be reported unavailable
    (an "error"), but never with a wrong value."""
    def check(doc, ctx):
        v, p = lookup(ctx.truth), []
        if may_be_unavailable and ctx.opt and isinstance(doc.get("error"), str) and doc["error"]:
            return ["note: unavailable: " + doc["error"]]
        if no_error(doc, p):
            diff(p, "kind", doc.get("kind"), "value")
            diff(p, "type", doc.get("type"), v["type"])
            diff(p, "value", doc.get("value"), v["value"])
            check_address(p, doc, v["address"])
        return p
    return check


def check_struct(lookup, may_be_unavailable=False):
    """`golayout struct`: layout of the value's type plus each field's %v."""
    def check(doc, ctx):
        v, p = lookup(ctx.truth), []
        if may_be_unavailable and ctx.opt and isinstance(doc.get("error"), str) and doc["error"]:
            return ["note: unavailable: " + doc["error"]]
        if no_error(doc, p):
            t = find_type(ctx.truth, v["type"])
            diff(p, "kind", doc.get("kind"), "struct")
            diff(p, "type", doc.get("type"), v["type"])
            diff(p, "size", doc.get("size"), t["size"])
            diff(p, "align", doc.get("align"), t["align"])
            check_address(p, doc, v["address"])
            compare_fields(p, doc.get("fields"), v["fields"], LAYOUT_KEYS + ("value",))
        return p
    return check


def check_error(*needles):
    """The command fails: an "error" string that mentions each needle."""
    def check(doc, ctx):
        e = doc.get("error")
        if not isinstance(e, str) or not e:
            return [f'no "error" string in {doc!r}']
        return [f"error {e!r} does not mention {n!r}" for n in needles if n not in e]
    return check


# ------------------------------------------------------------------ cases

def var_cases(name, lookup, where="", may_be_unavailable=False, is_struct=False):
    cs = [Case(f"value {name}{where}", f"golayout value {name} --json",
               check_value(lookup, may_be_unavailable))]
    if is_struct:
        cs.append(Case(f"struct {name}{where}", f"golayout struct {name} --json",
                       check_struct(lookup, may_be_unavailable)))
    return cs


def cases(truth):
    """The session's steps, from a truth of the same binary (a run without
    debugger: the checks themselves use the truth of the debugger run)."""
    cs = [select_frame(0, "main.stopHere"),
          Case("version", "golayout version --json", check_version)]
    for t in truth["types"]:
        cs.append(Case(f"type {t['name']}", f"golayout type {t['name']} --json",
                       check_type(t["name"])))

    # Parameters and locals, frame by frame (1 = level3 ... 4 = main).
    for fr in sorted(truth["frames"], key=lambda f: f["depth"]):
        d, fn = fr["depth"], fr["function"]
        cs.append(select_frame(d, fn))
        for v in fr["vars"]:
            lookup = (lambda d, n: lambda tr: find_var(tr, d, n))(d, v["name"])
            cs += var_cases(v["name"], lookup, f" in {fn}", True, "fields" in v)

    # Globals, qualified and bare, from main's frame (selected last above),
    # then paths and errors from level3's.
    for g in truth["globals"]:
        lookup = (lambda n: lambda tr: find_global(tr, n))(g["name"])
        bare = g["name"].split(".", 1)[1]
        cs += var_cases(g["name"], lookup, is_struct="fields" in g)
        cs += var_cases(bare, lookup)
    cs.append(select_frame(1, "main.level3"))
    cs += var_cases("gCount", lambda tr: find_global(tr, "main.gCount"), " from main.level3")
    for pth in truth["paths"]:
        lookup = (lambda n: lambda tr: find_global(tr, n))(pth["name"])
        cs += var_cases(pth["name"], lookup, is_struct="fields" in pth)

    # A struct at an address. The address comes from the run without the
    # debugger: globals do not move (the fixtures are not PIE).
    gp = find_global(truth, "main.gPadded")["address"]
    cs.append(Case(f"struct 0x{gp:x} --type main.Padded",
                   f"golayout struct 0x{gp:x} --type main.Padded --json",
                   check_struct(lambda tr: find_global(tr, "main.gPadded"))))

    cs += [Case("error: no such variable", "golayout value nosuchvar --json",
                check_error("nosuchvar")),
           Case("error: struct of an int", "golayout struct gCount --json",
                check_error("int")),
           Case("error: unreadable memory", "golayout struct 0x0 --type main.Padded --json",
                check_error())]
    return cs
