"""Drawn charts kept between builds, under a key made of exactly what they draw.

Drawing the performance report's four charts is a third of its build, and
importing matplotlib to draw them another 0.6 s; a rebuild after an officer
edits the prose, or a pack that takes the report in again, would draw the
same charts again. A chart is kept under a sha256 of everything its drawing
reads: the chart's data (each value, period, limit, label and tick:
``ChartData``), the house style, the title and width, the font files, and
the software (reportgen's version and code, the libraries' versions). A
stale chart would be a wrong figure in a published paper, so anything that
could change the drawing is in the key, and a change to any of it is simply
a different chart.

Where: ``$REPORTGEN_CACHE_DIR`` if set (set it empty to turn the cache off),
else ``$XDG_CACHE_HOME/reportgen``, else ``~/.cache/reportgen``; charts are
in its ``charts/`` folder, and any of it may be deleted at any time; a chart
not used for ``KEEP_DAYS`` is deleted when a new one is kept. The
folder is made private to the user and is not used if anyone else owns it or
can write to it: a planted SVG would be published. Entries are written to a
temporary file and renamed, so a reader never sees half of one; an entry
that cannot be read, or is not an SVG or PNG, is drawn again. A cache that
cannot be used is skipped, never a failed build.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import reportgen
from reportgen import fingerprint

if TYPE_CHECKING:
    from reportgen.chart_data import ChartData
    from reportgen.style import HouseStyle

ENVIRONMENT_VARIABLE = "REPORTGEN_CACHE_DIR"
KEY_VERSION = "reportgen chart 1"
"""Changed when what an entry holds changes."""
_SIGNATURES = {".svg": b"<?xml", ".png": b"\x89PNG\r\n\x1a\n"}
KEEP_DAYS = 180
"""A chart not read or written for this long is deleted (a monthly run would otherwise grow the folder forever)."""
_pruned: set[Path] = set()

Drawing = tuple[bytes, bytes | None]
"""The SVG, and the PNG when one was asked for."""


def chart_key(data: ChartData, style: HouseStyle, title: str | None, width_cm: float) -> str:
    """sha256 (hex) of everything drawing this chart reads (see the module docstring)."""
    fonts = style.fonts.body.files()
    return fingerprint.digest([
        ("entry", KEY_VERSION),
        ("software", _software()),
        *((f"font {face}", fingerprint.content(path)) for face, path in sorted(fonts.items())),
        ("style", style.model_dump_json()),
        ("title", repr(title)),
        ("width_cm", repr(width_cm)),
        ("data", repr(data)),
    ])


def drawn(key: str, raster: bool, draw: Callable[[], Drawing]) -> Drawing:
    """The chart under ``key`` from the cache, or ``draw()`` it and keep it.

    ``raster``: the PNG is wanted too; an entry holding only the SVG is drawn again.
    """
    where = folder()
    if where is None:
        return draw()
    svg = _read(where / f"{key}.svg")
    png = _read(where / f"{key}.png") if raster else None
    if svg is not None and (png is not None or not raster):
        return svg, png
    svg, png = draw()
    _prune(where)
    _write(where / f"{key}.svg", svg)
    if png is not None:
        _write(where / f"{key}.png", png)
    return svg, png


def folder() -> Path | None:
    """The charts folder, made if need be; None when the cache is off or the folder is not safe."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured == "":
        return None
    if configured:
        base = Path(configured)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"
    charts = base / "charts"
    try:
        charts.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = charts.stat()
    except (OSError, RuntimeError):  # no home folder, or a read-only one
        return None
    owner = getattr(os, "getuid", None)
    if (owner is not None and status.st_uid != owner()) or status.st_mode & 0o022:
        return None
    return charts


@cache
def _software() -> str:
    """reportgen's version and code and the libraries' versions, hashed once per process."""
    return fingerprint.digest([("reportgen", reportgen.__version__), ("code", fingerprint.code_hash()),
                               ("libraries", fingerprint.library_versions())])


def _read(path: Path) -> bytes | None:
    """An entry's bytes, marked as used now (``KEEP_DAYS`` counts from here); None if it is missing or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_SIGNATURES[path.suffix]):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return data


def _prune(where: Path) -> None:
    """Delete charts not used for ``KEEP_DAYS``, once per process and folder."""
    if where in _pruned:
        return
    _pruned.add(where)
    cutoff = time.time() - KEEP_DAYS * 86400
    with contextlib.suppress(OSError):
        for entry in os.scandir(where):
            with contextlib.suppress(OSError):
                if entry.name.endswith(tuple(_SIGNATURES)) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def _write(path: Path, data: bytes) -> None:
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=path.suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
