"""One writer per output format, behind one small protocol and a registry.

Adding a format is adding a module here and a line in ``WRITERS``. Writers are
imported only when used, so choosing ``--format html`` never imports WeasyPrint.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
from collections.abc import Iterable, Iterator
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


@contextlib.contextmanager
def writers_started(formats: Iterable[str], *, pdf_process: bool = False) -> Iterator[None]:
    """For the length of a command: its slow writers started before it reads its input.

    With ``pdf_process``, for a command that writes whole documents (not an
    agenda or pack, which lay pages out here to count them), the PDF writer
    runs in a forked process of its own where that is safe
    (``reportgen.writers.pdf_process`` says why and when); otherwise, and
    for the other formats, their slow libraries start importing on a thread.
    """
    formats = list(formats)
    if pdf_process and "pdf" in formats and "pdf" not in _instances:
        from reportgen.forked import can_fork
        from reportgen.writers.pdf_process import PdfProcessWriter

        if can_fork():
            writer = PdfProcessWriter()
            _instances["pdf"] = writer
            try:
                yield
            finally:
                del _instances["pdf"]
                writer.close()
            return
    start_importing_writers(formats)
    yield


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
