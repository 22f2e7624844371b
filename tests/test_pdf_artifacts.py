"""Marked content outside the structure tree becomes a pagination artifact; content in the tree is untouched."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from reportgen.writers.pdf_artifacts import mark_page_furniture

BODY = b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Minutes) Tj ET EMC\n"
HEADER = b"/Span\n<</MCID 1>>\nBDC BT /F1 9 Tf 72 800 Td (Page 1 of 1) Tj ET EMC\n"


def tagged(contents_in_parts: bool) -> pikepdf.Pdf:
    """One page: a paragraph in the tree (MCID 0) and a header whose element the tree does not reach (MCID 1)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    if contents_in_parts:  # another writer's layout: the fast path must not apply
        page.obj.Contents = Array([pdf.make_stream(BODY), pdf.make_stream(HEADER)])
    else:
        page.obj.Contents = pdf.make_stream(BODY + HEADER)
    page.obj.StructParents = 0
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    paragraph = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=0))
    header = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Span, P=document, Pg=page.obj, K=1))
    document.K = Array([paragraph])
    root.K = Array([document])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array([paragraph, header])])))
    root.ParentTreeNextKey = 1
    pdf.Root.StructTreeRoot = root
    return pdf


@pytest.mark.parametrize("contents_in_parts", [False, True], ids=["weasyprint's form", "content in parts"])
def test_only_the_content_outside_the_tree_becomes_an_artifact(contents_in_parts, monkeypatch):
    pdf = tagged(contents_in_parts)
    if not contents_in_parts:  # WeasyPrint's own form is edited in place, never parsed (a fifth of a PDF's time)
        monkeypatch.setattr("reportgen.writers.pdf_artifacts.pikepdf.parse_content_stream", None)
    assert mark_page_furniture(pdf) == 1
    monkeypatch.undo()
    out = io.BytesIO()
    pdf.save(out)
    with pikepdf.open(out) as reread:
        opened = [(operands[0], dict(operands[1].items()) if len(operands) > 1 else None)
                  for operands, operator in pikepdf.parse_content_stream(reread.pages[0])
                  if str(operator) == "BDC"]
        slots = pikepdf.NumberTree(reread.Root.StructTreeRoot.ParentTree)[0]
        assert opened == [(Name.P, {"/MCID": 0}), (Name.Artifact, {"/Type": Name.Pagination})]
        assert slots[0].S == Name.P and slots[1] is None
        assert "(Page 1 of 1) Tj" in pikepdf.unparse_content_stream(
            pikepdf.parse_content_stream(reread.pages[0])).decode()  # drawn as before


def test_an_untagged_pdf_is_left_as_it_is():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    assert mark_page_furniture(pdf) == 0
