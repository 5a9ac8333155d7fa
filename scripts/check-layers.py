#!/usr/bin/env python3
"""Check the core's layering from the symbols of its built objects.

    scripts/check-layers.py [BUILD_DIR]      (default: build)

The core lives in one folder per layer, lowest first:

    base -> target -> gotypes -> runtime -> eval -> fmt -> view -> doc -> render -> commands

An object may use symbols defined in its own layer or a lower one. The check
reads `nm` of BUILD_DIR/core/<layer>/*.o and fails (exit 1), printing one
line per problem, when
  - an object uses a symbol of a higher layer (an upward call);
  - objects form a cycle (within a layer too): each cycle is printed once;
  - an object outside target/dwarfinfo uses libdwarf;
  - an object outside doc/ and commands/ uses jansson (decoders return typed
    models; text renders those models, not the JSON).
Exit 2 on usage errors (no objects, unknown layer folder).
"""

import os
import subprocess
import sys
from pathlib import Path

LAYERS = ["base", "target", "gotypes", "runtime", "eval", "fmt", "view", "doc", "render", "commands"]
RANK = {name: i for i, name in enumerate(LAYERS)}
# Which objects may call a library directly.
LIBDWARF_USER = "target/dwarfinfo"
JSON_USERS = ("doc", "commands")


def nm(path, *flags):
    out = subprocess.run(["nm", *flags, str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.strip()]


def load(build):
    root = Path(build) / "core"
    objs = sorted(root.glob("*/*.o"))
    if not objs:
        sys.exit(f"check-layers: no objects under {root} (run make first)")
    defined, undefined = {}, {}
    for o in objs:
        layer = o.parent.name
        if layer not in RANK:
            sys.exit(f"check-layers: {o.parent} is not a layer ({', '.join(LAYERS)})")
        name = f"{layer}/{o.stem}"
        for sym in nm(o, "-g", "--defined-only"):
            defined.setdefault(sym, name)
        undefined[name] = nm(o, "-u")
    return defined, undefined


def cycles(edges):
    """Strongly connected components with more than one object (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check(build):
    defined, undefined = load(build)
    problems, edges = [], {}
    for obj, syms in sorted(undefined.items()):
        layer = obj.split("/")[0]
        libdwarf = [s for s in syms if s.startswith("dwarf_") and s not in defined]
        if libdwarf and obj != LIBDWARF_USER:
            problems.append(f"{obj} calls libdwarf ({', '.join(libdwarf[:3])}...): only {LIBDWARF_USER} may")
        jansson = [s for s in syms if s.startswith("json_") and s not in defined]
        if jansson and layer not in JSON_USERS:
            problems.append(f"{obj} uses JSON ({', '.join(jansson[:3])}...): "
                            "only doc/ and commands/ may")
        for sym in syms:
            dep = defined.get(sym)
            if dep is None:
                continue
            if dep == obj:
                continue
            edges.setdefault(obj, set()).add(dep)
            dlayer = dep.split("/")[0]
            if RANK[dlayer] > RANK[layer]:
                problems.append(f"{obj} ({layer}) uses {sym} of {dep} ({dlayer}): a higher layer")
    for comp in cycles(edges):
        problems.append(f"cycle among {len(comp)} objects: " + ", ".join(comp))
    return problems


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    problems = check(build)
    for p in problems:
        print(f"check-layers: {p}")
    if problems:
        print(f"check-layers: {len(problems)} problem(s)")
        return 1
    print(f"check-layers: ok ({' -> '.join(LAYERS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
