"""An existing PDF's untagged drawing, found when it is read for a pack (pack stage 1).

PDF/UA-1 (ISO 14289-1, 7.1) asks that everything a page draws is either real
content, marked and reached from the structure tree, or an artifact a screen
reader knows to skip. LibreOffice's tagged export (its PDF/UA option too)
leaves table borders and rules as bare paths outside any marked content, so
every converted Word report failed there. A path is a line, a box or a clip:
decoration, never words. So on a tagged PDF each path object outside marked
content is wrapped in ``/Artifact BMC ... EMC``. Text, images and shadings
outside marked content are real content that is not tagged: they are left as
they are and counted, and the pack does not claim PDF/UA over them.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name, Operator

_PATH = frozenset({"m", "l", "c", "v", "y", "h", "re", "W", "W*"})
"""Operators that build (or clip to) a path: a path object runs from the first to its painting operator."""
_PATH_END = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"})
_CONTENT = frozenset({"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"})
"""What draws text, images or shadings: real content when it is outside marked content."""


def mark_untagged_paths(pdf: pikepdf.Pdf) -> list[int]:
    """Wrap each path outside marked content as an artifact; the pages (from 1) still drawing untagged content.

    A page is rewritten only if it had such a path, so a PDF with none keeps
    its content streams as they were.
    """
    untagged = []
    for number, page in enumerate(pdf.pages, start=1):
        instructions, paths, content = _marked(page)
        if paths:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        if content:
            untagged.append(number)
    return untagged


def _marked(page: pikepdf.Page) -> tuple[list[object], int, int]:
    """The instructions with bare paths wrapped; how many paths were wrapped, how many draws left untagged."""
    properties = page.obj.get("/Resources", Dictionary()).get("/Properties", Dictionary())
    out: list[object] = []
    open_sequences: list[bool] = []  # for each open marked-content sequence: does it tag or mark what it holds?
    in_path = False
    paths = content = 0
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        covered = any(open_sequences)
        if operator in ("BMC", "BDC"):
            open_sequences.append(_tags_or_marks(list(instruction.operands), properties))
        elif operator == "EMC":
            if open_sequences:
                open_sequences.pop()
        elif not covered and operator in _PATH and not in_path:
            out.append(([Name.Artifact], Operator("BMC")))
            in_path = True
            paths += 1
        elif not covered and (operator in _CONTENT or (operator in _PATH_END and not in_path)):
            content += 1
        out.append(instruction)
        if in_path and operator in _PATH_END:
            out.append(([], Operator("EMC")))
            in_path = False
    return out, paths, content


def _tags_or_marks(operands: list[object], properties: Dictionary) -> bool:
    """Whether a sequence opened with these operands is an artifact or tagged content (it has an MCID)."""
    if operands[0] == Name.Artifact:
        return True
    if len(operands) < 2:
        return False
    props = operands[1]
    if isinstance(props, Name):
        props = properties.get(props)
    return isinstance(props, Dictionary) and "/MCID" in props
