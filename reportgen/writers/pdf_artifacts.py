"""Page furniture (running header, "Page 2 of 7") marked as artifacts, as PDF/UA asks.

WeasyPrint tags the content of page margins as marked content with an MCID
but leaves its structure elements out of the document's tree (WeasyPrint
issue #1836, open): the content is then neither real content a screen reader
reaches through the tree nor an artifact it knows to skip, which PDF/UA-1
(ISO 14289-1, 7.1) does not allow and checkers report on every page. The PDF
Association's advice is to mark running headers and footers as artifacts.

So after WeasyPrint writes a PDF, every marked-content sequence whose
structure element is not reachable from the tree's root becomes
``/Artifact <</Type /Pagination>> BDC`` and its ParentTree slot is emptied.
Only pages that have such content are rewritten, and the content drawn is
unchanged.
"""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name

_PAGINATION = Dictionary(Type=Name.Pagination)
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def mark_page_furniture(pdf: pikepdf.Pdf) -> int:
    """Turn marked content outside the structure tree into pagination artifacts; how many were marked."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return 0
    in_tree = _reachable(root)
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    marked = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parent_tree:
            continue
        slots = parent_tree[int(key)]
        if not isinstance(slots, Array):
            continue
        outside = {mcid for mcid, element in enumerate(slots)
                   if isinstance(element, Dictionary) and element.objgen not in in_tree}
        if outside:
            marked += _mark(pdf, page, outside)
            for mcid in outside:
                slots[mcid] = None
    return marked


def _reachable(root: Dictionary) -> set[tuple[int, int]]:
    """The structure elements reached from the tree's root through /K."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(node)
        elif isinstance(node, Dictionary) and "/S" in node and node.objgen not in seen:
            seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""How WeasyPrint opens a marked-content sequence: ``/Span <</MCID 36>> BDC``."""


def _mark(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> int:
    """Rewrite the page's content with ``mcids`` opened as artifacts; how many were rewritten.

    The fast path edits the content stream's bytes where WeasyPrint's own form
    of the operator is found once for each id; anything else (a content
    stream in parts, another writer's form) is parsed and written again whole.
    """
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        found = [m for m in _MARKED.finditer(data) if int(m.group(1)) in mcids]
        if sorted(int(m.group(1)) for m in found) == sorted(mcids):
            edited = _MARKED.sub(lambda m: _ARTIFACT if int(m.group(1)) in mcids else m.group(0), data)
            contents.write(edited)
            return len(found)
    instructions = []
    marked = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("BDC") and len(operands) == 2 and isinstance(operands[1], Dictionary) \
                and "/MCID" in operands[1] and int(operands[1].MCID) in mcids:
            operands = [Name.Artifact, _PAGINATION]
            marked += 1
        instructions.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return marked
