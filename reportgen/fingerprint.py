"""Content hashes of files, folders and of reportgen itself: what an output was made from.

Two things decide whether something made earlier can stand: distribute's
inputs hash (is a report's document still current?) and the chart cache (is
a drawn chart still what this data, style and code would draw?). Both hash
the same way: files by their bytes, folders as a sorted list of each file's
relative name and hash, the code as every ``.py`` file of the package, and
the libraries that shape a document by their installed versions.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import reportgen

LIBRARIES = frozenset({
    "weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pillow",  # PDF and HTML
    "python_docx", "lxml",  # Word
    "matplotlib", "jinja2", "markdown_it_py", "babel", "pandas", "numpy",  # charts, text, numbers, data
})
"""Distributions whose version is an input: a new one may lay out, draw or word a document differently.
Named as in their ``.dist-info`` folders (lower case, ``_`` for ``-``)."""

CODE_FOLDER = Path(reportgen.__file__).resolve().parent
"""The package whose ``.py`` files are an input of every report."""

Entry = tuple[str, str]
"""(label, content hash): one line of what is hashed."""

_FILE_HASHES: dict[tuple[int, int, int, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """sha256 (hex) of a file's bytes, read once per process while the file stays the same.

    The cache key identifies the file and its version without resolving its
    path: device and inode (the file, whichever path or link names it), size,
    and modification and change times in nanoseconds (ctime changes on every
    write and cannot be set back, so a rewrite that keeps size and mtime is
    still seen).
    """
    stat = os.stat(path)
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    known = _FILE_HASHES.get(key)
    if known is None:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        known = _FILE_HASHES[key] = digest.hexdigest()
    return known


def content(path: Path) -> str:
    """A file's hash, or why it could not be read (which still changes the hash when that changes)."""
    try:
        return file_sha256(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"


def folder_entries(folder: Path, label: str, pattern: str = "*") -> list[Entry]:
    """Every file under ``folder`` matching ``pattern`` (recursively, sorted), named ``label/relative``.

    Hidden files and ``__pycache__`` are left out: they are not what a document is made from.
    """
    if not folder.is_dir():
        return [(f"missing {label}", "")]
    files = sorted((path.relative_to(folder).as_posix(), path) for path in folder.rglob(pattern)
                   if not _ignored(path.relative_to(folder)) and path.is_file())
    prefix = "" if label in ("", ".") else f"{label}/"
    return [(prefix + name, content(path)) for name, path in files]


def digest(entries: Iterable[Entry]) -> str:
    """One sha256 (hex) over ``(label, hash)`` lines, in the order given."""
    combined = hashlib.sha256()
    for label, content_hash in entries:
        combined.update(f"{label}\0{content_hash}\n".encode())
    return combined.hexdigest()


def code_hash(folder: Path = CODE_FOLDER) -> str:
    """One hash over the package's ``.py`` files, each named relative to the package."""
    return digest(folder_entries(folder, "", "*.py"))


def library_versions() -> str:
    """``name-version`` of each of ``LIBRARIES`` installed, read from the ``.dist-info`` folder names.

    Listing the folders on ``sys.path`` takes well under a millisecond;
    ``importlib.metadata`` would take 50 ms, a fifth of an unchanged rerun.
    """
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[:-len(".dist-info")].partition("-")
                if re.sub(r"[-_.]+", "_", project).lower() in LIBRARIES:
                    found.add(f"{project.lower()}-{version}")
    return ",".join(sorted(found))


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
