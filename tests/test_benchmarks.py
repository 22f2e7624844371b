"""The benchmark script runs end to end and writes every row of RESULTS.md (a smoke test: no timings asserted).

Speed is measured by ``benchmarks/run.py``, never asserted here: the machines
are shared and noisy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    "`reportgen pack`:",
    "... peak memory (child's ru_maxrss)",
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
