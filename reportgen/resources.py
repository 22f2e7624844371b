"""Where reportgen's own folders are: templates/, styles/, data_contracts/.

Running from a source checkout they are the folders at the top of the
repository; an installed wheel carries copies under ``reportgen/_bundled``.
A council keeps its own house styles in folders of its own, named in
``$REPORTGEN_STYLES``, so an upgrade of reportgen never touches them.
Everything that reads a template, style or contract asks here, so the PDF
renderer's allow-list and the loaders agree on one set of folders.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportgen.errors import InputError

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


STYLES_VARIABLE = "REPORTGEN_STYLES"
"""Folders of a council's own house styles, separated like ``$PATH``; each holds
``<name>/style.yaml`` and, if it needs its own fonts, ``_fonts/<kit>/``."""


def style_roots() -> tuple[Path, ...]:
    """Folders that hold house styles: the council's own (``$REPORTGEN_STYLES``) first, then reportgen's."""
    own = tuple(Path(entry).expanduser().resolve()
                for entry in os.environ.get(STYLES_VARIABLE, "").split(os.pathsep) if entry.strip())
    for folder in own:
        if not folder.is_dir():
            raise InputError(f"${STYLES_VARIABLE} names {folder}, which is not a folder",
                             hint="it lists folders of house styles (each with <name>/style.yaml), "
                                  f"separated by '{os.pathsep}'")
    return (*own, styles_dir().resolve())


def style_folders() -> dict[str, Path]:
    """Style name -> its folder; a council's own style of the same name wins over reportgen's."""
    found: dict[str, Path] = {}
    for root in reversed(style_roots()):
        found.update({p.parent.name: p.parent for p in sorted(root.glob("*/style.yaml"))})
    return dict(sorted(found.items()))


def font_kit(kit: str) -> Path | None:
    """The folder of font kit ``kit``: ``_fonts/<kit>`` in the first style folder that has it."""
    return next((root / "_fonts" / kit for root in style_roots() if (root / "_fonts" / kit).is_dir()), None)


def allowed_roots() -> tuple[Path, ...]:
    """The only folders whose files a document may embed (images, fonts, logos)."""
    return (templates_dir().resolve(), *style_roots())
