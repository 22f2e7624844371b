"""An agenda pack's sources: each item's report read and checked before anything is laid out.

A report spec is composed through the normal pipeline; an existing PDF is
opened as it is, refused if it is encrypted or broken, or if it says "Not
for publication" on a public item; a .docx must be a Word document and is
converted by LibreOffice. A tagged PDF's bare borders and rules are marked as
artifacts (``pack_artifacts``). An untagged PDF, or one drawing text or
images outside its tags, still goes in, with a warning: the packs it goes
into do not claim PDF/UA.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from reportgen import model as m
from reportgen.errors import InputError
from reportgen.meeting import Item, MeetingSpec
from reportgen.metrics.formatting import join_words
from reportgen.pack_artifacts import mark_untagged_paths
from reportgen.pdf_structure import structure_problem
from reportgen.pipeline import compose_spec
from reportgen.spec import load_report_spec
from reportgen.style import HouseStyle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExistingReport:
    """An item's report that came as a PDF, or as a .docx LibreOffice made into one."""

    pdf: pikepdf.Pdf
    unreadable: str | None
    """Why a screen reader cannot reach all of it ("is not tagged"), or None: every page is tagged or artifact."""


Source = m.Document | ExistingReport


class PackError(InputError):
    """An item's report cannot go into a pack; names the item."""

    def __init__(self, item: Item, message: str) -> None:
        super().__init__(f"item {item.number} ({item.title}): {message}")


def load_sources(meeting: MeetingSpec, style: HouseStyle) -> dict[int, Source]:
    """Every item's report, read and checked before anything is laid out or written."""
    sources: dict[int, Source] = {}
    for item in meeting.items:
        if item.report is None:
            continue
        suffix = item.report.suffix.lower()
        if suffix in (".yaml", ".yml"):
            spec, _ = load_report_spec(item.report, style.name)
            sources[item.number] = compose_spec(item.report, spec, style, formats=("pdf",))
        else:
            data = item.report.read_bytes() if suffix == ".pdf" else _docx_to_pdf(item)
            sources[item.number] = report = _existing_report(_open_pdf(item, data))
            _warn_if_unreadable(item, report, converted=suffix != ".pdf")
            if not item.exempt:
                _check_not_marked_exempt(item, data)
    return sources


def _existing_report(pdf: pikepdf.Pdf) -> ExistingReport:
    """``pdf`` with its bare paths marked as artifacts if it is tagged, and what a screen reader still misses."""
    problem = structure_problem(pdf)
    if problem is not None:
        return ExistingReport(pdf, problem)
    pages = mark_untagged_paths(pdf)
    if not pages:
        return ExistingReport(pdf, None)
    return ExistingReport(pdf, f"draws text or images outside its tags on page{'s' if len(pages) > 1 else ''} "
                               f"{join_words([str(page) for page in pages])}")


def _warn_if_unreadable(item: Item, report: ExistingReport, *, converted: bool) -> None:
    """Say so when some of an existing report will reach a screen reader as nothing.

    Its pages still go into the pack as they are (a council cannot always
    get a better file in time), but the pack then falls short of PDF/UA
    there, and no longer claims it.
    """
    if report.unreadable is None:
        return
    kind, how = ("report", " once LibreOffice converts it") if converted else ("PDF", "")
    what = "its pages" if structure_problem(report.pdf) else "all of it"
    pack = "the private pack" if item.exempt else "the pack"
    log.warning("item %d (%s): its %s %s %s%s, so screen readers cannot read %s in %s, which is therefore "
                "not marked as accessible (PDF/UA); ask its author for a tagged PDF", item.number, item.title,
                kind, item.report.name, report.unreadable, how, what, pack)


_EXEMPT_MARKING = re.compile(r"not\s+for\s+publication", re.IGNORECASE)


def _check_not_marked_exempt(item: Item, data: bytes) -> None:
    """Refuse a public item whose existing report is marked "Not for publication" on its first page.

    A report spec says whether it is exempt (``meeting_checks.check_item_reports``);
    a PDF or Word file from elsewhere says so only in its text, so an item
    whose exempt_paragraph was forgotten would put it in the public pack. A
    report since released should be issued again without the marking.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text() or ""
    except (PdfReadError, ValueError, KeyError) as exc:
        raise PackError(item, f"could not read the text of {item.report} to check its marking ({exc})") from None
    if _EXEMPT_MARKING.search(first_page):
        raise PackError(item, (
            f"{item.report} is marked \"Not for publication\" on its first page but the item is not exempt; "
            "set exempt_paragraph on the item to withhold it from the public pack, or, if it has been "
            "released, use a copy without the marking"))


def _open_pdf(item: Item, data: bytes) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise PackError(item, f"{item.report} is encrypted; save an unprotected copy and use that") from None
    except pikepdf.PdfError as exc:
        raise PackError(item, f"{item.report} is not a readable PDF ({exc})") from None
    if pdf.is_encrypted:
        raise PackError(item, f"{item.report} is encrypted; save an unprotected copy and use that")
    if len(pdf.pages) == 0:
        raise PackError(item, f"{item.report} has no pages")
    return pdf


_TAGGED_PDF_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
"""LibreOffice writes untagged PDF unless asked; tagged, its pages join the pack's structure tree."""


def _docx_to_pdf(item: Item) -> bytes:
    """Convert with LibreOffice, the Word client available on a server, in a private profile.

    LibreOffice opens nearly anything: an empty file became a blank page in
    the pack, and a text file renamed .docx a page of its text. So the file
    must be what Word saves first: a zip holding ``word/document.xml``.
    """
    _check_is_word_document(item)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PackError(item, "converting a .docx report needs LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="reportgen-docx-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", _TAGGED_PDF_EXPORT,
             "--outdir", tmp, str(item.report)],
            capture_output=True, text=True, timeout=300,
        )
        converted = Path(tmp, f"{item.report.stem}.pdf")
        if result.returncode != 0 or not converted.is_file():
            said = " ".join(line for line in result.stderr.splitlines() if "javaldx" not in line).strip()
            raise PackError(item, f"LibreOffice could not convert {item.report}: {said[:200]}")
        return converted.read_bytes()


def _check_is_word_document(item: Item) -> None:
    assert item.report is not None
    if item.report.stat().st_size == 0:
        raise PackError(item, f"its report {item.report.name} is empty")
    try:
        with zipfile.ZipFile(item.report) as docx:
            is_word = "word/document.xml" in docx.namelist()
    except zipfile.BadZipFile:
        is_word = False
    if not is_word:
        raise PackError(item, f"its report {item.report.name} is not a Word document (.docx); "
                              "open it in Word and save it as a Word Document (.docx), or give a PDF")
