"""Where reportgen's own folders are: templates/, styles/, data_contracts/.

Running from a source checkout they are the folders at the top of the
repository; an installed wheel carries copies under ``reportgen/_bundled``.
Everything that reads a template, style or contract asks here, so the PDF
renderer's allow-list and the loaders agree on one set of folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def project_root() -> Path:
    """The folder holding templates/, styles/ and data_contracts/."""
    checkout = _PACKAGE.parent
    if (checkout / "templates").is_dir() and (checkout / "styles").is_dir():
        return checkout
    return _PACKAGE / "_bundled"


def templates_dir() -> Path:
    return project_root() / "templates"


def styles_dir() -> Path:
    return project_root() / "styles"


def contracts_dir() -> Path:
    return project_root() / "data_contracts"


def allowed_roots() -> tuple[Path, ...]:
    """The only folders whose files a document may embed (images, fonts, logos)."""
    return (templates_dir().resolve(), styles_dir().resolve())
