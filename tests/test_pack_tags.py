"""A pack's tags read back as a screen reader reaches them: from StructTreeRoot, page by page, in order.

An existing PDF's pages used to go into the pack without their structure
tree: pages 4-5 of the example (item 3's minutes) had no /StructParents and
their marked content was in no tree, so a screen reader read nothing there.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary
from pypdf import PdfReader

from reportgen import meeting_build
from tests.pdf_tags import (
    TagReader,
    assert_screen_reader_reaches_every_page_in_order,
    claims_pdf_ua,
    read_tags,
    text_in_reading_order,
    untagged_drawing,
)
from tests.test_meeting_pack import MEETING, agenda_ranges, with_item, write_meeting

pytestmark = pytest.mark.client

MINUTES_HEADING = "Minutes of the meeting held on Tuesday 11 September 2018"


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    return meeting_build.build_packs(MEETING, tmp_path_factory.mktemp("packs"))


@pytest.mark.parametrize("audience", ["public", "private"])
def test_every_page_of_the_pack_is_reached_from_its_structure_tree_in_page_order(packs, audience):
    assert_screen_reader_reaches_every_page_in_order(packs[audience])


def test_the_inserted_minutes_are_read_after_the_agenda_and_before_item_4(packs):
    tags = assert_screen_reader_reaches_every_page_in_order(packs["public"])
    assert agenda_ranges(packs["public"])["Minutes of the last meeting"] == (4, 5)
    reached = set(tags.reading_order)
    assert all((page, mcid) in reached for page in (3, 4) for mcid in tags.page_mcids[page])  # no exceptions here
    read = "".join(text_in_reading_order(packs["public"], tags).split())
    in_order = ["Part II: items likely", MINUTES_HEADING, "28/18 Children in care council",
                "Child protection plans: performance summary Report to"]
    positions = [read.find("".join(s.split())) for s in in_order]
    assert -1 not in positions and positions == sorted(positions), positions

    with pikepdf.open(packs["public"]) as pdf:
        page_of = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        kids = list(pdf.Root.StructTreeRoot.K[0].K)
        first_pages = [min(page_of[e.Pg.objgen] for e in walk_elements(kid) if "/Pg" in e) for kid in kids]
        assert first_pages == sorted(first_pages)
        minutes = kids[first_pages.index(4)]
        assert {page_of[e.Pg.objgen] for e in walk_elements(minutes) if "/Pg" in e} == {4, 5}
        assert minutes.S == "/Part" and minutes.Lang == "en-GB"  # the minutes' own Document, now a part of the pack's
        assert kids.count(minutes) == 1 and first_pages.count(4) == 1


@pytest.mark.parametrize("audience", ["public", "private"])
def test_each_item_is_one_part_of_the_structure_tree_holding_its_pages_in_order(packs, audience):
    """The tree had a Part per page: nothing told a screen reader where one item's report ended and the next began."""
    ranges = agenda_ranges(packs[audience])
    with pikepdf.open(packs[audience]) as pdf:
        page_of = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        parts = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [(str(part.S), str(part.get("/T"))) for part in parts] == [
            ("/Part", "Front sheet and agenda"), ("/Part", "Item 3: Minutes of the last meeting"),
            ("/Part", "Item 4: Child protection plans: performance summary"),
            ("/Part", "Item 5: Children's social care performance"), ("/Part", "Item 6: Placement sufficiency"),
            ("/Part", "Item 7: Residential placement framework contract award")]
        for part in parts:
            pages = {page_of[e.Pg.objgen] for e in walk_elements(part) if "/Pg" in e}
            title = str(part.T).split(": ", 1)[-1]
            first, last = ranges.get(title, (1, min(f for f, _ in ranges.values()) - 1))
            assert pages == set(range(first, last + 1)), title
            assert all(kid.P.objgen == part.objgen for kid in part.K if isinstance(kid, Dictionary) and "/S" in kid)
            headings = [e for e in walk_elements(part) if e.S in ("/H1", "/H2")]
            assert headings and headings[0].S == "/H1" and page_of[headings[0].Pg.objgen] == first, title
    assert_screen_reader_reaches_every_page_in_order(packs[audience])


def walk_elements(element: Dictionary) -> list[Dictionary]:
    kids = element.get("/K", Array())
    out = [element]
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and "/S" in kid:
            out.extend(walk_elements(kid))
    return out


@pytest.mark.parametrize("audience", ["public", "private"])
def test_the_example_pack_claims_pdf_ua_and_draws_nothing_outside_its_tags_and_artifacts(packs, audience):
    assert untagged_drawing(packs[audience]) == {}
    assert claims_pdf_ua(packs[audience])


def untagged_copy(tmp_path: Path) -> Path:
    """The example's minutes as a scanner or an old word processor makes them: no tags at all."""
    untagged = tmp_path / "scanned-minutes.pdf"
    with pikepdf.open(MEETING.parent / "previous-minutes.pdf") as pdf:
        del pdf.Root.StructTreeRoot
        del pdf.Root.MarkInfo
        for page in pdf.pages:
            del page.obj.StructParents
        pdf.save(untagged)
    return untagged


def test_an_untagged_pdf_goes_in_as_it_is_and_the_pack_no_longer_claims_pdf_ua(tmp_path, caplog):
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 3, report=str(untagged_copy(tmp_path))))
    with caplog.at_level(logging.WARNING):
        written = meeting_build.build_packs(path, tmp_path / "out")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["item 3 (Minutes of the last meeting): its PDF scanned-minutes.pdf is not tagged, so screen "
                        "readers cannot read its pages in the pack, which is therefore not marked as accessible "
                        "(PDF/UA); ask its author for a tagged PDF"]
    with pikepdf.open(written["public"]) as pdf:
        tags = read_tags(pdf)
    assert tags.problems == ["page 4 has no /StructParents", "page 5 has no /StructParents"]
    assert MINUTES_HEADING in " ".join(
        subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(written["public"]), "-"],
                       capture_output=True, text=True, check=True).stdout.split())
    assert not claims_pdf_ua(written["public"]) and not claims_pdf_ua(written["private"])
    assert PdfReader(written["public"]).metadata.title == "Corporate Parenting Committee: agenda pack, 23 October 2018"


def test_an_untagged_exempt_report_costs_only_the_private_pack_its_pdf_ua_claim(tmp_path, caplog):
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 7, report=str(untagged_copy(tmp_path))))
    with caplog.at_level(logging.WARNING):
        written = meeting_build.build_packs(path, tmp_path / "out")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "item 7 (Residential placement framework contract award): its PDF scanned-minutes.pdf is not tagged, so "
        "screen readers cannot read its pages in the private pack, which is therefore not marked as accessible "
        "(PDF/UA); ask its author for a tagged PDF"]
    assert claims_pdf_ua(written["public"]) and not claims_pdf_ua(written["private"])


def test_text_outside_a_tagged_pdfs_tags_costs_the_claim_but_its_bare_rules_become_artifacts(tmp_path, caplog):
    """A rule is decoration whatever draws it; words are content, so they are never hidden as an artifact."""
    report = tmp_path / "stamped-minutes.pdf"
    with pikepdf.open(MEETING.parent / "previous-minutes.pdf") as pdf:
        page = pdf.pages[1]
        font = next(iter(page.resources.Font.keys()))
        page.contents_add(pikepdf.Stream(pdf, b"q 0 G 1 w 72 60 m 520 60 l S Q "
                                              b"BT " + font.encode() + b" 9 Tf 72 48 Td (Received 1 October) Tj ET"))
        pdf.save(report)
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 3, report=str(report)))
    with caplog.at_level(logging.WARNING):
        written = meeting_build.build_packs(path, tmp_path / "out")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "item 3 (Minutes of the last meeting): its PDF stamped-minutes.pdf draws text or images outside its tags on "
        "page 2, so screen readers cannot read all of it in the pack, which is therefore not marked as accessible "
        "(PDF/UA); ask its author for a tagged PDF"]
    assert untagged_drawing(written["public"]) == {5: Counter({"Tj": 1})}  # the text, still drawn; the rule an artifact
    assert not claims_pdf_ua(written["public"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice; .ci/run installs it")
def test_a_docx_report_is_converted_tagged_and_its_tags_join_the_pack(tmp_path, caplog):
    from reportgen import pipeline

    docx = pipeline.build(MEETING.parent / "reports" / "sufficiency.yaml", tmp_path / "docx", ["docx"])["docx"]
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 6, report=str(docx)))
    with caplog.at_level(logging.WARNING):
        written = meeting_build.build_packs(path, tmp_path / "out")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "tagged" in r.getMessage()]
    assert untagged_drawing(written["public"]) == {}  # LibreOffice left its table borders outside its tags
    assert claims_pdf_ua(written["public"])
    tags = assert_screen_reader_reaches_every_page_in_order(written["public"])
    read = "".join(text_in_reading_order(written["public"], tags).split())
    assert "Recruitingfostercarers" in read
    with pikepdf.open(written["public"]) as pdf:
        role_map = pdf.Root.StructTreeRoot.RoleMap
        assert role_map["/Standard"] == "/P"  # LibreOffice's paragraph style, mapped as LibreOffice maps it
        assert all(str(name) != str(target) for name, target in role_map.items()), "a standard type remapped"


def test_role_and_class_maps_and_ids_are_merged_without_overriding_the_packs(tmp_path):
    """Two tagged PDFs that mean different things by the same names: the pack keeps its meaning."""
    from pikepdf import Name, String

    from reportgen.pdf_structure import merge_structure

    minutes = MEETING.parent / "previous-minutes.pdf"
    pack_pdf, source = pikepdf.open(minutes), pikepdf.open(minutes)
    for pdf, role, style in ((pack_pdf, Name.H1, Name.Bold), (source, Name.P, Name.Italic)):
        root = pdf.Root.StructTreeRoot
        root.RoleMap = Dictionary({"/Custom": role, **({"/H2": Name.H2} if pdf is source else {})})
        root.ClassMap = Dictionary({"/c1": Dictionary(O=Name.Layout, Placement=style)})
        heading = root.K[0].K[0]
        heading.S, heading.C, heading.ID = Name.Custom, Name.c1, String("h")
        ids = pikepdf.NameTree.new(pdf)
        ids["h"] = heading
        root.IDTree = ids.obj
    first = len(pack_pdf.pages)
    pack_pdf.pages.extend(source.pages)
    merge_structure(pack_pdf, source, first)
    out = tmp_path / "merged.pdf"
    pack_pdf.save(out)

    tags = assert_screen_reader_reaches_every_page_in_order(out)
    assert len(tags.page_mcids) == 4
    with pikepdf.open(out) as pdf:
        root = pdf.Root.StructTreeRoot
        assert dict(root.RoleMap.items()) == {"/Custom": Name.H1}  # the pack's; no identity mapping of /H2
        assert root.ClassMap.c1.Placement == Name.Bold and root.ClassMap.c1_2.Placement == Name.Italic
        ours, theirs = root.K[0].K[0], root.K[0].K[-1].K[0]
        assert ours.S == "/Custom" and ours.C == "/c1"
        assert theirs.S == "/P" and theirs.C == "/c1_2"  # what the source meant by them
        ids = pikepdf.NameTree(root.IDTree)
        assert ids["h"].objgen == ours.objgen and ids["h-2"].objgen == theirs.objgen and theirs.ID == "h-2"


def test_the_packs_own_pages_get_the_tag_repairs_a_report_gets(packs):
    """Scoped header cells, an IDTree for the data cells' headers, label-value pairs as one item (pdf_tags)."""
    tags = TagReader(packs["public"])
    header_cells = tags.elements("/TH")
    assert header_cells and all(th.A.Scope in ("/Column", "/Row") for th in header_cells)
    ids = pikepdf.NameTree(tags.root.IDTree)
    named = {th.objgen for th in header_cells}
    assert all(ids[str(name)].objgen in named for td in tags.elements("/TD") for name in td.A.get("/Headers", []))
    pairs = [tuple(tags.text(part) for part in tags.kids(item)) for item in tags.elements("/LI")]
    assert ("Reportto:", "CorporateParentingCommittee") in pairs
