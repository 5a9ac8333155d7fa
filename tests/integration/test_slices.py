"""Checks on the `slices` fixture: `golayout slice` (one slice and several,
with sharing and overlaps), `golayout string`, `golayout iface` and
`golayout chan`, against what the fixture itself recorded (see
tests/fixtures/slices/main.go). Every name comes from the truth file, so a
value added to the fixture is tested without a change here.

Locals (of main.locals, frame 1) may be unavailable in the optimized build:
there an error is only a note, but a wrong answer is still a failure.
Globals must be right in both builds."""

from harness import (Case, select_frame, diff, no_error, check_error, check_unavailable,
                     hexint, holes, nodwarf_expr)

FIXTURE = "slices"


# ---------------------------------------------------------------- helpers

def diff_addr(p, what, got, want):
    g = hexint(got)
    if g is None:
        p.append(f"{what}: {got!r} is not a 0x... hex string (want {want:#x})")
    elif g != want:
        p.append(f"{what}: got {g:#x}, want {want:#x}")


def find(truth, kind, name):
    return next(x for x in truth[kind] if x["name"] == name)


def unavailable(doc, t, ctx):
    """An optimized build may not describe a local: then the document is an
    error, accepted only as check_unavailable confirms it; None otherwise."""
    if t["scope"] == "local" and ctx.opt and doc.get("error") is not None:
        return check_unavailable(doc, ctx, t["name"])
    return None


def header_check(section, kind, name, more):
    """The check of a one-variable document (string, iface, chan): the
    variable's truth in ctx.truth[section], an unavailable local, an
    error, kind and type, the same for every kind; then more(p, doc, t,
    ctx) adds the problems particular to the kind to p."""
    def check(doc, ctx):
        t = find(ctx.truth, section, name)
        u = unavailable(doc, t, ctx)
        if u:
            return u
        p = []
        if no_error(doc, p):
            diff(p, "kind", doc.get("kind"), kind)
            diff(p, "type", doc.get("type"), t["type"])
            more(p, doc, t, ctx)
        return p
    return check


def check_header_address(p, doc, t, ctx):
    """The variable's address; an optimized build may keep a local in
    registers (address null), never at a wrong address."""
    if doc.get("address") is None and t["scope"] == "local" and ctx.opt:
        p.append("note: in registers")
        return
    diff_addr(p, "address", doc.get("address"), t["address"])


def check_home(p, what, got, want):
    if not isinstance(got, dict):
        p.append(f"{what}: {got!r} is not an object")
        return
    diff(p, f"{what}.kind", got.get("kind"), want["kind"])
    if not isinstance(got.get("description"), str) or not got.get("description"):
        p.append(f"{what}.description: {got.get('description')!r} is not a text")
    if want["kind"] == "data" and want.get("section") and \
            want["section"] not in (got.get("description") or ""):
        p.append(f"{what}.description {got.get('description')!r} does not name the "
                 f"section {want['section']}")
    if want["kind"] == "stack":
        diff(p, f"{what}.goroutine", got.get("goroutine"), want["goroutine"])


# ------------------------------------------------------------------ slice

def slice_problems(doc, t, ctx, shared_with):
    """Problems of one `kind: slice` document against the slice truth t."""
    p = []
    if not no_error(doc, p):
        return p
    diff(p, "kind", doc.get("kind"), "slice")
    diff(p, "type", doc.get("type"), t["type"])
    diff(p, "expr", doc.get("expr"), t["name"])
    diff(p, "go_version", doc.get("go_version"), ctx.truth["go_version"])
    check_header_address(p, doc, t, ctx)
    hdr = doc.get("header") or []
    keys = ("name", "offset", "size", "type")
    diff(p, "header", [{k: f.get(k) for k in keys} for f in hdr],
         [{k: f[k] for k in keys} for f in t["header"]])
    for g, w in zip(hdr, t["header"]):
        if w["name"] == "array":
            if hexint(g.get("value")) != hexint(w["value"]):
                p.append(f"header array value: got {g.get('value')!r}, want {w['value']!r}")
        else:
            diff(p, f"header {w['name']} value", g.get("value"), w["value"])
    diff_addr(p, "array", doc.get("array"), t["array"])
    diff(p, "len", doc.get("len"), t["len"])
    diff(p, "cap", doc.get("cap"), t["cap"])
    diff(p, "elem_type", doc.get("elem_type"), t["elem_type"])
    diff(p, "elem_size", doc.get("elem_size"), t["elem_size"])
    diff(p, "nil", doc.get("nil"), t["nil"])
    check_home(p, "home", doc.get("home"), t["home"])
    lay = t.get("element_layout")
    if lay:
        got = doc.get("element_layout") or {}
        diff(p, "element_layout.size", got.get("size"), lay["size"])
        diff(p, "element_layout.align", got.get("align"), lay["align"])
        keys = ("name", "offset", "size", "type")
        diff(p, "element_layout.fields", [{k: f.get(k) for k in keys} for f in got.get("fields") or []],
             [{k: f[k] for k in keys} for f in lay["fields"]])
        diff(p, "element_layout.padding",
             [{k: h.get(k) for k in ("offset", "size")} for h in got.get("padding") or []], holes(lay))
    elif doc.get("element_layout") is not None:
        p.append(f"element_layout for a non-struct element: {doc.get('element_layout')!r}")
    g = doc.get("growth")
    if not isinstance(g, dict):
        p.append(f"growth: {g!r} is not an object")
    else:
        diff(p, "growth.append_len", g.get("append_len"), t["cap"] + 1)
        diff(p, "growth.new_cap", g.get("new_cap"), t["growth_new_cap"])
        nb = g.get("new_alloc_bytes")
        if not isinstance(nb, int) or nb < t["growth_new_cap"] * t["elem_size"]:
            p.append(f"growth.new_alloc_bytes: {nb!r} is less than new cap {t['growth_new_cap']} x "
                     f"{t['elem_size']} bytes")
        if not isinstance(g.get("rule"), str) or not g.get("rule"):
            p.append(f"growth.rule: {g.get('rule')!r} is not a text")
    diff(p, "elements", doc.get("elements"), t["elements"])
    diff(p, "beyond_len", doc.get("beyond_len"), t["beyond_len"])
    if doc.get("shared_with") is None:
        p.append("shared_with is missing")
    else:
        diff(p, "shared_with", sorted(doc["shared_with"]), sorted(shared_with))
    return p


def check_slice(name):
    def check(doc, ctx):
        t = find(ctx.truth, "slices", name)
        return unavailable(doc, t, ctx) or slice_problems(doc, t, ctx, [])
    return check


def check_group(index):
    """`golayout slice A B ...`: every slice, then the backing arrays they
    share (matched by their members) and where their elements overlap."""
    def check(doc, ctx):
        g = ctx.truth["groups"][index]
        ts = [find(ctx.truth, "slices", n) for n in g["exprs"]]
        docs = doc.get("slices")
        if g["scope"] == "local" and ctx.opt:
            # A slice of the group optimized away: its own document says so
            # (one per expression, in order); the command's document too
            # when it could not start.
            errs = [(d, n) for d, n in zip(docs or [], g["exprs"])
                    if isinstance(d, dict) and d.get("error") is not None]
            if doc.get("error") is not None and not errs:
                errs = [(doc, n) for n in g["exprs"]][:1]
            if errs:
                return [q for d, n in errs for q in check_unavailable(d, ctx, n)]
        p = []
        if not no_error(doc, p):
            return p
        diff(p, "kind", doc.get("kind"), "slices")
        if not isinstance(docs, list) or len(docs) != len(ts):
            return p + [f"slices: {len(docs) if isinstance(docs, list) else docs!r} documents, "
                        f"want {len(ts)}"]
        for d, t in zip(docs, ts):
            p += [f"{t['name']}: {x}" for x in slice_problems(d, t, ctx, g["shared_with"][t["name"]])
                  if not x.startswith("note: ")]
        arrays = doc.get("arrays")
        if not isinstance(arrays, list):
            return p + [f"arrays: {arrays!r} is not a list"]
        got = {}
        for a in arrays:
            key = tuple(sorted(m.get("expr") for m in a.get("slices") or []))
            got[key] = a
        want = {tuple(sorted(m["expr"] for m in a["slices"])): a for a in g["arrays"]}
        diff(p, "arrays (by their slices)", sorted(got), sorted(want))
        for key in sorted(set(got) & set(want)):
            a, w = got[key], want[key]
            what = f"array of {' '.join(key)}"
            diff_addr(p, f"{what}: base", a.get("base"), w["base"])
            diff_addr(p, f"{what}: end", a.get("end"), w["end"])
            diff(p, f"{what}: elem_size", a.get("elem_size"), w["elem_size"])
            mk = ("expr", "start", "len", "cap")
            diff(p, f"{what}: slices",
                 sorted(({k: m.get(k) for k in mk} for m in a.get("slices") or []), key=str),
                 sorted(({k: m[k] for k in mk} for m in w["slices"]), key=str))
            gov = []
            for o in a.get("overlaps") or []:
                gov.append({"a": o.get("a"), "b": o.get("b"), "from": hexint(o.get("from")),
                            "to": hexint(o.get("to")), "elements": o.get("elements"),
                            "a_range": o.get("a_range"), "b_range": o.get("b_range")})
            wov = [{"a": o["a"], "b": o["b"], "from": o["from"], "to": o["to"],
                    "elements": o["elements"], "a_range": o["a_range"], "b_range": o["b_range"]}
                   for o in w["overlaps"]]
            diff(p, f"{what}: overlaps", sorted(gov, key=str), sorted(wov, key=str))
        return p
    return check


# ----------------------------------------------------------------- string

def string_problems(p, doc, t, ctx):
    check_header_address(p, doc, t, ctx)
    diff_addr(p, "data", doc.get("data"), t["data"])
    diff(p, "len", doc.get("len"), t["len"])
    diff(p, "hex", doc.get("hex"), t["hex"])
    diff(p, "valid_utf8", doc.get("valid_utf8"), t["valid_utf8"])
    if t["valid_utf8"]:
        diff(p, "text", doc.get("text"), t["text"])
    elif doc.get("text") != t["text"]:
        # The truth's text is encoding/json's (each invalid byte becomes
        # U+FFFD): only the hex is the whole truth here.
        p.append(f"note: text {doc.get('text')!r}, encoding/json has {t['text']!r}")
    check_home(p, "home", doc.get("home"), t["home"])


def check_string(name):
    return header_check("strings", "string", name, string_problems)


# ------------------------------------------------------------------ iface

def iface_problems(p, doc, t, ctx):
    check_header_address(p, doc, t, ctx)
    diff(p, "empty_interface", doc.get("empty_interface"), t["empty_interface"])
    word = "type_word" if t["empty_interface"] else "itab"
    diff_addr(p, word, doc.get(word), t["word0"])
    diff_addr(p, "data", doc.get("data"), t["data"])
    diff(p, "nil", doc.get("nil"), t["nil"])
    diff(p, "dynamic_type", doc.get("dynamic_type"), t["dynamic_type"])
    if not t["nil"]:
        diff(p, "indirect", doc.get("indirect"), t["indirect"])
    diff(p, "value", doc.get("value"), t["value"])


def check_iface(name):
    return header_check("ifaces", "iface", name, iface_problems)


# ------------------------------------------------------------------- chan

def chan_problems(p, doc, t, ctx):
    diff(p, "nil", doc.get("nil"), t["nil"])
    if doc.get("variable_address") is not None or not (t["scope"] == "local" and ctx.opt):
        diff_addr(p, "variable_address", doc.get("variable_address"), t["address"])
    if t["nil"]:
        return p
    diff_addr(p, "address (of the hchan)", doc.get("address"), t["hchan"])
    diff(p, "qcount", doc.get("qcount"), t["len"])
    diff(p, "dataqsiz", doc.get("dataqsiz"), t["cap"])
    diff_addr(p, "buf", doc.get("buf"), t["buf"])
    diff(p, "elemsize", doc.get("elemsize"), t["elem_size"])
    diff(p, "elem_type", doc.get("elem_type"), t["elem_type"])
    diff(p, "closed", doc.get("closed"), t["closed"])
    diff(p, "sendx", doc.get("sendx"), t["sendx"])
    diff(p, "recvx", doc.get("recvx"), t["recvx"])
    diff(p, "waiting_receivers", doc.get("waiting_receivers"), t["waiting_receivers"])
    diff(p, "waiting_senders", doc.get("waiting_senders"), t["waiting_senders"])
    diff(p, "buffer", doc.get("buffer"), t["queue"])
    want = []
    for i in range(t["cap"]):
        k = (i - t["recvx"]) % t["cap"]
        s = {"index": i, "address": t["buf"] + i * t["elem_size"], "queued": k < t["len"]}
        if k < t["len"]:
            s["value"] = t["queue"][k]
        want.append(s)
    got = []
    for s in doc.get("slots") or []:
        g = {"index": s.get("index"), "address": hexint(s.get("address")), "queued": s.get("queued")}
        if "value" in s:
            g["value"] = s["value"]
        got.append(g)
    if got != want:
        p.append(f"slots: got {got!r}, want {want!r}")


def check_chan(name):
    return header_check("chans", "chan", name, chan_problems)


# ------------------------------------------------------------------ cases

def cases(truth):
    """The session's steps, from a truth of the same binary (a run without
    debugger: the checks themselves use the truth of the debugger run)."""
    cs = [select_frame(0, "main.stopHere"), select_frame(1, "main.locals")]
    for scope in ("local", "global"):
        for s in truth["slices"]:
            if s["scope"] == scope:
                cs.append(Case(f"slice {s['name']}", f"golayout slice {s['name']} --json",
                               check_slice(s["name"])))
        for i, g in enumerate(truth["groups"]):
            if g["scope"] == scope:
                cs.append(Case(f"slice {' '.join(g['exprs'])} ({g['what']})",
                               f"golayout slice {' '.join(g['exprs'])} --json", check_group(i)))
        for s in truth["strings"]:
            if s["scope"] == scope:
                cs.append(Case(f"string {s['name']}", f"golayout string {s['name']} --json",
                               check_string(s["name"])))
        for s in truth["ifaces"]:
            if s["scope"] == scope:
                cs.append(Case(f"iface {s['name']}", f"golayout iface {s['name']} --json",
                               check_iface(s["name"])))
        for s in truth["chans"]:
            if s["scope"] == scope:
                cs.append(Case(f"chan {s['name']}", f"golayout chan {s['name']} --json",
                               check_chan(s["name"])))
    m, i, sl = truth["err_map"], truth["err_int"], truth["err_slice"]
    cs += [Case(f"error: slice of a map ({m})", f"golayout slice {m} --json",
                check_error("not a slice", "map[string]int")),
           Case(f"error: slice of an int ({i})", f"golayout slice {i} --json",
                check_error("not a slice", "int")),
           Case(f"error: string of an int ({i})", f"golayout string {i} --json",
                check_error("not a string", "int")),
           Case(f"error: chan of a slice ({sl})", f"golayout chan {sl} --json",
                check_error("not a channel", "[]int")),
           Case(f"error: iface of a slice ({sl})", f"golayout iface {sl} --json",
                check_error("not an interface", "[]int")),
           Case(f"error: slice of an array ({truth['err_array']})",
                f"golayout slice {truth['err_array']} --json",
                check_error("not a slice", "[8]int"))]
    return cs


# ------------------------------------------------- binaries without DWARF

def at_address(check, expr, name, cmd):
    """check of a variable asked about by its address (-s -w): the
    document names the address given, where the checks want the name; and
    a slice's growth may be absent (the runtime's size classes are a
    global, which cannot be found without a symbol table; zero-size
    elements need none): when present it is checked."""
    def c(doc, ctx):
        p = []
        diff(p, "expr", doc.get("expr"), expr)
        d = dict(doc, expr=name)
        return p + [q for q in check(d, ctx) if not (cmd == "slice" and q.startswith("growth: None "))]
    return c


def nodwarf_cases(truth, cfg):
    """A binary without DWARF (-w; -s -w through stripped_cases): every
    global slice, string, interface and channel by `CMD EXPR --type TYPE`,
    TYPE the program's own static type in Go syntax, resolved through the
    runtime's type descriptors (composed when none has it: []T from T),
    against the same truth as with DWARF. EXPR is the global's name
    (symbol table), or on -s -w its address from the truth."""
    cs = [] if cfg.mode == "stripped" else [select_frame(0, "main.stopHere")]
    for key, cmd, check in (("slices", "slice", check_slice), ("strings", "string", check_string),
                            ("ifaces", "iface", check_iface), ("chans", "chan", check_chan)):
        for s in truth[key]:
            if s["scope"] != "global" or not s["name"].replace(".", "").replace("_", "").isalnum():
                continue  # (paths such as gStrs[2]: --type names the global's type)
            expr = nodwarf_expr(s, cfg)
            c = check(s["name"]) if expr == s["name"] else at_address(check(s["name"]), expr, s["name"], cmd)
            cs.append(Case(f"{cmd} {s['name']} --type '{s['type']}' (no DWARF)",
                           f"golayout {cmd} {expr} --type '{s['type']}' --json", c))
    cs.append(Case("error: a type the program has nowhere (no DWARF)",
                   "golayout slice 0x1000 --type '[]main.NoSuchType' --json",
                   check_error("no type named main.NoSuchType")))
    return cs


stripped_cases = nodwarf_cases
