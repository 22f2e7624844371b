"""The published PDF, checked with the tools an accessibility officer or a reader would use.

poppler (pdfinfo, pdffonts, pdftotext, pdftoppm), qpdf and pikepdf read the
file back; nothing here trusts reportgen's own idea of what it wrote.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from reportgen import pipeline
from tests.conftest import EXAMPLE_SPEC, pdf_to_text
from tests.pdf_tags import assert_screen_reader_reaches_every_page_in_order

pytestmark = pytest.mark.client


@pytest.fixture(scope="module")
def default_pdf(tmp_path_factory) -> Path:
    return pipeline.build(EXAMPLE_SPEC, tmp_path_factory.mktemp("pdf"), ["pdf"])["pdf"]


@pytest.fixture(scope="module")
def kestrel_pdf(tmp_path_factory) -> Path:
    return pipeline.build(EXAMPLE_SPEC, tmp_path_factory.mktemp("kv"), ["pdf"], style_name="kestrel-vale")["pdf"]


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def pages_text(pdf: Path) -> list[str]:
    return pdf_to_text(pdf).split("\f")[:-1]


def test_pdf_is_a4_tagged_and_titled_with_author_and_language(default_pdf):
    info = pdfinfo(default_pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Child protection plans: performance summary"
    assert info["Author"] == "Acting Director of Safeguarding"
    assert info["Page size"].startswith("595.276 x 841.89")  # A4 in points
    with pikepdf.open(default_pdf) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    # Dates come from the meeting, not the clock, so rebuilding changes nothing.
    assert info["CreationDate"].endswith("2018 UTC") and "Oct  9" in info["CreationDate"]


def test_every_font_is_embedded_and_the_body_font_is_the_house_font(default_pdf):
    fonts = pdffonts(default_pdf)
    assert fonts, "no fonts listed"
    for row in fonts:
        name, emb = row[0], row[-5]
        assert emb == "yes", f"{name} is not embedded"
    assert any(row[0].endswith("+Arial") for row in fonts)


def test_pdf_passes_qpdf_structural_check(default_pdf):
    result = subprocess.run(["qpdf", "--check", str(default_pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def flatten(outline) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in reading order; the no-break space that keeps a heading's
    last two words together read as the space it shows as."""
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title.replace("\u00a0", " ")))

    walk(outline, 1)
    return out


def test_bookmarks_follow_the_headings_and_their_levels(default_pdf):
    bookmarks = flatten(PdfReader(default_pdf).outline)
    assert bookmarks[0] == (1, "Child protection plans: performance summary")
    assert (2, "Summary") in bookmarks and (2, "Implications") in bookmarks
    outline = [title for _, title in bookmarks]
    for heading in ("Summary", "Recommendations", "Contact officer", "Background papers", "Implications",
                    "Appendix 1: Re-plans compared"):
        assert heading in outline
    assert outline.index("Summary") < outline.index("Recommendations") < outline.index("Implications")


def test_footer_says_page_x_of_y_and_running_header_skips_the_first_page(default_pdf):
    pages = pages_text(default_pdf)
    total = int(pdfinfo(default_pdf)["Pages"])
    assert len(pages) == total > 1
    header = "Children and Young People's Scrutiny Committee, 9 October 2018"
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        first_line = text.strip().splitlines()[0]
        if number == 1:
            assert first_line != header
        else:
            assert first_line == header


def test_every_marked_content_is_in_the_tree_and_the_page_furniture_is_an_artifact(default_pdf):
    """PDF/UA 7.1: WeasyPrint left the running header and page numbers tagged but outside the tree."""
    assert_screen_reader_reaches_every_page_in_order(default_pdf)
    with pikepdf.open(default_pdf) as pdf:
        furniture = []
        for page in pdf.pages[1:]:
            inside, text = False, ""
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC":
                    inside = operands[0] == pikepdf.Name.Artifact \
                        and operands[1].get("/Type") == pikepdf.Name.Pagination
                elif str(operator) == "EMC":
                    inside = False
                elif inside and str(operator) in ("Tj", "TJ"):
                    text += "x"
            furniture.append(text)
    assert all(furniture), "every page after the first has its running header and footer as artifacts"


def test_every_page_renders_to_a_picture_with_something_on_it(default_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(default_pdf), str(tmp_path / "p")], check=True)
    pictures = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pictures) == int(pdfinfo(default_pdf)["Pages"])
    for picture in pictures:
        pixels = picture.read_bytes().split(b"\n", 3)[3]  # P5 header: magic, size, maxval
        dark = sum(1 for value in pixels if value < 128)
        assert dark > 100, f"{picture.name} is (nearly) blank"


def test_implications_table_keeps_its_caption_and_header_row_together(default_pdf):
    for text in pages_text(default_pdf):
        if "Implications of this report" in text:
            assert "Implication" in text.split("Implications of this report", 1)[1]
            assert "Legal Implications" in text
            break
    else:
        pytest.fail("implications table caption not found")


def test_style_swap_changes_fonts_numbering_labels_and_footer(kestrel_pdf, default_pdf):
    fonts = [row[0] for row in pdffonts(kestrel_pdf)]
    assert any("Times-New-Roman" in name for name in fonts), fonts
    assert not any("Times" in row[0] for row in pdffonts(default_pdf))
    text = pdf_to_text(kestrel_pdf)
    flat = " ".join(text.split())
    assert re.search(r"^1\. Summary$", text, re.M)
    assert re.search(r"^1\.1$", text, re.M)  # numbered paragraphs
    assert "Kestrel Vale District Council | Page 1 of" in text
    assert "Climate and sustainability" in flat and "Sustainability Implications" not in flat
    assert "There are no implications arising from this report." in flat
    default_text = pdf_to_text(default_pdf)
    assert "None arising from this report." in " ".join(default_text.split())
    assert not re.search(r"^1\.1$", default_text, re.M)


def test_a_wrapped_title_keeps_its_last_two_words_together(tmp_path):
    """"...: March / 2022" on two lines reads badly on page 1; the last two words of a heading wrap together."""
    import yaml

    from tests.conftest import example_spec_data

    data = example_spec_data()
    data["header"]["title"] = "Children's social care performance: March 2022"  # wraps before 2022 in one piece
    spec = tmp_path / "report.yaml"
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    written = pipeline.build(spec, tmp_path / "out", ["pdf", "html"])
    first_page = pdf_to_text(written["pdf"], layout=True).split("\f")[0]
    title_lines = [line.strip() for line in first_page.splitlines() if line.strip()][2:4]
    assert title_lines == ["Children's social care performance:", "March 2022"], first_page[:600]
    html = written["html"].read_text(encoding="utf-8")
    assert "performance: March\u00a02022</h1>" in html


def test_a_title_keeping_its_last_two_words_together_breaks_nowhere_else(tmp_path):
    """A nowrap span for the last two words made WeasyPrint break after the first word at some widths."""
    from reportgen import model as m
    from reportgen.style import load_style
    from reportgen.writers import get_writer

    title = "Item 7: Block contract for nursing care beds at Elmfield House"
    document = m.Document(m.Metadata(title=title, author="Test"), (m.Heading(1, (m.Text(title),)),))
    out = tmp_path / "title.pdf"
    layout = get_writer("pdf").layout(document, load_style("kestrel-vale"), logo=False)  # as a pack's withheld item
    out.write_bytes(layout.write_pdf())
    lines = [line.strip() for line in pdf_to_text(out, layout=True).splitlines() if line.strip()]
    assert lines[:2] == ["Item 7: Block contract for nursing care beds at", "Elmfield House"], lines
