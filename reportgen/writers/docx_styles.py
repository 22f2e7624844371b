"""The styled base document every Word version starts from, made from ``HouseStyle``.

Word styles must exist in the document before paragraphs can use them, so the
house style (fonts, sizes, colours, margins, logo, footer) becomes Word styles,
list definitions and page set-up here. That work is separate from the writer
in ``docx`` because it happens once per house style, not once per document:
``DocxWriter`` keeps the bytes this module builds and copies them for every
document in the process. The few measures the body also needs (list indents,
em in twips, colours, pictures) are shared from here so the two agree.
"""

from __future__ import annotations

import io
import logging
from typing import cast

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.ns import qn
from docx.shape import InlineShape
from docx.shared import Cm, Emu, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

from reportgen.errors import RenderError
from reportgen.resolver import asset_url, read_resource
from reportgen.style import HouseStyle
from reportgen.writers import docx_oxml as oxml

log = logging.getLogger(__name__)

A4 = (Cm(21.0), Cm(29.7))
LINE_SPACING = 1.2
"""Word multiple matching the CSS line-height 1.4 (Word's single line is already ~1.15 em)."""

HEADING_SPACING = {1: (0.6, 0.5), 2: (1.2, 0.4), 3: (1.0, 0.3)}
"""Space before and after each heading level, in that heading's em (as house.css.j2)."""

_BULLETS = ("\u2022", "\u25e6", "\u25aa")
_ORDERED = {"decimal": ("decimal", "%{n}."), "lower-roman": ("lowerRoman", "(%{n})"),
            "lower-alpha": ("lowerLetter", "(%{n})")}
ABSTRACT_IDS = {"bullet": 1, "decimal": 2, "lower-roman": 3, "lower-alpha": 4}
"""List kind -> the abstract list defined for it in the base; the body starts new instances of these."""


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def hex_colour(colour: str) -> str:
    return colour.lstrip("#").upper()


def em_twips(style: HouseStyle, n: float) -> int:
    """``n`` em of body text, in twips."""
    return round(n * style.sizes.body * 20)


def list_left(style: HouseStyle, level: int) -> int:
    """Left indent (twips) of list text at ``level``; under numbered paragraphs it lines up with their text."""
    base = em_twips(style, 2.5) if style.paragraph_numbering else 0
    return base + (level + 1) * em_twips(style, 2.1)


def resize(shape: InlineShape, width: int) -> None:
    """Scale a picture to ``width`` EMU, keeping its proportions."""
    if width != shape.width:
        shape.width, shape.height = Emu(width), Emu(round(shape.height * width / shape.width))


def add_picture(paragraph: Paragraph, data: bytes, what: str) -> InlineShape:
    try:
        return paragraph.add_run().add_picture(io.BytesIO(data))
    except UnrecognizedImageError:
        raise RenderError(f"{what} is not a picture Word can read (damaged or an unusual format)",
                          hint="save it again as PNG") from None


# --- the styled base document, once per house style ---------------------------


def build_base(style: HouseStyle) -> bytes:
    """The empty document for ``style``: page set-up, styles, lists, header and footer, logo (or council name)."""
    doc = docx.Document()
    oxml.drop_template_leftovers(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = A4
    section.top_margin, section.bottom_margin = Cm(style.margins.top), Cm(style.margins.bottom)
    section.left_margin, section.right_margin = Cm(style.margins.left), Cm(style.margins.right)
    section.header_distance = section.footer_distance = Cm(1.25)
    _define_styles(doc, style)
    _define_lists(doc, style)
    # Page numbers on every page; the running header (set per document) from page 2 on.
    section.different_first_page_header_footer = True
    for part, name in ((section.header, "Header"), (section.first_page_header, "Header"),
                       (section.footer, "Footer"), (section.first_page_footer, "Footer")):
        part.is_linked_to_previous = False
        part.paragraphs[0].style = doc.styles[name]
        if name == "Footer":
            part.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
            oxml.add_page_numbers(part.paragraphs[0], style.footer)
    oxml.enable_update_fields(doc)
    _masthead(doc, style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set(target: BaseStyle, **settings: object) -> None:
    """Set font attributes (``size``, ``bold``, ``color`` ...) and paragraph format attributes by name."""
    for name, value in settings.items():
        if name == "color":
            target.font.color.rgb = value  # type: ignore[attr-defined]
        elif name in ("size", "bold", "italic", "underline"):
            setattr(target.font, name, value)  # type: ignore[attr-defined]
        else:
            setattr(target.paragraph_format, name, value)  # type: ignore[attr-defined]


def _define_styles(doc: DocxDocument, style: HouseStyle) -> None:
    styles, sizes, colours = doc.styles, style.sizes, style.colours
    text, em = rgb(colours.text), lambda n: Twips(em_twips(style, n))
    oxml.set_font_family(oxml.default_run_properties(doc), style.fonts.body.family)
    oxml.set_language(doc, "en-GB")

    normal = styles["Normal"]
    oxml.set_font_family(normal.element.get_or_add_rPr(), style.fonts.body.family)
    _set(normal, size=Pt(sizes.body), color=text, space_before=Pt(0), space_after=em(0.6),
         line_spacing=LINE_SPACING, widow_control=True)
    for level, size in ((1, sizes.h1), (2, sizes.h2), (3, sizes.h3)):
        heading, (before, after) = styles[f"Heading {level}"], HEADING_SPACING[level]
        oxml.set_font_family(heading.element.get_or_add_rPr(), style.fonts.headings.family)
        _set(heading, size=Pt(size), bold=True, italic=False, color=rgb(colours.primary),
             space_before=Pt(before * size), space_after=Pt(after * size), line_spacing=1.0,
             keep_with_next=True, keep_together=True)
    oxml.set_paragraph_border(styles["Heading 2"].element.get_or_add_pPr(), ["bottom"], hex_colour(colours.rule), 8, 2)
    for name in ("List Bullet", "List Number"):
        for suffix in ("", " 2", " 3"):
            styles[name + suffix].element.get_or_add_pPr().remove_all("w:numPr", "w:contextualSpacing")
            _set(styles[name + suffix], space_after=em(0.3))
    _set(styles["Caption"], size=Pt(sizes.body), bold=True, color=text, space_before=em(0.4), space_after=em(0.3))
    _set(styles["Quote"], italic=True, color=text, left_indent=em(1.5))
    for name in ("Header", "Footer"):
        _set(styles[name], size=Pt(sizes.small), color=text)
    _set(styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER), color=rgb(colours.primary), underline=True)

    def paragraph_style(name: str, **settings: object) -> BaseStyle:
        new = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        new.base_style, new.quick_style = normal, True
        _set(new, **settings)
        return cast(BaseStyle, new)

    notice = paragraph_style("Exempt Notice", bold=True, left_indent=Pt(8), right_indent=Pt(8), space_before=Pt(6))
    oxml.set_paragraph_border(notice.element.get_or_add_pPr(), ["top", "left", "bottom", "right"],
                              hex_colour(colours.accent), 12, 5)
    paragraph_style("Draft Notice", bold=True, color=rgb(colours.accent))
    paragraph_style("Council", size=Pt(sizes.h3), bold=True, color=rgb(colours.primary), space_after=em(0.2))
    paragraph_style("Resolution", space_before=em(0.8))
    paragraph_style("Table Note", size=Pt(sizes.small), space_before=Pt(0.2 * sizes.small))
    signature = paragraph_style("Signature", space_before=em(0.8))
    signature.paragraph_format.tab_stops.add_tab_stop(  # type: ignore[attr-defined]
        Cm(11), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)  # a dotted line to sign on, not dots read aloud
    for name, indent, after in (("Label Value", 12, 0.3), ("Numbered Paragraph", 2.5, 0.6)):
        hanging = paragraph_style(name, left_indent=em(indent), first_line_indent=-em(indent), space_after=em(after))
        hanging.paragraph_format.tab_stops.add_tab_stop(em(indent))  # type: ignore[attr-defined]

    grid = styles["Table Grid"].element.find(qn("w:tblPr"))
    oxml.set_table_borders(grid, hex_colour(colours.rule), 6)
    oxml.set_cell_margins(grid, top=60, side=100)


def _define_lists(doc: DocxDocument, style: HouseStyle) -> None:
    """One abstract list per kind, each level one step further in; the list styles linked to them."""
    numbering = doc.part.numbering_part.element
    oxml.clear_numbering(numbering)
    for kind, abstract_id in ABSTRACT_IDS.items():
        levels = []
        for ilvl in range(9):
            if kind == "bullet":
                fmt, text, font = "bullet", _BULLETS[ilvl % 3], style.fonts.body.family
            else:
                fmt, pattern = _ORDERED[kind]
                text, font = pattern.format(n=ilvl + 1), None
            levels.append((fmt, text, list_left(style, ilvl), em_twips(style, 2.1), font))
        oxml.define_list_format(numbering, abstract_id, levels)
    # So that an editor choosing "List Bullet" or "List Number" in Word gets a real list.
    for name, kind in (("List Bullet", "bullet"), ("List Number", "decimal")):
        num_id = oxml.new_list_instance(numbering, ABSTRACT_IDS[kind], 0, 1)
        for level, suffix in enumerate(("", " 2", " 3")):
            oxml.set_list_level(doc.styles[name + suffix].element.get_or_add_pPr(), num_id, level)


def _masthead(doc: DocxDocument, style: HouseStyle) -> None:
    """The council at the top of page 1: its logo, named by the council for screen readers, or its name as
    text when the style has no logo for Word (as ``writers.html`` does for PDF and HTML)."""
    path = style.logo_raster_path()
    if path is None:
        if style.logo_path():
            log.warning("style %r has no logo_raster; the Word version names the council in text instead of "
                        "the logo", style.name)
        doc.add_paragraph(style.council, style="Council")
        return
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Twips(em_twips(style, 0.8))
    shape = add_picture(paragraph, read_resource(asset_url(path))[0], f"the style's logo_raster {path}")
    resize(shape, Cm(style.logo_width_cm))
    oxml.set_alt_text(shape, style.council, style.council)
