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
"""

from __future__ import annotations

import atexit
import gc

GC_THRESHOLDS = (50_000, 20, 20)
"""Youngest generation every 50,000 net allocations; each older one after 20 collections of the one below."""


def tune_process() -> None:
    """Apply the settings above to this process."""
    gc.set_threshold(*GC_THRESHOLDS)
    atexit.unregister(gc.freeze)  # once, however many times this is called
    atexit.register(gc.freeze)
