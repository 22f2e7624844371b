"""Word, PDF and HTML say the same thing: read each back with its own reader and compare.

python-docx reads the .docx, pypdf and pdfplumber read the PDF, lxml reads the
HTML. The comparisons are between the outputs themselves, not between each
output and reportgen's model, so a writer that drops or changes text fails.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import docx
import lxml.html
import pdfplumber
import pytest
from pypdf import PdfReader

from reportgen import model as m
from reportgen import pipeline
from reportgen.reader import read_html
from reportgen.style import load_style
from reportgen.writers import get_writer
from tests.conftest import EXAMPLE_SPEC, pdf_to_text, soffice_convert


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=["default", "kestrel-vale"])
def built(request, tmp_path_factory) -> dict[str, Path]:
    return pipeline.build(EXAMPLE_SPEC, tmp_path_factory.mktemp(request.param), style_name=request.param)


def docx_headings(path: Path) -> list[str]:
    return [squash(p.text) for p in docx.Document(path).paragraphs if p.style.name.startswith("Heading")]


def pdf_headings(path: Path) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(squash(item.title))

    walk(PdfReader(path).outline)
    return titles


def html_tree(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def strip_number(heading: str) -> str:
    """'2. Recommendations' -> 'Recommendations' (numbered-paragraph styles number headings)."""
    first, _, rest = heading.partition(" ")
    return rest if first.rstrip(".").replace(".", "").isdigit() and rest else heading


def test_headings_are_the_same_in_word_pdf_and_html(built):
    word = [strip_number(h) for h in docx_headings(built["docx"])]
    pdf = [strip_number(h) for h in pdf_headings(built["pdf"])]
    html = [strip_number(squash(h.text_content())) for h in html_tree(built["html"]).xpath("//h1|//h2|//h3")]
    assert word == pdf == html
    assert "Recommendations" in word and "Implications" in word


def recommendations_docx(path: Path) -> list[str]:
    paragraphs = docx.Document(path).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if strip_number(p.text) == "Recommendations")
    items = []
    for p in paragraphs[start + 1:]:
        if p.style.name.startswith("Heading"):
            break
        if p._p.pPr is not None and p._p.pPr.numPr is not None:
            items.append(squash(p.text))
    return items


def test_recommendations_are_the_same_numbered_list_everywhere(built):
    word = recommendations_docx(built["docx"])
    items = html_tree(built["html"]).xpath("//ol[contains(@class,'recommendations')]/li")
    html = [squash(li.text_content()) for li in items]
    assert word == html and len(word) == 3
    pdf = squash(pdf_to_text(built["pdf"]))
    for number, text in enumerate(word, start=1):
        assert f"{number}. {text}" in pdf


def docx_tables(path: Path) -> list[list[list[str]]]:
    return [[[squash(c.text) for c in row.cells] for row in t.rows] for t in docx.Document(path).tables]


RUNNING_HEADER_BOTTOM = 50
"""Points from the top of an A4 page: the running header (in the top margin) ends above this."""


def pdf_tables(path: Path) -> list[list[list[str]]]:
    """Tables as pdfplumber finds them by their ruled lines; a table split over pages is joined.

    A table continues from the page before when it is the first on its page,
    nothing but the running header stands above it, and its header row is the
    last table's: a short table moved whole to the next page has its caption
    above it, so it is not mistaken for the rest of the table before.
    """
    tables: list[list[list[str]]] = []
    last_page = -1
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            words = page.extract_words()
            for position, table in enumerate(page.find_tables()):
                # A line wrapped after "/" or "-" is joined without a space, as the text reads.
                rows = [[squash(re.sub(r"([/-])\n", r"\1", c or "")) for c in row] for row in table.extract()]
                top_of_page = not any(RUNNING_HEADER_BOTTOM < w["bottom"] <= table.bbox[1] for w in words)
                continues = (position == 0 and top_of_page and last_page == number - 1 and tables
                             and rows[0] == tables[-1][0])
                if continues:  # the header row repeated at the top of the next page
                    tables[-1].extend(rows[1:])
                else:
                    tables.append(rows)
                last_page = number
    return tables


def html_tables(path: Path) -> list[list[list[str]]]:
    return [[[squash(c.text_content()) for c in tr.xpath("th|td")] for tr in t.xpath(".//tr")]
            for t in html_tree(path).xpath("//table")]


def test_implications_and_data_tables_have_the_same_cells_everywhere(built):
    word, pdf, html = docx_tables(built["docx"]), pdf_tables(built["pdf"]), html_tables(built["html"])
    assert word == pdf == html
    implications = word[0]
    assert implications[0] == ["Implication", "Comment"]
    assert len(implications) == 9  # header + the house style's eight rows
    assert ["England", "2016/17", "19%"] in word[1]


def test_header_block_and_contact_say_the_same_everywhere(built):
    pdf = squash(pdf_to_text(built["pdf"]))
    word = squash("\n".join(p.text for p in docx.Document(built["docx"]).paragraphs))
    html = squash(" ".join(lxml.html.fromstring(built["html"].read_bytes()).body.itertext()))
    for fact in ("Report to: Children and Young People's Scrutiny Committee", "Date of meeting: 9 October 2018",
                 "Report of: Acting Director of Safeguarding", "Wards affected: All", "Jo Bennett",
                 "jo.bennett@harrowdale.gov.uk.example", "0161 912 5009"):
        assert fact in pdf and fact in word and fact in html, fact


def _laid_out_by_both(document: m.Document, folder: Path, stem: str) -> list[tuple[str, Path]]:
    """The document as the PDF writer lays it out, and as LibreOffice lays out the Word writer's file."""
    style = load_style("default")
    written = {}
    for fmt in ("pdf", "docx"):
        written[fmt] = folder / f"{stem}.{fmt}"
        with written[fmt].open("wb") as out:
            get_writer(fmt).write(document, style, out)
    return [("PDF", written["pdf"]), ("Word (LibreOffice)", soffice_convert(written["docx"], folder / "lo"))]


def _recommendation_pages(pdf: Path, lists: int, items: int) -> list[set[int]]:
    """For each list, the pages its items are on (pdftotext separates pages with a form feed)."""
    pages = [squash(page) for page in pdf_to_text(pdf).split("\f")]
    found = []
    for n in range(1, lists + 1):
        tokens = [f"Rec{n}x{i}" for i in range(1, items + 1)]
        found.append({number for number, page in enumerate(pages) for token in tokens if token in page})
        assert all(any(token in page for page in pages) for token in tokens), f"list {n} is missing text"
    return found


@pytest.mark.client
def test_recommendations_are_never_split_over_a_page_in_word_or_pdf(tmp_path):
    """A committee reads its recommendations as one piece: neither writer splits them over two pages.

    Twelve lists of six two-line recommendations, each after a short
    paragraph, run over several pages; without the rule some page break
    falls inside a list. The Word file is laid out by LibreOffice.
    """
    lists, items = 12, 6
    blocks: list[m.Block] = []
    for n in range(1, lists + 1):
        blocks.append(m.Paragraph((m.Text(f"Section {n}. The Committee is asked to:"),)))
        blocks.append(m.ListBlock(ordered=True, role="recommendations", items=tuple(
            m.ListItem((m.Paragraph((m.Text(f"Rec{n}x{i} agree that officers report back on the actions "
                                            "set out in this section, with costs and dates."),)),))
            for i in range(1, items + 1))))
    document = m.Document(m.Metadata(title="Recommendations", author="Tester", date="2024-05-01"), tuple(blocks))
    for name, pdf in _laid_out_by_both(document, tmp_path, "recommendations"):
        pages = _recommendation_pages(pdf, lists, items)
        assert len(set().union(*pages)) >= 3, f"{name}: the lists should run over several pages"
        split = [n for n, on in enumerate(pages, 1) if len(on) > 1]
        assert not split, f"{name}: recommendation lists {split} are split over two pages"


@pytest.mark.client
def test_a_paragraph_ending_in_a_colon_stays_on_the_page_of_what_it_introduces(tmp_path):
    """"For access to background papers and further information:" was left at a page's foot in the PDF.

    Twenty sections, each a paragraph of a different length, then an intro
    ending in a colon and the contact list it introduces, run over several
    pages; without the rule some page break falls between an intro and its
    list. Read through the template reader, as every report is.
    """
    sections = []
    for n in range(1, 21):
        filler = " ".join(["Officers reviewed the figures with partners and agreed the next steps."] * (n % 7 + 1))
        sections.append(f"<p>{filler}</p><p>Intro{n}x for access to background papers and further information:</p>"
                        f"<dl class=\"contact\"><dt>Name</dt><dd>List{n}x Jo Bennett</dd><dt>Role</dt>"
                        f"<dd>Acting Director</dd><dt>Email</dt><dd>jo@example.org</dd></dl>")
    html = ("<!DOCTYPE html><html lang=\"en-GB\"><head><title>Intros</title><meta name=\"author\" content=\"T\">"
            f"</head><body>{''.join(sections)}</body></html>")
    for name, pdf in _laid_out_by_both(read_html(html, "test"), tmp_path, "intros"):
        pages = [squash(page) for page in pdf_to_text(pdf).split("\f")]
        assert len(pages) >= 4, f"{name}: the sections should run over several pages"
        apart = [n for n in range(1, 21)
                 if next(p for p, page in enumerate(pages) if f"Intro{n}x" in page)
                 != next(p for p, page in enumerate(pages) if f"List{n}x" in page)]
        assert not apart, f"{name}: intros {apart} are on a page before their list"


@pytest.mark.client
def test_a_measures_heading_and_status_stay_on_the_page_of_its_first_statement(tmp_path):
    """In Word, a measure's heading, Status and Direction of travel sat at the foot of page 1, its statements
    on page 2.

    The example performance report's first measure, as its template writes it,
    is repeated a page at a time below filler of body lines and smaller notes
    in every mix, so that the foot of some page falls inside it; laid out by
    the PDF writer and, for Word, by LibreOffice. No page may end with a
    heading or status line whose first statement is over the page.
    """
    from reportgen.pipeline import compose_spec
    from reportgen.spec import load_report_spec
    from tests.conftest import REPO

    example = REPO / "examples" / "monthly-performance" / "report.yaml"
    spec, style = load_report_spec(example)
    blocks = compose_spec(example, spec, style, formats=("docx",)).blocks
    at = next(i for i, b in enumerate(blocks) if isinstance(b, m.Heading) and (b.id or "").startswith("measure-"))
    heading, status, first = blocks[at:at + 3]
    assert isinstance(status, m.DefinitionList) and isinstance(first, m.Paragraph)
    mixes = [(lines, notes) for lines in range(23, 27) for notes in range(6)]
    units: list[m.Block] = []
    for n, (lines, notes) in enumerate(mixes):
        units += [m.PageBreak()] if units else []
        units += [m.Paragraph((m.Text(f"Fill{n}x"),))] + [m.Paragraph((m.Text("Filler line."),))] * (lines - 1)
        units += [m.Paragraph((m.Text("A note."),), role="table-note")] * notes
        units += [replace(heading, content=(m.Text(f"Measure{n}x "), *heading.content), id=None),
                  status, replace(first, content=(m.Text(f"Statement{n}x "), *first.content))]
    document = m.Document(m.Metadata(title="Measures", author="Tester", date="2024-05-01"), tuple(units))
    for name, pdf in _laid_out_by_both(document, tmp_path, "measures"):
        pages = [squash(page) for page in pdf_to_text(pdf).split("\f")]
        page_of = {text: next(number for number, page in enumerate(pages) if text in page)
                   for n in range(len(mixes)) for text in (f"Fill{n}x", f"Measure{n}x", f"Statement{n}x")}
        assert any(page_of[f"Measure{n}x"] > page_of[f"Fill{n}x"] for n in range(len(mixes))), \
            f"{name}: the filler should push some measure over a page"
        apart = [n for n in range(len(mixes)) if page_of[f"Measure{n}x"] != page_of[f"Statement{n}x"]]
        assert not apart, f"{name}: the heading and status of measures {apart} end a page; their statement does not"


def test_a_style_without_a_logo_names_the_council_as_text_at_the_top_in_every_format(tmp_path, monkeypatch):
    """With ``logo: null`` no format named the council; a council's reports open with its name (seed 003)."""
    import pikepdf
    import yaml

    from reportgen.resources import STYLES_VARIABLE
    from tests.conftest import REPO
    from tests.pdf_tags import read_tags, text_in_reading_order

    style = yaml.safe_load((REPO / "styles" / "default" / "style.yaml").read_text(encoding="utf-8"))
    style.update(name="no-logo", council="Trafford Council", logo=None, logo_raster=None)
    (tmp_path / "styles" / "no-logo").mkdir(parents=True)
    (tmp_path / "styles" / "no-logo" / "style.yaml").write_text(yaml.safe_dump(style), encoding="utf-8")
    monkeypatch.setenv(STYLES_VARIABLE, str(tmp_path / "styles"))
    built = pipeline.build(EXAMPLE_SPEC, tmp_path / "out", style_name="no-logo")

    first = docx.Document(built["docx"]).paragraphs[0]
    assert (first.text, first.style.name) == ("Trafford Council", "Council")
    assert not first._p.xpath(".//wp:docPr"), "the name is text, not a picture"
    assert pdf_to_text(built["pdf"]).lstrip().startswith("Trafford Council\n")
    with pikepdf.open(built["pdf"]) as pdf:
        tags = read_tags(pdf)
    assert text_in_reading_order(built["pdf"], tags).startswith("Trafford Council")  # tagged text, read first
    main = html_tree(built["html"]).xpath("//main")[0]
    assert (main[0].tag, main[0].text, main[1].tag) == ("p", "Trafford Council", "h1")


def test_a_logo_names_the_council_in_its_alt_text_in_every_format(built):
    """A logo is the council's name to a screen reader: Word's alt text, the PDF's Figure tag, the HTML's alt."""
    import pikepdf

    councils = {load_style(name).council for name in ("default", "kestrel-vale")}
    word = docx.Document(built["docx"]).paragraphs[0]._p.xpath(".//wp:docPr/@descr")
    html = html_tree(built["html"]).xpath("//main/div[@class='logo']/img/@alt")
    with pikepdf.open(built["pdf"]) as pdf:
        figures, todo = [], [pdf.Root.StructTreeRoot]
        while todo:
            element = todo.pop(0)
            kids = element.get("/K")
            if element.get("/S") == "/Figure":
                figures.append(str(element.get("/Alt")))
            todo += [kid for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
                     if isinstance(kid, pikepdf.Dictionary)]
    assert word[:1] == html == figures[:1] and html[0] in councils
