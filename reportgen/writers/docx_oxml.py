"""Raw WordprocessingML that python-docx 1.2 has no API for, in one place.

Used only by ``reportgen.writers.docx``. Each helper says *why* it exists (the
python-docx issue it works round, or the Word/LibreOffice behaviour it relies
on) so it can be deleted the day python-docx grows the feature. Element order
inside ``w:pPr``, ``w:tblPr`` and friends is fixed by the schema, and Word
refuses files that break it, so insertions go through ``_insert``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import cast

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shape import InlineShape
from docx.shared import Twips
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

# Schema order of the children that follow w:pBdr in w:pPr (CT_PPrBase).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
# ... and those after w:updateFields in w:settings (CT_Settings).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
)


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _insert(parent: BaseOxmlElement, child: BaseOxmlElement, successors: Sequence[str]) -> None:
    """Replace any existing child of the same tag, keeping schema order."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.insert_element_before(child, *successors)


# --- fonts and language -------------------------------------------------------


def set_font_family(rPr: BaseOxmlElement, family: str) -> None:
    """Name ``family`` for every script, dropping theme fonts.

    python-docx's ``font.name`` sets only ``w:ascii``/``w:hAnsi``; the default
    template's ``w:asciiTheme`` (Calibri/Cambria) then still wins in Word.
    """
    fonts = rPr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), family)


def default_run_properties(document: DocxDocument) -> BaseOxmlElement:
    """``w:docDefaults/w:rPrDefault/w:rPr`` of styles.xml: what every run inherits."""
    rPr = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert rPr is not None, "python-docx's default template always has docDefaults"
    return cast(BaseOxmlElement, rPr)


def set_language(document: DocxDocument, language: str) -> None:
    """Spelling/grammar language for all text, and the core property.

    python-docx has no API for ``w:lang``; without it Word checks British text
    against US English (the default template says en-US). Screen readers also
    use it to choose a voice.
    """
    rPr = default_run_properties(document)
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rPr.append(lang)
    lang.set(qn("w:val"), language)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)
    document.core_properties.language = language


# --- fields (python-docx #31, #498) -------------------------------------------


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """Append a complex field such as ``PAGE`` or ``NUMPAGES``.

    Written as begin / instrText / separate / cached result / end, the form Word
    itself writes; the cached ``placeholder`` is what a client shows until it
    recalculates (``enable_update_fields``). LibreOffice fills PAGE and
    NUMPAGES itself on loading.
    """
    def run_with(child: BaseOxmlElement) -> None:
        paragraph.add_run()._r.append(child)

    run_with(_el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    run_with(_el("w:fldChar", fldCharType="separate"))
    paragraph.add_run(placeholder)
    run_with(_el("w:fldChar", fldCharType="end"))


def add_page_numbers(paragraph: Paragraph, pattern: str) -> None:
    """``Page {page} of {pages}`` with live PAGE and NUMPAGES fields in place of the placeholders."""
    for piece in re.split(r"({page}|{pages})", pattern):
        if piece in ("{page}", "{pages}"):
            add_field(paragraph, "PAGE" if piece == "{page}" else "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)


def enable_update_fields(document: DocxDocument) -> None:
    """Ask Word to refresh every field on opening (``w:updateFields``), so page counts are right."""
    settings = document.settings.element
    _insert(settings, _el("w:updateFields", val="true"), _AFTER_UPDATE_FIELDS)


# --- numbering (python-docx #25) ----------------------------------------------


def define_list_format(
    numbering: BaseOxmlElement,
    abstract_id: int,
    levels: Iterable[tuple[str, str, int, int, str | None]],
) -> None:
    """Add a ``w:abstractNum``: per level (numFmt, lvlText, left, hanging twips, font).

    Lists point at these through ``w:num`` instances (``new_list_instance``);
    abstract definitions must precede every ``w:num`` in numbering.xml.
    """
    abstract = _el("w:abstractNum", abstractNumId=str(abstract_id))
    abstract.append(_el("w:multiLevelType", val="multilevel"))
    for ilvl, (fmt, text, left, hanging, font) in enumerate(levels):
        lvl = _el("w:lvl", ilvl=str(ilvl))
        lvl.append(_el("w:start", val="1"))
        lvl.append(_el("w:numFmt", val=fmt))
        lvl.append(_el("w:lvlText", val=text))
        lvl.append(_el("w:lvlJc", val="left"))
        pPr = _el("w:pPr")
        tabs = _el("w:tabs")
        tabs.append(_el("w:tab", val="num", pos=str(left)))
        pPr.append(tabs)
        pPr.append(_el("w:ind", left=str(left), hanging=str(hanging)))
        lvl.append(pPr)
        if font:
            rPr = _el("w:rPr")
            rPr.append(_el("w:rFonts", ascii=font, hAnsi=font, hint="default"))
            lvl.append(rPr)
        abstract.append(lvl)
    numbering.insert_element_before(abstract, "w:num", "w:numIdMacAtCleanup")


def clear_numbering(numbering: BaseOxmlElement) -> None:
    """Drop the default template's list definitions; reportgen defines its own."""
    numbering.remove_all("w:abstractNum", "w:num")


def new_list_instance(numbering: BaseOxmlElement, abstract_id: int, level: int, start: int) -> int:
    """A fresh ``w:num`` whose ``level`` starts at ``start``; returns its numId.

    Word and LibreOffice continue numbering across every paragraph that shares
    an abstract definition unless the instance carries
    ``w:lvlOverride/w:startOverride``; python-docx cannot restart a list (#25).
    One instance per list makes every numbered list start where it says.
    """
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=level).add_startOverride(start)
    return int(num.numId)


def set_list_level(pPr: BaseOxmlElement, num_id: int, level: int) -> None:
    """Put a paragraph (or paragraph style) on list ``num_id`` at ``level``."""
    numPr = pPr.get_or_add_numPr()
    numPr.get_or_add_ilvl().val = level
    numPr.get_or_add_numId().val = num_id


# --- links and bookmarks ------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the control characters XML cannot hold (lxml would refuse the whole run)."""
    return _NOT_XML.sub("", text)


def add_hyperlink(paragraph: Paragraph, href: str) -> BaseOxmlElement:
    """Append an empty ``w:hyperlink``: ``#id`` to a bookmark, anything else by external relationship.

    python-docx can read hyperlinks but not write them; callers move runs into
    the returned element.
    """
    link = _el("w:hyperlink", history="1")
    if href.startswith("#"):
        link.set(qn("w:anchor"), bookmark_name(href[1:]))
    else:
        link.set(qn("r:id"), paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True))
    paragraph._p.append(link)
    return link


def bookmark_name(anchor: str) -> str:
    """A legal Word bookmark name (letters, digits, underscores; 40 at most) for an HTML id."""
    name = re.sub(r"\W", "_", anchor, flags=re.ASCII)
    return (name if name[:1].isalpha() else f"id_{name}")[:40]


def add_bookmark(paragraph: Paragraph, bookmark_id: int, anchor: str) -> None:
    """Wrap the paragraph's content in a bookmark, the target of ``#anchor`` links (no python-docx API)."""
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0,
                        _el("w:bookmarkStart", id=str(bookmark_id), name=bookmark_name(anchor)))
    paragraph._p.append(_el("w:bookmarkEnd", id=str(bookmark_id)))


# --- borders and tables (python-docx #322) ------------------------------------


def set_paragraph_border(pPr: BaseOxmlElement, sides: Iterable[str], colour: str, eighths: int, space_pt: int) -> None:
    """Border lines round a paragraph (the boxed exempt notice, the rule under Heading 2)."""
    border = _el("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            border.append(_el(f"w:{side}", val="single", sz=str(eighths), space=str(space_pt), color=colour))
    _insert(pPr, border, _AFTER_PBDR)


def set_table_borders(tblPr: BaseOxmlElement, colour: str, eighths: int) -> None:
    """Single lines round and between every cell, in ``colour``."""
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=str(eighths), space="0", color=colour))
    _insert(tblPr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"))


def set_cell_margins(tblPr: BaseOxmlElement, top: int, side: int) -> None:
    """Default cell padding, in twips."""
    margins = _el("w:tblCellMar")
    for name, value in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        margins.append(_el(f"w:{name}", w=str(value), type="dxa"))
    _insert(tblPr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


def set_table_layout(tblPr: BaseOxmlElement, caption: str) -> None:
    """Full text width, and a caption assistive technology reads as the table's name.

    ``w:tblCaption`` is what Word's Alt Text pane shows for a table; the
    visible caption paragraph above the table says the same.
    """
    width = tblPr.find(qn("w:tblW"))
    if width is None:
        width = _el("w:tblW")
        tblPr.insert_element_before(width, "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblLook")
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    if caption:
        _insert(tblPr, _el("w:tblCaption", val=caption), ("w:tblDescription",))


def mark_header_row(row: _Row) -> None:
    """Repeat this row at the top of every page the table spans (python-docx #322).

    A bare ``<w:tblHeader/>``: the often-copied ``w:val="true"`` form is
    flagged by validators.
    """
    trPr = row._tr.get_or_add_trPr()
    if trPr.find(qn("w:tblHeader")) is None:
        trPr.append(OxmlElement("w:tblHeader"))


def keep_row_whole(row: _Row) -> None:
    """Never split this row across pages (``<w:cantSplit/>``)."""
    trPr = row._tr.get_or_add_trPr()
    if trPr.find(qn("w:cantSplit")) is None:
        trPr.insert(0, OxmlElement("w:cantSplit"))


def shade_cell(cell: _Cell, colour: str) -> None:
    """Background fill of one cell (header rows), as Word writes it."""
    tcPr = cell._tc.get_or_add_tcPr()
    _insert(tcPr, _el("w:shd", val="clear", color="auto", fill=colour),
            ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"))


def set_column_widths(table_element: BaseOxmlElement, widths: Sequence[int]) -> None:
    """Grid and cell widths in twips; python-docx's ``add_table`` makes every column equal."""
    for col, width in zip(table_element.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for tr in table_element.tr_lst:
        for tc, width in zip(tr.tc_lst, widths):
            tc.width = Twips(width)


# --- pictures (python-docx #317) ----------------------------------------------


def set_alt_text(shape: InlineShape, description: str, title: str) -> None:
    """Alternative text of an inline picture: ``descr`` (and ``title``) on ``wp:docPr``.

    What screen readers announce and Word's accessibility checker looks for.
    A title that only repeats the description is left out: LibreOffice joins
    the two, and the logo was read as "Harrowdale Borough Council - Harrowdale
    Borough Council".
    """
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    if title and title != description:
        doc_pr.set("title", title)


# --- the package --------------------------------------------------------------


def drop_template_leftovers(document: DocxDocument) -> None:
    """Remove parts of python-docx's default template that would contradict our edits.

    The thumbnail shows an unrelated page in file browsers; stylesWithEffects.xml
    is Word 2010's stale copy of styles.xml (old list numbers, old defaults),
    which Word may read instead of ours and offer to "repair".
    """
    for rels, kind in ((document.part.package.rels, "/thumbnail"), (document.part.rels, "/stylesWithEffects")):
        for rel_id, rel in list(rels.items()):
            if rel.reltype.endswith(kind):
                del rels[rel_id]


def clear_dates(document: DocxDocument) -> None:
    """Remove created/modified when the document has no date, rather than keep the template's 2013."""
    core = document.core_properties._element
    core.remove_all("dcterms:created", "dcterms:modified")


def normalise_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The same package with every member dated ``date_time``.

    python-docx stamps zip members with the clock, so identical documents
    would differ byte for byte and defeat incremental builds.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item))
    return out.getvalue()
