"""The HTML writer: the document model as one self-contained, accessible web page.

The PDF writer renders the very same markup (``to_html``) with print CSS, so the
web version and the published PDF cannot drift apart. Every piece of text is
escaped here; the model holds text, never markup.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import BinaryIO

from reportgen import model as m
from reportgen.resolver import asset_url, read_resource
from reportgen.style import HouseStyle
from reportgen.writers.css import house_css

SrcMap = Callable[[str], str]


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _inlines(content: tuple[m.Inline, ...]) -> str:
    out = []
    for run in content:
        if isinstance(run, m.LineBreak):
            out.append("<br>")
            continue
        text = escape(run.text, quote=False)
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.href:
            text = f'<a href="{_attr(run.href)}">{text}</a>'
        out.append(text)
    return "".join(out)


KEEP_TOGETHER = 30
"""The longest pair of last words a heading keeps on one line, in characters."""


def _heading_inlines(content: tuple[m.Inline, ...]) -> str:
    """A heading's runs, its last two words kept on one line.

    A heading that wraps should not leave one word alone on its last line
    ("Children's social care performance: March / 2022"). WeasyPrint has no
    ``text-wrap: pretty``, so the last two words of a plain last run are
    joined by a no-break space, which text extraction reads as a space. Not
    a ``white-space: nowrap`` span: WeasyPrint breaks lines badly before an
    inline box that cannot wrap ("Item / 7: Block contract ... at / Elmfield
    House", its issue #1614).
    """
    if not content:
        return ""
    *rest, last = content
    if isinstance(last, m.Text) and not (last.bold or last.italic or last.href):
        words = last.text.rsplit(" ", 2)
        kept = " ".join(words[1:])
        if len(words) == 3 and words[0] and len(kept) <= KEEP_TOGETHER:
            return _inlines((*rest, m.Text(f"{words[0]} {words[1]}\u00a0{words[2]}")))
    return _inlines(content)


def _class(role: str | None) -> str:
    return f' class="{_attr(role)}"' if role else ""


class _Serializer:
    def __init__(self, src: SrcMap) -> None:
        self.src = src

    def blocks(self, blocks: tuple[m.Block, ...]) -> str:
        return "\n".join(self.block(b) for b in blocks)

    def block(self, block: m.Block) -> str:
        if isinstance(block, m.Heading):
            attrs = f' id="{_attr(block.id)}"' if block.id else ""
            if block.page_break_before:
                attrs += ' class="page-break-before"'
            return f"<h{block.level}{attrs}>{_heading_inlines(block.content)}</h{block.level}>"
        if isinstance(block, m.Paragraph):
            if block.number:
                role = " ".join(filter(None, [block.role, "numbered"]))
                num = f'<span class="para-num">{escape(block.number)}</span>'
                return f"<p{_class(role)}>{num}{_inlines(block.content)}</p>"
            return f"<p{_class(block.role)}>{_inlines(block.content)}</p>"
        if isinstance(block, m.ListBlock):
            return self.list_block(block)
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.Figure):
            return self.figure(block)
        if isinstance(block, m.DefinitionList):
            items = "".join(
                f"<dt>{_inlines(t.term)}</dt><dd>{_inlines(t.definition)}</dd>" for t in block.items
            )
            return f"<dl{_class(block.role)}>{items}</dl>"
        if isinstance(block, m.PageBreak):
            return '<hr class="page-break" aria-hidden="true">'
        raise TypeError(f"unknown block {block!r}")

    def list_block(self, block: m.ListBlock) -> str:
        tag = "ol" if block.ordered else "ul"
        attrs = _class(block.role)
        if block.ordered:
            kind = {"lower-roman": "i", "lower-alpha": "a"}.get(block.style)
            attrs += f' type="{kind}"' if kind else ""
            attrs += f' start="{block.start}"' if block.start != 1 else ""
        items = []
        for item in block.items:
            first, *rest = item.blocks or (m.Paragraph(()),)
            # A one-paragraph item is written inline, as a tight Markdown list would be.
            inner = _inlines(first.content) if isinstance(first, m.Paragraph) and not first.role else self.block(first)
            inner += "".join(self.block(b) for b in rest)
            items.append(f"<li>{inner}</li>")
        return f"<{tag}{attrs}>{''.join(items)}</{tag}>"

    def table(self, table: m.Table) -> str:
        def row(r: m.Row, in_head: bool) -> str:
            cells = []
            for cell in r.cells:
                tag = "th" if cell.header else "td"
                attrs = ""
                if cell.header:
                    attrs += ' scope="col"' if in_head else ' scope="row"'
                if cell.align == "right":
                    attrs += ' class="num"'
                elif m.never_wraps(cell):
                    attrs += ' class="keep-together"'
                if cell.align == "center":
                    attrs += ' style="text-align: center"'
                cells.append(f"<{tag}{attrs}>{_inlines(cell.content)}</{tag}>")
            return f"<tr>{''.join(cells)}</tr>"

        caption = f"<caption>{_inlines(table.caption)}</caption>" if table.caption else ""
        head = "".join(row(r, True) for r in table.head)
        body = "".join(row(r, False) for r in table.body)
        notes = "".join(f'<p class="table-note">{_inlines(n)}</p>' for n in table.notes)
        role = table.role
        if m.table_keeps_whole(table) and not m.keeps_whole(role):
            role = f"{role} keep-whole" if role else "keep-whole"
        return f"<table{_class(role)}>{caption}<thead>{head}</thead><tbody>{body}</tbody></table>{notes}"

    def figure(self, fig: m.Figure) -> str:
        img = fig.image
        width = f' data-width-cm="{img.width_cm}" style="width: {img.width_cm}cm"' if img.width_cm else ""
        number = f' data-number="{fig.number}"' if fig.number else ""
        label = f"Figure {fig.number}: " if fig.number else ""
        caption = f"<figcaption>{escape(label)}{_inlines(fig.caption)}</figcaption>" if fig.caption or label else ""
        return (
            f'<figure{number}><img src="{_attr(self.src(img.src))}" alt="{_attr(img.alt)}"{width}>'
            f"{caption}</figure>"
        )


def to_html(document: m.Document, style: HouseStyle, *, css: str, src: SrcMap, extra_head: str = "",
            logo: bool = True) -> str:
    """The whole document as HTML5: ``css`` inlined, image URLs mapped through ``src``.

    ``logo``: open with the council's logo, or its name where the style has none (not on a pack's inserted pages).
    """
    meta = document.metadata
    heads = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(meta.title)}</title>",
    ]
    for name, value in (
        ("author", meta.author),
        ("description", meta.subject),
        ("keywords", ", ".join(meta.keywords)),
        ("dcterms.created", meta.date or ""),
    ):
        if value:
            heads.append(f'<meta name="{name}" content="{_attr(value)}">')
    if css:
        heads.append(f"<style>\n{css}\n</style>")
    heads.append(extra_head)
    masthead = _masthead(style, src) if logo else ""
    body = _Serializer(src).blocks(document.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{_attr(meta.language)}">\n<head>\n'
        + "\n".join(h for h in heads if h)
        + f"\n</head>\n<body>\n<main>\n{masthead}\n{body}\n</main>\n</body>\n</html>\n"
    )


def _masthead(style: HouseStyle, src: SrcMap) -> str:
    """The council at the top of page 1: its logo, named by its alt text, or its name as text (``logo: null``).

    The Word writer puts the same at the top of its base document (``docx_styles``).
    """
    logo_path = style.logo_path()
    if logo_path is None:
        return f'<p class="council">{escape(style.council)}</p>'
    return f'<div class="logo"><img src="{_attr(src(asset_url(logo_path)))}" alt="{_attr(style.council)}"></div>'


def inline_src(url: str) -> str:
    """Any allowed resource as a data: URI, so the HTML file stands alone."""
    if url.startswith("data:"):
        return url
    data, mime = read_resource(url)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


class HtmlWriter:
    """Self-contained accessible HTML: styles inline, images as data: URIs, no external fetches."""

    suffix = ".html"

    def write(self, document: m.Document, style: HouseStyle, out: BinaryIO) -> None:
        html = to_html(document, style, css=_screen_css(style), src=inline_src)
        out.write(html.encode("utf-8"))


_css_cache: dict[str, str] = {}


def _screen_css(style: HouseStyle) -> str:
    if style.name not in _css_cache:
        _css_cache[style.name] = house_css(style, print_media=False)
    return _css_cache[style.name]
