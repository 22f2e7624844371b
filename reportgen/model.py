"""The document model: what a document says, independent of any output format.

The reader (``reportgen.reader``) builds it from the semantic HTML a template
renders; each writer (``reportgen.writers``) turns it into bytes. Because Word,
PDF and HTML are all written from this one model, they say the same thing,
and the parity tests check it.

Nodes are small frozen dataclasses. Block nodes may carry ``role``: a house
style class (``"summary"``, ``"recommendations"``, ``"exempt-notice"`` ...)
that each writer maps to its own styling in one table; it never changes what
the text says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "right", "center"]

KEEP_WHOLE_ROLES = frozenset({"implications", "recommendations", "keep-whole"})
"""Roles of blocks that both writers keep on one page when they fit: a committee
reads its recommendations, and the implications table, as one piece; and
"keep-whole", which the HTML writer adds to short tables. The house
CSS gives them ``break-inside: avoid``; the Word writer chains "keep with next"
through them."""


SHORT_TABLE_ROWS = 20
"""Tables of up to this many body rows are kept on one page whatever their role:
a short table split after its first row or two (a monthly-figures table with one
month on one page and twelve on the next) is harder to read than a page that
ends early. Longer tables split between rows, their header repeated."""


KEEP_WITH_NEXT_ROLE = "keep-with-next"
"""A paragraph both writers keep whole and on the page of the block after it: an
agenda's Part II resolution belongs with the first exempt item, not split at a
page's foot."""


def keeps_with_next(role: str | None) -> bool:
    """Whether a block with this ``role`` stays on the same page as the block after it."""
    return role is not None and KEEP_WITH_NEXT_ROLE in role.split()


def keeps_whole(role: str | None) -> bool:
    """Whether a block with this ``role`` (one or more classes) is kept on one page."""
    return role is not None and not KEEP_WHOLE_ROLES.isdisjoint(role.split())


def table_keeps_whole(table: Table) -> bool:
    """Whether both writers keep ``table`` on one page (when it fits one)."""
    return keeps_whole(table.role) or len(table.body) <= SHORT_TABLE_ROWS


# --- inline content ---------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of text with the same formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    """Link target when this run is (part of) a hyperlink."""


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph (``<br>``)."""


Inline = Text | LineBreak


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inline content as a reader would hear it (line breaks as spaces)."""
    return "".join(i.text if isinstance(i, Text) else " " for i in inlines)


_WHOLE_DATE = re.compile(r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) \d{4}")


def never_wraps(cell: Cell) -> bool:
    """A cell every writer keeps on one line: a figure (right-aligned) or a date ("11 December 2018").

    A date broken as "11 / December / 2018" in a narrow column is read as three things.
    """
    return cell.align == "right" or bool(_WHOLE_DATE.fullmatch(plain_text(cell.content).strip()))


# --- blocks -----------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A real heading (Word's Heading N, HTML's hN); levels 1 to 3."""

    level: int
    content: tuple[Inline, ...]
    id: str | None = None
    """Anchor for links and bookmarks; the HTML id."""
    page_break_before: bool = False
    """Start this heading on a new page (appendices, new items in a pack)."""


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    role: str | None = None
    number: str | None = None
    """Paragraph number ("2.3") when the house style numbers paragraphs."""


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]
    """Usually one Paragraph; nested lists appear as further blocks."""


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list. Each numbered list restarts at ``start``."""

    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1
    role: str | None = None
    style: Literal["decimal", "lower-roman", "lower-alpha"] = "decimal"
    """How an ordered list counts: 1, 2, 3 or (i), (ii), (iii) or (a), (b), (c)."""


@dataclass(frozen=True)
class Cell:
    content: tuple[Inline, ...]
    header: bool = False
    """A header cell (``th``): a column header in the head row, a row header in the body."""
    align: Align = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """A data table: header rows repeat on every page; body rows never split.

    No merged cells, by design: accessible tables are regular grids.
    """

    head: tuple[Row, ...]
    body: tuple[Row, ...]
    caption: tuple[Inline, ...] = ()
    role: str | None = None
    notes: tuple[tuple[Inline, ...], ...] = ()
    """Footnotes shown under the table (e.g. what a suppression symbol means)."""


@dataclass(frozen=True)
class Image:
    """A picture's bytes and what it says to someone who cannot see it."""

    src: str
    """Where it came from: a data: URI or a path under templates/ or styles/."""
    alt: str
    width_cm: float | None = None
    raster_src: str | None = None
    """A PNG copy of a vector (SVG) image, for Word, which cannot show SVG alone.

    PDF and HTML use ``src`` (sharp at any zoom); Word uses this when set."""


@dataclass(frozen=True)
class Figure:
    image: Image
    caption: tuple[Inline, ...] = ()
    number: int | None = None
    """Figure number, when the document numbers figures ("Figure 2: ...")."""


@dataclass(frozen=True)
class Term:
    """One entry of a definition list: "Report to: CYP Scrutiny"."""

    term: tuple[Inline, ...]
    definition: tuple[Inline, ...]


@dataclass(frozen=True)
class DefinitionList:
    """Label and value pairs, such as a report's header block. Not a layout table."""

    items: tuple[Term, ...]
    role: str | None = None


@dataclass(frozen=True)
class PageBreak:
    """Start a new page here (print formats only; HTML shows nothing)."""


Block = Heading | Paragraph | ListBlock | Table | Figure | DefinitionList | PageBreak


# --- the document -----------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """What a document says about itself: PDF info, Word core properties, HTML head."""

    title: str
    author: str
    language: str = "en-GB"
    subject: str = ""
    keywords: tuple[str, ...] = ()
    running_header: str = ""
    """Text at the top of every page after the first (committee and meeting date)."""
    date: str | None = None
    """ISO date the document is for (meeting date); used instead of the clock."""


@dataclass(frozen=True)
class Document:
    metadata: Metadata
    blocks: tuple[Block, ...]


def walk(blocks: tuple[Block, ...]) -> list[Block]:
    """Every block, depth first, including those nested in list items."""
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, ListBlock):
            for item in block.items:
                out.extend(walk(item.blocks))
    return out
