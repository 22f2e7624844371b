"""Rendering reports in a process pool: every report in its own job, one failure stops none of the others.

Workers render to bytes and return them; the parent writes each document
atomically as its job finishes, so only one process ever writes to the output
folder. Documents take their dates from the spec, never the clock, so which
worker renders a report (or in what order) does not change its bytes.

Workers are started with ``spawn``: a fresh interpreter per worker, whatever
threads the parent has, and the same behaviour on every platform. Each one
imports the pipeline (WeasyPrint, pandas, python-docx: about 1.5 s) and warms
up on its first report (fonts, stylesheets: about 1 s more). Sharing that work
was measured on the 24-report benchmark with 2 CPUs, in 8 and 12 rounds of
paired ``--jobs 1``/``--jobs 2`` runs: a ``forkserver`` preloading those
modules (median ``--jobs 2`` 9.6 s), or an initializer importing them before
the first job (9.3 s and 9.8 s), was no faster than plain spawn (9.5 s and
9.5 s), and the speed-up over ``--jobs 1`` moved only within the machine's
noise. With as many workers as CPUs their start-ups run side by side, so
sharing them saves CPU time, not wall time; and a forkserver would hand every
worker whatever state the imports left in C libraries. So each worker starts
clean; its initializer only starts WeasyPrint's import on a second thread,
where it overlaps the pipeline's (``reportgen.runtime``).

What a worker logs while it renders a report comes back with the report and
is logged again here, each thing once per run: reports sharing a data file
share its warnings, and 24 copies of the same warning would bury the one that
differs. A record naming what it is about (``extra={"about": ...}``, as data
warnings name their problems) is left out once all of that has been told at
its level; any other warning or error once its message has. Progress and
debugging messages (``-v``) are all told.
"""

from __future__ import annotations

import logging
import math
import signal
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import ReportgenError
from reportgen.runtime import tune_process

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One report to render."""

    report_id: str
    spec: Path
    formats: tuple[str, ...]
    as_of: str | None
    """The period (``2022-03``) a spec's data is reported as at; None keeps the spec's own ``data.as_of``."""


@dataclass(frozen=True)
class Logged:
    """A log record a worker made while rendering, to be logged again in the parent."""

    level: int
    logger: str
    message: str
    about: tuple[Hashable, ...]
    """What it tells: its ``about`` (the data warnings it reports, say), else for a warning or error its
    message; nothing (told every time) for a message below WARNING that names nothing."""


@dataclass(frozen=True)
class Rendered:
    report_id: str
    title: str
    files: dict[str, tuple[str, bytes]]
    """Format -> (file name, bytes)."""
    seconds: float
    logged: tuple[Logged, ...] = ()


@dataclass(frozen=True)
class Failed:
    report_id: str
    reason: str
    """One line a person can act on: the error's message, or the exception for a bug."""
    seconds: float = field(default=0.0)
    logged: tuple[Logged, ...] = ()


Outcome = Rendered | Failed


def render_job(job: Job) -> Outcome:
    """Render one report in memory (runs in a worker); never raises. What it logs comes back with it."""
    with _kept_logs() as logged:
        outcome = _render(job)
    return replace(outcome, logged=tuple(logged))


def _render(job: Job) -> Outcome:
    started = time.perf_counter()
    try:
        from reportgen.pipeline import compose_spec, render
        from reportgen.spec import load_report_spec
        from reportgen.writers import get_writer

        # A worker's first report imports the pipeline: that is the worker's time, not the report's
        # (the times recorded steer the next run's order).
        started = time.perf_counter()
        spec, style = load_report_spec(job.spec, period=job.as_of)
        # A report written as at the run's period must have that period's figures.
        document = compose_spec(job.spec, spec, style, job.as_of, formats=job.formats,
                                require_figures=job.as_of is not None)
        files = {fmt: (f"{job.report_id}{get_writer(fmt).suffix}", render(document, style, fmt))
                 for fmt in job.formats}
        return Rendered(job.report_id, spec.header.title, files, time.perf_counter() - started)
    except ReportgenError as error:
        return Failed(job.report_id, _one_line(str(error)), time.perf_counter() - started)
    except Exception as error:  # a bug in a writer must not take the other reports down
        log.exception("report %s failed", job.report_id)
        return Failed(job.report_id, f"{type(error).__name__}: {_one_line(str(error))}",
                      time.perf_counter() - started)


def longest_first(jobs: Sequence[Job], expected: Mapping[str, float]) -> list[Job]:
    """``jobs`` in the order to start them: the longest expected first.

    Workers take jobs in the order given. Started in manifest order, a long
    report that happens to come last runs alone while the other workers sit
    idle; longest first (LPT) fills the end of the run with short ones. A
    report with no time on record goes first (it may be long); equal times
    keep manifest order.
    """
    return sorted(jobs, key=lambda job: -expected.get(job.report_id, math.inf))


def run_jobs(jobs: Sequence[Job], workers: int, on_done: Callable[[Outcome], None], *,
             render: Callable[[Job], Outcome] = render_job) -> list[Outcome]:
    """Render ``jobs`` on up to ``workers`` processes, started in the order given.

    ``on_done`` is called in this process as each job ends; the outcomes are
    returned in the order of ``jobs``. ``render`` (a module-level function,
    as it is sent to the workers by name) is ``render_job`` except in tests.

    A worker that dies (out of memory, a crash in a C library) takes the
    process pool down, and with it every job not yet finished. Those jobs are
    run again one at a time in a fresh worker, so the one report that kills
    its worker fails alone and the others are still built.
    """
    outcomes: dict[str, Outcome] = {}
    told: set[tuple[int, Hashable]] = set()

    def finished(outcome: Outcome) -> None:
        outcomes[outcome.report_id] = outcome
        _tell(outcome.logged, told)
        on_done(outcome)

    cut_short = _run_pool(jobs, workers, render, finished)
    while cut_short:
        # One worker takes the jobs in order, so the first one left unfinished is the one that killed it.
        cut_short = _run_pool(cut_short, 1, render, finished)
        if cut_short:
            culprit, *cut_short = cut_short
            finished(Failed(culprit.report_id, "its worker process died while rendering it "
                                               "(a crash in a C library, or out of memory)"))
    return [outcomes[job.report_id] for job in jobs]


def _run_pool(jobs: Sequence[Job], workers: int, render: Callable[[Job], Outcome],
              finished: Callable[[Outcome], None]) -> list[Job]:
    """Run ``jobs`` in a new pool; return those a dying worker left unfinished, in the order given."""
    if not jobs:
        return []
    # Imported here, not at the top: a run with nothing to build never starts a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    cut_short: list[Job] = []
    context = multiprocessing.get_context("spawn")
    level = logging.getLogger().getEffectiveLevel()
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=context,
                             initializer=_init_worker,
                             initargs=(level, {fmt for job in jobs for fmt in job.formats})) as pool:
        try:
            futures: dict[Future[Outcome], Job] = {}
            for position, job in enumerate(jobs):
                try:
                    futures[pool.submit(render, job)] = job
                except BrokenProcessPool:  # a worker died before the rest were handed over
                    cut_short += jobs[position:]
                    break
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    cut_short.append(job)
                    continue
                except Exception as error:  # noqa: BLE001 (a result that would not pickle, say): this job fails
                    outcome = Failed(job.report_id, f"the worker process failed: {type(error).__name__}: {error}")
                finished(outcome)
        except BaseException:  # Ctrl-C or SIGTERM (reportgen.runtime): stop now, not once every job is done
            _stop(pool)
            raise
    order = {job.report_id: position for position, job in enumerate(jobs)}
    return sorted(cut_short, key=lambda job: order[job.report_id])


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the jobs not started and end the workers rendering the others; leaving ``with`` joins them.

    Without it the pool would finish every job it was given before the
    command could stop. The workers are the pool's own (Python 3.14 has
    ``terminate_workers`` for this).
    """
    workers = list((pool._processes or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()


def _init_worker(level: int, formats: set[str]) -> None:
    """Ctrl-C reaches every process of the group: the parent stops the workers (``_stop``), and a worker
    stopping on its own would print a traceback. SIGTERM still ends a worker at once."""
    from reportgen.writers import start_importing_writers

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_process()
    start_importing_writers(formats)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")


class _Keep(logging.Handler):
    """Keeps each record as ``Logged``, its message formatted (with any traceback)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))
        self.kept: list[Logged] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        about = getattr(record, "about", None) or ((message,) if record.levelno >= logging.WARNING else ())
        self.kept.append(Logged(record.levelno, record.name, message, tuple(about)))


@contextmanager
def _kept_logs() -> Iterator[list[Logged]]:
    """Within, every record reaching the root logger is kept in the list given, not written out."""
    root = logging.getLogger()
    keep, written = _Keep(), root.handlers[:]
    root.handlers[:] = [keep]
    try:
        yield keep.kept
    finally:
        root.handlers[:] = written


def _tell(logged: Sequence[Logged], told: set[tuple[int, Hashable]]) -> None:
    """Log here what a worker logged, but nothing already told at the same level in this run (see above)."""
    for record in logged:
        about = {(record.level, item) for item in record.about}
        if about and about <= told:
            continue
        told |= about
        logging.getLogger(record.logger).log(record.level, "%s", record.message)


def _one_line(message: str) -> str:
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())
