"""One writer per output format, behind one small protocol and a registry.

Adding a format is adding a module here and a line in ``WRITERS``. Writers are
imported only when used, so choosing ``--format html`` never imports WeasyPrint.
"""

from __future__ import annotations

import atexit
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from reportgen.model import Document
    from reportgen.style import HouseStyle


class Writer(Protocol):
    """Turns a document model into the bytes of one format."""

    suffix: str
    """File name suffix, with the dot (``.pdf``)."""

    def write(self, document: Document, style: HouseStyle, out: BinaryIO) -> None:
        """Write the whole document to ``out``; raise before writing on bad content."""
        ...


# format name -> "module:class"
WRITERS: dict[str, str] = {
    "docx": "reportgen.writers.docx:DocxWriter",
    "pdf": "reportgen.writers.pdf:PdfWriter",
    "html": "reportgen.writers.html:HtmlWriter",
}


SLOW_IMPORTS: dict[str, str] = {"pdf": "weasyprint"}
"""Format -> the library whose import mostly waits on other programs (``reportgen.runtime`` says why)."""


def start_importing_writers(formats: Iterable[str]) -> None:
    """Start importing the slow libraries of these formats' writers on another thread.

    For reportgen's own processes, at the top of a command that will write
    these formats: the import then overlaps the data step's.
    """
    from reportgen.runtime import start_importing

    for fmt in formats:
        if fmt in SLOW_IMPORTS:
            start_importing(SLOW_IMPORTS[fmt])


def get_writer(fmt: str) -> Writer:
    """The writer for ``fmt``; writers are cached per process (parsed CSS, fonts)."""
    if fmt not in _instances:
        module_name, class_name = WRITERS[fmt].split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        _instances[fmt] = cls()
    return _instances[fmt]


_instances: dict[str, Writer] = {}

# Drop cached writers while the interpreter is still whole: WeasyPrint's
# FontConfiguration cleans up in __del__, which fails noisily ("Exception
# ignored ... 'NoneType' object is not callable") if it runs at final teardown.
atexit.register(_instances.clear)
