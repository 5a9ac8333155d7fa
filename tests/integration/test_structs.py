"""Checks on the `structs` fixture: struct layouts, frame variables, globals,
paths and errors. Names and values all come from the fixture's truth file
(see tests/fixtures/structs/main.go), so a new type, local or global there
is tested without a change here."""

import dataclasses
import json
import threading
from pathlib import Path

import harness
from harness import (Case, select_frame, diff, no_error, compare_fields, find_type,
                     find_var, find_global, check_value, check_struct, check_error,
                     holes, hexint, load_bias, nodwarf_expr, LAYOUT_KEYS)

FIXTURE = "structs"


# ------------------------------------------------------------ core files

_lock = threading.Lock()
_memo = {}


def _tmpdir():
    return harness.module_tmpdir("structs")


def write_core(ctx):
    """(core path, truth) of one gdb session of ctx.binary stopped at
    main.stopHere that wrote a core with gcore: one core per binary, for
    its gdb and its LLDB session."""
    with _lock:
        ent = _memo.setdefault(str(ctx.binary), {"lock": threading.Lock()})
    with ent["lock"]:
        if "v" not in ent:
            tmp = _tmpdir()
            truth, core = Path(tmp) / "truth.json", Path(tmp) / "core"
            out, rc, _ = harness.run_debugger(harness.gdb_argv(
                harness.gdb_launch_lines(truth) + [f"gcore {core}", "kill"], ctx.binary))
            if not core.exists():
                ent["v"] = (None, f"gdb's gcore wrote no core (exit {rc}): {out[-400:]}")
            else:
                harness.register_core(core)
                try:
                    ent["v"] = ((core, json.loads(truth.read_text())), None)
                except (OSError, ValueError) as e:
                    ent["v"] = (None, f"no truth from the gdb session that wrote the core: {e}")
    if ent["v"][1]:
        raise RuntimeError(ent["v"][1])
    return ent["v"][0]


def core_globals(truth):
    """(command, check) of every global: its value, and its struct layout
    when it is a struct; the well-known types (time.Time, net.IP,
    netip.Addr, contexts, strings.Builder, bytes.Buffer, big.Int, the sync
    locks, atomics) are globals."""
    out = []
    for g in truth["globals"]:
        lookup = (lambda n: lambda tr: find_global(tr, n))(g["name"])
        out.append((f"golayout value {g['name']} --json", check_value(lookup)))
        if "fields" in g:
            out.append((f"golayout struct {g['name']} --json", check_struct(lookup)))
    return out


def check_core(_, ctx):
    """The globals' checks of the live session, on a core of the same stop
    loaded in ctx.debugger, against the truth of the run that wrote it."""
    try:
        core, truth = write_core(ctx)
    except RuntimeError as e:
        return [str(e)]
    todo = core_globals(truth)
    docs, err = harness.core_documents(ctx, core, [c for c, _ in todo], _tmpdir())
    if err:
        return [err]
    c2 = dataclasses.replace(ctx, truth=truth)
    p = []
    for (cmd, chk), d in zip(todo, docs):
        p += [f"{cmd}: {x}" for x in chk(d, c2) if not x.startswith("note: ")]
    return p + [f"note: {len(docs)} commands on the core"]


# ------------------------------------------------------- computed layouts

def align_up(n, a):
    return (n + a - 1) // a * a


def layout_size(fields):
    """Size of a struct with these fields in this order, laid out the way Go
    does: each field at the next multiple of its alignment, one more byte
    after a trailing zero-size field of a non-empty struct, then rounded up
    to the largest alignment."""
    off = 0
    for f in fields:
        off = align_up(off, f["align"]) + f["size"]
    if off > 0 and fields and fields[-1]["size"] == 0:
        off += 1
    return align_up(off, max([f["align"] for f in fields] + [1]))


def check_best_order(p, doc, t):
    """golayout's best size is the smallest of every field order (the
    fixture tried them all: truth best_size), and its best_order, laid out,
    has that size."""
    diff(p, "best_size (vs every order tried by the fixture)", doc.get("best_size"), t["best_size"])
    by_name = {f["name"]: f for f in t["fields"]}
    order = doc.get("best_order") or []
    if sorted(order) != sorted(by_name):
        p.append(f"best_order {order!r} is not an order of the fields {sorted(by_name)!r}")
    else:
        diff(p, f"size of best_order {order!r}", layout_size([by_name[n] for n in order]),
             t["best_size"])


# ----------------------------------------------------------------- checks

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
        diff(p, "pie", doc.get("pie"), ctx.cfg.pie)
        if ctx.cfg.pie:  # measured without golayout (harness.load_bias)
            diff(p, "load_bias", hexint(doc.get("load_bias")), load_bias(ctx))
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
            diff(p, "size by Go's rules (fixture's field order)", layout_size(t["fields"]), t["size"])
            check_best_order(p, doc, t)
        return p
    return check


# ------------------------------------------------------------------ cases

def var_cases(name, lookup, where="", may_be_unavailable=False, is_struct=False):
    cs = [Case(f"value {name}{where}", f"golayout value {name} --json",
               check_value(lookup, may_be_unavailable))]
    if is_struct:
        cs.append(Case(f"struct {name}{where}", f"golayout struct {name} --json",
                       check_struct(lookup, may_be_unavailable)))
    return cs


def check_undeclared(all_vars):
    """Every frame of `golayout stack`: a local is listed only when its
    decl_line is at or before the frame's line, and the others are
    counted in vars_not_yet_declared; with --all-vars they are listed,
    each marked not_yet_declared. In a -N -l build main.main must have one
    (`later`, declared after the call chain)."""
    def check(doc, ctx):
        p, later = [], 0
        for f in doc.get("frames") or []:
            line = f.get("line") or 0
            hidden = [v for v in f.get("vars") or [] if not v.get("param") and (v.get("decl_line") or 0) > line]
            marked = [v for v in f.get("vars") or [] if v.get("not_yet_declared")]
            if all_vars:
                diff(p, f"{f.get('func')}: vars marked not_yet_declared", [v["name"] for v in marked],
                     [v["name"] for v in hidden])
                later += len(marked)
            else:
                if hidden:
                    p.append(f"{f.get('func')} line {line}: listed though declared later: "
                             f"{[(v['name'], v.get('decl_line')) for v in hidden]}")
                later += f.get("vars_not_yet_declared") or 0
            # (an optimized build may drop `later` from the DWARF)
            if f.get("func") == "main.main" and not ctx.opt and \
                    not (marked if all_vars else f.get("vars_not_yet_declared")):
                p.append(f"main.main line {line}: no local declared after it (the fixture declares later)")
        return p
    return check


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
    # debugger: globals do not move (run_fixture runs a PIE with address
    # randomisation off, as the debuggers do).
    gp = find_global(truth, "main.gPadded")["address"]
    cs.append(Case(f"struct 0x{gp:x} --type main.Padded",
                   f"golayout struct 0x{gp:x} --type main.Padded --json",
                   check_struct(lambda tr: find_global(tr, "main.gPadded"))))

    # Locals declared after the line a frame is at hold whatever the slot
    # held: left out of `golayout stack` (counted), shown with --all-vars.
    cs += [Case("stack: locals declared after a frame's line are left out",
                "golayout stack --json", check_undeclared(False)),
           Case("stack --all-vars: and shown, marked not_yet_declared",
                "golayout stack --all-vars --json", check_undeclared(True))]

    # The globals again on a core of this stop, gdb's gcore loaded in this
    # debugger (not under qemu-user, arm64: gcore over its gdb stub writes
    # no heap, see test_goroutines.py)
    if truth.get("goarch") != "arm64":
        cs.append(Case("core file written by gdb's gcore at main.stopHere: value of every global and "
                       "struct of the struct ones (time.Time, net.IP, netip.Addr, contexts, strings.Builder, "
                       "bytes.Buffer, big.Int, sync locks, atomics...), a separate session", check=check_core))
    cs += [Case("error: no such variable", "golayout value nosuchvar --json",
                check_error("nosuchvar")),
           Case("error: struct of an int", "golayout struct gCount --json",
                check_error("int")),
           Case("error: unreadable memory", "golayout struct 0x0 --type main.Padded --json",
                check_error()),
           # Go refuses gTwins.ID (ambiguous selector): golayout names both
           Case("error: ambiguous promoted field", "golayout value main.gTwins.ID --json",
                check_error("ambiguous", "Base.ID", "Other.ID"))]
    return cs


# ------------------------------------------------- binaries without DWARF

def nodwarf_cases(truth, cfg):
    """A binary without DWARF (-w; -s -w through stripped_cases): every
    global by `value EXPR --type TYPE` and the struct ones by `struct`,
    TYPE the program's own reflect type string, resolved through the
    runtime's type descriptors: the same checks as with DWARF (type, size,
    %v, each field's name, offset, size, type and value). EXPR is the
    global's name (symbol table), or on -s -w its address from the truth.
    Then `type T` of each recorded struct type from its descriptor."""
    cs = [] if cfg.mode == "stripped" else [select_frame(0, "main.stopHere")]
    for g in truth["globals"]:
        # Go 1.22's netip.Addr says v4 or v6 by comparing with the
        # package's global z4, which only a symbol table names
        if cfg.mode == "stripped" and "netip.Addr" in g["type"] and truth["go_version"].startswith("go1.22."):
            continue
        lookup = (lambda n: lambda tr: find_global(tr, n))(g["name"])
        expr = nodwarf_expr(g, cfg)
        cs.append(Case(f"value {g['name']} --type '{g['type']}' (no DWARF)",
                       f"golayout value {expr} --type '{g['type']}' --json", check_value(lookup)))
        if "fields" in g:
            cs.append(Case(f"struct {g['name']} --type '{g['type']}' (no DWARF)",
                           f"golayout struct {expr} --type '{g['type']}' --json", check_struct(lookup)))
    for t in truth["types"]:
        cs.append(Case(f"type {t['name']} (no DWARF)", f"golayout type {t['name']} --json",
                       check_type(t["name"])))
    return cs


stripped_cases = nodwarf_cases
