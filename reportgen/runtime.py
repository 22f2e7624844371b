"""Settings for the processes reportgen runs itself: the command line and distribute's workers.

They are applied by ``reportgen.cli.main`` and each distribute worker's
initializer, never on ``import reportgen``: a program that uses reportgen as
a library keeps its own garbage-collector settings.

**Why the garbage collector is tuned.** Profiling ``reportgen build`` as a
whole process (``perf``, then ``gc.callbacks``) found Python's cyclic
garbage collector taking about a tenth of it. The imports (pandas, numpy,
pydantic, WeasyPrint) leave over 100,000 objects for the collector to
track and WeasyPrint's layout allocates millions of short-lived ones, so
with the default thresholds (700, 10, 10) one committee report ran about
450 collections (0.25-0.39 s of a 3 s build) and a meeting's two agenda
packs (78 and 75 pages) about 2,100 (3.5 s). Collecting the youngest
generation every 50,000 net allocations instead of every 700, as mypy does
for the same reason, leaves a few dozen collections (0.11 s and 0.7 s).
Reference cycles are still collected, a little later: those two packs'
peak memory did not change (339 MB) and that of the benchmark's 443 pages
of packs rose 4% (487 to 509 MB). benchmarks/FINDINGS.md has the
before-and-after timings.

**Why nothing is collected at exit.** When the interpreter shuts down it
runs the cyclic collector over everything still alive, to call finalizers
no one is waiting for: a few tenths of a second in a process that has
imported pandas and WeasyPrint and rendered a report (paired runs: a
committee report's build and a meeting's two packs both 1.10x faster
without it). Freezing the heap at exit (``gc.freeze`` in an ``atexit``
handler) makes that last collection skip it; the memory goes back with the
process. Nothing reportgen writes depends on it: every output is written,
flushed and renamed into place (``reportgen.output``) before the command
returns, and the other ``atexit`` handlers (logging's flush,
``weakref.finalize``) still run. mypy skips the same clean-up by ending its
process with ``os._exit``.

**Why WeasyPrint is imported on a second thread.** About a third of
``import weasyprint`` (0.3 s of 0.9 s here) is spent waiting for other
programs: cffi asks ``ctypes.util.find_library`` for Pango, HarfBuzz,
fontconfig and GObject under several names, and each name it cannot open
runs ``ldconfig``, ``gcc`` and ``ld`` (Kozea/WeasyPrint#1125). A thread
waiting for a subprocess does not hold the GIL, so a command that will
write a PDF starts that import first and imports pandas and the rest of
the pipeline meanwhile. Only a third-party package that none of
reportgen's modules import at their top is imported this way, so the two
threads never wait on each other's half-imported modules; the main
thread's own ``from weasyprint import ...`` waits for the thread's import
to finish and re-raises its error, if any, as usual. (With the waits gone,
below, the rest of the import is Python holding the GIL, so a command that
writes whole documents lays its PDFs out in a forked process instead, where
it can: ``reportgen.writers.pdf_process``. This thread serves agendas and
packs, which lay pages out in the process, and distribute's workers, which
already keep every core busy.)

**Why that import looks libraries up in ldconfig's cache only.** On Linux
``find_library`` reads ``ldconfig -p`` first (about 1.5 ms), and for a name
not there runs ``gcc`` and then ``ld`` (about 12 ms a name). WeasyPrint
tries Windows-style names first (``libgobject-2.0-0``) and six names for
HarfBuzz-vector, which Debian 12 does not have, so those fallbacks are 0.2 s
of a 0.6 s import, about 8% of a one-report PDF build as a whole process
(paired runs). While such an import runs (``import_quickly``), ``find_library`` is
ctypes' own ldconfig step alone. It finds every library the full lookup
finds in the cache, and a library the cache does not list is still loaded:
WeasyPrint's last names (``libpango-1.0.so.0``) are opened by ``dlopen``
directly, which searches ``LD_LIBRARY_PATH`` and the system folders as the
linker would. Elsewhere (macOS, Windows, musl without ``ldconfig -p``) the
lookup is left as it is.

**Why SIGTERM is turned into an exception.** A scheduler stops a job with
SIGTERM (systemd's ``systemctl stop`` or ``TimeoutStopSec``, ``timeout`` in a
crontab). By default it ends the process where it stands: a distribute run
left its worker pool's semaphores behind (Python's resource tracker warns of
them) and could leave a report's files half replaced. While a command runs
(``stop_on_sigterm``), SIGTERM raises ``Terminated`` instead, a
``KeyboardInterrupt``, so it unwinds exactly as Ctrl-C does: files are put
back (``reportgen.output``), the pool's workers are stopped
(``reportgen.distribute.runner``), and ``reportgen.cli`` exits 143 (128 +
15), as a shell reports a process SIGTERM ended. A second SIGTERM, or one
reaching a forked child (whose parent cleans up after it), ends the process
at once, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

GC_THRESHOLDS = (50_000, 20, 20)
"""Youngest generation every 50,000 net allocations; each older one after 20 collections of the one below."""


def tune_process() -> None:
    """Apply the settings above to this process."""
    # No OpenBLAS thread pool: reportgen does no linear algebra, and a native thread in the
    # process would stop reportgen.forked from using a second core (a setting the user made stands).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.set_threshold(*GC_THRESHOLDS)
    atexit.unregister(gc.freeze)  # once, however many times this is called
    atexit.register(gc.freeze)


def start_importing(module_name: str) -> None:
    """Import ``module_name`` on a daemon thread, for this thread to use later (see above)."""
    if module_name in sys.modules:
        return

    def run() -> None:
        # Any error is left for the main thread's own import to raise again, with its message.
        with contextlib.suppress(BaseException):
            import_quickly(module_name)

    thread = threading.Thread(target=run, name=f"import {module_name}", daemon=True)
    thread.start()
    _importing.append(thread)


_importing: list[threading.Thread] = []


def finish_importing() -> None:
    """Wait for the imports ``start_importing`` began: before forking, say, which wants no other thread."""
    while _importing:
        _importing.pop().join()


def import_quickly(module_name: str) -> None:
    """Import ``module_name`` with libraries looked up in ldconfig's cache only (see above)."""
    with _libraries_from_ldconfig_cache():
        importlib.import_module(module_name)


@contextlib.contextmanager
def _libraries_from_ldconfig_cache() -> Iterator[None]:
    """``ctypes.util.find_library`` without its compiler and linker fallbacks, for the duration (see above)."""
    import ctypes.util

    from_cache = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if sys.platform != "linux" or from_cache is None:
        yield
        return
    full_lookup = ctypes.util.find_library
    ctypes.util.find_library = from_cache
    try:
        yield
    finally:
        ctypes.util.find_library = full_lookup


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a command ran: unwound as Ctrl-C is (see above)."""


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Within, SIGTERM raises ``Terminated`` in this process's main thread (see above)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set a handler
        yield
        return
    owner = os.getpid()

    def terminate(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
        if os.getpid() != owner:  # a forked child: end it as before
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
