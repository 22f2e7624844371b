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

import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


def can_fork() -> bool:
    """Whether this process may fork a child to work beside it (see "When it is safe" above)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    from reportgen.runtime import finish_importing

    finish_importing()  # reportgen's own import threads end soon, and their libraries are wanted anyway
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return False
    return threads == 1 and len(os.sched_getaffinity(0)) >= 2


class RemoteTraceback(Exception):
    """Where a child's unexpected error was raised, chained under it (as ``concurrent.futures`` does)."""

    def __str__(self) -> str:
        return str(self.args[0])


def start_in_child(work: Callable[[], T], what: str) -> Callable[[], T]:
    """Start ``work()`` in a forked child if that is safe; the returned function waits for its result.

    Where it is not, ``work`` runs when its result is asked for. The result
    and any error come back by pickle; if the child dies without sending
    either (killed, out of memory), ``work`` runs here instead, with a warning
    naming ``what``.
    """
    if not can_fork():
        return work
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(work, send), name=what, daemon=True)
    child.start()
    send.close()

    def result() -> T:
        try:
            ok, value, where = receive.recv()
        except EOFError:
            child.join()
            log.warning("the process laying out %s stopped (exit status %s); laying it out in this one instead",
                        what, child.exitcode)
            return work()
        finally:
            receive.close()
        child.join()
        if ok:
            return value  # type: ignore[no-any-return]
        raise value from (RemoteTraceback(where) if where else None)

    return result


def _run(work: Callable[[], object], send: multiprocessing.connection.Connection) -> None:
    # Ctrl-C reaches the whole process group: the parent stops, and this child with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outcome: tuple[bool, object, str] = (True, work(), "")
    except BaseException as error:  # noqa: BLE001 (every error goes back to the parent, which raises it)
        from reportgen.errors import ReportgenError

        where = "" if isinstance(error, ReportgenError) else traceback.format_exc()
        outcome = (False, error, where)
    try:
        send.send(outcome)
    except Exception as error:  # noqa: BLE001 (a result or error that does not pickle)
        send.send((False, RuntimeError(f"the child's outcome could not be sent back: {error}"),
                   traceback.format_exc()))
    finally:
        send.close()
