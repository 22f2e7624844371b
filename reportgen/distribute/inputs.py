"""The inputs hash: one sha256 over everything a report's documents are made from.

A report is rebuilt only when this changes. It covers the spec file, the data
files the manifest lists for it, any files under the spec's own ``data:``
section (and the data contracts, when it has one), the template's folder (and
the shared partials), the house style's folder (and the font kits every style
draws on, ``styles/_fonts``), the output formats, the period and the as-of
period, ``reportgen.__version__``, reportgen's own code (every ``.py``
file of the package, so a change to the code rebuilds without a version bump
or ``--force``), and the installed versions of the libraries that shape the
documents (WeasyPrint, python-docx, matplotlib and the rest: ``fingerprint.LIBRARIES``),
so upgrading one rebuilds too. Files are read as bytes in a stable order and named by their
path relative to where they live (the code relative to the package), so the
hash is the same on every machine and in every checkout.

A run hashes many reports that share a template, a style and the code, so
the work is shared: an ``InputsHasher`` reads each spec and lists each folder
once per run, and file contents are hashed once per process (see
``fingerprint.file_sha256``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import reportgen
from reportgen import fingerprint, resources
from reportgen.errors import ReportgenError, SpecError
from reportgen.fingerprint import Entry
from reportgen.yamlfile import read_yaml

log = logging.getLogger(__name__)

SHARED_TEMPLATE_FOLDERS = ("_partials",)
"""Template folders every template may import from."""
SHARED_STYLE_FOLDERS = ("_fonts",)
"""Style folders every style may use: all the font kits. Hashed whole rather than
only the kits a style names, which would mean loading and checking the style
(and importing its models) on a run that may have nothing to build."""

CODE_FOLDER = fingerprint.CODE_FOLDER
"""The package whose ``.py`` files are an input of every report (tests point it at a copy)."""


def inputs_hash(spec: Path, data: Sequence[Path], formats: Sequence[str], period: str, *,
                as_of: str | None = None) -> str:
    """sha256 (hex) of a report's inputs; see the module docstring for what counts."""
    return InputsHasher().inputs_hash(spec, data, formats, period, as_of=as_of)


class InputsHasher:
    """Inputs hashes for the reports of one run, sharing what they have in common.

    Each distinct spec is read once, and each folder (template, style, font
    kits, contracts, the package's code) listed and hashed once. Make a new
    one for each run: a folder's listing is not checked again.
    """

    def __init__(self) -> None:
        self._specs: dict[Path, tuple[dict[str, Any], list[Entry]]] = {}
        self._folders: dict[tuple[Path, str], list[Entry]] = {}
        self._code_hash: str | None = None
        self._library_versions: str | None = None

    def inputs_hash(self, spec: Path, data: Sequence[Path], formats: Sequence[str], period: str, *,
                    as_of: str | None = None) -> str:
        """sha256 (hex) of a report's inputs; see the module docstring for what counts."""
        return fingerprint.digest(self._inputs(spec, data, formats, period, as_of))

    def _inputs(self, spec: Path, data: Sequence[Path], formats: Sequence[str], period: str,
                as_of: str | None) -> Iterator[Entry]:
        yield "reportgen", reportgen.__version__
        yield "reportgen code", self._code()
        yield "libraries", self._libraries()
        yield "period", period
        yield "as_of", as_of or "(the spec's)"
        yield "formats", ",".join(formats)
        yield "spec", fingerprint.content(spec)
        for i, path in enumerate(data):
            yield f"data[{i}] {path.name}", fingerprint.content(path)
        raw, spec_data = self._spec(spec)
        yield from spec_data
        if raw.get("data") is not None:
            yield from self._folder(resources.contracts_dir())
        template = str(raw.get("template") or "committee_report")
        for name in (template, *SHARED_TEMPLATE_FOLDERS):
            yield from self._folder(resources.templates_dir() / name)
        style = resources.style_folders().get(str(raw.get("style") or "default"))
        for folder in (*([style] if style else []),
                       *(root / name for root in resources.style_roots() for name in SHARED_STYLE_FOLDERS)):
            yield from self._folder(folder)

    def _code(self) -> str:
        """One hash over the package's ``.py`` files, each named relative to the package."""
        if self._code_hash is None:
            self._code_hash = fingerprint.code_hash(CODE_FOLDER)
        return self._code_hash

    def _libraries(self) -> str:
        """The installed versions of ``fingerprint.LIBRARIES`` (read once per run)."""
        if self._library_versions is None:
            self._library_versions = fingerprint.library_versions()
        return self._library_versions

    def _spec(self, spec: Path) -> tuple[dict[str, Any], list[Entry]]:
        """The spec as plain YAML, and the files its ``data:`` section names (read once per spec)."""
        if spec not in self._specs:
            raw = _read_spec(spec)
            files = []
            if raw.get("data") is not None:
                files = [(f"spec data {_relative(path, spec.parent)}", fingerprint.content(path))
                         for path in _spec_data_files(raw["data"], spec.parent)]
            self._specs[spec] = (raw, files)
        return self._specs[spec]

    def _folder(self, folder: Path, root: Path | None = None, pattern: str = "*") -> list[Entry]:
        """Every file under ``folder`` matching ``pattern`` (recursively, sorted), named relative to ``root``.

        ``root`` is the project's root (the folder holding templates/ and styles/) unless given.
        """
        key = (folder, pattern)
        if key not in self._folders:
            label = _relative(folder, root or resources.project_root())
            self._folders[key] = fingerprint.folder_entries(folder, label, pattern)
        return self._folders[key]


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
