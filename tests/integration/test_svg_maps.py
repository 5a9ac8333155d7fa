"""--svg and --out on the `maps` fixture: the picture of a map (checked by
xmllint and rsvg-convert, then read back) against the JSON document of the
same command and the fixture's truth: the header at the map's address,
one region per bucket (with its overflow and old buckets) or per table
and group drawn, the header's pointer arrow into the buckets, directory or
group, every entry of the truth as "key: value", tombstones, the elision
of what --limit leaves out; then --out: one JSONL document per run,
appended, and %n numbering the files of each run (shared by --out and
--svg of one command), and a directory refused in one line."""

import json
from pathlib import Path

import svgcheck
from harness import Case, diff

FIXTURE = "maps"


def find_map(truth, name):
    return next(m for m in truth["maps"] if m["name"] == name)


def header_value(doc, name):
    f = next((f for f in doc.get("header", []) if f["name"] == name), None)
    return int(str(f["value"]), 0) if f else None


def check_regions(p, pic, doc):
    """One region per bucket/group of the document, at its address."""
    if doc["impl"] == "classic":
        for key, kind in (("buckets", "bucket"), ("old_buckets", "bucket old")):
            bs = doc.get(key) or []
            drawn = [r for r in pic.regions if r.kind == kind]
            diff(p, f"{key} drawn", len(drawn), len(bs))
            for b in bs:
                if not any(r.addr == int(b["address"], 16) for r in drawn):
                    p.append(f"{key[:-1]} {b['index']} at {b['address']} is not drawn")
        chained = sum(len(b["chain"]) - 1 for b in (doc.get("buckets") or []) + (doc.get("old_buckets") or []))
        diff(p, "overflow buckets drawn", len([r for r in pic.regions if r.kind == "bucket overflow"]), chained)
    else:
        groups = [g for t in doc.get("tables", []) for g in t.get("groups", [])]
        diff(p, "groups drawn", len(pic.of("group")), len(groups))
        for g in groups:
            r = pic.at(int(g["address"], 16), "group")
            if r is None:
                p.append(f"group {g['index']} at {g['address']} is not drawn")
            elif not any(f"ctrl 0x{int(g['ctrl'], 16):016x}" in t for t in r.texts):
                p.append(f"group {g['index']}: ctrl {g['ctrl']} not in {r.texts[:2]}")
        tables = [t for t in doc.get("tables", []) if t.get("address")]
        diff(p, "tables drawn", len(pic.of("table")), len(tables))


def check_header_arrow(p, pic, doc, truth_map):
    hdr = pic.at(truth_map["address"], "header")
    if hdr is None:
        p.append(f"no header region at the map's address {truth_map['address']:#x}")
        return
    target = header_value(doc, "buckets" if doc["impl"] == "classic" else "dirPtr")
    to = pic.at(target) if target else None
    if to is None:
        p.append(f"no region at the header's pointer {target!r}")
    elif (hdr.id, to.id) not in pic.arrows:
        p.append(f"no arrow from the header ({hdr.id}) to {to.kind} {to.id}")


def drawn(pic, entry):
    """Whether a slot row shows entry ("key: value")."""
    return any(svgcheck.reads(t[t.find(" full  ") + len(" full  "):], entry) for t in pic.texts if " full  " in t)


def check_map_svg(name, all_shown):
    def check(p, pic, doc, ctx):
        m = find_map(ctx.truth, name)
        check_regions(p, pic, doc)
        check_header_arrow(p, pic, doc, m)
        if not pic.has_text(f"{m['len']} entries"):
            p.append(f"the title does not say {m['len']} entries")
        if all_shown:
            missing = [f"{k}: {v}" for k, v in m["entries"] if not drawn(pic, f"{k}: {v}")]
            if missing:
                p.append(f"{len(missing)} of {len(m['entries'])} entries not drawn, e.g. {missing[:3]}")
            if doc["impl"] == "swiss":
                deleted = sum(1 for r in pic.of("group") for row in r.rows if row[0] == "deleted")
                diff(p, "tombstone slots drawn", deleted, m["tombstones"])
        else:
            shown, total = ((doc["buckets_shown"], doc["buckets_total"]) if doc["impl"] == "classic"
                            else (doc["groups_shown"], doc["groups_total"]))
            what = "buckets" if doc["impl"] == "classic" else "groups"
            if shown < total and not pic.has_text(f"{shown} of {total} {what} drawn"):
                p.append(f"no elision saying {shown} of {total} {what} drawn")
    return svgcheck.checker(f"{name}.svg", check)


def jsonl(path):
    """The documents of a JSONL file, one per line."""
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def printed(text):
    """What the command printed: the output without LLDB's echo of the
    commands it runs."""
    return "\n".join(l for l in text.splitlines() if not l.startswith("(lldb) ")).strip()


def check_out(n, name):
    """A run with --out and --svg, both with %n: nothing printed, and the
    run's two files numbered n."""
    def check(text, ctx):
        p = []
        if printed(text):
            p.append(f"printed {printed(text)[:200]!r}, want nothing (the output went to the file)")
        m = find_map(ctx.truth, name)
        out = Path(ctx.outdir) / f"sum-{n}.jsonl"
        if not out.is_file():
            return p + [f"{out.name} was not written"]
        docs = jsonl(out)
        diff(p, f"documents in {out.name}", len(docs), 1)
        for d in docs:
            diff(p, "count", d.get("count"), m["len"])
            diff(p, "address", d.get("address"), f"0x{m['address']:x}")
            diff(p, "summary_only", d.get("summary_only"), True)
        pic = svgcheck.load(Path(ctx.outdir) / f"sum-{n}.svg", p)
        if pic and pic.at(m["address"], "header") is None:
            p.append(f"sum-{n}.svg has no header region at {m['address']:#x}")
        return p
    return check


def check_appended(count, name):
    def check(text, ctx):
        p = []
        if printed(text):
            p.append(f"printed {printed(text)[:200]!r}, want nothing")
        path = Path(ctx.outdir) / "all.jsonl"
        docs = jsonl(path) if path.is_file() else []
        diff(p, "documents appended to all.jsonl", len(docs), count)
        m = find_map(ctx.truth, name)
        for d in docs:
            diff(p, "count", d.get("count"), m["len"])
        return p
    return check


def check_refused(doc, ctx):
    p = []
    diff(p, "error_code", doc.get("error_code"), "output")
    if "a directory, not a regular file" not in (doc.get("error") or ""):
        p.append(f"error {doc.get('error')!r} does not say the target is a directory")
    return p


def cases(truth):
    cs = []
    for name, extra in (("gSmall", ""), ("gDeleted", " --all"), ("gGrow", ""), ("gIndKey", " --all")):
        cs.append(Case(f"map {name}{extra} --svg", f"golayout map {name} --json{extra} --svg {{outdir}}/{name}.svg",
                       check_map_svg(name, bool(extra) or name == "gSmall")))
    for n in (1, 2):
        cs.append(Case(f"map --summary --out/--svg with %n (run {n})",
                       "golayout map gSmall --summary --json --out {outdir}/sum-%n.jsonl --svg {outdir}/sum-%n.svg",
                       check_out(n, "gSmall"), raw=True))
    for n in (1, 2):
        cs.append(Case(f"map --summary --out appends (run {n})",
                       "golayout map gSmall --summary --json --out {outdir}/all.jsonl",
                       check_appended(2, "gSmall"), raw=True))
    cs.append(Case("map --svg DIRECTORY refused", "golayout map gSmall --json --svg {outdir}", check_refused))
    return cs
