"""Agenda packs read back as a member of the public (or a councillor) would read them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from reportgen import meeting_build, pack
from reportgen.meeting_checks import load_meeting
from reportgen.pack_sources import load_sources
from tests.conftest import REPO, pdf_to_text, soffice_convert
from tests.pdf_tags import assert_screen_reader_reaches_every_page_in_order

MEETING = REPO / "examples" / "committee-meeting" / "meeting.yaml"
EXEMPT_PHRASES = ("Northcote", "3,950", "82 out of 100", "Tender evaluation")

pytestmark = pytest.mark.client


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    return meeting_build.build_packs(MEETING, tmp_path_factory.mktemp("packs"))


def pages(pdf: Path) -> list[str]:
    return pdf_to_text(pdf).split("\f")[:-1]


def squash(text: str) -> str:
    return " ".join(text.split())


def agenda_ranges(pdf: Path) -> dict[str, tuple[int, int]]:
    """Item title -> the page range the agenda prints for it (the agenda ends where item bookmarks start)."""
    reader = PdfReader(pdf)
    top = [item for item in reader.outline if not isinstance(item, list)]
    agenda_pages = reader.get_destination_page_number(top[1]) if len(top) > 1 else 2
    text = "\n".join(pages(pdf)[:agenda_pages])
    agenda = text[text.index("\nAgenda\n"):]
    found = {}
    for block in re.split(r"\n(?=\d+\. )", agenda)[1:]:
        title = block.split("\n", 1)[0].split(". ", 1)[1]
        match = re.search(r"^Pages? (\d+)(?: to (\d+))?$", block, re.M)
        if match:
            found[title] = (int(match.group(1)), int(match.group(2) or match.group(1)))
    return found


@pytest.mark.parametrize("audience", ["public", "private"])
def test_agenda_page_ranges_are_where_each_report_really_is(packs, audience):
    text = pages(packs[audience])
    ranges = agenda_ranges(packs[audience])
    assert set(ranges) == {"Minutes of the last meeting", "Child protection plans: performance summary",
                           "Children's social care performance", "Placement sufficiency",
                           "Residential placement framework contract award"}
    starts = {
        "Minutes of the last meeting": "Minutes of the meeting held on Tuesday 11 September 2018",
        "Child protection plans: performance summary": "Child protection plans: performance summary Report to",
        "Children's social care performance": "Children's social care performance: September 2018 Report to",
        "Placement sufficiency": "Placement sufficiency Report to",
        "Residential placement framework contract award": "Residential placement framework contract award",
    }
    flat = [squash(page) for page in text]
    for title, (first, last) in ranges.items():
        assert starts[title] in flat[first - 1], f"{title} does not start on page {first}"
        if first > 3:
            assert starts[title] not in flat[first - 2], f"{title} starts before page {first}"
        following = [f for f, _ in ranges.values() if f > first]
        assert last == (min(following) - 1 if following else len(text))


@pytest.mark.parametrize("audience", ["public", "private"])
def test_every_page_carries_its_pack_page_number(packs, audience):
    text = pages(packs[audience])
    for number, page in enumerate(text, start=1):
        assert re.search(rf"^Page {number}$", page, re.M), f"page {number} has no 'Page {number}'"


def test_the_same_meeting_makes_the_same_packs_byte_for_byte(packs, tmp_path):
    """A pack rebuilt with nothing changed is the same file: no random names, ids or dates in it."""
    again = meeting_build.build_packs(MEETING, tmp_path)
    for audience in ("public", "private"):
        assert again[audience].read_bytes() == packs[audience].read_bytes(), audience


def test_pack_page_numbers_are_in_the_house_font(packs):
    """The stamped "Page N" came out in DejaVu Serif: margin boxes do not inherit the body's font."""
    import pdfplumber

    with pdfplumber.open(packs["public"]) as pdf:
        for page in pdf.pages[:2]:
            words = page.extract_words(extra_attrs=["fontname"])
            stamp = [w for w in words if w["top"] > page.height * 0.9 and w["text"] == "Page"]
            body = {w["fontname"].split("+")[-1] for w in words if w["top"] < page.height * 0.8}
            assert stamp and stamp[-1]["fontname"].split("+")[-1] in body, (stamp, body)


def test_bookmarks_one_per_item_pointing_at_its_first_page(packs):
    reader = PdfReader(packs["private"])
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles == ["Front sheet and agenda", "Item 3: Minutes of the last meeting",
                      "Item 4: Child protection plans: performance summary",
                      "Item 5: Children's social care performance",
                      "Item 6: Placement sufficiency", "Item 7: Residential placement framework contract award"]
    ranges = agenda_ranges(packs["private"])
    for item in top[1:]:
        title = item.title.split(": ", 1)[1]
        assert reader.get_destination_page_number(item) + 1 == ranges[title][0]
    children = reader.outline[reader.outline.index(top[2]) + 1]
    assert "Recommendations" in [c.title for c in children if not isinstance(c, list)]


Bookmark = tuple[str, int | None, list]
"""(title, page from 1 or None, children), as pikepdf reads an outline."""


def outline(pdf_path: Path) -> list[Bookmark]:
    with pikepdf.open(pdf_path) as pdf:
        page_of = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}

        def read(items) -> list[Bookmark]:
            return [(item.title, page_of.get(item.destination[0].objgen)
                     if isinstance(item.destination, pikepdf.Array) else None, read(item.children)) for item in items]

        return read(pdf.open_outline().root)


def titles(bookmarks: list[Bookmark]) -> list:
    """The bookmarks' titles, nested as they are (a no-break space read as the space it is)."""
    return [(title.replace("\u00a0", " "), titles(children)) for title, _, children in bookmarks]


def test_bookmarks_nest_each_part_under_its_own_as_its_document_nests_them(packs, tmp_path):
    """Report headings were flattened, an existing PDF's bookmarks lost, and a report's title kept only when it
    happened to be spelt as the item is (a heading joins its last two words with a no-break space)."""
    from reportgen import pipeline

    bookmarks = {title: (page, children) for title, page, children in outline(packs["private"])}
    ranges = agenda_ranges(packs["private"])
    agenda_page, agenda = bookmarks["Front sheet and agenda"]
    assert agenda_page == 1
    assert titles(agenda) == [
        ("Membership", []), ("Contact officer", []),
        ("Agenda", [(f"{n}. {t}", []) for n, t in enumerate(
            ["Apologies for absence", "Declarations of interest", "Minutes of the last meeting",
             "Child protection plans: performance summary", "Children's social care performance",
             "Placement sufficiency"], start=1)]),
        ("Part II: items likely to be considered in private", [("7. Residential placement framework contract award",
                                                                [])])]

    minutes_page, minutes = bookmarks["Item 3: Minutes of the last meeting"]
    assert minutes_page == 4
    own = outline(MEETING.parent / "previous-minutes.pdf")
    assert titles(minutes) == titles(own) and len(own[0][2]) == 5  # its own six bookmarks, nested as they were

    def pages(found: list[Bookmark]) -> list:
        return [p for _, page, children in found for p in (page, *pages(children))]

    assert pages(minutes) == [page + 3 for page in pages(own)]

    report = pipeline.build(MEETING.parent / "reports" / "performance.yaml", tmp_path, ["pdf"])["pdf"]
    (_, _, report_headings), = outline(report)
    first, last = ranges["Children's social care performance"]
    page, headings = bookmarks["Item 5: Children's social care performance"]
    assert page == first and titles(headings) == titles(report_headings)  # without its title, the item's bookmark
    assert ("Summary", [("Worse than before", []), ("Better than before", [])]) in titles(headings)
    assert all(first <= p <= last for p in pages(headings))

    for item, title in ((4, "Child protection plans: performance summary"), (6, "Placement sufficiency")):
        _, headings = next(found for name, found in bookmarks.items() if name.startswith(f"Item {item}: "))
        assert titles(headings)[0][0] == "Summary" and title not in [t for t, _ in titles(headings)]


def test_exempt_report_never_reaches_the_public_pack(packs):
    public = squash(pdf_to_text(packs["public"]))
    private = squash(pdf_to_text(packs["private"]))
    for phrase in EXEMPT_PHRASES:
        assert phrase not in public
        assert phrase in private
    assert "Not for publication" in public
    assert "paragraph 3 of Part 1 of Schedule 12A" in public


def test_private_pack_is_marked_not_for_publication_on_its_front_sheet_and_every_exempt_page(packs):
    private, public = pages(packs["private"]), pages(packs["public"])
    assert squash(private[0]).startswith("Harrowdale Borough Council NOT FOR PUBLICATION. Private agenda pack")
    assert "Corporate Parenting Committee, 23 October 2018 – NOT FOR PUBLICATION" in private[1]  # the agenda
    first, last = agenda_ranges(packs["private"])["Residential placement framework contract award"]
    assert last > first, "the exempt report should run to a second page"
    for number in range(first, last + 1):
        assert re.search(r"^NOT FOR PUBLICATION$", private[number - 1], re.M), f"private pack page {number} unmarked"
    worth = next(i for i, page in enumerate(private, start=1) if "The contract is worth about £1.2 million" in page)
    assert first <= worth <= last and "NOT FOR PUBLICATION" in private[worth - 1]
    stamped = [i for i, page in enumerate(private, start=1) if re.search(r"^NOT FOR PUBLICATION$", page, re.M)]
    assert stamped == list(range(first, last + 1))  # public reports in the private pack are not marked
    assert not any("NOT FOR PUBLICATION" in page for page in public)
    assert PdfReader(packs["private"]).metadata.title == ("Corporate Parenting Committee: private agenda pack "
                                                          "(not for publication), 23 October 2018")
    assert PdfReader(packs["public"]).metadata.title == "Corporate Parenting Committee: agenda pack, 23 October 2018"


@pytest.mark.parametrize("audience", ["public", "private"])
def test_pack_subject_gives_the_meeting_date_as_everything_else_does(packs, audience):
    assert PdfReader(packs[audience]).metadata.subject == \
        "Agenda pack for the meeting of Corporate Parenting Committee on 23 October 2018"


def test_agenda_flags_key_decisions_and_a_report_brought_from_another_meeting(packs):
    text = squash("\n".join(pages(packs["public"])[:3]))
    agenda = text[text.index(" Agenda Part I"):]
    items = dict(re.findall(r" (\d)\. (.+?)(?= \d\. |$)", agenda))
    assert "For decision. Key decision. Exempt: paragraph 3 of Part 1 of Schedule 12A." in items["7"]
    assert all("Key decision" not in items[n] for n in "3456")
    assert ("This report was considered by the Children and Young People's Scrutiny Committee on 9 October 2018 "
            "and is brought to this meeting as it stands.") in items["4"]
    assert all("brought to this meeting" not in items[n] for n in "3567")


@pytest.mark.parametrize("audience", ["public", "private"])
def test_pack_is_tagged_titled_and_in_english(packs, audience):
    info = subprocess.run(["pdfinfo", str(packs[audience])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "Title:           Corporate Parenting Committee:" in info
    with pikepdf.open(packs[audience]) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert "/StructTreeRoot" in pdf.Root
    fonts = subprocess.run(["pdffonts", str(packs[audience])], capture_output=True, text=True, check=True).stdout
    for row in fonts.splitlines()[2:]:
        assert row.split()[-5] == "yes", f"font not embedded: {row}"
    check = subprocess.run(["qpdf", "--check", str(packs[audience])], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_reports_start_on_odd_pages_when_the_house_style_says_so(tmp_path):
    meeting, style = load_meeting(MEETING)
    style = style.model_copy(update={"reports_start_on_odd_pages": True})
    layout = pack.lay_out(meeting, style, load_sources(meeting, style), "public")
    assert all(first % 2 == 1 for first, _ in layout.ranges.values()), layout.ranges
    blanks = [p for p in layout.parts if p.kind == "blank"]
    assert blanks, "the example should need at least one blank page"
    out = tmp_path / "odd.pdf"
    out.write_bytes(pack.write_pack(layout, meeting, style, "public"))
    text = pages(out)
    blank_pages = [i for i, page in enumerate(text, start=1) if "This page is intentionally left blank" in page]
    assert len(blank_pages) == len(blanks)
    for number in blank_pages:
        assert number % 2 == 0 and f"Page {number}" in text[number - 1]
    assert_screen_reader_reaches_every_page_in_order(out)  # a blank page's notice is in no item's Part, but read
    with pikepdf.open(out) as pdf:
        kids = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [kid.T for kid in kids if "/T" in kid][1:] == [f"Item {p.item.number}: {p.item.title}"
                                                             for p in layout.parts if p.item is not None]
        assert len(kids) == len(layout.ranges) + 1 + len(blanks)


def test_agenda_command_prints_the_public_pack_ranges(tmp_path, packs):
    written = meeting_build.build_agenda(MEETING, tmp_path, ["pdf"])
    agenda = pdf_to_text(written["pdf"])
    for title, (first, last) in agenda_ranges(packs["public"]).items():
        expected = f"Page {first}" if first == last else f"Pages {first} to {last}"
        assert expected in agenda, title
    assert "Part II: items likely to be considered in private" in agenda


def test_the_part_ii_resolution_stays_with_the_first_exempt_item_in_pdf_and_word(tmp_path):
    """It used to split across pages 2 and 3, its last lines alone above item 7 (the example's layout)."""
    import docx

    written = meeting_build.build_agenda(MEETING, tmp_path, ["pdf", "docx"])
    word_pdf = soffice_convert(written["docx"], tmp_path / "word")
    for pdf in (written["pdf"], word_pdf):
        page = squash(next(p for p in pdf_to_text(pdf).split("\f") if "Part II: items likely" in p))
        assert "section 100A(4)" in page and "paragraph 3 of Part 1 of Schedule 12A to the Act." in page, pdf
        assert "7. Residential placement framework contract award" in page, pdf
    resolution = next(p for p in docx.Document(written["docx"]).paragraphs if "section 100A(4)" in p.text)
    assert resolution.paragraph_format.keep_with_next and resolution.paragraph_format.keep_together


def write_meeting(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(MEETING.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item.get("report"):
            item["report"] = str((MEETING.parent / item["report"]).resolve())
    for key, value in changes.items():
        data[key] = value(data[key]) if callable(value) else value
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True)


def with_item(items, which, **changes):
    return [dict(item, **changes) if item["number"] == which else item for item in items]


@pytest.mark.parametrize("change, message", [
    (lambda items: with_item(items, 6, report="missing.yaml"), "missing.yaml (line "),  # said once, not "(got ...)"
    (lambda items: with_item(items, 6, number=5), "item number(s) used twice: 5"),
    (lambda items: with_item(items, 4, minute={"number": "CP/12", "discussion": "x"}),
     "minute number 'CP/12' does not follow the default house pattern '{number}/{year:02d}'"),
    (lambda items: with_item(items, 4, exempt_paragraph=2), "exempt items (4, 7) must come after every public item"),
    (lambda items: with_item(items, 7, exempt_paragraph=None),
     'items[7] ("Residential placement framework contract...").exempt_paragraph: item 7\'s report'),
    (lambda items: with_item(items, 7, exempt_paragraph=None),
     "is exempt (paragraph 3 of Schedule 12A) but the item is not; set exempt_paragraph: 3 on the item"),
    (lambda items: with_item(items, 7, exempt_paragraph=2),
     "item 7 is exempt under paragraph 2 but its report"),
])
def test_bad_meeting_files_stop_before_any_output(tmp_path, change, message):
    path = write_meeting(tmp_path, items=change)
    out = tmp_path / "out"
    for command in ("agenda", "pack", "minutes"):
        result = run_cli(command, str(path), "-o", str(out))
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists() or not any(out.iterdir())


def test_minutes_that_would_contradict_themselves_stop_with_each_field_and_its_line(tmp_path):
    """An absent member declaring, a member as a substitute, an apology twice, an agenda published late."""
    path = write_meeting(
        tmp_path, published="2018-10-24",
        apologies=[{"member": "Mark Davies", "substitute": "Angela Brown"}, {"member": "Fiona Gallagher"},
                   {"member": "Mark Davies"}],
        declarations=lambda found: [*found, {"member": "Tom Whitfield", "item": 9, "type": "personal",
                                             "nature": "a relative works for the service"}])
    out = tmp_path / "out"
    result = run_cli("minutes", str(path), "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = [
        ("apologies[1].substitute", "Angela Brown is a member of the committee, so cannot substitute for Mark Davies",
         "substitute: Angela Brown"),
        ("apologies[3].member", "Mark Davies sent apologies already (apologies[1])", None),
        ("declarations[1].member", "Fiona Gallagher sent apologies for this meeting (apologies[2]), so cannot have "
                                   "declared an interest at it", None),
        ("declarations[2].item", "declaration by Tom Whitfield names item 9, which is not on the agenda", "item: 9"),
        ("published", "the agenda's date of publication, 24 October 2018, is after the meeting (23 October 2018)",
         "published: '2018-10-24'"),
    ]
    for field, message, line_text in expected:
        found = re.search(rf"{re.escape(field)}: {re.escape(message)}.*\(line (\d+)\)", result.stderr)
        assert found, f"{field}: {message!r} not in {result.stderr}"
        if line_text:
            assert line_text in lines[int(found.group(1)) - 1]
    assert not out.exists() or not any(out.iterdir())


def renumbered(items, first: int, by: int):
    """The items from ``first`` on moved up ``by``, leaving a gap, with their minutes and actions."""
    return [dict(item, number=item["number"] + by) if item["number"] >= first else item for item in items]


def test_doubtful_entries_are_warned_about_with_each_field_and_its_line(tmp_path):
    """A declaration in a standing item, a gap in the item numbers, an action due before the meeting."""
    def items(found):
        found = renumbered(found, 5, 1)
        found[3]["minute"]["actions"][0]["due"] = "2017-12-11"
        return found

    path = write_meeting(tmp_path, items=items,
                         declarations=[{"member": "Fiona Gallagher", "item": 8, "type": "other registrable",
                                        "nature": "a trustee."},
                                       {"member": "Tom Whitfield", "item": 3, "type": "personal",
                                        "nature": "his wife works for the service."}])
    out = tmp_path / "out"
    result = run_cli("minutes", str(path), "-o", str(out), "--format", "docx")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = [
        ("declarations[2].item", "declaration by Tom Whitfield names item 3 (Minutes of the last meeting), a standing "
                                 "item, not an item of business; check the item number", "item: 3"),
        ('items[5] ("Children\'s social care performance").number', "item 6 follows item 4, so the agenda has no "
                                                                    "item 5; check the item numbers", "number: 6"),
        ('items[4] ("Child protection plans: performance summary").minute.actions[1].due',
         "action 'Report on the mapping of domestic abuse services' is due on 11 December 2017, before the meeting "
         "(23 October 2018); check the date", "due: '2017-12-11'"),
    ]
    for field, message, line_text in expected:
        found = re.search(rf"WARNING: {re.escape(str(path))}: {re.escape(field)}: {re.escape(message)} "
                          r"\(line (\d+)\)", result.stderr)
        assert found, f"{field}: {message!r} not in {result.stderr}"
        assert line_text in lines[int(found.group(1)) - 1]
    assert result.stderr.count("WARNING") == len(expected)
    assert (out / "corporate-parenting-committee-2018-10-23-minutes.docx").is_file()


@pytest.mark.parametrize("change, said", [
    (lambda items: renumbered(items, 1, 1), "item 2 is the first, so the agenda has no item 1"),
    (lambda items: renumbered(items, 4, 2), "item 6 follows item 3, so the agenda has no items 4 and 5"),
    (lambda items: renumbered(items, 4, 3), "item 7 follows item 3, so the agenda has no items 4 to 6"),
])
def test_a_gap_in_the_item_numbers_is_warned_about(tmp_path, change, said):
    path = write_meeting(tmp_path, items=change, declarations=[])
    result = run_cli("agenda", str(path), "-o", str(tmp_path / "out"), "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert f"{said}; check the item numbers" in result.stderr and result.stderr.count("WARNING") == 1


def test_a_title_with_a_colon_left_unquoted_is_a_yaml_error_with_a_hint_to_quote_it(tmp_path):
    """YAML's own message, "mapping values are not allowed here", says nothing of quotes."""
    text = MEETING.read_text(encoding="utf-8")
    quoted = 'title: "Child protection plans: performance summary"'
    assert quoted in text
    path = tmp_path / "meeting.yaml"
    path.write_text(text.replace(quoted, quoted.replace('"', "")), encoding="utf-8")
    result = run_cli("agenda", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    line = text.splitlines().index(f"    {quoted}") + 1
    assert f"{path}: line {line}, column " in result.stderr
    assert "not valid YAML: mapping values are not allowed" in result.stderr
    assert f"hint: if the value contains ': ', put it in quotes: {quoted}" in result.stderr


def test_an_agenda_published_under_five_clear_working_days_before_is_warned_about(tmp_path):
    """Thursday 18 October for Tuesday 23 October: Friday and Monday are the only clear working days."""
    result = run_cli("agenda", str(write_meeting(tmp_path, published="2018-10-18")), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert ("the agenda is published on 18 October 2018, 2 clear working days before the meeting on 23 October "
            "2018; section 100B(3) of the Local Government Act 1972 asks for 5") in result.stderr
    assert "clear working" not in run_cli("agenda", str(MEETING), "-o", str(tmp_path / "example")).stderr


def test_a_report_headed_for_another_meeting_is_warned_about_unless_the_item_says_so(tmp_path):
    stated = write_meeting(tmp_path)
    result = run_cli("minutes", str(stated), "-o", str(tmp_path / "stated"), "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr

    unstated = write_meeting(tmp_path, items=lambda items: with_item(items, 4, report_for_another_meeting=False))
    result = run_cli("minutes", str(unstated), "-o", str(tmp_path / "unstated"), "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert ("WARNING: item 4 (Child protection plans: performance summary): its report "
            in result.stderr)
    assert ("is headed for Children and Young People's Scrutiny Committee, 9 October 2018, not this meeting "
            "(Corporate Parenting Committee, 23 October 2018)" in result.stderr)
    assert result.stderr.count("WARNING") == 1  # the other reports are headed for this meeting
    assert (tmp_path / "unstated" / "corporate-parenting-committee-2018-10-23-minutes.docx").is_file()


def test_an_existing_report_marked_not_for_publication_cannot_go_in_as_a_public_item(tmp_path):
    from reportgen import pipeline

    exempt_spec = MEETING.parent / "reports" / "placement-contract.yaml"
    exempt_pdf = pipeline.build(exempt_spec, tmp_path / "pdf", ["pdf"])["pdf"]
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 6, report=str(exempt_pdf)))
    out = tmp_path / "out"
    result = run_cli("pack", str(path), "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert "item 6 (Placement sufficiency)" in result.stderr
    assert 'is marked "Not for publication" on its first page but the item is not exempt' in result.stderr
    assert "Traceback" not in result.stderr and not any(out.iterdir())

    # As an exempt item the same file is welcome: withheld from the public pack, in the private one.
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 7, report=str(exempt_pdf)))
    written = meeting_build.build_packs(path, out)
    assert "Northcote" in pdf_to_text(written["private"]) and "Northcote" not in pdf_to_text(written["public"])


def _reshaped(source: Path, out: Path, *, mediabox: list[float] | None = None, rotate: int = 0) -> Path:
    """``source`` on US Letter paper, or turned to landscape with /Rotate, as reports from other offices come."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            if mediabox:
                page.obj.MediaBox = pikepdf.Array(mediabox)
            if rotate:
                page.obj.Rotate = rotate
        pdf.save(out)
    return out


@pytest.mark.parametrize("shape", ["letter", "landscape"])
def test_an_exempt_existing_pdf_of_any_page_size_is_marked_at_the_head_of_every_page(tmp_path, shape):
    """The stamp was laid out on A4 and placed at the origin: on Letter paper the marking fell off the top."""
    import pdfplumber

    source = MEETING.parent / "previous-minutes.pdf"
    changes = {"mediabox": [0, 0, 612, 792]} if shape == "letter" else {"rotate": 90}
    report = _reshaped(source, tmp_path / f"{shape}.pdf", **changes)
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 7, report=str(report)))
    private = meeting_build.build_packs(path, tmp_path / "out")["private"]
    first, last = agenda_ranges(private)["Residential placement framework contract award"]
    with pdfplumber.open(private) as pdf:
        for number in range(first, last + 1):
            page = pdf.pages[number - 1]
            words = page.extract_words(extra_attrs=["upright"])
            marking = [w for w in words if w["text"] == "PUBLICATION"]
            stamp = [w for w in words if w["text"] == str(number) and w["top"] > page.height * 0.85]
            assert marking and marking[0]["upright"], f"page {number}: no upright marking in {words[:6]}"
            assert marking[0]["top"] >= 0 and marking[0]["bottom"] < page.height * 0.12, marking  # on the page
            assert page.width * 0.6 < marking[0]["x1"] <= page.width, marking
            assert stamp and stamp[0]["upright"] and page.width * 0.6 < stamp[0]["x1"] <= page.width, stamp
            assert stamp[0]["bottom"] <= page.height, stamp


def test_encrypted_or_broken_source_pdf_is_a_clear_error_naming_the_item(tmp_path):
    source = MEETING.parent / "previous-minutes.pdf"
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(source) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not really a PDF")
    for bad, message in ((locked, "is encrypted"), (broken, "is not a readable PDF")):
        path = write_meeting(tmp_path, items=lambda items, bad=bad: with_item(items, 3, report=str(bad)))
        result = run_cli("pack", str(path), "-o", str(tmp_path / "out"))
        assert result.returncode == 2, result.stderr
        assert "item 3 (Minutes of the last meeting)" in result.stderr and message in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "its report report.docx is empty"),
    (b"Minutes of the last meeting", "its report report.docx is not a Word document (.docx)"),
    ((MEETING.parent / "previous-minutes.pdf").read_bytes(), "its report report.docx is not a Word document (.docx)"),
])
def test_a_docx_report_that_is_not_a_word_document_stops_the_pack_naming_the_item(tmp_path, content, message):
    """LibreOffice opens anything: an empty file went into the pack as a blank page, text as a page of text."""
    report = tmp_path / "report.docx"
    report.write_bytes(content)
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 6, report=str(report)))
    result = run_cli("pack", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert f"item 6 (Placement sufficiency): {message}" in result.stderr and "javaldx" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice; .ci/run installs it")
def test_docx_reports_are_converted_into_the_pack(tmp_path):
    from reportgen import pipeline

    docx = pipeline.build(MEETING.parent / "reports" / "sufficiency.yaml", tmp_path / "docx", ["docx"])["docx"]
    path = write_meeting(tmp_path, items=lambda items: with_item(items, 6, report=str(docx)))
    written = meeting_build.build_packs(path, tmp_path / "out")
    text = pages(written["public"])
    ranges = agenda_ranges(written["public"])
    first, _ = ranges["Placement sufficiency"]
    assert "Placement sufficiency" in text[first - 1]
    assert "Recruiting foster carers" in " ".join(text)
