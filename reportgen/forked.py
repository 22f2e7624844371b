"""Work done in a forked child process beside this one: when that is safe, and how its result comes back.

reportgen's own commands use a second core this way where one command does
two long things that need not wait for each other: ``reportgen build``
lays its PDF out while it reads the data (``writers.pdf_process``), and
``reportgen pack`` lays out the private pack while it lays out the public
one. Forking, rather than starting a fresh interpreter, is what makes it
pay: the child starts with everything this process has imported and read.

**When it is safe.** Only on Linux (macOS's system libraries are not
fork-safe once used), with two CPUs or more to run on, and from a process
with no thread but its own: a forked child gets a copy of every lock,
including those held by threads that do not exist in it, and can hang on
one. reportgen's own import threads (``runtime.start_importing``) are waited
for first. Threads are counted as the operating system sees them, so a library's
native thread counts too (``runtime.tune_process`` keeps OpenBLAS, which
pandas loads, from starting one). Under pytest-xdist, or in a program with
threads of its own, the work is simply done in the process.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


NO_FORK = "REPORTGEN_NO_FORK"
"""Set to 1 to keep everything in one process: for a debugger, or a host that limits processes."""


def can_fork() -> bool:
    """Whether this process may fork a child to work beside it (see "When it is safe" above)."""
    if os.environ.get(NO_FORK, "") not in ("", "0"):
        return False
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    from reportgen.runtime import finish_importing

    finish_importing()  # reportgen's own import threads end soon, and their libraries are wanted anyway
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return False
    return threads == 1 and len(os.sched_getaffinity(0)) >= 2


def fork_pool(initializer: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """A pool of one worker, forked at its first ``submit``, before the pool starts its own thread.

    The worker ignores Ctrl-C, which reaches the whole process group: its
    parent stops, and the worker with it, without a second traceback.
    """
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                               initializer=functools.partial(_start_worker, initializer))


def _start_worker(initializer: Callable[[], object] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


def start_in_child(work: Callable[[], T], what: str) -> Callable[[], T]:
    """Start ``work()`` in a forked child if that is safe; the returned function waits for its result.

    Where it is not, ``work`` runs when its result is asked for. The child
    starts as a copy of this process, so ``work`` and what it reads are not
    sent to it; the result comes back by pickle, and an error is raised here
    (an unexpected one with the child's traceback chained under it). If the
    child dies without either (killed, out of memory), ``work`` runs here
    instead, with a warning naming ``what``.
    """
    if not can_fork():
        return work
    global _work
    pool = fork_pool()
    _work = work
    try:
        wait = result_of(pool, what, work, _do_work)  # the child is forked here, holding its copy of `work`
    finally:
        _work = None

    def result() -> T:
        try:
            return wait()
        finally:
            pool.shutdown(wait=True)

    return result


def result_of(pool: ProcessPoolExecutor, what: str, here: Callable[[], T],
              fn: Callable[..., T], *args: object) -> Callable[[], T]:
    """Submit ``fn(*args)`` to ``pool``; the returned function waits for its result.

    If the pool's process has died (killed, out of memory), the work is done
    in this process instead, by ``here``, with a warning naming ``what``.
    """
    try:
        future = pool.submit(fn, *args)
    except BrokenProcessPool:
        return lambda: _instead(what, here)

    def result() -> T:
        try:
            return future.result()
        except BrokenProcessPool:
            return _instead(what, here)

    return result


def _instead(what: str, here: Callable[[], T]) -> T:
    log.warning("the process laying out %s stopped; laying it out in this one instead", what)
    return here()


_work: Callable[[], object] | None = None
"""The work handed to the child being forked: only the child ever calls it."""


def _do_work() -> object:
    assert _work is not None, "runs in the child start_in_child forked"
    return _work()
