"""A tagged PDF read back as a screen reader reaches it: from StructTreeRoot, page by page, in order.

Shared by the pack's tests and the single documents' (PDF/UA: every marked
content sequence is real content in the tree or an artifact; none is left
outside both, as WeasyPrint leaves its page margins).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary


@dataclass
class Tags:
    """What a screen reader can reach in a tagged PDF."""

    page_mcids: list[list[int]]
    """Each page's marked-content ids, as its content stream marks them (BDC ... /MCID n)."""
    reading_order: list[tuple[int, int]] = field(default_factory=list)
    """(page, MCID) as a depth-first walk of /K from StructTreeRoot meets them."""
    problems: list[str] = field(default_factory=list)


def page_mcids(page: pikepdf.Page) -> list[int]:
    properties = page.obj.get("/Resources", Dictionary()).get("/Properties", Dictionary())
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC":
            props = operands[1]
            if isinstance(props, pikepdf.Name):
                props = properties.get(props)
            if isinstance(props, Dictionary) and "/MCID" in props:
                found.append(int(props.MCID))
    return found


def direct_contents(element: Dictionary, page_of: dict) -> list[tuple[int, int]]:
    """(page, MCID) of the marked content an element holds itself (not through child elements)."""
    out = []
    kids = element.get("/K", Array())
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int):
            out.append((page_of[element.Pg.objgen], kid))
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR" and "/Stm" not in kid:
            page = kid.Pg if "/Pg" in kid else element.Pg
            out.append((page_of[page.objgen], int(kid.MCID)))
    return out


def read_tags(pdf: pikepdf.Pdf) -> Tags:
    page_of = {page.objgen: i for i, page in enumerate(pdf.pages)}
    tags = Tags([page_mcids(page) for page in pdf.pages])
    root = pdf.Root.StructTreeRoot

    def walk(element: Dictionary, parent: pikepdf.Object) -> None:
        if element.P.objgen != parent.objgen:
            tags.problems.append(f"{element.S} {element.objgen}: /P is not its parent")
        tags.reading_order.extend(direct_contents(element, page_of))
        kids = element.get("/K", Array())
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and "/S" in kid:
                walk(kid, element)

    top = root.K
    for element in top if isinstance(top, Array) else [top]:
        walk(element, root)

    tree = pikepdf.NumberTree(root.ParentTree)
    keys = []
    for number, page in enumerate(pdf.pages, start=1):
        if "/StructParents" not in page.obj:
            tags.problems.append(f"page {number} has no /StructParents")
            continue
        keys.append(int(page.obj.StructParents))
        parents = tree.get(keys[-1])
        for mcid in tags.page_mcids[number - 1]:
            element = parents[mcid] if isinstance(parents, Array) and mcid < len(parents) else None
            if not isinstance(element, Dictionary) or (number - 1, mcid) not in direct_contents(element, page_of):
                tags.problems.append(f"page {number} MCID {mcid}: its ParentTree entry does not hold it")
        for annot in page.obj.get("/Annots", Array()):
            if annot.get("/Subtype") in ("/Link", "/Widget"):
                if "/StructParent" not in annot:
                    tags.problems.append(f"page {number}: a {annot.Subtype} annotation has no /StructParent")
                    continue
                keys.append(int(annot.StructParent))
                element = tree.get(keys[-1])
                kids = element.get("/K", Array()) if isinstance(element, Dictionary) else Array()
                if not any(isinstance(k, Dictionary) and k.get("/Obj") is not None and k.Obj.objgen == annot.objgen
                           for k in (kids if isinstance(kids, Array) else [kids])):
                    tags.problems.append(f"page {number}: a {annot.Subtype} annotation's element does not hold it")
    if len(set(keys)) != len(keys):
        tags.problems.append(f"ParentTree keys used twice: {sorted(keys)}")
    if keys and int(root.get("/ParentTreeNextKey", max(keys) + 1)) <= max(keys):
        tags.problems.append("ParentTreeNextKey is not after every key")
    return tags


def assert_screen_reader_reaches_every_page_in_order(path: Path) -> Tags:
    with pikepdf.open(path) as pdf:
        tags = read_tags(pdf)
    assert tags.problems == []
    reached = set(tags.reading_order)
    for page, mcids in enumerate(tags.page_mcids, start=1):
        assert mcids, f"page {page} has no marked content"
        missing = [m for m in mcids if (page - 1, m) not in reached]  # running headers are artifacts
        assert not missing, f"page {page}: MCIDs {missing} are in no structure element under StructTreeRoot"
    pages_in_order = [page for page, _ in tags.reading_order]
    assert pages_in_order == sorted(pages_in_order), "the tree does not read the pages in order"
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    return tags


def mcid_texts(path: Path) -> dict[tuple[int, int], str]:
    """Each (page, MCID)'s characters, as pdfplumber finds them."""
    import pdfplumber

    text: dict[tuple[int, int], str] = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (number, char["mcid"])
                    text[key] = text.get(key, "") + char["text"]
    return text


def text_in_reading_order(path: Path, tags: Tags) -> str:
    """The pack's text as the structure tree orders it, each MCID's characters as pdfplumber finds them."""
    text = mcid_texts(path)
    return "".join(text.get(key, "") for key in tags.reading_order)


def kids(element: Dictionary) -> list:
    found = element.get("/K", Array())
    return list(found) if isinstance(found, Array) else [found]


class TagReader:
    """A tagged PDF's structure elements and the text each holds, as a screen reader reaches them."""

    def __init__(self, path: Path) -> None:
        self.pdf = pikepdf.open(path)
        self.root = self.pdf.Root.StructTreeRoot
        self.page_of = {page.objgen: i for i, page in enumerate(self.pdf.pages)}
        self.texts = mcid_texts(path)

    def elements(self, kind: str | None = None, under: Dictionary | None = None) -> list[Dictionary]:
        """Every element reached from ``under`` (the root), depth first in reading order; of one kind ("/TH")."""
        found = []
        stack = list(reversed(kids(under if under is not None else self.root)))
        while stack:
            element = stack.pop()
            if isinstance(element, Dictionary) and "/S" in element:
                if kind is None or str(element.S) == kind:
                    found.append(element)
                stack.extend(reversed(kids(element)))
        return found

    def kids(self, element: Dictionary) -> list[Dictionary]:
        """An element's child elements (not its marked content)."""
        return [kid for kid in kids(element) if isinstance(kid, Dictionary) and "/S" in kid]

    def page(self, element: Dictionary) -> int:
        """The page (from 1) an element is drawn on."""
        return self.page_of[element.Pg.objgen] + 1

    def text(self, element: Dictionary) -> str:
        """The text an element holds, in reading order, with no whitespace (line breaks lose spaces)."""
        out = []
        for kid in kids(element):
            if isinstance(kid, Dictionary) and "/S" in kid:
                out.append(self.text(kid))
            elif isinstance(kid, int):
                out.append(self.texts.get((self.page_of[element.Pg.objgen], kid), ""))
            elif isinstance(kid, Dictionary) and "/MCID" in kid:
                page = kid.Pg if "/Pg" in kid else element.Pg
                out.append(self.texts.get((self.page_of[page.objgen], int(kid.MCID)), ""))
        return "".join("".join(out).split())


_DRAWS = {"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def untagged_drawing(path: Path) -> dict[int, Counter[str]]:
    """Page (from 1) -> the operators it draws with outside tagged content (an MCID) and outside any artifact.

    PDF/UA-1 (7.1) allows none: a screen reader can neither read nor knowingly skip what they draw.
    """
    found: dict[int, Counter[str]] = {}
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            properties = page.obj.get("/Resources", Dictionary()).get("/Properties", Dictionary())
            covering: list[bool] = []
            for instruction in pikepdf.parse_content_stream(page):
                operator, operands = str(instruction.operator), list(instruction.operands)
                if operator == "BMC":
                    covering.append(operands[0] == "/Artifact")
                elif operator == "BDC":
                    props = properties.get(operands[1]) if isinstance(operands[1], pikepdf.Name) else operands[1]
                    covering.append(operands[0] == "/Artifact" or (isinstance(props, Dictionary) and "/MCID" in props))
                elif operator == "EMC":
                    covering.pop()
                elif operator in _DRAWS and not any(covering):
                    found.setdefault(number, Counter())[operator] += 1
    return found


def claims_pdf_ua(path: Path) -> bool:
    """Whether the XMP metadata says the file conforms to PDF/UA-1 (pdfuaid:part), as checkers and readers look for."""
    with pikepdf.open(path) as pdf:
        return pdf.open_metadata().get("pdfuaid:part") == "1"
