"""The PDF writer in a process of its own, started first by a command that builds a report.

**Why.** Building one report to PDF is two long jobs that meet only at the
end: WeasyPrint (importing it, 0.5-0.9 s, then laying the pages out) and the
data step (importing pandas and the pipeline, 0.4-0.5 s, then reading the
data and making the statements). ``reportgen.runtime`` imports WeasyPrint
on a second thread, but once its waits on ``ldconfig`` were gone the two
imports were Python taking turns at one GIL, and overlapped little. Forked
before either starts, the child imports WeasyPrint while this process reads
the data, each on its own core; the document then goes to the child as a
pickle and its PDF comes back as bytes. For the committee report as a
whole process, in 10 alternating runs: 1.95 s before, 1.74 s after, against
1.69 s for a bare WeasyPrint script (benchmarks/FINDINGS.md). It costs CPU
time, not saves it: the two processes each start an interpreter. With Word
and HTML wanted too, they are written here while the child lays out the PDF.

**When.** Where forking is safe (``reportgen.forked.can_fork``: Linux, two
CPUs or more, no other thread) and only for reportgen's own commands that
write whole documents; otherwise, and always for a program using reportgen
as a library, the PDF is written in the process as before. Agendas and
packs lay their parts out in the process, to count pages.

**Failure.** An error the writer raises comes back as itself and is reported
as in one process: a refused image (``ReportgenError`` pickles whole), or
WeasyPrint failing to load Pango. If the child dies (killed, out of memory),
the PDF is laid out in this process instead, with a warning.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from reportgen.forked import fork_pool, result_of

if TYPE_CHECKING:
    from reportgen.model import Document
    from reportgen.style import HouseStyle


class PdfProcessWriter:
    """The PDF writer's interface, the layout done by a forked child that imported WeasyPrint first."""

    suffix = ".pdf"

    def __init__(self) -> None:
        # Forked now, by the first submit: the child imports WeasyPrint while this process goes on.
        self._pool = fork_pool(initializer=_start_child)
        self._pool.submit(int)

    def submit(self, document: Document, style: HouseStyle) -> Callable[[], bytes]:
        """Start laying out ``document``; the returned function waits for its PDF."""
        return result_of(self._pool, f"the PDF of {document.metadata.title!r}",
                         lambda: _write_pdf(document, style), _write_pdf, document, style)

    def write(self, document: Document, style: HouseStyle, out: BinaryIO) -> None:
        out.write(self.submit(document, style)())

    def close(self) -> None:
        """Let the child finish and exit."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _start_child() -> None:
    # An import that fails is left for the first document, which raises it again in
    # the parent, where the command reports it as it always would.
    with contextlib.suppress(BaseException):
        _writer()


@functools.cache
def _writer() -> Any:
    """The one ``PdfWriter`` of the child (or of this process, if the child dies), kept between documents."""
    from reportgen.runtime import import_quickly

    import_quickly("weasyprint")
    from reportgen.writers.pdf import PdfWriter

    return PdfWriter()


def _write_pdf(document: Document, style: HouseStyle) -> bytes:
    buffer = io.BytesIO()
    _writer().write(document, style, buffer)
    return buffer.getvalue()
