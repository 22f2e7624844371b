"""Timing helpers for the benchmarks: medians and ranges, whole processes with their peak memory."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Stats:
    """Several runs of one measurement."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def n(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    name: str
    median: str
    range: str = "-"
    goal: str = ""
    met: bool | None = None
    """None: no goal, or not measured."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def met_text(self) -> str:
        return {True: "met", False: "**not met**", None: "-"}[self.met]


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(mb: float) -> str:
    return f"{mb:.0f} MB"


def seconds_row(name: str, stats: Stats, goal: str = "", met: bool | None = None) -> Row:
    return Row(name, fmt_s(stats.median), f"{fmt_s(stats.low)} - {fmt_s(stats.high)} (n={stats.n})", goal, met)


def ratio_row(name: str, stats: Stats, goal: str = "", met: bool | None = None, *, percent: bool = False) -> Row:
    def show(x: float) -> str:
        return f"{x * 100:.0f}%" if percent else f"{x:.2f}x"
    return Row(name, show(stats.median), f"{show(stats.low)} - {show(stats.high)} (n={stats.n})", goal, met)


def timed(fn: Callable[[], object], repeats: int, *, warmup: int = 0) -> Stats:
    """Wall time of ``fn()``, ``repeats`` times after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    values = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return Stats(tuple(values))


def paired_calls(first: Callable[[], object], second: Callable[[], object],
                 repeats: int) -> tuple[Stats, Stats, Stats]:
    """Time ``first`` and ``second`` alternately (noise hits both alike): their times and first/second.

    Each starts with the garbage from the one before collected, so neither pays for the other's.
    """
    a, b = [], []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        first()
        a.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        second()
        b.append(time.perf_counter() - start)
    return Stats(tuple(a)), Stats(tuple(b)), Stats(tuple(x / y for x, y in zip(a, b)))


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_mb: float
    cpu_seconds: float
    """User and system time of the command and every process it waited for: more than ``seconds`` on two cores."""
    stdout: str
    stderr: str


_LAUNCHER = """
import os, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
os.write(int(sys.argv[1]), f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}".encode())
sys.exit(code)
"""
"""Runs the command and reports its time and peak memory on a pipe: see ``run_process``."""


def run_process(argv: Sequence[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                check: bool = True, timeout: float = 1800) -> ProcessRun:
    """Run a child to completion: its wall time and its own peak resident memory.

    The command is started by a small launcher, which times it and reports
    ``ru_maxrss`` of its one child. Linux counts in a child's ``ru_maxrss``
    the memory of the process it was forked (or vforked) from, up to the
    exec: measured straight from this benchmark, which holds pandas,
    WeasyPrint and matplotlib by then, a 206 MB build read as 286 MB. The
    launcher is a few MB, and its own start-up is outside the time measured.
    """
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(write_end), *map(str, argv)], cwd=cwd,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                pass_fds=(write_end,))
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as report:
        stdout, stderr = proc.communicate(timeout=timeout)
        measured = report.read().decode().split()
    if (check and proc.returncode != 0) or len(measured) != 3:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n{stderr[-2000:]}")
    seconds, kilobytes, cpu = measured
    peak = int(kilobytes) / 1024 / (1024 if sys.platform == "darwin" else 1)
    return ProcessRun(float(seconds), peak, float(cpu), stdout, stderr)


def tree_peak_mb(argv: Sequence[str | Path], *, interval: float = 0.02) -> float | None:
    """Peak memory of a command and every process it starts, together: their summed PSS, sampled.

    ``ru_maxrss`` is one process's peak, and ``reportgen build`` is two
    processes since the PDF writer has its own (reportgen/writers/pdf_process.py).
    Proportional set size shares each page among the processes mapping it, so
    the sum counts once what the forked child shares with its parent. Sampled
    every ``interval`` seconds, it can miss a shorter peak. None off Linux.
    """
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    proc = subprocess.Popen(list(map(str, argv)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_kb(proc.pid))
        time.sleep(interval)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}")
    return peak / 1024


def _tree_pss_kb(pid: int) -> int:
    total, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                waiting += map(int, children.read().split())
        except (OSError, StopIteration):  # it ended between two reads
            continue
    return total


def processes(argv: Sequence[str | Path], repeats: int, *, warmup: int = 0, before: Callable[[], object] | None = None,
              **kwargs: object) -> tuple[Stats, Stats]:
    """Time ``repeats`` runs of a command: (seconds, peak MB). ``before`` runs untimed before each."""
    for _ in range(warmup):
        if before:
            before()
        run_process(argv, **kwargs)  # type: ignore[arg-type]
    runs = []
    for _ in range(repeats):
        if before:
            before()
        runs.append(run_process(argv, **kwargs))  # type: ignore[arg-type]
    return Stats(tuple(r.seconds for r in runs)), Stats(tuple(r.peak_mb for r in runs))


def paired_processes(first: Sequence[str | Path], second: Sequence[str | Path], repeats: int, *,
                     warmup: int = 0) -> tuple[Stats, Stats, Stats, tuple[Stats, Stats]]:
    """Run two commands alternately (noise hits both alike).

    Their seconds, the per-pair ratio first/second, and their CPU seconds
    (a command using two cores takes less wall time than CPU time).
    """
    for _ in range(warmup):
        run_process(first), run_process(second)
    a, b = [], []
    for _ in range(repeats):
        a.append(run_process(first))
        b.append(run_process(second))
    return (Stats(tuple(r.seconds for r in a)), Stats(tuple(r.seconds for r in b)),
            Stats(tuple(x.seconds / y.seconds for x, y in zip(a, b))),
            (Stats(tuple(r.cpu_seconds for r in a)), Stats(tuple(r.cpu_seconds for r in b))))


def reportgen_cmd() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m reportgen``."""
    script = Path(sys.executable).parent / "reportgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportgen"]
