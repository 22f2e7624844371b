"""House-style numbering applied to the model before any writer runs.

Numbers are computed once, here, and written as text by every writer, so the
Word draft, the PDF and the web page number paragraphs and figures the same.
"""

from __future__ import annotations

from dataclasses import replace

from reportgen import model as m


def number_paragraphs(document: m.Document) -> m.Document:
    """Number the sections (``2.``) and their body paragraphs (``2.1``, ``2.2`` ...).

    Only level-2 headings start a numbered section; paragraphs before the first
    one (the header block) and paragraphs with a role (notices, notes) are not
    numbered, following the usual committee-report convention.
    """
    section = 0
    para = 0
    blocks: list[m.Block] = []
    for block in document.blocks:
        if isinstance(block, m.Heading) and block.level == 1:
            section, para = 0, 0
        elif isinstance(block, m.Heading) and block.level == 2:
            section += 1
            para = 0
            block = replace(block, content=(m.Text(f"{section}. "), *block.content))
        elif isinstance(block, m.Paragraph) and section and block.role is None:
            para += 1
            block = replace(block, number=f"{section}.{para}")
        blocks.append(block)
    return replace(document, blocks=tuple(blocks))


def number_figures(document: m.Document) -> m.Document:
    """Give every figure a number in document order, for "Figure 2: ..." captions."""
    count = 0
    blocks: list[m.Block] = []
    for block in document.blocks:
        if isinstance(block, m.Figure):
            count += 1
            block = replace(block, number=count)
        blocks.append(block)
    return replace(document, blocks=tuple(blocks))
