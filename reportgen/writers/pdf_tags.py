"""The structure tree WeasyPrint writes, given back what the HTML says and its tags lose (PDF/UA, WCAG 1.3.1).

WeasyPrint's PDF/UA tags follow its boxes, page by page, and drop some of the
HTML's meaning on the way:

- header cells (TH) carry no /Scope, though the HTML's ``<th>`` have
  ``scope``, and the /IDs that data cells' /Headers name are not indexed in
  an /IDTree (ISO 32000-1, 14.7.2);
- a table that runs onto another page is tagged once per page (WeasyPrint
  issue #2903): the continuation is a second Table, without the caption, with
  the header row drawn again as if it were a new one;
- a ``<dl>`` is a list whose items are its terms and its values separately,
  so "Report to:" and "Corporate Parenting Committee" are two list items;
- a ``<figure>``'s image and caption sit in non-structural wrappers.

``complete_tags`` repairs these after WeasyPrint writes the PDF, and before
``mark_page_furniture``, which turns the repeated header rows left out of the
tree here into pagination artifacts, as it does the running header. The tags
do not say which HTML element each came from, so the laid-out document is
read beside them: for each page, the tables and lists WeasyPrint drew, in
the order it tags them (``_drawn``). A page where the two disagree (a
WeasyPrint that tags differently) keeps its tables and lists as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

if TYPE_CHECKING:
    from weasyprint.document import Document as Layout

_REPEATED = ("/THead", "/TFoot")
"""Row groups WeasyPrint draws again on every page a table runs onto."""

_INLINE = frozenset(["/Span", "/Link", "/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Caption", "/Lbl", "/TH",
                     "/TD", "/Figure"])
"""Elements whose content the HTML writer makes of inline text only: no table, list or figure is inside."""


def complete_tags(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Scope on every header cell, split tables joined, terms paired with values, figures grouped, IDs indexed.

    ``layout`` is the WeasyPrint document ``pdf`` was just written from.
    Call ``mark_page_furniture`` after: the header rows a table repeats on
    its later pages are left outside the tree here, for it to mark.
    """
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or "/K" not in root:
        return
    tags = _read(pdf, root)
    drawn = list(_drawn(layout))
    if len(drawn) == len(tags.pages):
        for page, seen in zip(tags.pages, drawn):
            if len(page.lists) == len(seen.lists):
                for element, (tag, items) in zip(page.lists, seen.lists):
                    if tag == "dl":
                        _pair_terms(element, items)
        for dropped in _join_tables([page.tables for page in tags.pages], [seen.tables for seen in drawn]):
            tags.ids.pop(dropped, None)
    for page in tags.pages:
        for wrapper in page.figures:
            _group_figure(wrapper)
    for cell, scope in tags.header_cells:
        _table_attributes(cell).Scope = scope
    _index_ids(pdf, root, tags.ids)


@dataclass
class _Page:
    """One page's structure elements of the kinds repaired here, in the tree's order."""

    tables: list[Dictionary] = field(default_factory=list)
    lists: list[Dictionary] = field(default_factory=list)
    figures: list[Dictionary] = field(default_factory=list)
    """The NonStruct wrapper of each ``<figure>`` whose image has a caption."""


@dataclass
class _Tags:
    pages: list[_Page]
    header_cells: list[tuple[Dictionary, Name]] = field(default_factory=list)
    """Every TH with the scope its row group gives it."""
    ids: dict[bytes, Dictionary] = field(default_factory=dict)


def _kind(obj: Any) -> str:
    """A structure element's type ("/TH"), or "" for anything else in /K: compared as text, as it is fast."""
    return str(obj.get("/S", "")) if isinstance(obj, Dictionary) else ""


def _kids(element: Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _read(pdf: pikepdf.Pdf, root: Dictionary) -> _Tags:
    """One walk of the tree, depth first in reading order (a long report has thousands of elements)."""
    page_of = {page.objgen: number for number, page in enumerate(pdf.pages)}
    tags = _Tags([_Page() for _ in pdf.pages])
    stack: list[tuple[Any, str, str]] = [(kid, "", "") for kid in reversed(_kids(root))]
    while stack:
        element, parent, grandparent = stack.pop()
        kind = _kind(element)
        if not kind:
            continue  # a marked-content id, or a reference to marked content or an annotation
        if kind == "/TH":
            tags.header_cells.append((element, Name.Column if grandparent == "/THead" else Name.Row))
        elif kind in ("/Table", "/L", "/NonStruct") and "/Pg" in element and element.Pg.objgen in page_of:
            page = tags.pages[page_of[element.Pg.objgen]]
            if kind == "/Table":
                page.tables.append(element)
            elif kind == "/L":
                page.lists.append(element)
            elif _figure_and_caption(element):
                page.figures.append(element)
        if "/ID" in element:
            tags.ids.setdefault(bytes(element.ID), element)
        if kind not in _INLINE:
            stack.extend((kid, kind, parent) for kid in reversed(_kids(element)))
    return tags


@dataclass
class _PageDrawn:
    """One page's HTML tables and lists, in the order WeasyPrint tags them."""

    tables: list[Any] = field(default_factory=list)
    """Each table's HTML element: the same object on every page the table runs onto."""
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    """Each list's tag (dl, ul, ol) and the tags of its items drawn on this page."""


def _drawn(layout: Layout) -> Iterator[_PageDrawn]:
    """Each page's tables and lists, from WeasyPrint's boxes, in the order its tagging walks them.

    WeasyPrint tags a page by walking its box tree depth first, leaving out
    the page's margin boxes; a table's wrapper box is its Table element, and
    every box of a ``dl``, ``ul`` or ``ol`` element an L element. The box
    tree is WeasyPrint's own (``Page._page_box``, not public API): the tests
    build real documents, so a change there shows as tags left unrepaired.
    """
    from weasyprint.formatting_structure.boxes import MarginBox

    for page in layout.pages:
        drawn = _PageDrawn()
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None) or []  # text and images have none
            if box.is_table_wrapper:
                drawn.tables.append(box.element)
            elif box.element_tag in ("dl", "ul", "ol"):
                drawn.lists.append((box.element_tag, [child.element_tag for child in children]))
            if not isinstance(box, MarginBox):
                stack.extend(reversed(children))
        yield drawn


def _pair_terms(element: Dictionary, items: list[str]) -> None:
    """A ``dt`` and the one ``dd`` after it as one list item: the term its Lbl, the value its LBody.

    WeasyPrint makes each ``dt`` and each ``dd`` a list item, so a screen
    reader hears "Report to:" and the committee as two items of a twelve-item
    list. PDF 1.7 has no description list; a list item labelled with the
    term is how the PDF Association maps ``dl`` to its tags.
    """
    kids = _kids(element)
    if len(kids) != len(items):
        return
    kept = []
    i = 0
    while i < len(kids):
        kept.append(kids[i])
        pair = items[i:i + 3]
        i += 2 if pair[:2] == ["dt", "dd"] and pair[2:] != ["dd"] and _pair_item(kids[i], kids[i + 1]) else 1
    if len(kept) != len(kids):
        element.K = Array(kept)


def _pair_item(term: Dictionary, value: Dictionary) -> bool:
    term_body, value_body = _only_body(term), _only_body(value)
    if term_body is None or value_body is None:
        return False
    term_body.S = Name.Lbl
    value_body.P = term
    term.K = Array([term_body, value_body])
    return True


def _only_body(item: Any) -> Dictionary | None:
    """The LBody that is all of a list item, as WeasyPrint tags a ``dt`` or ``dd``."""
    kids = _kids(item) if _kind(item) == "/LI" else []
    return kids[0] if len(kids) == 1 and _kind(kids[0]) == "/LBody" else None


def _join_tables(tagged: list[list[Dictionary]], drawn: list[list[Any]]) -> Iterator[bytes]:
    """Each table's continuation on a later page joined to the Table it continues; yields the IDs dropped.

    A Table is a continuation when its HTML table is the one drawn last on
    the page before; it is then the first Table on its page.
    """
    joined: dict[tuple[int, int], Dictionary] = {}
    """A continuation, by its object, to the Table it joined (a table may run onto several pages)."""
    for page in range(1, len(drawn)):
        here, before = tagged[page], tagged[page - 1]
        if not here or not before or len(here) != len(drawn[page]) or len(before) != len(drawn[page - 1]):
            continue  # tagged otherwise than drawn: left as WeasyPrint wrote it
        if drawn[page][0] is drawn[page - 1][-1]:
            first = joined.get(before[-1].objgen, before[-1])
            dropped = _join_table(first, here[0])
            if dropped is not None:
                joined[here[0].objgen] = first
                yield from dropped


def _join_table(first: Dictionary, more: Dictionary) -> list[bytes] | None:
    """Move ``more``'s rows into ``first``, leaving out its header (and footer) rows drawn again.

    Data cells name their header cells by /ID: those that named a repeated
    header cell name the first page's, column for column. Returns the IDs
    left out, or None if ``more`` is not shaped as a continuation of ``first``.
    """
    groups = {_kind(kid): kid for kid in _kids(first)}
    renamed: dict[bytes, String] = {}
    moved = []
    for kid in _kids(more):
        kind = _kind(kid)
        if not kind:
            return None
        if kind in _REPEATED and kind in groups:
            ours, theirs = _header_ids(groups[kind]), _header_ids(kid)
            if len(ours) != len(theirs):
                return None
            renamed.update((bytes(old), new) for old, new in zip(theirs, ours))
        else:
            moved.append(kid)
    for kid in moved:
        if _kind(kid) == "/TBody" and "/TBody" in groups:
            _insert_before_footer(groups["/TBody"], _kids(kid))
        else:
            _insert_before_footer(first, [kid])
        _rename_headers(kid, renamed)
    _remove(more)
    return list(renamed)


def _insert_before_footer(parent: Dictionary, kids: list[Dictionary]) -> None:
    existing = _kids(parent)
    at = next((i for i, k in enumerate(existing) if _kind(k) == "/TFoot"), len(existing))
    for kid in kids:
        kid.P = parent
    parent.K = Array([*existing[:at], *kids, *existing[at:]])


def _header_ids(group: Dictionary) -> list[String]:
    return [cell.ID for row in _kids(group) for cell in _kids(row) if _kind(cell) == "/TH" and "/ID" in cell]


def _rename_headers(group: Dictionary, renamed: dict[bytes, String]) -> None:
    """In every data cell of a row group (or row), the header IDs ``renamed`` as it says."""
    for kid in _kids(group):
        kind = _kind(kid)
        if kind in ("/TR", "/TBody", "/THead", "/TFoot"):
            _rename_headers(kid, renamed)
        elif kind == "/TD":
            attributes = _table_attributes(kid)
            headers = attributes.get("/Headers")
            if isinstance(headers, Array):
                attributes.Headers = Array([renamed.get(bytes(h), h) for h in headers])


def _remove(element: Dictionary) -> None:
    """Take ``element`` out of its parent's kids, and the parent out of its own if that left it empty."""
    parent = element.P
    kids = [kid for kid in _kids(parent) if not (isinstance(kid, Dictionary) and kid.objgen == element.objgen)]
    parent.K = Array(kids)
    if not kids and _kind(parent) not in ("", "/Document"):
        _remove(parent)


def _figure_and_caption(element: Dictionary) -> bool:
    """A ``<figure>``'s tags: NonStruct holding (a NonStruct holding) the Figure, then the Caption."""
    kids = _kids(element)
    return len(kids) == 2 and _kind(kids[1]) == "/Caption" and _figure_in(kids[0]) is not None


def _figure_in(element: Any) -> Dictionary | None:
    kind = _kind(element)
    if kind == "/Figure":
        return element
    kids = _kids(element) if kind == "/NonStruct" else []
    return kids[0] if len(kids) == 1 and _kind(kids[0]) == "/Figure" else None


def _group_figure(wrapper: Dictionary) -> None:
    """Figure and Caption side by side in one Div: the caption read straight after the figure's alt text.

    Not the Caption inside the Figure: screen readers speak a Figure's /Alt
    in place of everything in it, so a caption there would go unheard (PDF
    1.7 has no other way to link the two; the PDF Association advises the
    Caption just after the Figure).
    """
    placeholder, caption = _kids(wrapper)
    figure = _figure_in(placeholder)
    figure.P = wrapper
    wrapper.S = Name.Div
    wrapper.K = Array([figure, caption])


def _table_attributes(cell: Dictionary) -> Dictionary:
    """The cell's attribute object owned by Table (WeasyPrint gives every cell one), made if missing."""
    found = cell.get("/A")
    owned = [found] if isinstance(found, Dictionary) else list(found) if isinstance(found, Array) else []
    for attributes in owned:
        if isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
            return attributes
    attributes = Dictionary(O=Name.Table)
    cell.A = Array([*owned, attributes]) if owned else attributes
    return attributes


def _index_ids(pdf: pikepdf.Pdf, root: Dictionary, ids: dict[bytes, Dictionary]) -> None:
    """The IDTree: every element /ID, in the byte order a name tree is searched by."""
    if not ids:
        return
    names = Array()
    for key in sorted(ids):
        names.append(String(key))
        names.append(ids[key])
    root.IDTree = pdf.make_indirect(Dictionary(Names=names))
