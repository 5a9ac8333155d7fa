"""Checks of the pictures golayout writes (--svg), shared by the test
modules: every picture is well-formed (xmllint), renders (rsvg-convert),
is self-contained, and is read back as its regions (class, address, title
and row texts) and arrows (the region ids they join), so that tests can
compare it with the JSON document of the same command and the fixture's
truth."""

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

NS = "{http://www.w3.org/2000/svg}"


@dataclass
class Region:
    id: str
    kind: str         # "bucket", "group old"... (the class after "region")
    addr: int
    size: int
    texts: list = field(default_factory=list)  # title, then each row's text
    rows: list = field(default_factory=list)   # (fill class, offset, size)
    slots: list = field(default_factory=list)  # a slot grid's squares: (state, index)
    marked: list = field(default_factory=list)  # the indexes of the squares outlined
    height: int = 0   # of its outline
    scale: str = ""   # drawn to byte scale: "exact", "min" or "compressed"
    px: int = 0       # to scale: the height its bytes would be
    breaks: int = 0   # break marks (compressed)


@dataclass
class Picture:
    regions: list
    arrows: list      # (from region id, to region id or "0x..." for a stub)
    texts: list       # every text of the picture, in order

    def of(self, kind):
        """The regions of one kind (the first word of their class)."""
        return [r for r in self.regions if r.kind.split()[0] == kind]

    def at(self, addr, kind=None):
        return next((r for r in self.regions if r.addr == addr and
                     (kind is None or r.kind.split()[0] == kind)), None)

    def has_text(self, s):
        return any(s in t for t in self.texts)

    def linked(self, frm, to, problems):
        """The regions (kind, address) frm and to, joined by an arrow from
        the first to the second; None, with the problem said, when either
        is missing or no arrow joins them."""
        a, b = self.at(frm[1], frm[0]), self.at(to[1], to[0])
        if a is None or b is None:
            problems.append(f"{frm[0]} region at {frm[1]:#x}: {a}, {to[0]} region at {to[1]:#x}: {b}")
            return None
        if (a.id, b.id) not in self.arrows:
            problems.append(f"no arrow from the {frm[0]} to the {to[0]}")
        return a, b


def _text(el) -> str:
    return "".join(el.itertext())


def reads(text, want) -> bool:
    """Whether a drawn text is want: whole, or cut to its column with an
    ellipsis (a long key, value or name)."""
    return text == want or (text.endswith("\u2026") and len(text) > 8 and want.startswith(text[:-1]))


def validate(path) -> list:
    """Problems of the file as SVG: xmllint, rsvg-convert, external refs."""
    path = Path(path)
    if not path.is_file():
        return [f"{path} was not written"]
    p = []
    r = subprocess.run(["xmllint", "--noout", str(path)], capture_output=True, text=True)
    if r.returncode:
        p.append(f"xmllint: {r.stderr.strip()[:300]}")
    png = path.with_suffix(".png")
    r = subprocess.run(["rsvg-convert", "-o", str(png), str(path)], capture_output=True, text=True)
    if r.returncode:
        p.append(f"rsvg-convert: {r.stderr.strip()[:300]}")
    body = path.read_text(encoding="utf-8", errors="replace")
    for bad in ("<script", "href=", "@font-face", "<image"):
        if bad in body:
            p.append(f"not self-contained: {bad!r} in it")
    return p


def read(path) -> Picture:
    root = ET.parse(path).getroot()
    regions, arrows, texts = [], [], []
    for el in root.iter():
        if el.tag == NS + "text":
            texts.append(_text(el))
        if el.tag == NS + "path" and "data-from" in el.attrib:
            arrows.append((el.attrib["data-from"], el.attrib["data-to"]))
        cls = el.attrib.get("class", "")
        if el.tag == NS + "g" and cls.startswith("region "):
            reg = Region(el.attrib["id"], cls[len("region "):], int(el.attrib["data-addr"], 16),
                         int(el.attrib["data-size"]))
            for c in el:
                ccls = c.attrib.get("class", "")
                if c.tag == NS + "text" and ccls != "off":
                    reg.texts.append(_text(c))
                elif c.tag == NS + "rect" and ccls.startswith("row "):
                    reg.rows.append((ccls[4:], int(c.attrib["data-off"]), int(c.attrib["data-size"])))
                elif c.tag == NS + "rect" and ccls.startswith("slot "):
                    reg.slots.append((ccls[5:], int(c.attrib["data-index"])))
                elif c.tag == NS + "rect" and ccls == "slot-mark":
                    reg.marked.append(int(c.attrib["data-index"]))
                elif c.tag == NS + "rect" and ccls == "outline":
                    reg.height = int(c.attrib["height"])
                    reg.scale = c.attrib.get("data-scale", "")
                    reg.px = int(c.attrib.get("data-px", "0"))
                elif c.tag == NS + "g" and ccls == "break":
                    reg.breaks += 1
            regions.append(reg)
    return Picture(regions, arrows, texts)


def load(path, problems) -> "Picture | None":
    """Validate and read; the problems go to `problems`."""
    p = validate(path)
    problems += p
    if p:
        return None
    try:
        return read(path)
    except ET.ParseError as e:
        problems.append(f"{path}: {e}")
        return None


def checker(name, body):
    """A case's check of the picture `name` in the session's directory:
    body(problems, picture, doc, ctx) adds what is wrong to problems; it
    is not called when the command failed or the file is not a valid
    picture (those problems are said instead)."""
    def check(doc, ctx):
        p = []
        pic = of_command(doc, ctx, name, p)
        if pic is not None:
            body(p, pic, doc, ctx)
        return p
    return check


def of_command(doc, ctx, name, problems) -> "Picture | None":
    """The picture `name` in the session's directory (ctx.outdir) of a
    command whose document is doc: None, with the problems said, when the
    command failed or the file is not a valid picture."""
    from harness import no_error
    if not no_error(doc, problems):
        return None
    return load(Path(ctx.outdir) / name, problems)
