"""Where the DWARF of a binary says a function's variable lives at a PC,
read with llvm-dwarfdump, independently of golayout (stdlib only).

The integration tests accept "unavailable" for an optimized-away variable
only when this reading agrees: no location list entry of the variable covers
the frame's PC (see harness.check_unavailable).

`llvm-dwarfdump --debug-info --name=FUNC --show-children` prints the
subprogram's DIE and everything under it; a variable's DW_AT_location is
either one expression (valid in the whole scope) or a list of
`[lo, hi): EXPR` entries. Dumps are cached per (binary, function).
"""

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass, field

DUMPERS = ("llvm-dwarfdump-16", "llvm-dwarfdump", "llvm-dwarfdump-14")


def dumper():
    for d in DUMPERS:
        if shutil.which(d):
            return d
    raise RuntimeError(f"none of {', '.join(DUMPERS)} is installed (scripts/install-deps.sh)")


@dataclass
class Var:
    name: str
    tag: str                    # DW_TAG_variable or DW_TAG_formal_parameter
    whole_scope: str = ""       # a single expression, valid everywhere in scope
    has_location: bool = False
    ranges: list = field(default_factory=list)  # (lo, hi, expression)

    def at(self, pc):
        """The expressions that locate the variable at pc ([] when none)."""
        if self.whole_scope:
            return [self.whole_scope]
        return [e for lo, hi, e in self.ranges if lo <= pc < hi]


DIE = re.compile(r"^0x[0-9a-f]+:( +)(DW_TAG_\w+)")
ATTR = re.compile(r"^ +(DW_AT_\w+)\t\((.*)$")
ENTRY = re.compile(r"^ +\[0x([0-9a-f]+), 0x([0-9a-f]+)\): (.*?)\)?$")


@functools.lru_cache(maxsize=None)
def function_vars(binary: str, function: str) -> tuple:
    """The variables and parameters (at any depth, lexical blocks included)
    of the DIEs named `function` in `binary` (the dump holds nothing else).
    A DIE without a name of its own (a concrete instance of an inlined
    function's abstract one) is named by its DW_AT_abstract_origin."""
    out = subprocess.run([dumper(), "--debug-info", f"--name={function}", "--show-children", binary],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    vars_, cur, in_loclist = [], None, False
    for line in out.splitlines():
        m = DIE.match(line)
        if m:
            in_loclist = False
            cur = Var("", m.group(2)) if m.group(2) in (
                "DW_TAG_variable", "DW_TAG_formal_parameter") else None
            if cur:
                vars_.append(cur)
            continue
        a = ATTR.match(line)
        if a:
            in_loclist = False
            key, val = a.groups()
            if cur is None:
                continue
            if key == "DW_AT_name":
                cur.name = val.rstrip(")").strip('"')
            elif key == "DW_AT_abstract_origin" and not cur.name:
                q = re.search(r'"([^"]*)"', val)
                cur.name = q.group(1) if q else ""
            elif key == "DW_AT_location":
                cur.has_location = True
                if re.match(r"0x[0-9a-f]+:", val):
                    in_loclist = True
                elif val.rstrip(")") != "<empty>":  # an empty expression: nowhere
                    cur.whole_scope = val.rstrip(")")
            continue
        e = ENTRY.match(line)
        if e and in_loclist and cur is not None and e.group(3) not in ("", "<empty>"):
            cur.ranges.append((int(e.group(1), 16), int(e.group(2), 16), e.group(3)))
    return tuple(v for v in vars_ if v.name)


def locations(binary, function, name, pc):
    """The DWARF expressions that locate `name` of `function` at pc, over
    every DIE of that name in the function (shadowed names, blocks), and
    whether any DIE of that name was found at all. A variable moved to the
    heap is named "&NAME" (its DIE locates the pointer to it)."""
    vs = [v for v in function_vars(str(binary), function) if v.name in (name, "&" + name)]
    return [e for v in vs for e in v.at(pc)], bool(vs)


REG_ONLY = re.compile(r"^(DW_OP_(reg\d+ \w+|regx \S+)|DW_OP_piece 0x[0-9a-f]+)$")


def register_only(expr: str) -> bool:
    """The expression puts the value (or its pieces) in registers only."""
    return all(REG_ONLY.match(op.strip()) for op in expr.split(","))


def empty_pieces(expr: str) -> list:
    """The indexes of the pieces of a composite expression that locate
    nothing (a DW_OP_piece with no operation before it: that part of the
    value is optimized out)."""
    out, ops, i = [], 0, 0
    for op in (o.strip() for o in expr.split(",")):
        if op.startswith("DW_OP_piece"):
            if not ops:
                out.append(i)
            i, ops = i + 1, 0
        elif op:
            ops += 1
    return out
