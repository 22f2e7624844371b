"""Agenda packs: front sheet, agenda and every item's report as one paginated, bookmarked PDF.

How a pack is made, per audience (public or private):

1. Each item's report is read (``pack_sources``) and laid out once: a
   report spec through the normal pipeline (WeasyPrint layout, tagged), an
   existing PDF opened as it is (a tagged one's bare borders marked as
   artifacts), a .docx converted by LibreOffice. Exempt
   reports never reach the public pack: there the item gets a one-page
   "Not for publication" notice instead,
   decided in ``_body_parts`` and nowhere else. Whether an item is exempt
   comes from the meeting file, checked first against what the report says
   of itself: its spec's classification, or an existing file's "Not for
   publication" marking.
2. The agenda is laid out with the page ranges those parts will occupy. Its
   own length shifts the ranges, so it is laid out again until the ranges it
   prints are the ranges it produces (twice in practice).
3. The generated parts' pages are combined into one tagged PDF (WeasyPrint
   keeps the structure tree across documents), the existing PDFs' pages are
   inserted where their items fall, their structure trees grafted onto the
   pack's in page order (``pdf_structure``; an untagged PDF is warned about
   when it is read), each section's elements (the front sheet and agenda's,
   each item's) are gathered in one Part, every page is stamped with its pack
   page number (as an artifact, so screen readers skip it), one bookmark per
   section is written holding the section's own bookmarks (``pack_outline``),
   and the title and language are set. The pack claims PDF/UA, as WeasyPrint
   does for the generated parts, only if every existing PDF in it is tagged
   throughout.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import pikepdf

from reportgen import model as m
from reportgen.meeting import Item, MeetingSpec
from reportgen.meeting_docs import Audience, agenda_document
from reportgen.pack_outline import Section, write_outline
from reportgen.pack_sources import Source
from reportgen.pdf_structure import group_sections, merge_structure, strip_structure_keys, structure_problem
from reportgen.style import HouseStyle
from reportgen.writers import get_writer
from reportgen.writers.css import css_string
from reportgen.writers.pdf import PDF_OPTIONS
from reportgen.writers.pdf_artifacts import mark_page_furniture
from reportgen.writers.pdf_tags import complete_tags

log = logging.getLogger(__name__)

PACK_CSS = """
@page { @bottom-center { content: none; } }
p.blank-page-notice { margin-top: 11cm; text-align: center; font-style: italic; }
p.not-for-publication { font-size: 16pt; font-weight: bold; margin-top: 2em; }
"""
"""Generated parts carry no footer of their own: the pack stamps one number on every page."""

NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION"
"""Stamped at the head of every page of an exempt report in the private pack."""


@dataclass
class Part:
    kind: Literal["agenda", "report", "external", "withheld", "blank"]
    item: Item | None
    layout: Any = None
    """WeasyPrint's laid-out document, for generated parts."""
    pdf: pikepdf.Pdf | None = None
    """The existing PDF, for external parts."""
    readable: bool = True
    """False for an existing PDF a screen reader cannot read all of (warned about when it was read)."""

    @property
    def pages(self) -> int:
        return len(self.layout.pages) if self.layout is not None else len(self.pdf.pages)


@dataclass
class Pack:
    parts: list[Part]
    ranges: dict[int, tuple[int, int]]
    """Item number -> (first page, last page) in the pack, counting from 1."""


def lay_out(meeting: MeetingSpec, style: HouseStyle, sources: dict[int, Source], audience: Audience) -> Pack:
    """Every part laid out and placed; the agenda's page ranges match where reports really start."""
    body = _body_parts(meeting, style, sources, audience)
    printed: dict[int, str] = {number: "Pages 999 to 999" for number in _items_with_parts(body)}
    for _ in range(4):
        agenda = Part("agenda", None, layout=_layout(agenda_document(meeting, style, printed, audience), style))
        pack = _paginate([agenda, *body], style)
        actual = {number: page_range_text(*pages) for number, pages in pack.ranges.items()}
        if actual == printed:
            return pack
        printed = actual
    raise RuntimeError("the agenda's page ranges did not settle after four layouts")


def page_range_text(first: int, last: int) -> str:
    """"Pages 6 to 12": "to", as GOV.UK writes a range, not a hyphen a screen reader says "dash" for."""
    return f"Page {first}" if first == last else f"Pages {first} to {last}"


def _items_with_parts(parts: list[Part]) -> list[int]:
    return [p.item.number for p in parts if p.item is not None]


def _body_parts(meeting: MeetingSpec, style: HouseStyle, sources: dict[int, Source], audience: Audience) -> list[Part]:
    parts = []
    for item in meeting.items:
        source = sources.get(item.number)
        if source is None:
            continue
        if item.exempt and audience == "public":
            parts.append(Part("withheld", item, layout=_layout(_withheld(item, meeting), style, logo=False)))
        elif isinstance(source, m.Document):
            parts.append(Part("report", item, layout=_layout(source, style)))
        else:
            parts.append(Part("external", item, pdf=source.pdf, readable=source.unreadable is None))
    return parts


def _paginate(parts: list[Part], style: HouseStyle) -> Pack:
    """Place parts one after another, adding blank pages where reports must start on odd pages."""
    placed: list[Part] = []
    ranges: dict[int, tuple[int, int]] = {}
    next_page = 1
    for part in parts:
        if part.item is not None and style.reports_start_on_odd_pages and next_page % 2 == 0:
            placed.append(Part("blank", None, layout=_blank_page(style)))
            next_page += 1
        placed.append(part)
        if part.item is not None:
            ranges[part.item.number] = (next_page, next_page + part.pages - 1)
        next_page += part.pages
    return Pack(placed, ranges)


def _layout(document: m.Document, style: HouseStyle, *, logo: bool = True) -> Any:
    return get_writer("pdf").layout(document, style, extra_css=PACK_CSS, logo=logo)  # type: ignore[attr-defined]


def _withheld(item: Item, meeting: MeetingSpec) -> m.Document:
    reason = (f"This report contains exempt information as defined in paragraph {item.exempt_paragraph} of "
              "Part 1 of Schedule 12A to the Local Government Act 1972.")
    return m.Document(
        m.Metadata(title=item.title, author=meeting.committee),
        (
            m.Heading(1, (m.Text(f"Item {item.number}: {item.title}"),)),
            m.Paragraph((m.Text("Not for publication"),), role="not-for-publication"),
            m.Paragraph((m.Text(reason),)),
        ),
    )


_blank_cache: dict[str, Any] = {}


def _blank_page(style: HouseStyle) -> Any:
    if style.name not in _blank_cache:
        notice = m.Paragraph((m.Text("This page is intentionally left blank"),), role="blank-page-notice")
        document = m.Document(m.Metadata(title="Blank page", author=""), (notice,))
        _blank_cache[style.name] = _layout(document, style, logo=False)
    return _blank_cache[style.name]


def write_pack(pack: Pack, meeting: MeetingSpec, style: HouseStyle, audience: Audience) -> bytes:
    """The pack's bytes: combined, external pages inserted, stamped, bookmarked, titled."""
    generated = [part.layout for part in pack.parts if part.layout is not None]
    combined = generated[0].copy([page for layout in generated for page in layout.pages])
    pdf = pikepdf.open(io.BytesIO(combined.write_pdf(**PDF_OPTIONS)))
    complete_tags(pdf, combined)
    index = 0
    for part in pack.parts:
        if part.kind == "external":
            for offset, page in enumerate(part.pdf.pages):
                pdf.pages.insert(index + offset, page)
            if structure_problem(part.pdf) is None:
                merge_structure(pdf, part.pdf, index)
            else:  # warned about when read; its keys must not index our ParentTree
                strip_structure_keys(list(pdf.pages[index:index + part.pages]))
        index += part.pages
    mark_page_furniture(pdf)
    sections = _sections(pack)
    group_sections(pdf, [(section.title, section.first, section.last) for section in sections])
    _stamp_pages(pdf, style, _marked_pages(pack, audience))
    write_outline(pdf, sections)
    private = audience == "private" and any(item.exempt for item in meeting.items)
    kind = "private agenda pack (not for publication)" if private else "agenda pack"
    _metadata(pdf, f"{meeting.committee}: {kind}, {meeting.date.day} {meeting.date:%B %Y}", style, meeting,
              claims_pdf_ua=all(part.readable for part in pack.parts))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _marked_pages(pack: Pack, audience: Audience) -> set[int]:
    """The pack's pages (from 0) holding exempt information: in the private pack, every page of an exempt report."""
    marked: set[int] = set()
    start = 0
    for part in pack.parts:
        if audience == "private" and part.item is not None and part.item.exempt:
            marked.update(range(start, start + part.pages))
        start += part.pages
    return marked


def _stamp_pages(pdf: pikepdf.Pdf, style: HouseStyle, marked: set[int]) -> None:
    """"Page N" at the foot of every page, and "NOT FOR PUBLICATION" at the head of each ``marked`` page.

    Drawn by WeasyPrint in the house font and marked as artifacts. The marking
    is stamped rather than left to each report, so every page of exempt
    material carries it, whether the report was generated or an existing PDF.
    Each stamp is laid out on a page the size its page shows (an existing PDF
    may be on US Letter, or turned to landscape with /Rotate) and placed by
    qpdf's placement, which undoes the page's rotation, so it reads upright
    in that page's corners.
    """
    shown = [_shown_size(page) for page in pdf.pages]
    usual = Counter(shown).most_common(1)[0][0]  # every page's size by default; named pages for the others
    sizes = {size: f"stamp-size-{n}" for n, size in enumerate(dict.fromkeys(shown)) if size != usual}
    ids = [f"stamp-{i}{'-marked' if i in marked else ''}" for i in range(len(shown))]
    blank = m.Document(m.Metadata(title="stamps", author=""), tuple(
        m.Heading(3, (m.Text(" "),), id=ids[i], page_break_before=i > 0) for i in range(len(shown))))
    font = f"font-family: {css_string(style.fonts.body.family)}; color: {style.colours.text};"
    css = ("@page { @bottom-center { content: none; } "
           f"@bottom-right {{ content: 'Page ' counter(page); {font} font-size: {style.sizes.body}pt; }} "
           f"@top-right {{ content: string(marking); {font} font-size: {style.sizes.body}pt; font-weight: bold; }} }}"
           "@page :first { @top-left { content: none; } }"
           "h3 { visibility: hidden; margin: 0; string-set: marking ''; }"
           f"h3[id$='-marked'] {{ string-set: marking {css_string(NOT_FOR_PUBLICATION)}; }}"
           + f"@page {{ size: {usual[0]}pt {usual[1]}pt; }}"
           + "".join(f"@page {name} {{ size: {width}pt {height}pt; }}" for (width, height), name in sizes.items())
           + "".join(f"#{ids[i]} {{ page: {sizes[size]}; }}" for i, size in enumerate(shown) if size in sizes))
    layout = get_writer("pdf").layout(blank, style, extra_css=css, logo=False)  # type: ignore[attr-defined]
    stamps = pikepdf.open(io.BytesIO(layout.write_pdf()))
    if len(stamps.pages) != len(shown):
        raise RuntimeError(f"page-number stamps: made {len(stamps.pages)} pages for {len(shown)}")
    for page, stamp in zip(pdf.pages, stamps.pages, strict=True):
        form = pdf.copy_foreign(stamp.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, _unused_name(page, "PackStamp"))
        placed = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.cropbox))
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"\nQ\nq /Artifact BMC " + placed + b" EMC Q\n"))


def _shown_size(page: pikepdf.Page) -> tuple[str, str]:
    """A page's width and height in points as a reader sees it (``"612.00"``): its crop box, turned by its /Rotate."""
    box = pikepdf.Rectangle(page.cropbox)
    width, height = f"{box.width:.2f}", f"{box.height:.2f}"
    return (height, width) if page.rotation % 180 else (width, height)


def _unused_name(page: pikepdf.Page, stem: str) -> pikepdf.Name:
    """``/stem``, or ``/stem2``, ``/stem3``...: the first resource name the page does not use yet.

    Chosen rather than random (pikepdf's ``prefix=``), so a meeting makes the
    same pack, byte for byte, every time it is built.
    """
    taken = {str(key) for kind in page.resources.values() if isinstance(kind, pikepdf.Dictionary)
             for key in kind}
    name, number = f"/{stem}", 1
    while name in taken:
        number += 1
        name = f"/{stem}{number}"
    return pikepdf.Name(name)


def _sections(pack: Pack) -> list[Section]:
    """The front sheet and agenda, and each item: what gets a bookmark and a Part (a blank page neither)."""
    sections = []
    start = 0
    for part in pack.parts:
        if part.kind != "blank":
            title = "Front sheet and agenda" if part.item is None else f"Item {part.item.number}: {part.item.title}"
            source = part.pdf if part.kind == "external" else None
            sections.append(Section(title, start, start + part.pages - 1, source))
        start += part.pages
    return sections


def _metadata(pdf: pikepdf.Pdf, title: str, style: HouseStyle, meeting: MeetingSpec, *, claims_pdf_ua: bool) -> None:
    """Title, author, subject and language; WeasyPrint's PDF/UA claim withdrawn unless ``claims_pdf_ua``.

    The claim can stand for every page: the generated parts are tagged by
    WeasyPrint, their furniture marked as artifacts, so it rests on the
    existing PDFs, each checked (its bare borders marked) when it was read.
    """
    pdf.Root.Lang = pikepdf.String("en-GB")
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        if not claims_pdf_ua and "pdfuaid:part" in xmp:
            del xmp["pdfuaid:part"]
        xmp["dc:title"] = title
        xmp["dc:creator"] = [style.council]
        xmp["dc:language"] = ["en-GB"]
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = style.council
    pdf.docinfo["/Subject"] = f"Agenda pack for the meeting of {meeting.committee} on " \
                              f"{meeting.date.day} {meeting.date:%B %Y}"
