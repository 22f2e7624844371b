"""The pack's bookmarks: one per section, holding its own bookmarks as its document nests them (pack stage 3).

A section is the front sheet and agenda, or one item. WeasyPrint writes one
outline for all the generated sections together, nesting each heading under
the nearest heading above it of a lower level, wherever that is. So the
pack's outline is rebuilt: each section's bookmark holds the bookmarks of its
own pages, a bookmark keeping its parent when the parent is in the same
section, as in the section's document on its own. A generated section's one
top-level bookmark on its first page is its title (the report's heading 1),
which the section's bookmark names already ("Item 5: ..."), so its children
take its place. An existing PDF's outline is copied under its item as it is,
each destination moved to its page in the pack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


@dataclass(frozen=True)
class Section:
    """Pages of the pack that get one top-level bookmark."""

    title: str
    """The bookmark's title, and the title of the section's structure element."""
    first: int
    """Its first page in the pack, from 0."""
    last: int
    source: pikepdf.Pdf | None = None
    """The existing PDF whose pages these are, for an item that came as one; None for generated pages."""


@dataclass
class _Entry:
    title: str
    destination: Array | None
    page: int | None
    """The page it goes to, from 0 in its own file; None when it goes to no page of it."""
    children: list[_Entry] = field(default_factory=list)


def write_outline(pdf: pikepdf.Pdf, sections: list[Section]) -> None:
    """Replace ``pdf``'s outline (WeasyPrint's, of its generated pages) by one bookmark per section."""
    with pdf.open_outline() as outline:
        generated = _entries(pdf, list(outline.root))
        outline.root.clear()
        for section in sections:
            if section.source is None:
                children = _untitled(_within(generated, section.first, section.last), section.first)
            else:
                children = _moved(pdf, _entries(section.source, list(section.source.open_outline().root)),
                                  section.first, section.last)
            bookmark = OutlineItem(section.title, section.first)
            bookmark.children.extend(_outline_item(entry) for entry in children)
            outline.root.append(bookmark)


def _entries(pdf: pikepdf.Pdf, items: list[OutlineItem]) -> list[_Entry]:
    index_of = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def entry(item: OutlineItem) -> _Entry:
        destination = _explicit(pdf, item)
        page = None
        if destination is not None and isinstance(destination[0], Dictionary):
            page = index_of.get(destination[0].objgen)
        elif destination is not None and isinstance(destination[0], int):  # a page number, as some writers put it
            page = destination[0]
        return _Entry(item.title, destination, page, [entry(child) for child in item.children])

    return [entry(item) for item in items]


def _explicit(pdf: pikepdf.Pdf, item: OutlineItem) -> Array | None:
    """The bookmark's destination as ``[page /XYZ left top zoom]``: a named one looked up, a GoTo action's taken."""
    destination = item.destination
    if destination is None and item.action is not None and item.action.get("/S") == Name.GoTo:
        destination = item.action.get("/D")
    if isinstance(destination, (str, pikepdf.String)):
        names = pdf.Root.get("/Names", Dictionary()).get("/Dests")
        destination = pikepdf.NameTree(names).get(str(destination)) if names is not None else None
    elif isinstance(destination, Name):
        destination = pdf.Root.get("/Dests", Dictionary()).get(destination)
    if isinstance(destination, Dictionary):
        destination = destination.get("/D")
    return destination if isinstance(destination, Array) and len(destination) else None


def _within(entries: list[_Entry], first: int, last: int) -> list[_Entry]:
    """The entries on pages ``first`` to ``last``, each under its parent if that is on them too, else at the top."""
    out = []
    for entry in entries:
        if entry.page is not None and first <= entry.page <= last:
            out.append(_Entry(entry.title, entry.destination, entry.page, _within(entry.children, first, last)))
        elif entry.page is None or entry.page < first:  # a later page's entry has no children before it
            out.extend(_within(entry.children, first, last))
    return out


def _untitled(entries: list[_Entry], first: int) -> list[_Entry]:
    """A generated section's entries without its title: its one top-level entry on its first page."""
    if len(entries) == 1 and entries[0].page == first:
        return entries[0].children
    return entries


def _moved(pack: pikepdf.Pdf, entries: list[_Entry], first: int, last: int) -> list[_Entry]:
    """An existing PDF's entries with their destinations on its pages in the pack, ``first`` to ``last``."""
    out = []
    for entry in entries:
        destination = None
        if entry.destination is not None and entry.page is not None and 0 <= entry.page <= last - first:
            destination = Array([pack.pages[first + entry.page].obj, *entry.destination[1:]])
        out.append(_Entry(entry.title, destination, entry.page, _moved(pack, entry.children, first, last)))
    return out


def _outline_item(entry: _Entry) -> OutlineItem:
    item = OutlineItem(entry.title, entry.destination)
    item.children.extend(_outline_item(child) for child in entry.children)
    return item
