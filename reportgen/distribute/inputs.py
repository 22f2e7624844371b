"""The inputs hash: one sha256 over everything a report's documents are made from.

A report is rebuilt only when this changes. It covers the spec file, the data
files the manifest lists for it, any files under the spec's own ``data:``
section (and the data contracts, when it has one), the template's folder (and
the shared partials), the house style's folder and its font kits, the output
formats, the period and the as-of period, and ``reportgen.__version__``. Files are read as bytes in a stable order and named
by their path relative to where they live, so the hash is the same on every
machine and in every checkout.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import reportgen
from reportgen import resources
from reportgen.errors import ReportgenError, SpecError
from reportgen.yamlfile import read_yaml

log = logging.getLogger(__name__)

SHARED_TEMPLATE_FOLDERS = ("_partials",)
"""Template folders every template may import from."""


def inputs_hash(spec: Path, data: Sequence[Path], formats: Sequence[str], period: str, *,
                as_of: str | None = None) -> str:
    """sha256 (hex) of a report's inputs; see the module docstring for what counts."""
    digest = hashlib.sha256()
    for label, content_hash in _inputs(spec, data, formats, period, as_of):
        digest.update(f"{label}\0{content_hash}\n".encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(spec: Path, data: Sequence[Path], formats: Sequence[str], period: str,
            as_of: str | None) -> Iterator[tuple[str, str]]:
    yield "reportgen", reportgen.__version__
    yield "period", period
    yield "as_of", as_of or "(the spec's)"
    yield "formats", ",".join(formats)
    yield "spec", _content(spec)
    for i, path in enumerate(data):
        yield f"data[{i}] {path.name}", _content(path)
    raw = _read_spec(spec)
    root = resources.project_root()
    if raw.get("data") is not None:
        for path in _spec_data_files(raw["data"], spec.parent):
            yield f"spec data {_relative(path, spec.parent)}", _content(path)
        yield from _folder(resources.contracts_dir(), root)
    template = str(raw.get("template") or "committee_report")
    for folder in (resources.templates_dir() / template,
                   *(resources.templates_dir() / name for name in SHARED_TEMPLATE_FOLDERS)):
        yield from _folder(folder, root)
    style = str(raw.get("style") or "default")
    yield from _folder(resources.styles_dir() / style, root)
    for kit in sorted(_font_kits(style)):
        yield from _folder(resources.styles_dir() / "_fonts" / kit, root)


def _content(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"


def _folder(folder: Path, root: Path) -> Iterator[tuple[str, str]]:
    """Every file under ``folder`` (recursively, sorted), named relative to ``root``."""
    if not folder.is_dir():
        yield f"missing {_relative(folder, root)}", ""
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _ignored(p.relative_to(folder))):
        yield _relative(path, root), _content(path)


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relative.parts)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _read_spec(spec: Path) -> dict[str, Any]:
    """The spec as plain YAML; a broken spec still hashes (its build will report why it is broken)."""
    try:
        raw = read_yaml(spec, SpecError)
    except (ReportgenError, OSError):
        return {}
    return raw if isinstance(raw, dict) else {}


def _spec_data_files(section: Any, base: Path) -> list[Path]:
    """Files named anywhere under a spec's ``data:`` section that exist, relative to the spec."""
    found: set[Path] = set()
    for text in _strings(section):
        candidate = (base / text) if not Path(text).is_absolute() else Path(text)
        if candidate.is_file():
            found.add(candidate.resolve())
    return sorted(found)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _font_kits(style_name: str) -> set[str]:
    from reportgen.style import load_style

    try:
        style = load_style(style_name)
    except ReportgenError:
        return set()
    return {style.fonts.body.kit, style.fonts.headings.kit}
