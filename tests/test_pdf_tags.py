"""The PDF's tags say what the HTML says: read back from the structure tree, compared with the HTML page.

The monthly performance report has long appendix tables that run over
several pages, header blocks and each measure's status as label-value pairs,
and captioned charts: every kind of tag ``writers/pdf_tags.py`` repairs.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from reportgen import pipeline
from tests.conftest import REPO
from tests.pdf_tags import TagReader, assert_screen_reader_reaches_every_page_in_order

pytestmark = pytest.mark.client

EXAMPLE = REPO / "examples" / "monthly-performance" / "report.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return pipeline.build(EXAMPLE, tmp_path_factory.mktemp("tags"), ["pdf", "html"])


@pytest.fixture(scope="module")
def tags(built) -> TagReader:
    return TagReader(built["pdf"])


@pytest.fixture(scope="module")
def html(built):
    return lxml.html.fromstring(built["html"].read_bytes())


def squashed(element) -> str:
    return "".join(element.text_content().split())


def html_rows(group) -> list[list[str]]:
    return [[squashed(cell) for cell in row.xpath("th|td")] for row in group.xpath("tr")]


def pdf_rows(tags: TagReader, table, kind: str) -> list[list[str]]:
    return [[tags.text(cell) for cell in tags.kids(row)]
            for group in tags.kids(table) if str(group.S) == kind for row in tags.kids(group)]


def caption(tags: TagReader, table) -> str | None:
    first = tags.kids(table)[0]
    return tags.text(first) if first.S == "/Caption" else None


def test_a_table_that_runs_onto_more_pages_is_one_table_with_its_caption_and_one_header_row(built, tags, html):
    """WeasyPrint tagged each page's part of a long table as a Table of its own (its issue #2903)."""
    expected = [(squashed(t.find("caption")), html_rows(t.find("thead")), html_rows(t.find("tbody")))
                for t in html.iter("table")]
    tables = tags.elements("/Table")
    read = [(caption(tags, t), pdf_rows(tags, t, "/THead"), pdf_rows(tags, t, "/TBody")) for t in tables]
    assert read == expected

    pages = {caption(tags, t): sorted({tags.page(row) for row in tags.elements("/TR", t)}) for t in tables}
    assert pages["Childrenlookedafterper10,000children"] == [10, 11, 12]
    assert pages["Childprotectionplansstartingthatwereasecondorsubsequentplan"] == [12, 13, 14]
    assert_screen_reader_reaches_every_page_in_order(built["pdf"])  # the header rows drawn again are artifacts


def test_header_cells_are_scoped_as_the_html_scopes_them(tags, html):
    scopes = [dict(th.A.items()).get("/Scope") for th in tags.elements("/TH")]
    assert scopes == [{"col": "/Column", "row": "/Row"}[th.get("scope")] for th in html.iter("th")]
    assert all(th.A.O == "/Table" for th in tags.elements("/TH"))


def test_every_data_cell_names_header_cells_in_its_own_table_through_the_id_tree(tags):
    """A data cell on a table's second page names the header row read on its first."""
    import pikepdf

    ids = pikepdf.NameTree(tags.root.IDTree)
    names = [name for name, _ in ids.items()]
    assert names == sorted(names, key=str.encode)
    elements = {e.objgen: e for e in tags.elements()}
    assert {name: ids[name].objgen for name in names} == {str(e.ID): e.objgen for e in elements.values() if "/ID" in e}

    checked = 0
    for table in tags.elements("/Table"):
        header_cells = {th.objgen for th in tags.elements("/TH", table)}
        for cell in tags.elements("/TD", table):
            headers = [ids[str(name)] for name in cell.A.Headers]
            assert headers and all(h.objgen in header_cells for h in headers)
            checked += 1
    assert checked == len(tags.elements("/TD"))

    rate = next(t for t in tags.elements("/Table") if caption(tags, t) == "Childrenlookedafterper10,000children")
    on_page_11 = next(td for td in tags.elements("/TD", rate) if tags.page(td) == 11)
    assert [(tags.text(ids[str(n)]), tags.page(ids[str(n)])) for n in on_page_11.A.Headers] == [("Area", 10)]


def test_each_label_and_its_value_are_one_list_item_labelled_with_the_label(tags, html):
    """"Report to:" and its committee were two items of a twelve-item list; now the committee's item, labelled."""
    expected = [[(squashed(dt), squashed(dt.getnext())) for dt in dl.iter("dt")] for dl in html.iter("dl")]
    read = [[tuple(tags.text(part) for part in tags.kids(item)) for item in tags.kids(lst)]
            for lst in tags.elements("/L")]
    assert [items for items in read if items in expected] == expected
    assert expected[0][0] == ("Reportto:", "CorporateParentingCommittee")
    for lst in tags.elements("/L"):
        for item in tags.kids(lst):
            assert [part.S for part in tags.kids(item)] == ["/Lbl", "/LBody"]


def test_a_charts_caption_is_read_straight_after_its_alt_text_with_the_two_grouped(tags, html):
    expected = [(img.get("alt"), squashed(img.getnext())) for img in html.xpath("//figure/img")]
    read = []
    for figure in tags.elements("/Figure"):
        group = figure.P
        parts = tags.kids(group)
        if group.S == "/Div" and [p.S for p in parts] == ["/Figure", "/Caption"] and parts[0].objgen == figure.objgen:
            read.append((str(figure.Alt), tags.text(parts[1])))
    assert read == expected and len(expected) == 4
