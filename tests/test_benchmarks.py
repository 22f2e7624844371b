"""The benchmark script runs end to end and writes every row of RESULTS.md (a smoke test: no timings asserted).

Speed is measured by ``benchmarks/run.py``, never asserted here: the machines
are shared and noisy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = [
    "`reportgen --help`, whole process",
    "weasyprint, pandas, matplotlib imported?",
    "Ratio reportgen PDF render / bare WeasyPrint (statements separate)",
    "Ratio reportgen compose + PDF / bare WeasyPrint (statements included)",
    "Word writing time as a share of PDF time",
    "Statements (",
    "... chart share of the total",
    "Speed-up `--jobs 2` over `--jobs 1`",
    "Unchanged rerun as a share of the first run",
    "... peak memory of its processes together",
    "`reportgen pack`:",
    "... peak memory of its larger process (child's ru_maxrss",
    "Peer: pandoc",
    "Peer: LibreOffice",
]


def test_quick_run_writes_every_row(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-profile",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and "weasyprint 7" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Figure")]
    for expected in EXPECTED:
        assert any(expected in row for row in rows), f"no row for {expected!r} in:\n{text}"
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) == 5 and cells[0] and not cells[0].startswith(("Where", "Function")):
            assert cells[1], f"row without a figure: {row}"


def test_peak_memory_counts_a_command_and_the_process_it_starts_together() -> None:
    """``reportgen build`` lays its PDF out in a second process: its memory row must count both."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from _measure import tree_peak_mb
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    hold = "x = bytearray(80 * 2**20); x[::4096] = b'a' * len(x[::4096]); import time; time.sleep(0.6)"
    both = f"import subprocess, sys; {hold}; subprocess.run([sys.executable, '-c', {hold!r}])"
    alone = tree_peak_mb([sys.executable, "-c", hold])
    together = tree_peak_mb([sys.executable, "-c", both])
    if alone is None:
        pytest.skip("summed PSS is read from Linux's /proc")
    assert 80 <= alone < 150
    assert together >= alone + 70
