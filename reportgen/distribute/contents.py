"""``OUT/<period>/manifest.json``: what the output folder holds, and what the next run may reuse.

One record per document: its path relative to the folder, its sha256 and
size, the inputs hash it was built from and when. A report is "unchanged"
when its inputs hash matches its records and every file is still there with
the recorded sha256; then it is not rebuilt. The file is rewritten (atomically)
after every report that finishes, so a run that stops midway keeps what it built.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

import reportgen
from reportgen.fingerprint import file_sha256
from reportgen.output import write_atomically

log = logging.getLogger(__name__)

CONTENTS_FILE = "manifest.json"


class DocumentRecord(BaseModel):
    """One document in the output folder."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    report: str
    """The manifest's report id."""
    title: str
    format: str
    path: str
    """Relative to the period's folder."""
    sha256: str
    size: int
    inputs_hash: str
    built_at: str
    """ISO 8601 time the document was rendered (from the run's clock; never inside the document)."""
    build_seconds: float | None = None
    """How long the report took to render (all its formats): the next run starts the longest first.
    Absent from files written before it was recorded."""


class FailedRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    report: str
    reason: str


class Contents(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    period: str
    reportgen_version: str
    documents: list[DocumentRecord]
    failed: list[FailedRecord] = []
    """Reports whose last build failed; their previous documents, if any, stay listed."""


def read_contents(folder: Path, *, quiet: bool = False) -> dict[str, list[DocumentRecord]]:
    """Report id -> its records from the previous run; empty if there is none or it is unreadable.

    ``quiet``: no warning for an unreadable file (when only reading another period's build times).
    """
    path = folder / CONTENTS_FILE
    try:
        contents = Contents.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValidationError) as exc:
        if not quiet:
            log.warning("ignoring %s (%s); every report will be rebuilt", path, exc.__class__.__name__)
        return {}
    by_report: dict[str, list[DocumentRecord]] = {}
    for record in contents.documents:
        by_report.setdefault(record.report, []).append(record)
    return by_report


def build_seconds(records: Mapping[str, Sequence[DocumentRecord]]) -> dict[str, float]:
    """Report id -> seconds its last build took, for the reports whose records say."""
    found: dict[str, float] = {}
    for report_id, report_records in records.items():
        times = [r.build_seconds for r in report_records if r.build_seconds is not None]
        if times:
            found[report_id] = max(times)
    return found


def is_unchanged(records: Sequence[DocumentRecord], inputs_hash: str, formats: Sequence[str], folder: Path) -> bool:
    """True when ``records`` were built from ``inputs_hash`` in ``formats`` and the files are intact."""
    if sorted(r.format for r in records) != sorted(formats):
        return False
    for record in records:
        path = folder / record.path
        if record.inputs_hash != inputs_hash or not path.is_file():
            return False
        if path.stat().st_size != record.size or file_sha256(path) != record.sha256:
            log.info("%s has changed since it was built; rebuilding %s", path, record.report)
            return False
    return True


def write_contents(folder: Path, period: str, records: Mapping[str, Sequence[DocumentRecord]],
                   failed: Iterable[FailedRecord] = ()) -> Path:
    """Write manifest.json atomically; records in the order given (the manifest's order).

    A file that already says exactly this is left alone (an unchanged rerun writes nothing).
    """
    contents = Contents(
        period=period,
        reportgen_version=reportgen.__version__,
        documents=[record for report_records in records.values() for record in report_records],
        failed=list(failed),
    )
    path = folder / CONTENTS_FILE
    data = (json.dumps(contents.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if _holds(path, data):
        return path
    write_atomically(path, data)
    return path


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False
