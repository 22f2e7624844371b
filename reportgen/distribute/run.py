"""``distribute()``: a manifest and a period become documents, a record of them, and emails.

The stages, top to bottom:

1. check the manifest (and, for ``--send``, the SMTP password variable): exit 2 before any work;
2. hash each report's inputs and compare with the folder's manifest.json: unchanged reports are kept;
3. render the rest in a process pool, longest first, writing each report's files as it finishes;
4. write manifest.json and index.html;
5. plan each recipient's message from the ledger, and send it (``--send``) or just say so;
6. list the messages whose delivery is unconfirmed, this period's and any other's, for a person to settle.

One run at a time per output folder (a lock file), so two overlapping cron
runs cannot both send.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from babel.dates import format_date

from reportgen.data.types import Period
from reportgen.distribute import delivery
from reportgen.distribute.contents import (
    DocumentRecord,
    FailedRecord,
    build_seconds,
    is_unchanged,
    read_contents,
    write_contents,
)
from reportgen.distribute.delivery import Delivery
from reportgen.distribute.index import write_index
from reportgen.distribute.inputs import InputsHasher
from reportgen.distribute.ledger import Entry, Ledger, MessageIdError, unconfirmed_elsewhere
from reportgen.distribute.manifest import Manifest, Smtp, check_can_send, load_manifest
from reportgen.distribute.runner import (
    Failed,
    Job,
    Outcome,
    Rendered,
    longest_first,
    run_jobs,
)
from reportgen.errors import ExitCode, ReportgenError
from reportgen.output import prepare_folder, publish_files

if TYPE_CHECKING:
    from reportgen.distribute.mail import Sender

    Connect = Callable[[Smtp, Mapping[str, str]], AbstractContextManager[Sender]]

LOCK_FILE = ".distribute.lock"


@dataclass(frozen=True)
class ReportResult:
    report_id: str
    status: Literal["built", "unchanged", "failed"]
    seconds: float
    reason: str = ""


class Progress(Protocol):
    """Told how many reports will be built, then of each as it ends."""

    def start(self, total: int) -> None: ...

    def advance(self, result: ReportResult) -> None: ...


@dataclass
class RunResult:
    folder: Path
    period_label: str
    reports: list[ReportResult]
    deliveries: list[Delivery]
    sent: bool
    """False for a dry run."""
    unconfirmed: list[Entry] = field(default_factory=list)
    """This period's messages handed to the server whose answer was never recorded."""
    unconfirmed_elsewhere: dict[str, list[Entry]] = field(default_factory=dict)
    """Other periods' unconfirmed messages, by period: each stays listed until a person settles it."""

    @property
    def failed_reports(self) -> list[ReportResult]:
        return [r for r in self.reports if r.status == "failed"]

    @property
    def failed_deliveries(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status in ("failed", "not sent") or (self.sent and d.status == "held")]

    @property
    def all_unconfirmed(self) -> dict[str, list[Entry]]:
        """Period -> its unconfirmed messages, this period's among the others, in period order."""
        this = {self.folder.name: self.unconfirmed} if self.unconfirmed else {}
        return dict(sorted({**self.unconfirmed_elsewhere, **this}.items()))

    @property
    def ok(self) -> bool:
        """Nothing for a person to do: no failure, and no message that may or may not have been delivered."""
        return not self.failed_reports and not self.failed_deliveries and not self.all_unconfirmed


class RunLockedError(ReportgenError):
    """Another distribute run is using the same output folder: not a failure, so a status of its own."""

    exit_code = ExitCode.BUSY


def distribute(manifest_path: Path, period: Period, out_root: Path, *, jobs: int, force: bool = False,
               send: bool = False, resend: Sequence[str] = (), confirm: Sequence[str] = (),
               environ: Mapping[str, str] | None = None,
               clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
               connect: Connect | None = None, progress: Progress | None = None) -> RunResult:
    """Build, record and (with ``send``) deliver every report of the manifest for ``period``.

    ``resend``: Message-IDs of unconfirmed messages found not delivered; they are recorded as
    failed before anything is built, so this run sends their documents again (needs ``send``).
    ``confirm``: those found delivered; recorded as sent, so nothing is sent for them.
    ``connect`` opens the SMTP connection (default: ``mail.connect``, imported only when sending).
    """
    environ = os.environ if environ is None else environ
    if resend and not send:
        raise MessageIdError("--resend needs --send: a dry run records nothing and sends nothing",
                          hint="add --send once the mail server's log shows the message was not delivered")
    manifest = load_manifest(manifest_path)
    if send:
        check_can_send(manifest, manifest_path, environ)
    folder = prepare_folder(out_root / period.text)
    label = format_date(period.start, "MMMM yyyy", locale="en_GB")
    with _locked(folder):
        ledger = Ledger.open(folder)  # read first: a damaged ledger stops the run before anything is built
        if resend or confirm:
            ledger.settle(resend=resend, confirm=confirm, at=clock().isoformat(timespec="seconds"))
        records, failed, results = _build(manifest, period, folder, jobs=jobs, force=force, clock=clock,
                                          progress=progress)
        write_contents(folder, period.text, records, failed)
        write_index(folder, manifest.title, label, records, {e.id: e.audience for e in manifest.reports},
                    [f.report for f in failed])
        deliveries = delivery.plan(manifest, records, [f.report for f in failed], ledger)
        if send and manifest.smtp is not None:
            from reportgen.distribute import mail, sending

            settings, opener = manifest.smtp, connect or mail.connect
            sending.send(deliveries, manifest=manifest, folder=folder, period=period.text, period_label=label,
                         ledger=ledger, connect=lambda: opener(settings, environ), clock=clock)
        return RunResult(folder, label, results, deliveries, send, ledger.unconfirmed(),
                         unconfirmed_elsewhere(_other_periods(folder)))


def _build(manifest: Manifest, period: Period, folder: Path, *, jobs: int, force: bool,
           clock: Callable[[], datetime], progress: Progress | None
           ) -> tuple[dict[str, list[DocumentRecord]], list[FailedRecord], list[ReportResult]]:
    previous = read_contents(folder)
    current: dict[str, list[DocumentRecord]] = {}
    results: dict[str, ReportResult] = {}
    hashes: dict[str, str] = {}
    todo = []
    hasher = InputsHasher()  # the reports share templates, styles and often specs: hash those once
    for entry in manifest.reports:
        started = time.perf_counter()
        as_of = period.text if entry.as_of == "period" else None
        hashes[entry.id] = hasher.inputs_hash(entry.spec, entry.data, entry.formats, period.text, as_of=as_of)
        kept = previous.get(entry.id, [])
        if not force and kept and is_unchanged(kept, hashes[entry.id], entry.formats, folder):
            current[entry.id] = kept
            results[entry.id] = ReportResult(entry.id, "unchanged", time.perf_counter() - started)
        else:
            todo.append(Job(entry.id, entry.spec, tuple(entry.formats), as_of))

    def finished(outcome: Outcome) -> None:
        if isinstance(outcome, Rendered):
            try:
                current[outcome.report_id] = _publish(outcome, folder, hashes[outcome.report_id], clock)
                result = ReportResult(outcome.report_id, "built", outcome.seconds)
            except (OSError, ReportgenError) as error:
                outcome = Failed(outcome.report_id, f"could not write its files: {error}", outcome.seconds)
        if isinstance(outcome, Failed):
            result = ReportResult(outcome.report_id, "failed", outcome.seconds, outcome.reason)
        results[outcome.report_id] = result
        # Record progress now: a run stopped from here on keeps what it built.
        write_contents(folder, period.text, {**previous, **current})
        if progress is not None:
            progress.advance(result)

    if progress is not None:
        progress.start(len(todo))
    if todo:
        run_jobs(longest_first(todo, _last_build_seconds(folder, previous)), jobs, finished)

    ordered = [results[entry.id] for entry in manifest.reports]
    failed = [FailedRecord(report=r.report_id, reason=r.reason) for r in ordered if r.status == "failed"]
    records = {}
    for entry in manifest.reports:
        # A failed report keeps its previous documents listed: they are still on disk, untouched.
        documents = current.get(entry.id) or previous.get(entry.id, [])
        if documents:
            records[entry.id] = documents
    return records, failed, ordered


def _last_build_seconds(folder: Path, previous: Mapping[str, list[DocumentRecord]]) -> dict[str, float]:
    """How long each report took when last built: for this period or, failing that, the latest other one.

    A monthly run is usually the first for its period, so last month's times are what it has to go on.
    """
    others = _other_periods(folder)
    seconds = build_seconds(read_contents(max(others), quiet=True)) if others else {}
    return seconds | build_seconds(previous)


def _other_periods(folder: Path) -> list[Path]:
    """The folders of the other periods beside this one's (``OUT/2022-02`` beside ``OUT/2022-03``)."""
    return [p for p in folder.parent.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]") if p != folder and p.is_dir()]


def _publish(outcome: Rendered, folder: Path, digest: str, clock: Callable[[], datetime]) -> list[DocumentRecord]:
    built_at = clock().isoformat(timespec="seconds")
    publish_files({folder / name: data for name, data in outcome.files.values()})
    records = []
    for fmt, (name, data) in outcome.files.items():
        records.append(DocumentRecord(report=outcome.report_id, title=outcome.title, format=fmt, path=name,
                                      sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                      inputs_hash=digest, built_at=built_at,
                                      build_seconds=round(outcome.seconds, 2)))
    return records


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError(f"another `reportgen distribute` is running for {folder}",
                                 hint="wait for it to finish; runs for one period never overlap") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
