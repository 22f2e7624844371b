"""Read the semantic HTML a template renders into the document model.

This is the hinge of "one source, two writers": templates are written in
plain semantic HTML (so the HTML version is the accessible web page), and this
reader turns that HTML into ``reportgen.model`` for every writer. It accepts a
small, documented vocabulary and rejects anything else with the template and
line, so nothing a template says is silently dropped from the Word version.

Vocabulary
    head: <title>, <meta name="author|subject|keywords|reportgen:running-header|reportgen:date">
    containers (transparent): body, main, article, section, header, footer, div, nav, aside
    blocks: h1-h3 (class "page-break-before"), p, ul, ol (start, type="i|a"),
            table (caption, thead, tbody; th/td with class "num" or text-align),
            p.table-note right after a table, figure (img[data-width-cm, data-raster-src] + figcaption),
            p holding only an img, dl (dt/dd pairs), hr.page-break, blockquote
    inline: strong/b, em/i, a[href], br, span, code, abbr, small, img (only alone)
Any element's class becomes the block's ``role``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Literal

import lxml.html
from lxml.html import HtmlElement

from reportgen import model as m
from reportgen.errors import TemplateError

_CONTAINERS = {"body", "main", "article", "section", "header", "footer", "div", "nav", "aside"}
_INLINE_PLAIN = {"span", "code", "abbr", "small", "sup", "sub", "time", "mark", "u", "s"}
_BLOCK_IN_ITEM = {"p", "ul", "ol", "table", "dl", "figure", "blockquote"}
_LINK_SCHEMES = {"", "http", "https", "mailto", "tel"}
_WS = re.compile(r"[ \t\n\r\f]+")
"""HTML's whitespace, which a browser collapses; not Python's ``\\s``, which takes the no-break spaces the
templates put where a line must not break ("item\u00a07") too."""


class _Reader:
    def __init__(self, template: str) -> None:
        self.template = template

    def fail(self, el: HtmlElement, message: str) -> TemplateError:
        return TemplateError(f"{self.template} (rendered HTML)", el.sourceline, message)

    # --- blocks -------------------------------------------------------------

    def blocks(self, parent: HtmlElement) -> list[m.Block]:
        out: list[m.Block] = []
        if (parent.text or "").strip():
            raise self.fail(parent, f"text {parent.text.strip()[:40]!r} directly inside <{parent.tag}>; wrap it in <p>")
        children = [el for el in parent if isinstance(el.tag, str)]  # skip comments
        i = 0
        while i < len(children):
            el = children[i]
            if (el.tail or "").strip():
                raise self.fail(el, f"text {el.tail.strip()[:40]!r} after <{el.tag}> outside any block; wrap it in <p>")
            if el.tag == "table":
                notes = []
                while i + 1 < len(children) and _is_table_note(children[i + 1]):
                    i += 1
                    notes.append(self.inlines(children[i]))
                out.append(self.table(el, el.get("class") or None, tuple(notes)))
            else:
                out.extend(self.block(el))
            i += 1
        return _intros_kept_with_next(out)

    def block(self, el: HtmlElement) -> list[m.Block]:
        tag = el.tag
        role = el.get("class") or None
        if tag in _CONTAINERS:
            return self.blocks(el)
        if tag in ("h1", "h2", "h3"):
            classes = (role or "").split()
            return [
                m.Heading(
                    level=int(tag[1]),
                    content=self.inlines(el),
                    id=el.get("id"),
                    page_break_before="page-break-before" in classes,
                )
            ]
        if tag in ("h4", "h5", "h6"):
            raise self.fail(el, f"<{tag}>: headings go to level 3 at most")
        if tag == "p":
            return [self.paragraph(el, role)]
        if tag in ("ul", "ol"):
            return [self.list_block(el, role)]
        if tag == "table":
            return [self.table(el, role, ())]
        if tag == "figure":
            return [self.figure(el)]
        if tag == "dl":
            return [self.definition_list(el, role)]
        if tag == "hr":
            return [m.PageBreak()] if "page-break" in (role or "") else []
        if tag == "blockquote":
            return [
                m.Paragraph(b.content, role="quote") if isinstance(b, m.Paragraph) else b
                for b in self.blocks(el)
            ]
        raise self.fail(el, f"<{tag}> is not part of reportgen's document vocabulary")

    def paragraph(self, el: HtmlElement, role: str | None) -> m.Block:
        children = [c for c in el if isinstance(c.tag, str)]
        if len(children) == 1 and children[0].tag == "img" and not _has_text(el):
            img = children[0]
            title = img.get("title")
            return m.Figure(self.image(img), caption=(m.Text(title),) if title else ())
        return m.Paragraph(self.inlines(el), role=role)

    def list_block(self, el: HtmlElement, role: str | None) -> m.ListBlock:
        items = []
        for li in el:
            if not isinstance(li.tag, str):
                continue
            if li.tag != "li":
                raise self.fail(li, f"<{li.tag}> inside <{el.tag}>; expected <li>")
            items.append(m.ListItem(self.list_item_blocks(li)))
        kind = {"i": "lower-roman", "a": "lower-alpha"}.get(el.get("type", "1"), "decimal")
        style: Literal["decimal", "lower-roman", "lower-alpha"] = kind  # type: ignore[assignment]
        return m.ListBlock(
            ordered=el.tag == "ol", items=tuple(items), start=int(el.get("start", "1")), role=role, style=style
        )

    def list_item_blocks(self, li: HtmlElement) -> tuple[m.Block, ...]:
        """A list item: its inline text as a paragraph, then any nested blocks (lists, paragraphs)."""
        lead = lxml.html.Element("p")
        lead.text = li.text
        rest: list[HtmlElement] = []
        for child in li:
            if not isinstance(child.tag, str):
                continue
            if rest or child.tag in _BLOCK_IN_ITEM:
                rest.append(child)
            else:
                lead.append(copy.deepcopy(child))
        blocks: list[m.Block] = []
        if (lead.text or "").strip() or len(lead):
            blocks.append(m.Paragraph(self.inlines(lead)))
        for child in rest:
            blocks.extend(self.block(child))
        return tuple(blocks)

    def table(self, el: HtmlElement, role: str | None, notes: tuple[tuple[m.Inline, ...], ...]) -> m.Table:
        caption: tuple[m.Inline, ...] = ()
        head: list[m.Row] = []
        body: list[m.Row] = []
        for part in el:
            if not isinstance(part.tag, str):
                continue
            if part.tag == "caption":
                caption = self.inlines(part)
            elif part.tag in ("thead", "tbody"):
                rows = [self.row(tr) for tr in part if isinstance(tr.tag, str)]
                (head if part.tag == "thead" else body).extend(rows)
            elif part.tag == "tr":
                body.append(self.row(part))
            else:
                raise self.fail(part, f"<{part.tag}> inside <table>; expected caption, thead, tbody")
        if not head:
            raise self.fail(el, "table has no <thead>: accessible tables need a header row")
        return m.Table(tuple(head), tuple(body), caption=caption, role=role, notes=notes)

    def row(self, tr: HtmlElement) -> m.Row:
        if tr.tag != "tr":
            raise self.fail(tr, f"<{tr.tag}> where a table row <tr> was expected")
        cells = []
        for cell in tr:
            if not isinstance(cell.tag, str):
                continue
            if cell.tag not in ("th", "td"):
                raise self.fail(cell, f"<{cell.tag}> inside <tr>; expected th or td")
            if cell.get("colspan") or cell.get("rowspan"):
                raise self.fail(cell, "merged cells (colspan/rowspan) are not accessible; use a regular grid")
            cells.append(m.Cell(self.inlines(cell), header=cell.tag == "th", align=_align(cell)))
        return m.Row(tuple(cells))

    def figure(self, el: HtmlElement) -> m.Figure:
        imgs = el.findall(".//img")
        if len(imgs) != 1:
            raise self.fail(el, "a <figure> holds exactly one <img>")
        caption_el = el.find("figcaption")
        caption = self.inlines(caption_el) if caption_el is not None else ()
        number = el.get("data-number")
        return m.Figure(self.image(imgs[0]), caption=caption, number=int(number) if number else None)

    def image(self, img: HtmlElement) -> m.Image:
        alt = img.get("alt")
        if alt is None or not alt.strip():
            raise self.fail(img, f"image {img.get('src', '')[:60]!r} has no alt text; every image needs one")
        width = img.get("data-width-cm")
        return m.Image(src=img.get("src", ""), alt=_WS.sub(" ", alt).strip(), width_cm=float(width) if width else None,
                       raster_src=img.get("data-raster-src"))

    def definition_list(self, el: HtmlElement, role: str | None) -> m.DefinitionList:
        """Label and value pairs; a label ends with a colon ("Report to:"), as council header blocks print it.

        The colon is added here, once, so that Word, PDF and HTML print the same label.
        """
        items: list[m.Term] = []
        term: tuple[m.Inline, ...] | None = None
        for child in el.iter("dt", "dd"):
            if child.tag == "dt":
                term = self.inlines(child)
                if term and not m.plain_text(term).rstrip().endswith((":", "?")):
                    term = (*term, m.Text(":"))
            elif term is None:
                raise self.fail(child, "<dd> without a <dt> before it")
            else:
                items.append(m.Term(term, self.inlines(child)))
        return m.DefinitionList(tuple(items), role=role)

    # --- inlines ------------------------------------------------------------

    def inlines(self, el: HtmlElement) -> tuple[m.Inline, ...]:
        runs: list[m.Inline] = []
        self._collect(el, runs, bold=False, italic=False, href=None)
        return _tidy(runs)

    def href(self, a: HtmlElement) -> str | None:
        """A link target readers can safely follow: web, email, phone or a place in the document."""
        target = (a.get("href") or "").strip()
        if not target:
            return None
        scheme = target.split(":", 1)[0].lower() if ":" in target.split("/", 1)[0] else ""
        if scheme not in _LINK_SCHEMES:
            raise self.fail(a, f"link to {target!r}: links may go to http(s), mailto or tel addresses, "
                               "or to #a-heading in this document")
        return target

    def _collect(self, el: HtmlElement, runs: list[m.Inline], *, bold: bool, italic: bool, href: str | None) -> None:
        if el.text:
            runs.append(m.Text(el.text, bold=bold, italic=italic, href=href))
        for child in el:
            if isinstance(child.tag, str):
                tag = child.tag
                if tag == "br":
                    runs.append(m.LineBreak())
                elif tag in ("strong", "b"):
                    self._collect(child, runs, bold=True, italic=italic, href=href)
                elif tag in ("em", "i"):
                    self._collect(child, runs, bold=bold, italic=True, href=href)
                elif tag == "a":
                    self._collect(child, runs, bold=bold, italic=italic, href=self.href(child) or href)
                elif tag in _INLINE_PLAIN:
                    self._collect(child, runs, bold=bold, italic=italic, href=href)
                elif tag == "img":
                    raise self.fail(child, "an image inside a line of text; put it in its own paragraph or <figure>")
                else:
                    raise self.fail(child, f"<{tag}> is not allowed inside <{el.tag}>")
            if child.tail:
                runs.append(m.Text(child.tail, bold=bold, italic=italic, href=href))


def _intros_kept_with_next(blocks: list[m.Block]) -> list[m.Block]:
    """A paragraph ending in a colon ("For access to background papers and further information:",
    "The Committee is asked to:") stays on the page of the list or table it introduces, in every writer."""
    for index, (block, following) in enumerate(zip(blocks, blocks[1:])):
        if isinstance(block, m.Paragraph) and isinstance(following, (m.ListBlock, m.DefinitionList, m.Table)) \
                and m.plain_text(block.content).rstrip().endswith(":") and not m.keeps_with_next(block.role):
            blocks[index] = replace(block, role=" ".join(filter(None, [block.role, m.KEEP_WITH_NEXT_ROLE])))
    return blocks


def _is_table_note(el: HtmlElement) -> bool:
    return el.tag == "p" and "table-note" in (el.get("class") or "").split()


def _has_text(el: HtmlElement) -> bool:
    return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)


def _align(cell: HtmlElement) -> m.Align:
    classes = (cell.get("class") or "").split()
    style = (cell.get("style") or "").replace(" ", "")
    if "num" in classes or "text-align:right" in style:
        return "right"
    if "text-align:center" in style:
        return "center"
    return "left"


def _tidy(runs: list[m.Inline]) -> tuple[m.Inline, ...]:
    """Collapse HTML whitespace, merge like runs, and trim the ends, as a browser would."""
    merged: list[m.Inline] = []
    for run in runs:
        if isinstance(run, m.Text):
            text = _WS.sub(" ", run.text)
            if merged and isinstance(merged[-1], m.Text):
                prev = merged[-1]
                if text.startswith(" ") and prev.text.endswith(" "):
                    text = text[1:]
                if (prev.bold, prev.italic, prev.href) == (run.bold, run.italic, run.href):
                    merged[-1] = m.Text(prev.text + text, run.bold, run.italic, run.href)
                    continue
            elif merged and isinstance(merged[-1], m.LineBreak):
                text = text.lstrip()
            if text:
                merged.append(m.Text(text, run.bold, run.italic, run.href))
        else:
            if merged and isinstance(merged[-1], m.Text):
                last = merged[-1]
                merged[-1] = m.Text(last.text.rstrip(), last.bold, last.italic, last.href)
            merged.append(run)
    if merged and isinstance(merged[0], m.Text):
        first = merged[0]
        merged[0] = m.Text(first.text.lstrip(), first.bold, first.italic, first.href)
    if merged and isinstance(merged[-1], m.Text):
        last = merged[-1]
        merged[-1] = m.Text(last.text.rstrip(), last.bold, last.italic, last.href)
    return tuple(r for r in merged if not (isinstance(r, m.Text) and not r.text))


def _meta(root: HtmlElement, name: str) -> str:
    el = root.find(f".//head/meta[@name='{name}']")
    return (el.get("content") or "").strip() if el is not None else ""


def read_html(html: str, template: str) -> m.Document:
    """Parse a rendered template into a Document; ``template`` names it in errors."""
    root = lxml.html.document_fromstring(html)
    reader = _Reader(template)
    title_el = root.find(".//head/title")
    title = (title_el.text or "").strip() if title_el is not None else ""
    if not title:
        raise TemplateError(template, None, "the document has no <title>; it becomes the PDF and Word title")
    metadata = m.Metadata(
        title=title,
        author=_meta(root, "author"),
        language=root.get("lang") or "en-GB",
        subject=_meta(root, "subject"),
        keywords=tuple(k.strip() for k in _meta(root, "keywords").split(",") if k.strip()),
        running_header=_meta(root, "reportgen:running-header"),
        date=_meta(root, "reportgen:date") or None,
    )
    return m.Document(metadata=metadata, blocks=tuple(reader.blocks(root.find("body"))))
