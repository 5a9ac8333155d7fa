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


def _text(el) -> str:
    return "".join(el.itertext())


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
                if c.tag == NS + "text" and c.attrib.get("class") != "off":
                    reg.texts.append(_text(c))
                elif c.tag == NS + "rect" and c.attrib.get("class", "").startswith("row "):
                    reg.rows.append((c.attrib["class"][4:], int(c.attrib["data-off"]),
                                     int(c.attrib["data-size"])))
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


def of_command(doc, ctx, name, problems) -> "Picture | None":
    """The picture `name` in the session's directory (ctx.outdir) of a
    command whose document is doc: None, with the problems said, when the
    command failed or the file is not a valid picture."""
    from harness import no_error
    if not no_error(doc, problems):
        return None
    return load(Path(ctx.outdir) / name, problems)
