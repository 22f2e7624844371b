"""Structure trees of existing PDFs, grafted onto the pack's as their pages are inserted (pack stage 3).

Why: a screen reader reads a tagged PDF through its structure tree, not its
pages. Inserting another PDF's pages copies their marked content and their
``/StructParents`` keys, but not the tree those keys index, so the pages
would be silent (or worse, point at the pack's own elements). Here the
source's top-level elements are copied in under the pack's Document element,
in page order; each inserted page, annotation and XObject gets a fresh
ParentTree key mapped to the copied elements; and the source's RoleMap,
ClassMap and IDTree are merged without overriding the pack's entries.

A source's top-level Document element becomes a Part: one document holds one
Document, and a Part is what WeasyPrint already makes of each generated page.

Last, each part of the pack (the front sheet and agenda, each item) has its
elements gathered in one Part titled as its bookmark is, so a screen reader
can move from item to item (``group_sections``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

import pikepdf
from pikepdf import Array, Dictionary, Name

_DOCUMENT = Name.Document
_PART = Name.Part


def structure_problem(pdf: pikepdf.Pdf) -> str | None:
    """Why the structure tree of ``pdf`` cannot be merged into a pack, or None if it can.

    Checked when the report is read, so a user hears once (not per pack)
    that an item's pages will reach a screen reader as nothing.
    """
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary) or "/K" not in root:
        return "is not tagged"
    if "/ParentTree" not in root:
        return "is tagged but has no ParentTree linking its pages to its tags"
    pages = {page.objgen for page in pdf.pages}
    for ref in _page_refs(_as_list(root.K)):
        if ref.objgen not in pages:
            return "is tagged but its tags refer to a page it does not contain"
    return None


def merge_structure(pack: pikepdf.Pdf, source: pikepdf.Pdf, first: int) -> None:
    """Graft ``source``'s tree onto ``pack``, whose pages ``first``... are ``source``'s pages, just inserted.

    The pages must already be in ``pack``: copying the elements then maps
    their ``/Pg`` references onto those same page copies (qpdf keeps one
    foreign-object map per source), which is checked rather than assumed.
    ``source`` is not changed, so it can go into the public and private pack.
    """
    pack_root = pack.Root.StructTreeRoot
    src_root = source.Root.StructTreeRoot
    inserted = [pack.pages[first + i] for i in range(len(source.pages))]

    roles = _merge_role_map(pack, pack_root, src_root)
    classes = _merge_class_map(pack, pack_root, src_root)
    top = [_copy(pack, element) for element in _as_list(src_root.K) if isinstance(element, Dictionary)]
    landed = {page.objgen for page in inserted}
    for element in _elements(top):
        if element.get("/S") in roles:
            element.S = roles[element.S]
        if "/C" in element:
            element.C = _renamed_classes(element.C, classes)
    if any(ref.objgen not in landed for ref in _page_refs(top)):
        raise RuntimeError("an inserted PDF's tags were copied onto pages other than its inserted ones")

    document = _document_element(pack_root)
    lang = source.Root.get("/Lang")
    for element in top:
        element.P = document
        if _role(src_root, element.S) == _DOCUMENT:
            element.S = _PART
        if lang is not None and "/Lang" not in element:
            element.Lang = lang
    _insert_in_page_order(pack, document, top, last_page=first + len(inserted) - 1)

    _rekey(pack, pack_root, src_root, inserted)
    _merge_ids(pack, pack_root, src_root)


def strip_structure_keys(pages: list[pikepdf.Page]) -> None:
    """An untagged (or unmergeable) source's keys would index the pack's ParentTree: remove them."""
    for page in pages:
        for obj in [page.obj, *page.obj.get("/Annots", Array())]:
            for key in ("/StructParents", "/StructParent"):
                if isinstance(obj, Dictionary) and key in obj:
                    del obj[key]


def group_sections(pack: pikepdf.Pdf, sections: list[tuple[str, int, int]]) -> None:
    """The Document's elements on each section's pages (title, first, last, from 0) gathered in a Part of its own.

    WeasyPrint makes a Part of each page (its ``main``); those Parts give
    their elements to the section's. A section whose pages hold one element
    (an existing PDF's own Document, now a Part) keeps it as its Part.
    Elements on no section's pages (a blank page's notice) stay where they are.
    """
    document = _document_element(pack.Root.StructTreeRoot)
    index_of = {page.objgen: i for i, page in enumerate(pack.pages)}

    def section_of(kid: pikepdf.Object) -> int | None:
        ref = next(_page_refs([kid]), None) if isinstance(kid, Dictionary) else None
        page = index_of.get(ref.objgen) if ref is not None else None
        return next((i for i, (_, first, last) in enumerate(sections)
                     if page is not None and first <= page <= last), None)

    grouped: list[pikepdf.Object] = []
    for section, run in groupby(_as_list(document.K) if "/K" in document else [], key=section_of):
        members = list(run)
        grouped.extend(members if section is None else [_section_part(pack, document, sections[section][0], members)])
    document.K = Array(grouped)


def _section_part(pack: pikepdf.Pdf, document: Dictionary, title: str, members: list[Dictionary]) -> Dictionary:
    if len(members) == 1 and members[0].S == _PART:
        part = members[0]
    else:
        part = pack.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=document))
        kids: list[pikepdf.Object] = []
        for member in members:
            kids.extend(_as_list(member.K) if _is_page_part(member) else [member])
        for kid in kids:
            if isinstance(kid, Dictionary) and "/S" in kid:
                kid.P = part
        part.K = Array(kids)
    part.T = pikepdf.String(title)
    return part


def _is_page_part(element: Dictionary) -> bool:
    """A Part WeasyPrint made of a page: nothing of its own but its elements (no content, language or title)."""
    return element.S == _PART and set(element.keys()) <= {"/Type", "/S", "/P", "/K", "/Pg"} and all(
        isinstance(kid, Dictionary) and "/S" in kid for kid in _as_list(element.get("/K", Array())))


def _copy(pack: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """``copy_foreign`` for direct objects too (ParentTree values are often direct arrays; a slot may be null)."""
    if not isinstance(obj, pikepdf.Object):  # null, or a number pikepdf gives as a Python value
        return obj
    if obj.is_indirect:
        return pack.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(pack, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(pack, value) for key, value in obj.items()})
    return obj


def _as_list(k: pikepdf.Object) -> list[pikepdf.Object]:
    return list(k) if isinstance(k, Array) else [k]


def _elements(top: list[pikepdf.Object]) -> Iterator[Dictionary]:
    """Every structure element under ``top``, depth first, each once."""
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(top))
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary) or "/S" not in element:
            continue  # an MCID, a marked-content or object reference
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        yield element
        if "/K" in element:
            stack.extend(reversed(_as_list(element.K)))


def _page_refs(top: list[pikepdf.Object]) -> Iterator[Dictionary]:
    """Every /Pg of the elements under ``top`` and of their marked-content and object references."""
    for element in _elements(top):
        if "/Pg" in element:
            yield element.Pg
        for kid in _as_list(element.get("/K", Array())):
            if isinstance(kid, Dictionary) and "/S" not in kid and "/Pg" in kid:
                yield kid.Pg


def _role(root: Dictionary, name: Name) -> Name:
    """A structure type followed through the RoleMap to the type it stands for."""
    role_map = root.get("/RoleMap", Dictionary())
    seen = {name}
    while name in role_map and role_map[name] not in seen:
        name = role_map[name]
        seen.add(name)
    return name


def _merge_role_map(pack: pikepdf.Pdf, pack_root: Dictionary, src_root: Dictionary) -> dict[Name, Name]:
    """Add the source's roles to the pack's; returns source types to rewrite where the pack means otherwise.

    Identity entries (/H1 -> /H1, as LibreOffice writes) are left out: a
    standard type must not be remapped.
    """
    src_map = src_root.get("/RoleMap")
    if not isinstance(src_map, Dictionary):
        return {}
    if "/RoleMap" not in pack_root:
        pack_root.RoleMap = Dictionary()
    pack_map = pack_root.RoleMap
    renames: dict[Name, Name] = {}
    for key, target in src_map.items():
        name = Name(key)
        if name == target:
            continue
        if name not in pack_map:
            pack_map[name] = target
        elif pack_map[name] != target:
            renames[name] = _role(src_root, name)
    return renames


def _merge_class_map(pack: pikepdf.Pdf, pack_root: Dictionary, src_root: Dictionary) -> dict[Name, Name]:
    """Add the source's attribute classes; a name the pack already uses is renamed in the copy."""
    src_map = src_root.get("/ClassMap")
    if not isinstance(src_map, Dictionary):
        return {}
    if "/ClassMap" not in pack_root:
        pack_root.ClassMap = Dictionary()
    pack_map = pack_root.ClassMap
    renames: dict[Name, Name] = {}
    for key, attributes in src_map.items():
        name = Name(key)
        if name in pack_map:
            suffix = 2
            while Name(f"{key}_{suffix}") in pack_map:
                suffix += 1
            renames[name] = name = Name(f"{key}_{suffix}")
        pack_map[name] = _copy(pack, attributes)
    return renames


def _renamed_classes(classes: pikepdf.Object, renames: dict[Name, Name]) -> pikepdf.Object:
    if isinstance(classes, Name):
        return renames.get(classes, classes)
    if isinstance(classes, Array):
        return Array([renames.get(c, c) if isinstance(c, Name) else c for c in classes])
    return classes


def _document_element(root: Dictionary) -> Dictionary:
    """The pack's one Document element (WeasyPrint makes it the StructTreeRoot's only kid)."""
    kids = [k for k in _as_list(root.K) if isinstance(k, Dictionary)]
    if len(kids) != 1 or _role(root, kids[0].S) != _DOCUMENT:
        raise RuntimeError("the pack's structure tree does not have one Document element at its root")
    return kids[0]


def _insert_in_page_order(pack: pikepdf.Pdf, document: Dictionary, top: list[Dictionary], last_page: int) -> None:
    """Put ``top`` before the first of the Document's kids that starts after the inserted pages."""
    index_of = {page.objgen: i for i, page in enumerate(pack.pages)}
    kids = _as_list(document.K) if "/K" in document else []
    position = len(kids)
    for i, kid in enumerate(kids):
        start = next((index_of.get(ref.objgen) for ref in _page_refs([kid])), None)
        if start is not None and start > last_page:
            position = i
            break
    document.K = Array([*kids[:position], *top, *kids[position:]])


def _rekey(pack: pikepdf.Pdf, pack_root: Dictionary, src_root: Dictionary, inserted: list[pikepdf.Page]) -> None:
    """Fresh ParentTree keys, after the pack's highest, for every inserted page, annotation and XObject."""
    tree = pikepdf.NumberTree(pack_root.ParentTree)
    src_tree = pikepdf.NumberTree(src_root.ParentTree)
    next_key = max([int(pack_root.get("/ParentTreeNextKey", 0)), *(int(k) + 1 for k in tree)])
    seen: set[tuple[int, int]] = set()
    for page in inserted:
        for obj in _keyed_objects(page, seen):
            for key in ("/StructParents", "/StructParent"):
                if key not in obj:
                    continue
                old = int(obj[key])
                if old not in src_tree:
                    del obj[key]  # pointed at nothing in its own file either
                    continue
                tree[next_key] = _copy(pack, src_tree[old])
                obj[key] = next_key
                next_key += 1
    pack_root.ParentTreeNextKey = next_key


def _keyed_objects(page: pikepdf.Page, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Object]:
    """The page, its annotations, and the XObjects it draws (through forms), each object once."""
    yield page.obj
    for annot in page.obj.get("/Annots", Array()):
        if isinstance(annot, Dictionary):
            yield annot
    stack = [page.obj.get("/Resources", Dictionary())]
    while stack:
        resources = stack.pop()
        for xobject in resources.get("/XObject", Dictionary()).values():
            if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            yield xobject
            if "/Resources" in xobject:
                stack.append(xobject.Resources)


def _merge_ids(pack: pikepdf.Pdf, pack_root: Dictionary, src_root: Dictionary) -> None:
    """Element IDs join the pack's IDTree; an ID the pack already has is given a suffix in the copy."""
    if "/IDTree" not in src_root:
        return
    if "/IDTree" not in pack_root:
        pack_root.IDTree = pikepdf.NameTree.new(pack).obj
    ids = pikepdf.NameTree(pack_root.IDTree)
    for name, element in pikepdf.NameTree(src_root.IDTree).items():
        copied = _copy(pack, element)
        new_name, suffix = name, 2
        while new_name in ids:
            new_name, suffix = f"{name}-{suffix}", suffix + 1
        if new_name != name and isinstance(copied, Dictionary):
            copied.ID = pikepdf.String(new_name)
        ids[new_name] = copied
