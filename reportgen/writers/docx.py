"""The Word writer: the document model as a .docx built on styles made from the house style.

Every look comes from a named Word style (Heading 1-3, List Number, Caption,
Exempt Notice ...) generated from ``HouseStyle``, the same definition the CSS
comes from, so an officer who edits the draft gets Word's navigation pane, real
lists and the council's formatting rather than direct formatting. The styled
base document (styles, list definitions, page set-up, logo, footer) is built
once per house style by ``docx_styles`` and reused for every document in the
process; this module walks the document model onto a copy of it.

python-docx cannot write fields, list restarts, repeating header rows, alt
text, bookmarks or the document language; those live in ``docx_oxml``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from copy import deepcopy
from functools import cache
from typing import BinaryIO

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reportgen import model as m
from reportgen.errors import RenderError, ResourceRefusedError
from reportgen.resolver import ASSET_SCHEME, read_resource
from reportgen.style import HouseStyle
from reportgen.writers import docx_oxml as oxml
from reportgen.writers.docx_styles import (
    ABSTRACT_IDS,
    add_picture,
    build_base,
    em_twips,
    hex_colour,
    list_left,
    resize,
    rgb,
)
from reportgen.writers.docx_widths import column_widths

log = logging.getLogger(__name__)

ROLE_STYLES: dict[str, str] = {
    "exempt-notice": "Exempt Notice",
    "draft-notice": "Draft Notice",
    "resolution": "Resolution",
    "table-note": "Table Note",
    "quote": "Quote",
    "signature": "Signature",
}
"""Block role (the HTML class) -> Word paragraph style; other roles use Normal."""


def _role_style(role: str | None) -> str:
    """The Word style of a paragraph's first styled class ("resolution keep-with-next" -> Resolution)."""
    return next((ROLE_STYLES[name] for name in (role or "").split() if name in ROLE_STYLES), "Normal")


_WORD_RASTERS = {"image/png", "image/jpeg", "image/gif"}
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")


# --- pictures -----------------------------------------------------------------


def _picture_bytes(image: m.Image) -> bytes:
    """The bytes Word embeds for ``image``.

    PNG, JPEG and GIF go in as they are. Word cannot show an SVG on its own, so
    for an SVG it gets the image's PNG copy (``raster_src``, which charts set),
    or else the PNG of the same name beside an SVG under templates/ or styles/
    (as a style's logo.svg has logo.png); without either the build stops rather
    than publish a Word version with a hole in it.
    """
    data, mime = read_resource(image.src)
    if mime in _WORD_RASTERS:
        return data
    where = image.src if len(image.src) <= 80 else image.src[:60] + "..."
    if mime != "image/svg+xml":
        raise RenderError(f"the image {where!r} is {mime}, which Word cannot show", hint="use a PNG or JPEG image")
    if image.raster_src:
        data, mime = read_resource(image.raster_src)
        if mime not in _WORD_RASTERS:
            raise RenderError(f"the copy of image {where!r} for Word is {mime}, not PNG or JPEG")
        return data
    if image.src.startswith(f"{ASSET_SCHEME}:") and image.src.lower().endswith(".svg"):
        try:
            return read_resource(image.src[:-4] + ".png")[0]
        except ResourceRefusedError:
            pass
    raise RenderError(
        f"Word cannot show the SVG image {where!r} (alt text {image.alt!r}) on its own",
        hint="give it a PNG copy (data-raster-src, or a .png of the same name beside the .svg), or use a PNG",
    )


# --- the body -----------------------------------------------------------------


class _Builder:
    """Appends the model's blocks to a document made from the base."""

    def __init__(self, doc: DocxDocument, style: HouseStyle) -> None:
        self.doc = doc
        self.style = style
        self.numbering = doc.part.numbering_part.element
        page = doc.sections[0]  # the base always sets these, so none is None
        self.text_width = Emu((page.page_width or 0) - (page.left_margin or 0) - (page.right_margin or 0))
        self.bookmarks = 0
        self.style_ids = {s.name: s.style_id for s in doc.styles}

    def add(self, style: str = "Normal", text: str = "") -> Paragraph:
        """A new body paragraph; styles set by id (python-docx's by-name lookup scans every style)."""
        paragraph = self.doc.add_paragraph(text)
        if style != "Normal":
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def blocks(self, blocks: tuple[m.Block, ...]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: m.Block) -> None:
        if isinstance(block, m.PageBreak):
            self.add().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, m.ListBlock):
            self.list_block(block, 0)
        else:
            write = {m.Heading: self.heading, m.Paragraph: self.paragraph, m.Table: self.table,
                     m.Figure: self.figure, m.DefinitionList: self.definitions}.get(type(block))
            if write is None:
                raise RenderError(f"the Word writer does not know the block {type(block).__name__}")
            write(block)  # type: ignore[operator]

    def heading(self, block: m.Heading) -> None:
        paragraph = self.add(f"Heading {block.level}")
        paragraph.paragraph_format.page_break_before = block.page_break_before or None
        self.inlines(paragraph, block.content)
        if block.id:
            self.bookmarks += 1
            oxml.add_bookmark(paragraph, self.bookmarks, block.id)

    def paragraph(self, block: m.Paragraph) -> Paragraph:
        if block.number:
            paragraph = self.add("Numbered Paragraph", f"{block.number}\t")
        else:
            paragraph = self.add(_role_style(block.role))
        if m.keeps_with_next(block.role):
            paragraph.paragraph_format.keep_with_next = paragraph.paragraph_format.keep_together = True
        self.inlines(paragraph, block.content)
        if _role_style(block.role) == "Signature":  # the line to sign on: a tab the style leads with dots
            paragraph.add_run("\t")
        return paragraph

    def list_block(self, block: m.ListBlock, level: int) -> list[Paragraph]:
        """Each list is a new ``w:num``, so every numbered list restarts at its own ``start``.

        Returns the paragraphs written, nested lists' included, so that a list
        kept whole (``m.keeps_whole``) can chain "keep with next" through them.
        """
        kind = block.style if block.ordered else "bullet"
        ilvl = min(level, 8)
        num_id = oxml.new_list_instance(self.numbering, ABSTRACT_IDS[kind], ilvl, block.start)
        style_name = ("List Number" if block.ordered else "List Bullet") + ("", " 2", " 3")[min(level, 2)]
        written: list[Paragraph] = []
        for item in block.items:
            children = list(item.blocks)
            lead = first if children and isinstance(first := children[0], m.Paragraph) else None
            if lead is not None:
                children.pop(0)
            paragraph = self.add(style_name)
            written.append(paragraph)
            oxml.set_list_level(paragraph._p.get_or_add_pPr(), num_id, ilvl)
            self.inlines(paragraph, lead.content if lead is not None else ())
            for child in children:
                if isinstance(child, m.ListBlock):
                    written += self.list_block(child, level + 1)
                elif isinstance(child, m.Paragraph):
                    paragraph = self.paragraph(child)
                    paragraph.paragraph_format.left_indent = Twips(list_left(self.style, ilvl))
                    written.append(paragraph)
                else:
                    self.block(child)
        if written and level == 0:
            written[-1].paragraph_format.space_after = Twips(em_twips(self.style, 0.6))
            if m.keeps_whole(block.role):
                for paragraph in written[:-1]:
                    paragraph.paragraph_format.keep_with_next = True
            if m.keeps_with_next(block.role):
                written[-1].paragraph_format.keep_with_next = True
        return written

    def table(self, block: m.Table) -> None:
        rows = block.head + block.body
        columns = max((len(row.cells) for row in rows), default=0)
        if not columns:
            return
        if block.caption:
            caption = self.add("Caption")
            caption.paragraph_format.keep_with_next = True
            self.inlines(caption, block.caption)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table._tbl.tblPr.style = self.style_ids["Table Grid"]
        oxml.set_table_layout(table._tbl.tblPr, m.plain_text(block.caption))
        widths = column_widths(block, columns, self.text_width.twips, self.style.sizes.body)
        oxml.set_column_widths(table._tbl, widths)
        colours = self.style.colours
        keep_whole = m.table_keeps_whole(block)
        for index, (row, docx_row) in enumerate(zip(rows, table.rows)):
            in_head = index < len(block.head)
            oxml.keep_row_whole(docx_row)
            if in_head:
                oxml.mark_header_row(docx_row)
            last = index == len(rows) - 1
            keep_next = in_head or (keep_whole and not last) or (last and m.keeps_with_next(block.role))
            for cell, docx_cell in zip(row.cells, docx_row.cells):
                paragraph = docx_cell.paragraphs[0]
                # A copy of one prepared w:pPr per kind of cell: python-docx's setters search
                # the element's children on every call, most of the Word time for a big table.
                paragraph._p.insert(0, deepcopy(_cell_paragraph_format(keep_next, cell.align)))
                colour = None
                if in_head:
                    oxml.shade_cell(docx_cell, hex_colour(colours.table_header_background))
                    colour = rgb(colours.table_header_text)
                self.inlines(paragraph, cell.content, bold=cell.header or in_head, colour=colour)
        for note in block.notes:
            self.inlines(self.add("Table Note"), note)

    def figure(self, block: m.Figure) -> None:
        image = block.image
        paragraph = self.add()
        shape = add_picture(paragraph, _picture_bytes(image), f"the image {image.alt!r}")
        resize(shape, min(Cm(image.width_cm) if image.width_cm else shape.width, self.text_width))
        label = f"Figure {block.number}: " if block.number else ""
        oxml.set_alt_text(shape, image.alt, (label + m.plain_text(block.caption)).strip(" :") or image.alt)
        if label or block.caption:
            paragraph.paragraph_format.keep_with_next = True
            caption = self.add("Caption", label)
            self.inlines(caption, block.caption)

    def definitions(self, block: m.DefinitionList) -> None:
        """Label and value on one line (bold label, tab, value): not a layout table; kept whole, and with
        the next block when its role says so (a measure's status lines with its first statement)."""
        keep_last = m.keeps_with_next(block.role) or None
        for index, term in enumerate(block.items):
            paragraph = self.add("Label Value")
            paragraph.paragraph_format.keep_with_next = index < len(block.items) - 1 or keep_last
            self.inlines(paragraph, term.term, bold=True)
            paragraph.add_run("\t")
            self.inlines(paragraph, term.definition)

    def inlines(self, paragraph: Paragraph, content: tuple[m.Inline, ...], *, bold: bool = False,
                colour: RGBColor | None = None) -> None:
        """Runs with bold and italic; consecutive runs with one target share one ``w:hyperlink``."""
        link, target = None, None
        for item in content:
            href = item.href if isinstance(item, m.Text) else None
            if href != target:
                link, target = (_hyperlink(paragraph, href) if href else None), href
            run = paragraph.add_run()
            if isinstance(item, m.LineBreak):
                run.add_break()
            else:
                if item.bold or bold or item.italic or colour is not None:
                    # As for cells: a prepared w:rPr, copied (python-docx's setters are slow).
                    run._r.insert(0, deepcopy(_run_format(item.bold or bold, item.italic, colour)))
                run.text = oxml.xml_text(item.text)
            if link is not None:
                run._r.style = self.style_ids["Hyperlink"]
                link.append(run._r)



@cache
def _cell_paragraph_format(keep_next: bool, align: str | None) -> BaseOxmlElement:
    """The w:pPr of a table cell's paragraph: no space after, kept with the next row if asked, aligned.

    Cached and never changed: callers insert a deepcopy.
    """
    scratch = Paragraph(OxmlElement("w:p"), None)
    fmt = scratch.paragraph_format
    fmt.space_after, fmt.keep_with_next = Pt(0), keep_next or None
    scratch.alignment = {"right": WD_PARAGRAPH_ALIGNMENT.RIGHT, "center": WD_PARAGRAPH_ALIGNMENT.CENTER}.get(align)
    return scratch._p.get_or_add_pPr()


@cache
def _run_format(bold: bool, italic: bool, colour: RGBColor | None) -> BaseOxmlElement:
    """The w:rPr of a run: bold, italic, colour. Cached and never changed: callers insert a deepcopy."""
    scratch = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]  # formatting needs no parent
    scratch.bold, scratch.italic = bold or None, italic or None
    if colour is not None:
        scratch.font.color.rgb = colour
    return scratch._r.get_or_add_rPr()


def _hyperlink(paragraph: Paragraph, href: str) -> BaseOxmlElement | None:
    """Web, email, phone and in-document links; any other scheme (``file:``, ``javascript:``) stays text."""
    if (href.startswith("#") and len(href) > 1) or href.lower().startswith(_LINK_SCHEMES):
        return oxml.add_hyperlink(paragraph, href)
    log.warning("link to %r written as plain text in Word: only web, email and phone links are kept", href)
    return None


# --- the writer ---------------------------------------------------------------


def _set_properties(doc: DocxDocument, metadata: m.Metadata) -> tuple[int, int, int, int, int, int]:
    """Core properties from the metadata, dated by the meeting date, never the clock; returns the zip date."""
    props = doc.core_properties
    props.title, props.author, props.subject = metadata.title, metadata.author, metadata.subject
    props.keywords, props.last_modified_by = ", ".join(metadata.keywords), metadata.author
    props.comments, props.revision = "", 1
    oxml.set_language(doc, metadata.language)
    if not metadata.date:
        oxml.clear_dates(doc)
        return (1980, 1, 1, 0, 0, 0)
    try:
        day = dt.date.fromisoformat(metadata.date)
    except ValueError:
        raise RenderError(f"the document date {metadata.date!r} is not an ISO date (YYYY-MM-DD)") from None
    props.created = props.modified = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


class DocxWriter:
    """Word .docx on house styles. One instance per process keeps each style's base document."""

    suffix = ".docx"

    def __init__(self) -> None:
        self._bases: dict[tuple[str, str, str], bytes] = {}

    def base(self, style: HouseStyle) -> bytes:
        """The styled empty document for ``style`` (keyed on its settings too, so an edited style is rebuilt)."""
        key = (style.name, style.model_dump_json(), str(style.folder))
        if key not in self._bases:
            self._bases[key] = build_base(style)
        return self._bases[key]

    def write(self, document: m.Document, style: HouseStyle, out: BinaryIO) -> None:
        doc = docx.Document(io.BytesIO(self.base(style)))
        _Builder(doc, style).blocks(document.blocks)
        running = document.metadata.running_header
        if running:
            doc.sections[0].header.paragraphs[0].text = oxml.xml_text(running)
        zip_date = _set_properties(doc, document.metadata)
        buffer = io.BytesIO()
        doc.save(buffer)
        out.write(oxml.normalise_zip(buffer.getvalue(), zip_date))
