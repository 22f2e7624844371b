"""The Word writer, read back as Word and LibreOffice would read it.

The example report is built once per style; small documents made straight from
the model check one behaviour each (list restarts, links, tables, pictures).
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Length

from reportgen import model as m
from reportgen import pipeline
from reportgen.errors import RenderError
from reportgen.resolver import asset_url
from reportgen.style import load_style
from reportgen.writers import get_writer
from reportgen.writers.html import to_html
from tests.conftest import EXAMPLE_SPEC, pdf_to_text, soffice_convert

TITLE = "Child protection plans: performance summary"


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pipeline.build(EXAMPLE_SPEC, tmp_path_factory.mktemp("docx"), ["docx"])["docx"]


@pytest.fixture(scope="module")
def example(example_docx: Path) -> docx.document.Document:
    return docx.Document(str(example_docx))


def render(*blocks: m.Block, style: str = "default", **metadata: object) -> docx.document.Document:
    """A small document written by the Word writer and opened again with python-docx."""
    meta = {"title": "Test", "author": "Tester", "date": "2024-05-01", **metadata}
    buffer = io.BytesIO()
    get_writer("docx").write(m.Document(m.Metadata(**meta), blocks), load_style(style), buffer)  # type: ignore[arg-type]
    return docx.Document(io.BytesIO(buffer.getvalue()))


def written(document: docx.document.Document) -> list[docx.text.paragraph.Paragraph]:
    """Body paragraphs after the house style's logo, which opens every document."""
    first, *rest = document.paragraphs
    assert first._p.xpath(".//wp:docPr"), "the logo paragraph comes first"
    return rest


def para(*texts: str) -> m.Paragraph:
    return m.Paragraph(tuple(m.Text(t) for t in texts))


def items(*texts: str) -> tuple[m.ListItem, ...]:
    return tuple(m.ListItem((para(t),)) for t in texts)


def body_paragraphs(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def numbering_of(document: docx.document.Document, paragraph: docx.text.paragraph.Paragraph) -> tuple[int, int]:
    """(numId, ilvl) of a list paragraph."""
    numPr = paragraph._p.pPr.numPr
    assert numPr is not None, f"{paragraph.text!r} is not a list paragraph"
    return numPr.numId.val, numPr.ilvl.val


def level_definition(document: docx.document.Document, num_id: int, ilvl: int) -> dict[str, str]:
    """What a list instance shows at one level: numFmt, lvlText and its startOverride."""
    numbering = document.part.numbering_part.element
    num = numbering.num_having_numId(num_id)
    abstract_id = num.abstractNumId.val
    lvl = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='{ilvl}']")[0]
    start = num.xpath(f"w:lvlOverride[@w:ilvl='{ilvl}']/w:startOverride/@w:val")
    return {
        "numFmt": lvl.find(qn("w:numFmt")).get(qn("w:val")),
        "lvlText": lvl.find(qn("w:lvlText")).get(qn("w:val")),
        "start": start[0] if start else None,
    }


# --- the example report -----------------------------------------------------------


def test_headings_are_words_own_heading_styles(example):
    assert body_paragraphs(example, "Heading 1") == [TITLE]
    h2 = body_paragraphs(example, "Heading 2")
    assert h2[:3] == ["Summary", "Recommendations", "Number of children on a plan"]
    assert {"Contact officer", "Background papers", "Implications", "Appendix 1: Re-plans compared"} <= set(h2)
    appendix = next(p for p in example.paragraphs if p.text.startswith("Appendix 1"))
    assert appendix.paragraph_format.page_break_before is True
    names = example.element.body.xpath(".//w:bookmarkStart/@w:name")
    assert {"summary", "recommendations", "appendix_1"} <= set(names)


def test_recommendations_are_a_real_numbered_list_from_one(example):
    recommendations = [p for p in example.paragraphs if p.style.name == "List Number"]
    assert len(recommendations) == 3
    assert recommendations[0].text.startswith("Note that child protection planning")
    (num_id, ilvl), *others = [numbering_of(example, p) for p in recommendations]
    assert all(other == (num_id, ilvl) for other in others) and ilvl == 0
    assert level_definition(example, num_id, 0) == {"numFmt": "decimal", "lvlText": "%1.", "start": "1"}


def test_header_block_is_label_value_lines_not_a_layout_table(example):
    lines = body_paragraphs(example, "Label Value")
    assert lines[0] == "Report to:\tChildren and Young People's Scrutiny Committee"
    assert "Date of meeting:\t9 October 2018" in lines
    first = next(p for p in example.paragraphs if p.style.name == "Label Value")
    assert first.runs[0].bold and first.runs[0].text == "Report to"
    assert len(example.tables) == 4  # implications, the appendix table and two "data behind" tables only


def test_logo_is_first_with_the_council_as_alt_text(example):
    first = example.paragraphs[0]
    doc_pr = first._p.xpath(".//wp:docPr")
    assert doc_pr and doc_pr[0].get("descr") == "Harrowdale Borough Council"
    assert doc_pr[0].get("title") is None  # said once: a title repeating it is read out twice
    assert example.inline_shapes[0].width == Cm(load_style("default").logo_width_cm)


def test_implications_table_has_row_headers_and_a_repeating_header_row(example):
    table = example.tables[0]
    assert table.rows[0].cells[0].text == "Implication"
    assert table.rows[1].cells[0].text == "Relationship to Policy Framework/Corporate Priorities"
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold
    assert not table.rows[1].cells[1].paragraphs[0].runs[0].bold
    caption = docx.text.paragraph.Paragraph(table._tbl.getprevious(), table._parent)
    assert (caption.style.name, caption.text) == ("Caption", "Implications of this report")


def test_footer_has_live_page_and_page_count_fields(example):
    section = example.sections[0]
    settings = example.settings.element
    assert settings.xpath("w:updateFields/@w:val") == ["true"]
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element
        assert [i.text.strip() for i in xml.xpath(".//w:instrText")] == ["PAGE", "NUMPAGES"]
        assert xml.xpath(".//w:fldChar/@w:fldCharType") == ["begin", "separate", "end"] * 2
        assert footer.paragraphs[0].text == "Page 1 of 1"  # cached results until a client recalculates


def test_running_header_on_later_pages_only(example):
    section = example.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Children and Young People's Scrutiny Committee, 9 October 2018"
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""


def test_core_properties_come_from_the_document_not_the_clock(example):
    props = example.core_properties
    assert props.title == TITLE
    assert props.author == "Acting Director of Safeguarding"
    assert props.subject == "Report to Children and Young People's Scrutiny Committee, 9 October 2018"
    assert "committee report" in props.keywords
    assert props.language == "en-GB"
    assert props.created == props.modified == dt.datetime(2018, 10, 9, tzinfo=dt.UTC)
    assert props.revision == 1
    assert "python-docx" not in (props.comments or "")


def test_language_font_and_page_come_from_the_house_style(example):
    styles = example.styles.element
    assert styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == ["en-GB"]
    assert not styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts/@w:asciiTheme")
    assert example.styles["Normal"].font.name == "Arial"
    heading = example.styles["Heading 1"]
    assert heading.font.name == "Arial" and str(heading.font.color.rgb) == "005A8B"
    section = example.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.bottom_margin.cm, 2) == 2.2


def test_same_input_gives_the_same_bytes(tmp_path, example_docx):
    again = pipeline.build(EXAMPLE_SPEC, tmp_path, ["docx"])["docx"]
    assert again.read_bytes() == example_docx.read_bytes()


def test_kestrel_vale_style_gives_its_serif_headings_and_numbered_paragraphs(tmp_path):
    path = pipeline.build(EXAMPLE_SPEC, tmp_path, ["docx"], style_name="kestrel-vale")["docx"]
    document = docx.Document(str(path))
    heading = document.styles["Heading 1"]
    assert heading.font.name == "Times New Roman" and str(heading.font.color.rgb) == "1E5631"
    assert document.styles["Normal"].font.name == "Arial"
    assert body_paragraphs(document, "Heading 2")[0] == "1. Summary"
    numbered = body_paragraphs(document, "Numbered Paragraph")
    assert numbered[0].startswith("1.1\tWe monitor three areas")
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer == "Kestrel Vale District Council | Page 1 of 1"


# --- one behaviour at a time ------------------------------------------------------


def test_every_numbered_list_restarts_and_keeps_its_start_and_style():
    document = render(
        m.ListBlock(ordered=True, items=items("Alpha", "Beta")),
        para("Between the lists."),
        m.ListBlock(ordered=True, items=items("Gamma")),
        m.ListBlock(ordered=True, items=items("Delta"), start=4, style="lower-roman"),
        m.ListBlock(ordered=True, items=items("Epsilon"), style="lower-alpha"),
    )
    lists = [p for p in written(document) if p.style.name == "List Number"]
    ids = [numbering_of(document, p)[0] for p in lists]
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3], ids[4]}) == 4
    assert level_definition(document, ids[2], 0) == {"numFmt": "decimal", "lvlText": "%1.", "start": "1"}
    assert level_definition(document, ids[3], 0) == {"numFmt": "lowerRoman", "lvlText": "(%1)", "start": "4"}
    assert level_definition(document, ids[4], 0) == {"numFmt": "lowerLetter", "lvlText": "(%1)", "start": "1"}


def test_nested_lists_go_one_level_deeper():
    nested = m.ListBlock(ordered=False, items=items("Inner one", "Inner two"))
    document = render(
        m.ListBlock(ordered=True, items=(m.ListItem((para("Outer"), nested, para("More about outer"))),)),
    )
    outer, inner1, inner2, more = written(document)
    assert (outer.style.name, inner1.style.name) == ("List Number", "List Bullet 2")
    assert numbering_of(document, outer)[1] == 0 and numbering_of(document, inner1)[1] == 1
    assert numbering_of(document, inner1) == numbering_of(document, inner2)
    assert level_definition(document, numbering_of(document, inner1)[0], 1)["numFmt"] == "bullet"
    assert more.paragraph_format.left_indent > 0 and more._p.pPr.numPr is None


def test_bold_italic_links_and_line_breaks():
    document = render(
        m.Paragraph((
            m.Text("Read "),
            m.Text("the guidance", bold=True, href="https://www.gov.uk/guidance"),
            m.Text(" now", href="https://www.gov.uk/guidance"),
            m.Text(", "),
            m.Text("or not", italic=True),
            m.LineBreak(),
            m.Text("see the summary", href="#summary"),
            m.Text(" or ", ),
            m.Text("this", href="javascript:alert(1)"),
        )),
    )
    (paragraph,) = written(document)
    assert paragraph.text == "Read the guidance now, or not\nsee the summary or this"
    external, internal = paragraph.hyperlinks
    assert external.address == "https://www.gov.uk/guidance" and external.text == "the guidance now"
    assert external.runs[0].bold and external.runs[0].style.name == "Hyperlink"
    assert internal.fragment == "summary" and internal.address == ""
    assert [r.text for r in paragraph.runs if r.italic] == ["or not"]
    assert paragraph._p.xpath(".//w:br")
    assert "javascript" not in "".join(r.target_ref for r in document.part.rels.values() if r.is_external)


def test_tables_repeat_header_rows_never_split_rows_and_shade_headers():
    style = load_style("default")
    table = m.Table(
        head=(m.Row((m.Cell((m.Text("Area"),), header=True),
                     m.Cell((m.Text("Per cent"),), header=True, align="right"))),),
        body=(m.Row((m.Cell((m.Text("England"),), header=True), m.Cell((m.Text("19%"),), align="right"))),
              m.Row((m.Cell((m.Text("Harrowdale"),), header=True), m.Cell((m.Text("27%"),), align="right")))),
        caption=(m.Text("Re-plans"),),
        notes=((m.Text("Source: DfE."),),),
    )
    document = render(table)
    caption, note = written(document)
    assert (caption.style.name, caption.text) == ("Caption", "Re-plans")
    assert (note.style.name, note.text) == ("Table Note", "Source: DfE.")
    word_table = document.tables[0]
    head, *body = word_table.rows
    header_flag = head._tr.trPr.xpath("w:tblHeader")
    assert header_flag and header_flag[0].attrib == {}  # bare <w:tblHeader/>, no w:val
    assert all(not r._tr.xpath("w:trPr/w:tblHeader") for r in body)
    assert all(r._tr.xpath("w:trPr/w:cantSplit") for r in word_table.rows)
    fill = head.cells[0]._tc.xpath("w:tcPr/w:shd/@w:fill")
    assert fill == [style.colours.table_header_background.lstrip("#").upper()]
    assert head.cells[1].paragraphs[0].runs[0].bold
    assert body[0].cells[0].paragraphs[0].runs[0].bold and not body[0].cells[1].paragraphs[0].runs[0].bold
    assert body[0].cells[1].paragraphs[0].alignment == docx.enum.text.WD_PARAGRAPH_ALIGNMENT.RIGHT
    tblPr = word_table._tbl.tblPr
    assert tblPr.xpath("w:tblW/@w:type") == ["pct"] and tblPr.xpath("w:tblW/@w:w") == ["5000"]
    assert tblPr.xpath("w:tblCaption/@w:val") == ["Re-plans"]
    grid = document.styles["Table Grid"].element
    assert set(grid.xpath(".//w:tblBorders/*/@w:color")) == {style.colours.rule.lstrip("#").upper()}


def test_short_tables_are_kept_on_one_page_and_long_ones_may_split():
    def table(rows: int) -> m.Table:
        cell = (m.Cell((m.Text("x"),)),)
        return m.Table(head=(m.Row((m.Cell((m.Text("Period"),), header=True),)),),
                       body=tuple(m.Row(cell) for _ in range(rows)), caption=(m.Text(f"{rows} rows"),))

    def keeps_next(word_table) -> list[bool]:
        return [bool(row.cells[0].paragraphs[0].paragraph_format.keep_with_next) for row in word_table.rows]

    short, long = render(table(m.SHORT_TABLE_ROWS), table(m.SHORT_TABLE_ROWS + 1)).tables
    assert keeps_next(short) == [True] * m.SHORT_TABLE_ROWS + [False]  # every row chained to the last
    assert keeps_next(long) == [True] + [False] * (m.SHORT_TABLE_ROWS + 1)  # only the header keeps with the body
    html = to_html(m.Document(m.Metadata(title="t", author="a"), (table(3), table(40))), load_style("default"),
                   css="", src=lambda url: url)
    assert html.count('<table class="keep-whole">') == 1 and html.count("<table>") == 1


def test_figures_carry_alt_text_and_a_numbered_caption():
    logo_png = asset_url(load_style("default").logo_raster_path())
    figure = m.Figure(m.Image(logo_png, alt="Line chart: plans rose to 275 in August", width_cm=8),
                      caption=(m.Text("Children on a plan"),), number=2)
    document = render(figure)
    picture, caption = written(document)
    doc_pr = picture._p.xpath(".//wp:docPr")[0]
    assert doc_pr.get("descr") == "Line chart: plans rose to 275 in August"
    assert doc_pr.get("title") == "Figure 2: Children on a plan"
    assert document.inline_shapes[-1].width == Cm(8)
    assert (caption.style.name, caption.text) == ("Caption", "Figure 2: Children on a plan")


def test_wide_figures_are_shrunk_to_the_text_width():
    logo_png = asset_url(load_style("default").logo_raster_path())
    document = render(m.Figure(m.Image(logo_png, alt="Logo", width_cm=40)))
    section = document.sections[0]
    assert document.inline_shapes[-1].width == section.page_width - section.left_margin - section.right_margin


def test_svg_figure_uses_the_png_beside_it():
    logo_svg = asset_url(load_style("default").logo_path())
    document = render(m.Figure(m.Image(logo_svg, alt="Harrowdale logo")))
    rel_id = document.inline_shapes[-1]._inline.xpath(".//a:blip/@r:embed")[0]
    assert document.part.related_parts[rel_id].content_type == "image/png"


def test_svg_figure_uses_its_raster_copy_for_word():
    svg = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22/%3E"
    png = asset_url(load_style("kestrel-vale").logo_raster_path())
    document = render(m.Figure(m.Image(svg, alt="Bar chart of re-plans", raster_src=png)))
    rel_id = document.inline_shapes[-1]._inline.xpath(".//a:blip/@r:embed")[0]
    image = document.part.related_parts[rel_id]
    assert image.content_type == "image/png"
    assert image.blob == load_style("kestrel-vale").logo_raster_path().read_bytes()


def test_svg_figure_without_a_png_is_a_clear_error():
    svg = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22/%3E"
    with pytest.raises(RenderError) as caught:
        render(m.Figure(m.Image(svg, alt="Bar chart of re-plans")))
    assert "Word cannot show the SVG image" in str(caught.value)
    assert "Bar chart of re-plans" in str(caught.value)
    assert "PNG" in str(caught.value)


def test_page_breaks_and_exempt_notices():
    notice = m.Paragraph((m.Text("NOT FOR PUBLICATION"),), role="exempt-notice")
    document = render(notice, m.PageBreak(), para("After the break."))
    first, page_break, after = written(document)
    assert first.style.name == "Exempt Notice" and first.style.font.bold
    assert first.style.element.xpath("w:pPr/w:pBdr/w:left")
    assert page_break._p.xpath(".//w:br/@w:type") == ["page"]
    assert after.text == "After the break."


def test_document_language_and_undated_documents():
    document = render(para("Bore da."), language="cy", date=None)
    assert document.core_properties.language == "cy"
    assert document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == ["cy"]
    assert document.core_properties.created is None


# --- a real client ----------------------------------------------------------------


@pytest.mark.client
def test_libreoffice_shows_title_numbers_and_page_count(tmp_path, example_docx):
    pdf = soffice_convert(example_docx, tmp_path)
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    flat = " ".join(pdf_to_text(pdf).split())
    assert TITLE in flat
    assert "1. Note that child protection planning" in flat
    assert "3. Ask the Acting Director" in flat
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    assert pages >= 2
    # Page 1 as a picture, for a person to look at next to the WeasyPrint PDF.
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


@pytest.mark.client
def test_libreoffice_restarts_each_numbered_list(tmp_path):
    document = m.Document(m.Metadata(title="Lists", author="Tester"), (
        m.ListBlock(ordered=True, items=items("Alpha", "Beta")),
        para("Between the lists."),
        m.ListBlock(ordered=True, items=items("Gamma")),
        m.ListBlock(ordered=True, items=items("Delta"), start=4, style="lower-roman"),
    ))
    path = tmp_path / "lists.docx"
    with path.open("wb") as out:
        get_writer("docx").write(document, load_style("default"), out)
    flat = " ".join(pdf_to_text(soffice_convert(path, tmp_path)).split())
    assert "1. Alpha 2. Beta Between the lists. 1. Gamma (iv) Delta" in flat


def test_minutes_roles_have_their_own_styles():
    document = render(m.Paragraph((m.Text("DRAFT"),), role="draft-notice"),
                      m.Paragraph((m.Text("RESOLVED", bold=True), m.Text(" – noted.")), role="resolution"))
    draft, resolution = written(document)
    accent = load_style("default").colours.accent.lstrip("#").upper()
    assert draft.style.name == "Draft Notice" and str(draft.style.font.color.rgb) == accent
    assert resolution.style.name == "Resolution" and resolution.style.paragraph_format.space_before > 0


def test_no_column_is_narrower_than_its_longest_word():
    long = "Report on the mapping of domestic abuse services commissioned by the council and its partners"
    header = m.Row(tuple(m.Cell((m.Text(t),), header=True) for t in ("Minute", "Action", "Owner", "Due")))
    cells = ("34/18", long, "Acting Director of Safeguarding", "11 December 2018")
    row = m.Row(tuple(m.Cell((m.Text(t),)) for t in cells))
    document = render(m.Table(head=(header,), body=(row,)))
    widths = [int(w) for w in document.tables[0]._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    minute_bold_12pt = 6 * 0.6 * 12 * 20  # six bold characters, in twips
    assert widths[0] > minute_bold_12pt + 200  # plus the cell margins
    assert widths[1] == max(widths)


def test_a_long_file_name_wraps_and_no_other_column_loses_its_words(tmp_path):
    """An appendix row naming its source file: the name cannot fit, the short columns still must."""
    header = m.Row(tuple(m.Cell((m.Text(t),), header=True) for t in ("Area", "Period", "Value", "Source")))
    source = "d3_cpps_subsequent_plan_2013_to_2025_with_a_longer_local_suffix.csv, row 509"
    row = m.Row(tuple(m.Cell((m.Text(t),)) for t in ("Statistical neighbours", "2021/22", "21.0", source)))
    document = render(m.Table(head=(header,), body=(row,)))
    widths = [int(w) for w in document.tables[0]._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    section = document.sections[0]
    text_width = Length(section.page_width - section.left_margin - section.right_margin).twips
    assert all(width > 0 for width in widths) and abs(sum(widths) - text_width) <= len(widths)
    path = tmp_path / "appendix.docx"
    document.save(path)
    words = pdf_to_text(soffice_convert(path, tmp_path)).split()
    assert {"Area", "Period", "Value", "Statistical", "neighbours", "2021/22"} <= set(words)


def test_a_period_code_is_not_broken_at_its_hyphens_in_word(tmp_path):
    """"2018- / 04/2018-08" read as two periods in the Word appendix: its column is as wide as the code."""
    header = m.Row(tuple(m.Cell((m.Text(t),), header=True) for t in ("Area", "Period", "Value", "Counts", "Source")))
    rows = tuple(m.Row(tuple(m.Cell((m.Text(t),), align="right" if i in (2, 3) else "left") for i, t in enumerate(
        (area, period, "26.8", "30 of 112", "child_protection.csv, row 25"))))
        for area, period in (("Harrowdale", "2018-04/2018-08"), ("Statistical neighbours", "2016/17")))
    document = render(m.Table(head=(header,), body=rows))
    path = tmp_path / "appendix.docx"
    document.save(path)
    words = pdf_to_text(soffice_convert(path, tmp_path)).split()
    assert "2018-04/2018-08" in words


def test_a_paragraph_with_two_roles_keeps_its_style_and_keeps_with_next():
    """A minute's last resolution before "Signed": styled as a resolution and kept with the signature."""
    document = render(m.Paragraph((m.Text("RESOLVED", bold=True), m.Text(" – noted.")),
                                  role="resolution keep-with-next"),
                      m.Paragraph((m.Text("Chair: ....."),)))
    resolution, _ = written(document)
    assert resolution.style.name == "Resolution" and resolution.paragraph_format.keep_with_next
